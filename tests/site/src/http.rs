//! HTTP through a running site: the route table, pages, static assets, bad requests, shutdown
//! and a broken database.

use crate::{assert_raw_refused, site};
use reqwest::Method;
use rsstreaming_shared::Store;
use rsstreaming_testkit::cli::stderr;
use rsstreaming_testkit::config::write_config;
use rsstreaming_testkit::machine::{free_port, repo_root, rsstreaming};
use rsstreaming_testkit::raw::raw_request;
use rsstreaming_testkit::{cli, Backend, TestDb};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub async fn routes_pages_and_status_codes(backend: Backend) {
    for db in TestDb::both().await {
        let name = db.backend;
        let site = site()
            .db(db)
            .streamer("Bob", "bob-key-1")
            .streamer("alice", "alice-key-1")
            .description("bob", "<b>cooking</b> & co")
            .start(backend)
            .await;
        site.write_stream("alice-key-1", &[1, 2], Duration::ZERO);

        let r = site.get("/healthz").await;
        assert_eq!(r.status(), 200, "{name}");

        // The index: every streamer, live first, descriptions escaped.
        let r = site.get("/").await;
        assert_eq!(r.status(), 200);
        let content_type = r.headers()["content-type"].to_str().unwrap();
        assert!(content_type.starts_with("text/html"));
        let body = r.text().await.unwrap();
        let (a, b) = (body.find("/alice/").unwrap(), body.find("/bob/").unwrap());
        assert!(a < b, "live alice listed first: {body}");
        assert!(!body.contains("<b>cooking</b>"), "autoescape: {body}");

        // Stream pages.
        let r = site.get("/bob/").await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        let shown = body.contains("Bob") && body.contains("&lt;b&gt;cooking");
        assert!(shown, "{body}");
        assert!(body.contains("is currently offline"), "{body}");
        assert_eq!(site.get("/BOB/").await.status(), 200, "any letter case");
        assert_eq!(site.get("/nobody/").await.status(), 404);
        let r = site.get("/bob").await;
        assert_eq!(r.status(), 301);
        assert_eq!(r.headers()["location"], "/bob/");
        assert_eq!(site.get("/nobody").await.status(), 404);

        // Info.
        let bob = json!({"live": false, "count": 0, "description": "<b>cooking</b> & co"});
        assert_eq!(site.json("/bob/info").await, bob);
        let alice = json!({"live": true, "count": 0, "description": ""});
        assert_eq!(site.json("/alice/info").await, alice);
        assert_eq!(site.get("/nobody/info").await.status(), 404);

        // Emotes for the page.
        site.manage(cli::add_emote("kappa", "https://e.example/k.png"));
        let emotes = json!([{"alias": "kappa", "uri": "https://e.example/k.png"}]);
        assert_eq!(site.json("/emotes.json").await, emotes);

        // Unknown paths and wrong methods.
        assert_eq!(site.get("/a/b/c/d").await.status(), 404);
        assert_eq!(site.get("/bob/nothing").await.status(), 404);
        for (method, path, allow) in [
            (Method::DELETE, "/bob/info", "GET, HEAD"),
            (Method::PUT, "/api/info", "GET, PATCH, HEAD"),
            (Method::GET, "/bob/password", "POST"),
        ] {
            let r = site.http.request(method, site.url(path)).send().await;
            let r = r.unwrap();
            assert_eq!(r.status(), 405, "{path}");
            assert_eq!(r.headers()["allow"], allow, "{path}");
        }

        // HEAD answers like GET without a body.
        let r = site.http.head(site.url("/bob/")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().await.unwrap().is_empty());
    }
}

pub async fn stream_page_context_for_the_front_end(backend: Backend) {
    let site = site()
        .yaml("video_qualities: [Original, 720P]\nthemes: [dark, light]\n")
        .streamer("bob", "bob-key-2")
        .description("bob", "</script><script>alert(1)</script>")
        .chat("bob", "hidden")
        .emote("wave", "/static/wave.png")
        .start(backend)
        .await;
    let body = site.get("/bob/").await.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)"), "{body}");
    // The template may not show page_config yet; when it does, it must be the documented JSON.
    if let Some(start) = body.find("id=\"page-config\"") {
        let json_start = body[start..].find('>').unwrap() + start + 1;
        let json_end = body[json_start..].find("</script>").unwrap() + json_start;
        let v: serde_json::Value = serde_json::from_str(&body[json_start..json_end]).unwrap();
        assert_eq!(v["room"], "bob");
        assert_eq!(v["qualities"], json!(["Original", "720P"]));
        assert_eq!(v["theme"], "dark");
        assert_eq!(v["chat"], "hidden");
        assert_eq!(v["playlist"], "/bob/playlist.m3u8");
        let emotes = json!([{"alias": "wave", "uri": "/static/wave.png"}]);
        assert_eq!(v["emotes"], emotes);
    }
}

