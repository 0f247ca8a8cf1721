//! The remote-control API and its command-line client.

use crate::common::{cli, stderr, stdout, TestDb};
use crate::http::{write_stream, Site};
use serde_json::{json, Value};
use std::time::Duration;

const KEY: &str = "api-K3y-abcdef";

fn auth(req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    req.basic_auth("bob", Some(KEY))
}

async fn error_of(r: reqwest::Response, status: u16) -> String {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/json");
    let v: Value = r.json().await.unwrap();
    v["error"].as_str().expect("error text").to_string()
}

#[tokio::test]
async fn info_read_and_patch() {
    for db in TestDb::both().await {
        let site = Site::start(db, "", &[], &[("Bob", KEY), ("alice", "alice-key")]).await;
        let get = || auth(site.http.get(site.url("/api/info"))).send();
        let v: Value = get().await.unwrap().json().await.unwrap();
        assert_eq!(
            v,
            json!({"username": "Bob", "description": "", "streampass": null, "live": false, "viewers": 0, "members": []})
        );
        write_stream(&site.hls(), KEY, &[1], Duration::ZERO);
        let v: Value = get().await.unwrap().json().await.unwrap();
        assert_eq!(v["live"], true);

        let patch = |body: &'static str| {
            auth(site.http.patch(site.url("/api/info")))
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        let v: Value = patch(r#"{"description": "New <desc>", "streampass": "pw"}"#)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["description"], "New <desc>");
        assert_eq!(v["streampass"], "pw");
        assert_eq!(site.get("/bob/info").await.status(), 403, "now protected");
        let v: Value = patch(r#"{"streampass": null}"#)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["streampass"], Value::Null);
        assert_eq!(v["description"], "New <desc>", "absent fields stay");
        let v: Value = patch("{}").await.unwrap().json().await.unwrap();
        assert_eq!(v["description"], "New <desc>");
        let info: Value = site.get("/bob/info").await.json().await.unwrap();
        assert_eq!(info["description"], "New <desc>");

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
            let e = error_of(patch(body).await.unwrap(), 400).await;
            assert!(!e.is_empty(), "{body}");
        }
        let v: Value = get().await.unwrap().json().await.unwrap();
        assert_eq!(v["description"], "New <desc>");

        let events = site.events("bob").await;
        let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["description", "password", "password"]);
        assert!(
            !events.iter().any(|(_, m)| m.to_string().contains("\"pw\"")),
            "no password in the audit log"
        );
    }
}

