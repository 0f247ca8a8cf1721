-- Scoped API tokens of a streamer (SPEC §8): stored keyed-hashed, shown once, revocable.
CREATE TABLE api_tokens (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    room VARCHAR(64) NOT NULL,
    token_hash VARCHAR(128) NOT NULL,
    scopes VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NULL,
    UNIQUE KEY api_tokens_token_hash (token_hash),
    KEY api_tokens_room (room, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
