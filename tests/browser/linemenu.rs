//! The moderators' line menu and the room's history on the page: the streamer deletes a
//! viewer's line from its menu (opened by the button or the name, worked by keyboard) and it
//! leaves every page; a newcomer sees the history between its dividers, without the deleted line.

use crate::site::amy_with_key;
use fantoccini::key::Key;
use rsstreaming_testkit::browser::{Browser, Driver, Size};
use serde_json::json;

const KEY: &str = "amy-menu-key";

/// The line holding `text` on `page`, as a JavaScript expression (null once it is gone).
fn line_with(text: &str) -> String {
    format!(
        "[...document.querySelectorAll('#messages .line')].find(l => l.textContent.includes({}))",
        serde_json::to_string(text).unwrap()
    )
}

/// What the menu shows now: open or not, the focused item, the visible items.
async fn menu_state(page: &Browser) -> serde_json::Value {
    page.eval("(() => { const m = document.getElementById('line-menu'); return { open: !m.hidden, focus: document.activeElement.dataset.action ?? document.activeElement.className, items: [...m.querySelectorAll('button')].filter(b => !b.hidden).map(b => b.dataset.action) }; })()")
        .await
}

#[tokio::test]
async fn the_streamer_deletes_a_line_from_its_menu_and_newcomers_get_history() {
    let Some((driver, site)) = Driver::with_site(amy_with_key(KEY)).await else {
        return;
    };
    let page = site.url("/amy/");
    let amy = driver.open(Size::Desktop, &page).await;
    amy.join_as_streamer("amy", 2, KEY).await;
    let troll = driver.open(Size::Phone, &page).await;
    troll.join("troll", 4).await;
    troll.say("keep this").await;
    troll.say("delete this").await;
    amy.wait_line(".line-message", "delete this").await;

    // Only staff see the menu buttons.
    let shown = |page: &str| {
        format!("getComputedStyle({page}.querySelector('.line-menu-button')).display !== 'none'")
    };
    let troll_sees = troll.eval(&shown(&line_with("keep this"))).await;
    let amy_sees = amy.eval(&shown(&line_with("keep this"))).await;
    assert_eq!((troll_sees, amy_sees), (json!(false), json!(true)));

    // The button opens the menu on its first item; arrows move, Escape closes back to the button.
    let button = format!(
        "{}.querySelector('.line-menu-button')",
        line_with("delete this")
    );
    amy.exec(&format!("{button}.click();"), vec![]).await;
    let state = menu_state(&amy).await;
    assert_eq!(
        state,
        json!({"open": true, "focus": "delete", "items": ["delete", "timeout", "ban"]})
    );
    let item = amy.find("#line-menu [data-action=delete]").await;
    item.send_keys(&Key::Down.to_string()).await.unwrap();
    assert_eq!(menu_state(&amy).await["focus"], "timeout");
    let focused = amy.find("#line-menu [data-action=timeout]").await;
    focused.send_keys(&Key::Escape.to_string()).await.unwrap();
    let state = menu_state(&amy).await;
    assert_eq!(
        (&state["open"], &state["focus"]),
        (&json!(false), &json!("line-menu-button"))
    );

    // A click on the name opens the same menu; Delete takes the line off every page.
    let name = format!("{}.querySelector('.name')", line_with("delete this"));
    amy.exec(&format!("{name}.click();"), vec![]).await;
    assert_eq!(menu_state(&amy).await["open"], true);
    amy.click("#line-menu [data-action=delete]").await;
    let gone = format!("{} === undefined", line_with("delete this"));
    troll
        .wait_until(&gone, "the line gone for the viewer")
        .await;
    amy.wait_until(&gone, "the line gone for the streamer")
        .await;

    // A newcomer gets the history between its dividers, the deleted line left out.
    let late = driver.open(Size::Phone, &page).await;
    late.join("late", 1).await;
    late.wait_line(".line-message", "keep this").await;
    let order = late
        .eval("[...document.querySelectorAll('#messages li')].filter(l => l.matches('.line-divider, .line-message')).map(l => l.classList.contains('line-divider') ? l.textContent : l.querySelector('.text').textContent)")
        .await;
    assert_eq!(order, json!(["Earlier messages", "keep this", "New"]));
    for page in [amy, troll, late] {
        page.close().await;
    }
}
