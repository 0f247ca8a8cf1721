-- Room rules (SPEC §7): slow mode (seconds, 0 off), emote-only, who may post links (on, off,
-- mods) and the pinned message as shown (NULL: none), one row per room that ever set one; and
-- the word filters of a room, or of the site (room `*`), each kept as typed in chat (a
-- lowercased word or phrase, or /REGEX/) with who added it (a chat name, the streamer, `cli`).
CREATE TABLE room_rules (
    room TEXT NOT NULL PRIMARY KEY,
    slow_secs INTEGER NOT NULL DEFAULT 0, emote_only INTEGER NOT NULL DEFAULT 0,
    links TEXT NOT NULL DEFAULT 'on', pin TEXT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE chat_filters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL, pattern TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at INTEGER NOT NULL,
    UNIQUE (room, pattern)
);
