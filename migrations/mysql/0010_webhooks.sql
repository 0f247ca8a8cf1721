-- Webhooks (SPEC §9): a room's (or, with room NULL, the whole site's) receivers of stream
-- events, and the store-backed queue of deliveries to them — retried with backoff for an hour,
-- kept afterwards as the delivery log. The signing secret is derived, never stored.
CREATE TABLE webhooks (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    room VARCHAR(64) NULL,
    url VARCHAR(1024) NOT NULL,
    format VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    KEY webhooks_room (room)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE webhook_deliveries (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    -- What is sent, to which receiver, about which room:
    webhook_id BIGINT NOT NULL, room VARCHAR(64) NOT NULL, event VARCHAR(32) NOT NULL, body TEXT NOT NULL,
    -- Where it stands (unix ms); the last answer, an HTTP status or why there was none:
    attempts BIGINT NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, created_at BIGINT NOT NULL,
    delivered_at BIGINT NULL, failed_at BIGINT NULL, last_status VARCHAR(255) NULL,
    KEY webhook_deliveries_due (delivered_at, failed_at, next_at),
    KEY webhook_deliveries_room (room, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
