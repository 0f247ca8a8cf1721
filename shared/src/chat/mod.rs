//! The chat engine: the protocol's frames, the roster entry, command parsing and the rules
//! (commands and permissions as pure functions of room state, sender and input).

pub mod command;
pub mod member;
pub mod protocol;
pub mod rules;

pub use command::{parse, Command, Input};
pub use member::{ChatterType, Member, User};
pub use protocol::{FrameError, Incoming, Outgoing};
pub use rules::{decide, Change, Effect, Room, StreamerChange};
