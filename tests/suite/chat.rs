//! The chat gateway through a running `rsstreaming serve` (one process, in-process state):
//! the protocol, login rules, every command and permission, delivery from the API and the CLI,
//! emotes, presence, audit, and bad input of every kind.

use crate::chat_client::{Chat, WAIT};
use crate::common::TestDb;
use crate::http::{write_stream, Site};
use serde_json::{json, Value};
use std::time::Duration;

const KEY: &str = "streamkey-0123456789";

pub async fn site() -> Site {
    Site::start(TestDb::sqlite(), "", &[], &[("Streamer", KEY)]).await
}

fn names(users: &Value) -> Vec<String> {
    let mut v: Vec<String> = users
        .as_array()
        .expect("users list")
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn login_roster_deltas_and_messages() {
    let site = site().await;
    let base = &site.server.base;
    let (mut alice, first) = Chat::login(base, "streamer", "Alice").await;
    assert_eq!(first["username"], "Alice");
    assert_eq!(first["type"], "normal");
    assert_eq!(first["color"], "#ff0000");
    assert_eq!(names(&first["users"]), ["Alice"]);

    let (mut bob, second) = Chat::login(base, "STREAMER", "bob").await;
    assert_eq!(names(&second["users"]), ["Alice", "bob"]);
    let joined = alice.expect("connected").await;
    assert_eq!(
        joined,
        json!({"username": "bob", "type": "normal", "color": "#ff0000"})
    );

    bob.say("hello :smile: :nosuchemoji:").await;
    for c in [&mut alice, &mut bob] {
        let m = c.expect("message received").await;
        assert_eq!(
            m,
            json!({"username": "bob", "type": "normal", "color": "#ff0000", "message": "hello 😄 :nosuchemoji:"})
        );
    }
    alice.say("/me waves").await;
    assert_eq!(bob.expect("action received").await["message"], "waves");

    alice.send("get color", json!({})).await;
    assert_eq!(
        alice.expect("return color").await,
        json!({"color": "#ff0000"})
    );

    bob.close().await;
    let left = alice.expect("disconnected").await;
    assert_eq!(left["username"], "bob");

    // Everything is in the audit log, and the API reads the lines back.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let kinds: Vec<String> = site
        .events("streamer")
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for k in ["join", "message", "action", "leave"] {
        assert!(kinds.contains(&k.to_string()), "{k} missing from {kinds:?}");
    }
    let lines: Value = site
        .http
        .get(site.url("/api/messages"))
        .basic_auth("streamer", Some(KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let texts: Vec<&str> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["hello 😄 :nosuchemoji:", "waves"]);
    assert_eq!(lines[0]["name"], "bob");
    assert_eq!(lines[1]["type"], "action");
}

#[tokio::test]
async fn login_rules() {
    let site = site().await;
    let base = &site.server.base;
    let (_alice, _) = Chat::login(base, "streamer", "Alice").await;
    let mut c = Chat::connect(base).await;
    let login = |name: &str| json!({"streamer": "streamer", "username": name, "color": "red"});
    for (name, err) in [
        ("   ", "Username cannot be blank"),
        ("abcdefghijklmnopqrstu", "Username cannot be that long"),
        ("ALICE", "Username is already taken"),
    ] {
        c.send("login", login(name)).await;
        assert_eq!(c.expect("error").await["msg"], err, "{name:?}");
    }
    // An emoji counts as one character.
    c.send(
        "login",
        json!({"streamer": "nobody", "username": "x", "color": "red"}),
    )
    .await;
    assert_eq!(c.expect("error").await["msg"], "Streamer does not exist");
    c.send("login", login("streamer")).await;
    assert_eq!(
        c.expect("login key required").await,
        json!({"username": "Streamer"})
    );
    c.send(
        "login",
        json!({"streamer": "streamer", "username": "Streamer", "color": "red", "key": "wrong"}),
    )
    .await;
    assert_eq!(c.expect("error").await["msg"], "Invalid password!");
    c.say("hi").await;
    assert_eq!(c.expect("error").await["msg"], "You are not logged in.");
    c.send(
        "login",
        json!({"streamer": "streamer", "username": "streamer", "color": "nonsense", "key": KEY}),
    )
    .await;
    let ok = c.expect("login success").await;
    assert_eq!(
        (ok["username"].as_str(), ok["type"].as_str()),
        (Some("Streamer"), Some("admin"))
    );
    assert!(ok["color"].as_str().unwrap().starts_with('#'));
    assert_eq!(c.expect("server").await["msg"], "You have admin rights.");
    c.say("   ").await;
    assert_eq!(c.expect("warning").await["msg"], "Message cannot be blank");
    c.send("login", login("again")).await;
    assert_eq!(c.expect("error").await["msg"], "You are already logged in.");

    let mut d = Chat::connect(base).await;
    d.send("login", login(&format!("{}:smile:", "a".repeat(19))))
        .await;
    assert_eq!(
        d.expect("login success").await["username"],
        format!("{}:smile:", "a".repeat(19))
    );
}

#[tokio::test]
async fn every_command_with_its_permissions() {
    let site = site().await;
    let base = &site.server.base;
    let mut admin = Chat::admin(base, "streamer", KEY).await;
    let (mut mo, _) = Chat::login(base, "streamer", "Mo").await;
    let (mut bob, _) = Chat::login(base, "streamer", "bob").await;
    let (mut eve, _) = Chat::login(base, "streamer", "eve").await;

    // /help only lists what one may use.
    let help = bob.command("/help").await;
    assert!(
        help.iter().any(|l| l.starts_with("/me")) && !help.iter().any(|l| l.starts_with("/mute"))
    );
    assert!(admin
        .command("/help")
        .await
        .iter()
        .any(|l| l.starts_with("/settings")));

    // Above one's rank reads like an unknown command.
    let unknown = |c: &str| format!("Unrecognized command '{c}', use '/help' for info.");
    assert_eq!(bob.command("/mute eve").await, [unknown("/mute")]);
    assert_eq!(bob.command("/bogus").await, [unknown("/bogus")]);

    // /mod: the target is told and the room sees the retype.
    assert_eq!(
        admin.command("/mod mo").await[0],
        "User 'Mo' has been promoted to moderator."
    );
    assert_eq!(
        mo.expect_msg("server", "promoted").await,
        "You have been promoted to moderator."
    );
    assert_eq!(
        bob.expect("retype").await,
        json!({"username": "Mo", "type": "moderator"})
    );
    assert_eq!(mo.command("/mod bob").await, [unknown("/mod")]);

    // Mute binds; admins can't be muted; moderators can't act on moderators.
    assert_eq!(
        mo.command("/mute bob").await[0],
        "User 'bob' has been muted."
    );
    assert_eq!(
        bob.expect_msg("server", "muted").await,
        "You have been muted."
    );
    for line in ["hello", "/me x", "/color blue", "/name robert", "/say hi"] {
        assert_eq!(bob.command(line).await, ["You are muted!"], "{line}");
    }
    bob.send("drawing", json!({"src": "data:image/png;base64,AAAA"}))
        .await;
    assert_eq!(bob.expect("server").await["msg"], "You are muted!");
    assert_eq!(
        mo.command("/mute streamer").await,
        ["User 'Streamer' cannot be muted."]
    );
    assert_eq!(
        admin.command("/mod eve").await[0],
        "User 'eve' has been promoted to moderator."
    );
    eve.expect_msg("server", "promoted").await;
    assert_eq!(
        mo.command("/mute eve").await,
        ["User 'eve' cannot be muted."]
    );
    assert_eq!(
        mo.command("/rename eve x").await,
        ["User 'eve' cannot be renamed."]
    );
    assert_eq!(
        mo.command("/unmute bob").await[0],
        "User 'bob' has been unmuted."
    );
    bob.expect_msg("server", "unmuted").await;
    bob.say("free").await;
    assert_eq!(eve.expect("message received").await["message"], "free");

    // /color: recolor to the room, return color to the sender.
    bob.say("/color lime").await;
    assert_eq!(
        bob.expect("return color").await,
        json!({"color": "#00ff00"})
    );
    assert_eq!(
        eve.expect("recolor").await,
        json!({"username": "bob", "type": "normal", "color": "#00ff00"})
    );
    assert!(bob.command("/color nope").await[0].starts_with("Invalid color 'nope'"));

    // /name and /rename.
    bob.say("/nick Robert").await;
    let r = eve.expect("rename").await;
    assert_eq!(
        (r["oldname"].as_str(), r["newname"].as_str()),
        (Some("bob"), Some("Robert"))
    );
    assert_eq!(
        bob.command("/name eve").await,
        ["Name has already been taken, try a different name."]
    );
    mo.say("/rename robert Bobby").await;
    assert_eq!(bob.expect("rename").await["newname"], "Bobby");
    assert_eq!(
        mo.command("/rename streamer x").await,
        ["User 'Streamer' cannot be renamed."]
    );

    // /users
    bob.say("/users").await;
    assert_eq!(
        names(&bob.expect("userlist").await["users"]),
        ["Bobby", "Mo", "Streamer", "eve"]
    );

    // Themes (three configured by default).
    bob.say("/theme dark").await;
    assert_eq!(bob.expect("change theme").await, json!({"theme": "dark"}));
    assert_eq!(
        bob.command("/themes").await,
        ["Available themes: default, dark, light"]
    );

    // /demod
    assert_eq!(
        admin.command("/demod eve").await[0],
        "User 'eve' has been demoted from moderator."
    );
    assert_eq!(
        eve.expect_msg("server", "demoted").await,
        "You have been demoted from moderator."
    );

    // Streamer settings: stored, shown, and the room told of a password.
    assert_eq!(
        admin.command("/description Speedrun :tada:").await,
        ["Stream description updated!"]
    );
    admin.say("/password hunter2").await;
    assert_eq!(
        admin.expect("password set").await,
        json!({"password": "hunter2"})
    );
    assert_eq!(
        bob.expect("password activated").await,
        json!({"username": "streamer"})
    );
    assert_eq!(
        admin.command("/chat hidden").await,
        ["Chat now starts hidden for new viewers."]
    );
    assert_eq!(
        admin.command("/settings").await,
        [
            "Description: Speedrun 🎉",
            "Stream password: hunter2",
            "Chat: hidden"
        ]
    );
    admin.say("/password").await;
    assert_eq!(
        bob.expect("password deactivated").await["username"],
        "streamer"
    );
    let store = rsstreaming_shared::Store::connect(&site.db.url)
        .await
        .unwrap();
    let s = store.streamer("streamer").await.unwrap().unwrap();
    assert_eq!(
        (s.description.as_str(), s.streampass, s.chat.as_str()),
        ("Speedrun 🎉", None, "hidden")
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    let kinds: Vec<String> = site
        .events("streamer")
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for k in [
        "mod",
        "demod",
        "mute",
        "unmute",
        "rename",
        "recolor",
        "description",
        "password",
        "chat_setting",
    ] {
        assert!(kinds.contains(&k.to_string()), "{k} missing from {kinds:?}");
    }
}

#[tokio::test]
async fn bad_input_changes_nothing() {
    let site = site().await;
    let base = &site.server.base;
    let (mut a, _) = Chat::login(base, "streamer", "a").await;
    for raw in [
        "not json",
        "{}",
        "[1,2]",
        r#"{"event":"message","data":5}"#,
        r#"{"event":"nope","data":{}}"#,
        r#"{"event":"login","data":{"streamer":1}}"#,
    ] {
        a.send_raw(raw).await;
        assert!(a.expect("error").await["msg"].is_string(), "{raw}");
    }
    futures_util::SinkExt::send(
        &mut a.ws,
        tokio_tungstenite::tungstenite::Message::Binary(vec![1, 2, 3].into()),
    )
    .await
    .unwrap();
    a.expect("error").await;
    // A bogus drawing is refused; a real one goes to the room.
    for src in [
        "data:image/png;base64,AAAA",
        "javascript:alert(1)",
        &crate::chat_cluster::png_url(230, 120),
    ] {
        a.send("drawing", json!({"src": src})).await;
        assert_eq!(a.expect("server").await["msg"], "Invalid drawing received!");
    }
    let good = crate::chat_cluster::png_url(240, 120);
    a.send("drawing", json!({"src": good})).await;
    let d = a.expect("drawing received").await;
    assert_eq!(
        (d["username"].as_str(), d["src"].as_str()),
        (Some("a"), Some(good.as_str()))
    );
    // Still fine after all that.
    a.say("still here").await;
    a.expect("message received").await;

    // An oversize frame closes that socket (1009) and nothing else.
    let mut big = Chat::connect(base).await;
    big.send_raw(&format!(
        r#"{{"event":"message","data":{{"message":"{}"}}}}"#,
        "x".repeat(400_000)
    ))
    .await;
    let mut closed = false;
    while let Ok(Some(m)) =
        tokio::time::timeout(WAIT, futures_util::StreamExt::next(&mut big.ws)).await
    {
        match m {
            Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f))) => {
                assert_eq!(u16::from(f.code), 1009);
                closed = true;
                break;
            }
            Err(_) => {
                closed = true;
                break;
            }
            _ => {}
        }
    }
    assert!(closed, "an oversize frame must close the socket");
    a.say("unaffected").await;
    a.expect("message received").await;
    assert!(site.server.log().lines().all(|l| !l.contains("panicked")));
}

