//! Remuxing the recordings `on_record_done` registered (SPEC §9) and removing old ones: every
//! second, the due recordings whose FLV this instance sees are claimed (one instance each, by
//! compare-and-set in the store), remuxed to MP4 with ffmpeg, marked ready and announced to
//! webhooks as `recording.ready`; every minute, deleted recordings and those past `keep_days`
//! are removed. Without `recordings` in the configuration it does nothing.

use rsstreaming_handlers::Ctx;
use rsstreaming_shared::config::RecordingsConfig;
use rsstreaming_shared::recordings::{self, remux::remux, RecordingFiles};
use rsstreaming_shared::store::{Recording, RemuxedVideo};
use rsstreaming_shared::webhooks;
use std::time::Duration;

const POLL: Duration = Duration::from_secs(1);
/// Polls between two sweeps.
const SWEEP_EVERY: u32 = 60;
/// Recordings read per poll.
const BATCH: i64 = 10;

pub async fn run(ctx: Ctx) {
    let Some(config) = ctx.config.recordings.clone() else {
        return;
    };
    if let Err(e) = std::fs::create_dir_all(&config.dir) {
        tracing::error!("recordings stay unprocessed: cannot create recordings.dir ({e})");
        return;
    }
    let files = RecordingFiles::new(&config.dir);
    let mut tick = tokio::time::interval(POLL);
    let mut polls = 0u32;
    loop {
        tick.tick().await;
        if polls.is_multiple_of(SWEEP_EVERY) {
            if let Err(e) = recordings::sweep(&ctx.store, Some(&config)).await {
                tracing::warn!("sweeping recordings: {e}");
            }
        }
        polls = polls.wrapping_add(1);
        let due = match ctx.store.due_recordings(BATCH).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!("reading due recordings: {e}");
                continue;
            }
        };
        // Another instance, on the host that holds the file, takes the others.
        for r in due.into_iter().filter(|r| files.flv(&r.stem).is_file()) {
            match ctx.store.claim_recording(&r).await {
                Ok(true) => process(&ctx, &config, &files, &r).await,
                Ok(false) => {}
                Err(e) => tracing::warn!("claiming recording {}: {e}", r.id),
            }
        }
    }
}

/// Remuxes one claimed recording and records how it went.
async fn process(ctx: &Ctx, config: &RecordingsConfig, files: &RecordingFiles, r: &Recording) {
    let made = match remux(config, files, &r.stem).await {
        Ok(made) => made,
        Err(why) => {
            let gave_up = ctx.store.recording_not_remuxed(r).await;
            match gave_up {
                Ok(true) => tracing::warn!(id = r.id, room = %r.room, "recording failed: {why}"),
                Ok(false) => {
                    tracing::info!(id = r.id, room = %r.room, "recording not remuxed yet: {why}")
                }
                Err(e) => tracing::warn!("recording {}: {why}; and then: {e}", r.id),
            }
            return;
        }
    };
    let video = RemuxedVideo {
        // Registered when nginx closed the file, so the video began its duration earlier.
        started: r.created - made.duration_ms,
        duration_ms: made.duration_ms,
        size_bytes: made.size_bytes,
    };
    if let Err(e) = ctx.store.recording_ready(r.id, video).await {
        return tracing::warn!("recording {} remuxed but not marked ready: {e}", r.id);
    }
    tracing::info!(id = r.id, room = %r.room, duration_ms = made.duration_ms, "recording ready");
    let streamer = match ctx.store.streamer(&r.room).await {
        Ok(Some(s)) => s,
        Ok(None) => return,
        Err(e) => return tracing::warn!("recording {}: no webhook ({e})", r.id),
    };
    let page = format!("/{}/videos/{}", r.room, r.id);
    let queued = webhooks::queue(
        &ctx.store,
        &ctx.config.public_origins,
        &streamer,
        webhooks::RECORDING_READY,
        &page,
    )
    .await;
    if let Err(e) = queued {
        tracing::warn!("recording {}: queueing its webhooks: {e}", r.id);
    }
}
