//! The drawing decoder (shared::drawing): any bytes, base64 or data URL is refused without a
//! panic, and what is accepted is a 240×120 PNG within the size limit.

use crate::{any_text, config};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use proptest::prelude::*;
use rsstreaming_parser_checks::drawing::{check, PREFIX};
use rsstreaming_shared::drawing::{check_drawing, HEIGHT, WIDTH};
use std::sync::OnceLock;

/// A PNG of `w`×`h` in the given colour type (one byte per sample).
fn png(w: u32, h: u32, color: png::ColorType) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(color);
    let mut writer = enc.write_header().unwrap();
    let samples = color.samples() * (w * h) as usize;
    writer.write_image_data(&vec![7; samples]).unwrap();
    writer.finish().unwrap();
    out
}

/// A valid drawing, made once (encoding is slow in debug builds).
fn valid_png() -> &'static [u8] {
    static PNG: OnceLock<Vec<u8>> = OnceLock::new();
    PNG.get_or_init(|| png(WIDTH, HEIGHT, png::ColorType::Rgba))
}

fn color() -> impl Strategy<Value = png::ColorType> {
    prop_oneof![
        Just(png::ColorType::Grayscale),
        Just(png::ColorType::GrayscaleAlpha),
        Just(png::ColorType::Rgb),
        Just(png::ColorType::Rgba),
    ]
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn any_text_or_bytes_is_refused_without_panicking(
        text in any_text(),
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        for src in [text.clone(), format!("{PREFIX}{text}"), format!("{PREFIX}{}", STANDARD.encode(&bytes))] {
            check(&src);
        }
    }

    #[test]
    fn only_pngs_of_the_drawing_size_are_accepted(w in 1u32..300, h in 1u32..150, color in color()) {
        let src = format!("{PREFIX}{}", STANDARD.encode(png(w, h, color)));
        prop_assert_eq!(check_drawing(&src).is_ok(), (w, h) == (WIDTH, HEIGHT));
    }

    #[test]
    fn a_damaged_drawing_never_panics(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>()) {
        let mut bytes = valid_png().to_vec();
        for (at, xor) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= xor;
        }
        bytes.truncate(cut.index(bytes.len()) + 1);
        check(&format!("{PREFIX}{}", STANDARD.encode(&bytes)));
    }
}
