//! Guess budgets (SPEC §10): the one mechanism behind every secret a client can try — the
//! stream key (API, on_publish, chat login), the viewer password and registered names' passwords.
//!
//! An attempt **takes** one unit from each of its budgets *before* the secret is compared; a
//! budget that is spent refuses the attempt, right guess or not, until its window closes on its
//! own ([`Spent::retry_after`]). A right guess gives its units back, so honest use (an API
//! script, a streamer reconnecting) never spends anything; only failures stay counted. Taking
//! first (rather than checking, comparing, then counting) keeps the bound under concurrency:
//! a thousand guesses sent at once still get at most `failures` comparisons.
//!
//! Counters live in the shared state ([`SharedState::count`]: one fixed counter per bucket and
//! window), so a budget holds across instances (Redis) and costs the same per call however hard
//! it is hammered. An address counts by itself for IPv4 and by its /64 for IPv6 (one host is
//! handed a whole /64); the unknown caller (an unreadable forwarded chain, see
//! [`crate::net::Caller`]) is one address like any other, so unknown callers share one budget.

use crate::state::{SharedState, StateResult};
use std::net::IpAddr;
use std::time::Duration;

/// How many failures one scope may have within a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// What is guessed; part of the counter's name.
    pub secret: &'static str,
    pub failures: u32,
    pub window_secs: u64,
}

const fn per_minute(secret: &'static str, failures: u32) -> Budget {
    Budget {
        secret,
        failures,
        window_secs: 60,
    }
}

/// Stream-key guesses (API Basic auth, chat admin login) per caller address.
pub const KEY_PER_CALLER: Budget = per_minute("key", 20);
/// Stream-key guesses per streamer, from every address together.
pub const KEY_PER_STREAMER: Budget = per_minute("key", 100);
/// Viewer-password guesses (the password form) per caller address.
pub const VIEWER_PASSWORD_PER_CALLER: Budget = per_minute("viewer-password", 20);
/// Viewer-password guesses per stream, from every address together.
pub const VIEWER_PASSWORD_PER_STREAMER: Budget = per_minute("viewer-password", 100);
/// Registered-name password guesses (chat login, SPEC §8) per caller address.
pub const NAME_PASSWORD_PER_CALLER: Budget = per_minute("name-password", 20);
/// Registered-name password guesses per name, from every address together.
pub const NAME_PASSWORD_PER_NAME: Budget = per_minute("name-password", 100);
/// Refused publishes per RTMP client (the `addr` nginx-rtmp reports).
pub const PUBLISH_PER_CLIENT: Budget = per_minute("publish", 10);
/// Refused publishes per hook caller (the transport's caller: nginx itself, or whoever
/// reached the hook), so rotating `addr` does not buy more guesses.
pub const PUBLISH_PER_HOOK_CALLER: Budget = per_minute("publish-hook", 100);

/// Whose guesses one counter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// A client address (IPv6 by its /64).
    Addr(IpAddr),
    /// A streamer (its room name), whoever guesses.
    Streamer(&'a str),
    /// A registered chat name (its name key), whoever guesses.
    Name(&'a str),
}

impl Scope<'_> {
    fn key(&self) -> String {
        match self {
            Scope::Addr(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
                let net = u128::from(*v6) >> 64 << 64;
                format!("addr:{}/64", std::net::Ipv6Addr::from(net))
            }
            Scope::Addr(ip) => format!("addr:{}", ip.to_canonical()),
            Scope::Streamer(room) => format!("streamer:{}", room.to_lowercase()),
            Scope::Name(key) => format!("name:{key}"),
        }
    }
}

/// A refused attempt: a budget is spent until its window closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spent {
    pub retry_after: Duration,
}

impl Spent {
    /// Whole seconds for a `Retry-After` header (at least 1).
    pub fn retry_after_secs(&self) -> u64 {
        self.retry_after.as_secs_f64().ceil().max(1.0) as u64
    }
}

/// An attempt that may compare its secret: the units it took, to give back if it was right.
#[must_use = "a right guess must give its units back with `succeeded`"]
#[derive(Debug)]
pub struct Attempt {
    taken: Vec<(String, u64)>,
}

fn bucket(budget: &Budget, scope: &Scope<'_>) -> String {
    format!("budget:{}:{}", budget.secret, scope.key())
}

/// Takes one unit from each `(budget, scope)` in order: the attempt, or [`Spent`] when one of
/// them is spent (the units already taken are given back; the attempt compares nothing).
pub async fn attempt(
    state: &dyn SharedState,
    limits: &[(Budget, Scope<'_>)],
) -> StateResult<Result<Attempt, Spent>> {
    let mut taken = Attempt { taken: Vec::new() };
    for (budget, scope) in limits {
        let name = bucket(budget, scope);
        let count = state.count(&name, budget.window_secs, 1).await?;
        if count.hits > i64::from(budget.failures) {
            taken.succeeded(state).await?;
            return Ok(Err(Spent {
                retry_after: count.resets_in,
            }));
        }
        taken.taken.push((name, budget.window_secs));
    }
    Ok(Ok(taken))
}

impl Attempt {
    /// The secret was right: the units go back.
    pub async fn succeeded(self, state: &dyn SharedState) -> StateResult<()> {
        for (name, window) in &self.taken {
            state.count(name, *window, -1).await?;
        }
        Ok(())
    }

    /// The secret was wrong: the units stay taken.
    pub fn failed(self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemoryState;

    const TWO: Budget = Budget {
        secret: "t",
        failures: 2,
        window_secs: 60,
    };

    #[tokio::test]
    async fn failures_spend_a_budget_and_right_guesses_give_back() {
        let s = MemoryState::new();
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8::ffff:1".parse().unwrap();
        let other_64: IpAddr = "2001:db8:0:1::1".parse().unwrap();
        for _ in 0..5 {
            let ok = attempt(&s, &[(TWO, Scope::Addr(a))]).await.unwrap();
            ok.unwrap().succeeded(&s).await.unwrap();
        }
        for _ in 0..2 {
            attempt(&s, &[(TWO, Scope::Addr(a))])
                .await
                .unwrap()
                .unwrap()
                .failed();
        }
        let spent = attempt(&s, &[(TWO, Scope::Addr(same_64))]).await.unwrap();
        let spent = spent.unwrap_err();
        assert!((1..=60).contains(&spent.retry_after_secs()));
        assert!(attempt(&s, &[(TWO, Scope::Addr(other_64))])
            .await
            .unwrap()
            .is_ok());
    }
}