#[tokio::test]
async fn flood_control_slows_the_sender_only() {
    let site = site().await;
    let base = &site.server.base;
    let (mut flood, _) = Chat::login(base, "streamer", "flood").await;
    let (mut calm, _) = Chat::login(base, "streamer", "calm").await;
    for i in 0..40 {
        flood.say(&format!("spam {i}")).await;
    }
    let frames = flood.drain(Duration::from_millis(1500)).await;
    assert!(
        frames
            .iter()
            .any(|(e, d)| e == "warning" && d["msg"].as_str().unwrap().contains("slow down")),
        "{frames:?}"
    );
    let got = frames
        .iter()
        .filter(|(e, _)| e == "message received")
        .count();
    assert!((5..40).contains(&got), "{got} of 40 went through");
    calm.drain(Duration::from_millis(200)).await;
    calm.say("my turn").await;
    let m = calm.expect("message received").await;
    assert_eq!(m["message"], "my turn");
}

#[tokio::test]
async fn api_and_cli_messages_reach_the_chat() {
    let site = site().await;
    let base = &site.server.base;
    let (mut viewer, _) = Chat::login(base, "streamer", "viewer").await;
    let post = |body: Value| {
        site.http
            .post(site.url("/api/messages"))
            .basic_auth("streamer", Some(KEY))
            .json(&body)
            .send()
    };
    // The streamer is not in the chat: their username and the default color.
    assert_eq!(
        post(json!({"message": "from the api :wave:"}))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        viewer.expect("message received").await,
        json!({"username": "Streamer", "type": "admin", "color": "#000000", "message": "from the api 👋"})
    );
    // Logged in: their chat name and color.
    let mut admin = Chat::admin(base, "streamer", KEY).await;
    admin.say("/nick Boss").await;
    admin.say("/color #abcdef").await;
    admin.expect("return color").await;
    post(json!({"type": "action", "message": "dances"}))
        .await
        .unwrap();
    let a = viewer.expect("action received").await;
    assert_eq!(
        (a["username"].as_str(), a["color"].as_str()),
        (Some("Boss"), Some("#abcdef"))
    );
    post(json!({"type": "server", "message": "Stream starts soon"}))
        .await
        .unwrap();
    assert_eq!(
        viewer.expect_msg("server", "starts soon").await,
        "Stream starts soon"
    );

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
    assert_eq!(
        (m["username"].as_str(), m["message"].as_str()),
        (Some("Boss"), Some("from the cli"))
    );
    site.cli(&[
        "message",
        "send",
        "--username",
        "streamer",
        "--type",
        "server",
        "--message",
        "cli broadcast",
    ]);
    viewer.expect_msg("server", "cli broadcast").await;
    let lines = site.events("streamer").await;
    assert!(lines
        .iter()
        .any(|(k, m)| k == "message" && m["message"] == "from the cli"));
    assert!(lines
        .iter()
        .any(|(k, m)| k == "broadcast" && m["message"] == "cli broadcast"));
}

