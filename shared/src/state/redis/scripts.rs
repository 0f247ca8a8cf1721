//! The Lua scripts that make each roster, presence and budget change atomic across instances,
//! one file each (KEYS and ARGV are documented at the top of each file).

/// KEYS: names, roster, rooms. ARGV: key, socket, entry JSON, room.
pub const CLAIM: &str = include_str!("claim.lua");

/// KEYS: names, roster. ARGV: socket, expected JSON, old key, new key, new JSON.
/// Returns 1 done, 0 stale, -1 taken.
pub const REPLACE: &str = include_str!("replace.lua");

/// KEYS: names, roster, rooms. ARGV: socket, room. Returns the removed entry JSON or nil.
pub const RELEASE: &str = include_str!("release.lua");

/// KEYS: presence, presence_rooms. ARGV: oldest ms kept, room.
pub const PRUNE_PRESENCE: &str = include_str!("prune_presence.lua");

/// KEYS: counter. ARGV: delta, window ms. Returns {count, ms left in the window}; a window
/// opens with the first hit (a give-back on no window changes nothing).
pub const COUNT: &str = include_str!("count.lua");

/// KEYS: history, history bytes. ARGV: entry, most lines, most bytes, TTL ms.
pub const HISTORY_APPEND: &str = include_str!("history_append.lua");

/// KEYS: history, history bytes. ARGV: line id. Returns the removed entry or nil.
pub const HISTORY_REMOVE: &str = include_str!("history_remove.lua");
