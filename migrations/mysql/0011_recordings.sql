-- Recordings (SPEC §9): a finished nginx-rtmp recording of a room, from the moment
-- on_record_done registers it (`pending`, its FLV moved to a name without the key) through the
-- remux to MP4 (`working`, claimed by one instance until `claimed_until`) to `ready` or
-- `failed`. `stem` names its files in recordings.dir: `{stem}.flv` while pending,
-- `{stem}.mp4` and `{stem}.jpg` once ready; `deleted` until the sweep removes them.
-- Times are unix ms.
CREATE TABLE recordings (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    -- Whose, its files' stem, where it stands (pending, working, ready, failed, deleted):
    room VARCHAR(64) NOT NULL, stem VARCHAR(128) NOT NULL, status VARCHAR(16) NOT NULL,
    -- The queue: when registered, whose claim runs until when, how many remuxes were tried:
    created_at BIGINT NOT NULL, claimed_until BIGINT NOT NULL DEFAULT 0,
    attempts BIGINT NOT NULL DEFAULT 0,
    -- Known once ready: when the recorded video starts, how long it runs, its MP4's size.
    started_at BIGINT NULL, duration_ms BIGINT NULL, size_bytes BIGINT NULL,
    UNIQUE KEY recordings_stem (stem),
    KEY recordings_room (room, status, id),
    KEY recordings_status (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- A recording's chat replay reads a room's lines by time.
CREATE INDEX events_room_ts ON events (room, ts);
