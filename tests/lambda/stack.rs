//! The site as a cloud deployment, on this machine: every function of the route table runs as
//! its own `rsstreaming-lambda` process under cargo-lambda's Lambda runtime emulator, a local
//! stand-in for the HTTP API routes requests to them exactly as the deployment template does,
//! and the chat gateway runs beside them as the long-lived `rsstreaming serve`.
//!
//! It is called `TestServer` and offers what the dispatcher's `TestServer` offers, so the HTTP
//! suites' `Site` runs on it unchanged: the same tests, now against Lambda functions.
//!
//! - The emulator is `cargo lambda watch --only-lambda-apis`: the real runtime API and
//!   function-URL front end, no compilation. Its function names come from a throw-away manifest
//!   listing one binary per function; the functions themselves are the prebuilt binary.
//! - A function's processes are started on the first request routed to it (cold starts, as on
//!   AWS) and serve every later one (warm). Each function runs as [`INSTANCES`] processes polling
//!   the same queue, as Lambda scales out, so consecutive requests may land on different ones.
//! - Configuration reaches the functions only as `RSSTREAMING_*` variables, translated from
//!   the test's `config.yaml`; the translation is checked to give the very same `Config`.

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use rsstreaming_infra::{functions, ApiRouter};
use rsstreaming_shared::Config;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// The dispatcher's own test server, used here to run the gateway.
type GatewayServer = crate::base::TestServer;

/// Instances started per function. Two, so that requests of one test land on different
/// processes and any state a handler kept in memory between requests would show.
pub const INSTANCES: usize = 2;

/// The largest body API Gateway accepts (10 MB); larger → 413 before any function runs.
const API_MAX_BODY: usize = 10 * 1024 * 1024;

/// The prebuilt function binary.
pub fn function_bin() -> &'static str {
    env!("CARGO_BIN_EXE_rsstreaming-lambda")
}

/// Whether cargo-lambda (`pip install cargo-lambda`) is installed.
pub fn emulator_available() -> bool {
    Command::new("cargo-lambda")
        .args(["lambda", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// True when the emulator is there; under `CI=true` its absence is a failure, elsewhere a
/// message (the test then runs against `serve` alone, which proves nothing about Lambda).
pub fn require_emulator() -> bool {
    if emulator_available() {
        return true;
    }
    if super::common::strict() {
        panic!("cargo-lambda is required under CI=true: pip install cargo-lambda");
    }
    eprintln!("Lambda emulator missing (pip install cargo-lambda): running against serve only");
    false
}

/// The deployment, running.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`: the stand-in HTTP API.
    pub base: String,
    pub port: u16,
    /// The chat gateway (`rsstreaming serve`), for `/ws`.
    pub gateway: GatewayServer,
    /// `None` when cargo-lambda is missing outside CI (see [`require_emulator`]).
    lambda: Option<Lambda>,
}

/// The emulator, the functions and the stand-in API.
struct Lambda {
    functions: Arc<Functions>,
    emulator: Child,
    /// Held for its `Drop`, which stops the stand-in API.
    _api: ApiThread,
}

/// The stand-in API on a thread and runtime of its own: a test may block its own runtime (by
/// running the CLI client, say) while the API must keep answering.
struct ApiThread {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ApiThread {
    fn start(router: Arc<ApiRouter>, functions: Arc<Functions>, ports: Ports) -> (Self, u16) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("listener");
                tokio::select! {
                    () = serve_api(listener, router, functions, ports) => {}
                    _ = stopped => {}
                }
            });
            rt.shutdown_background();
        });
        (
            Self {
                stop: Some(stop),
                thread: Some(thread),
            },
            port,
        )
    }
}

impl Drop for ApiThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The function processes, started on demand.
struct Functions {
    runtime_api: String,
    env: Vec<(String, String)>,
    selectors: HashMap<String, String>,
    log_dir: tempfile::TempDir,
    running: Mutex<HashMap<String, Vec<Child>>>,
}

