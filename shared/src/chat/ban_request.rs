//! A ban asked for from outside the chat — the remote-control API and the CLI — checked by the
//! chat's rules: a name a chatter could have, never the streamer's, a DURATION as in `/ban`, a
//! reason of bounded length. The address binds once the gateway sees the chatter (see the
//! gateway's `sanctions`).

use super::commands::MAX_REASON;
use super::duration::{self, DurationError};
use crate::store::{now_ms, Sanction, SanctionKind};
use crate::text::{self, NameProblem};

/// Why a ban was refused; the text is what the caller is told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BanRefused {
    #[error("A username to ban is required.")]
    Blank,
    #[error("Invalid name specified: no chatter can have it.")]
    BadName,
    /// Nobody sanctions the streamer (the same words as `/ban`).
    #[error("User '{0}' cannot be banned.")]
    Streamer(String),
    #[error(transparent)]
    Duration(#[from] DurationError),
    #[error("The reason is longer than {MAX_REASON} characters.")]
    ReasonTooLong,
}

/// The name a ban or unban from outside names, trimmed and checked.
pub fn checked_name<'a>(streamer: &str, name: &'a str) -> Result<&'a str, BanRefused> {
    let name = name.trim();
    match text::check_name(name, |_| false) {
        Err(NameProblem::Blank) => return Err(BanRefused::Blank),
        Err(_) => return Err(BanRefused::BadName),
        Ok(()) => {}
    }
    if text::name_key(name) == text::name_key(streamer) {
        return Err(BanRefused::Streamer(name.to_string()));
    }
    Ok(name)
}

/// The ban of `name` in `streamer`'s room by `by`, for `duration` (absent: until lifted).
pub fn ban_request(
    streamer: &str,
    name: &str,
    duration: Option<&str>,
    reason: Option<&str>,
    by: &str,
) -> Result<Sanction, BanRefused> {
    let name = checked_name(streamer, name)?;
    let lasting = duration.map(duration::parse).transpose()?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(BanRefused::ReasonTooLong);
    }
    let now = now_ms();
    Ok(Sanction {
        id: 0,
        room: streamer.to_ascii_lowercase(),
        kind: SanctionKind::Ban,
        username: name.to_string(),
        name_key: text::name_key(name),
        addr: None,
        reason: reason.map(str::to_string),
        until: lasting.map(|d| now + d.as_millis() as i64),
        by: by.to_string(),
        created: now,
    })
}

/// The timeout of `name` in `streamer`'s room by `by` for `duration`, as `/timeout` sets it
/// (a timeout always ends: the duration is required).
pub fn timeout_request(
    streamer: &str,
    name: &str,
    duration: &str,
    by: &str,
) -> Result<Sanction, BanRefused> {
    let ban = ban_request(streamer, name, Some(duration), None, by)?;
    Ok(Sanction {
        kind: SanctionKind::Mute,
        ..ban
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chat_rules_hold_outside_it() {
        let ok = ban_request("Alice", " Bob ", Some("7d"), Some(" spam "), "alice").unwrap();
        assert_eq!((ok.username.as_str(), ok.name_key.as_str()), ("Bob", "bob"));
        assert_eq!(ok.reason.as_deref(), Some("spam"));
        let week = ok.until.unwrap() - ok.created;
        assert_eq!(week, 7 * 86_400_000);
        assert_eq!(
            ban_request("Alice", "bob", None, None, "a").unwrap().until,
            None
        );
        let refused = |name: &str, d: Option<&str>| ban_request("Alice", name, d, None, "a");
        assert_eq!(refused("  ", None), Err(BanRefused::Blank));
        assert_eq!(
            refused("ALICE", None),
            Err(BanRefused::Streamer("ALICE".into()))
        );
        assert_eq!(refused(&"x".repeat(40), None), Err(BanRefused::BadName));
        let bad = refused("bob", Some("soon")).unwrap_err().to_string();
        assert_eq!(
            bad,
            "Invalid duration 'soon': use 30s, 10m, 2h, 7d or a number of seconds."
        );
        let long = "x".repeat(MAX_REASON + 1);
        let too_long = ban_request("Alice", "bob", None, Some(&long), "a");
        assert_eq!(too_long, Err(BanRefused::ReasonTooLong));
        let timeout = timeout_request("Alice", "bob", "10m", "alice").unwrap();
        assert_eq!(timeout.kind, SanctionKind::Mute);
        assert_eq!(timeout.until.unwrap() - timeout.created, 600_000);
        assert!(matches!(
            timeout_request("Alice", "bob", "", "a"),
            Err(BanRefused::Duration(_))
        ));
    }
}
