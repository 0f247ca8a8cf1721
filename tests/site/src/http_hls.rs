//! Live state, playlists and segments from a fake `hls_dir`, in both publish modes: the key
//! never shows, nothing outside `hls_dir` is served, stale playlists are not live.

use crate::{assert_raw_refused, site, QUALITIES, REDIRECT};
use reqwest::header::HeaderMap;
use rsstreaming_shared::auth::hash_key;
use rsstreaming_testkit::hls::{segment_bytes, uris};
use rsstreaming_testkit::raw::raw_get;
use rsstreaming_testkit::SiteBuilder;
use rsstreaming_testkit::{Backend, Site, TestDb};
use std::time::Duration;

const KEY: &str = "Xk3yS3cr3tZ9";

/// The site with bob, whose key is [`KEY`].
fn bob() -> SiteBuilder {
    site().streamer("bob", KEY)
}

/// Asserts `path` answers 200 with fake segment `n`; the response's headers.
async fn assert_segment(site: &Site, path: &str, n: u64) -> HeaderMap {
    let r = site.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    let headers = r.headers().clone();
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        segment_bytes(n).as_slice()
    );
    headers
}

/// Asserts each path answers `status`.
async fn assert_statuses(site: &Site, status: u16, paths: &[&str]) {
    for path in paths {
        assert_eq!(site.get(path).await.status(), status, "{path}");
    }
}

async fn live(site: &Site, streamer: &str) -> serde_json::Value {
    site.json(&format!("/{streamer}/info")).await["live"].clone()
}

pub async fn rename_mode_playlists_hide_the_key_and_segments_resolve_back(backend: Backend) {
    for db in TestDb::both().await {
        let site = bob().db(db).streamer("carol", "carol-key");
        let site = site.start(backend).await;
        site.write_stream(KEY, &[7, 8, 9], Duration::ZERO);

        let r = site.get("/bob/playlist.m3u8").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/vnd.apple.mpegurl");
        assert_eq!(r.headers()["cache-control"], "no-cache");
        let text = r.text().await.unwrap();
        assert!(!text.contains(KEY), "{text}");
        assert!(text.starts_with("#EXTM3U\n"), "{text}");
        assert_eq!(
            uris(&text),
            ["/hls/bob/7.ts", "/hls/bob/8.ts", "/hls/bob/9.ts"]
        );

        for n in [7u64, 9] {
            let headers = assert_segment(&site, &format!("/hls/bob/{n}.ts"), n).await;
            assert_eq!(headers["content-type"], "video/mp2t");
        }
        // Another streamer's room never reaches bob's files; no quality configured: quality
        // routes do not exist for this site.
        let not_here = [
            "/hls/bob/10.ts",
            "/hls/carol/7.ts",
            "/carol/playlist.m3u8",
            "/nobody/playlist.m3u8",
            "/bob/playlist/720P.m3u8",
        ];
        assert_statuses(&site, 404, &not_here).await;
        // Public-name files mean nothing in this layout.
        site.write_stream("bob", &[7], Duration::ZERO);
        let public = ["/hls/bob.m3u8", "/hls/bob-7.ts", "/hls/bob/720P/7.ts"];
        assert_statuses(&site, 404, &public).await;

        // Names holding the key are never served, whatever the path.
        let with_key = [
            format!("/hls/{KEY}.m3u8"),
            format!("/hls/{KEY}-7.ts"),
            format!("/hls/bob/{KEY}-7.ts"),
            format!("/hls/{KEY}/7.ts"),
            format!("/{KEY}/playlist.m3u8"),
        ];
        let with_key: Vec<&str> = with_key.iter().map(String::as_str).collect();
        assert_statuses(&site, 404, &with_key).await;

        // Stale: not live, no playlist (segments of a finished stream may still be fetched).
        site.age_playlist(KEY, Duration::from_secs(30));
        assert_eq!(live(&site, "bob").await, false);
        assert_eq!(site.get("/bob/playlist.m3u8").await.status(), 404);
        site.age_playlist(KEY, Duration::from_secs(2));
        let master = site.get("/bob/master.m3u8").await.status();
        assert_eq!(master, 404, "no master playlist without video_qualities");
        let fresh = live(&site, "bob").await;
        assert_eq!(fresh, true, "within live_indicator_delay (20 s)");
    }
}

pub async fn nothing_outside_hls_dir_can_be_read(backend: Backend) {
    let site = bob().start(backend).await;
    let hls = site.hls();
    site.write_stream(KEY, &[1], Duration::ZERO);
    let outside = site.dir.path().join("outside.ts");
    std::fs::write(&outside, b"SECRET-OUTSIDE").unwrap();
    // A segment name that is a symlink leading out of hls_dir.
    std::os::unix::fs::symlink(&outside, hls.join(format!("{KEY}-2.ts"))).unwrap();
    assert_eq!(site.get("/hls/bob/2.ts").await.status(), 404);
    // A symlinked folder inside does not help either.
    std::os::unix::fs::symlink(site.dir.path(), hls.join("up")).unwrap();

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
        let text = assert_raw_refused(&site, path).await;
        let leaked = text.contains("SECRET-OUTSIDE") || text.contains("database");
        assert!(!leaked, "{path} leaked: {text}");
    }
    // The real segment still works.
    let (status, _) = raw_get(site.port(), "/hls/bob/1.ts").await;
    assert_eq!(status, 200);
}

