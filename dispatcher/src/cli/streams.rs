//! `streamer streams --username U [--json]`: a streamer's stream sessions, newest first, from
//! the same store query as `GET /api/streams` (so both always agree).

use rsstreaming_shared::names::Username;
use rsstreaming_shared::store::{StoreError, StreamSummary};
use rsstreaming_shared::text::{duration, utc};
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