impl TestServer {
    /// Starts the emulator, the gateway and the stand-in API for the site in `config`. `args`
    /// are `serve` arguments; `--nginx-proxy N` becomes `RSSTREAMING_PROXY_HOPS=N`.
    pub async fn start(config: &Path, args: &[&str]) -> Self {
        if !require_emulator() {
            let gateway = GatewayServer::start(config, args).await;
            return Self {
                base: gateway.base.clone(),
                port: gateway.port,
                gateway,
                lambda: None,
            };
        }
        let log_dir = tempfile::tempdir().expect("log dir");
        let config = &with_redis(config, log_dir.path()).await;
        let mut env = config_env(config);
        let mut i = 0;
        while i < args.len() {
            match args[i] {
                "--nginx-proxy" => {
                    let n = args.get(i + 1).expect("--nginx-proxy N");
                    env.push(("RSSTREAMING_PROXY_HOPS".into(), n.to_string()));
                    i += 2;
                }
                "--debug" => i += 1,
                other => panic!("the Lambda stack does not know serve argument {other}"),
            }
        }
        let table = rsstreaming_handlers::routes();
        let specs = functions(&table);
        let (emulator, emulator_port) =
            start_emulator(log_dir.path(), specs.iter().map(|f| f.name.as_str())).await;
        let gateway = GatewayServer::start(config, args).await;
        let functions = Arc::new(Functions {
            runtime_api: format!("http://127.0.0.1:{emulator_port}/.rt"),
            env,
            selectors: specs
                .iter()
                .map(|f| (f.name.clone(), f.selector.clone()))
                .collect(),
            log_dir,
            running: Mutex::new(HashMap::new()),
        });
        let router = Arc::new(ApiRouter::new(&table).expect("route table"));
        let ports = Ports {
            emulator: emulator_port,
            gateway: gateway.port,
        };
        let (proxy, port) = ApiThread::start(router, functions.clone(), ports);
        let server = Self {
            base: format!("http://127.0.0.1:{port}"),
            port,
            gateway,
            lambda: Some(Lambda {
                functions,
                emulator,
                _api: proxy,
            }),
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(self.url("/healthz")).send().await {
                if r.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the Lambda stack never answered /healthz; logs:\n{}",
            self.log()
        );
    }

    /// An absolute URL on the stand-in API.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
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
        let Some(lambda) = &self.lambda else {
            return Vec::new();
        };
        (0..INSTANCES)
            .map(|i| {
                std::fs::read_to_string(lambda.functions.log_path(name, i)).unwrap_or_default()
            })
            .collect()
    }

    /// Everything one function's instances logged.
    pub fn function_log(&self, name: &str) -> String {
        self.function_logs(name).concat()
    }

    /// The functions started so far.
    pub fn started_functions(&self) -> Vec<String> {
        let Some(lambda) = &self.lambda else {
            return Vec::new();
        };
        let mut v: Vec<String> = lambda
            .functions
            .running
            .lock()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Whether the functions really run under the emulator (false only outside CI without
    /// cargo-lambda).
    pub fn is_lambda(&self) -> bool {
        self.lambda.is_some()
    }

    /// The long-lived process of the deployment: the gateway.
    pub fn pid(&self) -> u32 {
        self.gateway.pid()
    }

    /// Waits for the gateway to exit.
    pub fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        self.gateway.wait_exit(within)
    }
}

impl Drop for Lambda {
    fn drop(&mut self) {
        if let Ok(mut running) = self.functions.running.lock() {
            for child in running.values_mut().flatten() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let _ = self.emulator.kill();
        let _ = self.emulator.wait();
    }
}

/// The site's config as deployed: a function deployment always has Redis (the one way the
/// gateway and the functions share presence, rosters and messages), so a config without
/// `redis` gets one with a key prefix of its own, written next to the stack's logs.
async fn with_redis(config: &Path, dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(config).expect("read config");
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("config YAML");
    if yaml.get("redis").is_some() {
        return config.to_path_buf();
    }
    let url = crate::state::redis_url();
    if tokio::net::TcpStream::connect(url.trim_start_matches("redis://"))
        .await
        .is_err()
    {
        assert!(!super::common::strict(), "Redis required under CI=true");
        eprintln!("Redis unreachable: the functions and the gateway share nothing");
        return config.to_path_buf();
    }
    let path = dir.join("config.yaml");
    let text = format!(
        "{text}\nredis:\n  url: \"{url}\"\n  prefix: \"{}\"\n",
        crate::state::unique_prefix()
    );
    std::fs::write(&path, text).expect("write config");
    path
}

/// `RSSTREAMING_*` variables equivalent to the config file, checked to load the same `Config`.
pub fn config_env(config: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(config).expect("read config");
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("config YAML");
    let mut env = Vec::new();
    flatten(&yaml, &mut Vec::new(), &mut env);
    let from_file = Config::from_yaml(&text, "file", |_| None).expect("config loads");
    let lookup = env.clone();
    let from_env = Config::from_yaml("{}", "environment", move |k| {
        lookup.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    })
    .expect("config from the environment loads");
    assert_eq!(
        format!("{from_file:?}"),
        format!("{from_env:?}"),
        "this config cannot be expressed as RSSTREAMING_* variables: {env:?}"
    );
    env
}

fn flatten(v: &serde_yaml_ng::Value, path: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    use serde_yaml_ng::Value;
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let name = || format!("RSSTREAMING_{}", path.join("_").to_uppercase());
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                path.push(scalar(k).expect("string keys"));
                flatten(v, path, out);
                path.pop();
            }
        }
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().filter_map(scalar).collect();
            out.push((name(), items.join(",")));
        }
        Value::Null => {}
        other => out.push((name(), scalar(other).expect("scalar"))),
    }
}

