//! Webhook events and what a receiver gets (SPEC §9): the events, the body in each format, the
//! receiver URLs accepted, and the `X-Rsstreaming-Signature` — an HMAC-SHA256 of the body under
//! the webhook's own signing key. That key is derived from the site's secret and the webhook's
//! id, so it is never stored: `rsstreaming webhook add` prints it once, and anyone holding the
//! site's secret (the server) can sign with it again.

use crate::store::WebhookFormat;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The events a webhook gets, as named in its body and `X-Rsstreaming-Event`.
pub const STREAM_STARTED: &str = "stream.started";
pub const STREAM_STOPPED: &str = "stream.stopped";
pub const RECORDING_READY: &str = "recording.ready";

/// The longest receiver URL accepted.
pub const MAX_URL: usize = 1024;

/// Whether `url` may receive webhooks: an absolute http(s) URL with a host, at most
/// [`MAX_URL`] bytes, without credentials.
pub fn check_url(url: &str) -> Result<(), String> {
    let parsed = crate::net::web_url(url, MAX_URL)?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("the URL must not hold a user name or password".into());
    }
    Ok(())
}

/// [`check_url`], and also no receiver on this machine or a private network named by its
/// address or as `localhost` — what a streamer may set from the dashboard (an operator's
/// `webhook add` may point anywhere). A name that resolves to a private address is not caught
/// here.
pub fn check_public_url(url: &str) -> Result<(), String> {
    check_url(url)?;
    let parsed = crate::net::web_url(url, MAX_URL)?;
    let private = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => {
            ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
        }
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => true,
    };
    if private {
        return Err("the receiver must be on the public internet".into());
    }
    Ok(())
}

/// The signing key of webhook `id`, derived from the site's `secret` (hex).
pub fn signing_key(secret: &str, id: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key size");
    mac.update(format!("rsstreaming webhook {id}").as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The `X-Rsstreaming-Signature` of `body` under `key`: `sha256=HEX`.
pub fn signature(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key size");
    mac.update(body);
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What happened, to whom, when (unix seconds), and where to watch (`url`, when the site
/// knows its public origin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    pub event: &'a str,
    pub streamer: &'a str,
    pub at: i64,
    pub url: Option<String>,
}

/// Queues `event` of `streamer`'s room for its webhooks and the site's (`serve` delivers
/// them); `url` is the site's first public origin + `path` (e.g. `/{room}/`), when it has one.
pub async fn queue(
    store: &crate::store::Store,
    public_origins: &[String],
    streamer: &crate::store::Streamer,
    event: &str,
    path: &str,
) -> crate::store::StoreResult<usize> {
    let url = public_origins
        .first()
        .map(|o| format!("{}{path}", o.trim_end_matches('/')));
    let what = Event {
        event,
        streamer: &streamer.username,
        at: crate::store::now_ms() / 1000,
        url,
    };
    store
        .queue_webhooks(&streamer.room(), event, |format| what.body(format))
        .await
}

impl Event<'_> {
    /// The body a receiver of `format` gets.
    pub fn body(&self, format: WebhookFormat) -> String {
        match format {
            WebhookFormat::Json => serde_json::json!({
                "event": self.event,
                "streamer": self.streamer,
                "at": self.at,
                "url": self.url,
            })
            .to_string(),
            WebhookFormat::Discord => {
                let what = match self.event {
                    STREAM_STARTED => "is live",
                    STREAM_STOPPED => "has ended the stream",
                    RECORDING_READY => "has a new recording",
                    other => other,
                };
                let at = self
                    .url
                    .as_deref()
                    .map(|u| format!(": {u}"))
                    .unwrap_or_default();
                serde_json::json!({ "content": format!("{} {what}{at}", self.streamer) })
                    .to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receivers_are_plain_web_urls() {
        let long = format!("https://x/{}", "a".repeat(MAX_URL));
        // (url, any receiver, one a streamer may set)
        let cases = [
            ("https://hooks.example/x?y=1", true, true),
            ("http://127.0.0.1:9/in", true, false),
            ("http://10.1.2.3/", true, false),
            ("http://192.168.0.1/", true, false),
            ("http://169.254.169.254/latest", true, false),
            ("http://[::1]/", true, false),
            ("http://[fd00::1]/", true, false),
            ("http://localhost:8080/", true, false),
            ("http://a.localhost/", true, false),
            ("http://0.0.0.0/", true, false),
            ("ftp://x/", false, false),
            ("javascript:alert(1)", false, false),
            ("https://u:p@x/", false, false),
            ("/relative", false, false),
            (long.as_str(), false, false),
        ];
        for (url, any, public) in cases {
            assert_eq!(check_url(url).is_ok(), any, "{url}");
            assert_eq!(check_public_url(url).is_ok(), public, "{url}");
        }
    }

    #[test]
    fn bodies_and_signatures() {
        let e = Event {
            event: STREAM_STARTED,
            streamer: "Bob",
            at: 5,
            url: Some("https://site.example/bob/".into()),
        };
        let json: serde_json::Value = serde_json::from_str(&e.body(WebhookFormat::Json)).unwrap();
        assert_eq!(
            (&json["event"], &json["url"]),
            (
                &"stream.started".into(),
                &"https://site.example/bob/".into()
            )
        );
        let discord = e.body(WebhookFormat::Discord);
        assert!(
            discord.contains("Bob is live: https://site.example/bob/"),
            "{discord}"
        );
        let key = signing_key("site secret", 7);
        assert_eq!(key.len(), 64);
        let others = [
            signing_key("site secret", 8),
            signing_key("other secret", 7),
        ];
        assert!(!others.contains(&key), "one key per webhook and site");
        let sig = signature(&key, b"{}");
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64, "{sig}");
        assert_eq!(sig, signature(&key, b"{}"));
        assert_ne!(sig, signature(&key, b"{ }"));
    }
}
