//! Browser tests: the real pages in real headless Chromium (through chromedriver, see
//! `rsstreaming_testkit::browser`) against a real `rsstreaming serve`, SQLite database and, for
//! the live tests, ffmpeg writing HLS.
//!
//! Needs `chromium`, `chromium-driver` and `ffmpeg` (Debian packages); `fonts-noto-color-emoji`
//! makes the screenshots in `target/screenshots/` show emoji. Without Chromium the tests skip,
//! except under `CI=true` where they fail.

mod site;

mod pages;
mod player;

mod big_room;
mod chat;
mod dashboard;
mod linemenu;
mod moderation;
mod pin;
mod proxy;
mod reconnect;
mod registered;
mod sanctions;
mod settings;
mod typing;