/// Starts `cargo lambda watch --only-lambda-apis` on a free port, its function names taken
/// from a throw-away manifest, and waits until it accepts connections.
async fn start_emulator<'a>(log_dir: &Path, names: impl Iterator<Item = &'a str>) -> (Child, u16) {
    let project = log_dir.join("emulator");
    std::fs::create_dir_all(project.join("src")).expect("emulator dir");
    let mut manifest = String::from(
        "[package]\nname = \"functions\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    for name in names {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"src/main.rs\"\n"
        ));
    }
    std::fs::write(project.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::write(project.join("src/main.rs"), "fn main() {}\n").expect("main.rs");
    let mut last = String::new();
    for _ in 0..3 {
        let port = super::common::server::free_port();
        let log = log_dir.join("emulator.log");
        let file = std::fs::File::create(&log).expect("emulator log");
        let mut child = Command::new("cargo-lambda")
            .args(["lambda", "watch", "--only-lambda-apis", "--ignore-changes"])
            .args(["--disable-cors", "--invoke-address", "127.0.0.1"])
            .args(["--invoke-port", &port.to_string(), "--timeout", "60"])
            .current_dir(&project)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::from(file.try_clone().expect("log")))
            .stderr(Stdio::from(file))
            .spawn()
            .expect("start cargo-lambda");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return (child, port);
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        last = std::fs::read_to_string(&log).unwrap_or_default();
    }
    panic!("the Lambda emulator did not start; its log:\n{last}");
}

impl Functions {
    /// Starts the function's process unless it runs; `Err` with its log if it died.
    fn ensure(&self, name: &str) -> Result<(), String> {
        let mut running = self.running.lock().expect("functions lock");
        if let Some(instances) = running.get_mut(name) {
            for (i, child) in instances.iter_mut().enumerate() {
                if !matches!(child.try_wait(), Ok(None)) {
                    return Err(format!(
                        "function {name} (instance {i}) exited; its log:\n{}",
                        std::fs::read_to_string(self.log_path(name, i)).unwrap_or_default()
                    ));
                }
            }
            return Ok(());
        }
        let selector = self
            .selectors
            .get(name)
            .ok_or_else(|| format!("no function named {name}"))?;
        let mut instances = Vec::new();
        for i in 0..INSTANCES {
            let log = std::fs::File::create(self.log_path(name, i)).map_err(|e| e.to_string())?;
            let mut cmd = Command::new(function_bin());
            for (k, _) in std::env::vars() {
                if k.starts_with("RSSTREAMING_") || k.starts_with("AWS_") {
                    cmd.env_remove(k);
                }
            }
            let child = cmd
                .env(
                    "AWS_LAMBDA_RUNTIME_API",
                    format!("{}/{name}", self.runtime_api),
                )
                .env("AWS_LAMBDA_FUNCTION_NAME", name)
                .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
                .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
                .env("RSSTREAMING_FUNCTION", selector)
                .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .env_remove("RUST_LOG")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(log))
                .spawn()
                .map_err(|e| format!("start {name}: {e}"))?;
            instances.push(child);
        }
        running.insert(name.to_string(), instances);
        Ok(())
    }

    fn log_path(&self, name: &str, instance: usize) -> std::path::PathBuf {
        self.log_dir.path().join(format!("{name}.{instance}.log"))
    }
}

