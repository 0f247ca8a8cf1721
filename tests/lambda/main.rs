//! The HTTP suites of `rsstreaming serve`, run unchanged against the handlers deployed as
//! Lambda functions under cargo-lambda's runtime emulator (see `stack.rs`), plus what only a
//! function deployment has to prove: chat messages posted through the API function reach a
//! gateway over Redis, cold starts, and configuration from the environment alone.

#[path = "../common/mod.rs"]
mod base;

/// The shared test helpers, with `TestServer` replaced by the Lambda stack so the HTTP suites'
/// `Site` starts functions instead of `serve`.
mod common {
    pub use crate::base::*;
    pub use crate::stack::TestServer;
}

mod stack;

mod functions;
#[path = "../suite/http.rs"]
mod http;
#[path = "../suite/http_api.rs"]
mod http_api;
#[path = "../suite/http_hls.rs"]
mod http_hls;
#[path = "../suite/http_publish.rs"]
mod http_publish;
