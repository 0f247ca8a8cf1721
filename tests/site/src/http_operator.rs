//! What operators and their tools ask a deployment: liveness and readiness probes, the OpenAPI
//! document of `/api/*` (and, by the document's own rule, unknown query parameters refused on
//! the API), and static files sent compressed with validators per encoding.

use crate::chat_cluster::OwnRedis;
use crate::site;
use rsstreaming_testkit::config::redis_yaml;
use rsstreaming_testkit::{Backend, Site};
use serde_json::{json, Value};
use std::io::Read;
use std::time::{Duration, Instant};

const KEY: &str = "operator-K3y-1";

pub async fn the_openapi_document_is_served_and_describes_the_api(backend: Backend) {
    let site = site().streamer("bob", KEY).start(backend).await;
    let r = site.get("/api/openapi.json").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/api/info", "get"),
        ("/api/info", "patch"),
        ("/api/messages", "get"),
        ("/api/messages", "post"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    // No credentials needed to read it, and it names no secret of the site.
    assert!(!doc.to_string().contains(KEY));

    // The document's query parameters are the API's: others are refused, declared ones work.
    let api = site.api("bob", KEY);
    assert_eq!(
        api.get_messages("?limit=5&lastStreamOnly=true")
            .await
            .status(),
        200
    );
    let r = api.get_messages("?lastStreamonly=true").await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    let error = v["error"].as_str().unwrap();
    assert!(error.contains("limit, lastStreamOnly"), "{error}");
}

/// `/readyz` until it answers `status`, within 30 s; its JSON.
async fn readyz_becomes(site: &Site, status: u16) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = site.get("/readyz").await;
        let got = r.status();
        if got == status {
            assert_eq!(r.headers()["cache-control"], "no-store");
            return r.json().await.unwrap();
        }
        let body = r.text().await.unwrap_or_default();
        let late = Instant::now() > deadline;
        assert!(!late, "/readyz never answered {status}: {got} {body}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

pub async fn readyz_follows_the_database_and_redis_while_healthz_stays_up(backend: Backend) {
    // A site of its own: in one process, the in-process shared state (only the database to
    // reach); the Lambda functions always share a Redis.
    let alone = site().start(backend).await;
    let v = readyz_becomes(&alone, 200).await;
    let redis = if alone.lambda().is_some() {
        "ok"
    } else {
        "not configured"
    };
    assert_eq!(v, json!({"ready": true, "database": "ok", "redis": redis}));
    drop(alone);

    let Some(redis) = OwnRedis::on_a_free_port().await else {
        return;
    };
    let (port, url) = (redis.port, redis.url());
    let site = site().yaml(&redis_yaml(&url)).start(backend).await;
    let v = readyz_becomes(&site, 200).await;
    assert_eq!(v, json!({"ready": true, "database": "ok", "redis": "ok"}));

    // Redis goes away: not ready (and the answer names no address), but alive.
    drop(redis);
    let v = readyz_becomes(&site, 503).await;
    assert_eq!(
        v,
        json!({"ready": false, "database": "ok", "redis": "unreachable"})
    );
    assert_eq!(site.get("/healthz").await.status(), 200);

    // Back: ready again without a restart. (Not asked of the Lambda emulator: a function
    // instance that a failed call made the emulator start anew while Redis was down exits at
    // init, and the emulator does not retry an init as Lambda does.)
    let _redis = OwnRedis::start(port).await;
    if site.lambda().is_none() {
        readyz_becomes(&site, 200).await;
    }
}

/// `GET /static/{path}` with `Accept-Encoding: accept` and maybe `If-None-Match`.
async fn static_file(
    site: &Site,
    path: &str,
    accept: &str,
    if_none_match: Option<&str>,
) -> reqwest::Response {
    let mut r = site.http.get(site.url(&format!("/static/{path}")));
    r = r.header("accept-encoding", accept);
    if let Some(tag) = if_none_match {
        r = r.header("if-none-match", tag);
    }
    r.send().await.unwrap()
}

/// Decodes a compressed body.
type Decode = fn(&[u8]) -> Vec<u8>;

pub async fn static_files_are_sent_compressed_by_accept_encoding(backend: Backend) {
    let site = site().start(backend).await;
    let path = "site.css";
    let original = std::fs::read(
        rsstreaming_testkit::machine::repo_root()
            .join("handlers/static")
            .join(path),
    )
    .unwrap();
    let plain = static_file(&site, path, "identity", None).await;
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "Accept-Encoding");
    let hash = plain.headers()["etag"]
        .to_str()
        .unwrap()
        .trim_matches('"')
        .to_string();
    assert_eq!(plain.bytes().await.unwrap().as_ref(), original.as_slice());

    let decoders: [(&str, &str, Decode); 2] = [
        ("gzip, deflate, br", "br", |b| {
            let mut out = Vec::new();
            brotli::Decompressor::new(b, 4096)
                .read_to_end(&mut out)
                .unwrap();
            out
        }),
        ("gzip", "gzip", |b| {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(b)
                .read_to_end(&mut out)
                .unwrap();
            out
        }),
    ];
    for (accept, coding, decode) in decoders {
        let r = static_file(&site, path, accept, None).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-encoding"], coding, "{accept}");
        assert_eq!(r.headers()["vary"], "Accept-Encoding");
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        assert!(
            etag.starts_with(&format!("\"{hash}.")) && etag.ends_with('"'),
            "{etag}"
        );
        let body = r.bytes().await.unwrap();
        assert!(
            body.len() < original.len() / 2,
            "{coding}: {} bytes",
            body.len()
        );
        assert_eq!(decode(&body), original, "{coding}");

        // Its own ETag validates it; the identity ETag does not validate the compressed copy.
        let again = static_file(&site, path, accept, Some(&etag)).await;
        assert_eq!(again.status(), 304, "{accept}");
        assert_eq!(again.headers()["vary"], "Accept-Encoding");
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
        let other = static_file(&site, path, accept, Some(&format!("\"{hash}\""))).await;
        assert_eq!(other.status(), 200, "{accept}");
    }
}
