//! How the command line writes times and durations for people.

pub(super) use rsstreaming_shared::text::utc;

/// `1h02m03s`, `4m05s`, `6s`.
pub(super) fn duration(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s:02}s"),
        _ => format!("{h}h{m:02}m{s:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20");
    }

    #[test]
    fn durations_read_short() {
        assert_eq!(duration(6), "6s");
        assert_eq!(duration(245), "4m05s");
        assert_eq!(duration(3723), "1h02m03s");
    }
}
