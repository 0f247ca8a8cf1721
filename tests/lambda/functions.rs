//! What only the function deployment has to prove: each request runs in the function of its
//! route (one cold start each, warm afterwards), nothing secret reaches a function's log, and a
//! misconfigured function stops at once with one clear line.

use crate::common::TestDb;
use crate::http::Site;
use std::process::Command;

/// MariaDB when it is there (always under CI), as in production; SQLite otherwise.
async fn production_db() -> TestDb {
    match TestDb::mysql().await {
        Some(db) => db,
        None => TestDb::sqlite(),
    }
}

#[tokio::test]
async fn requests_run_in_the_function_of_their_route() {
    const KEY: &str = "fn-K3y-route-test";
    let site = Site::start(production_db().await, "", &[], &[("bob", KEY)]).await;
    if !site.server.is_lambda() {
        return;
    }
    for _ in 0..6 {
        assert_eq!(site.get("/bob/info").await.status(), 200);
    }
    let r = site
        .http
        .post(site.url("/auth/on_publish"))
        .form(&[("call", "publish"), ("name", KEY), ("addr", "127.0.0.1")])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    // A method no route has goes to the fallback, which answers as the dispatcher does.
    let r = site
        .http
        .delete(site.url("/bob/info"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, HEAD");

    assert_eq!(
        site.server.started_functions(),
        ["default", "healthz", "on_publish", "stream_info"]
    );
    // Every instance connected once; together they served all six, one of them warm.
    let logs = site.server.function_logs("stream_info");
    let served: Vec<usize> = logs
        .iter()
        .map(|l| l.matches("/bob/info").count())
        .collect();
    assert_eq!(served.iter().sum::<usize>(), 6, "{logs:?}");
    assert!(served.iter().any(|n| *n >= 2), "{logs:?}");
    for log in logs.iter().filter(|l| !l.is_empty()) {
        assert_eq!(log.matches("function ready").count(), 1, "{logs:?}");
    }
    let hook = site.server.function_log("on_publish");
    assert!(hook.contains("function ready"), "{hook}");
    assert!(!hook.contains(KEY), "the key must not reach a log:\n{hook}");
    assert!(!site.server.log().contains(KEY));
}

/// Runs the function binary with Lambda's variables (pointing nowhere) plus `vars`.
fn run_function(vars: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(crate::stack::function_bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("RSSTREAMING_") || k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
        .env("AWS_LAMBDA_FUNCTION_NAME", "test")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1");
    for (k, v) in vars {
        if v.is_empty() {
            cmd.env_remove(k);
        } else {
            cmd.env(k, v);
        }
    }
    cmd.output().expect("run rsstreaming-lambda")
}

#[test]
fn a_misconfigured_function_stops_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: [Case; 5] = [
        (
            &[
                ("RSSTREAMING_FUNCTION", "nope"),
                ("RSSTREAMING_DATABASE_URL", &db),
            ],
            &["RSSTREAMING_FUNCTION", "nope", "stream_info"],
        ),
        (
            &[("RSSTREAMING_DATABASE_URL", &db)],
            &["RSSTREAMING_FUNCTION"],
        ),
        (
            &[
                ("RSSTREAMING_FUNCTION", "stream_info"),
                ("RSSTREAMING_LIVE_INDICATOR_DELAY", "soon"),
            ],
            &["live_indicator_delay"],
        ),
        (
            &[
                ("RSSTREAMING_FUNCTION", "stream_info"),
                ("RSSTREAMING_DATABASE_URL", "mysql://nobody@127.0.0.1:9/x"),
            ],
            &["RSSTREAMING_DATABASE_URL"],
        ),
        (
            &[
                ("RSSTREAMING_FUNCTION", "stream_info"),
                ("AWS_LAMBDA_RUNTIME_API", ""),
            ],
            &["AWS_LAMBDA_RUNTIME_API"],
        ),
    ];
    for (vars, expected) in cases {
        let out = run_function(vars);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{vars:?}: {err}");
        let last = err.lines().last().unwrap_or_default();
        assert!(last.starts_with("error: "), "{vars:?}: {err}");
        for word in expected {
            assert!(
                last.contains(word),
                "{vars:?}: `{word}` missing from: {last}"
            );
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The deployment's split in one test: a chatter on the gateway, a message posted through the
/// API function, presence counted by the gateway and reported by the info functions — all
/// through MariaDB and Redis, the only things the processes share.
#[tokio::test]
async fn api_functions_and_the_gateway_share_one_chat_over_redis() {
    use crate::chat_client::Chat;
    use serde_json::json;
    const KEY: &str = "fn-K3y-chat-test";
    let redis = crate::state::redis_url();
    if tokio::net::TcpStream::connect(redis.trim_start_matches("redis://"))
        .await
        .is_err()
    {
        assert!(!crate::common::strict(), "Redis required under CI=true");
        eprintln!("skipping: Redis unreachable");
        return;
    }
    let yaml = format!(
        "redis:\n  url: \"{redis}\"\n  prefix: \"{}\"\n",
        crate::state::unique_prefix()
    );
    let site = Site::start(production_db().await, &yaml, &[], &[("bob", KEY)]).await;
    let (mut viewer, _) = Chat::login(&site.server.base, "bob", "viewer").await;
    viewer.send("presence", json!({"streamer": "bob"})).await;

    let r = site
        .http
        .post(site.url("/api/messages"))
        .basic_auth("bob", Some(KEY))
        .json(&json!({"message": "hello from a function"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let line = viewer
        .expect_line("message received", "hello from a function")
        .await;
    assert_eq!(line["username"], "bob");

    let info: serde_json::Value = site
        .http
        .get(site.url("/api/info"))
        .basic_auth("bob", Some(KEY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["members"], json!(["viewer"]), "{info}");
    if site.server.is_lambda() {
        let started = site.server.started_functions();
        for f in ["api_get_info", "api_post_message"] {
            assert!(started.iter().any(|s| s == f), "{f} not in {started:?}");
        }
        let log = site.server.function_log("api_post_message");
        assert!(
            !log.contains("RSSTREAMING_REDIS_URL"),
            "Redis configured:\n{log}"
        );
    }
}
