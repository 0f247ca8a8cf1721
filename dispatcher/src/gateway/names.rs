//! Registered chat names on this instance (SPEC §8): the password at login (under its budget,
//! checked off the executor: argon2id is slow on purpose), the lasting moderator rank, and
//! carrying out `/register`, `/unregister` and a rank given to a registered name. Everything
//! is read from the store, which every instance shares, so a name registered on one instance
//! needs its password on all of them at once, and after a restart.

use super::guess::guess;
use super::login::Asked;
use super::peer::Peer;
use super::socket::{Login, Socket};
use super::{unavailable, Gateway};
use rsstreaming_shared::auth::{hash_name_password, verify_name_password};
use rsstreaming_shared::budget::{self, Scope};
use rsstreaming_shared::chat::effect::NamePassword;
use rsstreaming_shared::chat::{Change, ChatterType, Member, Outgoing};
use rsstreaming_shared::names::RoomName;
use rsstreaming_shared::state::Replace;
use rsstreaming_shared::store::{event_kind, NewEvent, StoreError, StoreResult};
use rsstreaming_shared::text;

/// What a login under a name found: its rank in the room and whether it is registered.
pub struct NameLogin {
    pub kind: ChatterType,
    pub registered: bool,
}

fn store_failed(e: StoreError) -> Outgoing {
    tracing::error!("store: {e}");
    unavailable()
}

/// Tells the sender what its name `is` ("The name 'bob' is registered...").
fn about(socket: &Socket, me: &Member, is: &str) {
    socket.send(&Outgoing::server(format!(
        "The name '{}' {is}",
        me.username
    )));
}

/// Whether a store write of the sender's name was made; when it was not (the name `is`
/// otherwise) or failed, the sender is told.
fn stored(socket: &Socket, me: &Member, done: StoreResult<bool>, is: &str) -> bool {
    match done {
        Ok(true) => true,
        Ok(false) => {
            about(socket, me, is);
            false
        }
        Err(e) => {
            socket.send(&store_failed(e));
            false
        }
    }
}

/// Checks the password of a registered name (`None` when the login stops here: the socket
/// was told why). An unregistered name passes as a normal chatter.
pub async fn login(
    gw: &Gateway,
    socket: &Socket,
    peer: &Peer,
    room: &RoomName,
    asked: &Asked<'_>,
) -> Option<NameLogin> {
    let (username, password) = (asked.username.trim(), asked.password);
    let key = text::name_key(username);
    let normal = NameLogin {
        kind: ChatterType::Normal,
        registered: false,
    };
    let found = match gw.ctx.store.registered_name(&key).await {
        Ok(None) => return Some(normal),
        Ok(Some(found)) => found,
        Err(e) => {
            socket.send(&store_failed(e));
            return None;
        }
    };
    let Some(password) = password else {
        socket.send(&Outgoing::LoginPasswordRequired {
            username: username.to_string(),
        });
        return None;
    };
    let addr = peer.addr.unwrap_or(rsstreaming_shared::net::UNKNOWN);
    let limits = [
        (budget::NAME_PASSWORD_PER_CALLER, Scope::Addr(addr)),
        (budget::NAME_PASSWORD_PER_NAME, Scope::Name(&key)),
    ];
    let (hash, typed) = (found.password_hash, password.to_string());
    let check = async move {
        match tokio::task::spawn_blocking(move || verify_name_password(&hash, &typed)).await {
            Ok(right) => Ok(right.then_some(())),
            Err(_) => Err(unavailable()),
        }
    };
    if let Err(refusal) = guess(gw.ctx.state.as_ref(), &limits, check).await {
        socket.send(&refusal);
        return None;
    }
    match gw.ctx.store.is_name_moderator(room, &key).await {
        Ok(moderator) => Some(NameLogin {
            kind: match moderator {
                true => ChatterType::Moderator,
                false => ChatterType::Normal,
            },
            registered: true,
        }),
        Err(e) => {
            socket.send(&store_failed(e));
            None
        }
    }
}

/// Whether a roster change may go ahead: nobody takes on another registered name by a
/// rename (a change of case or look-alike form of one's own name is no new name).
pub async fn rename_allowed(gw: &Gateway, socket: &Socket, change: &Change) -> bool {
    let (before, after) = (&change.before, &change.after);
    if before.key == after.key {
        return true;
    }
    match gw.ctx.store.registered_name(&after.key).await {
        Ok(None) => true,
        Ok(Some(_)) => {
            socket.send(&Outgoing::server(format!(
                "The name '{}' is registered: only a login with its password may use it.",
                after.username
            )));
            false
        }
        Err(e) => {
            socket.send(&store_failed(e));
            false
        }
    }
}

