//! The stream sampler: every `streams.sample_secs` it records the viewers (the shared state's
//! presence count) and chatters (the room's roster) of every open stream into the store.
//!
//! Several `serve` instances of one site would each sample and skew the averages, so a store
//! lease ([`Store::take_lease`](rsstreaming_shared::Store::take_lease)) picks one: the holder
//! renews it each round, and when it stops another instance takes over once it lapses.

use rsstreaming_handlers::Ctx;
use rsstreaming_shared::store::now_ms;
use std::time::Duration;

/// The lease's name in the `leases` table.
const LEASE: &str = "stream_sampler";

/// Samples until the task is aborted (at shutdown).
pub async fn run(ctx: Ctx) {
    let every = Duration::from_secs(ctx.config.streams.sample_secs);
    // Renewed every round, so it outlives one late round; lapses soon after its holder stops.
    let ttl = every * 2 + Duration::from_secs(5);
    let holder = format!("{:016x}", rand::random::<u64>());
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match ctx.store.take_lease(LEASE, &holder, ttl).await {
            Ok(true) => {
                if let Err(e) = sample(&ctx).await {
                    tracing::warn!("sampling streams: {e}");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!("taking the stream sampler lease: {e}"),
        }
    }
}

/// One round: a sample of each open stream.
async fn sample(ctx: &Ctx) -> anyhow::Result<()> {
    for stream in ctx.store.open_streams().await? {
        let viewers = ctx.state.viewer_count(&stream.room).await?;
        let chatters = ctx.state.members(&stream.room).await?.len();
        ctx.store
            .record_sample(stream.id, now_ms(), viewers as i64, chatters as i64)
            .await?;
    }
    Ok(())
}
