//! Password-protected streams protect their segments in production too: behind the real nginx
//! site config, a segment is sent (by nginx, via X-Accel-Redirect) only after rsstreaming has
//! checked the viewer's pass.

use crate::env::{serial, Need};
use crate::flow::watch;
use crate::stack::{Layout, Options, Stack};
use reqwest::StatusCode;
use rsstreaming_testkit::browser::{Driver, Size};
use std::time::{Duration, Instant};

#[tokio::test]
async fn protected_stream_segments_need_the_pass_through_nginx() {
    let Some(_one) = serial(Need::Browser).await else {
        return;
    };
    let (stack, key) =
        Stack::with_streamer(Options::new(Layout::Redirect, "redirect"), "carol").await;
    stack.site.set_password("carol", Some("letmein"));
    let mut obs = stack.publish(&key);

    // The publish hooks are nginx-rtmp's, reached on 127.0.0.1 directly: the site hides them,
    // whatever a visitor claims in X-Forwarded-For.
    for hook in ["/auth/on_publish", "/auth/on_publish_done"] {
        let r = stack
            .http
            .post(stack.site(hook))
            .header("x-forwarded-for", "127.0.0.1")
            .form(&[("app", "live"), ("call", "publish"), ("name", key.as_str())])
            .send()
            .await
            .expect("POST a hook through the site");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{hook} through the site");
    }

    // Without a pass: page, info and playlist refused.
    for path in ["/carol/", "/carol/info", "/carol/playlist.m3u8"] {
        let r = stack.get(&stack.site(path), None).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let wrong = stack.enter_password("carol", "nope").await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let right = stack.enter_password("carol", "letmein").await;
    assert!(right.status().is_redirection(), "{}", right.status());
    let cookie = right
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("; ");
    assert!(!cookie.is_empty(), "no pass cookie");

    // With it: the stream turns live and its segments come through.
    let deadline = Instant::now() + Duration::from_secs(10);
    let playlist = loop {
        let r = stack
            .get(&stack.site("/carol/playlist.m3u8"), Some(&cookie))
            .await;
        if r.status() == StatusCode::OK {
            let text = r.text().await.expect("playlist text");
            if text.lines().any(|l| l.ends_with(".ts")) {
                break text;
            }
        }
        assert!(
            Instant::now() < deadline,
            "never live: {}\n{}",
            obs.log(),
            stack.logs()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let segment = playlist
        .lines()
        .rfind(|l| l.ends_with(".ts"))
        .expect("a segment")
        .to_string();
    let segment_url = url::Url::parse(&stack.site("/carol/playlist.m3u8"))
        .and_then(|b| b.join(&segment))
        .expect("segment URL")
        .to_string();
    assert!(segment_url.contains("/hls/"), "{segment_url}");

    let with = stack.get(&segment_url, Some(&cookie)).await;
    assert_eq!(with.status(), StatusCode::OK, "{segment_url}");
    assert!(
        with.headers().get("x-accel-redirect").is_none(),
        "nginx passed X-Accel-Redirect on"
    );
    assert_eq!(with.headers()["content-type"], "video/mp2t");
    let body = with.bytes().await.expect("segment body");
    assert!(
        body.len() > 1000 && body[0] == 0x47,
        "not an MPEG-TS segment"
    );

    let without = stack.get(&segment_url, None).await;
    assert_eq!(
        without.status(),
        StatusCode::FORBIDDEN,
        "a segment of a protected stream without the pass"
    );
    assert!(without.bytes().await.expect("body").len() < 1000);

    // The file really came from nginx: rsstreaming itself answers with the hand-over only.
    let direct = segment_url.replace(
        &format!("127.0.0.1:{}", stack.site_port),
        &format!("127.0.0.1:{}", stack.app_port),
    );
    let app = stack.get(&direct, Some(&cookie)).await;
    let accel = app
        .headers()
        .get("x-accel-redirect")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        accel.starts_with("/internal-hls/carol"),
        "X-Accel-Redirect: {accel:?}"
    );
    // A visitor cannot take the internal location directly.
    let internal = stack.get(&stack.site(&accel), Some(&cookie)).await;
    assert_eq!(internal.status(), StatusCode::NOT_FOUND);

    // In the browser: the password page, then the stream plays.
    let driver = Driver::start().await.expect("chromedriver");
    let browser = driver.open(Size::Desktop, &stack.site("/carol/")).await;
    browser.type_into("#streampass", "letmein").await;
    browser.click("form button[type=submit]").await;
    browser.find("#video").await;
    let c = &browser.client;
    let v = watch(&stack, c, "carol").await;
    assert!(v.width > 0 && v.height > 0);
    assert_no_key_anywhere_with_pass(&stack, &key, c).await;
    obs.stop();
    browser.close().await;
}

/// The crawl without a pass sees only refusals; the browser (with the pass) fetched no key.
async fn assert_no_key_anywhere_with_pass(stack: &Stack, key: &str, c: &fantoccini::Client) {
    for u in crate::browser::fetched_urls(c).await {
        assert!(!u.contains(key), "the browser fetched {u}");
    }
    let report = crate::crawl::crawl(
        &stack.http,
        &[
            stack.site("/"),
            stack.site("/carol/"),
            stack.site("/carol/playlist.m3u8"),
        ],
        key,
        200,
    )
    .await;
    assert!(report.leaks.is_empty(), "{:?}", report.leaks);
}