#[tokio::test]
async fn an_api_password_change_reaches_the_room() {
    let site = site().await;
    let (mut viewer, _) = Chat::login(&site.server.base, "streamer", "viewer").await;
    let patch = |body: Value| {
        site.http
            .patch(site.url("/api/info"))
            .basic_auth("streamer", Some(KEY))
            .json(&body)
            .send()
    };
    assert_eq!(
        patch(json!({"streampass": "letmein"}))
            .await
            .unwrap()
            .status(),
        200
    );
    let on = viewer.expect("password activated").await;
    assert_eq!(on, json!({"username": "streamer"}));
    assert!(
        !on.to_string().contains("letmein"),
        "the room never sees the password"
    );
    assert_eq!(
        patch(json!({"streampass": null})).await.unwrap().status(),
        200
    );
    let off = viewer.expect("password deactivated").await;
    assert_eq!(off["username"], "streamer");
}

#[tokio::test]
async fn a_protected_stream_s_chat_needs_the_viewer_pass() {
    let site = site().await;
    let base = &site.server.base;
    site.cli(&[
        "streamer",
        "password",
        "--username",
        "streamer",
        "--password",
        "pw",
    ]);
    let login = json!({"streamer": "streamer", "username": "viewer", "color": "red"});
    let mut outsider = Chat::connect(base).await;
    outsider.send("login", login.clone()).await;
    assert!(outsider
        .expect_msg("error", "password-protected")
        .await
        .contains("password"));
    let mut forged = Chat::connect_with_cookie(base, "pass_streamer=forged").await;
    forged.send("login", login.clone()).await;
    forged.expect_msg("error", "password-protected").await;

    // The password page's cookie lets the viewer in.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirects
        .post(site.url("/streamer/password"))
        .form(&[("streampass", "pw")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap().to_string();
    let mut viewer = Chat::connect_with_cookie(base, &pair).await;
    viewer.send("login", login).await;
    viewer.expect("login success").await;
    // The streamer needs no pass: the key proves more.
    Chat::admin(base, "streamer", KEY).await;
}

#[tokio::test]
async fn emote_changes_reach_open_pages() {
    let site = site().await;
    let base = &site.server.base;
    let mut page = Chat::connect(base).await;
    page.send("presence", json!({"streamer": "streamer"})).await;
    site.cli(&[
        "emote",
        "add",
        "--alias",
        "kappa",
        "--uri",
        "/static/kappa.png",
    ]);
    assert_eq!(
        page.expect("add emote").await,
        json!({"key": ":kappa:", "uri": "/static/kappa.png"})
    );
    // Custom emotes stay as typed and count as one character in names.
    let (mut c, _) = Chat::login(base, "streamer", &format!("{}:kappa:", "k".repeat(19))).await;
    c.say(":kappa: :smile:").await;
    assert_eq!(c.expect("message received").await["message"], ":kappa: 😄");
    site.cli(&["emote", "drop", "--alias", "kappa"]);
    assert_eq!(page.expect("remove emote").await, json!({"key": ":kappa:"}));
}

#[tokio::test]
async fn viewers_and_members_are_reported() {
    let site = site().await;
    let base = &site.server.base;
    write_stream(&site.hls(), KEY, &[1, 2], Duration::ZERO);
    let mut pages = Vec::new();
    for _ in 0..3 {
        let mut p = Chat::connect(base).await;
        p.send("presence", json!({"streamer": "streamer"})).await;
        pages.push(p);
    }
    let (_c, _) = Chat::login(base, "streamer", "Chatty").await;
    let mut count = 0;
    for _ in 0..30 {
        write_stream(&site.hls(), KEY, &[1, 2], Duration::ZERO);
        let info: Value = site.get("/streamer/info").await.json().await.unwrap();
        count = info["count"].as_u64().unwrap();
        if count == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(count, 4, "three pages and one chatter");
    let info: Value = site
        .http
        .get(site.url("/api/info"))
        .basic_auth("streamer", Some(KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["members"], json!(["Chatty"]));
    // A closed page stops counting at once.
    pages.pop().unwrap().close().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    write_stream(&site.hls(), KEY, &[1, 2], Duration::ZERO);
    let info: Value = site.get("/streamer/info").await.json().await.unwrap();
    assert_eq!(info["count"], 3);
    // Viewer-count changes are logged.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(site
        .events("streamer")
        .await
        .iter()
        .any(|(k, _)| k == "viewers"));
}

#[tokio::test]
async fn a_slow_reader_is_dropped_without_stalling_the_room() {
    let site = site().await;
    let base = &site.server.base;
    // A reader with a tiny receive buffer that never reads after logging in.
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let stream = sock
        .connect(format!("127.0.0.1:{}", site.server.port).parse().unwrap())
        .await
        .unwrap();
    let (ws, _) = tokio_tungstenite::client_async(
        crate::chat_client::ws_url(base),
        tokio_tungstenite::MaybeTlsStream::Plain(stream),
    )
    .await
    .unwrap();
    let mut slow = Chat { ws };
    slow.send(
        "login",
        json!({"streamer": "streamer", "username": "slow", "color": "red"}),
    )
    .await;
    slow.expect("login success").await;
    let (mut fast, _) = Chat::login(base, "streamer", "fast").await;
    let mut senders = Vec::new();
    for i in 0..6 {
        senders.push(Chat::login(base, "streamer", &format!("sender{i}")).await.0);
    }
    // ~11 MB of drawings for every reader: far more than socket buffers hold.
    let drawing = crate::chat_cluster::png_url(240, 120);
    let started = std::time::Instant::now();
    for s in senders.iter_mut() {
        for _ in 0..12 {
            s.send("drawing", json!({"src": drawing})).await;
        }
    }
    let mut got = 0;
    let mut slow_left = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    while got < 72 || !slow_left {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some((e, d)) = fast.next_within(left).await else {
            break;
        };
        if e == "drawing received" {
            got += 1;
            if got == 72 {
                eprintln!(
                    "all drawings delivered to the fast reader in {:?}",
                    started.elapsed()
                );
            }
        }
        if e == "disconnected" && d["username"] == "slow" {
            slow_left = true;
        }
    }
    assert_eq!(got, 72, "the fast reader got every drawing");
    assert!(slow_left, "the slow reader was disconnected");
}
