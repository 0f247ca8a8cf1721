//! Live state, playlists and segments from a fake `hls_dir`, in both publish modes: the key
//! never shows, nothing outside `hls_dir` is served, stale playlists are not live.

use crate::common::server::raw_get;
use crate::common::TestDb;
use crate::http::{segment_bytes, set_age, write_stream, Site};
use std::time::Duration;

const KEY: &str = "Xk3yS3cr3tZ9";

#[tokio::test]
async fn rename_mode_playlists_hide_the_key_and_segments_resolve_back() {
    for db in TestDb::both().await {
        let site = Site::start(db, "", &[], &[("bob", KEY), ("carol", "carol-key")]).await;
        let hls = site.hls();
        write_stream(&hls, KEY, &[7, 8, 9], Duration::ZERO);

        let r = site.get("/bob/playlist.m3u8").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/vnd.apple.mpegurl");
        assert_eq!(r.headers()["cache-control"], "no-cache");
        let text = r.text().await.unwrap();
        assert!(!text.contains(KEY), "{text}");
        assert!(text.starts_with("#EXTM3U\n"), "{text}");
        let uris: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(uris, ["/hls/bob/7.ts", "/hls/bob/8.ts", "/hls/bob/9.ts"]);

        for n in [7u64, 9] {
            let r = site.get(&format!("/hls/bob/{n}.ts")).await;
            assert_eq!(r.status(), 200);
            assert_eq!(r.headers()["content-type"], "video/mp2t");
            assert_eq!(
                r.bytes().await.unwrap().as_ref(),
                segment_bytes(n).as_slice()
            );
        }
        assert_eq!(site.get("/hls/bob/10.ts").await.status(), 404);
        // Another streamer's room never reaches bob's files.
        assert_eq!(site.get("/hls/carol/7.ts").await.status(), 404);
        assert_eq!(site.get("/carol/playlist.m3u8").await.status(), 404);
        assert_eq!(site.get("/nobody/playlist.m3u8").await.status(), 404);
        // No quality configured: quality routes do not exist for this site.
        assert_eq!(site.get("/bob/playlist/720P.m3u8").await.status(), 404);
        // Public-name files mean nothing in this layout.
        write_stream(&hls, "bob", &[7], Duration::ZERO);
        assert_eq!(site.get("/hls/bob.m3u8").await.status(), 404);
        assert_eq!(site.get("/hls/bob-7.ts").await.status(), 404);
        assert_eq!(site.get("/hls/bob/720P/7.ts").await.status(), 404);

        // Names holding the key are never served, whatever the path.
        for path in [
            format!("/hls/{KEY}.m3u8"),
            format!("/hls/{KEY}-7.ts"),
            format!("/hls/bob/{KEY}-7.ts"),
            format!("/hls/{KEY}/7.ts"),
            format!("/{KEY}/playlist.m3u8"),
        ] {
            assert_eq!(site.get(&path).await.status(), 404, "{path}");
        }

        // Stale: not live, no playlist (segments of a finished stream may still be fetched).
        set_age(&hls.join(format!("{KEY}.m3u8")), Duration::from_secs(30));
        let v: serde_json::Value = site.get("/bob/info").await.json().await.unwrap();
        assert_eq!(v["live"], false);
        assert_eq!(site.get("/bob/playlist.m3u8").await.status(), 404);
        set_age(&hls.join(format!("{KEY}.m3u8")), Duration::from_secs(2));
        let v: serde_json::Value = site.get("/bob/info").await.json().await.unwrap();
        assert_eq!(v["live"], true, "within live_indicator_delay (20 s)");
    }
}

