//! Where a socket begins: the HTTP/1.1 WebSocket handshake (RFC 6455 §4.2) on a hyper
//! request, refused with 403 for a page of a foreign `Origin` (see
//! [`rsstreaming_shared::net::origin_allowed`]); an accepted one is served by
//! [`connection`](super::connection) on a task of its own.

use super::peer::Peer;
use super::{connection, Gateway};
use bytes::Bytes;
use http::header::{
    CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION, UPGRADE,
};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use rsstreaming_handlers::Caller;
use rsstreaming_shared::auth::Cookies;
use rsstreaming_shared::net::origin_allowed;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

impl Gateway {
    /// Answers a `GET /ws` upgrade request; the socket is served on a task of its own.
    pub fn upgrade(self: &Arc<Self>, req: Request<Incoming>) -> Response<Bytes> {
        if self.stopping.load(Ordering::Acquire) {
            return refuse(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n");
        }
        let response = accept(req.method(), req.headers());
        if response.status() != StatusCode::SWITCHING_PROTOCOLS {
            return response;
        }
        let caller = req.extensions().get::<Caller>();
        let origin = req
            .headers()
            .get(http::header::ORIGIN)
            .map(|v| rsstreaming_shared::net::readable(v.as_bytes()));
        let host = caller.and_then(|c| c.host.as_deref());
        if !origin_allowed(origin, host, &self.ctx.config.public_origins) {
            return refuse(
                StatusCode::FORBIDDEN,
                "this page's origin may not open the chat socket\n",
            );
        }
        let cookies = req.headers().get_all(http::header::COOKIE).iter();
        let peer = Peer {
            addr: req.extensions().get::<Caller>().map(|c| c.addr),
            cookies: Cookies::from_headers(cookies.filter_map(|v| v.to_str().ok())),
        };
        let gw = self.clone();
        tokio::spawn(async move {
            match hyper::upgrade::on(req).await {
                Ok(upgraded) => {
                    let io = hyper_util::rt::TokioIo::new(upgraded);
                    connection::serve(gw, io, peer).await
                }
                Err(e) => tracing::debug!("websocket upgrade failed: {e}"),
            }
        });
        response
    }
}

/// Whether a comma-separated header holds `token` (case-insensitive).
fn has_token(headers: &HeaderMap, name: http::header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.to_str()
            .map(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
            .unwrap_or(false)
    })
}

fn refuse(status: StatusCode, text: &'static str) -> Response<Bytes> {
    let mut r = Response::new(Bytes::from_static(text.as_bytes()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// The `101 Switching Protocols` answer to a valid upgrade request, or the error response.
pub fn accept(method: &Method, headers: &HeaderMap) -> Response<Bytes> {
    check(method, headers).unwrap_or_else(|refusal| *refusal)
}

fn check(method: &Method, headers: &HeaderMap) -> Result<Response<Bytes>, Box<Response<Bytes>>> {
    if method != Method::GET {
        return Err(Box::new(refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "use GET to open the chat socket\n",
        )));
    }
    if !has_token(headers, UPGRADE, "websocket") || !has_token(headers, CONNECTION, "upgrade") {
        return Err(Box::new(refuse(
            StatusCode::BAD_REQUEST,
            "this endpoint only speaks WebSocket\n",
        )));
    }
    if headers.get(SEC_WEBSOCKET_VERSION).map(|v| v.as_bytes()) != Some(b"13") {
        let mut r = refuse(
            StatusCode::UPGRADE_REQUIRED,
            "WebSocket version 13 required\n",
        );
        r.headers_mut()
            .insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        return Err(Box::new(r));
    }
    let Some(key) = headers.get(SEC_WEBSOCKET_KEY) else {
        return Err(Box::new(refuse(
            StatusCode::BAD_REQUEST,
            "missing Sec-WebSocket-Key\n",
        )));
    };
    let accept = derive_accept_key(key.as_bytes());
    let mut r = Response::new(Bytes::new());
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = r.headers_mut();
    h.insert(UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    h.insert(
        SEC_WEBSOCKET_ACCEPT,
        HeaderValue::from_str(&accept)
            .map_err(|_| Box::new(refuse(StatusCode::BAD_REQUEST, "bad key\n")))?,
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn accepts_a_browser_handshake() {
        let h = headers(&[
            ("upgrade", "websocket"),
            ("connection", "keep-alive, Upgrade"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ]);
        let r = accept(&Method::GET, &h);
        assert_eq!(r.status(), StatusCode::SWITCHING_PROTOCOLS);
        // The RFC's own example.
        assert_eq!(
            r.headers()[SEC_WEBSOCKET_ACCEPT],
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn refuses_anything_else() {
        assert_eq!(
            accept(&Method::GET, &headers(&[])).status(),
            StatusCode::BAD_REQUEST
        );
        let old = headers(&[
            ("upgrade", "websocket"),
            ("connection", "upgrade"),
            ("sec-websocket-version", "8"),
            ("sec-websocket-key", "x"),
        ]);
        assert_eq!(
            accept(&Method::GET, &old).status(),
            StatusCode::UPGRADE_REQUIRED
        );
        let nokey = headers(&[
            ("upgrade", "websocket"),
            ("connection", "upgrade"),
            ("sec-websocket-version", "13"),
        ]);
        assert_eq!(
            accept(&Method::GET, &nokey).status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            accept(&Method::POST, &nokey).status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
    }
}
