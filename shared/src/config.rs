//! `config.yaml` plus `RSSTREAMING_*` environment overrides.
//!
//! The file keeps the Python system's keys so an existing `config.yaml` keeps working; the
//! environment can set every leaf so a cloud function needs no file at all. Errors name the file
//! (or variable) and the key, because an operator fixes them by reading one line.

use crate::hls::Quality;
use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};
use std::path::{Path, PathBuf};

/// Everything that can go wrong while loading the configuration, each naming where and what.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: cannot read it: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Invalid { path: String, message: String },
}

/// The whole configuration after file and environment are merged.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub database: DatabaseConfig,
    /// Absent: single-process mode with in-memory shared state.
    #[serde(default)]
    pub redis: Option<RedisConfig>,
    /// Signs viewer-pass cookies. Absent or empty: a random key is created once and kept in the
    /// store, so every instance sharing that store agrees on it.
    #[serde(default)]
    pub secret_key: Option<String>,
    /// The secret half of every stored stream-key hash (see [`crate::auth`]); kept out of the
    /// database on purpose, so a copy of the database alone cannot test guesses. Absent: keys
    /// are stored in the old unpeppered form.
    #[serde(default)]
    pub key_pepper: Option<String>,
    /// Origins (`https://host[:port]`) besides the site's own whose pages may open the chat
    /// socket (another host name the site is served under, an embedding site).
    #[serde(default)]
    pub public_origins: Vec<String>,
    #[serde(default = "default_hls_dir")]
    pub hls_dir: PathBuf,
    /// Seconds since the playlist was last written for a stream to count as live.
    #[serde(default = "default_live_delay")]
    pub live_indicator_delay: f64,
    /// Suffixes after `<name>_` written by the transcoding nginx config; empty = one plain stream.
    #[serde(default)]
    pub video_qualities: Vec<Quality>,
    /// Page themes; the first one is the default.
    #[serde(default = "default_themes")]
    pub themes: Vec<String>,
    #[serde(default)]
    pub publish: PublishConfig,
    #[serde(default)]
    pub hls: HlsConfig,
    #[serde(default)]
    pub streams: StreamsConfig,
    #[serde(default)]
    pub metrics: MetricsConfig,
    #[serde(default)]
    pub thumbnails: ThumbnailsConfig,
    /// Absent: nothing is recorded (`on_record_done` registers nothing, `/videos` is empty).
    #[serde(default)]
    pub recordings: Option<RecordingsConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `mysql://user:pass@host/db` or `sqlite://path.db`; wins over the four fields below.
    pub url: Option<String>,
    pub address: Option<String>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisConfig {
    pub url: String,
    /// Prefix of every key and channel, so several sites (or test runs) can share one Redis;
    /// pub/sub channels are global across Redis databases, so the db number alone is not enough.
    #[serde(default = "default_redis_prefix")]
    pub prefix: String,
}

fn default_redis_prefix() -> String {
    "rsstreaming".into()
}

/// How a publish is accepted and how the key is kept out of file names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishConfig {
    #[serde(default)]
    pub mode: PublishMode,
    /// Addresses (exact IPs or CIDR blocks) allowed to call the on_publish hooks.
    #[serde(default = "default_hook_allow")]
    pub allow: Vec<String>,
}

impl Default for PublishConfig {
    fn default() -> Self {
        Self {
            mode: PublishMode::default(),
            allow: default_hook_allow(),
        }
    }
}

/// `rename`: nginx writes `<key>*` files and playlists are rewritten to public names (works with
/// the seed's single-application nginx config). `redirect`: on_publish answers 3xx with the
/// public name and a second nginx application writes files under that name, so no file name
/// ever holds the key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishMode {
    #[default]
    Rename,
    Redirect,
}

/// Who may read `GET /metrics`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Addresses (exact IPs or CIDR blocks) answered on `/metrics`; the rest get 403.
    #[serde(default = "default_hook_allow")]
    pub allow: Vec<String>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            allow: default_hook_allow(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HlsConfig {
    /// When set (e.g. `/internal-hls/`), segment requests are answered with an
    /// `X-Accel-Redirect` to this internal nginx location instead of the file body.
    #[serde(default)]
    pub accel_redirect: Option<String>,
}

/// Live thumbnails (SPEC §9): a frame of the newest HLS segment, taken by ffmpeg on the host
/// that reads `hls_dir`, kept in `dir` under the room's name (never the key's).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThumbnailsConfig {
    /// The ffmpeg to run; empty turns thumbnails off (`/{streamer}/thumbnail.jpg` is 404).
    #[serde(default = "default_ffmpeg")]
    pub ffmpeg: String,
    /// Where the frames are kept; absent: `rsstreaming-thumbnails` in the system's temp dir.
    #[serde(default)]
    pub dir: Option<PathBuf>,
}

