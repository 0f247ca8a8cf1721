//! What only the function deployment has to prove: each request runs in the function of its
//! route (one cold start each, warm afterwards), nothing secret reaches a function's log, and a
//! misconfigured function stops at once with one clear line.

use rsstreaming_testkit::config::{redis_reachable, redis_url, redis_yaml};
use rsstreaming_testkit::lambda::function_command;
use rsstreaming_testkit::{Backend, Chat, Site, TestDb};
use serde_json::json;

#[tokio::test]
async fn requests_run_in_the_function_of_their_route() {
    const KEY: &str = "fn-K3y-route-test";
    let site = Site::builder()
        .db(TestDb::production().await)
        .streamer("bob", KEY)
        .start(Backend::Lambda)
        .await;
    let Some(lambda) = site.lambda() else {
        return;
    };
    for _ in 0..6 {
        assert_eq!(site.get("/bob/info").await.status(), 200);
    }
    let r = site.hooks().publish(KEY, "127.0.0.1").await;
    let status = r.status();
    assert!(status.is_success() || status.is_redirection(), "{status}");
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
        lambda.started_functions(),
        ["default", "healthz", "on_publish", "stream_info"]
    );
    // Every instance connected once; together they served all six, one of them warm.
    let logs = lambda.function_logs("stream_info");
    let served: Vec<usize> = logs
        .iter()
        .map(|l| l.matches("/bob/info").count())
        .collect();
    assert_eq!(served.iter().sum::<usize>(), 6, "{logs:?}");
    assert!(served.iter().any(|n| *n >= 2), "{logs:?}");
    for log in logs.iter().filter(|l| !l.is_empty()) {
        assert_eq!(log.matches("function ready").count(), 1, "{logs:?}");
    }
    let hook = lambda.function_log("on_publish");
    assert!(hook.contains("function ready"), "{hook}");
    assert!(!hook.contains(KEY), "the key must not reach a log:\n{hook}");
    assert!(!site.log().contains(KEY));
}

/// The catch-all function is no door to the hooks: a `HEAD` (which no route of the HTTP API
/// has, so it reaches `$default`) with a forged loopback address, behind the browsers' trusted
/// hop, is answered 404, never with the key check.
#[tokio::test]
async fn the_fallback_function_serves_no_publish_hook() {
    const KEY: &str = "fn-K3y-fallback-test";
    let site = Site::builder()
        .proxy_hops(1)
        .streamer("bob", KEY)
        .start(Backend::Lambda)
        .await;
    let Some(lambda) = site.lambda() else {
        return;
    };
    for path in ["/auth/on_publish", "/auth/on_publish_done"] {
        let r = site
            .http
            .head(site.url(&format!("{path}?name={KEY}&addr=127.0.0.1")))
            .header("x-forwarded-for", "127.0.0.1")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    assert_eq!(lambda.started_functions(), ["default", "healthz"]);
    assert!(site.events("").await.is_empty() && site.events("bob").await.is_empty());
}

/// Runs the function binary with Lambda's variables (pointing nowhere) plus `vars`; an empty
/// value removes the variable.
fn run_function(vars: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = function_command("127.0.0.1:9", "test", 128);
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
    let cases: [Case; 6] = [
        (
            &[
                ("RSSTREAMING_FUNCTION", "stream_info"),
                ("RSSTREAMING_LOG_FORMAT", "xml"),
            ],
            &["RSSTREAMING_LOG_FORMAT", "xml"],
        ),
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
            let named = last.contains(word);
            assert!(named, "{vars:?}: `{word}` missing from: {last}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// `RSSTREAMING_LOG_FORMAT=json`: the function logs JSON lines, as `serve --log-format json`.
#[test]
fn a_function_logs_json_lines_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    let out = run_function(&[
        ("RSSTREAMING_FUNCTION", "healthz"),
        ("RSSTREAMING_DATABASE_URL", &db),
        ("RSSTREAMING_LOG_FORMAT", "json"),
    ]);
    // Without Redis it warns (a tracing line), then stops on the missing schema (one plain
    // error line, as every function's start-up error).
    let err = String::from_utf8_lossy(&out.stderr);
    let (logged, last) = err.trim_end().rsplit_once('\n').unwrap_or(("", &err));
    assert!(last.starts_with("error: "), "{err}");
    let lines: Vec<serde_json::Value> = logged
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let warned = lines.iter().find(|l| l["level"] == "WARN");
    let warned = warned.unwrap_or_else(|| panic!("no warning logged: {err}"));
    let message = warned["fields"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("RSSTREAMING_REDIS_URL"), "{warned}");
}

/// The deployment's split in one test: a chatter on the gateway, a message posted through the
/// API function, presence counted by the gateway and reported by the info functions — all
/// through MariaDB and Redis, the only things the processes share.
#[tokio::test]
async fn api_functions_and_the_gateway_share_one_chat_over_redis() {
    const KEY: &str = "fn-K3y-chat-test";
    if !redis_reachable().await {
        return;
    }
    let site = Site::builder()
        .db(TestDb::production().await)
        .yaml(&redis_yaml(&redis_url()))
        .streamer("bob", KEY)
        .start(Backend::Lambda)
        .await;
    let api = site.api("bob", KEY);
    let (mut viewer, _) = Chat::login(site.base(), "bob", "viewer").await;
    viewer.send("presence", json!({"streamer": "bob"})).await;

    assert_eq!(api.say(None, "hello from a function").await.status(), 200);
    let line = viewer
        .expect_line("message received", "hello from a function")
        .await;
    assert_eq!(line["username"], "bob");

    let info = api.info().await;
    assert_eq!(info["members"], json!(["viewer"]), "{info}");
    if let Some(lambda) = site.lambda() {
        let started = lambda.started_functions();
        for f in ["api_get_info", "api_post_message"] {
            assert!(started.iter().any(|s| s == f), "{f} not in {started:?}");
        }
        let log = lambda.function_log("api_post_message");
        let configured = !log.contains("RSSTREAMING_REDIS_URL");
        assert!(configured, "Redis configured:\n{log}");
    }
}