pub async fn qualities_get_a_master_playlist_and_their_own_playlists(backend: Backend) {
    let site = bob().yaml(QUALITIES).start(backend).await;
    site.write_stream(&format!("{KEY}_Original"), &[3, 4], Duration::ZERO);
    site.write_stream(&format!("{KEY}_720P"), &[3, 4], Duration::ZERO);

    let r = site.get("/bob/playlist.m3u8").await;
    assert_eq!(r.status(), 200);
    let master = r.text().await.unwrap();
    assert!(!master.contains(KEY), "{master}");
    assert!(master.contains("#EXT-X-STREAM-INF:BANDWIDTH="), "{master}");
    let qualities = ["/bob/playlist/Original.m3u8", "/bob/playlist/720P.m3u8"];
    assert_eq!(uris(&master), qualities);
    // The master playlist has its own URL too (SPEC §9), with the frame size a quality's name
    // says (none for Original: it is whatever the streamer sends).
    let r = site.get("/bob/master.m3u8").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/vnd.apple.mpegurl");
    let own = r.text().await.unwrap();
    assert_eq!(uris(&own), qualities);
    let inf: Vec<&str> = own
        .lines()
        .filter(|l| l.starts_with("#EXT-X-STREAM-INF:"))
        .collect();
    assert!(!inf[0].contains("RESOLUTION"), "{own}");
    assert!(
        inf[1].contains(",RESOLUTION=1280x720,NAME=\"720P\""),
        "{own}"
    );

    let text = site.get("/bob/playlist/720P.m3u8").await.text().await;
    let text = text.unwrap();
    assert!(!text.contains(KEY), "{text}");
    assert_eq!(uris(&text), ["/hls/bob/720P/3.ts", "/hls/bob/720P/4.ts"]);
    assert_segment(&site, "/hls/bob/720P/4.ts", 4).await;
    let r = site.get("/hls/bob/3.ts").await;
    assert_eq!(r.status(), 404, "no plain stream");
    let unknown = [
        "/hls/bob/1080P/3.ts",
        "/bob/playlist/1080P.m3u8",
        "/bob/playlist/720P",
    ];
    assert_statuses(&site, 404, &unknown).await;

    // Liveness follows the first quality.
    site.age_playlist(&format!("{KEY}_Original"), Duration::from_secs(60));
    assert_eq!(live(&site, "bob").await, false);
    let gone = [
        "/bob/playlist.m3u8",
        "/bob/master.m3u8",
        "/bob/playlist/Original.m3u8",
    ];
    assert_statuses(&site, 404, &gone).await;

    // The viewer password covers it like every playlist.
    site.age_playlist(&format!("{KEY}_Original"), Duration::ZERO);
    assert_eq!(site.get("/bob/master.m3u8").await.status(), 200);
    site.set_password("bob", Some("hunter2"));
    assert_eq!(site.get("/bob/master.m3u8").await.status(), 403);
}

pub async fn redirect_mode_finds_files_by_room(backend: Backend) {
    for db in TestDb::both().await {
        let streamers = [("Bob", KEY), ("eve", "eve-key")];
        let site = site().db(db).yaml(REDIRECT).streamers(&streamers);
        let site = site.start(backend).await;
        // A key-named playlist is not how this layout works: ignored.
        site.write_stream("eve-key", &[1], Duration::ZERO);
        assert_eq!(live(&site, "eve").await, false);

        site.write_stream("bob", &[5, 6], Duration::ZERO);
        assert_eq!(live(&site, "bob").await, true);
        let text = site.get("/bob/playlist.m3u8").await.text().await.unwrap();
        assert_eq!(uris(&text), ["/hls/bob/5.ts", "/hls/bob/6.ts"]);
        assert_segment(&site, "/hls/bob/6.ts", 6).await;
        assert_eq!(site.get("/hls/eve/1.ts").await.status(), 404);

        // nginx's own names are public in this layout and may be linked directly.
        let r = site.get("/hls/bob.m3u8").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/vnd.apple.mpegurl");
        assert!(r.text().await.unwrap().contains("\nbob-6.ts\n"));
        assert_segment(&site, "/hls/bob-6.ts", 6).await;
        let others = [
            "/hls/bob-7.ts",
            "/hls/eve-key.m3u8",
            "/hls/eve-key-1.ts",
            "/hls/Bob.m3u8",
            "/hls/bob.ts",
            "/hls/bob-x.ts",
        ];
        assert_statuses(&site, 404, &others).await;
        site.set_password("bob", Some("pw"));
        assert_statuses(&site, 403, &["/hls/bob.m3u8", "/hls/bob-6.ts"]).await;
    }
}