impl Default for ThumbnailsConfig {
    fn default() -> Self {
        Self {
            ffmpeg: default_ffmpeg(),
            dir: None,
        }
    }
}

impl ThumbnailsConfig {
    /// The folder the frames are kept in.
    pub fn dir(&self) -> PathBuf {
        self.dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("rsstreaming-thumbnails"))
    }
}

/// Recordings (SPEC §9): where the MP4s live and how long they are kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingsConfig {
    /// The recordings' folder: nginx-rtmp's `record_path` must lie inside it (the FLV is moved
    /// to a name without the key, then remuxed next to it), on the host that runs `serve`.
    pub dir: PathBuf,
    /// Days a recording is kept; absent or 0: until deleted.
    #[serde(default)]
    pub keep_days: Option<u32>,
    /// The ffmpeg that remuxes (no re-encode) and takes the thumbnail.
    #[serde(default = "default_ffmpeg")]
    pub ffmpeg: String,
    /// The ffprobe that reads the duration.
    #[serde(default = "default_ffprobe")]
    pub ffprobe: String,
    /// Behind nginx: the internal location that aliases `dir` (e.g. `/internal-recordings/`),
    /// so nginx sends the MP4 (ranges included) named by `X-Accel-Redirect`; as `hls.accel_redirect`.
    #[serde(default)]
    pub accel_redirect: Option<String>,
}

impl RecordingsConfig {
    /// How long a recording is kept, in ms; `None`: until deleted.
    pub fn keep_ms(&self) -> Option<i64> {
        self.keep_days
            .filter(|d| *d > 0)
            .map(|d| i64::from(d) * 86_400_000)
    }
}

fn default_ffprobe() -> String {
    "ffprobe".into()
}

fn default_ffmpeg() -> String {
    "ffmpeg".into()
}

/// Stream sessions (SPEC §8): how often `serve` samples the viewers and chatters of live streams.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamsConfig {
    /// Seconds between two samples (one sampler per site, whatever the number of instances).
    #[serde(default = "default_sample_secs")]
    pub sample_secs: u64,
}

impl Default for StreamsConfig {
    fn default() -> Self {
        Self {
            sample_secs: default_sample_secs(),
        }
    }
}

fn default_sample_secs() -> u64 {
    30
}

fn default_hls_dir() -> PathBuf {
    PathBuf::from("hls")
}
fn default_live_delay() -> f64 {
    5.0
}
fn default_themes() -> Vec<String> {
    vec!["default".into(), "dark".into(), "light".into()]
}
fn default_hook_allow() -> Vec<String> {
    vec!["127.0.0.0/8".into(), "::1".into()]
}

/// The shape of one overridable leaf, so an environment string becomes the right YAML value.
#[derive(Clone, Copy)]
enum Leaf {
    Text,
    Number,
    List,
}

/// Every setting the environment may override: `RSSTREAMING_` + the path joined by `_`.
const OVERRIDABLE: &[(&[&str], Leaf)] = &[
    (&["database", "url"], Leaf::Text),
    (&["database", "address"], Leaf::Text),
    (&["database", "database"], Leaf::Text),
    (&["database", "user"], Leaf::Text),
    (&["database", "password"], Leaf::Text),
    (&["redis", "url"], Leaf::Text),
    (&["redis", "prefix"], Leaf::Text),
    (&["secret_key"], Leaf::Text),
    (&["key_pepper"], Leaf::Text),
    (&["public_origins"], Leaf::List),
    (&["hls_dir"], Leaf::Text),
    (&["live_indicator_delay"], Leaf::Number),
    (&["video_qualities"], Leaf::List),
    (&["themes"], Leaf::List),
    (&["publish", "mode"], Leaf::Text),
    (&["publish", "allow"], Leaf::List),
    (&["hls", "accel_redirect"], Leaf::Text),
    (&["streams", "sample_secs"], Leaf::Number),
    (&["metrics", "allow"], Leaf::List),
    (&["thumbnails", "ffmpeg"], Leaf::Text),
    (&["thumbnails", "dir"], Leaf::Text),
    (&["recordings", "dir"], Leaf::Text),
    (&["recordings", "keep_days"], Leaf::Number),
    (&["recordings", "ffmpeg"], Leaf::Text),
    (&["recordings", "ffprobe"], Leaf::Text),
    (&["recordings", "accel_redirect"], Leaf::Text),
];

/// The environment variable that overrides a leaf, e.g. `RSSTREAMING_DATABASE_URL`.
pub fn env_name(path: &[&str]) -> String {
    format!("RSSTREAMING_{}", path.join("_").to_uppercase())
}

