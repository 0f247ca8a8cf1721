-- A few more profile links of a streamer, set in the dashboard and shown on the stream page:
-- a JSON array of {label, url}, at most five (checked by the server, not the database).
ALTER TABLE streamers ADD COLUMN profile_links TEXT NULL;
