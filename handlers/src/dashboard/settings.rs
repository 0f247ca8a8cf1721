//! The settings page: description, viewer password, chat setting, Mastodon profile link, and
//! a few more profile links (label and URL each) for the stream page.
//!
//! Each setting is its own small form posting `setting` (which one) and its value to
//! `POST /{streamer}/dashboard/settings`; a saved change answers 303 back to the page
//! (`?saved=NAME`), a refused value the page again with the reason (400), nothing stored. The
//! first three change exactly as the chat's `/description`, `/password` and `/chat` do
//! ([`crate::streamer_settings::apply`]: the room hears of a password change at once); `disabled`
//! stays the command line's, as from the chat, so the streamer cannot lock their own chat away
//! from here by a slip.

use super::session::{home, posted, signed_in, Session};
use super::{page, Ctx, Outcome};
use crate::request::{field, query_pairs};
use crate::respond::{redirect, HandlerResult};
use crate::streamer_settings;
use crate::Params;
use bytes::Bytes;
use http::{Request, StatusCode};
use rsstreaming_shared::chat::StreamerChange;
use rsstreaming_shared::store::{
    event_kind, ChatSetting, NewEvent, ProfileLink, MAX_PROFILE_LINKS,
};

/// The page; `Done(setting)` says which setting was just saved.
async fn settings_page(ctx: &Ctx, session: &Session, outcome: Outcome<'_>) -> HandlerResult {
    let s = &session.streamer;
    let own = minijinja::context! {
        description => &s.description,
        protected => s.streampass.is_some(),
        streampass => s.streampass.as_deref(),
        chat => s.chat.as_str(),
        profile => ctx.store.profile(&s.username).await?,
        max_links => MAX_PROFILE_LINKS,
    };
    page(ctx, session, ("settings.html", "settings"), own, outcome)
}

/// `GET /{streamer}/dashboard/settings`.
pub async fn settings(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let session = or_respond!(signed_in(&ctx, &req, &params));
    let query = query_pairs(&req);
    let outcome = match field(&query, "saved").filter(|s| SETTINGS.contains(s)) {
        Some(saved) => Outcome::Done(saved),
        None => Outcome::Fresh,
    };
    settings_page(&ctx, &session, outcome).await
}

/// The settings a form may name.
const SETTINGS: [&str; 5] = ["description", "streampass", "chat", "mastodon", "links"];

/// `POST /{streamer}/dashboard/settings`: one setting changed.
pub async fn save_settings(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let (session, form) = or_respond!(posted(&ctx, &req, &params));
    let s = &session.streamer;
    let value = field(&form, "value").unwrap_or("");
    let setting = field(&form, "setting").unwrap_or("");
    let change = match setting {
        "description" => StreamerChange::Description(value.to_string()),
        "streampass" => {
            let password = Some(value.trim()).filter(|p| !p.is_empty());
            StreamerChange::Password(password.map(str::to_string))
        }
        "chat" => match value.parse::<ChatSetting>() {
            Ok(c) if c != ChatSetting::Disabled => StreamerChange::Chat(c),
            _ => {
                let why = "The chat setting is enabled or hidden.";
                return settings_page(&ctx, &session, Outcome::Refused(why)).await;
            }
        },
        "mastodon" => {
            if let Err(why) = ctx.store.set_mastodon(&s.username, Some(value)).await? {
                return settings_page(&ctx, &session, Outcome::Refused(&why)).await;
            }
            let url = Some(value.trim()).filter(|u| !u.is_empty());
            let meta = serde_json::json!({ "mastodon": url, "by": s.username });
            let event = NewEvent::now(&s.room(), event_kind::MASTODON, meta);
            ctx.store.record_event(event).await?;
            return Ok(saved(&session, setting));
        }
        "links" => {
            if let Err(why) = save_links(&ctx, s, &form).await? {
                return settings_page(&ctx, &session, Outcome::Refused(&why)).await;
            }
            return Ok(saved(&session, setting));
        }
        _ => return settings_page(&ctx, &session, Outcome::Refused("Unknown setting.")).await,
    };
    streamer_settings::apply(&ctx, s, change).await?;
    Ok(saved(&session, setting))
}

/// The links form: `label` and `url` fields in pairs, a pair with an empty URL left out;
/// stored and audited, or why not (nothing stored).
async fn save_links(
    ctx: &Ctx,
    s: &rsstreaming_shared::store::Streamer,
    form: &[(String, String)],
) -> Result<Result<(), String>, crate::respond::HandlerError> {
    let labels = form.iter().filter(|(k, _)| k == "label").map(|(_, v)| v);
    let urls = form.iter().filter(|(k, _)| k == "url").map(|(_, v)| v);
    let asked: Result<Vec<ProfileLink>, String> = labels
        .zip(urls)
        .filter(|(_, url)| !url.trim().is_empty())
        .map(|(label, url)| ProfileLink::new(label, url))
        .collect();
    let links = match asked {
        Ok(l) => l,
        Err(why) => return Ok(Err(why)),
    };
    if let Err(why) = ctx.store.set_profile_links(&s.username, &links).await? {
        return Ok(Err(why));
    }
    let meta = serde_json::json!({ "links": links, "by": s.username });
    let event = NewEvent::now(&s.room(), event_kind::PROFILE_LINKS, meta);
    ctx.store.record_event(event).await?;
    Ok(Ok(()))
}

/// 303 back to the settings page, saying what was saved.
fn saved(session: &Session, setting: &str) -> http::Response<Bytes> {
    let room = session.streamer.room();
    redirect(
        StatusCode::SEE_OTHER,
        &format!("{}/settings?saved={setting}", home(&room)),
    )
}
