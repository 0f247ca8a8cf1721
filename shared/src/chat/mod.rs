//! The chat engine, pure and transport-free: the protocol's frames ([`protocol`]), the roster
//! entry ([`member`]), line ids and history entries ([`line`]), parsing what a chatter typed ([`input`]), the command table with one
//! function per command ([`commands`]), [`rules::decide`] turning (room, sender, input) into
//! [`Effect`]s ([`effect`]). The gateway loads what a decision needs and carries out its effects.

pub mod ban_request;
pub mod commands;
pub mod duration;
pub mod effect;
pub mod filters;
pub mod input;
pub mod line;
pub mod member;
pub mod protocol;
pub mod room_rules;
pub mod roster_page;
pub mod rules;

pub use commands::{Command, Need, Room, BLANK, MUTED, NAME_TAKEN};
pub use effect::{Change, Deletion, Effect, StreamerChange};
pub use input::{parse, Input};
pub use line::{HistoryLine, LineStamp};
pub use member::{ChatterType, Member, User};
pub use protocol::{FrameError, Incoming, Outgoing};
pub use rules::decide;
