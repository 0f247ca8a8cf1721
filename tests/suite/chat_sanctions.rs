//! Sanctions through a running `rsstreaming serve` (SPEC §7): mutes with durations, timeouts
//! that end by themselves, kicks, bans by name and address (distinct callers through one
//! trusted proxy hop and `X-Forwarded-For`), `/bans`, a ban outliving its process, and the
//! CLI's `streamer ban`.

use crate::chat::{assert_recorded, KEY};
use rsstreaming_testkit::chat::login;
use rsstreaming_testkit::{Backend, Chat, Site};
use serde_json::Value;
use std::time::Duration;

/// A site behind one trusted proxy hop, so each chatter can come from an address of its own.
async fn site() -> Site {
    rsstreaming_site_tests::site()
        .proxy_hops(1)
        .streamer("Streamer", KEY)
        .start(Backend::Serve)
        .await
}

/// A chatter `name` logged in from `addr`.
async fn chatter(base: &str, addr: &str, name: &str) -> Chat {
    let mut c = Chat::from_addr(base, addr).await;
    c.log_in("streamer", name).await;
    c
}

/// The streamer, logged in with the key from `addr`.
async fn admin(base: &str, addr: &str) -> Chat {
    let mut c = Chat::from_addr(base, addr).await;
    let mut data = login("streamer", "Streamer");
    data["key"] = KEY.into();
    c.send("login", data).await;
    c.expect("login success").await;
    c.expect_msg("server", "admin rights").await;
    c
}

/// Sends each `line => reply` of `table` (one a line) and asserts that `reply` is the one
/// `server` line answering it.
async fn answers(c: &mut Chat, table: &str) {
    for row in table.lines().map(str::trim).filter(|r| !r.is_empty()) {
        let (line, reply) = row.split_once(" => ").expect("line => reply");
        assert_eq!(c.command(line).await, [reply], "{line}");
    }
}

/// Tries to log in as `name`; the `banned` data and the `error` that follow a refusal.
async fn refused(c: &mut Chat, name: &str) -> (Value, String) {
    c.send("login", login("streamer", name)).await;
    let banned = c.expect("banned").await;
    let error = c
        .expect_error()
        .await
        .as_str()
        .unwrap_or_default()
        .to_string();
    (banned, error)
}

