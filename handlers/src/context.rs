//! The context every handler receives: shared clients only, nothing request-specific.

use rsstreaming_shared::state::SharedState;
use rsstreaming_shared::{Config, Store};
use std::net::IpAddr;
use std::sync::Arc;

/// Shared clients a handler may use. Cheap to clone; holds no per-request or cached data.
#[derive(Clone)]
pub struct Ctx {
    pub config: Arc<Config>,
    pub store: Store,
    pub state: Arc<dyn SharedState>,
    /// The cookie-signing secret: `secret_key` from config, or the one generated into the store.
    pub secret: Arc<str>,
    /// Re-read templates and static files from disk (`serve --debug`).
    pub debug: bool,
}

/// Facts about the caller that the transport (dispatcher or cloud adapter) established and put
/// into the request's extensions: the client address after trusted proxy hops, and the scheme
/// and host the client used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub addr: IpAddr,
    pub scheme: String,
    pub host: Option<String>,
}
