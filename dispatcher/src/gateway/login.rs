//! A page saying which stream it watches (`presence`) and a chatter logging in: name checks,
//! the viewer pass of a protected stream, the stream key (under a budget) for the streamer, a
//! registered name's password ([`super::names`]),
//! claiming the name in the shared state, and `login success` (then `history`) before any
//! room frame.

use super::envelope::Route;
use super::guess::guess;
use super::history;
use super::names;
use super::peer::Peer;
use super::room_rules;
use super::sanctions;
use super::socket::{Login, Socket};
use super::{unavailable, Gateway};
use rsstreaming_shared::auth::may_view;
use rsstreaming_shared::budget::{self, Scope};
use rsstreaming_shared::chat::{roster_page, ChatterType, Member, Outgoing};
use rsstreaming_shared::metrics::metrics;
use rsstreaming_shared::names::{RoomName, Username};
use rsstreaming_shared::store::{event_kind, NewEvent, SanctionKind, Streamer};
use rsstreaming_shared::text::{self, NameProblem};
use std::sync::Arc;

/// What a `login` frame asks for.
pub struct Asked<'a> {
    pub streamer: &'a str,
    pub username: &'a str,
    pub color: &'a str,
    pub key: Option<&'a str>,
    pub password: Option<&'a str>,
}

/// The streamer a frame names; when there is none (or the store is down), the socket is told.
async fn streamer_named(gw: &Gateway, socket: &Socket, name: &str) -> Option<Streamer> {
    let found = match RoomName::parse(name) {
        Ok(room) => gw.caches.streamer(&gw.ctx.store, &room).await,
        Err(_) => Ok(None),
    };
    match found {
        Ok(Some(s)) => Some(s),
        Ok(None) => {
            socket.send(&Outgoing::error("Streamer does not exist"));
            None
        }
        Err(()) => {
            socket.send(&unavailable());
            None
        }
    }
}

/// A page watching a protected stream counts as its viewer only with a pass for it.
pub async fn presence(gw: &Gateway, socket: &Arc<Socket>, peer: &Peer, streamer: &str) {
    if let Some(s) = streamer_named(gw, socket, streamer).await {
        let room = s.room();
        if may_view(
            &gw.ctx.secret,
            &room,
            s.streampass.as_deref(),
            &peer.cookies,
        ) {
            gw.presence.touch(socket, &room);
        }
    }
}

/// The refusal of a chat name, if it is one.
fn name_problem(gw: &Gateway, username: &str) -> Option<&'static str> {
    let emotes = gw.caches.emotes();
    match text::check_name(username, |a| emotes.contains_key(&a.to_ascii_lowercase())) {
        Err(NameProblem::Blank) => Some("Username cannot be blank"),
        Err(NameProblem::TooLong) => Some("Username cannot be that long"),
        Err(NameProblem::BadCharacters) => {
            Some("Username contains characters that are not allowed")
        }
        Ok(()) => None,
    }
}

/// The streamer's own login: the stream key, checked under a budget against a fresh record
/// (a key changed a moment ago must not still work). The registered name when it matches.
async fn check_key(
    gw: &Gateway,
    socket: &Socket,
    peer: &Peer,
    record: &Streamer,
    key: Option<&str>,
) -> Option<Username> {
    let room = record.room();
    let Some(key) = key else {
        socket.send(&Outgoing::LoginKeyRequired {
            username: record.username.to_string(),
        });
        return None;
    };
    // The site's one stream-key budget (shared with the API): per address and per streamer,
    // taken before the comparison, so once spent even the right key is refused.
    let addr = peer.addr.unwrap_or(rsstreaming_shared::net::UNKNOWN);
    let limits = [
        (budget::KEY_PER_CALLER, Scope::Addr(addr)),
        (budget::KEY_PER_STREAMER, Scope::Streamer(&room)),
    ];
    // Fresh from the store (and re-hashed there if the row is in the old form).
    let check = async {
        match gw.ctx.store.authenticate(&room, key).await {
            Ok(fresh) => Ok(fresh.map(|s| s.username)),
            Err(e) => {
                tracing::error!("store: {e}");
                Err(unavailable())
            }
        }
    };
    match guess(gw.ctx.state.as_ref(), &limits, check).await {
        Ok(name) => Some(name),
        Err(refusal) => {
            socket.send(&refusal);
            None
        }
    }
}

