//! One configured video quality (`video_qualities`): the suffix the transcoding nginx config
//! gives a stream's files (`<stem>_<quality>.m3u8`) and the name players and URLs show.

use crate::names::text_type;

/// A quality name: letters, digits and `-` (it appears in file names and URLs).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Quality(String);

text_type!(Quality);

/// Text that cannot be a quality name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` must be letters, digits or '-'")]
pub struct QualityError(pub String);

impl Quality {
    pub fn parse(text: &str) -> Result<Self, QualityError> {
        let ok = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(Self(text.to_string()))
        } else {
            Err(QualityError(text.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Quality {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The stem nginx uses for one quality of a stream: `stem` or `stem_<quality>`.
pub fn quality_stem(stem: &str, quality: Option<&Quality>) -> String {
    match quality {
        Some(q) => format!("{stem}_{q}"),
        None => stem.to_string(),
    }
}

/// Splits a configured `_<quality>` suffix off a file stem: `abc_720P` → (`abc`, `720P`).
/// Qualities are tried longest first so `_1080P` is not mistaken for a shorter suffix.
pub fn split_quality<'a>(
    stem: &'a str,
    qualities: &'a [Quality],
) -> (&'a str, Option<&'a Quality>) {
    let mut best: Option<(&str, &Quality)> = None;
    for q in qualities {
        if let Some(base) = stem
            .strip_suffix(q.as_str())
            .and_then(|b| b.strip_suffix('_'))
        {
            if !base.is_empty() && best.is_none_or(|(_, bq)| q.len() > bq.len()) {
                best = Some((base, q));
            }
        }
    }
    match best {
        Some((base, q)) => (base, Some(q)),
        None => (stem, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_suffixes() {
        let qs: Vec<Quality> = ["Original", "P", "1080P"]
            .iter()
            .map(|q| Quality::parse(q).unwrap())
            .collect();
        let split = |stem| {
            let (base, q) = split_quality(stem, &qs);
            (base, q.map(Quality::as_str))
        };
        assert_eq!(split("key_Original"), ("key", Some("Original")));
        assert_eq!(split("key_1080P"), ("key", Some("1080P")));
        assert_eq!(split("key_P"), ("key", Some("P")));
        assert_eq!(split("key"), ("key", None));
        assert_eq!(split("_720P"), ("_720P", None));
        assert_eq!(split_quality("key_Original", &[]), ("key_Original", None));
        assert_eq!(quality_stem("k", qs.last()), "k_1080P");
        assert_eq!(quality_stem("k", None), "k");
    }

    #[test]
    fn names_that_fit_a_file_name_and_a_url() {
        assert_eq!(Quality::parse("720P").unwrap(), "720P");
        assert!(Quality::parse("Original-2").is_ok());
        for bad in ["", "7 20", "../x", "a_b", "é"] {
            assert!(Quality::parse(bad).is_err(), "{bad}");
        }
    }
}
