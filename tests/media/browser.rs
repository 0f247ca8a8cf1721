//! What the stream page is doing, read from a headless Chromium (sessions come from the
//! browser suite's `driver`): the video element, texts, and every URL the page fetched.

use fantoccini::Client;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Runs a script (`return …;`) in the page.
pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("execute script")
}

/// What the page's `<video>` is doing.
#[derive(Debug, Clone, Default)]
pub struct VideoState {
    pub time: f64,
    pub width: u64,
    pub height: u64,
    pub error: Option<String>,
}

pub async fn video(c: &Client) -> Option<VideoState> {
    let v = js(
        c,
        "const v = document.querySelector('video');
         if (!v) return null;
         return {t: v.currentTime, w: v.videoWidth, h: v.videoHeight,
                 e: v.error ? (v.error.code + ' ' + v.error.message) : null};",
    )
    .await;
    if v.is_null() {
        return None;
    }
    Some(VideoState {
        time: v["t"].as_f64().unwrap_or(0.0),
        width: v["w"].as_u64().unwrap_or(0),
        height: v["h"].as_u64().unwrap_or(0),
        error: v["e"].as_str().map(str::to_string),
    })
}

/// Waits until the video plays: it has real dimensions and its clock advances by `advance`
/// seconds. Returns the state at the end, or an explanation.
pub async fn wait_playing(c: &Client, advance: f64, limit: Duration) -> Result<VideoState, String> {
    let start = Instant::now();
    let mut first: Option<VideoState> = None;
    let mut last = None;
    while start.elapsed() < limit {
        if let Some(v) = video(c).await {
            if let Some(e) = &v.error {
                return Err(format!("the video failed: {e}"));
            }
            if v.width > 0 && v.height > 0 && v.time > 0.0 {
                match &first {
                    None => first = Some(v.clone()),
                    Some(f) if v.time >= f.time + advance => return Ok(v),
                    Some(_) => {}
                }
            }
            last = Some(v);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(format!(
        "video did not play within {limit:?}: first {first:?}, last {last:?}"
    ))
}

/// Every URL the page has fetched so far (Resource Timing), the page's own included.
pub async fn fetched_urls(c: &Client) -> Vec<String> {
    let v = js(
        c,
        "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name));",
    )
    .await;
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
