//! What reaches an open chat from elsewhere, through a running `rsstreaming serve`: API and CLI
//! lines, password changes, emotes, and the viewer counts the pages report.

use crate::chat::{site, unstamped, KEY};
use crate::chat_guard::pass_cookie;
use rsstreaming_testkit::chat::login;
use rsstreaming_testkit::{cli, Chat};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn api_and_cli_messages_reach_the_chat() {
    let site = site().await;
    let base = site.base();
    let api = site.api("streamer", KEY);
    let (mut viewer, _) = Chat::login(base, "streamer", "viewer").await;
    // The streamer is not in the chat: their username and the default color.
    assert_eq!(api.say(None, "from the api :wave:").await.status(), 200);
    assert_eq!(
        unstamped(viewer.expect("message received").await),
        json!({"username": "Streamer", "type": "admin", "color": "#000000", "message": "from the api 👋"})
    );
    // Logged in: their chat name and color.
    let mut admin = Chat::admin(base, "streamer", KEY).await;
    admin.say("/nick Boss").await;
    admin.say("/color #abcdef").await;
    admin.expect("return color").await;
    api.say(Some("action"), "dances").await;
    let a = viewer.expect("action received").await;
    let who = (a["username"].as_str(), a["color"].as_str());
    assert_eq!(who, (Some("Boss"), Some("#abcdef")));
    api.say(Some("server"), "Stream starts soon").await;
    let broadcast = viewer.expect_msg("server", "starts soon").await;
    assert_eq!(broadcast, "Stream starts soon");

    // The CLI, another process: through the outbox.
    site.cli(&[
        "message",
        "send",
        "--username",
        "streamer",
        "--message",
        "from the cli",
    ]);
    let m = viewer.expect("message received").await;
    let line = (m["username"].as_str(), m["message"].as_str());
    assert_eq!(line, (Some("Boss"), Some("from the cli")));
    site.manage(cli::send_message("streamer", "server", "cli broadcast"));
    viewer.expect_msg("server", "cli broadcast").await;
    let lines = site.events("streamer").await;
    let recorded =
        |kind: &str, text: &str| lines.iter().any(|(k, m)| k == kind && m["message"] == text);
    assert!(recorded("message", "from the cli"));
    assert!(recorded("broadcast", "cli broadcast"));
}

#[tokio::test]
async fn an_api_password_change_reaches_the_room() {
    let site = site().await;
    let api = site.api("streamer", KEY);
    // A chatter holding a pass for the new password stays and is told (one without is sent
    // away: `chat_guard`).
    let mut viewer = Chat::connect_with_cookie(site.base(), &pass_cookie("letmein")).await;
    viewer.log_in("streamer", "viewer").await;
    let on = api.patch_info(r#"{"streampass": "letmein"}"#).await;
    assert_eq!(on.status(), 200);
    let on = viewer.expect("password activated").await;
    assert_eq!(on, json!({"username": "streamer"}));
    let hidden = !on.to_string().contains("letmein");
    assert!(hidden, "the room never sees the password");
    let off = api.patch_info(r#"{"streampass": null}"#).await;
    assert_eq!(off.status(), 200);
    let off = viewer.expect("password deactivated").await;
    assert_eq!(off["username"], "streamer");
}

#[tokio::test]
async fn a_protected_stream_s_chat_needs_the_viewer_pass() {
    let site = site().await;
    let base = site.base();
    site.set_password("streamer", Some("pw"));
    let viewer = login("streamer", "viewer");
    let mut outsider = Chat::connect(base).await;
    outsider.send("login", viewer.clone()).await;
    let refused = outsider.expect_msg("error", "password-protected").await;
    assert!(refused.contains("password"));
    let mut forged = Chat::connect_with_cookie(base, "pass_streamer=forged").await;
    forged.send("login", viewer.clone()).await;
    forged.expect_msg("error", "password-protected").await;

    // The password page's cookie lets the viewer in.
    let pass = site.viewer_pass("streamer", "pw").await;
    let mut admitted = Chat::connect_with_cookie(base, &pass).await;
    admitted.send("login", viewer).await;
    admitted.expect("login success").await;
    // The streamer needs no pass: the key proves more.
    Chat::admin(base, "streamer", KEY).await;
}

#[tokio::test]
async fn emote_changes_reach_open_pages() {
    let site = site().await;
    let base = site.base();
    let mut page = Chat::viewer(base, "streamer").await;
    site.manage(cli::add_emote("kappa", "/static/kappa.png"));
    let added = page.expect("add emote").await;
    assert_eq!(added, json!({"key": ":kappa:", "uri": "/static/kappa.png"}));
    // Custom emotes stay as typed and count as one character in names.
    let name = format!("{}:kappa:", "k".repeat(19));
    let (mut c, _) = Chat::login(base, "streamer", &name).await;
    c.say(":kappa: :smile:").await;
    assert_eq!(c.expect("message received").await["message"], ":kappa: 😄");
    site.manage(cli::drop_emote("kappa"));
    assert_eq!(page.expect("remove emote").await, json!({"key": ":kappa:"}));
}

#[tokio::test]
async fn viewers_and_members_are_reported() {
    let site = site().await;
    let base = site.base();
    site.write_stream(KEY, &[1, 2], Duration::ZERO);
    let mut pages = Vec::new();
    for _ in 0..3 {
        pages.push(Chat::viewer(base, "streamer").await);
    }
    let (_c, _) = Chat::login(base, "streamer", "Chatty").await;
    let mut count = 0;
    for _ in 0..30 {
        site.write_stream(KEY, &[1, 2], Duration::ZERO);
        count = site.json("/streamer/info").await["count"].as_u64().unwrap();
        if count == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(count, 4, "three pages and one chatter");
    let info = site.api("streamer", KEY).info().await;
    assert_eq!(info["members"], json!(["Chatty"]));
    // A closed page stops counting at once.
    pages.pop().unwrap().close().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    site.write_stream(KEY, &[1, 2], Duration::ZERO);
    assert_eq!(site.json("/streamer/info").await["count"], 3);
    // Viewer-count changes are logged.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let kinds = site.event_kinds("streamer").await;
    assert!(kinds.iter().any(|k| k == "viewers"));
}
