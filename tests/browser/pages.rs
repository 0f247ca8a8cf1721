//! The front page, the password page and theme switching.

use crate::site::{amy, PARTY};
use fantoccini::key::Key;
use rsstreaming_testkit::browser::{screenshot_dir, Driver, Size};
use rsstreaming_testkit::Site;
use serde_json::json;

/// A one-segment live playlist, as nginx-rtmp just wrote it.
const PLAYLIST: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nk-0.ts\n";

/// Makes `key`'s stream live for a few seconds.
fn live_playlist(site: &Site, key: &str) {
    std::fs::write(site.hls().join(format!("{key}.m3u8")), PLAYLIST).unwrap();
}

#[tokio::test]
async fn front_page_lists_live_streamers_first_with_locks_and_viewers() {
    let site = Site::builder()
        .streamer("Zed", "zedkey")
        .streamer("amy", "amykey")
        .streamer("Bob", "bobkey")
        .password("Bob", "pw")
        .description("Zed", "Zed plays <b>games</b>");
    let Some((driver, site)) = Driver::with_site(site).await else {
        return;
    };
    let b = driver.browser(Size::Desktop).await;
    // Zed is live: nginx-rtmp just wrote its playlist (after the browser's slow start, so that
    // the live window is still open when the page loads).
    live_playlist(&site, "zedkey");
    b.goto(&site.url("/")).await;
    let cards = b
        .eval("[...document.querySelectorAll('.streamer-card')].map(c => c.querySelector('.card-name').textContent)")
        .await;

    assert_eq!(
        cards,
        json!(["Zed", "amy", "Bob"]),
        "live first, then by name"
    );
    let zed = b
        .eval("document.querySelector('.streamer-card.is-live').innerText")
        .await;
    let zed = zed.as_str().unwrap();
    assert!(zed.contains("LIVE") || zed.contains("Live"), "{zed}");
    assert!(zed.contains("0 viewers"), "{zed}");
    // The description is text, never markup.
    assert!(zed.contains("Zed plays <b>games</b>"), "{zed}");
    b.assert_values(&[
        ("document.querySelectorAll('.card-desc b').length", json!(0)),
        (
            "[...document.querySelectorAll('.streamer-card')].map(c => !!c.querySelector('.lock'))",
            json!([false, false, true]),
        ),
        (
            "document.querySelector('.streamer-card .card-link').getAttribute('href')",
            json!("/zed/"),
        ),
    ])
    .await;
    b.close().await;
}

#[tokio::test]
async fn front_page_follows_streams_going_live_and_offline_without_a_reload() {
    let streamers = [("amy", "amykey"), ("zed", "zedkey")];
    let Some((driver, site)) = Driver::with_site(Site::builder().streamers(&streamers)).await
    else {
        return;
    };
    let b = driver.browser(Size::Desktop).await;
    // zed's playlist was just written (live for a few seconds); amy is offline.
    live_playlist(&site, "zedkey");
    b.goto(&site.url("/")).await;
    let live = "[...document.querySelectorAll('.streamer-card.is-live .card-name')].map(n => n.textContent).join()";
    assert_eq!(b.eval(live).await, "zed");
    // amy goes live, zed's playlist goes stale: the list follows within its refresh period.
    let Some(_amy) = site.encode_live("amykey") else {
        return;
    };
    b.wait_until(&format!("{live} === 'amy'"), "amy live and zed offline")
        .await;
    let order = b
        .eval("[...document.querySelectorAll('.card-name')].map(n => n.textContent).join()")
        .await;
    assert_eq!(order, "amy,zed", "live first");
    b.close().await;
}

#[tokio::test]
async fn theme_is_switchable_and_remembered() {
    let site = Site::builder()
        .yaml("themes: [dark, light, default]\n")
        .streamer_without_key("amy");
    let Some((driver, site)) = Driver::with_site(site).await else {
        return;
    };
    let b = driver.open(Size::Desktop, &site.url("/")).await;
    let theme = "document.documentElement.dataset.theme";
    let first = b.eval(theme).await;
    assert_eq!(first, "dark", "first configured theme is the default");
    let background = "getComputedStyle(document.body).backgroundColor";
    let dark_bg = b.eval(background).await;
    let picker = b.find("select[data-theme-picker]").await;
    picker.select_by_value("light").await.unwrap();
    b.wait_theme("light").await;
    let light_bg = b.eval(background).await;
    assert_ne!(dark_bg, light_bg, "themes are different sets of colors");
    // Remembered by this browser, on every page.
    b.goto(&site.url("/amy/")).await;
    assert_eq!(b.eval(theme).await, "light");
    b.close().await;
}

