//! Attacks on the HTTP side, over the real sockets (issue 11): guess budgets that stop a right
//! guess, forwarded chains that fail closed, JSON-only writes. Distinct callers are simulated
//! through one trusted proxy hop and `X-Forwarded-For`.

use crate::site;
use rsstreaming_testkit::hooks::nginx_form;
use rsstreaming_testkit::{Backend, Site};
use serde_json::json;

const KEY: &str = "guard-K3y-0123456789";
const PASSWORD: &str = "viewer-pw";

/// A site behind one trusted proxy with streamer `bob` (key [`KEY`], viewer password
/// [`PASSWORD`] when `protected`).
async fn behind_proxy(backend: Backend, protected: bool) -> Site {
    let mut b = site().proxy_hops(1).streamer("bob", KEY);
    if protected {
        b = b.password("bob", PASSWORD);
    }
    b.start(backend).await
}

/// Sends `req` as if from `addr` (through the trusted proxy): status and `Retry-After`.
async fn answer_to(req: reqwest::RequestBuilder, addr: &str) -> (u16, Option<String>) {
    let r = req
        .header("x-forwarded-for", addr)
        .send()
        .await
        .expect("request");
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), retry)
}

/// `GET /api/info` as `bob` with `key`, from `addr`.
async fn api_from(site: &Site, addr: &str, key: &str) -> (u16, Option<String>) {
    let req = site
        .http
        .get(site.url("/api/info"))
        .basic_auth("bob", Some(key));
    answer_to(req, addr).await
}

/// Asserts a 429 whose `Retry-After` is a number of seconds within the minute.
fn assert_spent(answer: (u16, Option<String>), what: &str) {
    assert_eq!(answer.0, 429, "{what}");
    let secs: u64 = answer.1.expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&secs), "{what}: Retry-After {secs}");
}

pub async fn api_key_budget_stops_the_right_key_per_address_and_per_streamer(backend: Backend) {
    let site = behind_proxy(backend, false).await;
    // Right keys spend nothing.
    for _ in 0..30 {
        assert_eq!(api_from(&site, "198.51.100.1", KEY).await.0, 200);
    }
    for i in 0..20 {
        assert_eq!(api_from(&site, "198.51.100.1", "guess").await.0, 401, "{i}");
    }
    assert_spent(
        api_from(&site, "198.51.100.1", KEY).await,
        "right key, spent",
    );
    assert_eq!(
        api_from(&site, "198.51.100.2", KEY).await.0,
        200,
        "other address"
    );
    // IPv6 counts by /64: the neighbour in the same /64 is the same caller.
    for _ in 0..20 {
        assert_eq!(api_from(&site, "2001:db8::1", "guess").await.0, 401);
    }
    assert_spent(api_from(&site, "2001:db8::2", KEY).await, "same /64");
    assert_eq!(api_from(&site, "2001:db8:0:1::1", KEY).await.0, 200);
    // Spread over many addresses, the streamer's own wider budget runs out (100 a minute;
    // 40 failures above already count).
    for n in 0..3 {
        for _ in 0..20 {
            let addr = format!("203.0.113.{n}");
            assert_eq!(api_from(&site, &addr, "guess").await.0, 401);
        }
    }
    assert_spent(api_from(&site, "192.0.2.99", KEY).await, "streamer budget");
}

/// `POST /bob/password` with `password` from `addr`.
async fn password_from(site: &Site, addr: &str, password: &str) -> (u16, Option<String>) {
    let req = site.http.post(site.url("/bob/password"));
    answer_to(req.form(&[("streampass", password)]), addr).await
}

pub async fn viewer_password_form_is_budgeted(backend: Backend) {
    let site = behind_proxy(backend, true).await;
    assert_eq!(password_from(&site, "198.51.100.1", PASSWORD).await.0, 303);
    for i in 0..20 {
        let answer = password_from(&site, "198.51.100.1", "guess").await;
        assert_eq!(answer.0, 403, "{i}");
    }
    assert_spent(
        password_from(&site, "198.51.100.1", PASSWORD).await,
        "right, spent",
    );
    assert_eq!(password_from(&site, "198.51.100.2", PASSWORD).await.0, 303);
}

