//! Typing helpers: the `@` and `:` type-aheads and the emoji picker, driven by the keyboard;
//! `/theme` switching the page's theme.

use crate::site::{amy, PARTY};
use fantoccini::key::Key;
use rsstreaming_testkit::browser::{Browser, Driver, Size};
use serde_json::Value;

async fn input_value(b: &Browser) -> Value {
    b.eval("document.getElementById('chat-input').value").await
}

/// The visible suggestions' labels, or an empty list when the listbox is closed.
async fn suggestions(b: &Browser) -> Value {
    b.eval(
        "document.getElementById('typeahead').hidden ? [] : [...document.querySelectorAll('#typeahead-list [role=option]')].map(o => o.querySelector('.option-label').textContent)",
    )
    .await
}

/// The label of the option the combobox points at with aria-activedescendant.
async fn active_suggestion(b: &Browser) -> Value {
    b.eval(
        "(id => id && document.getElementById(id).querySelector('.option-label').textContent)(document.getElementById('chat-input').getAttribute('aria-activedescendant'))",
    )
    .await
}

#[tokio::test]
async fn user_and_emoji_type_ahead_and_the_picker_work_from_the_keyboard() {
    let Some((driver, site)) = Driver::with_site(amy().emote(PARTY.0, PARTY.1)).await else {
        return;
    };
    let alice = driver.browser(Size::Desktop).await;
    let bobby = driver.browser(Size::Desktop).await;
    let builder = driver.browser(Size::Desktop).await;
    for (b, name) in [
        (&alice, "alice"),
        (&bobby, "bobby"),
        (&builder, "bob_builder"),
    ] {
        b.goto(&site.url("/amy/")).await;
        b.join(name, 1).await;
    }
    alice
        .wait_line(".line-event", "bob_builder joined the chat")
        .await;

    // `@`: the users in the room (kept current from the roster and its deltas).
    alice.type_into("#chat-input", "hey @bo").await;
    alice.wait_shown("typeahead", "user suggestions").await;
    let mut names: Vec<String> = serde_json::from_value(suggestions(&alice).await).unwrap();
    names.sort();
    assert_eq!(names, ["bob_builder", "bobby"]);
    assert_eq!(
        alice
            .eval("document.getElementById('chat-input').getAttribute('aria-expanded')")
            .await,
        "true"
    );
    let first = active_suggestion(&alice).await;
    alice.type_into("#chat-input", &Key::Down).await;
    let second = active_suggestion(&alice).await;
    assert_ne!(first, second, "ArrowDown moves the selection");
    alice.type_into("#chat-input", &Key::Up).await;
    assert_eq!(
        active_suggestion(&alice).await,
        first,
        "ArrowUp moves it back"
    );
    alice.type_into("#chat-input", "bb").await;
    assert_eq!(suggestions(&alice).await, serde_json::json!(["bobby"]));
    alice.type_into("#chat-input", &Key::Tab).await;
    assert_eq!(input_value(&alice).await, "hey @bobby ");
    assert_eq!(suggestions(&alice).await, serde_json::json!([]));
    assert_eq!(
        alice
            .eval("document.getElementById('chat-input').getAttribute('aria-expanded')")
            .await,
        "false"
    );
    assert_eq!(
        alice.eval("document.activeElement.id").await,
        "chat-input",
        "Tab picked, focus stayed"
    );

    // `:`: gemoji names, completed to the emoji itself.
    alice.type_into("#chat-input", ":thumbsu").await;
    alice.wait_shown("typeahead", "emoji suggestions").await;
    assert_eq!(active_suggestion(&alice).await, ":thumbsup:");
    alice.type_into("#chat-input", &Key::Enter).await;
    assert_eq!(input_value(&alice).await, "hey @bobby 👍 ");

    // Escape closes without changing the text.
    alice.type_into("#chat-input", ":smi").await;
    alice.wait_shown("typeahead", "emoji suggestions").await;
    alice.type_into("#chat-input", &Key::Escape).await;
    assert_eq!(suggestions(&alice).await, serde_json::json!([]));
    assert_eq!(input_value(&alice).await, "hey @bobby 👍 :smi");
    for _ in 0..4 {
        alice.type_into("#chat-input", &Key::Backspace).await;
    }

    // Custom emotes come first and complete to their :alias:.
    alice.type_into("#chat-input", ":par").await;
    alice.wait_shown("typeahead", "emote suggestions").await;
    assert_eq!(active_suggestion(&alice).await, ":party:");
    alice.type_into("#chat-input", &Key::Tab).await;
    assert_eq!(input_value(&alice).await, "hey @bobby 👍 :party: ");

    // The emoji picker: search, arrows, Enter.
    alice.click("#emoji-button").await;
    alice.wait_shown("emoji-picker", "the emoji picker").await;
    assert_eq!(
        alice
            .eval("document.activeElement.classList.contains('emoji-search')")
            .await,
        true
    );
    alice
        .wait_until(
            "document.querySelectorAll('#emoji-picker [role=tab]').length >= 9",
            "categories",
        )
        .await;
    let selected =
        "document.querySelector('#emoji-picker [role=option][aria-selected=true]')?.title ?? null";
    let first = alice.eval(selected).await;
    alice.type_into(".emoji-search", &Key::Right).await;
    let second = alice.eval(selected).await;
    assert_ne!(
        first, second,
        "ArrowRight in an empty search moves through the grid"
    );
    alice.type_into(".emoji-search", &Key::Left).await;
    assert_eq!(alice.eval(selected).await, first, "ArrowLeft moves back");
    alice.type_into(".emoji-search", "rocket").await;
    alice
        .wait_until("document.querySelector('#emoji-picker [role=option][aria-selected=true]')?.title === ':rocket:'", "the rocket")
        .await;
    alice.type_into(".emoji-search", &Key::Enter).await;
    alice
        .wait_until(
            "document.getElementById('emoji-picker').hidden",
            "the picker closed",
        )
        .await;
    assert_eq!(input_value(&alice).await, "hey @bobby 👍 :party: 🚀");
    assert_eq!(alice.eval("document.activeElement.id").await, "chat-input");

    alice.type_into("#chat-input", &Key::Enter).await;
    bobby.wait_line(".line-message", "hey @bobby 👍").await;
    let facts = "({ mention: line.classList.contains('mention'), emotes: line.querySelectorAll('img.emote').length, text: line.querySelector('.text').innerText })";
    let line = bobby.with_line(".line-message", "hey @bobby", facts).await;
    assert_eq!(line["mention"], true, "a line naming me is highlighted");
    assert_eq!(line["emotes"], 1);
    assert!(line["text"].as_str().unwrap().ends_with("🚀"), "{line}");

    // The roster follows renames: the old name is no longer offered.
    bobby.say("/name robert").await;
    alice
        .wait_line(".line-event", "bobby is now known as robert")
        .await;
    alice.type_into("#chat-input", "@ro").await;
    alice.wait_shown("typeahead", "user suggestions").await;
    assert_eq!(suggestions(&alice).await, serde_json::json!(["robert"]));
    alice.type_into("#chat-input", &Key::Escape).await;

    // /theme changes this page's theme and this browser remembers it.
    let before = alice.eval("document.documentElement.dataset.theme").await;
    assert_eq!(before, "default");
    alice.find("#chat-input").await.clear().await.unwrap();
    alice.say("/theme light").await;
    alice.wait_theme("light").await;
    assert_eq!(
        alice.eval("localStorage.getItem('rs.theme')").await,
        "light"
    );

    for b in [alice, bobby, builder] {
        b.close().await;
    }
}
