//! The streamer's dashboard in Chromium: signing in with the key, the overview's viewers chart
//! (uPlot drawing the stream's samples), a setting changed through its form, a ban and a
//! filter through the moderation page's forms, and an API token made and revoked, at phone and
//! desktop sizes (screenshots in `target/screenshots/`); then every other form of the settings
//! and moderation pages sent once on a phone.

use crate::site::amy;
use rsstreaming_testkit::browser::{screenshot_dir, Browser, Driver, Size};
use rsstreaming_testkit::Chat;
use serde_json::json;
use std::time::{Duration, Instant};

/// Waits until `expr` holds, then saves the screenshot `shot`.png.
async fn wait_and_shoot(b: &Browser, expr: &str, shot: &str) {
    b.wait_until(expr, shot).await;
    b.screenshot(&screenshot_dir().join(format!("{shot}.png")))
        .await;
}

/// Opens the dashboard page `section` from the navigation; waits for its element `#ready`.
async fn visit(b: &Browser, section: &str, ready: &str) {
    b.click(&format!(".dashboard-nav a[href$='/{section}']"))
        .await;
    let shown = format!("document.getElementById('{ready}')");
    b.wait_until(&shown, &format!("the {section} page")).await;
}

#[tokio::test]
async fn sign_in_see_the_viewers_chart_and_change_the_description() {
    let site = amy().yaml("streams:\n  sample_secs: 1\n");
    let Some((driver, site)) = Driver::with_site(site).await else {
        return;
    };
    // A stream with a watcher, sampled until the chart has a viewer to show.
    assert_eq!(
        site.hooks().publish("amykey", "192.0.2.10").await.status(),
        200
    );
    let watcher = Chat::viewer(site.base(), "amy").await;
    let api = site.api("amy", "amykey");
    let deadline = Instant::now() + Duration::from_secs(20);
    while api.streams().await[0]["peak_viewers"] != 1 {
        assert!(Instant::now() < deadline, "no sample taken");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    for (size, name) in [(Size::Phone, "phone"), (Size::Desktop, "desktop")] {
        let b = driver.open(size, &site.url("/amy/dashboard")).await;
        let signin = "location.pathname === '/amy/dashboard/signin'";
        wait_and_shoot(&b, signin, &format!("dashboard-signin-{name}")).await;
        b.type_into("#key", "wrong").await;
        b.click("button[type=submit].primary").await;
        b.wait_until(
            "document.getElementById('signin-error')",
            "a wrong key refused",
        )
        .await;
        b.type_into("#key", "amykey").await;
        b.click("button[type=submit].primary").await;
        b.wait_until("location.pathname === '/amy/dashboard'", "signed in")
            .await;
        let chart = ".viewer-chart canvas";
        let drawn = format!("document.querySelector('{chart}') && Number(document.querySelector('.viewer-chart').dataset.drawn) > 0");
        wait_and_shoot(&b, &drawn, &format!("dashboard-overview-{name}")).await;
        let live = "document.getElementById('live-state').dataset.live";
        let canvas = format!("document.querySelector('{chart}').width > 0");
        b.assert_values(&[
            (live, json!("false")),
            (&canvas, json!(true)),
            ("document.body.innerText.includes('amykey')", json!(false)),
            ("document.cookie", json!("")),
        ])
        .await;

        // The stream's own page charts it too.
        b.click("#latest a[href*='/streams/']").await;
        let shot = format!("dashboard-stream-{name}");
        wait_and_shoot(
            &b,
            &format!("location.pathname.includes('/streams/') && {drawn}"),
            &shot,
        )
        .await;

        visit(&b, "settings", "description").await;
        let text = format!("Live from the {name}");
        b.exec(
            "const d = document.getElementById('description'); d.value = ''; d.focus();",
            vec![],
        )
        .await;
        b.type_into("#description", &text).await;
        b.click("#setting-description button[type=submit]").await;
        let saved = "document.querySelector('#setting-description .form-saved')";
        wait_and_shoot(&b, saved, &format!("dashboard-settings-{name}")).await;
        assert_eq!(site.json("/amy/info").await["description"], text.as_str());

        // Past streams: the table links each stream.
        b.click(".dashboard-nav a[href$='/streams']").await;
        let table = "document.querySelectorAll('#streams-table tbody tr').length === 1";
        wait_and_shoot(&b, table, &format!("dashboard-streams-{name}")).await;

        // A token with two scopes, shown once, then revoked from the list.
        b.click(".dashboard-nav a[href$='/tokens']").await;
        b.click("input[name=scope][value=chat]").await;
        b.click("form[action$='/tokens'] button[type=submit]").await;
        let made = "document.getElementById('new-token')?.textContent.startsWith('rst_')";
        wait_and_shoot(&b, made, &format!("dashboard-token-{name}")).await;
        let token = b
            .eval("document.getElementById('new-token').textContent")
            .await;
        let bearer = |t: &str| {
            site.http
                .get(site.url("/api/info"))
                .bearer_auth(t.to_string())
        };
        let token = token.as_str().unwrap().to_string();
        assert_eq!(bearer(&token).send().await.unwrap().status(), 200);
        b.click("#tokens-table tbody tr:last-child button[type=submit]")
            .await;
        let revoked = "document.querySelector('#tokens-table tbody tr:last-child').innerText.includes('revoked')";
        b.wait_until(revoked, "the token revoked").await;
        assert_eq!(bearer(&token).send().await.unwrap().status(), 401);

        // Moderation: a ban through its form is listed, then lifted; a filter added by
        // keyboard (Enter in its field).
        visit(&b, "moderation", "ban-username").await;
        let troll = format!("troll-{name}");
        b.type_into("#ban-username", &troll).await;
        b.type_into("#ban-reason", "spam").await;
        b.click("#form-ban button[type=submit]").await;
        let listed =
            format!("document.querySelector('#sanctions-table')?.innerText.includes('{troll}')");
        wait_and_shoot(&b, &listed, &format!("dashboard-moderation-{name}")).await;
        let bans: serde_json::Value = api.get("/api/bans").await.json().await.unwrap();
        let banned = bans.as_array().unwrap().iter();
        assert!(
            banned.clone().any(|x| x["username"] == troll.as_str()),
            "{bans}"
        );
        b.click("#sanctions-table button[type=submit]").await;
        b.wait_until(
            "!document.querySelector('#sanctions-table')",
            "the ban lifted",
        )
        .await;
        b.type_into("#filter-new", &format!("bad{name}\u{E007}"))
            .await;
        let filtered =
            format!("document.querySelector('#filter-list')?.innerText.includes('bad{name}')");
        b.wait_until(&filtered, "the filter added").await;

        // Sign out: back at the form, and the overview asks to sign in again.
        b.click(".dashboard-heading button[type=submit]").await;
        b.wait_until(signin, "signed out").await;
        b.goto(&site.url("/amy/dashboard")).await;
        b.wait_until(signin, "the session is gone").await;
        b.close().await;
    }
    watcher.close().await;
}

/// Every form of the settings and moderation pages the first test does not send: the page,
/// the form, the field set (`#id`) and its value — once the answer is shown, the field holds
/// the value (a select, a number) or the page shows it (a saved password, a listed name).
#[rustfmt::skip] // a table: one row per line
const FIELD_FORMS: &[(&str, &str, &str, &str)] = &[
    ("settings", "setting-streampass", "streampass", "letmein"),
    ("settings", "setting-chat", "chat-setting", "hidden"),
    ("settings", "setting-mastodon", "mastodon", "https://m.example/@amy"),
    ("moderation", "form-timeout", "timeout-username", "nosy"),
    ("moderation", "form-pin", "pin-message", "Be kind"),
    ("moderation", "form-slow", "slow-seconds", "5"),
    ("moderation", "form-emoteonly", "emote-only", "on"),
    ("moderation", "form-links", "links-rule", "off"),
    ("moderation", "form-chatmode", "chat-mode", "registered"),
    ("moderation", "form-filter-add", "filter-new", "heck"),
    ("webhooks", "form-webhook", "webhook-url", "https://h.example/amy"),
];

/// The buttons that undo some of those (lift the timeout, unpin, remove the filter and the
/// webhook) and the Recordings page's delete: the page, the button, and what is gone once the
/// answer is shown.
const UNDO_BUTTONS: &[(&str, &str, &str)] = &[
    (
        "moderation",
        "#sanctions-table button[type=submit]",
        "#sanctions-table",
    ),
    (
        "moderation",
        "button[aria-label='Unpin the message']",
        "#pinned-now",
    ),
    (
        "moderation",
        "#filter-list button[type=submit]",
        "#filter-list",
    ),
    (
        "webhooks",
        "#webhooks-table button[type=submit]",
        "#webhooks-table",
    ),
    (
        "videos",
        "#videos-table button[type=submit]",
        "#videos-table",
    ),
];

/// A recording of Amy's, registered as nginx-rtmp hands one over and remuxed by the site (for
/// the Recordings page's delete button); false without ffmpeg (outside CI).
async fn a_recording(site: &rsstreaming_testkit::Site) -> bool {
    let incoming = site.dir.path().join("recordings/incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    let flv = incoming.join("amykey-1.flv");
    if !rsstreaming_testkit::write_flv(&flv, 1) {
        return false;
    }
    let done = site.hooks().record_done("amykey", "192.0.2.10", &flv).await;
    assert_eq!(done.status(), 200);
    let api = site.api("amy", "amykey");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !api.videos().await.iter().any(|v| v["status"] == "ready") {
        assert!(std::time::Instant::now() < deadline, "no recording ready");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    true
}

/// Runs `fill` on the page, clicks `submit`, and waits until the answer — a new document, not
/// the form's — has `then` true and no refusal.
async fn send_form(b: &Browser, fill: &str, submit: &str, then: &str) {
    b.exec(&format!("{fill} window.sent = true;"), vec![]).await;
    b.click(submit).await;
    let answered = format!("!window.sent && document.readyState === 'complete' && ({then})");
    b.wait_until(&answered, submit).await;
    let refused = "!document.querySelector('.form-error')";
    b.assert_values(&[(refused, json!(true))]).await;
}

#[tokio::test]
async fn every_settings_and_moderation_form_works_on_a_phone() {
    let recordings = "recordings:\n  dir: \"@SITE_DIR@/recordings\"\n";
    let Some((driver, site)) = Driver::with_site(amy().yaml(recordings)).await else {
        return;
    };
    if !a_recording(&site).await {
        return;
    }
    let b = driver.open(Size::Phone, &site.url("/amy/dashboard")).await;
    b.wait_until("document.getElementById('key')", "the sign-in form")
        .await;
    b.type_into("#key", "amykey").await;
    b.click("button[type=submit].primary").await;
    b.wait_until("location.pathname === '/amy/dashboard'", "signed in")
        .await;
    // Each form: the fill, the button, and what holds on the answer. A select or a number shows
    // the stored value; a text or URL field shows it, or is empty again and the page shows
    // what was saved.
    let fields = FIELD_FORMS.iter().map(|(section, form, field, value)| {
        let fill = format!("document.getElementById('{field}').value = '{value}';");
        let then = format!(
            "(f => f.tagName === 'SELECT' || f.type === 'number' ? f.value === '{value}' : \
             f.value === '{value}' || document.querySelector('main').innerText.includes('{value}'))\
             (document.getElementById('{field}'))"
        );
        (*section, fill, format!("#{form} button[type=submit]"), then)
    });
    let undos = UNDO_BUTTONS.iter().map(|(section, button, gone)| {
        let then = format!("!document.querySelector(\"{gone}\")");
        (*section, String::new(), button.to_string(), then)
    });
    for (section, fill, submit, then) in fields.chain(undos) {
        b.goto(&site.url(&format!("/amy/dashboard/{section}")))
            .await;
        send_form(&b, &fill, &submit, &then).await;
    }
    b.screenshot(&screenshot_dir().join("dashboard-forms-phone.png"))
        .await;
    // What the forms changed is what the site does now.
    assert_eq!(
        site.api("amy", "amykey").info().await["streampass"],
        "letmein"
    );
    let rules: serde_json::Value = site
        .api("amy", "amykey")
        .get("/api/filters")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rules["filters"], json!([]), "added, then removed");
    assert!(
        site.api("amy", "amykey").videos().await.is_empty(),
        "the recording deleted"
    );
    b.close().await;
}
