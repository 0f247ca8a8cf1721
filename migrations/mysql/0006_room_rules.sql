-- Room rules (SPEC §7): slow mode (seconds, 0 off), emote-only, who may post links (on, off,
-- mods) and the pinned message as shown (NULL: none), one row per room that ever set one; and
-- the word filters of a room, or of the site (room `*`), each kept as typed in chat (a
-- lowercased word or phrase, or /REGEX/) with who added it (a chat name, the streamer, `cli`).
CREATE TABLE room_rules (
    room VARCHAR(64) NOT NULL PRIMARY KEY,
    slow_secs BIGINT NOT NULL DEFAULT 0, emote_only BIGINT NOT NULL DEFAULT 0,
    links VARCHAR(8) NOT NULL DEFAULT 'on', pin TEXT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE chat_filters (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    room VARCHAR(64) NOT NULL, pattern VARCHAR(255) NOT NULL,
    created_by VARCHAR(64) NOT NULL, created_at BIGINT NOT NULL,
    UNIQUE KEY chat_filters_room_pattern (room, pattern)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
