//! The Python system's audit events mapped to ours (`store::event_kind`), so the history reads
//! as if rsstreaming had written it: `GET /api/messages` shows the old chats, stream starts
//! still split it into streams.
//!
//! | PyStreaming `type` | meta | ours |
//! |---|---|---|
//! | `start_streaming` | description, password | `stream_start` (the password is not carried over) |
//! | `stop_streaming` | | `stream_stop` |
//! | `viewer_count` | viewers | `viewers` {count} |
//! | `set_description` | description | `description` |
//! | `set_viewer_password` | password | `password` {set} (never the password itself) |
//! | `join_chat` / `leave_chat` | name | `join` / `leave` {username} |
//! | `change_name` | oldname, newname | `rename` |
//! | `send_message` | name, message | `message` {username, message} |
//! | `send_action` | name, action | `action` {username, message} |
//! | `send_broadcast` | broadcast | `broadcast` {message} |
//! | `send_drawing` | name, drawing | `drawing` {username, bytes, sha256} (as the gateway records drawings) |
//! | `mod_user` / `demod_user` / `mute_user` / `unmute_user` | operator, name | `mod` / `demod` / `mute` / `unmute` {username, by} |
//!
//! Every imported event's meta also carries `pystreaming_id`, the row it came from.

use super::source::PyEvent;
use crate::store::{event_kind as kind, NewEvent};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The event as ours; `Err` says what is wrong with the row.
pub fn map(e: &PyEvent) -> Result<NewEvent, String> {
    let meta: Map<String, Value> = match serde_json::from_str(&e.meta) {
        Ok(Value::Object(m)) => m,
        _ => return Err("its meta is not a JSON object".into()),
    };
    let field = |name: &str| -> Result<String, String> {
        match meta.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            _ => Err(format!("`{}` lacks its `{name}` field", e.kind)),
        }
    };
    let acted = |k: &'static str| -> Result<(&'static str, Value), String> {
        Ok((
            k,
            json!({"username": field("name")?, "by": field("operator")?}),
        ))
    };
    let (ours, mut value) = match e.kind.as_str() {
        "start_streaming" => (
            kind::STREAM_START,
            json!({"username": e.streamer, "description": field("description").unwrap_or_default()}),
        ),
        "stop_streaming" => (kind::STREAM_STOP, json!({"username": e.streamer})),
        "viewer_count" => {
            let count: i64 = field("viewers")?
                .parse()
                .map_err(|_| "`viewer_count` has a non-numeric `viewers`".to_string())?;
            (kind::VIEWERS, json!({"count": count}))
        }
        "set_description" => (
            kind::DESCRIPTION,
            json!({"description": field("description")?, "by": e.streamer}),
        ),
        "set_viewer_password" => {
            let set = matches!(meta.get("password"), Some(Value::String(p)) if !p.is_empty());
            (kind::PASSWORD, json!({"set": set, "by": e.streamer}))
        }
        "join_chat" => (kind::JOIN, json!({"username": field("name")?})),
        "leave_chat" => (kind::LEAVE, json!({"username": field("name")?})),
        "change_name" => (
            kind::RENAME,
            json!({"oldname": field("oldname")?, "newname": field("newname")?}),
        ),
        "send_message" => (
            kind::MESSAGE,
            json!({"username": field("name")?, "message": field("message")?}),
        ),
        "send_action" => (
            kind::ACTION,
            json!({"username": field("name")?, "message": field("action")?}),
        ),
        "send_broadcast" => (kind::BROADCAST, json!({"message": field("broadcast")?})),
        "send_drawing" => {
            let src = field("drawing")?;
            (
                kind::DRAWING,
                json!({
                    "username": field("name")?,
                    "bytes": src.len(),
                    "sha256": hex::encode(Sha256::digest(src.as_bytes())),
                }),
            )
        }
        "mod_user" => acted(kind::MOD)?,
        "demod_user" => acted(kind::DEMOD)?,
        "mute_user" => acted(kind::MUTE)?,
        "unmute_user" => acted(kind::UNMUTE)?,
        other => return Err(format!("its type `{other}` is not one PyStreaming writes")),
    };
    value["pystreaming_id"] = json!(e.id);
    let ts = e
        .timestamp
        .checked_mul(1000)
        .filter(|ms| *ms >= 0)
        .ok_or_else(|| format!("its timestamp {} is out of range", e.timestamp))?;
    Ok(NewEvent {
        room: e.streamer.to_ascii_lowercase(),
        kind: ours,
        meta: value,
        ts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, meta: &str) -> PyEvent {
        PyEvent {
            id: 7,
            timestamp: 1_700_000_000,
            streamer: "Alice".into(),
            kind: kind.into(),
            meta: meta.into(),
        }
    }

    #[test]
    fn chat_lines_keep_name_text_and_time() {
        let m = map(&event("send_message", r#"{"name":"bob","message":"hi"}"#)).unwrap();
        assert_eq!(
            (m.room.as_str(), m.kind, m.ts),
            ("alice", kind::MESSAGE, 1_700_000_000_000)
        );
        assert_eq!(m.meta["username"], "bob");
        assert_eq!(m.meta["message"], "hi");
        assert_eq!(m.meta["pystreaming_id"], 7);
        let a = map(&event("send_action", r#"{"name":"bob","action":"waves"}"#)).unwrap();
        assert_eq!(
            (a.kind, a.meta["message"].as_str()),
            (kind::ACTION, Some("waves"))
        );
        let b = map(&event("send_broadcast", r#"{"broadcast":"brb"}"#)).unwrap();
        assert_eq!(
            (b.kind, b.meta["message"].as_str()),
            (kind::BROADCAST, Some("brb"))
        );
    }

    #[test]
    fn secrets_and_drawings_are_not_carried_over() {
        let s = map(&event(
            "start_streaming",
            r#"{"description":"d","password":"pw"}"#,
        ))
        .unwrap();
        assert!(!s.meta.to_string().contains("pw"));
        let p = map(&event("set_viewer_password", r#"{"password":"pw"}"#)).unwrap();
        assert_eq!(p.meta["set"], true);
        assert!(!p.meta.to_string().contains("pw"));
        let off = map(&event("set_viewer_password", r#"{"password":null}"#)).unwrap();
        assert_eq!(off.meta["set"], false);
        let d = map(&event(
            "send_drawing",
            r#"{"name":"bob","drawing":"data:image/png;base64,AAAA"}"#,
        ))
        .unwrap();
        assert_eq!(d.meta["bytes"], 26);
        assert!(!d.meta.to_string().contains("base64"));
    }

    #[test]
    fn bad_rows_are_named() {
        assert!(map(&event("send_message", "not json"))
            .unwrap_err()
            .contains("JSON"));
        assert!(map(&event("send_message", r#"{"name":"bob"}"#))
            .unwrap_err()
            .contains("`message`"));
        assert!(map(&event("teleport", "{}"))
            .unwrap_err()
            .contains("teleport"));
        let mut e = event("stop_streaming", "{}");
        e.timestamp = i64::MAX;
        assert!(map(&e).unwrap_err().contains("timestamp"));
    }

    #[test]
    fn moderation_keeps_who_did_it() {
        let m = map(&event(
            "mute_user",
            r#"{"operator":"alice","name":"troll"}"#,
        ))
        .unwrap();
        assert_eq!((m.kind, m.meta["by"].as_str()), (kind::MUTE, Some("alice")));
        let v = map(&event("viewer_count", r#"{"viewers":12}"#)).unwrap();
        assert_eq!(v.meta["count"], 12);
    }
}