#[tokio::test]
async fn nothing_outside_hls_dir_can_be_read() {
    let site = Site::start(TestDb::sqlite(), "", &[], &[("bob", KEY)]).await;
    let hls = site.hls();
    write_stream(&hls, KEY, &[1], Duration::ZERO);
    std::fs::write(site.dir.path().join("outside.ts"), b"SECRET-OUTSIDE").unwrap();
    // A segment name that is a symlink leading out of hls_dir.
    std::os::unix::fs::symlink(
        site.dir.path().join("outside.ts"),
        hls.join(format!("{KEY}-2.ts")),
    )
    .unwrap();
    assert_eq!(site.get("/hls/bob/2.ts").await.status(), 404);
    // A symlinked folder inside does not help either.
    std::os::unix::fs::symlink(site.dir.path(), hls.join("up")).unwrap();

    let port = site.server.port;
    for path in [
        "/hls/../config.yaml",
        "/hls/bob/../../config.yaml",
        "/hls/bob/..%2f..%2fconfig.yaml",
        "/hls/bob/%2e%2e%2foutside.ts",
        "/hls/bob/..%2foutside.ts",
        "/hls/%2e%2e/outside.ts",
        "/hls/bob/up%2foutside.ts",
        "/hls/up/outside.ts",
        "/hls/bob/1.ts%00",
        "/hls/bob/%2fetc%2fpasswd",
        "/hls//etc/passwd",
        "/hls/bob/1.ts/..",
        "/hls/bob/-1.ts",
        "/hls/bob/%31.ts%2f..%2f..%2fconfig.yaml",
        "/hls/bob%2f..%2f../1.ts",
        "/../config.yaml",
        "/bob/playlist/..%2f..%2fconfig.yaml",
    ] {
        let (status, text) = raw_get(port, path).await;
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(
            !text.contains("SECRET-OUTSIDE") && !text.contains("database"),
            "{path} leaked: {text}"
        );
    }
    // The real segment still works.
    let (status, _) = raw_get(port, "/hls/bob/1.ts").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn qualities_get_a_master_playlist_and_their_own_playlists() {
    let site = Site::start(
        TestDb::sqlite(),
        "video_qualities: [Original, 720P]\n",
        &[],
        &[("bob", KEY)],
    )
    .await;
    let hls = site.hls();
    write_stream(&hls, &format!("{KEY}_Original"), &[3, 4], Duration::ZERO);
    write_stream(&hls, &format!("{KEY}_720P"), &[3, 4], Duration::ZERO);

    let r = site.get("/bob/playlist.m3u8").await;
    assert_eq!(r.status(), 200);
    let master = r.text().await.unwrap();
    assert!(!master.contains(KEY), "{master}");
    assert!(master.contains("#EXT-X-STREAM-INF:BANDWIDTH="), "{master}");
    let uris: Vec<&str> = master.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        uris,
        ["/bob/playlist/Original.m3u8", "/bob/playlist/720P.m3u8"]
    );

    let text = site
        .get("/bob/playlist/720P.m3u8")
        .await
        .text()
        .await
        .unwrap();
    assert!(!text.contains(KEY), "{text}");
    let uris: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(uris, ["/hls/bob/720P/3.ts", "/hls/bob/720P/4.ts"]);
    let r = site.get("/hls/bob/720P/4.ts").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        segment_bytes(4).as_slice()
    );
    assert_eq!(
        site.get("/hls/bob/3.ts").await.status(),
        404,
        "no plain stream"
    );
    assert_eq!(site.get("/hls/bob/1080P/3.ts").await.status(), 404);
    assert_eq!(site.get("/bob/playlist/1080P.m3u8").await.status(), 404);
    assert_eq!(site.get("/bob/playlist/720P").await.status(), 404);

    // Liveness follows the first quality.
    set_age(
        &hls.join(format!("{KEY}_Original.m3u8")),
        Duration::from_secs(60),
    );
    let v: serde_json::Value = site.get("/bob/info").await.json().await.unwrap();
    assert_eq!(v["live"], false);
    assert_eq!(site.get("/bob/playlist.m3u8").await.status(), 404);
    assert_eq!(site.get("/bob/playlist/Original.m3u8").await.status(), 404);
}

#[tokio::test]
async fn redirect_mode_finds_files_by_room() {
    for db in TestDb::both().await {
        let site = Site::start(
            db,
            "publish:\n  mode: redirect\n",
            &[],
            &[("Bob", KEY), ("eve", "eve-key")],
        )
        .await;
        let hls = site.hls();
        // A key-named playlist is not how this layout works: ignored.
        write_stream(&hls, "eve-key", &[1], Duration::ZERO);
        assert_eq!(
            site.get("/eve/info")
                .await
                .json::<serde_json::Value>()
                .await
                .unwrap()["live"],
            false
        );

        write_stream(&hls, "bob", &[5, 6], Duration::ZERO);
        let v: serde_json::Value = site.get("/bob/info").await.json().await.unwrap();
        assert_eq!(v["live"], true);
        let text = site.get("/bob/playlist.m3u8").await.text().await.unwrap();
        let uris: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(uris, ["/hls/bob/5.ts", "/hls/bob/6.ts"]);
        let r = site.get("/hls/bob/6.ts").await;
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            segment_bytes(6).as_slice()
        );
        assert_eq!(site.get("/hls/eve/1.ts").await.status(), 404);

        // nginx's own names are public in this layout and may be linked directly.
        let r = site.get("/hls/bob.m3u8").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/vnd.apple.mpegurl");
        assert!(r.text().await.unwrap().contains("\nbob-6.ts\n"));
        let r = site.get("/hls/bob-6.ts").await;
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            segment_bytes(6).as_slice()
        );
        for path in [
            "/hls/bob-7.ts",
            "/hls/eve-key.m3u8",
            "/hls/eve-key-1.ts",
            "/hls/Bob.m3u8",
            "/hls/bob.ts",
            "/hls/bob-x.ts",
        ] {
            assert_eq!(site.get(path).await.status(), 404, "{path}");
        }
        site.cli(&[
            "streamer",
            "password",
            "--username",
            "bob",
            "--password",
            "pw",
        ]);
        assert_eq!(site.get("/hls/bob.m3u8").await.status(), 403);
        assert_eq!(site.get("/hls/bob-6.ts").await.status(), 403);
    }
}

