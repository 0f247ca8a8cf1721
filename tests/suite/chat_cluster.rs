//! The chat across processes: several `rsstreaming serve` sharing Redis and MariaDB act as one
//! chat; a lost Redis comes back by itself.

use base64::Engine;

/// A real PNG of `w`×`h` noise as a data URL (noise keeps it from compressing).
pub fn png_url(w: u32, h: u32) -> String {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        let pixels: Vec<u8> = (0..w * h * 4).map(|_| rand::random::<u8>()).collect();
        writer.write_image_data(&pixels).unwrap();
    }
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(out)
    )
}
