//! The remote-control API and its command-line client.

use crate::site;
use rsstreaming_testkit::cli::{cli, one_line_failure, stderr, stdout};
use rsstreaming_testkit::machine::free_port;
use rsstreaming_testkit::{Backend, Site, TestDb};
use serde_json::{json, Value};
use std::time::Duration;

const KEY: &str = "api-K3y-abcdef";

/// Asserts a refusal with `status` and a JSON `{"error": …}`; the error text.
async fn error_of(r: reqwest::Response, status: u16) -> String {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/json");
    let v: Value = r.json().await.unwrap();
    v["error"].as_str().expect("error text").to_string()
}

pub async fn info_read_and_patch(backend: Backend) {
    for db in TestDb::both().await {
        let streamers = [("Bob", KEY), ("alice", "alice-key")];
        let site = site().db(db).streamers(&streamers).start(backend).await;
        let api = site.api("bob", KEY);
        assert_eq!(
            api.info().await,
            json!({"username": "Bob", "description": "", "streampass": null, "live": false, "viewers": 0, "members": []})
        );
        site.write_stream(KEY, &[1], Duration::ZERO);
        assert_eq!(api.info().await["live"], true);

        let patched = |body: &'static str| {
            let api = api.clone();
            async move { api.patch_info(body).await.json::<Value>().await.unwrap() }
        };
        let v = patched(r#"{"description": "New <desc>", "streampass": "pw"}"#).await;
        assert_eq!(v["description"], "New <desc>");
        assert_eq!(v["streampass"], "pw");
        assert_eq!(site.get("/bob/info").await.status(), 403, "now protected");
        let v = patched(r#"{"streampass": null}"#).await;
        assert_eq!(v["streampass"], Value::Null);
        assert_eq!(v["description"], "New <desc>", "absent fields stay");
        assert_eq!(patched("{}").await["description"], "New <desc>");
        assert_eq!(site.json("/bob/info").await["description"], "New <desc>");

        // Malformed bodies: 400 with a JSON error, and nothing changes.
        for body in [
            "not json",
            r#"{"description": 5}"#,
            r#"{"streampass": true}"#,
            r#"{"description": "x", "colour": "red"}"#,
            r#"["description"]"#,
            r#"{"description": "x"} trailing"#,
            "",
            r#"{"description": "x""#,
        ] {
            let e = error_of(api.patch_info(body).await, 400).await;
            assert!(!e.is_empty(), "{body}");
        }
        assert_eq!(api.info().await["description"], "New <desc>");

        let events = site.events("bob").await;
        let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["description", "password", "password"]);
        assert!(
            !events.iter().any(|(_, m)| m.to_string().contains("\"pw\"")),
            "no password in the audit log"
        );
    }
}

pub async fn authentication_is_required_and_checked(backend: Backend) {
    for db in TestDb::both().await {
        let streamers = [("bob", KEY), ("alice", "alice-key")];
        let site = site().db(db).streamers(&streamers).start(backend).await;
        for (user, key) in [
            ("bob", "wrong"),
            ("nobody", KEY),
            ("alice", KEY),
            ("bob", ""),
            ("", ""),
        ] {
            let r = site.api(user, key).get_info().await;
            assert_eq!(r.status(), 401, "{user}:{key}");
            let challenge = &r.headers()["www-authenticate"];
            assert_eq!(challenge, "Basic realm=\"rsstreaming\"");
            let v: Value = r.json().await.unwrap();
            assert!(v["error"].is_string());
        }
        for path in ["/api/info", "/api/messages"] {
            assert_eq!(site.get(path).await.status(), 401);
            for authorization in ["Bearer x", "Basic !!!"] {
                let r = site
                    .http
                    .get(site.url(path))
                    .header("authorization", authorization);
                assert_eq!(r.send().await.unwrap().status(), 401, "{authorization}");
            }
        }
        let r = site
            .http
            .post(site.url("/api/messages"))
            .json(&json!({"message": "hi"}));
        assert_eq!(r.send().await.unwrap().status(), 401);
        let r = site
            .http
            .patch(site.url("/api/info"))
            .json(&json!({"description": "x"}));
        assert_eq!(r.send().await.unwrap().status(), 401);
        // The username is matched in any letter case, the key exactly.
        assert_eq!(site.api("BOB", KEY).get_info().await.status(), 200);
        let upper = site.api("bob", &KEY.to_uppercase()).get_info().await;
        assert_eq!(upper.status(), 401);
    }
}

