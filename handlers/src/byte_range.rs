//! The one `Range: bytes=…` form a video player sends (RFC 9110 §14): a single range, from a
//! first byte to a last one, open-ended, or the last N bytes. Several ranges in one request are
//! not served as such (the whole answer is sent instead, which the RFC allows).

use std::ops::RangeInclusive;

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// No usable range: the whole file.
    Whole,
    /// These bytes (within the file).
    Part(RangeInclusive<u64>),
    /// A range that starts past the end (416).
    Unsatisfiable,
}

/// Parses `header` for a file of `size` bytes; an open-ended range is cut to `max_part` bytes
/// (a player asks again for the rest).
pub fn wanted(header: Option<&str>, size: u64, max_part: u64) -> Wanted {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (start, end) = match (first.trim().is_empty(), number(first), number(last)) {
        // `-N`: the last N bytes.
        (true, _, Some(n)) if n > 0 => (size.saturating_sub(n), size.saturating_sub(1)),
        (true, _, _) => return Wanted::Unsatisfiable,
        (false, Some(a), Some(b)) if a <= b => (a, b.min(size.saturating_sub(1))),
        (false, Some(a), None) if last.trim().is_empty() => (
            a,
            a.saturating_add(max_part.max(1) - 1)
                .min(size.saturating_sub(1)),
        ),
        _ => return Wanted::Whole,
    };
    if size == 0 || start >= size {
        return Wanted::Unsatisfiable;
    }
    Wanted::Part(start..=end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ranges_are_read_and_bounded() {
        let w = |h: &str| wanted(Some(h), 1000, 100);
        assert_eq!(wanted(None, 1000, 100), Wanted::Whole);
        assert_eq!(w("bytes=0-99"), Wanted::Part(0..=99));
        assert_eq!(w("bytes=900-5000"), Wanted::Part(900..=999));
        assert_eq!(w("bytes=0-"), Wanted::Part(0..=99));
        assert_eq!(w("bytes=950-"), Wanted::Part(950..=999));
        assert_eq!(w("bytes=-10"), Wanted::Part(990..=999));
        assert_eq!(w("bytes=-5000"), Wanted::Part(0..=999));
        assert_eq!(w("bytes=1000-"), Wanted::Unsatisfiable);
        assert_eq!(w("bytes=-0"), Wanted::Unsatisfiable);
        assert_eq!(w("bytes=5-2"), Wanted::Whole);
        assert_eq!(w("bytes=0-1,5-9"), Wanted::Whole);
        assert_eq!(w("bytes=a-b"), Wanted::Whole);
        assert_eq!(w("bytes=+1-2"), Wanted::Whole);
        assert_eq!(w("items=0-1"), Wanted::Whole);
        assert_eq!(w("bytes=18446744073709551615-"), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-"), 0, 100), Wanted::Unsatisfiable);
    }
}
