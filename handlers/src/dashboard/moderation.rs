//! The moderation page: the bans and timeouts in force (each can be lifted), a ban or a
//! timeout by name, the room's modes (slow, emote-only, links, who may chat), its word and
//! regex filters (the site's listed beside them), and the pinned message.
//!
//! Every change goes through the same checks, store calls and announcements as the chat
//! command, the remote-control API or the CLI that makes it (`ban_request`, `Store::change_rules`,
//! …), so the rules and the refusals are theirs and every gateway instance puts a change in
//! force at once. Each form posts `action` (a row of [`ACTIONS`]) and its fields to
//! `POST /{streamer}/dashboard/moderation`; a change answers 303 back to the page
//! (`?done=ACTION`), a refusal the page again with the reason (400), nothing changed.

use super::session::{home, posted, signed_in, Session};
use super::{page, Ctx, Outcome};
use crate::request::{field, query_pairs};
use crate::respond::{redirect, HandlerError, HandlerResult};
use crate::rules_api::{pin_of, store_change};
use crate::{api_bans, Params};
use bytes::Bytes;
use http::{Request, StatusCode};
use rsstreaming_shared::chat::ban_request::{ban_request, checked_name, timeout_request};
use rsstreaming_shared::chat::filters::Filter;
use rsstreaming_shared::chat::room_rules::{LinkRule, RuleChange, MAX_SLOW_SECS};
use rsstreaming_shared::state::Announcement;
use rsstreaming_shared::store::{SanctionKind, Streamer, SITE_RULES};
use rsstreaming_shared::text::{name_key, utc};
use serde::Serialize;

/// What a form of the page may ask for, and what the page says once it is done.
const ACTIONS: [(&str, &str); 12] = [
    ("ban", "The name is banned."),
    ("unban", "The ban is lifted."),
    ("timeout", "The name is timed out."),
    ("unmute", "The timeout is lifted."),
    ("slow", "Slow mode is saved."),
    ("emoteonly", "Emote-only mode is saved."),
    ("links", "The link rule is saved."),
    ("chatmode", "Who may chat is saved."),
    ("filter-add", "The filter is added."),
    ("filter-remove", "The filter is removed."),
    ("pin", "The message is pinned."),
    ("unpin", "The message is unpinned."),
];

/// A ban or timeout as the page lists it (never the address it binds).
#[derive(Serialize)]
struct Listed {
    kind: &'static str,
    username: String,
    by: String,
    until: Option<String>,
    reason: Option<String>,
}

/// The page.
async fn moderation_page(ctx: &Ctx, session: &Session, outcome: Outcome<'_>) -> HandlerResult {
    let room = session.streamer.room();
    let sanctions: Vec<Listed> = ctx
        .store
        .sanctions(&room)
        .await?
        .into_iter()
        .map(|s| Listed {
            kind: match (s.kind, s.until) {
                (SanctionKind::Ban, _) => "ban",
                (SanctionKind::Mute, Some(_)) => "timeout",
                (SanctionKind::Mute, None) => "mute",
            },
            username: s.username,
            by: s.by,
            until: s.until.map(|t| utc(t / 1000)),
            reason: s.reason,
        })
        .collect();
    let rules = ctx.store.room_rules(&room).await?;
    let shown = |list: &[Filter]| list.iter().map(Filter::display).collect::<Vec<_>>();
    let own = minijinja::context! {
        sanctions => sanctions,
        slow => rules.slow_secs,
        max_slow => MAX_SLOW_SECS,
        emote_only => rules.emote_only,
        links => rules.links.as_str(),
        registered_only => rules.registered_only,
        pin => rules.pin,
        filters => shown(&rules.filters),
        site_filters => shown(&ctx.store.filters(SITE_RULES).await?),
    };
    page(
        ctx,
        session,
        ("moderation.html", "moderation"),
        own,
        outcome,
    )
}

/// `GET /{streamer}/dashboard/moderation`.
pub async fn moderation(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let session = or_respond!(signed_in(&ctx, &req, &params));
    let query = query_pairs(&req);
    let done = field(&query, "done").and_then(|d| ACTIONS.iter().find(|(a, _)| *a == d));
    let outcome = match done {
        Some((_, said)) => Outcome::Done(said),
        None => Outcome::Fresh,
    };
    moderation_page(&ctx, &session, outcome).await
}

/// Why a change was refused (what the page says); `Ok(())` once it is made.
type Made = Result<Result<(), String>, HandlerError>;

