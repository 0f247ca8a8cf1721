//! HTTP through a running `rsstreaming serve`: the route table, pages, viewer passwords,
//! static assets, proxies and shutdown. Shared helpers for the other `http_*` suites live here.

use crate::common::server::{raw_get, raw_request};
use crate::common::{cli, stderr, write_config, TestDb, TestServer};
use reqwest::header::HeaderMap;
use reqwest::redirect::Policy;
use rsstreaming_shared::Store;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// One site under test: a database, a folder with config and `hls/`, and the server.
pub struct Site {
    pub server: TestServer,
    pub http: reqwest::Client,
    pub config: PathBuf,
    pub dir: tempfile::TempDir,
    pub db: TestDb,
}

impl Site {
    /// A site on `db` with extra config lines, extra `serve` arguments, and streamers
    /// `(username, key)` added before it starts.
    pub async fn start(
        db: TestDb,
        extra_yaml: &str,
        args: &[&str],
        streamers: &[(&str, &str)],
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        // A generous live window, so a slow machine does not turn a fresh test stream stale
        // between writing it and asking; staleness tests age files well past it.
        let extra = if extra_yaml.contains("live_indicator_delay") {
            extra_yaml.to_string()
        } else {
            format!("live_indicator_delay: 20\n{extra_yaml}")
        };
        let config = write_config(dir.path(), &db.url, &extra);
        if db.backend == "mysql" {
            run_ok(&config, &["database", "create"]);
        }
        for (user, key) in streamers {
            run_ok(
                &config,
                &["streamer", "add", "--username", user, "--key", key],
            );
        }
        let server = TestServer::start(&config, args).await;
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("client");
        Self {
            server,
            http,
            config,
            dir,
            db,
        }
    }

    /// The site's `hls_dir`.
    pub fn hls(&self) -> PathBuf {
        self.dir.path().join("hls")
    }

    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    /// `GET path` with a `Cookie` header.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("GET")
    }

    /// Runs a management command against this site's database.
    pub fn cli(&self, args: &[&str]) -> String {
        run_ok(&self.config, args)
    }

    /// Events of a room, oldest first: `(kind, meta)`.
    pub async fn events(&self, room: &str) -> Vec<(String, serde_json::Value)> {
        let store = Store::connect(&self.db.url).await.expect("store");
        let events = store.events(room, 10_000).await.expect("events");
        store.close().await;
        events.into_iter().map(|e| (e.kind, e.meta)).collect()
    }
}

