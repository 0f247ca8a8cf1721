//! The dashboard's moderation page (SPEC §8, issue 13 point 2): bans, timeouts, the room's
//! modes, filters and the pin changed from the page reach the chat as the chat's own commands
//! do, with their refusals; every form needs the session's CSRF token; every change is
//! audited. The key never shows in any answer.

use crate::http_dashboard::{keyless, Browser, KEY};
use crate::site;
use rsstreaming_testkit::chat::login;
use rsstreaming_testkit::config::{redis_reachable, redis_url, redis_yaml};
use rsstreaming_testkit::{Backend, Chat, TestDb};

const PAGE: &str = "/bob/dashboard/moderation";

/// Posts one change of the moderation page: the status and the page it leads to (the
/// redirect's target when the change was made, the refusing page otherwise).
async fn change(b: &Browser<'_>, csrf: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    let r = b.post(PAGE, &all).await;
    let status = r.status().as_u16();
    if status != 303 {
        return (status, keyless(r).await.1);
    }
    let to = r.headers()["location"].to_str().unwrap().to_string();
    (status, keyless(b.get(&to).await).await.1)
}

/// Posts a change the page must refuse (400) saying `why`.
async fn refuses(b: &Browser<'_>, csrf: &str, fields: &[(&str, &str)], why: &str) {
    let (status, page) = change(b, csrf, fields).await;
    assert_eq!(status, 400, "{fields:?}");
    assert!(page.contains(why), "{why}: {page}");
}

/// Posts a change the page must make (303); the page it leads back to.
async fn made(b: &Browser<'_>, csrf: &str, fields: &[(&str, &str)]) -> String {
    let (status, page) = change(b, csrf, fields).await;
    assert_eq!(status, 303, "{fields:?}: {page}");
    page
}

/// Times out `chatter` (logged in as `name`) from the page for `duration` (`spoken` as the
/// chat says it): it is told and can't post; lifted, it is told and can. The page listing the
/// timeout.
async fn times_out_then_unmutes(
    b: &Browser<'_>,
    csrf: &str,
    chatter: &mut Chat,
    (name, duration, spoken): (&str, &str, &str),
) -> String {
    let timeout = [
        ("action", "timeout"),
        ("username", name),
        ("duration", duration),
    ];
    let page = made(b, csrf, &timeout).await;
    let told = format!("You have been timed out for {spoken}.");
    chatter.expect_msg("server", &told).await;
    chatter.say("still here?").await;
    chatter.expect_msg("server", "You are muted!").await;
    let unmute = [("action", "unmute"), ("username", name)];
    assert_eq!(change(b, csrf, &unmute).await.0, 303);
    chatter.expect_msg("server", "You have been unmuted.").await;
    chatter.say("back").await;
    chatter.expect_line("message received", "back").await;
    page
}

