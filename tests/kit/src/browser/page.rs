//! What a viewer does on the stream page, as steps the tests share.

use super::Browser;
use fantoccini::key::Key;

/// `text` as a JavaScript string literal.
pub fn js(text: &str) -> String {
    serde_json::to_string(text).expect("string")
}

impl Browser {
    /// Fills in the login form (nickname, the `color_index`-th color) and joins the chat.
    pub async fn join(&self, name: &str, color_index: usize) {
        self.start_login(name, color_index).await;
        self.wait_shown("composer", &format!("{name} joined")).await;
    }

    /// Logs in under the streamer's name: the page asks for the key, which joins as admin.
    pub async fn join_as_streamer(&self, name: &str, color_index: usize, key: &str) {
        self.start_login(name, color_index).await;
        self.wait_shown("key-form", "the key prompt").await;
        self.type_into("#key-input", &format!("{key}{}", Key::Enter))
            .await;
        self.wait_shown("composer", "the streamer joined").await;
    }

    /// Waits until the element with this id is not `hidden`.
    pub async fn wait_shown(&self, id: &str, what: &str) {
        let expr = format!("!document.getElementById({}).hidden", js(id));
        self.wait_until(&expr, what).await;
    }

    /// Waits until the player plays.
    pub async fn wait_playing(&self) {
        let expr = "document.getElementById('player').dataset.state === 'playing'";
        self.wait_until(expr, "playback").await;
    }

    /// Waits until the page shows `theme`.
    pub async fn wait_theme(&self, theme: &str) {
        let expr = format!("document.documentElement.dataset.theme === {}", js(theme));
        self.wait_until(&expr, &format!("the {theme} theme")).await;
    }

    /// Asserts the value of each JavaScript expression.
    pub async fn assert_values(&self, expected: &[(&str, serde_json::Value)]) {
        for (expr, value) in expected {
            assert_eq!(&self.eval(expr).await, value, "{expr}");
        }
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

    /// Waits for a server line (an answer to a command) containing `text`.
    pub async fn wait_server(&self, text: &str) {
        self.wait_line(".line-server", text).await;
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

    /// The sender's name on the last message line containing `text`.
    pub async fn line_name(&self, text: &str) -> serde_json::Value {
        self.with_line(
            ".line-message",
            text,
            "line.querySelector('.name').textContent",
        )
        .await
    }
}
