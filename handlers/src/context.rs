//! The context every handler receives — shared clients only, nothing request-specific — and the
//! one way to build it from the configuration, used by `serve` and the Lambda adapter alike.

use rsstreaming_shared::hls::HlsLayout;
use rsstreaming_shared::state::{SharedState, StateError};
use rsstreaming_shared::{Config, Store, StoreError};
use std::sync::Arc;

/// Shared clients a handler may use. Cheap to clone; holds no per-request or cached data.
#[derive(Clone)]
pub struct Ctx {
    pub config: Arc<Config>,
    /// Where nginx-rtmp's HLS files are and how they are named, from `config` once.
    pub hls: Arc<HlsLayout>,
    pub store: Store,
    pub state: Arc<dyn SharedState>,
    /// The cookie-signing secret: `secret_key` from config, or the one generated into the store.
    pub secret: Arc<str>,
    /// Re-read templates and static files from disk (`serve --debug`).
    pub debug: bool,
    /// A proxy in front is trusted (`serve --nginx-proxy N`, `RSSTREAMING_PROXY_HOPS`, N > 0):
    /// only then may a response carry what is meant for that proxy alone (`X-Accel-Redirect`
    /// names a key-named file in rename mode). The transport sets it after [`Ctx::connect`].
    pub trusted_proxy: bool,
}

/// What a transport may do to the database schema while building its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// Create or upgrade the embedded SQLite schema; require a current one on MySQL (`serve`).
    Prepare,
    /// Require a current schema and never migrate (a cloud function: the operator runs
    /// `rsstreaming database upgrade` once per release, so a forgotten one is a clear error).
    RequireCurrent,
}

/// Why the context could not be built; each names the setting to look at, both as the
/// `config.yaml` key and as the environment variable a cloud function uses.
#[derive(Debug, thiserror::Error)]
pub enum CtxError {
    #[error("config key `database` (RSSTREAMING_DATABASE_URL): {0}")]
    DatabaseUrl(String),
    #[error("connecting to the database (`database.url`, RSSTREAMING_DATABASE_URL)")]
    Database(#[source] StoreError),
    #[error(transparent)]
    Schema(StoreError),
    #[error("reading or creating the cookie-signing secret in the database")]
    Secret(#[source] StoreError),
    #[error("connecting to Redis (config key `redis`, RSSTREAMING_REDIS_URL)")]
    Redis(#[source] StateError),
}

impl Ctx {
    /// Connects everything a handler needs, once per process (or function instance): the
    /// store (its schema treated as `schema` says), the shared state (Redis when configured,
    /// else in-process), the cookie secret, and the HLS layout.
    pub async fn connect(config: Config, schema: Schema, debug: bool) -> Result<Self, CtxError> {
        let url = config.database_url().map_err(CtxError::DatabaseUrl)?;
        let store = Store::connect(&url).await.map_err(CtxError::Database)?;
        match schema {
            Schema::Prepare => store.prepare_schema().await,
            Schema::RequireCurrent => store.require_current_schema().await,
        }
        .map_err(CtxError::Schema)?;
        let secret: Arc<str> = store
            .site_secret(config.secret_key.as_deref())
            .await
            .map_err(CtxError::Secret)?
            .into();
        let state = rsstreaming_shared::state::connect(&config)
            .await
            .map_err(CtxError::Redis)?
            .shared;
        Ok(Ctx {
            hls: Arc::new(HlsLayout::new(&config)),
            config: Arc::new(config),
            store,
            state,
            secret,
            debug,
            trusted_proxy: false,
        })
    }
}