/// Marks the sender's roster entry registered or not; false when it changed meanwhile.
async fn mark(gw: &Gateway, login: &Login, registered: bool) -> bool {
    let me = &login.member;
    let after = Member {
        registered,
        ..me.clone()
    }
    .bumped();
    match gw.state.replace(&login.room, me, &after).await {
        Ok(Replace::Done) => {
            if let Some(local) = gw.rooms.socket(&me.socket) {
                local.update_member(&after);
            }
            true
        }
        Ok(_) => false,
        Err(e) => {
            tracing::error!("marking a registered name: {e}");
            false
        }
    }
}

/// `/register`: refused for a streamer's name, hashed off the executor, stored (the first
/// registration of a name holds), then the sender is under its registered name.
pub async fn register(gw: &Gateway, socket: &Socket, login: &Login, password: NamePassword) {
    let me = &login.member;
    let streamers = match gw.ctx.store.streamers().await {
        Ok(s) => s,
        Err(e) => return socket.send(&store_failed(e)),
    };
    if streamers
        .iter()
        .any(|s| text::name_key(&s.username) == me.key)
    {
        return about(socket, me, "is a streamer's name and cannot be registered.");
    }
    let hashed = tokio::task::spawn_blocking(move || hash_name_password(password.expose())).await;
    let hash = match hashed {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => return socket.send(&Outgoing::server(e.to_string())),
        Err(_) => return socket.send(&unavailable()),
    };
    let done = gw.ctx.store.register_name(&me.username, &hash).await;
    if !stored(socket, me, done, "is already registered.") {
        return;
    }
    let news = match mark(gw, login, true).await {
        true => "is registered: logging in under it now needs its password.",
        false => "is registered: log in again with its password to use it.",
    };
    about(socket, me, news);
    audit(gw, login, event_kind::REGISTER);
}

/// `/unregister`: the name (and the ranks given to it) are dropped.
pub async fn unregister(gw: &Gateway, socket: &Socket, login: &Login) {
    let me = &login.member;
    let done = gw.ctx.store.unregister_name(&me.key).await;
    if !stored(socket, me, done, "is not registered.") {
        return;
    }
    mark(gw, login, false).await;
    about(socket, me, "is no longer registered.");
    audit(gw, login, event_kind::UNREGISTER);
}

/// A registered name's rank in the room, kept for its next logins.
pub async fn rank(gw: &Gateway, socket: &Socket, login: &Login, key: &str, moderator: bool) {
    let by = &login.member.username;
    if let Err(e) = gw
        .ctx
        .store
        .set_name_moderator(&login.room, key, moderator, by)
        .await
    {
        tracing::error!("storing a registered name's rank: {e}");
        socket.send(&Outgoing::error(
            "Could not save the rank for the name's next logins, try again.",
        ));
    }
}

/// `/mod` or `/demod` of a registered name that is not in the room: its lasting rank.
pub async fn offline_rank(
    gw: &Gateway,
    socket: &Socket,
    login: &Login,
    name: &str,
    moderator: bool,
) {
    let store = &gw.ctx.store;
    let found = match store.registered_name(&text::name_key(name)).await {
        Ok(Some(found)) => found,
        Ok(None) => return socket.send(&Outgoing::server(format!("Unrecognized user '{name}'"))),
        Err(e) => return socket.send(&store_failed(e)),
    };
    let by = &login.member.username;
    let who = &found.username;
    let msg = match store
        .set_name_moderator(&login.room, &found.key, moderator, by)
        .await
    {
        Ok(true) if moderator => format!("User '{who}' has been promoted to moderator."),
        Ok(true) => format!("User '{who}' has been demoted from moderator."),
        Ok(false) if moderator => format!("User '{who}' is already a moderator."),
        Ok(false) => format!("User '{who}' is not a moderator."),
        Err(e) => return socket.send(&store_failed(e)),
    };
    socket.send(&Outgoing::server(msg));
    let kind = match moderator {
        true => event_kind::MOD,
        false => event_kind::DEMOD,
    };
    record(gw, login, kind, who);
}

fn audit(gw: &Gateway, login: &Login, kind: &'static str) {
    record(gw, login, kind, &login.member.username);
}

fn record(gw: &Gateway, login: &Login, kind: &'static str, username: &str) {
    gw.audit.record(NewEvent::now(
        &login.room,
        kind,
        serde_json::json!({"username": username, "by": login.member.username}),
    ));
}