pub async fn failed_logins_are_throttled(backend: Backend) {
    let site = site().streamer("bob", KEY).start(backend).await;
    let guess = site.api("bob", "guess");
    let mut statuses = Vec::new();
    for _ in 0..22 {
        statuses.push(guess.get_info().await.status().as_u16());
    }
    assert!(statuses[..20].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[20..], [429, 429]);
}

pub async fn messages_post_and_read(backend: Backend) {
    for db in TestDb::both().await {
        let site = site().db(db).streamer("Bob", KEY).start(backend).await;
        let api = site.api("bob", KEY);
        let read = |query: &'static str| {
            let api = api.clone();
            async move {
                let r = api.get_messages(query).await;
                assert_eq!(r.status(), 200, "{query}");
                r.json::<Vec<Value>>().await.unwrap()
            }
        };
        assert_eq!(read("").await, Vec::<Value>::new());
        let none = read("?lastStreamOnly=true").await;
        assert_eq!(none, Vec::<Value>::new(), "no stream yet");

        let r = api.say(None, "hello").await;
        assert_eq!(r.status(), 200);
        let line: Value = r.json().await.unwrap();
        assert_eq!(line["type"], "message");
        assert_eq!(line["name"], "Bob");
        for (kind, text) in [
            ("action", "waves"),
            ("server", "Stream soon"),
            ("normal", "  padded  "),
        ] {
            assert!(api.say(Some(kind), text).await.status().is_success());
        }

        let all = read("").await;
        let summary: Vec<(String, Option<String>, String)> = all
            .iter()
            .map(|l| {
                assert!(l["timestamp"].as_i64().unwrap() > 1_600_000_000);
                (
                    l["type"].as_str().unwrap().into(),
                    l.get("name").and_then(|n| n.as_str()).map(String::from),
                    l["message"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("message".into(), Some("Bob".into()), "hello".into()),
                ("action".into(), Some("Bob".into()), "waves".into()),
                ("broadcast".into(), None, "Stream soon".into()),
                ("message".into(), Some("Bob".into()), "padded".into()),
            ]
        );
        assert_eq!(read("?limit=2").await, all[2..].to_vec());
        assert_eq!(read("?limit=0").await, Vec::<Value>::new());

        // A stream starts: lastStreamOnly shows only what came after.
        assert_eq!(site.hooks().publish(KEY, "127.0.0.1").await.status(), 200);
        api.say(None, "live now").await;
        let last = read("?lastStreamOnly=true").await;
        assert_eq!(last.len(), 1);
        assert_eq!(last[0]["message"], "live now");
        assert_eq!(read("?lastStreamOnly=false&limit=1").await, last);

        // Bad input: 400 with a JSON error, nothing recorded.
        for body in [
            json!({"type": "shout", "message": "x"}),
            json!({"message": "   "}),
            json!({"message": ""}),
            json!({"type": "normal"}),
            json!({"message": 5}),
            json!({"message": "x", "extra": 1}),
            json!("just a string"),
            json!({"type": null, "message": null}),
            json!({"message": "y".repeat(2001)}),
        ] {
            let e = error_of(api.post_message(&body).await, 400).await;
            assert!(!e.is_empty(), "{body}");
        }
        let e = error_of(api.post_raw_message("{oops").await, 400).await;
        assert!(!e.is_empty());
        for q in ["?limit=abc", "?limit=-1", "?lastStreamOnly=maybe"] {
            assert_eq!(api.get_messages(q).await.status(), 400, "{q}");
        }
        // Oversize bodies are cut off by the dispatcher.
        let big = json!({"message": "x".repeat(80 * 1024)});
        assert_eq!(api.post_message(&big).await.status(), 413);
        let recorded = read("").await.len();
        assert_eq!(recorded, 5, "each message recorded exactly once");
    }
}

/// `rsstreaming api BASE --username bob --key KEY ARGS…`.
fn api_cli(site: &Site, base: &str, key: &str, args: &[&str]) -> std::process::Output {
    let mut full = vec!["api", base, "--username", "bob", "--key", key];
    full.extend_from_slice(args);
    cli(&site.config, &full)
}

pub async fn the_api_client_drives_a_running_server(backend: Backend) {
    for db in TestDb::both().await {
        let site = site().db(db).streamer("bob", KEY).start(backend).await;
        let ok = |args: &[&str]| {
            let o = api_cli(&site, site.base(), KEY, args);
            assert!(o.status.success(), "{args:?}: {}", stderr(&o));
            stdout(&o)
        };
        let out = ok(&["getinfo"]);
        let shown = out.contains("bob") && out.contains("live:") && out.contains("no");
        assert!(shown, "{out}");
        ok(&["setdescription", "--description", "Speedruns"]);
        assert!(ok(&["getinfo"]).contains("Speedruns"));
        ok(&["setpassword", "--password", "letmein"]);
        assert!(ok(&["getinfo"]).contains("letmein"));
        assert_eq!(site.get("/bob/").await.status(), 403);
        ok(&["setpassword"]);
        assert_eq!(site.get("/bob/").await.status(), 200);
        ok(&["setdescription"]);
        assert!(ok(&["getinfo"]).contains("description: (none)"));

        assert!(ok(&["getmessages"]).contains("no messages"));
        ok(&["sendmessage", "--message", "hi chat"]);
        ok(&["sendmessage", "--type", "action", "--message", "dances"]);
        ok(&["sendmessage", "--type", "server", "--message", "Back soon"]);
        let out = ok(&["getmessages"]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines[0].ends_with("<bob> hi chat"), "{out}");
        assert!(lines[1].ends_with("* bob dances"), "{out}");
        assert!(lines[2].ends_with("** Back soon"), "{out}");
        assert_eq!(ok(&["getmessages", "--limit", "1"]).lines().count(), 1);
        assert!(ok(&["getmessages", "--last-stream-only"]).contains("no messages"));

        // Failures: one clear line, exit code 1.
        let bad_key = api_cli(&site, site.base(), "Zq9-bad-key", &["getinfo"]);
        let err = one_line_failure(&bad_key);
        assert!(err.contains("401"), "{err}");
        assert!(!err.contains("Zq9-bad-key"), "the key is not echoed: {err}");
        let blank = api_cli(
            &site,
            site.base(),
            KEY,
            &["sendmessage", "--message", "   "],
        );
        let err = one_line_failure(&blank);
        assert!(err.contains("400") && err.contains("blank"), "{err}");
        let down = format!("http://127.0.0.1:{}", free_port());
        for (base, says) in [
            (site.url("/nothing"), "404"),
            (down, "cannot reach"),
            ("ftp://x".to_string(), ""),
        ] {
            let err = one_line_failure(&api_cli(&site, &base, KEY, &["getinfo"]));
            assert!(err.contains(says), "{base}: {err}");
        }
    }
}

/// A posted line goes the one post path: control characters out, emoji shortcodes in, custom
/// emotes kept — what is recorded, answered and shown in the chat is the same text.
pub async fn posted_lines_are_cleaned_and_emojified(backend: Backend) {
    let site = site()
        .streamer("Bob", KEY)
        .emote("kappa", "/static/kappa.png")
        .start(backend)
        .await;
    let api = site.api("bob", KEY);
    let (mut viewer, _) = rsstreaming_testkit::Chat::login(site.base(), "bob", "viewer").await;
    let r = api.say(None, " hi\u{7}\u{1b} :smile: :kappa: ").await;
    assert_eq!(r.status(), 200);
    let line: Value = r.json().await.unwrap();
    assert_eq!(line["message"], "hi 😄 :kappa:");
    viewer
        .expect_line("message received", "hi 😄 :kappa:")
        .await;
    let recorded = api
        .get_messages("")
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap();
    assert_eq!(recorded[0]["message"], "hi 😄 :kappa:");
    let e = error_of(api.say(Some("action"), "\u{7}\u{7}").await, 400).await;
    assert_eq!(e, "message must not be blank");
}
