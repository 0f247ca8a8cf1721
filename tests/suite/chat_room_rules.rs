//! The room rules of SPEC §7 through a running `rsstreaming serve`: `/slow`, `/emoteonly`,
//! `/links`, `/filter`, `/pin` and `/unpin` with their ranks and bad input, what each lets
//! through to the other sockets, what new joiners learn, the CLI's site-wide filters, and the
//! rules surviving a restart. Across instances: `chat_cluster` (site tests); the API:
//! `http_rules` (site tests).

use crate::chat::{assert_recorded, site, KEY};
use rsstreaming_testkit::cli::{cli, one_line_failure};
use rsstreaming_testkit::{png_url, Chat};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const UNKNOWN: fn(&str) -> String =
    |c| format!("Unrecognized command '{c}', use '/help' for info.");

/// The first `server` line answering `line`.
async fn answer(c: &mut Chat, line: &str) -> String {
    c.command(line).await.swap_remove(0)
}

/// The streamer, a moderator `Mo`, a normal chatter `bob`, and `eve` who watches the room.
async fn cast(base: &str) -> (Chat, Chat, Chat, Chat) {
    let mut admin = Chat::admin(base, "streamer", KEY).await;
    let (mut mo, _) = Chat::login(base, "streamer", "Mo").await;
    let (bob, _) = Chat::login(base, "streamer", "bob").await;
    let (eve, _) = Chat::login(base, "streamer", "eve").await;
    admin.command("/mod mo").await;
    mo.expect_msg("server", "promoted").await;
    (admin, mo, bob, eve)
}

/// `who` says `line`; `eve` gets it (and nothing said before it that she has not seen).
async fn reaches(who: &mut Chat, eve: &mut Chat, event: &str, line: &str) -> Value {
    who.say(line).await;
    let got = eve.expect(event).await;
    assert_eq!(
        got["message"],
        *line.strip_prefix("/me ").unwrap_or(line),
        "{got}"
    );
    got
}

/// `who` says `line` and is told `refusal`; `eve` hears nothing of it (the next line she gets
/// is a marker the streamer says after it).
async fn refused(who: &mut Chat, admin: &mut Chat, eve: &mut Chat, line: &str, refusal: &str) {
    assert_eq!(who.command(line).await, [refusal], "{line}");
    unheard(admin, eve, line).await;
}

/// `line` did not reach `eve`: the next line she gets is a marker `admin` says now.
async fn unheard(admin: &mut Chat, eve: &mut Chat, line: &str) {
    admin.say("marker").await;
    let next = eve.expect("message received").await;
    assert_eq!(next["message"], "marker", "{line} reached another socket");
}

