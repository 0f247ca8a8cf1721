-- Streamers, custom emotes, the events audit log, settings and the chat outbox.
CREATE TABLE streamers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    username_lower TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    streampass TEXT NULL,
    chat TEXT NOT NULL DEFAULT 'enabled',
    created_at INTEGER NOT NULL
);

CREATE TABLE emotes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alias TEXT NOT NULL,
    alias_lower TEXT NOT NULL UNIQUE,
    uri TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts INTEGER NOT NULL,
    room TEXT NOT NULL,
    kind TEXT NOT NULL,
    meta TEXT NOT NULL
);
CREATE INDEX events_room_kind_id ON events (room, kind, id);

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
