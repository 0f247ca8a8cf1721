-- Scoped API tokens of a streamer (SPEC §8): stored keyed-hashed, shown once, revocable.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER NULL
);
CREATE INDEX api_tokens_room ON api_tokens (room, id);
