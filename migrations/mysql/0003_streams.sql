-- Stream sessions (one per publish start/stop of a room), the viewer/chatter samples taken
-- while a stream is open, and the leases that let one instance of several run a background job.
CREATE TABLE streams (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    room VARCHAR(64) NOT NULL,
    -- The room while the stream is open, NULL once it ended: at most one open stream a room.
    open_room VARCHAR(64) NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NULL,
    samples BIGINT NOT NULL DEFAULT 0,
    viewers_sum BIGINT NOT NULL DEFAULT 0,
    peak_viewers BIGINT NOT NULL DEFAULT 0,
    UNIQUE KEY streams_open_room (open_room),
    KEY streams_room_id (room, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE stream_samples (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    stream_id BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    viewers BIGINT NOT NULL,
    chatters BIGINT NOT NULL,
    KEY stream_samples_stream_id (stream_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE leases (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    holder VARCHAR(64) NOT NULL,
    until_ms BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
