//! Which pages may open the chat socket: the `Origin` a browser sends with every WebSocket
//! handshake. A page of another site must not open a socket that carries this site's cookies
//! (the viewer pass) and speaks for the visitor (cross-site WebSocket hijacking), so a foreign
//! origin is refused. Allowed: no `Origin` at all (not a browser: bots, the test clients), the
//! site's own origin (the host the request was sent to, as the trusted proxies report it), and
//! the configured `public_origins`.

/// `scheme://host[:port]` lowercased with the scheme's default port left out, or `None` for
/// anything else (`null`, a path, garbage).
pub fn normalize_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().to_ascii_lowercase();
    let (scheme, rest) = origin.split_once("://")?;
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if rest.is_empty() || !rest.chars().all(valid) {
        return None;
    }
    let host = rest.strip_suffix(default_port).unwrap_or(rest);
    Some(format!("{scheme}://{host}"))
}

/// The `host[:port]` part of an origin or `Host` value, without a default port.
fn authority(value: &str) -> String {
    let v = value.trim().to_ascii_lowercase();
    let v = v.split_once("://").map_or(v.as_str(), |(_, rest)| rest);
    v.strip_suffix(":80")
        .or_else(|| v.strip_suffix(":443"))
        .unwrap_or(v)
        .to_string()
}

/// Whether a handshake with `origin` may open a socket on a site reached as `host`.
pub fn origin_allowed(origin: Option<&str>, host: Option<&str>, public_origins: &[String]) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let Some(origin) = normalize_origin(origin) else {
        return false;
    };
    let same_site = host.is_some_and(|h| !h.is_empty() && authority(h) == authority(&origin));
    same_site
        || public_origins
            .iter()
            .filter_map(|o| normalize_origin(o))
            .any(|o| o == origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_origins_are_refused() {
        let host = Some("streams.example:5678");
        let none: &[String] = &[];
        assert!(origin_allowed(None, host, none), "not a browser");
        assert!(origin_allowed(
            Some("http://streams.example:5678"),
            host,
            none
        ));
        assert!(origin_allowed(
            Some("HTTPS://Streams.Example"),
            Some("streams.example"),
            none
        ));
        assert!(origin_allowed(
            Some("https://streams.example:443"),
            Some("streams.example"),
            none
        ));
        assert!(!origin_allowed(Some("https://evil.example"), host, none));
        assert!(!origin_allowed(
            Some("http://streams.example.evil.example:5678"),
            host,
            none
        ));
        assert!(!origin_allowed(Some("null"), host, none));
        assert!(!origin_allowed(
            Some("http://streams.example:5678"),
            None,
            none
        ));
        let public = ["https://live.example".to_string()];
        assert!(origin_allowed(Some("https://live.example"), host, &public));
        assert!(!origin_allowed(Some("http://live.example"), host, &public));
        assert_eq!(normalize_origin("ftp://x"), None);
        assert_eq!(normalize_origin("https://a/b"), None);
    }
}