#[tokio::test]
async fn authentication_is_required_and_checked() {
    for db in TestDb::both().await {
        let site = Site::start(db, "", &[], &[("bob", KEY), ("alice", "alice-key")]).await;
        for (user, key) in [
            ("bob", "wrong"),
            ("nobody", KEY),
            ("alice", KEY),
            ("bob", ""),
            ("", ""),
        ] {
            let r = site
                .http
                .get(site.url("/api/info"))
                .basic_auth(user, Some(key))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401, "{user}:{key}");
            assert_eq!(
                r.headers()["www-authenticate"],
                "Basic realm=\"rsstreaming\""
            );
            let v: Value = r.json().await.unwrap();
            assert!(v["error"].is_string());
        }
        for path in ["/api/info", "/api/messages"] {
            assert_eq!(site.get(path).await.status(), 401);
            let r = site
                .http
                .get(site.url(path))
                .header("authorization", "Bearer x")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401);
            let r = site
                .http
                .get(site.url(path))
                .header("authorization", "Basic !!!")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401);
        }
        let r = site
            .http
            .post(site.url("/api/messages"))
            .json(&json!({"message": "hi"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let r = site
            .http
            .patch(site.url("/api/info"))
            .json(&json!({"description": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        // The username is matched in any letter case, the key exactly.
        let r = site
            .http
            .get(site.url("/api/info"))
            .basic_auth("BOB", Some(KEY))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = site
            .http
            .get(site.url("/api/info"))
            .basic_auth("bob", Some(KEY.to_uppercase()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
}

#[tokio::test]
async fn failed_logins_are_throttled() {
    let site = Site::start(TestDb::sqlite(), "", &[], &[("bob", KEY)]).await;
    let mut statuses = Vec::new();
    for _ in 0..22 {
        let r = site
            .http
            .get(site.url("/api/info"))
            .basic_auth("bob", Some("guess"))
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert!(statuses[..20].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[20..], [429, 429]);
}

#[tokio::test]
async fn messages_post_and_read() {
    for db in TestDb::both().await {
        let site = Site::start(db, "", &[], &[("Bob", KEY)]).await;
        let post = |body: Value| {
            auth(site.http.post(site.url("/api/messages")))
                .json(&body)
                .send()
        };
        let site = &site;
        let read = |query: &'static str| async move {
            let r = auth(site.http.get(site.url(&format!("/api/messages{query}"))))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{query}");
            r.json::<Vec<Value>>().await.unwrap()
        };
        assert_eq!(read("").await, Vec::<Value>::new());
        assert_eq!(
            read("?lastStreamOnly=true").await,
            Vec::<Value>::new(),
            "no stream yet"
        );

        let r = post(json!({"message": "hello"})).await.unwrap();
        assert_eq!(r.status(), 200);
        let line: Value = r.json().await.unwrap();
        assert_eq!(line["type"], "message");
        assert_eq!(line["name"], "Bob");
        assert!(post(json!({"type": "action", "message": "waves"}))
            .await
            .unwrap()
            .status()
            .is_success());
        assert!(post(json!({"type": "server", "message": "Stream soon"}))
            .await
            .unwrap()
            .status()
            .is_success());
        assert!(post(json!({"type": "normal", "message": "  padded  "}))
            .await
            .unwrap()
            .status()
            .is_success());

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
        let r = site
            .http
            .post(site.url("/auth/on_publish"))
            .form(&[("app", "live"), ("name", KEY), ("addr", "127.0.0.1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        post(json!({"message": "live now"})).await.unwrap();
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
            let e = error_of(post(body.clone()).await.unwrap(), 400).await;
            assert!(!e.is_empty(), "{body}");
        }
        let r = auth(site.http.post(site.url("/api/messages")))
            .body("{oops")
            .send()
            .await
            .unwrap();
        assert!(!error_of(r, 400).await.is_empty());
        for q in ["?limit=abc", "?limit=-1", "?lastStreamOnly=maybe"] {
            let r = auth(site.http.get(site.url(&format!("/api/messages{q}"))))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{q}");
        }
        // Oversize bodies are cut off by the dispatcher.
        let big = json!({"message": "x".repeat(80 * 1024)});
        assert_eq!(post(big).await.unwrap().status(), 413);
        assert_eq!(
            read("").await.len(),
            5,
            "each message recorded exactly once"
        );
    }
}

fn api(site: &Site, key: &str, args: &[&str]) -> std::process::Output {
    let mut full = vec!["api", &site.server.base, "--username", "bob", "--key", key];
    full.extend_from_slice(args);
    cli(&site.config, &full)
}

fn one_line_failure(o: &std::process::Output) -> String {
    assert_eq!(o.status.code(), Some(1), "{}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    err
}

#[tokio::test]
async fn the_api_client_drives_a_running_server() {
    for db in TestDb::both().await {
        let site = Site::start(db, "", &[], &[("bob", KEY)]).await;
        let ok = |args: &[&str]| {
            let o = api(&site, KEY, args);
            assert!(o.status.success(), "{args:?}: {}", stderr(&o));
            stdout(&o)
        };
        let out = ok(&["getinfo"]);
        assert!(
            out.contains("bob") && out.contains("live:") && out.contains("no"),
            "{out}"
        );
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
        let err = one_line_failure(&api(&site, "Zq9-bad-key", &["getinfo"]));
        assert!(err.contains("401"), "{err}");
        assert!(!err.contains("Zq9-bad-key"), "the key is not echoed: {err}");
        let err = one_line_failure(&api(&site, KEY, &["sendmessage", "--message", "   "]));
        assert!(err.contains("400") && err.contains("blank"), "{err}");
        let elsewhere = cli(
            &site.config,
            &[
                "api",
                &site.url("/nothing"),
                "--username",
                "bob",
                "--key",
                KEY,
                "getinfo",
            ],
        );
        assert!(one_line_failure(&elsewhere).contains("404"));
        let port = crate::common::server::free_port();
        let down = cli(
            &site.config,
            &[
                "api",
                &format!("http://127.0.0.1:{port}"),
                "--username",
                "bob",
                "--key",
                KEY,
                "getinfo",
            ],
        );
        assert!(one_line_failure(&down).contains("cannot reach"));
        let bad = cli(
            &site.config,
            &[
                "api",
                "ftp://x",
                "--username",
                "bob",
                "--key",
                KEY,
                "getinfo",
            ],
        );
        one_line_failure(&bad);
    }
}
