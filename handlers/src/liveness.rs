//! Whether a stream is live and how many watch it, computed fresh from the HLS folder and the
//! shared state on every call (nothing is cached between requests).

use crate::respond::HandlerError;
use crate::Ctx;
use rsstreaming_shared::hls::Listing;
use rsstreaming_shared::store::Streamer;

/// What the public may know about a stream right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liveness {
    pub live: bool,
    /// Viewers counted by the chat gateway; 0 while not live.
    pub viewers: usize,
}

/// Live state and viewer count of one streamer. `listing` is one built for a whole page
/// ([`rsstreaming_shared::hls::HlsLayout::listing`]), or `None`.
pub async fn liveness(
    ctx: &Ctx,
    streamer: &Streamer,
    listing: Option<&Listing>,
) -> Result<Liveness, HandlerError> {
    // Where the files are is never exposed: the stem may be the key.
    let files = ctx
        .hls
        .locate(&streamer.room(), &streamer.key_hash, listing)?;
    let live = ctx.hls.is_live(files.as_ref());
    let viewers = if live {
        ctx.state.viewer_count(&streamer.room()).await?
    } else {
        0
    };
    Ok(Liveness { live, viewers })
}