/// Refuses a banned chatter (`banned`, then an `error`) and marks a muted one; false when the
/// login stops here.
async fn sanctioned(gw: &Gateway, socket: &Socket, room: &RoomName, member: &mut Member) -> bool {
    let addr = member.addr.as_deref();
    let (list, muted) = match tokio::try_join!(
        async {
            gw.sanctions
                .get(&gw.ctx.store, room)
                .await
                .map_err(|e| e.to_string())
        },
        async {
            gw.state
                .is_muted(room, &member.key, addr)
                .await
                .map_err(|e| e.to_string())
        },
    ) {
        Ok(found) => found,
        Err(e) => {
            tracing::error!("reading sanctions at login: {e}");
            socket.send(&unavailable());
            return false;
        }
    };
    if let Some(ban) = sanctions::binding(&list, SanctionKind::Ban, member) {
        socket.send(&sanctions::banned(ban));
        let until = match ban.until {
            Some(t) => format!("until {} UTC", text::utc(t / 1000)),
            None => "until the ban is lifted".into(),
        };
        socket.send(&Outgoing::error(format!(
            "You are banned from this chat {until}."
        )));
        return false;
    }
    let stored = sanctions::binding(&list, SanctionKind::Mute, member);
    member.muted = muted || stored.is_some();
    member.muted_until = stored.and_then(|m| m.until);
    true
}

pub async fn login(gw: &Arc<Gateway>, socket: &Arc<Socket>, peer: &Peer, asked: Asked<'_>) {
    if socket.login().is_some() {
        return socket.send(&Outgoing::error("You are already logged in."));
    }
    let username = asked.username.trim();
    if let Some(problem) = name_problem(gw, username) {
        return socket.send(&Outgoing::error(problem));
    }
    let Some(record) = streamer_named(gw, socket, asked.streamer).await else {
        return;
    };
    let room = record.room();
    let wants_admin = text::name_key(username) == text::name_key(&room);
    // A protected stream's chat is as protected as its video: a viewer needs the pass the
    // password page hands out; the streamer proves more with the key below.
    let password = record.streampass.as_deref();
    if !wants_admin && !may_view(&gw.ctx.secret, &room, password, &peer.cookies) {
        return socket.send(&Outgoing::error(
            "This stream is password-protected: enter the password first.",
        ));
    }
    let (name, kind, registered) = if wants_admin {
        match check_key(gw, socket, peer, &record, asked.key).await {
            Some(name) => (name.to_string(), ChatterType::Admin, false),
            None => return,
        }
    } else {
        // A registered name needs its password, and may bring its lasting rank (SPEC §8).
        match names::login(gw, socket, peer, &room, &asked).await {
            Some(found) => (username.to_string(), found.kind, found.registered),
            None => return,
        }
    };
    let color = text::parse_color(asked.color).unwrap_or_else(text::random_color);
    // Unknown callers share one address: a mute never binds to it.
    let addr = peer.addr.filter(|a| *a != rsstreaming_shared::net::UNKNOWN);
    let mut member = Member::new(&socket.id, &name, kind, &color).from_addr(addr);
    member.registered = registered;
    // Bans and mutes outlive the socket: the same name (or look-alike) or address comes back
    // banned or muted. Nobody sanctions the streamer.
    if kind != ChatterType::Admin && !sanctioned(gw, socket, &room, &mut member).await {
        return;
    }

    // The room's rules are held here from now on, before any line of this chatter.
    if let Err(e) = gw.rules.load(&gw.ctx.store, &room).await {
        tracing::error!("reading the rules of {room}: {e}");
        return socket.send(&unavailable());
    }
    // Follow the room before claiming, so nothing said after the claim is missed; hold
    // room frames until `login success` is queued, so it comes first.
    if let Err(e) = gw.follow(&room).await {
        tracing::error!("following room {room}: {e}");
        return socket.send(&unavailable());
    }
    match gw.state.claim(&room, &member).await {
        Ok(true) => {}
        Ok(false) => return socket.send(&Outgoing::error("Username is already taken")),
        Err(e) => {
            tracing::error!("claiming a name: {e}");
            return socket.send(&unavailable());
        }
    }
    socket.hold();
    socket.set_login(Some(Login {
        room: room.clone(),
        streamer: record.username.clone(),
        member: member.clone(),
    }));
    gw.rooms.join(&room, socket);
    let (users, count) = match gw.state.roster_head(&room, roster_page::PAGE).await {
        Ok((head, count)) => (head.iter().map(Member::user).collect(), count),
        Err(_) => (vec![member.user()], 1),
    };
    socket.send(&Outgoing::LoginSuccess {
        username: member.username.clone(),
        kind,
        color: member.color.clone(),
        users,
        count,
    });
    history::send(gw, socket, &room).await;
    metrics().logins.inc();
    if kind == ChatterType::Admin {
        socket.send(&Outgoing::server("You have admin rights."));
    }
    room_rules::greet(gw, socket, &room);
    socket.release_held();
    gw.presence.touch(socket, &room);
    let route = Route {
        except: Some(socket.id.to_string()),
        ..Route::default()
    };
    gw.publish(&room, &route, &Outgoing::Connected(member.user()))
        .await;
    gw.audit.record(NewEvent::now(
        &room,
        event_kind::JOIN,
        serde_json::json!({"username": member.username, "type": kind.as_str()}),
    ));
}