pub async fn the_moderation_page_changes_the_chat_as_its_commands_do(backend: Backend) {
    let site = site().streamer("Bob", KEY).start(backend).await;
    let mut b = Browser::new(&site);
    assert_eq!(b.get(PAGE).await.status(), 303, "signed out");
    assert_eq!(b.sign_in(KEY).await.status(), 303);
    let (status, page) = keyless(b.get(PAGE).await).await;
    assert_eq!(status, 200);
    assert!(page.contains("Nobody is banned or timed out."), "{page}");
    assert!(page.contains("aria-current=\"page\">Moderation"), "{page}");
    let csrf = b.csrf(PAGE).await;
    let (mut carol, _) = Chat::login(site.base(), "bob", "carol").await;
    let (mut dave, _) = Chat::login(site.base(), "bob", "dave").await;

    // Without the session's token nothing changes.
    let refused = b
        .post(PAGE, &[("action", "ban"), ("username", "carol")])
        .await;
    assert_eq!(refused.status(), 403);
    let wrong = [("csrf", "nope"), ("action", "slow"), ("value", "5")];
    assert_eq!(b.post(PAGE, &wrong).await.status(), 403);

    // A ban: the chat's refusals, then the chatter sent away and listed until lifted.
    let streamer = [("action", "ban"), ("username", "BOB")];
    refuses(
        &b,
        &csrf,
        &streamer,
        "User &#x27;BOB&#x27; cannot be banned.",
    )
    .await;
    let soon = [
        ("action", "ban"),
        ("username", "carol"),
        ("duration", "soon"),
    ];
    refuses(&b, &csrf, &soon, "Invalid duration").await;
    let ban = [("action", "ban"), ("username", "carol"), ("reason", "spam")];
    let page = made(&b, &csrf, &ban).await;
    assert!(page.contains("The name is banned."), "{page}");
    assert!(
        page.contains(">carol<") && page.contains(">spam<"),
        "{page}"
    );
    assert_eq!(carol.expect("banned").await["reason"], "spam");
    let mut again = Chat::connect(site.base()).await;
    again.send("login", login("bob", "carol")).await;
    assert_eq!(
        again.expect("banned").await["reason"],
        "spam",
        "no way back"
    );
    let lift = [("action", "unban"), ("username", "carol")];
    let page = made(&b, &csrf, &lift).await;
    assert!(page.contains("Nobody is banned or timed out."), "{page}");
    refuses(&b, &csrf, &lift, "User &#x27;carol&#x27; is not banned.").await;

    // A timeout mutes the chatter where it is; lifted from the page, it can chat again.
    let no_time = [
        ("action", "timeout"),
        ("username", "dave"),
        ("duration", ""),
    ];
    refuses(&b, &csrf, &no_time, "Invalid duration").await;
    let page = times_out_then_unmutes(&b, &csrf, &mut dave, ("dave", "10m", "10 minutes")).await;
    assert!(page.contains(">timeout<"), "listed: {page}");

    // The room's modes: each refused as the chat command refuses it, or told to the room.
    refuses(
        &b,
        &csrf,
        &[("action", "slow"), ("value", "x")],
        "Slow mode is 0",
    )
    .await;
    made(&b, &csrf, &[("action", "slow"), ("value", "5")]).await;
    assert_eq!(dave.expect("room rules").await["slow"], 5);
    made(&b, &csrf, &[("action", "emoteonly"), ("value", "on")]).await;
    assert_eq!(dave.expect("room rules").await["emote_only"], true);
    made(&b, &csrf, &[("action", "links"), ("value", "mods")]).await;
    assert_eq!(dave.expect("room rules").await["links"], "mods");
    let registered = [("action", "chatmode"), ("value", "registered")];
    let page = made(&b, &csrf, &registered).await;
    assert!(page.contains("value=\"registered\" selected"), "{page}");
    assert_eq!(dave.expect("room rules").await["chatmode"], "registered");
    let bogus = [("action", "links"), ("value", "sometimes")];
    refuses(&b, &csrf, &bogus, "Links are on, mods or off.").await;
    refuses(&b, &csrf, &[("action", "nuke")], "Unknown change.").await;

    // Filters: added (case-folded), a duplicate and a pathological regex refused, removed.
    let add = [("action", "filter-add"), ("value", "Darn")];
    let page = made(&b, &csrf, &add).await;
    assert!(page.contains("<code>darn</code>"), "{page}");
    refuses(&b, &csrf, &add, "already").await;
    let huge = format!("/{}/", "(a+)+".repeat(2_000));
    let pathological = [("action", "filter-add"), ("value", huge.as_str())];
    assert_eq!(change(&b, &csrf, &pathological).await.0, 400);
    let page = made(&b, &csrf, &[("action", "filter-remove"), ("value", "Darn")]).await;
    assert!(page.contains("No filters of your own."), "{page}");

    // The pin reaches the room; unpinned, the room hears `null`.
    let pin = [("action", "pin"), ("value", "Welcome :smile:")];
    let page = made(&b, &csrf, &pin).await;
    assert!(page.contains("id=\"pinned-now\">Welcome 😄<"), "{page}");
    assert_eq!(dave.expect("pinned").await["message"], "Welcome 😄");
    refuses(&b, &csrf, &[("action", "pin"), ("value", " ")], "blank").await;
    made(&b, &csrf, &[("action", "unpin")]).await;
    assert!(dave.expect("pinned").await["message"].is_null());

    let kinds = site.event_kinds("bob").await;
    let audited = [
        "ban",
        "unban",
        "mute",
        "unmute",
        "slow",
        "emote_only",
        "links",
        "chatmode",
        "filter_add",
        "filter_remove",
        "pin",
    ];
    for kind in audited {
        assert!(kinds.iter().any(|k| k == kind), "{kind} audited: {kinds:?}");
    }
    assert!(!site.log().contains(KEY), "no key in the log");
}

