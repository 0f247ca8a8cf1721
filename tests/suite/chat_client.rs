//! A chat client for the tests: a WebSocket speaking SPEC §5 to a running `rsstreaming serve`.
#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame it expects.
pub const WAIT: Duration = Duration::from_secs(5);

pub struct Chat {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// `ws://127.0.0.1:PORT/ws` of a server whose base is `http://127.0.0.1:PORT`.
pub fn ws_url(base: &str) -> String {
    format!("{}/ws", base.replacen("http://", "ws://", 1))
}

impl Chat {
    pub async fn connect(base: &str) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(ws_url(base))
            .await
            .expect("websocket connect");
        Self { ws }
    }

    /// Connects sending a `Cookie` header, as a browser holding a viewer pass does.
    pub async fn connect_with_cookie(base: &str, cookie: &str) -> Self {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = ws_url(base).into_client_request().expect("request");
        req.headers_mut()
            .insert("cookie", cookie.parse().expect("cookie header"));
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("websocket connect");
        Self { ws }
    }

    /// Connects and logs in; returns the client and the `login success` data.
    pub async fn login(base: &str, streamer: &str, name: &str) -> (Self, Value) {
        let mut c = Self::connect(base).await;
        c.send(
            "login",
            json!({"streamer": streamer, "username": name, "color": "red"}),
        )
        .await;
        let data = c.expect("login success").await;
        (c, data)
    }

    /// Connects and logs in as the streamer with the key.
    pub async fn admin(base: &str, streamer: &str, key: &str) -> Self {
        let mut c = Self::connect(base).await;
        c.send(
            "login",
            json!({"streamer": streamer, "username": streamer, "color": "blue", "key": key}),
        )
        .await;
        c.expect("login success").await;
        c.expect_msg("server", "admin rights").await;
        c
    }

    pub async fn send(&mut self, event: &str, data: Value) {
        self.send_raw(&json!({"event": event, "data": data}).to_string())
            .await;
    }

    pub async fn say(&mut self, text: &str) {
        self.send("message", json!({"message": text})).await;
    }

    pub async fn send_raw(&mut self, text: &str) {
        self.ws
            .send(Message::Text(text.into()))
            .await
            .expect("send");
    }

    /// The next event frame within `within`, or `None`.
    pub async fn next_within(&mut self, within: Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let m = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()??;
            match m {
                Ok(Message::Text(t)) => {
                    let v: Value = serde_json::from_str(&t).expect("server frames are JSON");
                    let event = v["event"]
                        .as_str()
                        .expect("frames have an event")
                        .to_string();
                    return Some((event, v["data"].clone()));
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => continue,
            }
        }
    }

    pub async fn next(&mut self) -> (String, Value) {
        self.next_within(WAIT).await.expect("a frame within 5 s")
    }

    /// Skips frames until `event` arrives; its data.
    pub async fn expect(&mut self, event: &str) -> Value {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some((e, d)) if e == event => return d,
                Some(other) => seen.push(other),
                None => panic!("no `{event}` within 5 s; got {seen:?}"),
            }
        }
    }

    /// Skips frames until `event` with `data.message == message`; its data.
    pub async fn expect_line(&mut self, event: &str, message: &str) -> Value {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some((e, d)) if e == event && d["message"] == message => return d,
                Some(other) => seen.push(other),
                None => panic!("no `{event}` {message:?} within 5 s; got {seen:?}"),
            }
        }
    }

    /// Skips frames until a `server` (or other `event`) line containing `text`.
    pub async fn expect_msg(&mut self, event: &str, text: &str) -> String {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some((e, d))
                    if e == event && d["msg"].as_str().is_some_and(|m| m.contains(text)) =>
                {
                    return d["msg"].as_str().unwrap().to_string()
                }
                Some(other) => seen.push(other),
                None => panic!("no `{event}` with {text:?} within 5 s; got {seen:?}"),
            }
        }
    }

    /// Every frame arriving within `within`.
    pub async fn drain(&mut self, within: Duration) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return out;
            }
            match self.next_within(left).await {
                Some(f) => out.push(f),
                None => return out,
            }
        }
    }

    /// Asserts nothing of `event` arrives within `within`.
    pub async fn expect_none(&mut self, event: &str, within: Duration) {
        let frames = self.drain(within).await;
        assert!(
            frames.iter().all(|(e, _)| e != event),
            "unexpected `{event}` in {frames:?}"
        );
    }

    /// Sends a command line and returns the `server` lines answering it (until quiet).
    pub async fn command(&mut self, line: &str) -> Vec<String> {
        self.say(line).await;
        let first = self.expect("server").await;
        let mut lines = vec![first["msg"].as_str().unwrap_or_default().to_string()];
        for (e, d) in self.drain(Duration::from_millis(300)).await {
            if e == "server" {
                lines.push(d["msg"].as_str().unwrap_or_default().to_string());
            }
        }
        lines
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
