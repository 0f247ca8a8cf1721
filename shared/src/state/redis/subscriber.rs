//! The instance's one subscriber connection: room channels and announcements become
//! [`Inbound`]s in order; a lagging reader or either connection coming back becomes
//! [`Inbound::Resynced`], since messages or keys may have been lost meanwhile.

use super::{unavailable, RedisState};
use crate::state::{Inbound, StateResult};
use fred::clients::SubscriberClient;
use fred::interfaces::{ClientLike, EventInterface, PubsubInterface};
use fred::types::Value;
use tokio::sync::mpsc;

impl RedisState {
    /// Starts the instance's one subscriber connection and the task feeding `tx`.
    pub(super) async fn start_subscriber(
        &self,
        tx: mpsc::Sender<Inbound>,
    ) -> StateResult<SubscriberClient> {
        let sub = self
            .builder
            .build_subscriber_client()
            .map_err(unavailable)?;
        sub.init().await.map_err(unavailable)?;
        let _resubscriber = sub.manage_subscriptions();
        let announce = self.global("announce");
        subscribe_confirmed(&sub, announce.clone()).await?;
        let room_prefix = format!("{}:room:", self.prefix);
        let mut messages = sub.message_rx();
        let data_tx = tx.clone();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                let msg = match messages.recv().await {
                    Ok(m) => m,
                    Err(RecvError::Lagged(n)) => {
                        tracing::error!(missed = n, "chat gateway fell behind Redis pub/sub");
                        let _ = data_tx.send(Inbound::Resynced).await;
                        continue;
                    }
                    Err(RecvError::Closed) => break,
                };
                let payload = match msg.value {
                    Value::String(s) => s.into_inner(),
                    Value::Bytes(b) => b,
                    _ => continue,
                };
                let channel: &str = &msg.channel;
                let inbound = if let Some(room) = channel.strip_prefix(&room_prefix) {
                    Inbound::Room {
                        room: room.to_string(),
                        payload,
                    }
                } else if channel == announce {
                    match serde_json::from_slice(&payload) {
                        Ok(a) => Inbound::Announcement(a),
                        Err(e) => {
                            tracing::warn!("ignoring a malformed announcement: {e}");
                            continue;
                        }
                    }
                } else {
                    continue;
                };
                if data_tx.send(inbound).await.is_err() {
                    break;
                }
            }
        });
        // Either connection coming back means messages or keys may have been lost.
        for mut reconnects in [sub.reconnect_rx(), self.client.reconnect_rx()] {
            let tx = tx.clone();
            tokio::spawn(async move {
                while reconnects.recv().await.is_ok() {
                    tracing::info!("reconnected to Redis");
                    if tx.send(Inbound::Resynced).await.is_err() {
                        break;
                    }
                }
            });
        }
        Ok(sub)
    }
}

/// Subscribes to `channel` and returns once Redis has registered it. fred resolves SUBSCRIBE once
/// it is written (the confirmation arrives out of band), so a line published right after could
/// pass us by — the sender's own line on its own instance; a PING answered on the same
/// connection comes after the subscription is in force.
pub(super) async fn subscribe_confirmed(
    sub: &SubscriberClient,
    channel: String,
) -> StateResult<()> {
    sub.subscribe(channel).await.map_err(unavailable)?;
    let _: Value = sub.ping(None).await.map_err(unavailable)?;
    Ok(())
}
