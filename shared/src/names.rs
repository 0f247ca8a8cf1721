//! Validation of streamer usernames and emote aliases (SPEC §1, §3).

/// Usernames: `[A-Za-z0-9_-]{1,64}`.
pub fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Names a streamer cannot take because the site's own routes live there (`/api/…`, `/hls/…`,
/// `/ws`, ...); the handlers' tests check this list against the route table.
pub const RESERVED_USERNAMES: &[&str] = &["api", "auth", "healthz", "hls", "static", "ws"];

/// Whether `name` (in any letter case) is one of [`RESERVED_USERNAMES`].
pub fn reserved_username(name: &str) -> bool {
    RESERVED_USERNAMES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
}

/// Emote aliases: `[A-Za-z0-9_-]{1,64}` (the length cap keeps rows and type-ahead sane).
pub fn valid_alias(alias: &str) -> bool {
    valid_username(alias)
}

/// The room of a streamer: its lowercased username.
pub fn room_of(username: &str) -> String {
    username.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(valid_username("test_User-1"));
        assert!(!valid_username(""));
        assert!(!valid_username("a b"));
        assert!(!valid_username("x'; DROP TABLE streamers;--"));
        assert!(!valid_username(&"a".repeat(65)));
        assert!(!valid_username("../etc"));
        assert!(!valid_username("é"));
        assert!(reserved_username("API") && reserved_username("ws"));
        assert!(!reserved_username("alice"));
    }
}
