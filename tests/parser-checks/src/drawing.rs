//! The drawing decoder (shared::drawing): anything is refused without a panic, and what is
//! accepted is a complete 240×120 PNG within the size limit.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsstreaming_shared::drawing::{check_drawing, HEIGHT, MAX_SRC_LEN, WIDTH};

pub const PREFIX: &str = "data:image/png;base64,";

/// Checks one drawing `src`.
pub fn check(src: &str) {
    if check_drawing(src).is_ok() {
        assert_accepted_is_a_drawing(src);
    }
}

/// The fuzz target `drawing`: the bytes as a PNG file inside a data URL, and as the URL itself.
pub fn fuzz(data: &[u8]) {
    check(&format!("{PREFIX}{}", STANDARD.encode(data)));
    check(&crate::text(data));
}

/// What the checker must hold of anything it accepts: the URL is small and is a complete PNG
/// of the drawing's size.
pub fn assert_accepted_is_a_drawing(src: &str) {
    assert!(src.len() <= MAX_SRC_LEN);
    let bytes = STANDARD.decode(src.strip_prefix(PREFIX).unwrap()).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
    let mut frame = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut frame).unwrap();
}
