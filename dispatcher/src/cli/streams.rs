//! `streamer streams --username U [--json]`: a streamer's stream sessions, newest first, from
//! the same store query as `GET /api/streams` (so both always agree).

use super::api::utc;
use rsstreaming_shared::names::Username;
use rsstreaming_shared::store::{StoreError, StreamSummary};
use rsstreaming_shared::Store;

pub async fn list(store: &Store, username: &Username, json: bool) -> anyhow::Result<()> {
    let Some(streamer) = store.streamer(username).await? else {
        return Err(StoreError::UnknownStreamer(username.to_string()).into());
    };
    let streams = store.streams(&streamer.room()).await?;
    if json {
        println!("{}", serde_json::to_string(&streams)?);
        return Ok(());
    }
    if streams.is_empty() {
        println!("{} has not streamed yet", streamer.username);
        return Ok(());
    }
    println!(
        "{:>6}  {:17}  {:17}  {:>9}  {:>5}  {:>7}  {:>8}  {:>6}",
        "ID", "STARTED (UTC)", "ENDED (UTC)", "DURATION", "PEAK", "AVG", "CHATTERS", "LINES"
    );
    for s in &streams {
        println!("{}", row(s));
    }
    Ok(())
}

fn row(s: &StreamSummary) -> String {
    format!(
        "{:>6}  {:17}  {:17}  {:>9}  {:>5}  {:>7.2}  {:>8}  {:>6}",
        s.id,
        utc(s.started),
        s.ended.map_or_else(|| "live".to_string(), utc),
        duration(s.duration_s),
        s.peak_viewers,
        s.avg_viewers,
        s.unique_chatters,
        s.lines
    )
}

/// `1h02m03s`, `4m05s`, `6s`.
fn duration(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s:02}s"),
        _ => format!("{h}h{m:02}m{s:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_short() {
        assert_eq!(duration(6), "6s");
        assert_eq!(duration(245), "4m05s");
        assert_eq!(duration(3723), "1h02m03s");
    }
}
