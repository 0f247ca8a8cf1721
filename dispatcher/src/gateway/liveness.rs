//! Keeping this instance alive in the shared state (a heartbeat well within the 15 s instance
//! lifetime) and removing the chatters of instances that stopped, so they leave within ~20 s.

use super::Gateway;
use rsstreaming_shared::names::RoomName;
use std::sync::Arc;
use std::time::Duration;

/// How often the instance heartbeats and sweeps.
pub const EVERY: Duration = Duration::from_secs(5);

pub async fn run(gw: Arc<Gateway>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = gw.state.heartbeat().await {
            tracing::warn!("heartbeat: {e}");
            continue;
        }
        match gw.state.sweep().await {
            Ok(gone) => {
                for (room, m) in gone {
                    tracing::info!(
                        room,
                        username = m.username,
                        "removed a chatter of a stopped instance"
                    );
                    match RoomName::parse(&room) {
                        Ok(room) => gw.announce_leave(&room, &m).await,
                        Err(_) => tracing::warn!("a roster of a room that cannot exist: {room}"),
                    }
                }
            }
            Err(e) => tracing::warn!("sweep: {e}"),
        }
    }
}