#[tokio::test]
async fn slow_mode_emote_only_and_links_with_their_ranks() {
    let site = site().await;
    let (mut admin, mut mo, mut bob, mut eve) = cast(site.base()).await;

    // Ranks: these read like unknown commands below them.
    for line in ["/slow 5", "/emoteonly on", "/pin x"] {
        let name = line.split(' ').next().unwrap();
        assert_eq!(bob.command(line).await, [UNKNOWN(name)], "{line}");
    }
    for line in ["/links off", "/filter list"] {
        let name = line.split(' ').next().unwrap();
        assert_eq!(mo.command(line).await, [UNKNOWN(name)], "{line}");
    }
    // Bad input: a usage line, and nothing changes.
    for (line, says) in [
        ("/slow", "Usage: /slow"),
        ("/slow soon", "Usage: /slow"),
        ("/slow -3", "Usage: /slow"),
        ("/slow 86401", "Usage: /slow"),
        ("/emoteonly maybe", "Usage: /emoteonly"),
        ("/links sometimes", "Usage: /links"),
    ] {
        let said = answer(&mut admin, line).await;
        assert!(said.starts_with(says), "{line}: {said}");
    }

    // Slow mode: a second line too soon is refused with the wait; staff are exempt.
    assert_eq!(
        answer(&mut mo, "/slow 3").await,
        "Slow mode is on: one line per 3 s."
    );
    let rules = eve.expect("room rules").await;
    assert_eq!(
        rules,
        json!({"slow": 3, "emote_only": false, "links": "on", "chatmode": "all"})
    );
    reaches(&mut bob, &mut eve, "message received", "first").await;
    let posted = Instant::now();
    let wait = answer(&mut bob, "second").await;
    let waited = ["Slow mode: wait 3 s.", "Slow mode: wait 2 s."];
    assert!(waited.contains(&wait.as_str()), "{wait}");
    unheard(&mut admin, &mut eve, "second").await;
    for line in ["mod one", "mod two"] {
        reaches(&mut mo, &mut eve, "message received", line).await;
    }
    // A newcomer learns the mode with its login.
    let (mut late, _) = Chat::login(site.base(), "streamer", "late").await;
    assert_eq!(late.expect("room rules").await["slow"], 3);
    tokio::time::sleep(Duration::from_secs(3).saturating_sub(posted.elapsed())).await;
    reaches(&mut bob, &mut eve, "message received", "after the wait").await;
    assert_eq!(answer(&mut admin, "/slow off").await, "Slow mode is off.");
    assert_eq!(eve.expect("room rules").await["slow"], 0);

    // Emote-only: emoji and custom emotes only, for lines, actions and drawings alike.
    assert_eq!(
        answer(&mut mo, "/emoteonly on").await,
        "Emote-only mode is on."
    );
    assert_eq!(eve.expect("room rules").await["emote_only"], true);
    let emote_only = "Emote-only mode: only emoji and emotes may be posted.";
    refused(&mut bob, &mut admin, &mut eve, "hello", emote_only).await;
    refused(&mut bob, &mut admin, &mut eve, "/me waves", emote_only).await;
    bob.send("drawing", json!({"src": png_url(240, 120)})).await;
    assert_eq!(bob.expect("server").await["msg"], emote_only);
    reaches(&mut bob, &mut eve, "message received", "😄 🎉").await;
    bob.say(":smile:").await;
    assert_eq!(eve.expect("message received").await["message"], "😄");
    reaches(&mut mo, &mut eve, "message received", "staff may talk").await;
    assert_eq!(
        answer(&mut admin, "/emoteonly off").await,
        "Emote-only mode is off."
    );
    assert_eq!(eve.expect("room rules").await["emote_only"], false);

    // Links: off (only the streamer), mods, on.
    let link = "look https://example.org/page";
    assert_eq!(answer(&mut admin, "/links off").await, "Links are off.");
    assert_eq!(eve.expect("room rules").await["links"], "off");
    refused(
        &mut bob,
        &mut admin,
        &mut eve,
        link,
        "Links are not allowed here.",
    )
    .await;
    refused(
        &mut mo,
        &mut admin,
        &mut eve,
        "www.example.org",
        "Links are not allowed here.",
    )
    .await;
    reaches(&mut admin, &mut eve, "message received", link).await;
    assert_eq!(
        answer(&mut admin, "/links mods").await,
        "Only moderators may post links."
    );
    let mods_only = "Only moderators may post links here.";
    refused(&mut bob, &mut admin, &mut eve, link, mods_only).await;
    reaches(&mut mo, &mut eve, "message received", link).await;
    assert_eq!(
        answer(&mut admin, "/links on").await,
        "Everyone may post links."
    );
    reaches(&mut bob, &mut eve, "message received", link).await;

    assert_recorded(&site, &["slow", "emote_only", "links"]).await;
    let events = site.events("streamer").await;
    let slow = events
        .iter()
        .find(|(k, _)| k == "slow")
        .expect("slow recorded");
    assert_eq!(slow.1, json!({"seconds": 3, "by": "Mo"}));
}

