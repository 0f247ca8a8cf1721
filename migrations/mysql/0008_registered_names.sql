-- Registered chat names (SPEC §8): one row per name, keyed by its identity (the case-folded
-- confusable skeleton, as chat compares names), with the name as registered and its argon2id
-- hash (PHC string); the moderator ranks given to a registered name, per room; and the room
-- rule letting only registered names post (`/chatmode registered|all`).
CREATE TABLE chat_names (
    name_key VARCHAR(255) NOT NULL PRIMARY KEY,
    username VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE chat_name_ranks (
    room VARCHAR(64) NOT NULL,
    name_key VARCHAR(255) NOT NULL,
    created_by VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (room, name_key),
    KEY chat_name_ranks_name (name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
ALTER TABLE room_rules ADD COLUMN registered_only BIGINT NOT NULL DEFAULT 0;