pub async fn static_assets_are_embedded_and_versioned(backend: Backend) {
    let site = site().start(backend).await;
    // Whatever the front end ships: take the first file of handlers/static.
    let root = repo_root().join("handlers/static");
    let file = walk(&root).into_iter().next().expect("a static file");
    let rel = file.strip_prefix(&root).unwrap().to_string_lossy();
    let url = format!("/static/{}", rel.replace('\\', "/"));
    let bytes = std::fs::read(&file).unwrap();
    let r = site.get(&url).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let etag = r.headers()["etag"].to_str().unwrap();
    let etag = etag.trim_matches('"').to_string();
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let r = site.get(&format!("{url}?v={etag}")).await;
    let cache = r.headers()["cache-control"].to_str().unwrap();
    assert!(cache.contains("immutable"));
    let r = site.get(&format!("{url}?v=stale")).await;
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let r = site
        .http
        .get(site.url(&url))
        .header("if-none-match", format!("\"{etag}\""));
    assert_eq!(r.send().await.unwrap().status(), 304);
    assert_eq!(site.get("/static/nothing-here.css").await.status(), 404);
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/static//etc/passwd",
        "/static/%00",
    ] {
        assert_raw_refused(&site, path).await;
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                out.extend(walk(&p));
            } else if !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                out.push(p);
            }
        }
    }
    out
}

pub async fn oversize_and_malformed_requests_are_refused_cleanly(backend: Backend) {
    let site = site().streamer("bob", "bob-key-5").start(backend).await;
    let big = "a".repeat(70 * 1024);
    let r = site.http.post(site.url("/bob/password")).body(big.clone());
    assert_eq!(r.send().await.unwrap().status(), 413);
    // Declared small, sent chunked and large: cut off while reading.
    let chunked = format!(
        "POST /bob/password HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
        big.len()
    );
    let (status, _) = raw_request(site.port(), &chunked).await;
    assert_eq!(status, 413);
    let (status, _) = raw_request(site.port(), "GARBAGE\r\n\r\n").await;
    assert!(status == 400 || status == 0, "{status}");
    // Still serving.
    assert_eq!(site.get("/healthz").await.status(), 200);
}

/// `rsstreaming --config CONFIG serve --port PORT` run to completion (it is expected to fail).
fn serve_once(config: &Path, port: u16) -> std::process::Output {
    let port = port.to_string();
    let args = ["serve", "--host", "127.0.0.1", "--port", &port];
    let cmd = rsstreaming()
        .arg("--config")
        .arg(config)
        .args(args)
        .output();
    cmd.expect("run serve")
}

pub async fn serve_shuts_down_gracefully_and_refuses_a_missing_mysql_schema(backend: Backend) {
    let mut site = site().start(backend).await;
    // A second server on a taken port: one clear line, exit code 1.
    let o = serve_once(&site.config, site.port());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("cannot listen on 127.0.0.1:"), "{err}");
    let errors = err.lines().filter(|l| l.starts_with("error")).count();
    assert_eq!(errors, 1, "{err}");
    let pid = site.deployment.server().pid().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(killed.unwrap().success());
    let exit = site.deployment.wait_exit(Duration::from_secs(15));
    assert_eq!(exit, Some(0), "{}", site.log());
    assert!(site.log().contains("stopped"));

    if let Some(db) = TestDb::mysql().await {
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path(), &db.url, "");
        let o = serve_once(&config, free_port());
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("database create"), "{}", stderr(&o));
    }
}

