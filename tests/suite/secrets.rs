//! Secrets at rest and in transit (issue 11, point 12): stream keys stored under a keyed hash
//! whose pepper never reaches the database, old rows re-hashed on their next successful use,
//! viewer passes that expire on the server, and an API client that takes its key from the
//! environment.

use rsstreaming_shared::auth::{legacy_hash_key, viewer_pass_at, PASS_MAX_AGE_SECS};
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::Store;
use rsstreaming_testkit::machine::rsstreaming;
use rsstreaming_testkit::{Backend, Site, TestDb};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const PEPPER: &str = "pepper-for-the-tests-0123456789";
const KEYS: [(&str, &str); 4] = [
    ("bob", "bob-K3y-0123456789"),
    ("alice", "alice-K3y-0123456789"),
    ("carol", "carol-K3y-0123456789"),
    ("dave", "dave-K3y-0123456789"),
];

async fn stored_hash(store: &Store, username: &str) -> String {
    store
        .streamer(username)
        .await
        .unwrap()
        .expect("streamer")
        .key_hash
}

#[tokio::test]
async fn keys_are_peppered_and_old_rows_are_rehashed_on_their_next_use() {
    for db in TestDb::both().await {
        let site = Site::builder()
            .db(db)
            .yaml(&format!("key_pepper: {PEPPER}\n"))
            .streamers(&KEYS)
            .start(Backend::Serve)
            .await;
        // This process has no pepper: what it writes is the old form, as an older release did.
        let store = Store::connect(&site.db.url).await.unwrap();
        let bob = stored_hash(&store, "bob").await;
        assert!(bob.starts_with("h1:"), "{}: {bob}", site.db.backend);
        assert_ne!(
            bob,
            legacy_hash_key(KEYS[0].1),
            "not the plain hash of the key"
        );
        assert!(!bob.contains(PEPPER));
        for (name, key) in &KEYS[1..] {
            store.set_key(name, *key).await.unwrap();
            assert_eq!(stored_hash(&store, name).await, legacy_hash_key(key));
        }
        // Old rows keep working everywhere a key is used, and the first right use re-hashes.
        let wrong = site.api("alice", "wrong").get_info().await;
        assert_eq!(wrong.status(), 401);
        assert!(!stored_hash(&store, "alice").await.starts_with("h1:"));
        assert_eq!(site.api("alice", KEYS[1].1).get_info().await.status(), 200);
        assert!(stored_hash(&store, "alice").await.starts_with("h1:"));
        assert_eq!(site.api("alice", KEYS[1].1).get_info().await.status(), 200);
        let hooks = site.hooks();
        assert_eq!(hooks.publish(KEYS[2].1, "192.0.2.1").await.status(), 200);
        assert!(stored_hash(&store, "carol").await.starts_with("h1:"));
        assert_eq!(hooks.publish(KEYS[2].1, "192.0.2.1").await.status(), 200);
        // Key-named HLS files (rename mode) are found under either form.
        site.write_stream(KEYS[3].1, &[1], Duration::ZERO);
        assert_eq!(site.get("/dave/playlist.m3u8").await.status(), 200);
        assert_eq!(hooks.publish(KEYS[3].1, "192.0.2.1").await.status(), 200);
        assert!(stored_hash(&store, "dave").await.starts_with("h1:"));
        assert_eq!(site.get("/dave/playlist.m3u8").await.status(), 200);
        store.close().await;
    }
}

#[tokio::test]
async fn viewer_passes_carry_their_issue_time_and_expire_after_a_day() {
    // The kit's configs sign cookies with `test-secret`.
    let site = Site::builder()
        .streamer("bob", "bob-K3y-0123456789")
        .password("bob", "pw")
        .start(Backend::Serve)
        .await;
    let handed_out = site.viewer_pass("bob", "pw").await;
    assert_eq!(
        site.get_with_cookie("/bob/", &handed_out).await.status(),
        200
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let room = RoomName::parse("bob").unwrap();
    let pass_at = |issued: u64| {
        let token = viewer_pass_at("test-secret", &room, "pw", issued);
        format!("pass_bob={token}")
    };
    let fresh = pass_at(now - 60);
    assert_eq!(site.get_with_cookie("/bob/", &fresh).await.status(), 200);
    // A browser that keeps the cookie past its Max-Age gets nothing for it.
    let stale = pass_at(now - PASS_MAX_AGE_SECS - 60);
    assert_eq!(site.get_with_cookie("/bob/", &stale).await.status(), 403);
    assert_eq!(
        site.get_with_cookie("/bob/info", &stale).await.status(),
        403
    );
    // The issue time is under the signature.
    let (_, tag) = stale.split_once('.').unwrap();
    let moved = format!("pass_bob={now}.{tag}");
    assert_eq!(site.get_with_cookie("/bob/", &moved).await.status(), 403);
}

#[tokio::test]
async fn the_api_client_reads_its_key_from_the_environment() {
    let key = "env-K3y-0123456789";
    let site = Site::builder()
        .streamer("bob", key)
        .start(Backend::Serve)
        .await;
    let run = |env_key: &str| {
        rsstreaming()
            .env("RSSTREAMING_API_KEY", env_key)
            .args(["api", site.base(), "--username", "bob", "getinfo"])
            .output()
            .expect("rsstreaming api")
    };
    let ok = run(key);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("bob"));
    let wrong = run("nope");
    assert_eq!(wrong.status.code(), Some(1));
    let help = rsstreaming()
        .env("RSSTREAMING_API_KEY", key)
        .args(["api", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("RSSTREAMING_API_KEY") && !help.contains(key),
        "{help}"
    );
}
