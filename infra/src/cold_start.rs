//! Everything a function instance sets up once, before its first event: configuration from the
//! environment, the database pool, the shared-state client and the cookie secret. Lambda keeps
//! the instance (and so these connections) alive between events, so each event only borrows
//! them; nothing request-specific is ever kept here.

use crate::caller::ProxyHops;
use crate::function::Function;
use anyhow::Context as _;
use rsstreaming_handlers::{Ctx, Route};
use rsstreaming_shared::state::SharedState;
use rsstreaming_shared::{Config, Store};
use std::sync::Arc;

/// The environment variable naming the route(s) this function serves.
pub const FUNCTION_VAR: &str = "RSSTREAMING_FUNCTION";

/// A ready function instance: which routes it serves and the clients its handlers share.
pub struct Instance {
    pub function: Function,
    pub ctx: Ctx,
    pub hops: ProxyHops,
}

impl Instance {
    /// Reads `RSSTREAMING_FUNCTION`, `RSSTREAMING_PROXY_HOPS` and every `RSSTREAMING_*`
    /// setting, and connects. Fails with one line naming what is wrong.
    pub async fn from_env(table: &[Route]) -> anyhow::Result<Self> {
        let names = std::env::var(FUNCTION_VAR).unwrap_or_default();
        let function = Function::select(table, &names)?;
        let hops = ProxyHops::from_env().map_err(anyhow::Error::msg)?;
        let config = Config::from_env()?;
        let ctx = connect(config).await?;
        Ok(Self {
            function,
            ctx,
            hops,
        })
    }
}

/// Connects the shared clients a handler context holds, once per cold start.
pub async fn connect(config: Config) -> anyhow::Result<Ctx> {
    let url = config.database_url().map_err(anyhow::Error::msg)?;
    let store = Store::connect(&url)
        .await
        .context("connecting to the database (RSSTREAMING_DATABASE_URL)")?;
    // A function never migrates: the operator runs `rsstreaming database upgrade` once per
    // release. Checking here turns a forgotten upgrade into one clear init error.
    store.require_current_schema().await?;
    let state = shared_state(&config).await?;
    let secret: Arc<str> = match config.secret_key.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => s.into(),
        None => store
            .setting_or_insert("secret_key", rsstreaming_shared::auth::generate_secret)
            .await
            .context("reading the generated cookie secret from the database")?
            .into(),
    };
    Ok(Ctx {
        config: Arc::new(config),
        store,
        state,
        secret,
        debug: false,
    })
}

/// Redis when configured (the only way the gateway hears what a function announces);
/// otherwise in-function state, which is fine for functions that never announce (hooks,
/// playlists) and is called out in the log for the rest.
async fn shared_state(config: &Config) -> anyhow::Result<Arc<dyn SharedState>> {
    if config.redis.is_none() {
        tracing::warn!(
            "no RSSTREAMING_REDIS_URL: viewer counts, chat members and API messages stay inside \
             this function instance and never reach the chat gateway"
        );
    }
    let handles = rsstreaming_shared::state::connect(config)
        .await
        .context("connecting to Redis (RSSTREAMING_REDIS_URL)")?;
    Ok(handles.shared)
}