/// `POST /{streamer}/dashboard/moderation`: one change.
pub async fn moderate(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let (session, form) = or_respond!(posted(&ctx, &req, &params));
    let s = &session.streamer;
    let get = |k: &str| field(&form, k).unwrap_or("");
    let action = get("action");
    let made = match action {
        "ban" | "timeout" => sanction(&ctx, s, action, get("username"), &form).await?,
        "unban" | "unmute" => lift(&ctx, s, action, get("username")).await?,
        _ => match rule_change(&ctx, action, get("value")).await? {
            Ok(change) => store_change(&ctx, s, &change)
                .await?
                .map_err(|refused| refused.to_string()),
            Err(why) => Err(why),
        },
    };
    match made {
        Ok(()) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!("{}/moderation?done={action}", home(&s.room())),
        )),
        Err(why) => moderation_page(&ctx, &session, Outcome::Refused(&why)).await,
    }
}

/// A ban (`duration` optional, `reason`) or a timeout (`duration` required) of `name`,
/// stored, audited and announced as the API's `POST /api/bans` and the chat's `/timeout`.
async fn sanction(
    ctx: &Ctx,
    s: &Streamer,
    action: &str,
    name: &str,
    form: &[(String, String)],
) -> Made {
    let duration = field(form, "duration").unwrap_or("").trim();
    let by = &s.username;
    if action == "ban" {
        let lasting = Some(duration).filter(|d| !d.is_empty());
        let reason = field(form, "reason");
        let ban = match ban_request(by, name, lasting, reason, by) {
            Ok(b) => b,
            Err(refused) => return Ok(Err(refused.to_string())),
        };
        ctx.store.ban(&ban).await?;
        api_bans::announce(ctx, s).await?;
        return Ok(Ok(()));
    }
    let timeout = match timeout_request(by, name, duration, by) {
        Ok(t) => t,
        Err(refused) => return Ok(Err(refused.to_string())),
    };
    ctx.store.timeout(&timeout).await?;
    mute_changed(ctx, s, &timeout.name_key).await?;
    Ok(Ok(()))
}

/// Lifts the bans (`unban`) or the mutes and timeouts (`unmute`) of `name`.
async fn lift(ctx: &Ctx, s: &Streamer, action: &str, name: &str) -> Made {
    let name = match checked_name(&s.username, name) {
        Ok(n) => n,
        Err(refused) => return Ok(Err(refused.to_string())),
    };
    let (room, by) = (s.room(), &s.username);
    if action == "unban" {
        if !ctx.store.unban(&room, name, by).await? {
            return Ok(Err(format!("User '{name}' is not banned.")));
        }
        api_bans::announce(ctx, s).await?;
        return Ok(Ok(()));
    }
    if !ctx.store.unmute(&room, name, by).await? {
        return Ok(Err(format!("User '{name}' is not muted.")));
    }
    let key = name_key(name);
    // A mute set in the chat is bound in the shared state too (it holds across logins).
    if let Some(chat) = ctx.state.clone().chat() {
        chat.lift_mute(&room, &key, None).await?;
    }
    mute_changed(ctx, s, &key).await?;
    Ok(Ok(()))
}

/// Tells every instance that the mute of `key` changed in the store: the one holding that
/// chatter mutes or unmutes it as the chat's commands do.
async fn mute_changed(ctx: &Ctx, s: &Streamer, key: &str) -> Result<(), HandlerError> {
    let changed = Announcement::MuteChanged {
        room: s.room().to_string(),
        name_key: key.to_string(),
    };
    Ok(ctx.state.announce(&changed).await?)
}

/// The rule change a form of the room's rules asks for, checked as the chat command's
/// arguments are; why not.
async fn rule_change(
    ctx: &Ctx,
    action: &str,
    value: &str,
) -> Result<Result<RuleChange, String>, HandlerError> {
    let value = value.trim();
    Ok(match action {
        "slow" => match value.parse::<u32>() {
            Ok(secs) if secs <= MAX_SLOW_SECS => Ok(RuleChange::Slow(secs)),
            _ => Err(format!("Slow mode is 0 (off) to {MAX_SLOW_SECS} seconds.")),
        },
        "emoteonly" => match value {
            "on" => Ok(RuleChange::EmoteOnly(true)),
            "off" => Ok(RuleChange::EmoteOnly(false)),
            _ => Err("Emote-only mode is on or off.".into()),
        },
        "links" => LinkRule::parse(value)
            .map(RuleChange::Links)
            .ok_or_else(|| "Links are on, mods or off.".to_string()),
        "chatmode" => match value {
            "registered" => Ok(RuleChange::RegisteredOnly(true)),
            "all" => Ok(RuleChange::RegisteredOnly(false)),
            _ => Err("Who may chat is registered or all.".into()),
        },
        "filter-add" | "filter-remove" => match Filter::parse(value) {
            Ok(f) if action == "filter-add" => Ok(RuleChange::AddFilter(f)),
            Ok(f) => Ok(RuleChange::RemoveFilter(f)),
            Err(e) => Err(e.to_string()),
        },
        "pin" => pin_of(ctx, value).await?.map(|t| RuleChange::Pin(Some(t))),
        "unpin" => Ok(RuleChange::Pin(None)),
        _ => Err("Unknown change.".into()),
    })
}
