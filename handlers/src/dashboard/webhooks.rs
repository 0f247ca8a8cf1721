//! The webhooks page: the streamer's receivers of `stream.started`, `stream.stopped` and
//! `recording.ready` (add with a format, remove), the signing key of a new one shown once (it
//! is derived from the site's secret, never stored), and the delivery log — the last
//! [`LOG_LEN`] deliveries with their attempts and last answer. The store calls are the CLI's
//! `webhook add|list|remove --username`; a receiver set here must be on the public internet.

use super::session::{home, posted, signed_in, Session};
use super::{page, Ctx, Outcome};
use crate::request::field;
use crate::respond::{redirect, HandlerResult};
use crate::Params;
use bytes::Bytes;
use http::{Request, StatusCode};
use rsstreaming_shared::store::WebhookFormat;
use rsstreaming_shared::text::utc;
use rsstreaming_shared::webhooks::{check_public_url, signing_key};
use serde::Serialize;

/// How many deliveries the log shows.
const LOG_LEN: i64 = 20;

#[derive(Serialize)]
struct ListedDelivery {
    event: String,
    queued_at: String,
    state: String,
    attempts: i64,
    status: Option<String>,
}

/// `GET /{streamer}/dashboard/webhooks`.
pub async fn webhooks(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let session = or_respond!(signed_in(&ctx, &req, &params));
    webhooks_page(&ctx, &session, Outcome::Fresh).await
}

/// The page; `Done(key)` is the signing key of a webhook just added, shown this once.
async fn webhooks_page(ctx: &Ctx, session: &Session, outcome: Outcome<'_>) -> HandlerResult {
    let room = session.streamer.room();
    let hooks = ctx.store.webhooks(Some(&room)).await?;
    let log: Vec<ListedDelivery> = ctx
        .store
        .deliveries(&room, LOG_LEN)
        .await?
        .into_iter()
        .map(|d| ListedDelivery {
            state: match (d.delivered, d.failed) {
                (Some(t), _) => format!("delivered {}", utc(t / 1000)),
                (_, Some(t)) => format!("gave up {}", utc(t / 1000)),
                _ => "queued".into(),
            },
            event: d.event,
            queued_at: utc(d.created / 1000),
            attempts: d.attempts,
            status: d.status,
        })
        .collect();
    let listed: Vec<_> = hooks
        .iter()
        .map(|w| minijinja::context! { id => w.id, url => &w.url, format => w.format.as_str() })
        .collect();
    let own = minijinja::context! { webhooks => listed, deliveries => log };
    page(ctx, session, ("webhooks.html", "webhooks"), own, outcome)
}

/// `POST /{streamer}/dashboard/webhooks` (`url`, `format`): a new receiver and its key.
pub async fn add_webhook(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let (session, form) = or_respond!(posted(&ctx, &req, &params));
    let url = field(&form, "url").unwrap_or("").trim();
    if let Err(why) = check_public_url(url) {
        return webhooks_page(&ctx, &session, Outcome::Refused(&why)).await;
    }
    let format = match field(&form, "format")
        .unwrap_or("json")
        .parse::<WebhookFormat>()
    {
        Ok(f) => f,
        Err(why) => return webhooks_page(&ctx, &session, Outcome::Refused(&why)).await,
    };
    let room = session.streamer.room();
    let id = match ctx.store.add_webhook(Some(&room), url, format).await? {
        Ok(id) => id,
        Err(why) => return webhooks_page(&ctx, &session, Outcome::Refused(&why)).await,
    };
    let key = signing_key(&ctx.secret, id);
    webhooks_page(&ctx, &session, Outcome::Done(&key)).await
}

/// `POST /{streamer}/dashboard/webhooks/{id}/remove`: 303 back to the page.
pub async fn remove_webhook(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let (session, _) = or_respond!(posted(&ctx, &req, &params));
    let room = session.streamer.room();
    let id = params.get("id").and_then(|i| i.parse::<i64>().ok());
    let removed = match id {
        Some(id) => ctx.store.remove_webhook(Some(&room), id).await?,
        None => false,
    };
    if !removed {
        return webhooks_page(&ctx, &session, Outcome::Refused("No such webhook.")).await;
    }
    Ok(redirect(
        StatusCode::SEE_OTHER,
        &format!("{}/webhooks", home(&room)),
    ))
}