impl Config {
    /// Reads `path`, then applies the environment. A missing file is an error.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::from_yaml(&text, &shown, |k| std::env::var(k).ok())
    }

    /// Configuration from the environment alone (cloud functions ship no file).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_yaml("{}", "(environment)", |k| std::env::var(k).ok())
    }

    /// Parses YAML text, overlays variables from `env`, and checks the result.
    pub fn from_yaml(
        text: &str,
        source: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: source.to_string(),
            message,
        };
        let mut root: Value =
            serde_yaml_ng::from_str(text).map_err(|e| invalid(format!("not valid YAML: {e}")))?;
        if root.is_null() {
            root = Value::Mapping(Mapping::new());
        }
        if !root.is_mapping() {
            return Err(invalid("the top level must be a mapping of keys".into()));
        }
        for (path, leaf) in OVERRIDABLE {
            if let Some(raw) = env(&env_name(path)) {
                set_leaf(&mut root, path, env_value(&raw, *leaf));
            }
        }
        let config: Config = serde_path_to_error::deserialize(root).map_err(|e| {
            let key = e.path().to_string();
            invalid(format!("key `{key}`: {}", e.inner()))
        })?;
        config.validate().map_err(invalid)?;
        Ok(config)
    }

    /// Makes this configuration's process-wide settings current: the key pepper, which every
    /// key hash of this process uses. Each entry point (serve, a CLI command, a function's cold
    /// start) calls it once after loading.
    pub fn apply(&self) {
        crate::auth::set_key_pepper(self.key_pepper.as_deref());
    }

    fn validate(&self) -> Result<(), String> {
        if !(self.live_indicator_delay.is_finite() && self.live_indicator_delay > 0.0) {
            return Err("key `live_indicator_delay`: must be a positive number of seconds".into());
        }
        if self.themes.is_empty() {
            return Err("key `themes`: list at least one theme".into());
        }
        for t in &self.themes {
            if t.is_empty() || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!(
                    "key `themes`: `{t}` must be letters, digits or '-'"
                ));
            }
        }
        for o in &self.public_origins {
            if crate::net::normalize_origin(o).is_none() {
                return Err(format!(
                    "key `public_origins`: `{o}` is not an origin like https://host[:port]"
                ));
            }
        }
        let lists = [
            ("publish.allow", &self.publish.allow),
            ("metrics.allow", &self.metrics.allow),
        ];
        for (key, list) in lists {
            for a in list {
                crate::net::IpBlock::parse(a).map_err(|e| format!("key `{key}`: `{a}`: {e}"))?;
            }
        }
        if !(1..=86_400).contains(&self.streams.sample_secs) {
            return Err("key `streams.sample_secs`: must be 1 to 86400 seconds".into());
        }
        self.database_url()?;
        Ok(())
    }

    /// The database URL, from `database.url` or built from the Python system's four fields.
    pub fn database_url(&self) -> Result<String, String> {
        let db = &self.database;
        if let Some(url) = db.url.as_deref().filter(|u| !u.is_empty()) {
            if url.starts_with("mysql://")
                || url.starts_with("mariadb://")
                || url.starts_with("sqlite:")
            {
                return Ok(url.replacen("mariadb://", "mysql://", 1));
            }
            return Err("key `database.url`: must start with mysql:// or sqlite:".into());
        }
        match (&db.address, &db.database, &db.user) {
            (Some(host), Some(name), Some(user)) => {
                let enc = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                let pass = db.password.as_deref().unwrap_or("");
                Ok(format!(
                    "mysql://{}:{}@{}/{}",
                    enc(user),
                    enc(pass),
                    host,
                    enc(name)
                ))
            }
            (None, None, None) => Ok("sqlite://rsstreaming.db".into()),
            _ => {
                Err("key `database`: give `url`, or all of `address`, `database` and `user`".into())
            }
        }
    }

    /// The theme a new viewer gets.
    pub fn default_theme(&self) -> &str {
        &self.themes[0]
    }
}

fn env_value(raw: &str, leaf: Leaf) -> Value {
    match leaf {
        Leaf::Text => Value::String(raw.to_string()),
        Leaf::Number => serde_yaml_ng::from_str::<Value>(raw)
            .ok()
            .filter(Value::is_number)
            .unwrap_or_else(|| Value::String(raw.to_string())),
        Leaf::List => Value::Sequence(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        ),
    }
}

fn set_leaf(root: &mut Value, path: &[&str], value: Value) {
    let mut node = root;
    for (i, key) in path.iter().enumerate() {
        let map = match node {
            Value::Mapping(m) => m,
            other => {
                *other = Value::Mapping(Mapping::new());
                match other {
                    Value::Mapping(m) => m,
                    _ => unreachable!("just replaced with a mapping"),
                }
            }
        };
        let k = Value::String((*key).to_string());
        if i + 1 == path.len() {
            map.insert(k, value);
            return;
        }
        node = map
            .entry(k)
            .or_insert_with(|| Value::Mapping(Mapping::new()));
    }
}

#[cfg(test)]
mod tests;
