//! Delivering the webhooks queued in the store (SPEC §9): every second, the due deliveries are
//! read, each claimed by compare-and-set (so of several instances one posts it), posted with
//! its signature, and recorded — delivered on a 2xx, else due again after a backoff that
//! doubles from [`FIRST_RETRY`] to [`LAST_RETRY`], until an hour has passed. A delivery
//! claimed by an instance that died is due again once its claim runs out.

use rsstreaming_handlers::Ctx;
use rsstreaming_shared::store::{now_ms, Delivery};
use rsstreaming_shared::webhooks::{signature, signing_key};
use std::time::Duration;

const POLL: Duration = Duration::from_secs(1);
const FIRST_RETRY: Duration = Duration::from_secs(2);
const LAST_RETRY: Duration = Duration::from_secs(600);
/// How long a receiver has to answer.
const POST_TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries taken per poll.
const BATCH: i64 = 20;

pub async fn run(ctx: Ctx) {
    let http = match reqwest::Client::builder()
        .timeout(POST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("rsstreaming/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => return tracing::error!("webhooks stay queued: no HTTP client ({e})"),
    };
    let mut tick = tokio::time::interval(POLL);
    loop {
        tick.tick().await;
        let due = match ctx.store.due_deliveries(BATCH).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!("reading due webhooks: {e}");
                continue;
            }
        };
        for d in due {
            match ctx.store.claim_delivery(&d).await {
                Ok(true) => deliver(&ctx, &http, &d).await,
                Ok(false) => {}
                Err(e) => tracing::warn!("claiming webhook delivery {}: {e}", d.id),
            }
        }
    }
}

/// The wait before attempt `attempts + 1` (the first retry after [`FIRST_RETRY`]).
fn backoff(attempts: i64) -> Duration {
    let doublings = attempts.clamp(0, 16) as u32;
    FIRST_RETRY
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(LAST_RETRY)
}

/// Posts one claimed delivery and records how it went.
async fn deliver(ctx: &Ctx, http: &reqwest::Client, d: &Delivery) {
    let key = signing_key(&ctx.secret, d.webhook_id);
    let sent = http
        .post(&d.url)
        .header("content-type", "application/json")
        .header("x-rsstreaming-event", &d.event)
        .header("x-rsstreaming-delivery", d.id.to_string())
        .header(
            "x-rsstreaming-signature",
            signature(&key, d.body.as_bytes()),
        )
        .body(d.body.clone())
        .send()
        .await;
    let (delivered, status) = match sent {
        Ok(r) => (r.status().is_success(), r.status().as_u16().to_string()),
        // The error names the receiver's URL: that is the streamer's own, never a key.
        Err(e) if e.is_timeout() => (false, "timed out".to_string()),
        Err(e) if e.is_connect() => (false, "could not connect".to_string()),
        Err(_) => (false, "failed".to_string()),
    };
    // `attempts` was read before the claim counted this one.
    let retry_at = now_ms() + backoff(d.attempts).as_millis() as i64;
    if !delivered {
        tracing::info!(delivery = d.id, event = %d.event, %status, "webhook not delivered");
    }
    if let Err(e) = ctx
        .store
        .delivery_attempted(d, delivered, retry_at, &status)
        .await
    {
        tracing::warn!("recording webhook delivery {}: {e}", d.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        assert_eq!(backoff(0), Duration::from_secs(2));
        assert_eq!(backoff(1), Duration::from_secs(4));
        assert_eq!(backoff(5), Duration::from_secs(64));
        assert_eq!(backoff(9), LAST_RETRY);
        assert_eq!(backoff(1000), LAST_RETRY);
    }
}
