-- Bans and mutes of chat identities (SPEC §7): a name key (case-folded, confusable skeleton)
-- and the address it was seen at, until a time (unix ms; NULL = until lifted) or lifted.
CREATE TABLE sanctions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,
    kind TEXT NOT NULL,
    username TEXT NOT NULL,
    name_key TEXT NOT NULL,
    addr TEXT NULL,
    reason TEXT NULL,
    until_ms INTEGER NULL,
    by_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    lifted_at INTEGER NULL
);
CREATE INDEX sanctions_room ON sanctions (room, lifted_at);