#[tokio::test]
async fn filters_block_lines_for_everyone_and_refuse_bad_patterns() {
    let site = site().await;
    let (mut admin, mut mo, mut bob, mut eve) = cast(site.base()).await;
    let blocked = "Your message was blocked.";

    for (line, says) in [
        (
            "/filter add darn",
            "Filter 'darn' added to this room's filters.",
        ),
        (
            "/filter add /fo+bar/",
            "Filter '/fo+bar/' added to this room's filters.",
        ),
        ("/filter add DARN", "Filter 'darn' is already set."),
        ("/filter remove nope", "No filter 'nope' is set."),
        (
            "/filter add /a*/",
            "That regex matches an empty line, so it would block every line.",
        ),
    ] {
        assert_eq!(answer(&mut admin, line).await, says, "{line}");
    }
    for line in [
        "/filter",
        "/filter add",
        "/filter drop darn",
        "/filter list all",
    ] {
        let said = answer(&mut admin, line).await;
        assert!(
            said.starts_with("Usage: /filter add|remove"),
            "{line}: {said}"
        );
    }
    let bad = answer(&mut admin, "/filter add /(unclosed/").await;
    assert!(bad.starts_with("Invalid regex: "), "{bad}");
    let list = admin.command("/filter list").await;
    assert_eq!(
        list,
        ["Room filters: darn, /fo+bar/", "Site-wide filters: none"]
    );

    // Case-insensitive whole words; regexes anywhere; actions and the staff alike.
    for line in ["oh DARN it", "darn", "/me says darn!", "xxFOOOBARxx"] {
        refused(&mut bob, &mut admin, &mut eve, line, blocked).await;
    }
    refused(&mut mo, &mut admin, &mut eve, "Darn.", blocked).await;
    refused(&mut admin, &mut mo, &mut eve, "darn", blocked).await;
    for line in ["darnit", "undarn", "fobaz"] {
        reaches(&mut bob, &mut eve, "message received", line).await;
    }

    // A pattern that could stall matching is refused at once, and the room goes on meanwhile.
    let huge = format!("/filter add /{}/", "(a|aa)*".repeat(250));
    let started = Instant::now();
    admin.say(&huge).await;
    admin.say(r"/filter add /(\w{100}){100}/").await;
    reaches(&mut bob, &mut eve, "message received", "still talking").await;
    assert_eq!(
        admin.expect("server").await["msg"],
        "A filter is at most 200 bytes long."
    );
    let complex = admin.expect("server").await;
    assert_eq!(
        complex["msg"],
        "That regex is too complex (its compiled form is too big)."
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let list = admin.command("/filter list").await;
    assert_eq!(list[0], "Room filters: darn, /fo+bar/", "nothing changed");

    let removed = answer(&mut admin, "/filter remove DARN").await;
    assert_eq!(removed, "Filter 'darn' removed from this room's filters.");
    reaches(&mut bob, &mut eve, "message received", "darn it").await;
    assert_recorded(&site, &["filter_add", "filter_remove", "blocked"]).await;
    let events = site.events("streamer").await;
    let added = events.iter().find(|(k, _)| k == "filter_add").unwrap();
    assert_eq!(added.1, json!({"filter": "darn", "by": "Streamer"}));
}

#[tokio::test]
async fn the_pin_reaches_the_room_and_every_new_joiner() {
    let site = site().await;
    let (mut admin, mut mo, mut bob, mut eve) = cast(site.base()).await;
    assert!(answer(&mut mo, "/pin").await.starts_with("Usage: /pin"));
    assert_eq!(bob.command("/unpin").await, [UNKNOWN("/unpin")]);

    // A joiner before any pin gets none.
    let (mut early, _) = Chat::login(site.base(), "streamer", "early").await;
    admin.say("marker").await;
    let frames = early.drain(Duration::from_millis(300)).await;
    assert!(
        frames
            .iter()
            .all(|(e, _)| e != "pinned" && e != "room rules"),
        "{frames:?}"
    );

    assert_eq!(
        answer(&mut mo, "/pin Rules :smile: https://example.org").await,
        "Message pinned."
    );
    let pinned = json!({"message": "Rules 😄 https://example.org"});
    for c in [&mut admin, &mut bob, &mut eve] {
        assert_eq!(c.expect("pinned").await, pinned);
    }
    // Right after `login success` (and before any line of the room) a joiner gets the pin.
    let mut late = Chat::connect(site.base()).await;
    late.send(
        "login",
        rsstreaming_testkit::chat::login("streamer", "late"),
    )
    .await;
    let mut seen = Vec::new();
    loop {
        let (e, d) = late
            .next_within(Duration::from_secs(5))
            .await
            .expect("a frame");
        if e == "pinned" {
            assert_eq!(d, pinned);
            break;
        }
        assert!(
            e != "message received",
            "a line came before the pin: {seen:?}"
        );
        seen.push(e);
    }
    assert_eq!(
        seen.first().map(String::as_str),
        Some("login success"),
        "{seen:?}"
    );

    assert_eq!(answer(&mut admin, "/unpin").await, "Message unpinned.");
    assert_eq!(eve.expect("pinned").await, json!({"message": null}));
    let (mut after, _) = Chat::login(site.base(), "streamer", "after").await;
    admin.say("marker 2").await;
    let frames = after.drain(Duration::from_millis(300)).await;
    assert!(frames.iter().all(|(e, _)| e != "pinned"), "{frames:?}");
    assert_recorded(&site, &["pin"]).await;
}

#[tokio::test]
async fn rules_survive_a_restart_and_site_filters_come_from_the_cli() {
    let site = site().await;
    let (mut admin, _, mut bob, mut eve) = cast(site.base()).await;

    // A site-wide filter set by the CLI binds the running server within a second or so.
    let out = site.cli(&["streamer", "filter", "add", "--site", "/sp[a4]m/"]);
    assert!(out.contains("/sp[a4]m/"), "{out}");
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        bob.say("buy SP4M").await;
        match bob.next_within(Duration::from_secs(1)).await {
            Some((e, d)) if e == "server" && d["msg"] == "Your message was blocked." => break,
            _ => assert!(Instant::now() < deadline, "the site filter never bound"),
        }
    }
    let listed = site.cli(&["streamer", "filter", "list", "--site", "--json"]);
    assert_eq!(listed.trim(), r#"["/sp[a4]m/"]"#);
    site.cli(&[
        "streamer",
        "filter",
        "add",
        "--username",
        "streamer",
        "--filter",
        "heck",
    ]);
    let listed = site.cli(&["streamer", "filter", "list", "--username", "streamer"]);
    assert_eq!(listed.trim(), "heck");

    // CLI errors: one line, exit 1, nothing changed.
    let fails = |args: &[&str]| one_line_failure(&cli(&site.config, args));
    let cases: [(&[&str], &str); 4] = [
        (
            &["streamer", "filter", "add", "--site", "/(a/"],
            "Invalid regex",
        ),
        (
            &["streamer", "filter", "add", "--site", "/sp[a4]m/"],
            "is already set",
        ),
        (
            &[
                "streamer",
                "filter",
                "remove",
                "--username",
                "streamer",
                "nope",
            ],
            "No filter 'nope'",
        ),
        (
            &["streamer", "filter", "list", "--username", "nobody"],
            "unknown streamer",
        ),
    ];
    for (args, says) in cases {
        let err = fails(args);
        assert!(err.contains(says), "{args:?}: {err}");
    }

    answer(&mut admin, "/slow 30").await;
    answer(&mut admin, "/pin Be kind").await;
    eve.expect("pinned").await;

    // Another process on the same store (a restart) holds the same rules.
    let again = site.another_instance().await;
    let (mut newcomer, _) = Chat::login(again.base(), "streamer", "newcomer").await;
    assert_eq!(
        newcomer.expect("pinned").await,
        json!({"message": "Be kind"})
    );
    assert_eq!(newcomer.expect("room rules").await["slow"], 30);
    let (mut watcher, _) = Chat::login(again.base(), "streamer", "watcher").await;
    refused(
        &mut newcomer,
        &mut Chat::admin(again.base(), "streamer", KEY).await,
        &mut watcher,
        "what the heck",
        "Your message was blocked.",
    )
    .await;
    assert_eq!(
        newcomer.command("spam!").await,
        ["Your message was blocked."]
    );
}
