//! Being sent out of the chat, on the page: a kick brings the login form back (and one may
//! join again); a ban shows why and until when in place of the composer, on a phone too.

use crate::site::amy_with_key;
use rsstreaming_testkit::browser::{Driver, Size};
use serde_json::json;

const KEY: &str = "amy-sanctions-key";

/// What the banned page shows: the notice (an alert), its text, and what else is open.
const BANNED: &str = "(() => { const n = document.getElementById('sanction-notice'); \
    return { shown: !n.hidden && n.offsetHeight > 0, role: n.getAttribute('role'), \
    text: document.getElementById('sanction-text').textContent, \
    composer: !document.getElementById('composer').hidden, \
    login: !document.getElementById('login-form').hidden }; })()";

#[tokio::test]
async fn a_kick_brings_the_login_form_back_and_a_ban_says_until_when() {
    let Some((driver, site)) = Driver::with_site(amy_with_key(KEY)).await else {
        return;
    };
    let page = site.url("/amy/");
    let [amy, bob] = [Size::Desktop, Size::Phone].map(|size| driver.open(size, &page));
    let (amy, bob) = (amy.await, bob.await);
    amy.join_as_streamer("amy", 2, KEY).await;
    bob.join("bob", 3).await;

    amy.say("/kick bob").await;
    bob.wait_shown("login-form", "the login form after a kick")
        .await;
    bob.wait_line(".line-error", "You were removed from the chat by Amy.")
        .await;
    let focus = bob.eval("document.activeElement.id").await;
    assert_eq!(focus, "login-name", "the nickname field has the focus");
    bob.join("bob", 3).await;

    amy.say("/ban bob 1h spamming links").await;
    bob.wait_shown("sanction-notice", "the ban notice").await;
    let shown = bob.eval(BANNED).await;
    let text = shown["text"].as_str().unwrap_or_default().to_string();
    assert!(
        text.starts_with("You are banned from this chat until "),
        "{text}"
    );
    assert!(text.ends_with(". Reason: spamming links"), "{text}");
    assert_eq!(
        shown,
        json!({"shown": true, "role": "alert", "text": text, "composer": false, "login": false})
    );
    amy.wait_server("User 'bob' has been banned.").await;
}