pub async fn pages_carry_protective_headers(backend: Backend) {
    let site = site().streamer("bob", "bob-key-6").start(backend).await;
    for path in ["/", "/bob/"] {
        let r = site.get(path).await;
        assert_eq!(r.headers()["x-frame-options"], "SAMEORIGIN", "{path}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers()["referrer-policy"], "same-origin", "{path}");
    }
    let r = site.get("/bob/info").await;
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

pub async fn a_broken_database_gives_errors_not_crashes(backend: Backend) {
    let Some(db) = TestDb::mysql().await else {
        return;
    };
    let url = db.url.clone();
    let site = site()
        .db(db)
        .streamer("bob", "bob-key-7")
        .start(backend)
        .await;
    assert_eq!(site.get("/bob/info").await.status(), 200);
    // Someone drops a table under the running server.
    let store = Store::connect(&url).await.unwrap();
    let dropped = sqlx::query("DROP TABLE streamers")
        .execute(store.pool())
        .await;
    dropped.unwrap();
    store.close().await;
    for path in [
        "/",
        "/bob/",
        "/bob/info",
        "/bob/playlist.m3u8",
        "/hls/bob/1.ts",
    ] {
        let r = site.get(path).await;
        assert!(r.status().is_server_error(), "{path}: {}", r.status());
        let body = r.text().await.unwrap();
        let leaks = body.contains("streamers") || body.contains("SQL");
        assert!(!leaks, "{path}: {body}");
    }
    let r = site.api("bob", "bob-key-7").get_info().await;
    assert!(r.status().is_server_error());
    // The process is still up and says what is wrong in its log.
    assert_eq!(site.get("/healthz").await.status(), 200);
    assert!(site.log().contains("schema"), "{}", site.log());
}

pub async fn viewer_password_protects_everything_and_the_pass_cookie_follows_the_rules(
    backend: Backend,
) {
    for db in TestDb::both().await {
        let site = site()
            .db(db)
            .streamer("bob", "bob-key-3")
            .streamer("alice", "alice-key-3")
            .password("bob", "hunter2")
            .password("alice", "hunter2")
            .start(backend)
            .await;
        site.write_stream("bob-key-3", &[4], Duration::ZERO);
        let data = ["/bob/info", "/bob/playlist.m3u8", "/hls/bob/4.ts"];

        // Without a pass: the page is the password form, the data is refused.
        let r = site.get("/bob/").await;
        assert_eq!(r.status(), 403);
        let page = r.text().await.unwrap();
        let form = page.contains("streampass") && page.contains("/bob/password");
        assert!(form, "{page}");
        for path in data {
            assert_eq!(site.get(path).await.status(), 403, "{path}");
        }
        // The index shows the lock but not the stream's data.
        site.set_description("bob", Some("Bob's secret show"));
        let index = site.get("/").await.text().await.unwrap();
        let locked = index.contains("/bob/") && !index.contains("secret show");
        assert!(locked, "{index}");

        // A wrong password: the form again with an error, no cookie.
        let r = site.enter_password("bob", "wrong").await;
        assert_eq!(r.status(), 403);
        assert!(r.headers().get("set-cookie").is_none());
        let body = r.text().await.unwrap();
        assert!(body.to_lowercase().contains("wrong"), "{body}");
        let empty = site.http.post(site.url("/bob/password")).body("");
        let empty = empty.header("content-type", "application/x-www-form-urlencoded");
        assert_eq!(empty.send().await.unwrap().status(), 403);

        // The right one: a one-day, HttpOnly, Lax, site-wide cookie and a redirect to the page.
        let r = site.enter_password("bob", "hunter2").await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/bob/");
        let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
        for attr in ["Max-Age=86400", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(set.contains(attr), "{set}");
        }
        assert!(!set.contains("Secure"), "plain HTTP: {set}");
        assert!(!set.contains("hunter2"), "{set}");
        let cookie = rsstreaming_testkit::cookie_pair(r.headers());
        assert!(cookie.starts_with("pass_bob="), "{cookie}");

        for path in std::iter::once("/bob/").chain(data) {
            let status = site.get_with_cookie(path, &cookie).await.status();
            assert_eq!(status, 200, "{path}");
        }
        let index = site.get_with_cookie("/", &cookie).await.text().await;
        let index = index.unwrap();
        assert!(index.contains("secret show"), "{index}");
        // Not a pass for another streamer, even under the same password; a forged value is
        // no pass either.
        let moved = cookie.replacen("pass_bob=", "pass_alice=", 1);
        for (path, cookie) in [
            ("/alice/", moved.as_str()),
            ("/alice/", cookie.as_str()),
            ("/bob/info", "pass_bob=forged"),
        ] {
            let status = site.get_with_cookie(path, cookie).await.status();
            assert_eq!(status, 403, "{path} with {cookie}");
        }

        // Changing the password invalidates every pass handed out before.
        site.set_password("bob", Some("hunter3"));
        for path in ["/bob/", "/bob/info"] {
            let status = site.get_with_cookie(path, &cookie).await.status();
            assert_eq!(status, 403, "{path}");
        }
        // Removing it opens the stream to everyone.
        site.set_password("bob", None);
        assert_eq!(site.get("/bob/").await.status(), 200);
        assert_eq!(site.get("/bob/info").await.status(), 200);
        // Posting to an open stream's form just leads to the page.
        assert_eq!(site.enter_password("bob", "x").await.status(), 303);
        assert_eq!(site.enter_password("nobody", "x").await.status(), 404);
    }
}

pub async fn proxy_hops_decide_scheme_and_secure_cookies(backend: Backend) {
    let site = site()
        .proxy_hops(1)
        .streamer("bob", "bob-key-4")
        .password("bob", "pw")
        .start(backend)
        .await;
    for (proto, secure) in [("https", true), ("http", false)] {
        let r = site
            .http
            .post(site.url("/bob/password"))
            .header("x-forwarded-proto", proto)
            .header("x-forwarded-for", "198.51.100.1")
            .form(&[("streampass", "pw")])
            .send()
            .await
            .unwrap();
        if secure {
            assert_eq!(r.status(), 303);
        }
        let set = r.headers()["set-cookie"].to_str().unwrap();
        assert_eq!(set.contains("Secure"), secure, "{proto}: {set}");
    }
}
