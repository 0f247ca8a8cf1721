//! The chat frame parser: any text is a frame or a short error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rsstreaming_shared::chat::Incoming;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = Incoming::parse(text) {
        assert!(e.to_string().len() <= 400, "errors stay short");
    }
});
