//! Registered chat names (SPEC §8) through a running `rsstreaming serve`: `/register`, the
//! password at login (its case and look-alike variants too), its guess budget per caller,
//! streamers' names, renames onto a registered name, `/unregister`, the moderator rank that
//! lasts for a registered name, `/chatmode registered|all`, and all of it after a restart.
//! Across instances on Redis + MariaDB: `chat_cluster` (site tests).

use crate::chat::{assert_recorded, KEY};
use rsstreaming_testkit::chat::login;
use rsstreaming_testkit::cli::{cli, one_line_failure};
use rsstreaming_testkit::{png_url, Backend, Chat, Site};
use serde_json::{json, Value};
use std::time::Duration;

const PASSWORD: &str = "correct horse battery";

async fn site() -> Site {
    rsstreaming_site_tests::site()
        .streamers(&[("Streamer", KEY), ("Other", "otherkey-0123456789")])
        .proxy_hops(1)
        .start(Backend::Serve)
        .await
}

/// A site, its streamer, and `name`, who has just registered its name.
async fn cast(name: &str) -> (Site, Chat, Chat) {
    let site = site().await;
    let admin = Chat::admin(site.base(), "streamer", KEY).await;
    let (mut c, _) = Chat::login(site.base(), "streamer", name).await;
    c.command(&format!("/register {PASSWORD}")).await;
    (site, admin, c)
}

/// `login` as `name` with `password` (none: without one) on a fresh socket from `addr`; the
/// socket and the first answer (`login success`, `login password required` or `error`).
async fn try_login(
    base: &str,
    addr: &str,
    name: &str,
    password: Option<&str>,
) -> (Chat, String, Value) {
    let mut c = Chat::from_addr(base, addr).await;
    let answer = attempt(&mut c, name, password).await;
    (c, answer.0, answer.1)
}

/// Sends one `login` on `c`; the answering event and its data.
async fn attempt(c: &mut Chat, name: &str, password: Option<&str>) -> (String, Value) {
    let mut data = login("streamer", name);
    if let Some(p) = password {
        data["password"] = p.into();
    }
    c.send("login", data).await;
    let wanted = ["login success", "login password required", "error"];
    loop {
        match c.next_within(Duration::from_secs(5)).await {
            Some((event, got)) if wanted.contains(&event.as_str()) => return (event, got),
            Some(_) => continue,
            None => panic!("no answer to logging in as {name}"),
        }
    }
}

/// The registered `name` logs in (and out) again with the rank `kind`.
async fn rejoins_as(base: &str, name: &str, kind: &str) {
    let (c, joined) = registered(base, "198.51.100.5", name).await;
    assert_eq!(joined["type"], kind, "{joined}");
    c.close().await;
}

/// Each line `c` says gets its one answer.
async fn answers(c: &mut Chat, table: &[(&str, &str)]) {
    for (line, answer) in table {
        assert_eq!(c.command(line).await, [*answer], "{line}");
    }
}

/// Logs `name` in with its password from `addr`.
async fn registered(base: &str, addr: &str, name: &str) -> (Chat, Value) {
    let (c, event, got) = try_login(base, addr, name, Some(PASSWORD)).await;
    assert_eq!(event, "login success", "{got}");
    (c, got)
}

