//! Flood control of one socket: every frame counts against a generous limit; chat lines and
//! drawings against a human one; `/users`, whose reply is the whole roster, against a small
//! one. Whoever goes
//! over is told to slow down, at most once a second.

use super::socket::Socket;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use rsstreaming_shared::chat::Outgoing;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

pub struct Flood {
    frames: DefaultDirectRateLimiter,
    lines: DefaultDirectRateLimiter,
    heavy: DefaultDirectRateLimiter,
    lookups: DefaultDirectRateLimiter,
    last_warning: Option<Instant>,
}

fn quota(per_second: u32, burst: u32) -> Quota {
    let nz = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(nz(per_second)).allow_burst(nz(burst))
}

impl Default for Flood {
    fn default() -> Self {
        Self {
            frames: RateLimiter::direct(quota(20, 60)),
            lines: RateLimiter::direct(quota(3, 12)),
            heavy: RateLimiter::direct(Quota::with_period(Duration::from_secs(2)).map_or_else(
                || quota(1, 5),
                |q| q.allow_burst(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN)),
            )),
            // A page of the roster or a type-ahead lookup (SPEC §5a): a bounded answer, but
            // each reads the room's roster.
            lookups: RateLimiter::direct(quota(4, 10)),
            last_warning: None,
        }
    }
}

impl Flood {
    /// Whether one more frame of any kind may be handled now.
    pub fn allows_frame(&mut self, socket: &Socket) -> bool {
        let ok = self.frames.check().is_ok();
        self.warn_unless(ok, socket)
    }

    /// Whether one more chat line or drawing may be handled now.
    pub fn allows_line(&mut self, socket: &Socket) -> bool {
        let ok = self.lines.check().is_ok();
        self.warn_unless(ok, socket)
    }

    /// Whether one more request answered with the roster may be handled now.
    pub fn allows_heavy(&mut self, socket: &Socket) -> bool {
        let ok = self.heavy.check().is_ok();
        self.warn_unless(ok, socket)
    }

    /// Whether one more roster page or name lookup may be answered now.
    pub fn allows_lookup(&mut self, socket: &Socket) -> bool {
        let ok = self.lookups.check().is_ok();
        self.warn_unless(ok, socket)
    }

    fn warn_unless(&mut self, ok: bool, socket: &Socket) -> bool {
        if !ok {
            let now = Instant::now();
            let recently = self
                .last_warning
                .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1));
            if !recently {
                self.last_warning = Some(now);
                socket.send(&Outgoing::warning(
                    "You are sending messages too fast, slow down.",
                ));
            }
        }
        ok
    }
}
