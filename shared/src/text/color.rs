//! Name colors: CSS color names, `#rgb`, `#rrggbb` or `random`, always sent as `#rrggbb`.

use rand::seq::IteratorRandom;

/// The color of a chatter who gave none we understand, and of a streamer who posts through the
/// API without being in the chat.
pub const DEFAULT_COLOR: &str = "#000000";

/// Parses what a chatter typed as a color into `#rrggbb`; `None` when it is not one we accept.
pub fn parse_color(input: &str) -> Option<String> {
    let s = input.trim().to_ascii_lowercase();
    if s == "random" {
        return Some(random_color());
    }
    if let Some(hex) = s.strip_prefix('#') {
        if (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let c = csscolorparser::parse(&s).ok()?;
            let [r, g, b, _] = c.to_rgba8();
            return Some(format!("#{r:02x}{g:02x}{b:02x}"));
        }
        return None;
    }
    csscolorparser::NAMED_COLORS
        .get(s.as_str())
        .map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}"))
}

/// A random CSS named color, dark and light ones alike (as the Python system chose).
pub fn random_color() -> String {
    let mut rng = rand::thread_rng();
    let [r, g, b] = csscolorparser::NAMED_COLORS
        .values()
        .choose(&mut rng)
        .copied()
        .unwrap_or([0, 0, 0]);
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_color("red").as_deref(), Some("#ff0000"));
        assert_eq!(parse_color(" RebeccaPurple ").as_deref(), Some("#663399"));
        assert_eq!(parse_color("#F0a").as_deref(), Some("#ff00aa"));
        assert_eq!(parse_color("#123456").as_deref(), Some("#123456"));
        let random = parse_color("random").unwrap();
        assert!(random.len() == 7 && random.starts_with('#'), "{random}");
    }

    #[test]
    fn refused_forms() {
        for bad in [
            "",
            "reddish",
            "#12",
            "#1234",
            "#12345g",
            "123456",
            "rgb(1,2,3)",
            "transparent",
            "#ff00ff00",
            "hsl(1,2%,3%)",
            "red; background: url(x)",
        ] {
            assert_eq!(parse_color(bad), None, "{bad}");
        }
    }
}
