//! Two real browsers chatting through the real gateway.

use crate::site::{amy, PARTY};
use fantoccini::actions::{
    InputSource, MouseActions, PointerAction, TouchActions, MOUSE_BUTTON_LEFT,
};
use fantoccini::elements::Element;
use rsstreaming_testkit::browser::{Driver, Size};

/// A press at `start` (from the element's centre), a move by each of `moves`, and a release:
/// a stroke with the mouse, a swipe with a finger, or (no moves) a tap.
fn stroke<S>(source: S, element: Element, start: (f64, f64), moves: &[(f64, f64)]) -> S
where
    S: InputSource<Action = PointerAction>,
{
    let (x, y) = start;
    let element = PointerAction::MoveToElement {
        element,
        duration: None,
        x,
        y,
    };
    let button = MOUSE_BUTTON_LEFT;
    let pressed = source.then(element).then(PointerAction::Down { button });
    let moved = moves.iter().fold(pressed, |s, &(x, y)| {
        s.then(PointerAction::MoveBy {
            duration: None,
            x,
            y,
        })
    });
    moved.then(PointerAction::Up { button })
}

#[tokio::test]
async fn two_browsers_chat_with_messages_actions_emoji_emotes_and_drawings() {
    let Some((driver, site)) = Driver::with_site(amy().emote(PARTY.0, PARTY.1)).await else {
        return;
    };
    let page = site.url("/amy/");
    let alice = driver.open(Size::Desktop, &page).await;
    let bob = driver.open(Size::Phone, &page).await;

    alice.join("alice", 0).await;
    let alice_color = alice
        .eval("document.querySelectorAll('#login-colors input')[0].value")
        .await;
    alice
        .wait_line(".line-info", "You joined the chat as alice")
        .await;
    bob.join("bob", 7).await;
    alice.wait_line(".line-event", "bob joined the chat").await;

    // A plain line with a link and markup that must stay text.
    alice
        .say("hello https://example.com/x?y=1. <img src=x onerror=alert(1)>")
        .await;
    bob.wait_line(".line-message", "hello").await;
    let facts = "({ text: line.querySelector('.text').innerText, links: [...line.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.rel]), imgs: line.querySelectorAll('img').length, name: line.querySelector('.name').textContent, color: line.querySelector('.name').style.getPropertyValue('--c') })";
    let line = bob.with_line(".line-message", "hello", facts).await;
    assert_eq!(
        line["text"],
        "hello https://example.com/x?y=1. <img src=x onerror=alert(1)>"
    );
    assert_eq!(
        line["links"],
        serde_json::json!([[
            "https://example.com/x?y=1",
            "noopener noreferrer nofollow ugc"
        ]])
    );
    assert_eq!(line["imgs"], 0, "markup in a message is never interpreted");
    assert_eq!(line["name"], "alice");
    assert_eq!(line["color"], alice_color, "names are drawn in their color");

    // /me, an emoji shortcode (converted by the server) and a custom emote (drawn by the page).
    alice.say("/me waves").await;
    bob.wait_line(".line-action", "* alice waves").await;
    bob.say("nice :smile: :party:").await;
    alice.wait_line(".line-message", "nice 😄").await;
    let emote = alice
        .with_line(
            ".line-message",
            "nice",
            "[...line.querySelectorAll('img.emote')].map(i => [i.alt, new URL(i.src).pathname])",
        )
        .await;
    assert_eq!(
        emote,
        serde_json::json!([[":party:", "/static/favicon.svg"]])
    );

    // Pictochat with the mouse on a desktop...
    alice.click("#draw-button").await;
    alice.wait_shown("draw-panel", "the drawing panel").await;
    let canvas = alice.find("#draw-canvas").await;
    let mouse = MouseActions::new("mouse".into());
    let drawn = stroke(
        mouse,
        canvas,
        (-80.0, -20.0),
        &[(60.0, 30.0), (80.0, -20.0)],
    );
    alice.client.perform_actions(drawn).await.expect("draw");
    alice.click("#draw-send").await;
    for b in [&alice, &bob] {
        b.wait_until(
            "[...document.querySelectorAll('#messages img.drawing')].some(i => i.alt === 'Drawing by alice' && i.complete && i.naturalWidth === 240 && i.naturalHeight === 120)",
            "alice's drawing",
        )
        .await;
    }
    // ...and with a finger on a phone.
    bob.click("#draw-button").await;
    let canvas = bob.find("#draw-canvas").await;
    let swipe = stroke(
        TouchActions::new("finger".into()),
        canvas,
        (-40.0, 0.0),
        &[(80.0, 20.0)],
    );
    bob.client.perform_actions(swipe).await.expect("touch draw");
    // A tap right after drawing must reach the button (no scroll gesture swallowing it).
    let send = bob.find("#draw-send").await;
    let tap = stroke(TouchActions::new("finger".into()), send, (0.0, 0.0), &[]);
    bob.client.perform_actions(tap).await.expect("tap send");
    alice
        .wait_until(
            "[...document.querySelectorAll('#messages img.drawing')].some(i => i.alt === 'Drawing by bob' && i.naturalWidth === 240)",
            "bob's drawing",
        )
        .await;
    // The drawing has ink, not just paper.
    let inked = alice
        .exec(
            "const img = [...document.querySelectorAll('#messages img.drawing')].find(i => i.alt === 'Drawing by bob');
             const c = document.createElement('canvas'); c.width = 240; c.height = 120;
             const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
             const d = ctx.getImageData(0, 0, 240, 120).data;
             let ink = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
             return ink;",
            vec![],
        )
        .await;
    assert!(
        inked.as_i64().unwrap() > 50,
        "the drawing has strokes: {inked}"
    );

    // Scrolled up, new lines show the "new messages" marker instead of moving the list.
    bob.say("/help").await;
    bob.wait_line(".line-server", "/me").await;
    let scrollable = bob
        .eval("(m => m.scrollHeight > m.clientHeight + 40)(document.getElementById('messages'))")
        .await;
    assert_eq!(scrollable, true, "enough lines to scroll");
    bob.exec(
        "const m = document.getElementById('messages'); m.scrollTop = 0; m.dispatchEvent(new Event('scroll'));",
        vec![],
    )
    .await;
    alice.say("are you still there?").await;
    bob.wait_line(".line-message", "are you still there?").await;
    bob.wait_shown("new-messages", "the new-messages marker")
        .await;
    assert_eq!(
        bob.eval("document.getElementById('messages').scrollTop")
            .await,
        0
    );
    bob.click("#new-messages").await;
    bob.wait_until(
        "(m => document.getElementById('new-messages').hidden && m.scrollHeight - m.scrollTop - m.clientHeight < 32)(document.getElementById('messages'))",
        "the marker gone and the list at the bottom",
    )
    .await;

    // Leaving is seen by the others.
    bob.close().await;
    alice.wait_line(".line-event", "bob left the chat").await;
    alice.close().await;
}
