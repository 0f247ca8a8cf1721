//! A chat line or `/command`: cleaned and length-checked, decided by the shared chat rules on
//! what the command needs (the roster, the settings, the history), then carried out by
//! [`effects`](super::effects). A decision made on a roster that changed meanwhile is retried.

use super::effects::{self, Applied};
use super::socket::Socket;
use super::{unavailable, Gateway};
use rsstreaming_shared::chat::{self, Need, Outgoing, Room};
use rsstreaming_shared::state::StateResult;
use rsstreaming_shared::text;
use std::sync::Arc;

/// How often a decision is retried when the roster changed under it.
const RETRIES: usize = 4;

/// What `fetch` reads when a decision needs it, else nothing.
async fn loaded<T, F>(needed: bool, fetch: impl FnOnce() -> F) -> StateResult<Vec<T>>
where
    F: std::future::Future<Output = StateResult<Vec<T>>>,
{
    match needed {
        true => fetch().await,
        false => Ok(Vec::new()),
    }
}

pub async fn message(gw: &Arc<Gateway>, socket: &Arc<Socket>, message: &str) {
    let Some(mut login) = socket.login_or_refuse() else {
        return;
    };
    let text = text::clean_line(message);
    if text.is_empty() {
        return socket.send(&Outgoing::warning(chat::BLANK));
    }
    if text.chars().count() > text::MAX_MESSAGE_LEN {
        return socket.send(&Outgoing::warning(format!(
            "Message is too long (at most {} characters).",
            text::MAX_MESSAGE_LEN
        )));
    }
    gw.presence.touch(socket, &login.room);
    let input = chat::parse(&text);
    let emotes = gw.caches.emotes();
    let is_custom = |a: &str| emotes.contains_key(&a.to_ascii_lowercase());
    for _ in 0..RETRIES {
        let room_name = &login.room;
        let Ok(roster) = loaded(input.needs(Need::Roster), || gw.state.roster(room_name)).await
        else {
            return socket.send(&unavailable());
        };
        let settings = if input.needs(Need::Settings) {
            gw.ctx.store.streamer(&login.room).await.ok().flatten()
        } else {
            None
        };
        let history = loaded(input.needs(Need::History), || gw.state.history(room_name));
        let Ok(history) = history.await else {
            return socket.send(&unavailable());
        };
        let room = Room {
            streamer: &login.streamer,
            themes: &gw.ctx.config.themes,
            is_custom_emote: &is_custom,
            roster: &roster,
            settings: settings.as_ref(),
            history: &history,
            now_ms: rsstreaming_shared::store::now_ms(),
        };
        let effects = chat::decide(&room, &login.member, &input);
        match effects::apply(gw, socket, &login, effects).await {
            Applied::Done => return,
            Applied::Stale => {
                // Decided on an old roster: read our own entry again and decide again.
                match gw.state.member(&login.room, &socket.id).await {
                    Ok(Some(m)) => {
                        socket.update_member(&m);
                        match socket.login() {
                            Some(l) => login = l,
                            None => return,
                        }
                    }
                    Ok(None) => return socket.send(&Outgoing::error("You are not logged in.")),
                    Err(_) => return socket.send(&unavailable()),
                }
            }
        }
    }
    socket.send(&Outgoing::server("The chat is busy, try again."));
}