#[tokio::test]
async fn mutes_timeouts_and_kicks_with_their_rank_rules() {
    let site = site().await;
    let base = site.base();
    let mut streamer = admin(base, "10.0.0.1").await;
    let mut mo = chatter(base, "10.0.0.2", "Mo").await;
    let mut bob = chatter(base, "10.0.0.3", "bob").await;
    let mut eve = chatter(base, "10.0.0.4", "eve").await;
    answers(
        &mut streamer,
        "/mod mo => User 'Mo' has been promoted to moderator.
        /mod eve => User 'eve' has been promoted to moderator.
        /ban streamer => User 'Streamer' cannot be banned.",
    )
    .await;
    mo.expect_msg("server", "You have been promoted").await;

    let help = mo.command("/help").await;
    for c in "/mute,/timeout,/unmute,/kick,/ban,/unban,/bans".split(',') {
        assert!(help.iter().any(|l| l.starts_with(c)), "{c} in {help:?}");
    }
    let unknown = |c: &str| format!("Unrecognized command '{c}', use '/help' for info.");
    for line in "/kick eve,/ban eve,/timeout eve 1m,/unban x,/bans".split(',') {
        let c = line.split(' ').next().unwrap();
        assert_eq!(bob.command(line).await, [unknown(c)], "{line}");
    }
    answers(
        &mut mo,
        "/kick streamer => User 'Streamer' cannot be kicked.
        /ban eve => User 'eve' cannot be banned.
        /timeout eve 1m => User 'eve' cannot be timed out.
        /kick nobody => Unrecognized user 'nobody'
        /timeout bob => Usage: /timeout <user> <duration>
        /mute bob soon => Invalid duration 'soon': use 30s, 10m, 2h, 7d or a number of seconds.
        /ban bob 400d => Invalid duration '400d': at most 365 days.
        /unban nobody => User 'nobody' is not banned.
        /bans => No bans or timeouts.
        /timeout bob 2s => User 'bob' has been timed out for 2 seconds.",
    )
    .await;

    // A timeout says how long, is listed, and ends by itself.
    let told = bob.expect_msg("server", "timed out").await;
    assert_eq!(told, "You have been timed out for 2 seconds.");
    assert_eq!(bob.command("hello").await, ["You are muted!"]);
    let listed = mo.command("/bans").await;
    let timed_out = listed[0].starts_with("bob timed out by Mo until ");
    assert!(listed.len() == 1 && timed_out, "{listed:?}");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    bob.say("free again").await;
    eve.expect_line("message received", "free again").await;
    answers(&mut mo, "/bans => No bans or timeouts.").await;

    // A mute for a while binds the identity: the same address under another name is muted too.
    answers(
        &mut mo,
        "/mute bob 10m => User 'bob' has been muted for 10 minutes.",
    )
    .await;
    bob.expect_msg("server", "You have been muted for 10 minutes.")
        .await;
    let mut alt = chatter(base, "10.0.0.3", "bobalt").await;
    assert_eq!(alt.command("sneaky").await, ["You are muted!"]);
    alt.close().await;
    answers(&mut mo, "/unmute bob => User 'bob' has been unmuted.").await;
    bob.expect_msg("server", "You have been unmuted.").await;
    bob.say("unmuted").await;
    eve.expect_line("message received", "unmuted").await;

    // A kick: told by whom, out of the room, and welcome back.
    answers(&mut mo, "/kick bob => User 'bob' has been kicked.").await;
    assert_eq!(bob.expect("kicked").await, serde_json::json!({"by": "Mo"}));
    assert_eq!(eve.expect("disconnected").await["username"], "bob");
    bob.say("still here?").await;
    assert_eq!(bob.expect_error().await, "You are not logged in.");
    bob.log_in("streamer", "bob").await;
    assert_eq!(eve.expect("connected").await["username"], "bob");

    assert_recorded(&site, &["mute", "unmute", "kick"]).await;
    let events = site.events("streamer").await;
    let timeout = events
        .iter()
        .find(|(k, m)| k == "mute" && !m["until"].is_null());
    let (_, meta) = timeout.expect("the timeout recorded with its end");
    assert_eq!(
        (&meta["username"], &meta["by"]),
        (&"bob".into(), &"Mo".into())
    );
}

#[tokio::test]
async fn a_ban_binds_the_name_and_the_address_until_lifted() {
    let site = site().await;
    let base = site.base();
    let mut mo = chatter(base, "10.0.0.2", "Mo").await;
    let mut streamer = admin(base, "10.0.0.1").await;
    streamer.command("/mod mo").await;
    mo.expect_msg("server", "You have been promoted").await;
    let mut bob = chatter(base, "10.0.0.3", "bob").await;
    let mut eve = chatter(base, "10.0.0.4", "eve").await;

    let said = mo.command("/ban bob 1h spamming links").await;
    let room_told = "User 'bob' has been banned.";
    assert_eq!(said, ["User 'bob' has been banned for 1 hour.", room_told]);
    streamer.expect_msg("server", room_told).await;
    let banned = bob.expect("banned").await;
    assert_eq!(banned["reason"], "spamming links");
    let until = banned["until"].as_i64().expect("until in unix ms");
    let in_an_hour = rsstreaming_shared::store::now_ms() + 3_600_000;
    assert!((in_an_hour - until).abs() < 60_000, "{banned}");
    assert_eq!(eve.expect("disconnected").await["username"], "bob");
    eve.expect_msg("server", "User 'bob' has been banned.")
        .await;

    // Not under that name (any case) from anywhere, nor from that address under any name.
    let (again, error) = refused(&mut bob, "bob").await;
    assert_eq!(again["reason"], "spamming links");
    assert!(
        error.starts_with("You are banned from this chat until "),
        "{error}"
    );
    refused(&mut Chat::from_addr(base, "10.0.0.9").await, "BOB").await;
    refused(&mut Chat::from_addr(base, "10.0.0.3").await, "robert").await;
    // Another address under another name is welcome.
    chatter(base, "10.0.0.8", "carol").await;

    let listed = mo.command("/bans").await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let line = &listed[0];
    assert!(
        line.starts_with("bob banned by Mo until ") && line.ends_with(": spamming links"),
        "{line}"
    );

    // A ban without a duration lasts until lifted; lifting it lets the name and address back.
    answers(
        &mut streamer,
        "/unban Bob => User 'Bob' has been unbanned.
        /unban bob => User 'bob' is not banned.",
    )
    .await;
    chatter(base, "10.0.0.3", "bob").await;
    let mut dan = chatter(base, "10.0.0.5", "dan").await;
    let said = streamer.command("/ban dan").await;
    assert_eq!(said[0], "User 'dan' has been banned until lifted.");
    assert_eq!(
        dan.expect("banned").await,
        serde_json::json!({"reason": null, "until": null})
    );

    // The ban outlives the process: a new one on the same store refuses dan too.
    let restarted = site.another_instance().await;
    let (_, error) = refused(
        &mut Chat::from_addr(restarted.base(), "10.0.0.5").await,
        "dan",
    )
    .await;
    assert_eq!(
        error,
        "You are banned from this chat until the ban is lifted."
    );
    chatter(restarted.base(), "10.0.0.6", "frank").await;

    assert_recorded(&site, &["ban", "unban"]).await;
    let events = site.events("streamer").await;
    let (_, meta) = events.iter().find(|(k, _)| k == "ban").unwrap();
    assert_eq!(
        (&meta["username"], &meta["by"]),
        (&"bob".into(), &"Mo".into())
    );
    assert_eq!(
        (&meta["until"], &meta["reason"]),
        (&until.into(), &"spamming links".into())
    );
}

