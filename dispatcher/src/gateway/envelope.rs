//! The cross-instance envelope: what one instance publishes on a room's channel so that
//! every instance (itself included) delivers the frame to its own sockets of the room.

use bytes::{BufMut, Bytes, BytesMut};
use rsstreaming_shared::chat::{Member, Outgoing};
use serde::{Deserialize, Serialize};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Routing of a room payload: who gets the frame, and which cached entry it updates.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Everyone but this socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub except: Option<String>,
    /// Only this socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only: Option<String>,
    /// The new roster entry of a chatter, for the instance holding its socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<Member>,
    /// The socket of `only` leaves its room once it has the frame (a kick).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leave: bool,
}

/// Seals a room payload: the route as one JSON line, then the frame exactly as sockets receive it —
/// so instances forward the frame's bytes without decoding or re-encoding them.
pub fn seal(route: &Route, out: &Outgoing) -> Bytes {
    let json = out.to_json();
    let mut buf = BytesMut::with_capacity(json.len() + 64);
    if *route != Route::default() {
        // A route never contains a raw newline: JSON escapes it.
        buf.put_slice(serde_json::to_string(route).unwrap_or_default().as_bytes());
    }
    buf.put_u8(b'\n');
    buf.put_slice(json.as_bytes());
    buf.freeze()
}

/// Splits a room payload into its route and its frame.
pub fn open(payload: Bytes) -> Option<(Route, Message)> {
    let nl = payload.iter().position(|&b| b == b'\n')?;
    let route = if nl == 0 {
        Route::default()
    } else {
        serde_json::from_slice(&payload[..nl]).ok()?
    };
    let text = Utf8Bytes::try_from(payload.slice(nl + 1..)).ok()?;
    Some((route, Message::Text(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::socket::frame;
    use rsstreaming_shared::chat::ChatterType;

    #[test]
    fn envelopes_round_trip() {
        let out = Outgoing::server("line\nbreak");
        let (route, msg) = open(seal(&Route::default(), &out)).unwrap();
        assert_eq!(route, Route::default());
        assert_eq!(msg, frame(&out));
        let route = Route {
            only: Some("a.1".into()),
            set: Some(Member::new("a.1", "x\ny", ChatterType::Normal, "#000000")),
            ..Route::default()
        };
        let (back, msg) = open(seal(&route, &out)).unwrap();
        assert_eq!((back, msg), (route, frame(&out)));
        assert!(open(Bytes::from_static(b"no newline")).is_none());
        assert!(open(Bytes::from_static(b"{bad\n{}")).is_none());
    }
}
