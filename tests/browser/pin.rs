//! The room's rules on the page: the pinned message above the chat (links safe, live, gone on
//! `/unpin`) and the slow-mode / emote-only hint over the composer, on a phone too.

use crate::site::amy_with_key;
use rsstreaming_testkit::browser::{Driver, Size};
use serde_json::json;

const KEY: &str = "amy-pin-key";

/// The pin box as the page shows it: shown or not, its text, its link, and whether it sits
/// above the message list.
const PIN: &str = "(() => { const p = document.getElementById('pinned'); const a = p.querySelector('a'); \
    const above = p.getBoundingClientRect().bottom <= document.getElementById('messages').getBoundingClientRect().top + 1; \
    return { shown: !p.hidden && p.offsetHeight > 0, text: document.getElementById('pinned-text').textContent, \
    href: a && a.href, rel: a && a.rel, live: p.getAttribute('aria-live'), above }; })()";

#[tokio::test]
async fn the_pin_shows_above_the_chat_and_goes_on_unpin_and_modes_show_over_the_composer() {
    let Some((driver, site)) = Driver::with_site(amy_with_key(KEY)).await else {
        return;
    };
    let amy = driver.open(Size::Desktop, &site.url("/amy/")).await;
    let viewer = driver.open(Size::Phone, &site.url("/amy/")).await;
    amy.join_as_streamer("amy", 2, KEY).await;
    viewer.join("viewer", 3).await;
    let hidden = viewer
        .eval("document.getElementById('pinned').hidden")
        .await;
    assert_eq!(hidden, true, "no pin, no box");

    amy.say("/pin Be kind :smile: rules at https://example.org/rules <b>x</b>")
        .await;
    viewer.wait_shown("pinned", "the pin").await;
    let pin = viewer.eval(PIN).await;
    let text = "Be kind 😄 rules at https://example.org/rules <b>x</b>";
    assert_eq!(
        pin,
        json!({"shown": true, "text": text, "href": "https://example.org/rules", "rel": "noopener noreferrer nofollow ugc", "live": "polite", "above": true})
    );

    // A newcomer sees it at once; /unpin takes it away everywhere.
    let late = driver.open(Size::Desktop, &site.url("/amy/")).await;
    late.join("late", 4).await;
    late.wait_shown("pinned", "the pin for a newcomer").await;
    amy.say("/unpin").await;
    let gone = "document.getElementById('pinned').hidden";
    viewer.wait_until(gone, "the pin gone").await;
    late.wait_until(gone, "the pin gone for the newcomer").await;

    // Slow mode and emote-only show as a hint over the composer, and go when lifted.
    let hint = "document.getElementById('composer-hint')";
    amy.say("/slow 90").await;
    viewer
        .wait_shown("composer-hint", "the slow-mode hint")
        .await;
    amy.say("/emoteonly on").await;
    let both = format!("{hint}.textContent === 'Slow mode: one message every 1 min 30 s · Emote-only: emoji and emotes only'");
    viewer.wait_until(&both, "both hints").await;
    let above = viewer
        .eval(&format!("{hint}.getBoundingClientRect().bottom <= document.getElementById('chat-input').getBoundingClientRect().top"))
        .await;
    assert_eq!(above, true, "the hint sits over the composer");
    viewer.say("hello").await;
    viewer.wait_server("Emote-only mode").await;
    amy.say("/slow off").await;
    amy.say("/emoteonly off").await;
    viewer
        .wait_until(&format!("{hint}.hidden"), "the hint gone")
        .await;
}
