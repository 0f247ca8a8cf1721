//! Attacks on the chat gateway (issue 11, points 4, 6, 7, 8), through a running `serve`:
//! sockets opened by foreign pages, repeated heavy requests, mutes undone by reconnecting, and
//! a protected stream's chat after a password change.

use crate::chat::{site, KEY};
use rsstreaming_shared::auth::viewer_pass_at;
use rsstreaming_shared::names::RoomName;
use rsstreaming_testkit::chat::{login, Chat};
use rsstreaming_testkit::{Backend, Site};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[tokio::test]
async fn a_foreign_origin_is_refused_at_the_handshake() {
    let site = rsstreaming_site_tests::site()
        .streamer("Streamer", KEY)
        .yaml("public_origins: [\"https://live.example\"]\n")
        .start(Backend::Serve)
        .await;
    let base = site.base();
    let own = base.to_string();
    let host = base.trim_start_matches("http://").to_string();
    for (n, (origin, ok)) in [
        (own.as_str(), true),
        ("https://live.example", true),
        ("https://evil.example", false),
        (&format!("http://{host}.evil.example"), false),
        ("null", false),
    ]
    .into_iter()
    .enumerate()
    {
        let answer = Chat::connect_with(base, &[("origin", origin)]).await;
        match answer {
            Ok(mut c) => {
                assert!(ok, "{origin} was let in");
                // A name of its own: the last one's socket may not have left yet.
                c.log_in("streamer", &format!("viewer{n}")).await;
            }
            Err(status) => {
                assert!(!ok, "{origin}: {status}");
                assert_eq!(status, 403, "{origin}");
            }
        }
    }
    // No Origin at all: not a browser (bots, scripts), as before.
    let (_c, _) = Chat::login(base, "streamer", "bot").await;
}

#[tokio::test]
async fn repeated_roster_requests_are_budgeted() {
    let site = site().await;
    let (mut c, _) = Chat::login(site.base(), "streamer", "spammer").await;
    for _ in 0..30 {
        c.say("/users").await;
    }
    let frames = c.drain(Duration::from_millis(800)).await;
    let lists = frames.iter().filter(|(e, _)| e == "userlist").count();
    assert!((1..=6).contains(&lists), "{lists} rosters for 30 requests");
    assert!(frames
        .iter()
        .any(|(e, d)| e == "warning" && d["msg"].as_str().unwrap().contains("slow down")));
    // Ordinary lines are not spent by it.
    c.say("still here").await;
    c.expect("message received").await;
}

/// Logs in `name` from `addr` (through the site's one trusted proxy).
async fn chatter_from(site: &Site, addr: &str, name: &str) -> Chat {
    let mut c = Chat::connect_with(site.base(), &[("x-forwarded-for", addr)])
        .await
        .expect("connect");
    c.log_in("streamer", name).await;
    c
}

#[tokio::test]
async fn a_mute_survives_reconnecting_under_the_name_or_from_the_address() {
    let site = rsstreaming_site_tests::site()
        .streamer("Streamer", KEY)
        .proxy_hops(1)
        .start(Backend::Serve)
        .await;
    let mut admin = Chat::admin(site.base(), "streamer", KEY).await;
    let mut eve = chatter_from(&site, "198.51.100.7", "eve").await;
    admin.command("/mute eve").await;
    eve.expect_msg("server", "muted").await;
    eve.close().await;
    // The same name (a look-alike counts) from elsewhere, or another name from the address.
    for (addr, name) in [("203.0.113.1", "Evе"), ("198.51.100.7", "notEve")] {
        let mut back = chatter_from(&site, addr, name).await;
        back.say("I'm back").await;
        back.expect_msg("server", "You are muted!").await;
        back.close().await;
    }
    let mut other = chatter_from(&site, "203.0.113.2", "someone").await;
    other.say("hello").await;
    other.expect("message received").await;
    // Lifted, it is gone for both.
    let eve = chatter_from(&site, "198.51.100.7", "eve").await;
    admin.command("/unmute eve").await;
    eve.close().await;
    let mut eve = chatter_from(&site, "198.51.100.7", "eve").await;
    eve.say("free").await;
    eve.expect("message received").await;
}

/// A valid viewer pass of `streamer`'s room under `password`, issued now.
pub fn pass_cookie(password: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let room = RoomName::parse("streamer").unwrap();
    // The kit's configs sign cookies with `test-secret`.
    format!(
        "pass_streamer={}",
        viewer_pass_at("test-secret", &room, password, now)
    )
}

#[tokio::test]
async fn setting_a_password_sends_away_sockets_without_a_pass() {
    let site = site().await;
    let base = site.base();
    let mut holder = Chat::connect_with_cookie(base, &pass_cookie("pw")).await;
    holder.log_in("streamer", "holder").await;
    let mut admin = Chat::admin(base, "streamer", KEY).await;
    let (mut open, _) = Chat::login(base, "streamer", "nopass").await;
    let mut watcher = Chat::viewer(base, "streamer").await;
    admin.say("/password pw").await;
    for c in [&mut open, &mut watcher] {
        assert_eq!(c.closed_with().await, Some(1008), "closed: policy");
    }
    holder.expect("password activated").await;
    admin.say("still the streamer").await;
    holder
        .expect_line("message received", "still the streamer")
        .await;
    // Back without a pass: no chat, and a page's presence is not counted.
    let mut again = Chat::connect(base).await;
    again.send("login", login("streamer", "nopass")).await;
    assert!(again
        .expect_error()
        .await
        .as_str()
        .unwrap()
        .contains("password"));
    let _lurker = Chat::viewer(base, "streamer").await;
    let _counted = {
        let mut c = Chat::connect_with_cookie(base, &pass_cookie("pw")).await;
        c.send("presence", serde_json::json!({"streamer": "streamer"}))
            .await;
        c
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let viewers = site.api("streamer", KEY).info().await["viewers"].clone();
    // The streamer, the chatter and the page holding a pass; not the lurker without one.
    assert_eq!(viewers, 3, "only pages with a pass");
    // A change through the API binds the same way: the old pass no longer holds.
    let r = site
        .api("streamer", KEY)
        .patch_info(r#"{"streampass": "pw2"}"#)
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(holder.closed_with().await, Some(1008));
    assert_eq!(
        admin.expect("password activated").await["username"],
        "streamer"
    );
}
