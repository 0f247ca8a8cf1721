//! The chat frame parser (shared::chat::protocol): any text is a frame or a short error, and a
//! frame written back out parses to itself.

use crate::{any_text, config};
use proptest::prelude::*;
use rsstreaming_parser_checks::frame::{assert_round_trips, check, MAX_ERROR_CHARS};
use rsstreaming_shared::chat::{FrameError, Incoming};
use serde_json::{json, Value};

fn incoming() -> impl Strategy<Value = Incoming> {
    let text = || any::<String>();
    prop_oneof![
        text().prop_map(|streamer| Incoming::Presence { streamer }),
        (
            text(),
            text(),
            text(),
            proptest::option::of(text()),
            proptest::option::of(text())
        )
            .prop_map(
                |(streamer, username, color, key, password)| Incoming::Login {
                    streamer,
                    username,
                    color,
                    key,
                    password,
                }
            ),
        text().prop_map(|message| Incoming::Message { message }),
        text().prop_map(|src| Incoming::Drawing { src }),
        Just(Incoming::GetColor),
    ]
}

/// Frames that are nearly right: a known event with data of any JSON shape.
fn near_frame() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "x{0,2000}".prop_map(Value::from),
    ];
    let data = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("streamer".to_string()),
                    Just("message".to_string()),
                    any::<String>()
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let event = prop_oneof![
        Just("presence".to_string()),
        Just("login".to_string()),
        Just("message".to_string()),
        Just("drawing".to_string()),
        Just("get color".to_string()),
        any::<String>(),
        "y{0,2000}",
    ];
    (event, data).prop_map(|(event, data)| json!({"event": event, "data": data}).to_string())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_text_is_a_frame_or_a_short_error(text in prop_oneof![any_text(), near_frame()]) {
        check(&text);
    }

    #[test]
    fn a_frame_written_out_parses_to_itself(frame in incoming()) {
        assert_round_trips(&frame);
    }
}

#[test]
fn a_huge_wrong_payload_gets_a_short_error() {
    // Found by the property above: serde's message quoted the whole offending string, so a 1 MB
    // frame was answered with a 1 MB error.
    let frame = json!({"event": "message", "data": "x".repeat(1 << 20)}).to_string();
    let err = Incoming::parse(&frame).unwrap_err();
    assert!(matches!(err, FrameError::BadData { .. }));
    assert!(
        err.to_string().chars().count() <= MAX_ERROR_CHARS,
        "{} bytes",
        err.to_string().len()
    );
}