#[tokio::test]
async fn password_page_refuses_a_wrong_password_then_shows_the_stream() {
    let bob = Site::builder().streamer("Bob", "bobkey");
    let Some((driver, site)) = Driver::with_site(bob.password("Bob", "letmein")).await else {
        return;
    };
    let b = driver.open(Size::Desktop, &site.url("/bob/")).await;
    b.find("form.password-card").await;
    b.assert_values(&[
        ("document.getElementById('player') === null", json!(true)),
        (
            "document.querySelector('[role=alert]') === null",
            json!(true),
        ),
    ])
    .await;

    b.type_into("#streampass", &format!("wrong{}", Key::Enter))
        .await;
    let alert = "document.querySelector('[role=alert]')";
    b.wait_until(alert, "the wrong-password error").await;
    let error = b.eval(&format!("{alert}.textContent")).await;
    let says = error.as_str().unwrap().to_lowercase().contains("wrong");
    assert!(says, "{error}");
    let invalid = "document.getElementById('streampass').getAttribute('aria-invalid')";
    assert_eq!(b.eval(invalid).await, "true");

    b.type_into("#streampass", &format!("letmein{}", Key::Enter))
        .await;
    b.wait_until("document.getElementById('player')", "the stream page")
        .await;
    b.assert_values(&[
        (
            "document.querySelector('.streamer-name').firstChild.textContent.trim()",
            json!("Bob"),
        ),
        (
            "!!document.querySelector('.streamer-name .lock')",
            json!(true),
        ),
    ])
    .await;
    // The page's own requests carry the pass: /info answers.
    b.wait_until(
        "document.getElementById('offline-text').textContent.includes('Bob is currently offline!')",
        "offline text",
    )
    .await;
    let info = b
        .exec(
            "const r = await fetch('/bob/info'); return r.status;",
            vec![],
        )
        .await;
    assert_eq!(info, 200);
    b.close().await;
}

/// Screenshots for people to look at, in `target/screenshots/`: the stream page (live, with a
/// chat going on), the front page and the password page, at phone and desktop sizes.
#[tokio::test]
async fn screenshots_at_phone_and_desktop_sizes() {
    let site = amy()
        .description(
            "Amy",
            "Building a streaming site in Rust — ask me anything! https://example.com/rs",
        )
        .streamer("bob_the_builder", "bobkey")
        .password("bob_the_builder", "pw")
        .streamer("carol", "carolkey")
        .emote(PARTY.0, PARTY.1);
    let Some((driver, site)) = Driver::with_site(site).await else {
        return;
    };
    let live = site.encode_live("amykey");
    live_playlist(&site, "bobkey");

    let host = driver.open(Size::Desktop, &site.url("/amy/")).await;
    host.join_as_streamer("Amy", 0, "amykey").await;
    let chatter = driver.open(Size::Desktop, &site.url("/amy/")).await;
    chatter.join("sam", 5).await;

    for (size, name, color) in [(Size::Desktop, "desktop", 8), (Size::Phone, "phone", 2)] {
        let b = driver.browser(size).await;
        let shot = |what: &str| screenshot_dir().join(format!("{what}-{name}.png"));
        b.goto(&site.url("/amy/")).await;
        // The streamer's name asks for the key; Back returns to the login form.
        b.start_login("amy", color).await;
        b.wait_shown("key-form", "the key prompt").await;
        b.screenshot(&shot("key-prompt")).await;
        b.click("#key-cancel").await;
        b.join(&format!("viewer_{name}"), color).await;
        host.say("welcome everyone :wave: the stream starts now")
            .await;
        chatter.say("hype :party: :party:").await;
        chatter.say("/me grabs popcorn :popcorn:").await;
        let mention = format!("hi @viewer_{name}! check https://example.com/docs");
        host.say(&mention).await;
        b.wait_line(".line-message", "check https://example.com/docs")
            .await;
        if live.is_some() {
            b.wait_playing().await;
        }
        // Nothing sticks out sideways at this size.
        let overflow = b
            .eval("document.documentElement.scrollWidth - window.innerWidth")
            .await;
        let fits = overflow.as_i64().unwrap() <= 0;
        assert!(fits, "{name}: page is wider than the window");
        b.screenshot(&shot("stream")).await;
        // The typing helpers and pictochat, open.
        b.click("#emoji-button").await;
        b.wait_until(
            "document.querySelectorAll('#emoji-picker [role=option]').length > 20",
            "the picker",
        )
        .await;
        b.screenshot(&shot("emoji-picker")).await;
        b.type_into(".emoji-search", &Key::Escape).await;
        b.click("#draw-button").await;
        b.screenshot(&shot("draw")).await;
        b.click("#draw-cancel").await;
        b.type_into("#chat-input", ":sm").await;
        b.wait_shown("typeahead", "suggestions").await;
        b.screenshot(&shot("typeahead")).await;
        b.type_into("#chat-input", &Key::Escape).await;
        b.find("#chat-input").await.clear().await.unwrap();
        b.say("/theme light").await;
        b.wait_theme("light").await;
        b.screenshot(&shot("stream-light")).await;

        b.goto(&site.url("/")).await;
        b.screenshot(&shot("front")).await;
        b.goto(&site.url("/bob_the_builder/")).await;
        b.type_into("#streampass", &format!("nope{}", Key::Enter))
            .await;
        b.wait_until("document.querySelector('[role=alert]')", "the error")
            .await;
        b.screenshot(&shot("password")).await;
        b.close().await;
    }
    host.close().await;
    chatter.close().await;
}
