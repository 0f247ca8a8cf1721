-- Dashboard sessions of streamers (SPEC §8): keyed-hashed session tokens, so any instance can
-- find one; each ends at expires_at, on sign-out, or when the streamer's key changes.
CREATE TABLE dashboard_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    room TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX dashboard_sessions_room ON dashboard_sessions (room);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at);
