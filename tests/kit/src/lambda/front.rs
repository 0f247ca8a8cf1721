//! The stand-in for the deployment's front door: `/ws` goes to the gateway (CloudFront's `/ws`
//! behaviour to the load balancer), everything else is routed as the template's HTTP API
//! routes do and invokes the function through the emulator's function URL.

use super::functions::Functions;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use rsstreaming_infra::ApiRouter;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// The largest body API Gateway accepts (10 MB); larger → 413 before any function runs.
const API_MAX_BODY: usize = 10 * 1024 * 1024;

/// The stand-in API on a thread and runtime of its own: a test may block its own runtime (by
/// running the CLI client, say) while the API must keep answering.
pub(super) struct ApiThread {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ApiThread {
    pub(super) fn start(
        router: Arc<ApiRouter>,
        functions: Arc<Functions>,
        ports: Ports,
    ) -> (Self, u16) {
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

/// Where the stand-in API sends what it does not run itself.
#[derive(Clone, Copy)]
pub(super) struct Ports {
    pub(super) emulator: u16,
    pub(super) gateway: u16,
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