#[tokio::test]
async fn accel_redirect_hands_segments_to_nginx() {
    let site = Site::start(
        TestDb::sqlite(),
        "hls:\n  accel_redirect: /internal-hls/\n",
        &[],
        &[("bob", KEY)],
    )
    .await;
    write_stream(&site.hls(), KEY, &[2], Duration::ZERO);
    let r = site.get("/hls/bob/2.ts").await;
    assert_eq!(r.status(), 200);
    // nginx consumes this header; it never reaches the viewer.
    assert_eq!(
        r.headers()["x-accel-redirect"],
        format!("/internal-hls/{KEY}-2.ts")
    );
    assert_eq!(r.headers()["content-type"], "video/mp2t");
    assert!(r.bytes().await.unwrap().is_empty());
    assert_eq!(site.get("/hls/bob/3.ts").await.status(), 404);
}

#[tokio::test]
async fn no_public_response_contains_the_key() {
    for db in TestDb::both().await {
        let site = Site::start(
            db,
            "video_qualities: [Original, 480P]\n",
            // Debug logging: one line per request, which must not show a key either.
            &["--debug"],
            &[("bob", KEY), ("Alice", "Al1ceK3y")],
        )
        .await;
        let hls = site.hls();
        for (stem, q) in [(KEY, "Original"), (KEY, "480P"), ("Al1ceK3y", "Original")] {
            write_stream(&hls, &format!("{stem}_{q}"), &[1, 2], Duration::ZERO);
        }
        site.cli(&[
            "streamer",
            "password",
            "--username",
            "alice",
            "--password",
            "pw",
        ]);
        let pass = site
            .http
            .post(site.url("/alice/password"))
            .form(&[("streampass", "pw")])
            .send()
            .await
            .unwrap();
        let cookie = crate::http::cookie_pair(pass.headers());
        let hashes = [
            rsstreaming_shared::auth::hash_key(KEY),
            rsstreaming_shared::auth::hash_key("Al1ceK3y"),
        ];

        let mut checked = 0;
        for path in [
            "/",
            "/bob/",
            "/bob",
            "/bob/info",
            "/bob/playlist.m3u8",
            "/bob/playlist/Original.m3u8",
            "/bob/playlist/480P.m3u8",
            "/hls/bob/Original/1.ts",
            "/hls/bob/480P/2.ts",
            "/alice/",
            "/alice/info",
            "/alice/playlist.m3u8",
            "/alice/playlist/Original.m3u8",
            "/hls/alice/Original/2.ts",
            "/emotes.json",
            "/healthz",
            "/nope",
            "/bob/nope",
        ] {
            for with_cookie in [false, true] {
                let r = if with_cookie {
                    site.get_with_cookie(path, &cookie).await
                } else {
                    site.get(path).await
                };
                let mut all = format!("{:?}\n", r.headers());
                all.push_str(&String::from_utf8_lossy(&r.bytes().await.unwrap()));
                for secret in [KEY, "Al1ceK3y", &hashes[0], &hashes[1]] {
                    assert!(!all.contains(secret), "{path} shows a key: {all}");
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 36);
        // Nor the logs, even at debug level, even for hook calls and requests naming a key.
        for name in [KEY, "wrong-key"] {
            let r = site
                .http
                .post(site.url(&format!("/auth/on_publish?name={name}")))
                .form(&[("app", "live"), ("name", name), ("addr", "127.0.0.1")])
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success() || r.status() == 403);
            site.get(&format!("/auth/on_publish_done?name={name}"))
                .await;
        }
        assert_eq!(
            site.get(&format!("/hls/{KEY}_Original-1.ts"))
                .await
                .status(),
            404
        );
        assert_eq!(
            site.get(&format!("/hls/bob/{KEY}.m3u8")).await.status(),
            404
        );
        let log = site.server.log();
        assert!(log.contains("DEBUG"), "debug logging is on: {log}");
        for secret in [KEY, "Al1ceK3y", "wrong-key"] {
            assert!(!log.contains(secret), "{secret} in the log: {log}");
        }
    }
}
