-- Webhooks (SPEC §9): a room's (or, with room NULL, the whole site's) receivers of stream
-- events, and the store-backed queue of deliveries to them — retried with backoff for an hour,
-- kept afterwards as the delivery log. The signing secret is derived, never stored.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_room ON webhooks (room);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- What is sent, to which receiver, about which room:
    webhook_id INTEGER NOT NULL, room TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL,
    -- Where it stands (unix ms); the last answer, an HTTP status or why there was none:
    attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, created_at INTEGER NOT NULL,
    delivered_at INTEGER NULL, failed_at INTEGER NULL, last_status TEXT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (delivered_at, failed_at, next_at);
CREATE INDEX webhook_deliveries_room ON webhook_deliveries (room, id);