#[tokio::test]
async fn a_registered_name_needs_its_password_everywhere_and_after_a_restart() {
    let site = site().await;
    let base = site.base();
    let (mut bob, _) = Chat::login(base, "streamer", "bob").await;
    for (typed, says) in [
        ("/register", "Usage: /register <password>"),
        (
            "/register short",
            "The password must be 8 to 128 bytes long.",
        ),
        (
            &format!("/register {}", "x".repeat(129)),
            "The password must be 8 to 128 bytes long.",
        ),
        (
            "/unregister",
            "You are not logged in under a registered name",
        ),
    ] {
        let said = bob.command(typed).await;
        assert!(said[0].starts_with(says), "{typed}: {said:?}");
    }
    let said = bob.command(&format!("/register {PASSWORD}")).await;
    assert_eq!(
        said,
        ["The name 'bob' is registered: logging in under it now needs its password."]
    );
    let said = bob.command("/register another password").await;
    assert_eq!(said, ["The name 'bob' is already registered."]);

    // Its case and look-alike variants (a Cyrillic о) need the password as well.
    for variant in ["bob", "BOB", "bоb"] {
        let (_c, event, got) = try_login(base, "198.51.100.1", variant, None).await;
        assert_eq!(event, "login password required", "{variant}: {got}");
        assert_eq!(got, json!({"username": variant}));
    }
    let (mut c, event, got) = try_login(base, "198.51.100.1", "Bob", Some("wrong password")).await;
    assert_eq!(
        (event.as_str(), got["msg"].as_str()),
        ("error", Some("Invalid password!"))
    );
    // Refused, the socket may try again; the right password while bob is here: the name is taken.
    let (event, got) = attempt(&mut c, "Bob", Some(PASSWORD)).await;
    assert_eq!(
        (event.as_str(), got["msg"].as_str()),
        ("error", Some("Username is already taken"))
    );

    // Nobody renames onto it; a streamer's name (any streamer's) is not registered.
    let (mut carol, _) = Chat::login(base, "streamer", "carol").await;
    bob.close().await;
    assert_eq!(carol.expect("disconnected").await["username"], "bob");
    let said = carol.command("/name Bob").await;
    assert_eq!(
        said,
        ["The name 'Bob' is registered: only a login with its password may use it."]
    );
    let (mut other, _) = Chat::login(base, "streamer", "other").await;
    let said = other.command(&format!("/register {PASSWORD}")).await;
    assert_eq!(
        said,
        ["The name 'other' is a streamer's name and cannot be registered."]
    );
    let mut admin = Chat::admin(base, "streamer", KEY).await;
    let said = admin.command(&format!("/register {PASSWORD}")).await;
    assert_eq!(
        said,
        ["The name 'Streamer' is a streamer's name and cannot be registered."]
    );

    let (mut bob, joined) = registered(base, "198.51.100.2", "bob").await;
    assert_eq!(joined["type"], "normal");
    bob.say("hello").await;
    bob.expect_line("message received", "hello").await;
    assert_recorded(&site, &["register"]).await;

    // Another process on the same store (a restart) asks for it too.
    let again = site.another_instance().await;
    let (_c, event, _) = try_login(again.base(), "198.51.100.3", "bob", None).await;
    assert_eq!(event, "login password required");
    bob.close().await;
    let (mut bob, _) = registered(again.base(), "198.51.100.3", "BOB").await;

    // Unregistered, the name is free again.
    let said = bob.command("/unregister").await;
    assert_eq!(said, ["The name 'BOB' is no longer registered."]);
    bob.close().await;
    let (_c, event, _) = try_login(base, "198.51.100.4", "bob", None).await;
    assert_eq!(event, "login success");
    assert_recorded(&site, &["unregister"]).await;
}

#[tokio::test]
async fn password_guesses_are_budgeted_per_caller_even_for_the_right_one() {
    let site = site().await;
    let base = site.base();
    let (mut dave, _) = Chat::login(base, "streamer", "dave").await;
    dave.command(&format!("/register {PASSWORD}")).await;
    dave.close().await;

    let mut guesser = Chat::from_addr(base, "203.0.113.9").await;
    for n in 0..20 {
        let (event, got) = attempt(&mut guesser, "dave", Some(&format!("guess number {n}"))).await;
        assert_eq!(
            (event.as_str(), got["msg"].as_str()),
            ("error", Some("Invalid password!")),
            "{n}"
        );
    }
    let (event, got) = attempt(&mut guesser, "dave", Some(PASSWORD)).await;
    let msg = got["msg"].as_str().unwrap_or_default();
    assert_eq!(event, "error");
    assert!(msg.starts_with("Too many attempts, try again in "), "{msg}");
    // Another caller is not spent by it.
    registered(base, "203.0.113.10", "dave").await;
}

