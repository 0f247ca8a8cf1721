//! How far behind a reader is, measured in time whatever the frames' size (issue 15 point 4):
//! while frames flow to a socket, the writer puts a ping behind them every [`BUSY_PING`]; the
//! peer's pong comes back only once it has read everything before the ping. A ping unanswered
//! for [`MAX_LAG`] while at least [`MIN_FRAMES_BEHIND`] frames were written after it means the
//! reader is not keeping up: it is dropped (within about ten seconds of falling behind), long
//! before its kernel buffers would fill. A quiet socket (a few frames) is left to the idle
//! ping and its dead-peer timeout.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a busy socket is pinged.
pub const BUSY_PING: Duration = Duration::from_secs(2);
/// The longest a ping may go unanswered on a busy socket.
pub const MAX_LAG: Duration = Duration::from_secs(8);
/// Frames written after an unanswered ping before the lag counts (a page idle for a moment
/// while a few lines arrive is not behind).
pub const MIN_FRAMES_BEHIND: usize = 64;

/// The ping in flight, if any, and what was written since.
#[derive(Debug, Default)]
pub struct Lag {
    state: Mutex<LagState>,
}

#[derive(Debug, Default)]
struct LagState {
    ping_sent: Option<Instant>,
    frames_since: usize,
    last_ping: Option<Instant>,
}

/// What the writer should do after writing a batch.
#[derive(Debug, PartialEq, Eq)]
pub enum AfterBatch {
    Nothing,
    /// Put a ping behind the batch.
    Ping,
    /// The reader is this far behind: drop it.
    Behind(Duration),
}

impl Lag {
    fn state(&self) -> std::sync::MutexGuard<'_, LagState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `frames` were just written at `now`.
    pub fn wrote(&self, frames: usize, now: Instant) -> AfterBatch {
        let mut s = self.state();
        match s.ping_sent {
            Some(sent) => {
                s.frames_since += frames;
                let lag = now.saturating_duration_since(sent);
                if lag > MAX_LAG && s.frames_since >= MIN_FRAMES_BEHIND {
                    return AfterBatch::Behind(lag);
                }
                AfterBatch::Nothing
            }
            None if s
                .last_ping
                .is_none_or(|t| now.saturating_duration_since(t) >= BUSY_PING) =>
            {
                s.ping_sent = Some(now);
                s.last_ping = Some(now);
                s.frames_since = 0;
                AfterBatch::Ping
            }
            None => AfterBatch::Nothing,
        }
    }

    /// A ping went out for another reason (the idle ping): it is the one in flight.
    pub fn pinged(&self, now: Instant) {
        let mut s = self.state();
        if s.ping_sent.is_none() {
            s.ping_sent = Some(now);
            s.last_ping = Some(now);
            s.frames_since = 0;
        }
    }

    /// The peer answered: it has read everything before the ping.
    pub fn ponged(&self) {
        self.state().ping_sent = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_reader_that_stops_answering_is_behind_after_max_lag() {
        let lag = Lag::default();
        let t0 = Instant::now();
        assert_eq!(lag.wrote(10, t0), AfterBatch::Ping);
        assert_eq!(
            lag.wrote(10, t0 + Duration::from_secs(1)),
            AfterBatch::Nothing
        );
        lag.ponged();
        assert_eq!(
            lag.wrote(10, t0 + Duration::from_secs(1)),
            AfterBatch::Nothing,
            "not yet"
        );
        assert_eq!(lag.wrote(10, t0 + BUSY_PING), AfterBatch::Ping);
        // No pong from here on: behind once both the time and the frames say so.
        let late = t0 + BUSY_PING + MAX_LAG + Duration::from_millis(1);
        assert_eq!(
            lag.wrote(10, late),
            AfterBatch::Nothing,
            "only 10 frames behind"
        );
        assert!(matches!(
            lag.wrote(MIN_FRAMES_BEHIND, late),
            AfterBatch::Behind(_)
        ));
    }
}
