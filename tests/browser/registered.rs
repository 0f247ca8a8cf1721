//! A registered name on the page (SPEC §8): the login form asks for its password in the
//! secret prompt (labelled for it, focused, a wrong one refused in place), and the composer
//! hint says when only registered names may chat.

use crate::site::amy_with_key;
use fantoccini::key::Key;
use rsstreaming_testkit::browser::{Driver, Size};

const KEY: &str = "amy-names-key";
const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn a_registered_name_asks_for_its_password_and_chatmode_shows_over_the_composer() {
    let Some((driver, site)) = Driver::with_site(amy_with_key(KEY)).await else {
        return;
    };
    let first = driver.open(Size::Phone, &site.url("/amy/")).await;
    first.join("reggie", 3).await;
    first.say(&format!("/register {PASSWORD}")).await;
    let amy = driver.open(Size::Desktop, &site.url("/amy/")).await;
    amy.join_as_streamer("amy", 2, KEY).await;
    first.wait_server("is registered").await;
    // The name is freed (a rename leaves the registration), then asked for again elsewhere.
    first.say("/name someone").await;
    amy.wait_line(".line-event", "someone").await;

    let phone = driver.open(Size::Phone, &site.url("/amy/")).await;
    phone.start_login("reggie", 4).await;
    phone.wait_shown("key-form", "the password prompt").await;
    let prompt = phone
        .eval("[document.getElementById('key-title').textContent, document.getElementById('key-label').textContent, document.getElementById('key-prompt').textContent, document.activeElement.id]")
        .await;
    assert_eq!(
        prompt,
        serde_json::json!([
            "Registered name",
            "Password",
            "“reggie” is a registered name. Enter its password to log in.",
            "key-input"
        ])
    );
    phone
        .type_into("#key-input", &format!("not the password{}", Key::Enter))
        .await;
    let refused = "(e => !e.hidden && e.textContent.includes('Invalid password'))(document.getElementById('key-error'))";
    phone.wait_until(refused, "the wrong-password error").await;
    phone.find("#key-input").await.clear().await.unwrap();
    phone
        .type_into("#key-input", &format!("{PASSWORD}{}", Key::Enter))
        .await;
    phone
        .wait_shown("composer", "the registered name joined")
        .await;
    let cleared = phone
        .eval("document.getElementById('key-input').value")
        .await;
    assert_eq!(cleared, "", "the password is gone from the page once used");

    amy.say("/chatmode registered").await;
    let hint = "(h => !h.hidden && h.textContent === 'Only registered names may chat')(document.getElementById('composer-hint'))";
    first.wait_until(hint, "the registered-only hint").await;
    phone.wait_until(hint, "the registered-only hint").await;
    first.say("may I?").await;
    first
        .wait_server("Only registered names may chat here")
        .await;
    phone.say("I may").await;
    amy.wait_line(".line-message", "I may").await;
}