#[tokio::test]
async fn a_registered_name_keeps_its_moderator_rank_in_the_room() {
    let (site, mut admin, mut mo) = cast("Mo").await;
    let base = site.base();
    let (mut tim, _) = Chat::login(base, "streamer", "tim").await;
    for name in ["mo", "tim"] {
        admin.command(&format!("/mod {name}")).await;
    }
    mo.expect_msg("server", "promoted").await;
    tim.expect_msg("server", "promoted").await;
    mo.close().await;
    tim.close().await;

    let (mut mo, joined) = registered(base, "198.51.100.5", "mo").await;
    assert_eq!(joined["type"], "moderator", "{joined}");
    assert_eq!(
        mo.command("/slow 5").await,
        ["Slow mode is on: one line per 5 s."]
    );
    // An unregistered name's rank was for that session only.
    let (_tim, joined) = Chat::login(base, "streamer", "tim").await;
    assert_eq!(joined["type"], "normal");

    admin.command("/demod mo").await;
    mo.expect_msg("server", "demoted").await;
    mo.close().await;
    rejoins_as(base, "mo", "normal").await;

    // Away, a registered name's rank is given and taken all the same; anyone else is unknown.
    let granted = [
        ("/mod nobody", "Unrecognized user 'nobody'"),
        ("/mod MO", "User 'Mo' has been promoted to moderator."),
        ("/mod mo", "User 'Mo' is already a moderator."),
    ];
    answers(&mut admin, &granted).await;
    rejoins_as(base, "mo", "moderator").await;
    admin
        .expect_where("Mo leaving", |e, d| {
            e == "disconnected" && d["username"] == "mo"
        })
        .await;
    let taken = [
        ("/demod mo", "User 'Mo' has been demoted from moderator."),
        ("/demod mo", "User 'Mo' is not a moderator."),
    ];
    answers(&mut admin, &taken).await;
    rejoins_as(base, "mo", "normal").await;

    // The operator lists and removes registered names; a removed one needs no password.
    assert!(site.cli(&["names", "list"]).starts_with("Mo  registered "));
    let fails = |args: &[&str]| one_line_failure(&cli(&site.config, args));
    assert!(fails(&["names", "remove", "--name", "nobody"]).contains("no registered name 'nobody'"));
    let out = site.cli(&["names", "remove", "--name", "MO"]);
    assert_eq!(out.trim(), "removed registered name Mo");
    let (_mo, event, joined) = try_login(base, "198.51.100.5", "mo", None).await;
    assert_eq!(
        (event.as_str(), &joined["type"]),
        ("login success", &json!("normal"))
    );
}

#[tokio::test]
async fn chatmode_registered_lets_only_registered_names_and_staff_post() {
    let (site, mut admin, mut reg) = cast("reggie").await;
    let base = site.base();
    let (mut eve, _) = Chat::login(base, "streamer", "eve").await;
    assert_eq!(
        eve.command("/chatmode registered").await,
        ["Unrecognized command '/chatmode', use '/help' for info."]
    );
    let set = [
        ("/chatmode some", "Usage: /chatmode registered|all"),
        (
            "/chatmode registered",
            "Only registered names may chat now.",
        ),
    ];
    answers(&mut admin, &set).await;
    let rules = eve.expect("room rules").await;
    assert_eq!(rules["chatmode"], "registered", "{rules}");

    let refusal =
        "Only registered names may chat here: use /register <password> to register yours.";
    assert_eq!(eve.command("hi all").await, [refusal]);
    assert_eq!(eve.command("/me waves").await, [refusal]);
    eve.send("drawing", json!({"src": png_url(240, 120)})).await;
    assert_eq!(eve.expect("server").await["msg"], refusal);
    reg.say("registered hello").await;
    eve.expect_line("message received", "registered hello")
        .await;
    admin.say("streamer hello").await;
    eve.expect_line("message received", "streamer hello").await;

    // A joiner learns the mode; `/help` lists the commands.
    let (mut late, _) = Chat::login(base, "streamer", "late").await;
    assert_eq!(late.expect("room rules").await["chatmode"], "registered");
    let help = late.command("/help").await;
    assert!(
        help.iter().any(|l| l.starts_with("/register <password>")),
        "{help:?}"
    );
    assert!(!help.iter().any(|l| l.starts_with("/chatmode")), "{help:?}");
    assert!(admin
        .command("/help")
        .await
        .iter()
        .any(|l| l.starts_with("/chatmode")));

    assert_eq!(
        admin.command("/chatmode all").await,
        ["Everyone may chat now."]
    );
    eve.say("free again").await;
    reg.expect_line("message received", "free again").await;
    assert_recorded(&site, &["chatmode"]).await;
}
