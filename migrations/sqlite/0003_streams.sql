-- Stream sessions (one per publish start/stop of a room), the viewer/chatter samples taken
-- while a stream is open, and the leases that let one instance of several run a background job.
CREATE TABLE streams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,
    -- The room while the stream is open, NULL once it ended: at most one open stream a room.
    open_room TEXT NULL UNIQUE,
    started_at INTEGER NOT NULL,
    ended_at INTEGER NULL,
    samples INTEGER NOT NULL DEFAULT 0,
    viewers_sum INTEGER NOT NULL DEFAULT 0,
    peak_viewers INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX streams_room_id ON streams (room, id);

CREATE TABLE stream_samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    viewers INTEGER NOT NULL,
    chatters INTEGER NOT NULL
);
CREATE INDEX stream_samples_stream_id ON stream_samples (stream_id, id);

CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_ms INTEGER NOT NULL
);
