//! Everything a function instance sets up once, before its first event: which routes it serves,
//! how many proxies it trusts, and the handler context (configuration from the environment, the
//! database pool, the shared-state client, the cookie secret), built by the same
//! [`Ctx::connect`] as `rsstreaming serve`'s. Lambda keeps the instance (and so these
//! connections) alive between events, so each event only borrows them; nothing
//! request-specific is ever kept here.

use crate::caller::proxy_hops_from_env;
use crate::function::Function;
use rsstreaming_handlers::{Ctx, Route, Schema};
use rsstreaming_shared::net::ProxyHops;
use rsstreaming_shared::Config;

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
        let hops = proxy_hops_from_env().map_err(anyhow::Error::msg)?;
        let config = Config::from_env()?;
        config.apply();
        if config.redis.is_none() {
            // In-function state is fine for functions that never announce (hooks, playlists);
            // for the rest it is worth a line in the log.
            tracing::warn!(
                "no RSSTREAMING_REDIS_URL: viewer counts, chat members and API messages stay \
                 inside this function instance and never reach the chat gateway"
            );
        }
        // A function never migrates: the operator runs `rsstreaming database upgrade` once
        // per release, and a forgotten upgrade is one clear init error.
        let mut ctx = Ctx::connect(config, Schema::RequireCurrent, false).await?;
        ctx.trusted_proxy = hops.0 > 0;
        Ok(Self {
            function,
            ctx,
            hops,
        })
    }
}
