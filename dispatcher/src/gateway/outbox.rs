//! Delivering the lines `rsstreaming message send` left in the store's outbox (used when there
//! is no Redis to carry them), starting after what was there when this instance started; and
//! the notices of rule and sanction changes the CLI left there the same way (see `room_rules`,
//! `sanctions`).

use super::inbound::deliver_post;
use super::room_rules;
use super::sanctions;
use super::Gateway;
use rsstreaming_shared::chat::{HistoryLine, LineStamp, Outgoing};
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::store::{OUTBOX_SANCTIONS, RULES_CHANGED};
use std::sync::Arc;
use std::time::{Duration, Instant};

const OUTBOX_POLL: Duration = Duration::from_secs(1);
/// Outbox rows older than this are of no use to anyone.
const OUTBOX_KEEP_MS: i64 = 3_600_000;

pub async fn poll(gw: Arc<Gateway>, mut last: i64) {
    let mut tick = tokio::time::interval(OUTBOX_POLL);
    let mut pruned = Instant::now();
    loop {
        tick.tick().await;
        match gw.ctx.store.outbox_after(last).await {
            Ok(rows) => {
                for row in rows {
                    last = last.max(row.id);
                    if row.kind == OUTBOX_SANCTIONS {
                        if let Ok(room) = RoomName::parse(&row.room) {
                            sanctions::changed(gw.clone(), room).await;
                        }
                        continue;
                    }
                    if row.kind == RULES_CHANGED {
                        room_rules::changed(&gw, &row.room).await;
                        continue;
                    }
                    match row.kind.parse() {
                        Ok(kind) => {
                            // Every gateway polling the store names the line alike.
                            let stamp = LineStamp {
                                id: format!("{:x}-{:016x}", row.created_at, row.id),
                                timestamp: row.created_at,
                            };
                            let shown = deliver_post(&gw, &row.room, (kind, &row.message), stamp);
                            keep_quietly(&gw, &row.room, shown.await).await;
                        }
                        Err(e) => tracing::warn!("outbox row {}: {e}", row.id),
                    }
                }
            }
            Err(e) => tracing::warn!("reading the outbox: {e}"),
        }
        if pruned.elapsed() > Duration::from_secs(600) {
            pruned = Instant::now();
            let _ = gw.ctx.store.prune_outbox(OUTBOX_KEEP_MS).await;
        }
    }
}

/// Keeps a delivered outbox line quietly in this instance's history, so it can be deleted
/// (without Redis, the CLI had no shared history to put it in).
async fn keep_quietly(gw: &Gateway, room: &str, shown: Option<Outgoing>) {
    let Some(line) = shown.as_ref().and_then(HistoryLine::of) else {
        return;
    };
    if let Err(e) = gw.state.append_history(room, &line.quiet()).await {
        tracing::warn!("keeping an outbox line of {room}: {e}");
    }
}