pub async fn a_timeout_from_the_dashboard_reaches_a_chatter_on_another_instance(backend: Backend) {
    if !redis_reachable().await {
        return;
    }
    let Some(db) = TestDb::mysql().await else {
        return;
    };
    let site = site().db(db).yaml(&redis_yaml(&redis_url()));
    let site = site.streamer("bob", KEY).start(backend).await;
    let other = site.another_instance().await;
    let (mut erin, _) = Chat::login(other.base(), "bob", "erin").await;
    let mut b = Browser::new(&site);
    assert_eq!(b.sign_in(KEY).await.status(), 303);
    let csrf = b.csrf(PAGE).await;
    times_out_then_unmutes(&b, &csrf, &mut erin, ("Erin", "30s", "30 seconds")).await;
}

pub async fn webhooks_are_added_listed_and_removed_from_the_dashboard(backend: Backend) {
    let site = site().streamer("Bob", KEY).start(backend).await;
    let mut b = Browser::new(&site);
    assert_eq!(b.sign_in(KEY).await.status(), 303);
    let page = "/bob/dashboard/webhooks";
    let csrf = b.csrf(page).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let b = &b;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            keyless(b.post(page, &fields).await).await
        }
    };
    let with = |url: &str, format: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("url", url.to_string()),
            ("format", format.to_string()),
        ]
    };
    // Nothing on this machine or a private network, nothing but http(s), a known format.
    for (url, format) in [
        ("http://127.0.0.1:9/in", "json"),
        ("http://169.254.169.254/latest", "json"),
        ("ftp://hooks.example/", "json"),
        ("https://hooks.example/in", "xml"),
    ] {
        let (status, shown) = post(with(url, format)).await;
        assert_eq!(status, 400, "{url} {format}: {shown}");
    }
    let missing = vec![("url", "https://hooks.example/in".to_string())];
    assert_eq!(post(missing).await.0, 403, "no CSRF token");
    let (status, made) = post(with("https://hooks.example/in", "discord")).await;
    assert_eq!(status, 200);
    let at = made.find("id=\"new-key\">").expect("the key shown") + 13;
    let key = &made[at..at + 64];
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    let (_, listed) = keyless(b.get(page).await).await;
    assert!(!listed.contains(key), "shown once");
    assert!(
        listed.contains("hooks.example/in") && listed.contains(">discord<"),
        "{listed}"
    );
    let cli = site.cli(&["webhook", "list", "--username", "bob"]);
    assert!(
        cli.contains("https://hooks.example/in"),
        "the CLI's list: {cli}"
    );

    // A stream start queues a delivery the log shows.
    let hooks = site.hooks();
    assert_eq!(hooks.publish(KEY, "192.0.2.10").await.status(), 200);
    let (_, listed) = keyless(b.get(page).await).await;
    assert!(listed.contains(">stream.started<"), "{listed}");

    let remove = |id: &str| format!("{page}/{id}/remove");
    let csrf_only = [("csrf", csrf.as_str())];
    assert_eq!(b.post(&remove("999"), &csrf_only).await.status(), 400);
    assert_eq!(b.post(&remove("1"), &[("csrf", "no")]).await.status(), 403);
    assert_eq!(b.post(&remove("1"), &csrf_only).await.status(), 303);
    let (_, listed) = keyless(b.get(page).await).await;
    assert!(listed.contains("No webhooks yet."), "{listed}");
}
