//! The sites the browser tests open.

use rsstreaming_testkit::{Site, SiteBuilder};

/// Amy's stream (key `amykey`): the room most tests chat in.
pub fn amy() -> SiteBuilder {
    amy_with_key("amykey")
}

/// Amy's stream with this stream key.
pub fn amy_with_key(key: &str) -> SiteBuilder {
    Site::builder().streamer("Amy", key)
}

/// A custom emote the pages can draw.
pub const PARTY: (&str, &str) = ("party", "/static/favicon.svg");