fn run_ok(config: &Path, args: &[&str]) -> String {
    let o = cli(config, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Writes a media playlist `{stem}.m3u8` listing `{stem}-N.ts` for each N (and the segment
/// files), all last modified `age` ago.
pub fn write_stream(dir: &Path, stem: &str, segments: &[u64], age: Duration) {
    let mut playlist = format!(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:{}\n#EXT-X-TARGETDURATION:3\n",
        segments.first().copied().unwrap_or(0)
    );
    for n in segments {
        playlist.push_str(&format!("#EXTINF:3.000,\n{stem}-{n}.ts\n"));
        std::fs::write(dir.join(format!("{stem}-{n}.ts")), segment_bytes(*n)).expect("segment");
        set_age(&dir.join(format!("{stem}-{n}.ts")), age);
    }
    let path = dir.join(format!("{stem}.m3u8"));
    std::fs::write(&path, playlist).expect("playlist");
    set_age(&path, age);
}

/// The bytes of fake segment `n` (no stream name inside, like real MPEG-TS).
pub fn segment_bytes(n: u64) -> Vec<u8> {
    let mut v = vec![0x47u8; 188];
    v.extend(format!("segment-{n}").bytes());
    v
}

/// Sets a file's modification time to `age` ago.
pub fn set_age(path: &Path, age: Duration) {
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    f.set_modified(SystemTime::now() - age).expect("set mtime");
}

/// The `name=value` part of a `Set-Cookie` header.
pub fn cookie_pair(headers: &HeaderMap) -> String {
    let set = headers
        .get("set-cookie")
        .expect("Set-Cookie")
        .to_str()
        .unwrap()
        .to_string();
    set.split(';').next().unwrap().trim().to_string()
}

#[tokio::test]
async fn routes_pages_and_status_codes() {
    for db in TestDb::both().await {
        let backend = db.backend;
        let site = Site::start(
            db,
            "",
            &[],
            &[("Bob", "bob-key-1"), ("alice", "alice-key-1")],
        )
        .await;
        site.cli(&[
            "streamer",
            "description",
            "--username",
            "bob",
            "--description",
            "<b>cooking</b> & co",
        ]);
        write_stream(&site.hls(), "alice-key-1", &[1, 2], Duration::ZERO);

        let r = site.get("/healthz").await;
        assert_eq!(r.status(), 200, "{backend}");

        // The index: every streamer, live first, descriptions escaped.
        let r = site.get("/").await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let body = r.text().await.unwrap();
        let (a, b) = (body.find("/alice/").unwrap(), body.find("/bob/").unwrap());
        assert!(a < b, "live alice listed first: {body}");
        assert!(!body.contains("<b>cooking</b>"), "autoescape: {body}");

        // Stream pages.
        let r = site.get("/bob/").await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("Bob") && body.contains("&lt;b&gt;cooking"),
            "{body}"
        );
        assert!(body.contains("is currently offline"), "{body}");
        let r = site.get("/BOB/").await;
        assert_eq!(r.status(), 200, "any letter case");
        assert_eq!(site.get("/nobody/").await.status(), 404);
        let r = site.get("/bob").await;
        assert_eq!(r.status(), 301);
        assert_eq!(r.headers()["location"], "/bob/");
        assert_eq!(site.get("/nobody").await.status(), 404);

        // Info.
        let v: serde_json::Value = site.get("/bob/info").await.json().await.unwrap();
        assert_eq!(
            v,
            serde_json::json!({"live": false, "count": 0, "description": "<b>cooking</b> & co"})
        );
        let v: serde_json::Value = site.get("/alice/info").await.json().await.unwrap();
        assert_eq!(
            v,
            serde_json::json!({"live": true, "count": 0, "description": ""})
        );
        assert_eq!(site.get("/nobody/info").await.status(), 404);

        // Emotes for the page.
        site.cli(&[
            "emote",
            "add",
            "--alias",
            "kappa",
            "--uri",
            "https://e.example/k.png",
        ]);
        let v: serde_json::Value = site.get("/emotes.json").await.json().await.unwrap();
        assert_eq!(
            v,
            serde_json::json!([{"alias": "kappa", "uri": "https://e.example/k.png"}])
        );

        // Unknown paths and wrong methods.
        assert_eq!(site.get("/a/b/c/d").await.status(), 404);
        assert_eq!(site.get("/bob/nothing").await.status(), 404);
        let r = site
            .http
            .delete(site.url("/bob/info"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405);
        assert_eq!(r.headers()["allow"], "GET, HEAD");
        let r = site.http.put(site.url("/api/info")).send().await.unwrap();
        assert_eq!(r.status(), 405);
        assert_eq!(r.headers()["allow"], "GET, PATCH, HEAD");
        let r = site
            .http
            .get(site.url("/bob/password"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405);
        assert_eq!(r.headers()["allow"], "POST");

        // HEAD answers like GET without a body.
        let r = site.http.head(site.url("/bob/")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn stream_page_context_for_the_front_end() {
    let site = Site::start(
        TestDb::sqlite(),
        "video_qualities: [Original, 720P]\nthemes: [dark, light]\n",
        &[],
        &[("bob", "bob-key-2")],
    )
    .await;
    site.cli(&[
        "streamer",
        "description",
        "--username",
        "bob",
        "--description",
        "</script><script>alert(1)</script>",
    ]);
    site.cli(&[
        "streamer",
        "chat",
        "--username",
        "bob",
        "--setting",
        "hidden",
    ]);
    site.cli(&[
        "emote",
        "add",
        "--alias",
        "wave",
        "--uri",
        "/static/wave.png",
    ]);
    let body = site.get("/bob/").await.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)"), "{body}");
    // The template may not show page_config yet; when it does, it must be the documented JSON.
    let start = body.find("id=\"page-config\"");
    if let Some(start) = start {
        let json_start = body[start..].find('>').unwrap() + start + 1;
        let json_end = body[json_start..].find("</script>").unwrap() + json_start;
        let v: serde_json::Value = serde_json::from_str(&body[json_start..json_end]).unwrap();
        assert_eq!(v["room"], "bob");
        assert_eq!(v["qualities"], serde_json::json!(["Original", "720P"]));
        assert_eq!(v["theme"], "dark");
        assert_eq!(v["chat"], "hidden");
        assert_eq!(v["playlist"], "/bob/playlist.m3u8");
        assert_eq!(
            v["emotes"],
            serde_json::json!([{"alias": "wave", "uri": "/static/wave.png"}])
        );
    }
}

#[tokio::test]
async fn viewer_password_protects_everything_and_the_pass_cookie_follows_the_rules() {
    for db in TestDb::both().await {
        let site = Site::start(
            db,
            "",
            &[],
            &[("bob", "bob-key-3"), ("alice", "alice-key-3")],
        )
        .await;
        site.cli(&[
            "streamer",
            "password",
            "--username",
            "bob",
            "--password",
            "hunter2",
        ]);
        site.cli(&[
            "streamer",
            "password",
            "--username",
            "alice",
            "--password",
            "hunter2",
        ]);
        write_stream(&site.hls(), "bob-key-3", &[4], Duration::ZERO);

        // Without a pass: the page is the password form, the data is refused.
        let r = site.get("/bob/").await;
        assert_eq!(r.status(), 403);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("streampass") && page.contains("/bob/password"),
            "{page}"
        );
        for path in ["/bob/info", "/bob/playlist.m3u8", "/hls/bob/4.ts"] {
            assert_eq!(site.get(path).await.status(), 403, "{path}");
        }
        // The index shows the lock but not the stream's data.
        site.cli(&[
            "streamer",
            "description",
            "--username",
            "bob",
            "--description",
            "Bob's secret show",
        ]);
        let index = site.get("/").await.text().await.unwrap();
        assert!(
            index.contains("/bob/") && !index.contains("secret show"),
            "{index}"
        );

        // A wrong password: the form again with an error, no cookie.
        let r = site
            .http
            .post(site.url("/bob/password"))
            .form(&[("streampass", "wrong")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.headers().get("set-cookie").is_none());
        let body = r.text().await.unwrap();
        assert!(body.to_lowercase().contains("wrong"), "{body}");
        let r = site
            .http
            .post(site.url("/bob/password"))
            .body("")
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // The right one: a one-day, HttpOnly, Lax, site-wide cookie and a redirect to the page.
        let r = site
            .http
            .post(site.url("/bob/password"))
            .form(&[("streampass", "hunter2")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/bob/");
        let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
        for attr in ["Max-Age=86400", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(set.contains(attr), "{set}");
        }
        assert!(!set.contains("Secure"), "plain HTTP: {set}");
        assert!(!set.contains("hunter2"), "{set}");
        let cookie = cookie_pair(r.headers());
        assert!(cookie.starts_with("pass_bob="), "{cookie}");

        for path in ["/bob/", "/bob/info", "/bob/playlist.m3u8", "/hls/bob/4.ts"] {
            assert_eq!(
                site.get_with_cookie(path, &cookie).await.status(),
                200,
                "{path}"
            );
        }
        let index = site
            .get_with_cookie("/", &cookie)
            .await
            .text()
            .await
            .unwrap();
        assert!(index.contains("secret show"), "{index}");
        // Not a pass for another streamer, even under the same password.
        let moved = cookie.replacen("pass_bob=", "pass_alice=", 1);
        assert_eq!(site.get_with_cookie("/alice/", &moved).await.status(), 403);
        assert_eq!(site.get_with_cookie("/alice/", &cookie).await.status(), 403);
        // A forged value is no pass.
        assert_eq!(
            site.get_with_cookie("/bob/info", "pass_bob=forged")
                .await
                .status(),
            403
        );

        // Changing the password invalidates every pass handed out before.
        site.cli(&[
            "streamer",
            "password",
            "--username",
            "bob",
            "--password",
            "hunter3",
        ]);
        assert_eq!(site.get_with_cookie("/bob/", &cookie).await.status(), 403);
        assert_eq!(
            site.get_with_cookie("/bob/info", &cookie).await.status(),
            403
        );
        // Removing it opens the stream to everyone.
        site.cli(&["streamer", "password", "--username", "bob"]);
        assert_eq!(site.get("/bob/").await.status(), 200);
        assert_eq!(site.get("/bob/info").await.status(), 200);
        // Posting to an open stream's form just leads to the page.
        let r = site
            .http
            .post(site.url("/bob/password"))
            .form(&[("streampass", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(
            site.http
                .post(site.url("/nobody/password"))
                .form(&[("streampass", "x")])
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
    }
}

#[tokio::test]
async fn proxy_hops_decide_scheme_and_secure_cookies() {
    let site = Site::start(
        TestDb::sqlite(),
        "",
        &["--nginx-proxy", "1"],
        &[("bob", "bob-key-4")],
    )
    .await;
    site.cli(&[
        "streamer",
        "password",
        "--username",
        "bob",
        "--password",
        "pw",
    ]);
    let post = |proto: &'static str| {
        site.http
            .post(site.url("/bob/password"))
            .header("x-forwarded-proto", proto)
            .header("x-forwarded-for", "198.51.100.1")
            .form(&[("streampass", "pw")])
            .send()
    };
    let r = post("https").await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
    let r = post("http").await.unwrap();
    assert!(!r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
}

#[tokio::test]
async fn static_assets_are_embedded_and_versioned() {
    let site = Site::start(TestDb::sqlite(), "", &[], &[]).await;
    // Whatever the front end ships: take the first file of handlers/static.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../handlers/static");
    let file = walk(&root).into_iter().next().expect("a static file");
    let rel = file
        .strip_prefix(&root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let bytes = std::fs::read(&file).unwrap();
    let r = site.get(&format!("/static/{rel}")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let etag = r.headers()["etag"]
        .to_str()
        .unwrap()
        .trim_matches('"')
        .to_string();
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let r = site.get(&format!("/static/{rel}?v={etag}")).await;
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let r = site.get(&format!("/static/{rel}?v=stale")).await;
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let r = site
        .http
        .get(site.url(&format!("/static/{rel}")))
        .header("if-none-match", format!("\"{etag}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(site.get("/static/nothing-here.css").await.status(), 404);
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/static//etc/passwd",
        "/static/%00",
    ] {
        let (status, _) = raw_get(site.server.port, path).await;
        assert!(status == 404 || status == 400, "{path}: {status}");
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

#[tokio::test]
async fn oversize_and_malformed_requests_are_refused_cleanly() {
    let site = Site::start(TestDb::sqlite(), "", &[], &[("bob", "bob-key-5")]).await;
    let big = "a".repeat(70 * 1024);
    let r = site
        .http
        .post(site.url("/bob/password"))
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // Declared small, sent chunked and large: cut off while reading.
    let chunked = format!(
        "POST /bob/password HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
        big.len()
    );
    let (status, _) = raw_request(site.server.port, &chunked).await;
    assert_eq!(status, 413);
    let (status, _) = raw_request(site.server.port, "GARBAGE\r\n\r\n").await;
    assert!(status == 400 || status == 0, "{status}");
    // Still serving.
    assert_eq!(site.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn serve_shuts_down_gracefully_and_refuses_a_missing_mysql_schema() {
    let mut site = Site::start(TestDb::sqlite(), "", &[], &[]).await;
    // A second server on a taken port: one clear line, exit code 1.
    let o = std::process::Command::new(crate::common::bin())
        .arg("--config")
        .arg(&site.config)
        .args([
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            &site.server.port.to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("cannot listen on 127.0.0.1:"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error")).count(),
        1,
        "{err}"
    );
    let status = std::process::Command::new("kill")
        .args(["-TERM", &site.server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        site.server.wait_exit(Duration::from_secs(15)),
        Some(0),
        "{}",
        site.server.log()
    );
    assert!(site.server.log().contains("stopped"));

    if let Some(db) = TestDb::mysql().await {
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path(), &db.url, "");
        let o = std::process::Command::new(crate::common::bin())
            .arg("--config")
            .arg(&config)
            .args([
                "serve",
                "--port",
                &crate::common::server::free_port().to_string(),
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("database create"), "{}", stderr(&o));
    }
}

#[tokio::test]
async fn pages_carry_protective_headers() {
    let site = Site::start(TestDb::sqlite(), "", &[], &[("bob", "bob-key-6")]).await;
    for path in ["/", "/bob/"] {
        let r = site.get(path).await;
        assert_eq!(r.headers()["x-frame-options"], "SAMEORIGIN", "{path}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers()["referrer-policy"], "same-origin", "{path}");
    }
    let r = site.get("/bob/info").await;
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn a_broken_database_gives_errors_not_crashes() {
    let Some(db) = TestDb::mysql().await else {
        return;
    };
    let url = db.url.clone();
    let site = Site::start(db, "", &[], &[("bob", "bob-key-7")]).await;
    assert_eq!(site.get("/bob/info").await.status(), 200);
    // Someone drops a table under the running server.
    let store = Store::connect(&url).await.unwrap();
    sqlx::query("DROP TABLE streamers")
        .execute(store.pool())
        .await
        .unwrap();
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
        assert!(
            !body.contains("streamers") && !body.contains("SQL"),
            "{path}: {body}"
        );
    }
    let r = site
        .http
        .get(site.url("/api/info"))
        .basic_auth("bob", Some("bob-key-7"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_server_error());
    // The process is still up and says what is wrong in its log.
    assert_eq!(site.get("/healthz").await.status(), 200);
    assert!(
        site.server.log().contains("schema"),
        "{}",
        site.server.log()
    );
}
