//! The front page, the password page and theme switching.

use crate::driver::{screenshot_dir, Driver, Size};
use crate::site::Site;
use fantoccini::key::Key;

const PLAYLIST: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nk-0.ts\n";

#[tokio::test]
async fn front_page_lists_live_streamers_first_with_locks_and_viewers() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "",
        &[
            &["streamer", "add", "--username", "Zed", "--key", "zedkey"],
            &["streamer", "add", "--username", "amy", "--key", "amykey"],
            &["streamer", "add", "--username", "Bob", "--key", "bobkey"],
            &[
                "streamer",
                "password",
                "--username",
                "Bob",
                "--password",
                "pw",
            ],
            &[
                "streamer",
                "description",
                "--username",
                "Zed",
                "--description",
                "Zed plays <b>games</b>",
            ],
        ],
    )
    .await;
    // Zed is live: nginx-rtmp just wrote its playlist.
    std::fs::write(site.hls_dir().join("zedkey.m3u8"), PLAYLIST).unwrap();

    let b = driver.browser(Size::Desktop).await;
    b.goto(&site.url("/")).await;
    let cards = b
        .eval("[...document.querySelectorAll('.streamer-card')].map(c => c.querySelector('.card-name').textContent)")
        .await;
    assert_eq!(
        cards,
        serde_json::json!(["Zed", "amy", "Bob"]),
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
    assert_eq!(
        b.eval("document.querySelectorAll('.card-desc b').length")
            .await,
        0
    );
    let locks = b
        .eval(
            "[...document.querySelectorAll('.streamer-card')].map(c => !!c.querySelector('.lock'))",
        )
        .await;
    assert_eq!(locks, serde_json::json!([false, false, true]));
    let href = b
        .eval("document.querySelector('.streamer-card .card-link').getAttribute('href')")
        .await;
    assert_eq!(href, "/zed/");
    b.close().await;
}

#[tokio::test]
async fn front_page_follows_streams_going_live_and_offline_without_a_reload() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "",
        &[
            &["streamer", "add", "--username", "amy", "--key", "amykey"],
            &["streamer", "add", "--username", "zed", "--key", "zedkey"],
        ],
    )
    .await;
    // zed's playlist was just written (live for a few seconds); amy is offline.
    std::fs::write(site.hls_dir().join("zedkey.m3u8"), PLAYLIST).unwrap();
    let b = driver.browser(Size::Desktop).await;
    b.goto(&site.url("/")).await;
    let live = "[...document.querySelectorAll('.streamer-card.is-live .card-name')].map(n => n.textContent).join()";
    assert_eq!(b.eval(live).await, "zed");
    // amy goes live, zed's playlist goes stale: the list follows within its refresh period.
    let Some(_amy) = site.publish("amykey") else {
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
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "themes: [dark, light, default]\n",
        &[&["streamer", "add", "--username", "amy"]],
    )
    .await;
    let b = driver.browser(Size::Desktop).await;
    b.goto(&site.url("/")).await;
    assert_eq!(
        b.eval("document.documentElement.dataset.theme").await,
        "dark",
        "first configured theme is the default"
    );
    let dark_bg = b
        .eval("getComputedStyle(document.body).backgroundColor")
        .await;
    b.find("select[data-theme-picker]")
        .await
        .select_by_value("light")
        .await
        .unwrap();
    b.wait_until(
        "document.documentElement.dataset.theme === 'light'",
        "the light theme",
    )
    .await;
    let light_bg = b
        .eval("getComputedStyle(document.body).backgroundColor")
        .await;
    assert_ne!(dark_bg, light_bg, "themes are different sets of colors");
    // Remembered by this browser, on every page.
    b.goto(&site.url("/amy/")).await;
    assert_eq!(
        b.eval("document.documentElement.dataset.theme").await,
        "light"
    );
    b.close().await;
}

