//! The compressed copies of the static files (made once by `build.rs`: gzip and brotli) and the
//! choice between them by the request's `Accept-Encoding`.
//!
//! Each encoding is its own representation with its own strong ETag (`"HASH"`, `"HASH.br"`,
//! `"HASH.gz"`), so a cache never answers a brotli request with a gzip body it validated.

/// One static file's precomputed copies (`None` where compressing did not make it smaller).
pub struct Compressed {
    /// The path under `static/`.
    pub path: &'static str,
    pub gzip: Option<&'static [u8]>,
    pub brotli: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/compressed.rs"));

/// A content coding the site has precomputed copies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    /// The `Content-Encoding` value.
    pub fn name(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }

    /// What the representation's ETag adds to the content hash.
    pub fn etag_suffix(self) -> &'static str {
        match self {
            Coding::Brotli => ".br",
            Coding::Gzip => ".gz",
        }
    }
}

/// The precomputed copy of `path` in `coding`, if there is one.
fn copy(path: &str, coding: Coding) -> Option<&'static [u8]> {
    let file = COMPRESSED.iter().find(|f| f.path == path)?;
    match coding {
        Coding::Brotli => file.brotli,
        Coding::Gzip => file.gzip,
    }
}

/// The `q` the header gives `coding` (its own entry, else `*`, else 0). RFC 9110 §12.5.3.
fn quality(accept: &str, coding: &str) -> f32 {
    let mut own = None;
    let mut any = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let token = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        let token = if token == "x-gzip" {
            "gzip".into()
        } else {
            token
        };
        if token == coding {
            own = Some(q);
        } else if token == "*" {
            any = Some(q);
        }
    }
    own.or(any).unwrap_or(0.0)
}

/// The best precomputed copy of `path` the client accepts: brotli before gzip at equal `q`.
pub fn negotiate(path: &str, accept_encoding: Option<&str>) -> Option<(Coding, &'static [u8])> {
    let accept = accept_encoding?;
    [Coding::Brotli, Coding::Gzip]
        .into_iter()
        .filter_map(|c| {
            let q = quality(accept, c.name());
            (q > 0.0).then_some((c, q))
        })
        .filter_map(|(c, q)| copy(path, c).map(|bytes| (c, q, bytes)))
        .fold(
            None,
            |best: Option<(Coding, f32, &'static [u8])>, next| match best {
                Some(b) if b.1 >= next.1 => Some(b),
                _ => Some(next),
            },
        )
        .map(|(c, _, bytes)| (c, bytes))
}

/// Whether `path` has any precomputed copy (its responses then vary by `Accept-Encoding`).
pub fn has_copies(path: &str) -> bool {
    COMPRESSED
        .iter()
        .any(|f| f.path == path && (f.gzip.is_some() || f.brotli.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn every_copy_decodes_to_the_embedded_file() {
        assert!(
            COMPRESSED.len() > 10,
            "{} compressed files",
            COMPRESSED.len()
        );
        for Compressed { path, gzip, brotli } in COMPRESSED {
            let original = super::super::embedded::static_file(path, false)
                .unwrap_or_else(|| panic!("{path} is not embedded"))
                .data;
            if let Some(gz) = gzip {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(*gz)
                    .read_to_end(&mut out)
                    .unwrap();
                assert_eq!(out, original.as_ref(), "{path}.gz");
                assert!(gz.len() < original.len());
            }
            if let Some(br) = brotli {
                let mut out = Vec::new();
                brotli::Decompressor::new(*br, 4096)
                    .read_to_end(&mut out)
                    .unwrap();
                assert_eq!(out, original.as_ref(), "{path}.br");
                assert!(br.len() < original.len());
            }
        }
    }

    #[test]
    fn accept_encoding_picks_the_best_copy_the_client_takes() {
        let css = "site.css";
        let pick = |h: &str| negotiate(css, Some(h)).map(|(c, _)| c);
        assert_eq!(pick("gzip, deflate, br, zstd"), Some(Coding::Brotli));
        assert_eq!(pick("gzip"), Some(Coding::Gzip));
        assert_eq!(pick("x-gzip"), Some(Coding::Gzip));
        assert_eq!(pick("br;q=0.5, gzip;q=0.8"), Some(Coding::Gzip));
        assert_eq!(pick("br;q=0, gzip;q=0"), None);
        assert_eq!(pick("*"), Some(Coding::Brotli));
        assert_eq!(pick("*;q=0, gzip"), Some(Coding::Gzip));
        assert_eq!(pick("identity"), None);
        assert_eq!(pick(""), None);
        assert_eq!(negotiate(css, None), None);
        // Nothing precomputed for an image or a file too small to gain.
        assert_eq!(negotiate("favicon.png", Some("br")), None);
        assert!(has_copies(css) && !has_copies("nothing.css"));
    }
}
