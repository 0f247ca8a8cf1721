-- Streamers, custom emotes, the events audit log, settings and the chat outbox.
CREATE TABLE streamers (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username VARCHAR(64) NOT NULL,
    username_lower VARCHAR(64) NOT NULL,
    key_hash CHAR(64) NOT NULL,
    description TEXT NOT NULL,
    streampass VARCHAR(255) NULL,
    chat VARCHAR(16) NOT NULL DEFAULT 'enabled',
    created_at BIGINT NOT NULL,
    UNIQUE KEY streamers_username_lower (username_lower),
    UNIQUE KEY streamers_key_hash (key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE emotes (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    alias VARCHAR(64) NOT NULL,
    alias_lower VARCHAR(64) NOT NULL,
    uri TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE KEY emotes_alias_lower (alias_lower)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE events (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ts BIGINT NOT NULL,
    room VARCHAR(64) NOT NULL,
    kind VARCHAR(32) NOT NULL,
    meta TEXT NOT NULL,
    KEY events_room_kind_id (room, kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE settings (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE outbox (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    room VARCHAR(64) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
