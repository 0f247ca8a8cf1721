//! What a viewer does on the stream page, as steps the tests share.

#![allow(dead_code)]

use crate::driver::Browser;
use fantoccini::key::Key;

/// `text` as a JavaScript string literal.
pub fn js(text: &str) -> String {
    serde_json::to_string(text).expect("string")
}

impl Browser {
    /// Fills in the login form (nickname, the `color_index`-th color) and joins the chat.
    pub async fn join(&self, name: &str, color_index: usize) {
        self.start_login(name, color_index).await;
        self.wait_until(
            "!document.getElementById('composer').hidden",
            &format!("{name} joined"),
        )
        .await;
    }

    /// Fills in the login form and submits it, without waiting for the outcome.
    pub async fn start_login(&self, name: &str, color_index: usize) {
        let field = self.find("#login-name").await;
        field.clear().await.expect("clear");
        field.send_keys(name).await.expect("type name");
        self.exec(
            "document.querySelectorAll('#login-colors input')[arguments[0]].click();",
            vec![color_index.into()],
        )
        .await;
        self.click("#login-submit").await;
    }

    /// Types a line into the chat box and sends it with Enter.
    pub async fn say(&self, text: &str) {
        self.type_into("#chat-input", &format!("{text}{}", Key::Enter))
            .await;
        self.wait_until(
            "document.getElementById('chat-input').value === ''",
            "the line sent",
        )
        .await;
    }

    /// Waits for a chat line matching `selector` whose text contains `text`.
    pub async fn wait_line(&self, selector: &str, text: &str) {
        self.wait_until(
            &format!(
                "[...document.querySelectorAll('#messages {selector}')].some(l => l.innerText.includes({}))",
                js(text)
            ),
            &format!("a {selector} line with {text:?}"),
        )
        .await;
    }

    /// Evaluates `expr` with `line` bound to the last chat line matching `selector` that
    /// contains `text`.
    pub async fn with_line(&self, selector: &str, text: &str, expr: &str) -> serde_json::Value {
        self.eval(&format!(
            "(line => {expr})([...document.querySelectorAll('#messages {selector}')].filter(l => l.innerText.includes({})).pop())",
            js(text)
        ))
        .await
    }

    /// Whether any chat line contains `text`.
    pub async fn has_line(&self, text: &str) -> bool {
        self.chat_text().await.contains(text)
    }
}
