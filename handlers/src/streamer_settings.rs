//! Changing a streamer's stored settings from outside the chat — the remote-control API and the
//! dashboard — exactly as the chat's `/description`, `/password` and `/chat` do: the same store
//! calls, the same audit event (`by` the streamer, never the password itself), and for the
//! viewer password the announcement that makes every instance tell the room and send away the
//! pages that hold no pass for the new one. Description and chat setting reach open pages as a
//! chat command's do: the page polls `info`, the gateways' streamer cache lives 5 s.

use crate::respond::HandlerError;
use crate::Ctx;
use rsstreaming_shared::chat::StreamerChange;
use rsstreaming_shared::state::Announcement;
use rsstreaming_shared::store::Streamer;

/// Stores `change` for `s`, records it and tells whoever must know.
pub(crate) async fn apply(
    ctx: &Ctx,
    s: &Streamer,
    change: StreamerChange,
) -> Result<(), HandlerError> {
    let store = &ctx.store;
    let room = s.room();
    match &change {
        StreamerChange::Description(d) => store.set_description(&s.username, Some(d)).await?,
        StreamerChange::Password(p) => store.set_streampass(&s.username, p.as_deref()).await?,
        StreamerChange::Chat(c) => store.set_chat(&s.username, *c).await?,
    }
    store.record_event(change.audit(&room, &s.username)).await?;
    if let StreamerChange::Password(p) = &change {
        let changed = Announcement::PasswordChanged {
            room: room.to_string(),
            active: p.is_some(),
        };
        ctx.state.announce(&changed).await?;
    }
    Ok(())
}
