//! The HTTP suites of `rsstreaming serve`, run unchanged against the handlers deployed as
//! Lambda functions under cargo-lambda's runtime emulator (see `stack.rs`), plus what only a
//! function deployment has to prove: chat messages posted through the API function reach a
//! gateway over Redis, cold starts, and configuration from the environment alone.
//!
//! Deliberately not included: the suite's `chat` (the gateway alone, no function involved),
//! `state` (shared-state conformance, no server), `cli` and `store`.

#[path = "../common/mod.rs"]
mod base;

/// The shared test helpers, with `TestServer` replaced by the Lambda stack so the HTTP suites'
/// `Site` starts functions instead of `serve`.
mod common {
    pub use crate::base::*;
    pub use crate::stack::TestServer;
}

mod stack;

#[path = "../suite/chat_client.rs"]
mod chat_client;
/// `png_url` serves the chat suite, not these tests.
#[allow(dead_code)]
#[path = "../suite/chat_cluster.rs"]
mod chat_cluster;
mod functions;

/// The two helpers `chat_cluster` takes from the suite's state module (whose own conformance
/// tests need no function deployment, so they are not repeated here).
mod state {
    pub fn redis_url() -> String {
        std::env::var("RSSTREAMING_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
    }

    pub fn unique_prefix() -> String {
        format!("rstest{:016x}", rand::random::<u64>())
    }
}

#[path = "../suite/http.rs"]
mod http;
#[path = "../suite/http_api.rs"]
mod http_api;
#[path = "../suite/http_hls.rs"]
mod http_hls;
#[path = "../suite/http_live.rs"]
mod http_live;
#[path = "../suite/http_publish.rs"]
mod http_publish;
