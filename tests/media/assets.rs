//! The production site config in front of `serve`: what the app says about its static files'
//! caching reaches the browser unchanged through nginx (no `expires` or `Cache-Control` of
//! nginx's own replaces it), the app's precompressed copies pass through as they are, and nginx
//! gzips the pages it proxies.

use crate::env::{serial, Need};
use crate::stack::{Layout, Options, Stack};

/// The headers a cache decides by, for `url` with `Accept-Encoding: accept`.
async fn caching(stack: &Stack, url: &str, accept: &str) -> Vec<(String, String)> {
    let r = stack
        .http
        .get(url)
        .header("accept-encoding", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{url}");
    let wanted = [
        "cache-control",
        "etag",
        "vary",
        "content-encoding",
        "expires",
    ];
    wanted
        .iter()
        .map(|h| {
            let value = r.headers().get(*h).map(|v| v.to_str().unwrap().to_string());
            (h.to_string(), value.unwrap_or_default())
        })
        .collect()
}

#[tokio::test]
async fn nginx_keeps_the_apps_static_caching_headers_and_gzips_pages() {
    let Some(_one) = serial(Need::Media).await else {
        return;
    };
    let stack = Stack::start(Options::new(Layout::Single, "rename")).await;
    let app = |path: &str| format!("http://127.0.0.1:{}{path}", stack.app_port);
    // The versioned URL the page links (immutable for a year) and a plain one (revalidated).
    let page = stack
        .http
        .get(app("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("site.css?v=").expect("the page links site.css") + "site.css?v=".len();
    let hash: String = page[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let versioned = format!("/static/site.css?v={hash}");
    for path in [versioned.as_str(), "/static/site.css", "/static/js/chat.js"] {
        for accept in ["br, gzip", "gzip", "identity"] {
            let direct = caching(&stack, &app(path), accept).await;
            let proxied = caching(&stack, &stack.site(path), accept).await;
            assert_eq!(
                proxied, direct,
                "{path} with {accept}: nginx changed the app's headers"
            );
        }
    }
    let immutable = caching(&stack, &stack.site(&versioned), "br").await;
    assert!(immutable[0].1.contains("immutable"), "{immutable:?}");
    assert_eq!(immutable[3].1, "br");

    // A page (HTML, compressed by nginx, not by the app).
    let r = stack
        .http
        .get(stack.site("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(r.headers()["vary"]
        .to_str()
        .unwrap()
        .contains("Accept-Encoding"));
}
