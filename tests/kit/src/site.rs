//! One site under test: a database, a folder with its config and `hls/`, streamers and emotes
//! set up with the real CLI, and a [`Deployment`] serving it.
//!
//! ```text
//! let site = Site::builder()
//!     .streamer("bob", "bob-key")
//!     .password("bob", "hunter2")
//!     .yaml("video_qualities: [Original, 720P]\n")
//!     .start(Backend::Serve)
//!     .await;
//! assert_eq!(site.get("/bob/").await.status(), 403);
//! ```

use crate::api::Api;
use crate::cli::{self, cli_ok, Command};
use crate::db::TestDb;
use crate::deployment::{Backend, Deployment};
use crate::encoder::LiveEncoder;
use crate::hls;
use crate::hooks::Hooks;
use crate::serve::ServeOptions;
use reqwest::redirect::Policy;
use rsstreaming_shared::Store;
use std::path::PathBuf;
use std::time::Duration;

/// A site being described; [`SiteBuilder::start`] writes it out and runs it.
#[derive(Default)]
pub struct SiteBuilder {
    db: Option<TestDb>,
    yaml: String,
    live_delay: Option<u64>,
    options: ServeOptions,
    setup: Vec<Command>,
}

impl SiteBuilder {
    /// The database (default: a fresh SQLite file).
    pub fn db(mut self, db: TestDb) -> Self {
        self.db = Some(db);
        self
    }

    /// Extra lines for `config.yaml`.
    pub fn yaml(mut self, yaml: &str) -> Self {
        self.yaml.push_str(yaml);
        self
    }

    /// `live_indicator_delay`, in seconds (default: the binary's own).
    pub fn live_delay(mut self, seconds: u64) -> Self {
        self.live_delay = Some(seconds);
        self
    }

    /// Trusts `n` proxy hops (`serve --nginx-proxy N`).
    pub fn proxy_hops(mut self, n: u8) -> Self {
        self.options.proxy_hops = Some(n);
        self
    }

    /// Debug logging: one line per request.
    pub fn debug(mut self) -> Self {
        self.options.debug = true;
        self
    }

    /// A streamer with this stream key.
    pub fn streamer(self, username: &str, key: &str) -> Self {
        self.manage(cli::add_streamer(username, Some(key)))
    }

    /// Several streamers, `(username, key)`.
    pub fn streamers(self, streamers: &[(&str, &str)]) -> Self {
        streamers
            .iter()
            .fold(self, |site, (username, key)| site.streamer(username, key))
    }

    /// A streamer whose key the CLI generates (and nobody needs).
    pub fn streamer_without_key(self, username: &str) -> Self {
        self.manage(cli::add_streamer(username, None))
    }

    /// A viewer password for the streamer's stream.
    pub fn password(self, username: &str, password: &str) -> Self {
        self.manage(cli::set_password(username, Some(password)))
    }

    pub fn description(self, username: &str, description: &str) -> Self {
        self.manage(cli::set_description(username, Some(description)))
    }

    /// The streamer's chat setting: `enabled`, `hidden` or `disabled`.
    pub fn chat(self, username: &str, setting: &str) -> Self {
        self.manage(cli::set_chat(username, setting))
    }

    pub fn emote(self, alias: &str, uri: &str) -> Self {
        self.manage(cli::add_emote(alias, uri))
    }

    /// Any management command, run in order before the site starts.
    pub fn manage(mut self, command: Command) -> Self {
        self.setup.push(command);
        self
    }

    /// Writes the config, creates the schema, runs the setup commands and starts `backend`.
    pub async fn start(self, backend: Backend) -> Site {
        let db = match self.db {
            Some(db) => db,
            None => TestDb::sqlite(),
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let mut yaml = self.yaml;
        if let Some(seconds) = self.live_delay {
            yaml.push_str(&format!("live_indicator_delay: {seconds}\n"));
        }
        let config = crate::config::write_config(dir.path(), &db.url, &yaml);
        cli_ok(&config, &["database", "create"]);
        for command in &self.setup {
            cli_ok(&config, &cli::args(command));
        }
        let deployment = Deployment::start(backend, &config, &self.options).await;
        Site {
            deployment,
            http: no_redirects(),
            config,
            dir,
            db,
            backend,
            options: self.options,
        }
    }
}

/// An HTTP client that shows redirects instead of following them.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// A running site.
pub struct Site {
    pub deployment: Deployment,
    /// Shows redirects instead of following them.
    pub http: reqwest::Client,
    pub config: PathBuf,
    pub dir: tempfile::TempDir,
    pub db: TestDb,
    backend: Backend,
    options: ServeOptions,
}

impl Site {
    pub fn builder() -> SiteBuilder {
        SiteBuilder::default()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        self.deployment.base()
    }

