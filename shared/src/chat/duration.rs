//! How long a sanction lasts (SPEC §7 DURATION): `30s`, `10m`, `2h`, `7d` or plain seconds,
//! bounded so that no typo makes a year-long timeout into a thousand-year one. Absent means
//! "until lifted" — the callers decide that, this module only reads a given duration.

use std::fmt;
use std::time::Duration;

/// The longest sanction one may give: a year.
pub const MAX: Duration = Duration::from_secs(365 * 86_400);

/// Why a duration was refused; the text is what the chatter (or API caller) is told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("Invalid duration '{0}': use 30s, 10m, 2h, 7d or a number of seconds.")]
    Malformed(String),
    #[error("Invalid duration '{0}': at least 1 second.")]
    Zero(String),
    #[error("Invalid duration '{0}': at most 365 days.")]
    TooLong(String),
}

/// Reads a DURATION: digits, then optionally one of `s`, `m`, `h`, `d` (any case).
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let t = text.trim();
    let malformed = || DurationError::Malformed(t.chars().take(20).collect());
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 's'),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    let per = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return Err(malformed()),
    };
    // Longer than any bound anyway: refuse without overflowing.
    let Ok(n) = digits.parse::<u64>() else {
        return Err(DurationError::TooLong(t.to_string()));
    };
    let secs = n.saturating_mul(per);
    if secs == 0 {
        return Err(DurationError::Zero(t.to_string()));
    }
    if secs > MAX.as_secs() {
        return Err(DurationError::TooLong(t.to_string()));
    }
    Ok(Duration::from_secs(secs))
}

/// Whether `word` is meant as a duration (it starts with a digit), right or wrong: `/ban bob
/// 10x` is a bad duration, not a reason.
pub fn looks_like(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
}

/// A duration as people read it: `30 seconds`, `10 minutes`, `1 hour`, `7 days`, or mixed
/// units when it is not round (`90 seconds` stays seconds below ten minutes).
pub struct Spoken(pub Duration);

impl fmt::Display for Spoken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        let (n, unit) = [(86_400, "day"), (3_600, "hour"), (60, "minute")]
            .into_iter()
            .find(|(per, _)| secs >= *per && secs.is_multiple_of(*per))
            .map_or((secs, "second"), |(per, unit)| (secs / per, unit));
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "{n} {unit}{plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_plain_seconds() {
        let secs = |t: &str| parse(t).map(|d| d.as_secs());
        assert_eq!(secs("30s"), Ok(30));
        assert_eq!(secs("10m"), Ok(600));
        assert_eq!(secs("2h"), Ok(7_200));
        assert_eq!(secs("7d"), Ok(604_800));
        assert_eq!(secs("45"), Ok(45));
        assert_eq!(secs(" 2H "), Ok(7_200));
        assert_eq!(secs("365d"), Ok(MAX.as_secs()));
    }

    #[test]
    fn bad_ones_say_why() {
        for bad in ["", "s", "10x", "1.5h", "-5", "ten", "10 m", "1e3"] {
            assert!(
                matches!(parse(bad), Err(DurationError::Malformed(_))),
                "{bad}"
            );
        }
        assert!(matches!(parse("0m"), Err(DurationError::Zero(_))));
        assert!(matches!(parse("366d"), Err(DurationError::TooLong(_))));
        let huge = "9".repeat(40);
        assert!(matches!(parse(&huge), Err(DurationError::TooLong(_))));
        assert!(parse("99999999999999999d").is_err());
        assert!(looks_like("10x") && !looks_like("spam"));
    }

    #[test]
    fn spoken() {
        let say = |s| Spoken(Duration::from_secs(s)).to_string();
        assert_eq!(say(1), "1 second");
        assert_eq!(say(90), "90 seconds");
        assert_eq!(say(600), "10 minutes");
        assert_eq!(say(3_600), "1 hour");
        assert_eq!(say(7 * 86_400), "7 days");
    }
}
