-- Bans and mutes of chat identities (SPEC §7): a name key (case-folded, confusable skeleton)
-- and the address it was seen at, until a time (unix ms; NULL = until lifted) or lifted.
CREATE TABLE sanctions (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    room VARCHAR(64) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    username VARCHAR(255) NOT NULL,
    name_key VARCHAR(255) NOT NULL,
    addr VARCHAR(64) NULL,
    reason VARCHAR(1024) NULL,
    until_ms BIGINT NULL,
    by_name VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL,
    lifted_at BIGINT NULL,
    KEY sanctions_room (room, lifted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
