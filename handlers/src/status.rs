//! A stream's live state, computed fresh from `hls_dir` and the shared state on every call.

use crate::respond::HandlerError;
use crate::Ctx;
use rsstreaming_shared::hls::{self, Listing, StreamFiles};
use rsstreaming_shared::store::Streamer;
use std::time::SystemTime;

/// What the public may know about a stream right now.
#[derive(Debug, Clone)]
pub struct StreamStatus {
    pub live: bool,
    /// Viewers counted by the chat gateway; 0 while not live.
    pub viewers: usize,
}

/// Lists `hls_dir` once when the layout needs it (`rename` mode), for pages about many streams.
pub fn listing(ctx: &Ctx) -> Result<Option<Listing>, HandlerError> {
    use rsstreaming_shared::config::PublishMode;
    match ctx.config.publish.mode {
        PublishMode::Rename => Ok(Some(hls::scan(
            &ctx.config.hls_dir,
            &ctx.config.video_qualities,
        )?)),
        PublishMode::Redirect => Ok(None),
    }
}

/// Where the streamer's files are (never exposed: the stem may be the key).
pub fn files(
    ctx: &Ctx,
    streamer: &Streamer,
    listing: Option<&Listing>,
) -> Result<Option<StreamFiles>, HandlerError> {
    Ok(hls::locate(
        &ctx.config.hls_dir,
        ctx.config.publish.mode,
        &ctx.config.video_qualities,
        &streamer.room(),
        &streamer.key_hash,
        listing,
    )?)
}

/// Whether the stream's deciding playlist (first quality, or the plain one) is fresh.
pub fn is_live(ctx: &Ctx, files: Option<&StreamFiles>) -> bool {
    let quality = hls::live_quality(&ctx.config.video_qualities);
    let mtime = files.and_then(|f| f.playlist_mtime(quality));
    hls::is_live(mtime, SystemTime::now(), ctx.config.live_indicator_delay)
}

/// Whether one given quality (or the plain stream) is fresh.
pub fn quality_live(ctx: &Ctx, files: &StreamFiles, quality: Option<&str>) -> bool {
    hls::is_live(
        files.playlist_mtime(quality),
        SystemTime::now(),
        ctx.config.live_indicator_delay,
    )
}

/// Live state and viewer count of one streamer.
pub async fn status(
    ctx: &Ctx,
    streamer: &Streamer,
    listing: Option<&Listing>,
) -> Result<StreamStatus, HandlerError> {
    let files = files(ctx, streamer, listing)?;
    let live = is_live(ctx, files.as_ref());
    let viewers = if live {
        ctx.state.viewer_count(&streamer.room()).await?
    } else {
        0
    };
    Ok(StreamStatus { live, viewers })
}
