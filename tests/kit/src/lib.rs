//! The test kit of rsstreaming: what every suite (`tests/suite`, `tests/browser`, `tests/media`,
//! `tests/lambda`, `tests/bench`) uses to stand up a site and talk to it.
//!
//! - A [`Site`] is built with [`Site::builder`] — database ([`TestDb`], SQLite by default),
//!   streamers, passwords, descriptions, chat settings, emotes, extra YAML, `serve` options — and
//!   started on a [`Backend`]: one `rsstreaming serve` ([`serve`]), or every route's Lambda
//!   function under cargo-lambda's emulator with the gateway beside them ([`lambda`]).
//! - Typed clients talk to it: [`Api`] (the remote-control API), [`Hooks`] (nginx-rtmp's
//!   `on_publish` hooks), [`Chat`] (a WebSocket chatter), [`browser`] (headless Chromium).
//! - Fixtures: fake HLS output ([`hls`]), a real ffmpeg encoder ([`LiveEncoder`]), drawings
//!   ([`png_url`]), raw HTTP ([`raw`]), the CLI ([`cli`]).
//! - [`machine`] holds the one rule for missing tools and services: skip with a message, or fail
//!   under `CI=true`.
//!
//! ```text
//! let site = Site::builder().streamer("bob", KEY).start(Backend::Serve).await;
//! let (mut viewer, _) = Chat::login(site.base(), "bob", "viewer").await;
//! site.api("bob", KEY).say(None, "hello").await;
//! viewer.expect_line("message received", "hello").await;
//! ```

pub mod api;
pub mod browser;
pub mod chat;
pub mod cli;
pub mod config;
pub mod db;
pub mod deployment;
pub mod encoder;
pub mod hls;
pub mod hooks;
pub mod lambda;
pub mod machine;
pub mod own_mariadb;
pub mod raw;
pub mod serve;
pub mod site;

pub use api::Api;
pub use chat::{png_url, Chat};
pub use db::TestDb;
pub use deployment::{Backend, Deployment};
pub use encoder::{write_flv, LiveEncoder};
pub use hooks::Hooks;
pub use machine::strict;
pub use site::{Site, SiteBuilder};

/// The `name=value` part of a response's `Set-Cookie` header.
pub fn cookie_pair(headers: &reqwest::header::HeaderMap) -> String {
    let set = headers
        .get("set-cookie")
        .expect("Set-Cookie")
        .to_str()
        .expect("Set-Cookie is text");
    set.split(';').next().unwrap_or_default().trim().to_string()
}
