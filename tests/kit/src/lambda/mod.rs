//! The site as a cloud deployment, on this machine: every function of the route table runs as
//! its own `rsstreaming-lambda` process under cargo-lambda's Lambda runtime emulator, a local
//! stand-in for the HTTP API routes requests to them exactly as the deployment template does,
//! and the chat gateway runs beside them as the long-lived `rsstreaming serve`.
//!
//! - The emulator is `cargo lambda watch --only-lambda-apis`: the real runtime API and
//!   function-URL front end, no compilation. Its function names come from a throw-away manifest
//!   listing one binary per function; the functions themselves are the prebuilt binary
//!   ([`functions`]).
//! - A function's processes are started on the first request routed to it (cold starts, as on
//!   AWS) and serve every later one (warm). Each function runs as [`INSTANCES`] processes polling
//!   the same queue, as Lambda scales out, so consecutive requests may land on different ones.
//! - The stand-in API ([`front`]) sends `/ws` to the gateway and invokes a function for
//!   everything else.
//! - Configuration reaches the functions only as `RSSTREAMING_*` variables, translated from
//!   the test's `config.yaml` ([`env`]); the translation is checked to give the very same
//!   `Config`.

mod env;
mod front;
mod functions;

pub use env::config_env;
pub use functions::{function_command, INSTANCES};

use crate::machine::runs;
use crate::serve::{healthy, ServeOptions, Server};
use functions::Functions;
use rsstreaming_infra::{functions as function_specs, ApiRouter};
use std::path::Path;
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Whether cargo-lambda (`pip install cargo-lambda`) is installed.
pub fn emulator_available() -> bool {
    runs("cargo-lambda", &["lambda", "--version"])
}

/// The deployment, running.
pub struct LambdaStack {
    /// `http://127.0.0.1:PORT`: the stand-in HTTP API.
    pub base: String,
    pub port: u16,
    /// The chat gateway (`rsstreaming serve`), for `/ws`.
    pub gateway: Server,
    functions: Arc<Functions>,
    emulator: Child,
    /// Held for its `Drop`, which stops the stand-in API.
    _front: front::ApiThread,
}

impl LambdaStack {
    /// Starts the emulator, the gateway and the stand-in API for the site in `config`.
    /// `options.proxy_hops` becomes `RSSTREAMING_PROXY_HOPS`; the gateway gets them all.
    pub async fn start(config: &Path, options: &ServeOptions) -> Self {
        let log_dir = tempfile::tempdir().expect("log dir");
        let config = &env::with_redis(config, log_dir.path()).await;
        let mut vars = config_env(config);
        if let Some(n) = options.proxy_hops {
            vars.push(("RSSTREAMING_PROXY_HOPS".into(), n.to_string()));
        }
        let table = rsstreaming_handlers::routes();
        let specs = function_specs(&table);
        let (emulator, emulator_port) =
            functions::start_emulator(log_dir.path(), specs.iter().map(|f| f.name.as_str())).await;
        let gateway = Server::start(config, options).await;
        let functions = Arc::new(Functions::new(
            format!("http://127.0.0.1:{emulator_port}/.rt"),
            vars,
            &specs,
            log_dir,
        ));
        let router = Arc::new(ApiRouter::new(&table).expect("route table"));
        let ports = front::Ports {
            emulator: emulator_port,
            gateway: gateway.port,
        };
        let (front, port) = front::ApiThread::start(router, functions.clone(), ports);
        let stack = Self {
            base: format!("http://127.0.0.1:{port}"),
            port,
            gateway,
            functions,
            emulator,
            _front: front,
        };
        stack.wait_ready().await;
        stack
    }

    async fn wait_ready(&self) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if healthy(&http, &self.base).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the Lambda stack never answered /healthz; logs:\n{}",
            self.log()
        );
    }

    /// Everything logged so far: the gateway, then each function that ran.
    pub fn log(&self) -> String {
        let mut out = format!("--- gateway ---\n{}", self.gateway.log());
        for name in self.started_functions() {
            out.push_str(&format!(
                "--- function {name} ---\n{}",
                self.function_log(&name)
            ));
        }
        out
    }

    /// What each instance of one function logged, instance by instance.
    pub fn function_logs(&self, name: &str) -> Vec<String> {
        (0..INSTANCES)
            .map(|i| std::fs::read_to_string(self.functions.log_path(name, i)).unwrap_or_default())
            .collect()
    }

    /// Everything one function's instances logged.
    pub fn function_log(&self, name: &str) -> String {
        self.function_logs(name).concat()
    }

    /// The functions started so far, by name.
    pub fn started_functions(&self) -> Vec<String> {
        self.functions.started()
    }
}

impl Drop for LambdaStack {
    fn drop(&mut self) {
        self.functions.stop_all();
        let _ = self.emulator.kill();
        let _ = self.emulator.wait();
    }
}
