//! Fetches every public URL reachable from a set of starting points on the site and checks
//! that no status line, header or body carries the stream key.

use std::collections::{BTreeSet, VecDeque};

/// What the crawl fetched.
#[derive(Debug, Default)]
pub struct Crawl {
    /// `(status, url)` of every fetch.
    pub fetched: Vec<(u16, String)>,
    /// Where the key was found, if anywhere.
    pub leaks: Vec<String>,
}

impl Crawl {
    pub fn status_of(&self, url_end: &str) -> Option<u16> {
        self.fetched
            .iter()
            .find(|(_, u)| u.ends_with(url_end))
            .map(|(s, _)| *s)
    }

    pub fn count_matching(&self, pred: impl Fn(&str) -> bool) -> usize {
        self.fetched
            .iter()
            .filter(|(s, u)| *s == 200 && pred(u))
            .count()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Resolves a reference found in a document against the document's URL; `None` for other
/// origins and non-HTTP schemes.
fn resolve(base: &url::Url, reference: &str) -> Option<String> {
    let r = reference.trim();
    if r.is_empty() || r.starts_with("data:") || r.starts_with('#') || r.starts_with("javascript:")
    {
        return None;
    }
    let u = base.join(r).ok()?;
    (u.origin() == base.origin()).then(|| {
        let mut u = u;
        u.set_fragment(None);
        u.to_string()
    })
}

/// The references of a page, playlist or stylesheet: `href`/`src` attributes, playlist URI
/// lines and `URI="…"` attributes, CSS `url(…)`, and quoted absolute paths in scripts.
fn references(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "URI=\"", "href='", "src='"] {
        let quote = attr.chars().last().unwrap_or('"');
        let mut rest = body;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find(quote) {
                out.push(rest[..end].to_string());
            }
        }
    }
    if body.starts_with("#EXTM3U") {
        out.extend(
            body.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    let mut rest = body;
    while let Some(i) = rest.find("url(") {
        rest = &rest[i + 4..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].trim_matches(['"', '\'', ' ']).to_string());
        }
    }
    out
}

/// Crawls from `starts` (absolute URLs on one origin), fetching at most `limit` URLs.
pub async fn crawl(http: &reqwest::Client, starts: &[String], key: &str, limit: usize) -> Crawl {
    let mut report = Crawl::default();
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = starts.iter().cloned().collect();
    while let Some(url) = queue.pop_front() {
        if !seen.insert(url.clone()) || seen.len() > limit {
            continue;
        }
        if url.contains(key) {
            report.leaks.push(format!("URL {url}"));
        }
        let resp = match http.get(&url).send().await {
            Ok(r) => r,
            Err(e) => panic!("GET {url}: {e}"),
        };
        let status = resp.status().as_u16();
        for (name, value) in resp.headers() {
            if contains(value.as_bytes(), key.as_bytes()) {
                report.leaks.push(format!("header {name} of {url}"));
            }
        }
        let body = resp.bytes().await.unwrap_or_default();
        if contains(&body, key.as_bytes()) {
            report.leaks.push(format!("body of {url}"));
        }
        report.fetched.push((status, url.clone()));
        if status != 200 {
            continue;
        }
        let Ok(base) = url::Url::parse(&url) else {
            continue;
        };
        if let Ok(text) = std::str::from_utf8(&body) {
            for r in references(text) {
                if let Some(next) = resolve(&base, &r) {
                    queue.push_back(next);
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_of_pages_playlists_and_css() {
        let page = r#"<link href="/static/site.css"><script src='/static/app.js'></script>"#;
        assert_eq!(references(page), ["/static/site.css", "/static/app.js"]);
        let m3u8 = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nplaylist/720P.m3u8\n#EXTINF:1.0,\n/hls/a/3.ts\n";
        assert_eq!(references(m3u8), ["playlist/720P.m3u8", "/hls/a/3.ts"]);
        assert_eq!(references("a{background:url('/x.png')}"), ["/x.png"]);
        let base = url::Url::parse("http://127.0.0.1:1/bob/playlist.m3u8").unwrap();
        assert_eq!(
            resolve(&base, "playlist/720P.m3u8").as_deref(),
            Some("http://127.0.0.1:1/bob/playlist/720P.m3u8")
        );
        assert_eq!(resolve(&base, "http://other/x"), None);
        assert!(contains(b"abcKEYdef", b"KEY") && !contains(b"abc", b"KEY"));
    }
}
