//! Turning a recorded FLV into a browser-playable MP4 without re-encoding (`-c copy`, the index
//! moved to the front with `+faststart` so playback and seeking start before the whole file
//! is fetched), reading its duration with ffprobe and taking its thumbnail.

use super::RecordingFiles;
use crate::config::RecordingsConfig;
use crate::tool;
use std::path::Path;
use std::time::Duration;

/// How long a remux may take: a copy of the streams, bound by the disk (hours of video).
const REMUX_TIMEOUT: Duration = Duration::from_secs(9 * 60);

/// How long ffprobe or the thumbnail's ffmpeg may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

/// What a remux made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remuxed {
    pub duration_ms: i64,
    pub size_bytes: i64,
    /// Whether `{stem}.jpg` was taken (a video without pictures has none).
    pub thumbnail: bool,
}

/// Remuxes `{stem}.flv` into `{stem}.mp4` (written whole under a temporary name first), then
/// removes the FLV and takes the thumbnail. Why not, in words that name no file.
pub async fn remux(
    config: &RecordingsConfig,
    files: &RecordingFiles,
    stem: &str,
) -> Result<Remuxed, String> {
    let flv = files.flv(stem);
    let mp4 = files.mp4(stem);
    let part = files.dir().join(format!(".{stem}.mp4.part"));
    let copy = [
        "-map",
        "0",
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ];
    let copied = tool::ffmpeg(&config.ffmpeg, &[], &flv, &copy, &part, REMUX_TIMEOUT).await;
    if let Err(why) = copied {
        let _ = tokio::fs::remove_file(&part).await;
        return Err(why);
    }
    let duration_ms = match duration_ms(&config.ffprobe, &part).await {
        Ok(d) => d,
        Err(why) => {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(why);
        }
    };
    tokio::fs::rename(&part, &mp4)
        .await
        .map_err(|e| format!("keeping the video: {e}"))?;
    let size_bytes = tokio::fs::metadata(&mp4)
        .await
        .map(|m| m.len() as i64)
        .unwrap_or(0);
    let _ = tokio::fs::remove_file(&flv).await;
    let thumbnail = match thumbnail(config, files, stem, duration_ms).await {
        Ok(()) => true,
        Err(why) => {
            tracing::info!("recording {stem}: no thumbnail ({why})");
            false
        }
    };
    Ok(Remuxed {
        duration_ms,
        size_bytes,
        thumbnail,
    })
}

/// The duration of the video at `path`, in ms, as ffprobe reads it from the container.
async fn duration_ms(ffprobe: &str, path: &Path) -> Result<i64, String> {
    let out = tool::run(
        ffprobe,
        [
            "-v".as_ref(),
            "error".as_ref(),
            "-show_entries".as_ref(),
            "format=duration".as_ref(),
            "-of".as_ref(),
            "default=noprint_wrappers=1:nokey=1".as_ref(),
            path.as_os_str(),
        ],
        PROBE_TIMEOUT,
    )
    .await?;
    let text = String::from_utf8_lossy(&out);
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| "ffprobe gave no duration (nothing was recorded?)".to_string())?;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err("ffprobe gave no duration".into());
    }
    Ok((seconds * 1000.0).round() as i64)
}

/// Takes a frame a third into the video (at most 10 s in) as `{stem}.jpg`, 360 lines high.
async fn thumbnail(
    config: &RecordingsConfig,
    files: &RecordingFiles,
    stem: &str,
    duration_ms: i64,
) -> Result<(), String> {
    let at = format!("{:.3}", (duration_ms / 3).min(10_000) as f64 / 1000.0);
    let part = files.dir().join(format!(".{stem}.jpg.part"));
    let mp4 = files.mp4(stem);
    let seek = ["-ss", at.as_str()];
    let taken = tool::ffmpeg(
        &config.ffmpeg,
        &seek,
        &mp4,
        &tool::JPEG_FRAME,
        &part,
        PROBE_TIMEOUT,
    )
    .await;
    let kept = match taken {
        Ok(_) if part.exists() => tokio::fs::rename(&part, files.jpg(stem))
            .await
            .map_err(|e| format!("keeping the thumbnail: {e}")),
        Ok(_) => Err("no picture in the video".into()),
        Err(why) => Err(why),
    };
    if kept.is_err() {
        let _ = tokio::fs::remove_file(&part).await;
    }
    kept
}
