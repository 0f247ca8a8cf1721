-- Recordings (SPEC §9): a finished nginx-rtmp recording of a room, from the moment
-- on_record_done registers it (`pending`, its FLV moved to a name without the key) through the
-- remux to MP4 (`working`, claimed by one instance until `claimed_until`) to `ready` or
-- `failed`. `stem` names its files in recordings.dir: `{stem}.flv` while pending,
-- `{stem}.mp4` and `{stem}.jpg` once ready; `deleted` until the sweep removes them.
-- Times are unix ms.
CREATE TABLE recordings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Whose, its files' stem, where it stands (pending, working, ready, failed, deleted):
    room TEXT NOT NULL, stem TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
    -- The queue: when registered, whose claim runs until when, how many remuxes were tried:
    created_at INTEGER NOT NULL, claimed_until INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Known once ready: when the recorded video starts, how long it runs, its MP4's size.
    started_at INTEGER NULL, duration_ms INTEGER NULL, size_bytes INTEGER NULL
);
CREATE INDEX recordings_room ON recordings (room, status, id);
CREATE INDEX recordings_status ON recordings (status, id);
-- A recording's chat replay reads a room's lines by time.
CREATE INDEX events_room_ts ON events (room, ts);
