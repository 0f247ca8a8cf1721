//! The drawing decoder: any `src` is a drawing of exactly 240×120 or an error, never a panic
//! or an unbounded allocation (the PNG header is checked before anything is decoded).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rsstreaming_shared::drawing::check_drawing;

fuzz_target!(|data: &[u8]| {
    use std::fmt::Write;
    // Both shapes: the raw text, and arbitrary bytes as a base64 PNG data URL.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = check_drawing(text);
    }
    let mut src = String::from("data:image/png;base64,");
    let b64 = base64_encode(data);
    let _ = write!(src, "{b64}");
    let _ = check_drawing(&src);
});

fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