#[tokio::test]
async fn the_cli_bans_lists_and_lifts_like_the_chat() {
    use rsstreaming_testkit::cli::{cli, one_line_failure};
    let site = site().await;
    let base = site.base();
    let mut bob = chatter(base, "10.0.0.3", "bob").await;
    let ban = |extra: &[&str]| {
        let mut args = vec!["streamer", "ban", "add", "--username", "streamer"];
        args.extend_from_slice(extra);
        cli(&site.config, &args)
    };
    for (args, error) in [
        (
            &["--name", "bob", "--duration", "soon"][..],
            "Invalid duration 'soon'",
        ),
        (
            &["--name", "STREAMER"][..],
            "User 'STREAMER' cannot be banned.",
        ),
        (&["--name", " "][..], "A username to ban is required."),
    ] {
        let line = one_line_failure(&ban(args));
        assert!(line.contains(error), "{args:?}: {line}");
    }
    let list = [
        "streamer",
        "ban",
        "list",
        "--username",
        "streamer",
        "--json",
    ];
    assert_eq!(site.cli(&list).trim(), "[]");

    // A ban of a chatter in the chat (no Redis here: through the outbox) sends it away.
    let added = ban(&["--name", "Bob", "--duration", "7d", "--reason", "spam"]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let banned = bob.expect("banned").await;
    assert_eq!(banned["reason"], "spam");
    let listed: Value = serde_json::from_str(&site.cli(&list)).unwrap();
    assert_eq!(
        (&listed[0]["username"], &listed[0]["by"]),
        (&"Bob".into(), &"Streamer".into())
    );
    assert_eq!(listed[0]["until"], banned["until"]);
    let table = site.cli(&list[..5]);
    assert!(table.contains("Bob") && table.contains("spam"), "{table}");
    refused(&mut Chat::from_addr(base, "10.0.0.9").await, "bob").await;

    let remove = [
        "streamer",
        "ban",
        "remove",
        "--username",
        "streamer",
        "--name",
        "bob",
    ];
    site.cli(&remove);
    let line = one_line_failure(&cli(&site.config, &remove));
    assert!(line.contains("User 'bob' is not banned."), "{line}");
    // The single process learns of it from the outbox within a second.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        bob.send("login", login("streamer", "bob")).await;
        let either = |e: &str, _: &Value| e == "login success" || e == "error";
        if bob.expect_where("an answer to login", either).await["msg"].is_null() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still banned after 3 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