/// Where the stand-in API sends what it does not run itself.
#[derive(Clone, Copy)]
struct Ports {
    emulator: u16,
    gateway: u16,
}

/// The stand-in for the deployment's front door: `/ws` goes to the gateway (CloudFront's `/ws`
/// behaviour to the load balancer), everything else is routed as the template's HTTP API
/// routes do and invokes the function through the emulator's function URL, repeated request
/// headers joined with commas as API Gateway does for payload format 2.0.
async fn serve_api(
    listener: TcpListener,
    router: Arc<ApiRouter>,
    functions: Arc<Functions>,
    ports: Ports,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let router = router.clone();
        let functions = functions.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let router = router.clone();
                let functions = functions.clone();
                async move {
                    let resp = if req.uri().path() == "/ws" {
                        websocket(req, ports.gateway).await
                    } else {
                        invoke(req, &router, &functions, ports.emulator).await
                    };
                    Ok::<_, std::convert::Infallible>(resp)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}

/// Passes a WebSocket upgrade through to the gateway and then copies bytes both ways.
async fn websocket(
    mut req: Request<hyper::body::Incoming>,
    gateway_port: u16,
) -> Response<Full<Bytes>> {
    let client_upgrade = hyper::upgrade::on(&mut req);
    let (parts, _) = req.into_parts();
    let mut forward = Request::builder().method(parts.method).uri(parts.uri);
    for (k, v) in &parts.headers {
        forward = forward.header(k, v);
    }
    let forward = forward.body(Full::new(Bytes::new())).expect("request");
    let result = async {
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", gateway_port)).await?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn.with_upgrades());
        let mut resp = sender.send_request(forward).await?;
        let upgraded = if resp.status() == StatusCode::SWITCHING_PROTOCOLS {
            Some(hyper::upgrade::on(&mut resp))
        } else {
            None
        };
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((resp, upgraded))
    };
    match result.await {
        Ok((resp, Some(gateway_upgrade))) => {
            tokio::spawn(async move {
                if let (Ok(client), Ok(gateway)) = (client_upgrade.await, gateway_upgrade.await) {
                    let mut client = TokioIo::new(client);
                    let mut gateway = TokioIo::new(gateway);
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut gateway).await;
                }
            });
            let (parts, _) = resp.into_parts();
            Response::from_parts(parts, Full::new(Bytes::new()))
        }
        Ok((resp, None)) => {
            let (parts, body) = resp.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            Response::from_parts(parts, Full::new(body))
        }
        Err(e) => text(StatusCode::BAD_GATEWAY, format!("gateway: {e}")),
    }
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r
}

async fn invoke(
    req: Request<hyper::body::Incoming>,
    router: &ApiRouter,
    functions: &Functions,
    emulator_port: u16,
) -> Response<Full<Bytes>> {
    let name = router.function_for(req.method(), req.uri().path());
    if let Err(e) = functions.ensure(name) {
        return text(StatusCode::BAD_GATEWAY, e);
    }
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, API_MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request Entity Too Large".into(),
            )
        }
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut forward = Request::builder()
        .method(parts.method.clone())
        .uri(format!("/lambda-url/{name}{path_and_query}"));
    for key in parts.headers.keys() {
        let values: Vec<&str> = parts
            .headers
            .get_all(key)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if !values.is_empty() {
            forward = forward.header(key, values.join(", "));
        }
    }
    let forward = forward.body(Full::new(body)).expect("request");
    let result = async {
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", emulator_port)).await?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        let resp = sender.send_request(forward).await?;
        let (parts, body) = resp.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((parts, body))
    };
    match tokio::time::timeout(Duration::from_secs(60), result).await {
        Ok(Ok((mut parts, body))) => {
            for hop in ["connection", "transfer-encoding", "keep-alive"] {
                parts.headers.remove(hop);
            }
            Response::from_parts(parts, Full::new(body))
        }
        Ok(Err(e)) => text(StatusCode::BAD_GATEWAY, format!("emulator: {e}")),
        Err(_) => text(
            StatusCode::GATEWAY_TIMEOUT,
            format!("function {name} timed out"),
        ),
    }
}
