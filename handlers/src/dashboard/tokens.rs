//! The API tokens page: the streamer's tokens (scopes, made, revoked), a form to make one with
//! chosen scopes — the new token is shown on the answer to that post and never again — and a
//! revoke button per live token. The store calls are the CLI's `streamer token add|list|revoke`.

use super::session::{home, posted, signed_in, Session};
use super::{page, Ctx, Outcome};
use crate::respond::{redirect, HandlerResult};
use crate::Params;
use bytes::Bytes;
use http::{Request, StatusCode};
use rsstreaming_shared::auth::{ApiScope, ApiScopes};
use rsstreaming_shared::text::utc;
use serde::Serialize;

/// A token as the page lists it (never the token itself).
#[derive(Serialize)]
struct ListedToken {
    id: i64,
    scopes: String,
    created_at: String,
    revoked_at: Option<String>,
}

/// The page; `Done(token)` is a token just made, shown this once.
async fn tokens_page(ctx: &Ctx, session: &Session, outcome: Outcome<'_>) -> HandlerResult {
    let listed: Vec<ListedToken> = ctx
        .store
        .tokens(&session.streamer.username)
        .await?
        .into_iter()
        .map(|t| ListedToken {
            id: t.id,
            scopes: t.scopes,
            created_at: utc(t.created),
            revoked_at: t.revoked.map(utc),
        })
        .collect();
    let scopes: Vec<&str> = ApiScope::ALL.iter().map(|(_, name)| *name).collect();
    let own = minijinja::context! { tokens => listed, scopes => scopes };
    page(ctx, session, ("tokens.html", "tokens"), own, outcome)
}

/// `GET /{streamer}/dashboard/tokens`.
pub async fn tokens(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let session = or_respond!(signed_in(&ctx, &req, &params));
    tokens_page(&ctx, &session, Outcome::Fresh).await
}

/// `POST /{streamer}/dashboard/tokens` (a `scope` field per chosen scope): a new token.
pub async fn add_token(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let (session, form) = or_respond!(posted(&ctx, &req, &params));
    let chosen: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.as_str())
        .collect();
    let scopes = match chosen.join(",").parse::<ApiScopes>() {
        Ok(s) => s,
        Err(why) => return tokens_page(&ctx, &session, Outcome::Refused(&why)).await,
    };
    let (_, token) = ctx
        .store
        .add_token(&session.streamer.username, &scopes)
        .await?;
    tokens_page(&ctx, &session, Outcome::Done(&token)).await
}

/// `POST /{streamer}/dashboard/tokens/{id}/revoke`: 303 back to the list.
pub async fn revoke_token(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let (session, _) = or_respond!(posted(&ctx, &req, &params));
    let Some(id) = params.get("id").and_then(|i| i.parse::<i64>().ok()) else {
        return tokens_page(&ctx, &session, Outcome::Refused("No such token.")).await;
    };
    if !ctx
        .store
        .revoke_token(&session.streamer.username, id)
        .await?
    {
        return tokens_page(&ctx, &session, Outcome::Refused("No such live token.")).await;
    }
    let room = session.streamer.room();
    Ok(redirect(
        StatusCode::SEE_OTHER,
        &format!("{}/tokens", home(&room)),
    ))
}
