//! A chat client for the tests: a WebSocket speaking SPEC §5 to a running site's `/ws`.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame it expects.
pub const WAIT: Duration = Duration::from_secs(5);

/// One frame from the server: its event name and data.
pub type Frame = (String, Value);

/// One chat connection.
pub struct Chat {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// `ws://127.0.0.1:PORT/ws` of a site whose base is `http://127.0.0.1:PORT`.
pub fn ws_url(base: &str) -> String {
    format!("{}/ws", base.replacen("http://", "ws://", 1))
}

/// The `login` data for `name` in `streamer`'s room.
pub fn login(streamer: &str, name: &str) -> Value {
    json!({"streamer": streamer, "username": name, "color": "red"})
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
        Self::connect_with(base, &[("cookie", cookie)])
            .await
            .expect("websocket connect")
    }

    /// Connects sending `headers` with the handshake (`Origin`, `Cookie`...); the HTTP status
    /// of a refused handshake.
    pub async fn connect_with(base: &str, headers: &[(&str, &str)]) -> Result<Self, u16> {
        use tokio_tungstenite::tungstenite::Error;
        let mut req = ws_url(base).into_client_request().expect("request");
        for (name, value) in headers {
            let name = http::HeaderName::from_bytes(name.as_bytes()).expect("header name");
            req.headers_mut()
                .insert(name, value.parse().expect("header value"));
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(Self { ws }),
            Err(Error::Http(r)) => Err(r.status().as_u16()),
            Err(e) => panic!("websocket connect: {e}"),
        }
    }

    /// Connects as a client at `addr` behind one trusted proxy hop (`X-Forwarded-For`; the
    /// site runs with `proxy_hops(1)`).
    pub async fn from_addr(base: &str, addr: &str) -> Self {
        Self::connect_with(base, &[("x-forwarded-for", addr)])
            .await
            .expect("websocket connect")
    }

    /// Opens the chat over a TCP connection the test made itself (to shape its buffers).
    pub async fn over(stream: TcpStream, base: &str) -> Self {
        let (ws, _) = tokio_tungstenite::client_async(ws_url(base), MaybeTlsStream::Plain(stream))
            .await
            .expect("websocket handshake");
        Self { ws }
    }

    /// Connects and logs in; returns the client and the `login success` data.
    pub async fn login(base: &str, streamer: &str, name: &str) -> (Self, Value) {
        let mut c = Self::connect(base).await;
        let data = c.log_in(streamer, name).await;
        (c, data)
    }

    /// Chatters logged in to `streamer`'s room one after another, one per name, each reading
    /// everything it gets from its login on (as a page does: a socket that stops reading falls
    /// behind and is dropped), until the [`Crowd`] is dropped.
    pub async fn crowd(
        base: &str,
        streamer: &str,
        names: impl IntoIterator<Item = String>,
    ) -> Crowd {
        let mut readers = Vec::new();
        for name in names {
            let mut c = Self::login(base, streamer, &name).await.0;
            readers.push(tokio::spawn(async move {
                while c.next_within(Duration::from_secs(3600)).await.is_some() {}
            }));
        }
        Crowd(readers)
    }

    /// Logs this connection in; the `login success` data.
    pub async fn log_in(&mut self, streamer: &str, name: &str) -> Value {
        self.send("login", login(streamer, name)).await;
        self.expect("login success").await
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

    /// Connects and says it views `streamer`'s page (a `presence` frame), as a page does.
    pub async fn viewer(base: &str, streamer: &str) -> Self {
        let mut c = Self::connect(base).await;
        c.send("presence", json!({"streamer": streamer})).await;
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

    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.ws
            .send(Message::Binary(bytes.to_vec().into()))
            .await
            .expect("send");
    }

    /// The next event frame within `within`, or `None`.
    pub async fn next_within(&mut self, within: Duration) -> Option<Frame> {
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

    /// How the server ended this connection: `Some(code)` of its close frame, `Some(0)` for a
    /// dropped connection, `None` when it stayed open for [`WAIT`].
    pub async fn closed_with(&mut self) -> Option<u16> {
        while let Ok(Some(m)) = tokio::time::timeout(WAIT, self.ws.next()).await {
            match m {
                Ok(Message::Close(Some(f))) => return Some(u16::from(f.code)),
                Err(_) => return Some(0),
                _ => {}
            }
        }
        None
    }

    /// Skips frames until one `wanted` arrives within [`WAIT`]; that frame's data. Panics with
    /// `what` and the frames seen.
    pub async fn expect_where(
        &mut self,
        what: &str,
        wanted: impl Fn(&str, &Value) -> bool,
    ) -> Value {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some((e, d)) if wanted(&e, &d) => return d,
                Some(other) => seen.push(other),
                None => panic!("no {what} within 5 s; got {seen:?}"),
            }
        }
    }

    /// Skips frames until `event` arrives; its data.
    pub async fn expect(&mut self, event: &str) -> Value {
        self.expect_where(&format!("`{event}`"), |e, _| e == event)
            .await
    }

    /// Skips frames until `event` with `data.message == message`; its data.
    pub async fn expect_line(&mut self, event: &str, message: &str) -> Value {
        self.expect_where(&format!("`{event}` {message:?}"), |e, d| {
            e == event && d["message"] == message
        })
        .await
    }

    /// Skips frames until a `server` (or other `event`) line whose `msg` contains `text`;
    /// that `msg`.
    pub async fn expect_msg(&mut self, event: &str, text: &str) -> String {
        let d = self
            .expect_where(&format!("`{event}` with {text:?}"), |e, d| {
                e == event && d["msg"].as_str().is_some_and(|m| m.contains(text))
            })
            .await;
        d["msg"].as_str().unwrap_or_default().to_string()
    }

    /// The `msg` of the next `error` frame.
    pub async fn expect_error(&mut self) -> Value {
        self.expect("error").await["msg"].clone()
    }

    /// Every frame arriving within `within`.
    pub async fn drain(&mut self, within: Duration) -> Vec<Frame> {
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

/// A real PNG of `w`×`h` noise as a data URL (noise keeps it from compressing): a drawing.
pub fn png_url(w: u32, h: u32) -> String {
    use base64::Engine;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("PNG header");
        let pixels: Vec<u8> = (0..w * h * 4).map(|_| rand::random::<u8>()).collect();
        writer.write_image_data(&pixels).expect("PNG data");
    }
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(out)
    )
}

/// Chatters in a room that read what they get and say nothing ([`Chat::crowd`]); they leave
/// when this is dropped.
pub struct Crowd(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Crowd {
    fn drop(&mut self) {
        for reader in &self.0 {
            reader.abort();
        }
    }
}
