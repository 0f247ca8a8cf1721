-- Dashboard sessions of streamers (SPEC §8): keyed-hashed session tokens, so any instance can
-- find one; each ends at expires_at, on sign-out, or when the streamer's key changes.
CREATE TABLE dashboard_sessions (
    token_hash VARCHAR(128) NOT NULL PRIMARY KEY,
    room VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    KEY dashboard_sessions_room (room),
    KEY dashboard_sessions_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