pub async fn accel_redirect_hands_segments_to_nginx(backend: Backend) {
    // Reached without a trusted proxy (port exposed, another proxy), the header would hand
    // every viewer the key: the bytes are sent instead.
    let site = bob().yaml("hls:\n  accel_redirect: /internal-hls/\n");
    let site = site.start(backend).await;
    site.write_stream(KEY, &[2], Duration::ZERO);
    let r = site.get("/hls/bob/2.ts").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-accel-redirect").is_none());
    assert!(!r.bytes().await.unwrap().is_empty());
    drop(site);

    let site = bob().yaml("hls:\n  accel_redirect: /internal-hls/\n");
    let site = site.proxy_hops(1).start(backend).await;
    site.write_stream(KEY, &[2], Duration::ZERO);
    let r = site.get("/hls/bob/2.ts").await;
    assert_eq!(r.status(), 200);
    // nginx consumes this header; it never reaches the viewer.
    let accel = format!("/internal-hls/{KEY}-2.ts");
    assert_eq!(r.headers()["x-accel-redirect"], accel);
    assert_eq!(r.headers()["content-type"], "video/mp2t");
    assert!(r.bytes().await.unwrap().is_empty());
    assert_eq!(site.get("/hls/bob/3.ts").await.status(), 404);
}

pub async fn no_public_response_contains_the_key(backend: Backend) {
    for db in TestDb::both().await {
        let site = site()
            .db(db)
            .yaml("video_qualities: [Original, 480P]\n")
            // Debug logging: one line per request, which must not show a key either.
            .debug()
            .streamer("bob", KEY)
            .streamer("Alice", "Al1ceK3y")
            .password("alice", "pw")
            .start(backend)
            .await;
        for (stem, q) in [(KEY, "Original"), (KEY, "480P"), ("Al1ceK3y", "Original")] {
            site.write_stream(&format!("{stem}_{q}"), &[1, 2], Duration::ZERO);
        }
        let cookie = site.viewer_pass("alice", "pw").await;
        let hashes = [hash_key(KEY), hash_key("Al1ceK3y")];

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
            for pass in [None, Some(cookie.as_str())] {
                let r = match pass {
                    Some(cookie) => site.get_with_cookie(path, cookie).await,
                    None => site.get(path).await,
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
            let hook = format!("/auth/on_publish?name={name}");
            let body = format!("app=live&name={name}&addr=127.0.0.1");
            let status = site.hooks().post(&hook, body).await.status();
            assert!(status.is_success() || status == 403);
            site.get(&format!("/auth/on_publish_done?name={name}"))
                .await;
        }
        let key_paths = [
            format!("/hls/{KEY}_Original-1.ts"),
            format!("/hls/bob/{KEY}.m3u8"),
        ];
        for path in &key_paths {
            assert_eq!(site.get(path).await.status(), 404, "{path}");
        }
        let log = site.log();
        assert!(log.contains("DEBUG"), "debug logging is on: {log}");
        for secret in [KEY, "Al1ceK3y", "wrong-key"] {
            assert!(!log.contains(secret), "{secret} in the log: {log}");
        }
    }
}

/// `/{streamer}/thumbnail.jpg` without a frame to show: offline, an unknown streamer, segments
/// ffmpeg cannot decode (this suite's are not video), thumbnails turned off — 404 each, no
/// temporary file left behind, the key in no name; behind the password, 403 first.
pub async fn a_thumbnail_is_404_without_a_frame_to_show(backend: Backend) {
    let site = bob().start(backend).await;
    assert_eq!(
        site.get("/bob/thumbnail.jpg").await.status(),
        404,
        "offline"
    );
    assert_eq!(site.get("/nobody/thumbnail.jpg").await.status(), 404);
    site.write_stream(KEY, &[1, 2], Duration::ZERO);
    assert_eq!(live(&site, "bob").await, true);
    assert_eq!(
        site.get("/bob/thumbnail.jpg").await.status(),
        404,
        "no video"
    );
    let thumbs = site.dir.path().join("thumbs");
    let left: Vec<_> = std::fs::read_dir(&thumbs)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    site.set_password("bob", Some("hunter2"));
    assert_eq!(site.get("/bob/thumbnail.jpg").await.status(), 403);

    let off = bob()
        .yaml("thumbnails:\n  ffmpeg: \"\"\n")
        .start(backend)
        .await;
    off.write_stream(KEY, &[1], Duration::ZERO);
    assert_eq!(off.get("/bob/thumbnail.jpg").await.status(), 404, "off");
}
