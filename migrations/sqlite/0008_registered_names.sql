-- Registered chat names (SPEC §8): one row per name, keyed by its identity (the case-folded
-- confusable skeleton, as chat compares names), with the name as registered and its argon2id
-- hash (PHC string); the moderator ranks given to a registered name, per room; and the room
-- rule letting only registered names post (`/chatmode registered|all`).
CREATE TABLE chat_names (
    name_key TEXT NOT NULL PRIMARY KEY,
    username TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE chat_name_ranks (
    room TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (room, name_key)
);
CREATE INDEX chat_name_ranks_name ON chat_name_ranks (name_key);
ALTER TABLE room_rules ADD COLUMN registered_only INTEGER NOT NULL DEFAULT 0;
