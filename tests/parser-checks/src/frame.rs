//! The chat frame parser (shared::chat::protocol): a frame or a short error, never a panic;
//! a frame written back out parses to itself.

use rsstreaming_shared::chat::Incoming;
use serde_json::{json, Value};

/// Most characters of error text a refused frame may produce, whatever its size (the reply
/// goes back to the sender: it must not echo a megabyte). Characters, not bytes: the parser
/// cuts at 120 characters, which the fuzzer showed can be 3 bytes each.
pub const MAX_ERROR_CHARS: usize = 256;

/// Parses `text` and checks what came out.
pub fn check(text: &str) {
    match Incoming::parse(text) {
        Ok(frame) => assert_round_trips(&frame),
        Err(e) => {
            let msg = e.to_string();
            let chars = msg.chars().count();
            assert!(chars <= MAX_ERROR_CHARS, "{chars} characters: {msg}");
        }
    }
}

/// The fuzz target `frame`: the bytes as one text frame.
pub fn fuzz(data: &[u8]) {
    check(&crate::text(data));
}

/// `frame`, sent the way a page sends it, parses to `frame` again.
pub fn assert_round_trips(frame: &Incoming) {
    let text = to_json(frame).to_string();
    assert_eq!(Incoming::parse(&text).as_ref(), Ok(frame), "{text}");
}

/// The frame a page sends for `frame`.
pub fn to_json(frame: &Incoming) -> Value {
    match frame {
        Incoming::Presence { streamer } => {
            json!({"event": "presence", "data": {"streamer": streamer}})
        }
        Incoming::Login {
            streamer: s,
            username: u,
            color: c,
            key: k,
            password: p,
        } => json!({"event": "login", "data": {
            "streamer": s, "username": u, "color": c, "key": k, "password": p}}),
        Incoming::Message { message } => {
            json!({"event": "message", "data": {"message": message}})
        }
        Incoming::Drawing { src } => json!({"event": "drawing", "data": {"src": src}}),
        Incoming::GetColor => json!({"event": "get color", "data": {}}),
        Incoming::GetUsers { offset } => json!({"event": "get users", "data": {"offset": offset}}),
        Incoming::FindUsers { prefix } => {
            json!({"event": "find users", "data": {"prefix": prefix}})
        }
    }
}