/// `on_publish` from the hook caller `xff` (none: a direct call) for `name` from RTMP `addr`.
async fn hook(site: &Site, xff: Option<&[u8]>, name: &str, addr: &str) -> u16 {
    let mut req = site
        .http
        .post(site.url("/auth/on_publish"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(nginx_form(name, addr));
    if let Some(xff) = xff {
        let value = reqwest::header::HeaderValue::from_bytes(xff).expect("header bytes");
        req = req.header("x-forwarded-for", value);
    }
    req.send().await.expect("on_publish").status().as_u16()
}

pub async fn unreadable_or_short_forwarded_chains_are_an_unknown_caller(backend: Backend) {
    let site = behind_proxy(backend, false).await;
    // Each of these would have made the caller the loopback peer, which publish.allow holds.
    let mut chains: Vec<&[u8]> = vec![b"garbage", b"", b" , ", b"127.0.0.1:x"];
    if backend == Backend::Serve {
        // Bytes that are not text reach `serve` as they are; the Lambda emulator drops such a
        // header before building the event, so the function never sees it.
        chains.extend([&b"\xff127.0.0.1"[..], b"127.0.0.1\xa0"]);
    }
    for xff in chains {
        let status = hook(&site, Some(xff), KEY, "127.0.0.1").await;
        assert_eq!(status, 403, "{}", String::from_utf8_lossy(xff));
    }
    // No header at all: nginx-rtmp calling directly, the peer itself.
    assert_eq!(hook(&site, None, KEY, "127.0.0.1").await, 200);
    // The same rule for any route: an unreadable chain is one caller, whose budget is shared.
    for _ in 0..20 {
        assert_eq!(api_from(&site, "bogus", "guess").await.0, 401);
    }
    assert_spent(api_from(&site, "also bogus", KEY).await, "unknown callers");
    assert_eq!(api_from(&site, "198.51.100.1", KEY).await.0, 200);
}

pub async fn rotating_the_rtmp_address_does_not_buy_guesses(backend: Backend) {
    let site = site().streamer("bob", KEY).start(backend).await;
    // 10 a minute per RTMP address, 100 per hook caller whatever `addr` says.
    for i in 0..100 {
        let addr = format!("198.51.{}.{}", i / 200, i % 200);
        assert_eq!(hook(&site, None, "guess", &addr).await, 403, "{i}");
    }
    assert_eq!(hook(&site, None, KEY, "192.0.2.77").await, 429);
}

pub async fn writes_require_a_json_body(backend: Backend) {
    let site = site().streamer("bob", KEY).start(backend).await;
    let send = |method: reqwest::Method, path: &str, content_type: &str, body: &str| {
        site.http
            .request(method, site.url(path))
            .basic_auth("bob", Some(KEY))
            .header("content-type", content_type)
            .body(body.to_string())
            .send()
    };
    let message = json!({"message": "hi"}).to_string();
    let info = json!({"description": "d"}).to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let r = send(
            reqwest::Method::POST,
            "/api/messages",
            content_type,
            &message,
        );
        assert_eq!(r.await.unwrap().status(), 415, "{content_type}");
        let r = send(reqwest::Method::PATCH, "/api/info", content_type, &info);
        assert_eq!(r.await.unwrap().status(), 415, "{content_type}");
    }
    let json_type = "application/json; charset=utf-8";
    let r = send(reqwest::Method::PATCH, "/api/info", json_type, &info);
    assert_eq!(r.await.unwrap().status(), 200);
    assert_eq!(site.api("bob", KEY).info().await["description"], "d");
    let r = send(
        reqwest::Method::POST,
        "/api/messages",
        "Application/JSON",
        &message,
    );
    assert_eq!(r.await.unwrap().status(), 200);
}

/// A browser keeps Basic credentials and sends them along with another site's form post: a
/// Basic request from another site's page (by `Origin` or `Sec-Fetch-Site`) is refused before
/// the key is looked at, and changes nothing — a body-less delete included; from this site's
/// own pages, from a listed `public_origins` entry, or from a client that is no browser, it
/// works; a token is not affected.
pub async fn basic_credentials_from_another_sites_page_are_refused(backend: Backend) {
    let site = site().streamer("bob", KEY);
    let site = site
        .yaml("public_origins: [\"https://embed.example\"]\n")
        .start(backend)
        .await;
    let api = site.api("bob", KEY);
    assert_eq!(api.say(None, "keep me").await.status(), 200);
    let id = api.messages("").await.last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let delete = format!("/api/messages/{id}/delete");
    let from = |headers: &[(&str, &str)]| {
        let mut r = site
            .http
            .post(site.url(&delete))
            .basic_auth("bob", Some(KEY));
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send()
    };
    for foreign in [
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "https://a.evil.example"),
        ],
    ] {
        let r = from(&foreign).await.unwrap();
        assert_eq!(r.status(), 403, "{foreign:?}");
        assert!(!r.text().await.unwrap().contains(KEY));
    }
    let kept = api.messages("").await;
    assert!(
        kept.iter().all(|m| m["deleted"] != true),
        "nothing deleted: {kept:?}"
    );
    let read = |origin: &str| {
        let r = site.http.get(site.url("/api/info"));
        r.basic_auth("bob", Some(KEY))
            .header("origin", origin)
            .send()
    };
    let info = read("https://evil.example").await.unwrap();
    assert_eq!(info.status(), 403, "reads too");

    let embed = from(&[("origin", "https://embed.example")]).await.unwrap();
    assert_eq!(embed.status(), 200, "a listed public origin");
    let own = site.base().trim_end_matches('/').to_string();
    assert_eq!(
        read(&own).await.unwrap().status(),
        200,
        "this site's own page"
    );
    assert_eq!(api.info().await["username"], "bob", "no browser: no Origin");
}