#[tokio::test]
async fn password_page_refuses_a_wrong_password_then_shows_the_stream() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "",
        &[
            &["streamer", "add", "--username", "Bob", "--key", "bobkey"],
            &[
                "streamer",
                "password",
                "--username",
                "Bob",
                "--password",
                "letmein",
            ],
        ],
    )
    .await;
    let b = driver.browser(Size::Desktop).await;
    b.goto(&site.url("/bob/")).await;
    b.find("form.password-card").await;
    assert!(b
        .eval("document.getElementById('player') === null")
        .await
        .as_bool()
        .unwrap());
    assert!(b
        .eval("document.querySelector('[role=alert]') === null")
        .await
        .as_bool()
        .unwrap());

    b.type_into("#streampass", &format!("wrong{}", Key::Enter))
        .await;
    b.wait_until(
        "document.querySelector('[role=alert]')",
        "the wrong-password error",
    )
    .await;
    let error = b
        .eval("document.querySelector('[role=alert]').textContent")
        .await;
    assert!(
        error.as_str().unwrap().to_lowercase().contains("wrong"),
        "{error}"
    );
    assert_eq!(
        b.eval("document.getElementById('streampass').getAttribute('aria-invalid')")
            .await,
        "true"
    );

    b.type_into("#streampass", &format!("letmein{}", Key::Enter))
        .await;
    b.wait_until("document.getElementById('player')", "the stream page")
        .await;
    let name = b
        .eval("document.querySelector('.streamer-name').firstChild.textContent.trim()")
        .await;
    assert_eq!(name, "Bob");
    assert!(b
        .eval("!!document.querySelector('.streamer-name .lock')")
        .await
        .as_bool()
        .unwrap());
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
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "",
        &[
            &["streamer", "add", "--username", "Amy", "--key", "amykey"],
            &[
                "streamer",
                "description",
                "--username",
                "Amy",
                "--description",
                "Building a streaming site in Rust — ask me anything! https://example.com/rs",
            ],
            &[
                "streamer",
                "add",
                "--username",
                "bob_the_builder",
                "--key",
                "bobkey",
            ],
            &[
                "streamer",
                "password",
                "--username",
                "bob_the_builder",
                "--password",
                "pw",
            ],
            &[
                "streamer",
                "add",
                "--username",
                "carol",
                "--key",
                "carolkey",
            ],
            &[
                "emote",
                "add",
                "--alias",
                "party",
                "--uri",
                "/static/favicon.svg",
            ],
        ],
    )
    .await;
    let live = site.publish("amykey");
    std::fs::write(site.hls_dir().join("bobkey.m3u8"), PLAYLIST).unwrap();

    let host = driver.browser(Size::Desktop).await;
    host.goto(&site.url("/amy/")).await;
    host.start_login("Amy", 0).await;
    host.wait_until(
        "!document.getElementById('key-form').hidden",
        "the key prompt",
    )
    .await;
    host.type_into("#key-input", &format!("amykey{}", Key::Enter))
        .await;
    host.wait_until(
        "!document.getElementById('composer').hidden",
        "the streamer joined",
    )
    .await;
    let chatter = driver.browser(Size::Desktop).await;
    chatter.goto(&site.url("/amy/")).await;
    chatter.join("sam", 5).await;

    for (size, name, color) in [(Size::Desktop, "desktop", 8), (Size::Phone, "phone", 2)] {
        let b = driver.browser(size).await;
        b.goto(&site.url("/amy/")).await;
        // The streamer's name asks for the key; Back returns to the login form.
        b.start_login("amy", color).await;
        b.wait_until(
            "!document.getElementById('key-form').hidden",
            "the key prompt",
        )
        .await;
        b.screenshot(&screenshot_dir().join(format!("key-prompt-{name}.png")))
            .await;
        b.click("#key-cancel").await;
        b.join(&format!("viewer_{name}"), color).await;
        host.say("welcome everyone :wave: the stream starts now")
            .await;
        chatter.say("hype :party: :party:").await;
        chatter.say("/me grabs popcorn :popcorn:").await;
        host.say(&format!(
            "hi @viewer_{name}! check https://example.com/docs"
        ))
        .await;
        b.wait_line(".line-message", "check https://example.com/docs")
            .await;
        if live.is_some() {
            b.wait_until(
                "document.getElementById('player').dataset.state === 'playing'",
                "playback",
            )
            .await;
        }
        // Nothing sticks out sideways at this size.
        let overflow = b
            .eval("document.documentElement.scrollWidth - window.innerWidth")
            .await;
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{name}: page is wider than the window"
        );
        b.screenshot(&screenshot_dir().join(format!("stream-{name}.png")))
            .await;
        // The typing helpers and pictochat, open.
        b.click("#emoji-button").await;
        b.wait_until(
            "document.querySelectorAll('#emoji-picker [role=option]').length > 20",
            "the picker",
        )
        .await;
        b.screenshot(&screenshot_dir().join(format!("emoji-picker-{name}.png")))
            .await;
        b.type_into(".emoji-search", &Key::Escape).await;
        b.click("#draw-button").await;
        b.screenshot(&screenshot_dir().join(format!("draw-{name}.png")))
            .await;
        b.click("#draw-cancel").await;
        b.type_into("#chat-input", ":sm").await;
        b.wait_until(
            "!document.getElementById('typeahead').hidden",
            "suggestions",
        )
        .await;
        b.screenshot(&screenshot_dir().join(format!("typeahead-{name}.png")))
            .await;
        b.type_into("#chat-input", &Key::Escape).await;
        b.find("#chat-input").await.clear().await.unwrap();
        b.say("/theme light").await;
        b.wait_until(
            "document.documentElement.dataset.theme === 'light'",
            "the light theme",
        )
        .await;
        b.screenshot(&screenshot_dir().join(format!("stream-light-{name}.png")))
            .await;

        b.goto(&site.url("/")).await;
        b.screenshot(&screenshot_dir().join(format!("front-{name}.png")))
            .await;
        b.goto(&site.url("/bob_the_builder/")).await;
        b.type_into("#streampass", &format!("nope{}", Key::Enter))
            .await;
        b.wait_until("document.querySelector('[role=alert]')", "the error")
            .await;
        b.screenshot(&screenshot_dir().join(format!("password-{name}.png")))
            .await;
        b.close().await;
    }
    host.close().await;
    chatter.close().await;
}
