//! Recordings (SPEC §9, issue 14 point 1) as nginx-rtmp hands them over: `on_record_done`
//! with the finished FLV's path registers it, `serve` (the gateway beside the functions on
//! Lambda) remuxes it to MP4 within seconds, and the site lists it, plays it (Range: 206),
//! shows its thumbnail and replays its chat; the viewer password covers it all; the API, the
//! dashboard and the CLI delete one, files included. No name, URL or answer holds the key.

use crate::http_dashboard::{keyless, Browser, KEY};
use crate::site;
use rsstreaming_testkit::{write_flv, Backend, Chat, Site};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const NGINX: &str = "192.0.2.10";
const RECORDINGS: &str = "recordings:\n  dir: \"@SITE_DIR@/recordings\"\n";

fn recordings_dir(site: &Site) -> PathBuf {
    site.dir.path().join("recordings")
}

/// Every file name under `dir`.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Writes nginx's finished recording of `seconds` (named by the key, as `record_unique`
/// names it in rename mode) into `incoming/`; its path, or none without ffmpeg.
fn recorded_flv(site: &Site, seconds: u32, n: u32) -> Option<PathBuf> {
    let incoming = recordings_dir(site).join("incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    let path = incoming.join(format!("{KEY}-170000000{n}.flv"));
    write_flv(&path, seconds).then_some(path)
}

/// Polls `GET /api/videos` until `n` recordings are ready; the list.
async fn ready_videos(api: &rsstreaming_testkit::Api, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let list = api.videos().await;
        let ready = list.iter().filter(|v| v["status"] == "ready").count();
        if ready >= n {
            return list;
        }
        assert!(
            Instant::now() < deadline,
            "not ready within 30 s (the issue's bound): {list:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

pub async fn recordings_are_remuxed_listed_played_replayed_and_deleted(backend: Backend) {
    let site = site()
        .streamer("Bob", KEY)
        .yaml(RECORDINGS)
        .start(backend)
        .await;
    let Some(flv) = recorded_flv(&site, 3, 1) else {
        return;
    };
    let api = site.api("bob", KEY);
    let hooks = site.hooks();
    assert_eq!(hooks.publish(KEY, NGINX).await.status(), 200);

    // Refused quietly (200, as nginx ignores the answer), registering nothing: a file outside
    // recordings.dir, a name that is no streamer's key, a path that is no .flv.
    let outside = site.dir.path().join("elsewhere.flv");
    std::fs::copy(&flv, &outside).unwrap();
    for (name, path) in [
        (KEY, outside.as_path()),
        ("not-a-key", flv.as_path()),
        (KEY, Path::new("/etc/passwd")),
        (KEY, Path::new("")),
    ] {
        assert_eq!(hooks.record_done(name, NGINX, path).await.status(), 200);
    }
    assert!(
        outside.exists() && flv.exists(),
        "refused files are left alone"
    );
    let none = api.videos().await;
    assert!(none.is_empty(), "{none:?}");
    // A line said while it was recorded, then the stream ends and nginx hands the file over.
    let (mut ann, _) = Chat::login(site.base(), "bob", "Ann").await;
    ann.say("hello replay").await;
    ann.expect_line("message received", "hello replay").await;
    tokio::time::sleep(Duration::from_millis(400)).await; // the audit's batch
    assert_eq!(hooks.publish_done(KEY, NGINX).await.status(), 200);
    assert_eq!(hooks.record_done(KEY, NGINX, &flv).await.status(), 200);
    assert!(!flv.exists(), "moved out of nginx's key-named file");

    let list = ready_videos(&api, 1).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let v = &list[0];
    let id = v["id"].as_i64().unwrap();
    let duration = v["duration_ms"].as_i64().unwrap();
    assert!((2500..=4000).contains(&duration), "a 3 s recording: {v}");
    assert!(v["size_bytes"].as_i64().unwrap() > 1000, "{v}");
    assert_eq!(v["page"], format!("/bob/videos/{id}"));
    let names = file_names(&recordings_dir(&site));
    assert!(
        names.iter().all(|n| !n.contains(KEY)),
        "no file named by the key: {names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with(".mp4")) && names.iter().any(|n| n.ends_with(".jpg")),
        "{names:?}"
    );

    // The list, the player page, the video in ranges, the thumbnail, the replay.
    let (status, listed) = keyless(site.get("/bob/videos").await).await;
    assert_eq!(status, 200);
    assert!(
        listed.contains(&format!("href=\"/bob/videos/{id}\"")),
        "{listed}"
    );
    let (status, player) = keyless(site.get(&format!("/bob/videos/{id}")).await).await;
    assert_eq!(status, 200);
    assert!(
        player.contains(&format!("/bob/videos/{id}.mp4")),
        "{player}"
    );
    let (_, stream_page) = keyless(site.get("/bob/").await).await;
    assert!(
        stream_page.contains("href=\"/bob/videos\""),
        "a link to them"
    );
    let (_, front) = keyless(site.get("/").await).await;
    assert!(
        front.contains(&format!("href=\"/bob/videos/{id}\"")) && front.contains("Latest recording"),
        "an offline streamer's card offers the latest recording: {front}"
    );

    let mp4 = format!("{}/bob/videos/{id}.mp4", site.base());
    let http = rsstreaming_testkit::site::no_redirects();
    let ranged = |range: String| {
        let r = http.get(&mp4).header("range", range).send();
        async move { r.await.unwrap() }
    };
    let part = ranged("bytes=0-99".into()).await;
    assert_eq!(part.status(), 206);
    let size = v["size_bytes"].as_i64().unwrap();
    assert_eq!(
        part.headers()["content-range"],
        &format!("bytes 0-99/{size}")
    );
    assert_eq!(part.headers()["content-type"], "video/mp4");
    assert_eq!(part.headers()["accept-ranges"], "bytes");
    let head = part.bytes().await.unwrap();
    assert_eq!(head.len(), 100);
    assert_eq!(&head[4..8], b"ftyp", "an MP4");
    let tail = ranged("bytes=-10".into()).await;
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap().len(), 10);
    let past = ranged(format!("bytes={size}-")).await;
    assert_eq!(past.status(), 416);
    let whole = http.get(&mp4).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.bytes().await.unwrap().len() as i64, size);
    let jpg = site.get(&format!("/bob/videos/{id}.jpg")).await;
    assert_eq!(jpg.status(), 200);
    assert_eq!(&jpg.bytes().await.unwrap()[..2], &[0xff, 0xd8], "a JPEG");

    let chat = site.json(&format!("/bob/videos/{id}/chat")).await;
    let lines = chat.as_array().expect("a JSON array");
    let line = lines
        .iter()
        .find(|l| l["message"] == "hello replay")
        .unwrap_or_else(|| panic!("the line said while recording: {chat}"));
    let offset = line["offset_ms"].as_i64().unwrap();
    assert!(
        offset > 0 && offset <= duration,
        "at a sane offset into the video: {line}"
    );
    assert_eq!(line["event"], "message");
    assert_eq!(line["username"], "Ann");
    assert!(
        line["color"].as_str().is_some_and(|c| c.starts_with('#')),
        "{line}"
    );

    for path in [
        "/bob/videos/x",
        "/bob/videos/999",
        "/bob/videos/999.mp4",
        "/nobody/videos",
    ] {
        assert_eq!(site.get(path).await.status(), 404, "{path}");
    }

    // The viewer password covers every part; the pass opens them.
    site.set_password("Bob", Some("letmein"));
    let parts = [
        "/bob/videos".to_string(),
        format!("/bob/videos/{id}"),
        format!("/bob/videos/{id}.mp4"),
        format!("/bob/videos/{id}.jpg"),
        format!("/bob/videos/{id}/chat"),
    ];
    for path in &parts {
        assert_eq!(site.get(path).await.status(), 403, "{path}");
    }
    let pass = site.viewer_pass("bob", "letmein").await;
    for path in &parts {
        let r = site.get_with_cookie(path, &pass).await;
        assert_eq!(r.status(), 200, "{path} with the pass");
        let cache = r.headers()["cache-control"].to_str().unwrap();
        assert!(cache.contains("private"), "{path}: {cache}");
    }
    site.set_password("Bob", None);

    // Deleted through the API: gone from every URL, files and all.
    let gone = api.delete(&format!("/api/videos/{id}")).await;
    assert_eq!(gone.status(), 200);
    let body: Value = gone.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"id": id, "deleted": true}));
    assert_eq!(api.delete(&format!("/api/videos/{id}")).await.status(), 404);
    assert_eq!(api.delete("/api/videos/abc").await.status(), 404);
    for path in &parts[1..] {
        assert_eq!(site.get(path).await.status(), 404, "{path} after delete");
    }
    let left = file_names(&recordings_dir(&site));
    assert_eq!(left, vec!["incoming".to_string()], "files removed");
    assert!(site
        .event_kinds("bob")
        .await
        .contains(&"recording_delete".to_string()));

    // Two more: one deleted from the dashboard, one with the CLI.
    for n in [2, 3] {
        let Some(flv) = recorded_flv(&site, 1, n) else {
            return;
        };
        assert_eq!(hooks.record_done(KEY, NGINX, &flv).await.status(), 200);
    }
    let list = ready_videos(&api, 2).await;
    let ids: Vec<i64> = list.iter().map(|v| v["id"].as_i64().unwrap()).collect();
    let listed = site.cli(&["recording", "list", "--username", "bob", "--json"]);
    let from_cli: Vec<Value> = serde_json::from_str(&listed).unwrap();
    assert_eq!(from_cli.len(), 2, "{listed}");
    site.cli(&[
        "recording",
        "delete",
        "--username",
        "bob",
        "--id",
        &ids[0].to_string(),
    ]);

    let mut b = Browser::new(&site);
    assert_eq!(b.sign_in(KEY).await.status(), 303);
    let page = "/bob/dashboard/videos";
    let csrf = b.csrf(page).await;
    let (status, shown) = keyless(b.get(page).await).await;
    assert_eq!(status, 200);
    assert!(
        shown.contains(&format!("videos/{}/delete", ids[1])),
        "{shown}"
    );
    assert!(
        !shown.contains(&format!("videos/{}/delete", ids[0])),
        "deleted by the CLI"
    );
    let delete = format!("{page}/{}/delete", ids[1]);
    assert_eq!(b.post(&delete, &[("csrf", "no")]).await.status(), 403);
    assert_eq!(
        b.post(&delete, &[("csrf", csrf.as_str())]).await.status(),
        303
    );
    assert_eq!(
        b.post(&delete, &[("csrf", csrf.as_str())]).await.status(),
        400
    );
    let (_, shown) = keyless(b.get(page).await).await;
    assert!(shown.contains("No recordings yet."), "{shown}");
    let left = file_names(&recordings_dir(&site));
    assert_eq!(
        left,
        vec!["incoming".to_string()],
        "files removed: {left:?}"
    );
    assert!(!site.log().contains(KEY), "the key in a log line");
}

/// Without `recordings` configured, nginx's hook changes nothing and the pages list nothing.
pub async fn without_recordings_configured_nothing_is_kept(backend: Backend) {
    let site = site().streamer("Bob", KEY).start(backend).await;
    let incoming = site.dir.path().join("incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    let flv = incoming.join(format!("{KEY}-1.flv"));
    std::fs::write(&flv, b"FLV").unwrap();
    let hooks = site.hooks();
    assert_eq!(hooks.record_done(KEY, NGINX, &flv).await.status(), 200);
    assert!(flv.exists());
    let (status, page) = keyless(site.get("/bob/videos").await).await;
    assert_eq!(status, 200);
    assert!(page.contains("No recordings yet."), "{page}");
    let list = site.api("bob", KEY).videos().await;
    assert!(list.is_empty());
}
