//! Pictochat drawings: a `data:image/png;base64,` URL that must really be a 240×120 PNG.
//!
//! The image is decoded completely (not just its header) under a memory limit, so a crafted file
//! can neither crash the gateway nor make it allocate much, and what is relayed to every page is
//! known to be a picture of the expected size.

use base64::Engine;

pub const WIDTH: u32 = 240;
pub const HEIGHT: u32 = 120;
/// Longest accepted `src` (the data URL); a 240×120 RGBA PNG with no compression at all is
/// about 155 KiB once base64-encoded.
pub const MAX_SRC_LEN: usize = 192 * 1024;

const PREFIX: &str = "data:image/png;base64,";
/// The decoder may allocate at most this much (the 240×120 RGBA frame is 112.5 KiB).
const DECODE_LIMIT: usize = 1024 * 1024;

/// Why a drawing is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DrawingError {
    #[error("drawing is too large")]
    TooLarge,
    #[error("drawing must be a data:image/png;base64 URL")]
    NotPngDataUrl,
    #[error("drawing is not valid base64")]
    BadBase64,
    #[error("drawing is not a valid PNG: {0}")]
    BadPng(String),
    #[error("drawing must be {WIDTH}x{HEIGHT}, not {0}x{1}")]
    WrongSize(u32, u32),
}

/// Checks a drawing's `src`; on success it is safe to relay as it is.
pub fn check_drawing(src: &str) -> Result<(), DrawingError> {
    if src.len() > MAX_SRC_LEN {
        return Err(DrawingError::TooLarge);
    }
    let data = src
        .strip_prefix(PREFIX)
        .ok_or(DrawingError::NotPngDataUrl)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| DrawingError::BadBase64)?;
    let decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(bytes),
        png::Limits {
            bytes: DECODE_LIMIT,
        },
    );
    let bad = |e: png::DecodingError| DrawingError::BadPng(e.to_string());
    let mut reader = decoder.read_info().map_err(bad)?;
    let (w, h) = (reader.info().width, reader.info().height);
    if (w, h) != (WIDTH, HEIGHT) {
        return Err(DrawingError::WrongSize(w, h));
    }
    let mut frame = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut frame).map_err(bad)?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A real PNG of the given size, as a data URL.
    pub fn png_data_url(w: u32, h: u32) -> String {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().unwrap();
            let pixels: Vec<u8> = (0..w * h * 4).map(|i| (i % 251) as u8).collect();
            writer.write_image_data(&pixels).unwrap();
        }
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        )
    }

    #[test]
    fn accepts_a_real_drawing() {
        assert_eq!(check_drawing(&png_data_url(240, 120)), Ok(()));
    }

    #[test]
    fn refuses_bogus_drawings() {
        assert_eq!(
            check_drawing(&png_data_url(230, 120)),
            Err(DrawingError::WrongSize(230, 120))
        );
        assert_eq!(
            check_drawing(&png_data_url(120, 240)),
            Err(DrawingError::WrongSize(120, 240))
        );
        assert_eq!(
            check_drawing("data:image/gif;base64,R0lGOD"),
            Err(DrawingError::NotPngDataUrl)
        );
        assert_eq!(
            check_drawing("javascript:alert(1)"),
            Err(DrawingError::NotPngDataUrl)
        );
        assert_eq!(
            check_drawing("data:image/png;base64,!!!"),
            Err(DrawingError::BadBase64)
        );
        assert!(matches!(
            check_drawing("data:image/png;base64,AAAA"),
            Err(DrawingError::BadPng(_))
        ));
        let huge = format!("{PREFIX}{}", "A".repeat(MAX_SRC_LEN));
        assert_eq!(check_drawing(&huge), Err(DrawingError::TooLarge));
        // A valid header followed by truncated data is caught by the full decode.
        let good = png_data_url(240, 120);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&good[PREFIX.len()..])
            .unwrap();
        let cut = format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(&bytes[..bytes.len() / 2])
        );
        assert!(matches!(check_drawing(&cut), Err(DrawingError::BadPng(_))));
    }

    #[test]
    fn refuses_a_decompression_bomb() {
        // A big image that compresses to little: refused on its size before any pixel is
        // decoded.
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 4800, 2400);
            enc.set_color(png::ColorType::Grayscale);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&vec![0; 4800 * 2400]).unwrap();
        }
        assert!(out.len() < MAX_SRC_LEN);
        let url = format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(&out)
        );
        assert!(check_drawing(&url).is_err());
    }
}
