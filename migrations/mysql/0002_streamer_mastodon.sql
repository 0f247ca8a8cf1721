-- The Mastodon profile URL of a streamer (the Python system's streamersettings.mastodon).
ALTER TABLE streamers ADD COLUMN mastodon VARCHAR(255) NULL;