    pub fn port(&self) -> u16 {
        self.deployment.port()
    }

    pub fn url(&self, path: &str) -> String {
        self.deployment.url(path)
    }

    /// Everything the deployment logged so far.
    pub fn log(&self) -> String {
        self.deployment.log()
    }

    /// The site's `hls_dir`.
    pub fn hls(&self) -> PathBuf {
        self.dir.path().join("hls")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    /// `GET path` with a `Cookie` header.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("GET")
    }

    /// `GET path` as JSON.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.expect("JSON")
    }

    /// Submits the password page of `streamer`'s stream.
    pub async fn enter_password(&self, streamer: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/{streamer}/password")))
            .form(&[("streampass", password)])
            .send()
            .await
            .expect("POST password")
    }

    /// The viewer pass (`pass_<room>=…`) the password page hands out for the right password.
    pub async fn viewer_pass(&self, streamer: &str, password: &str) -> String {
        let r = self.enter_password(streamer, password).await;
        assert_eq!(r.status(), 303, "the password page took the password");
        crate::cookie_pair(r.headers())
    }

    /// Runs a management command against this site's database; its output.
    pub fn cli(&self, args: &[&str]) -> String {
        cli_ok(&self.config, args)
    }

    /// Runs one of [`crate::cli`]'s management commands.
    pub fn manage(&self, command: Command) -> String {
        self.cli(&cli::args(&command))
    }

    /// Sets (or with `None` removes) the viewer password.
    pub fn set_password(&self, username: &str, password: Option<&str>) {
        self.manage(cli::set_password(username, password));
    }

    pub fn set_description(&self, username: &str, description: Option<&str>) {
        self.manage(cli::set_description(username, description));
    }

    /// Events of a room, oldest first: `(kind, meta)`.
    pub async fn events(&self, room: &str) -> Vec<(String, serde_json::Value)> {
        let store = Store::connect(&self.db.url).await.expect("store");
        let events = store.events(room, 10_000).await.expect("events");
        store.close().await;
        events.into_iter().map(|e| (e.kind, e.meta)).collect()
    }

    /// The kinds of a room's events, oldest first.
    pub async fn event_kinds(&self, room: &str) -> Vec<String> {
        self.events(room)
            .await
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    /// The remote-control API as `username` with `key`.
    pub fn api(&self, username: &str, key: &str) -> Api {
        Api::new(self.http.clone(), self.base(), username, key)
    }

    /// nginx-rtmp's publish hooks.
    pub fn hooks(&self) -> Hooks {
        Hooks::new(self.http.clone(), self.base())
    }

    /// Writes a fake live stream `{stem}.m3u8` + segments into `hls_dir`, `age` old.
    pub fn write_stream(&self, stem: &str, segments: &[u64], age: Duration) {
        hls::write_stream(&self.hls(), stem, segments, age);
    }

    /// Ages the playlist `{stem}.m3u8` in `hls_dir` to `age`.
    pub fn age_playlist(&self, stem: &str, age: Duration) {
        hls::set_age(&self.hls().join(format!("{stem}.m3u8")), age);
    }

    /// A real live HLS stream for `key`, encoded by ffmpeg until dropped (`None` without
    /// ffmpeg, outside CI).
    pub fn encode_live(&self, key: &str) -> Option<LiveEncoder> {
        LiveEncoder::start(&self.hls(), key)
    }

    /// Another deployment of the same backend on the same config: a second instance.
    pub async fn another_instance(&self) -> Deployment {
        Deployment::start(self.backend, &self.config, &self.options).await
    }

    /// The Lambda stack, when the site runs on one.
    pub fn lambda(&self) -> Option<&crate::lambda::LambdaStack> {
        self.deployment.lambda()
    }
}
