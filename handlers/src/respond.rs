//! Building responses, and the one error type handlers bubble up.

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Response, StatusCode};
use rsstreaming_shared::budget::Spent;
use rsstreaming_shared::state::StateError;
use rsstreaming_shared::StoreError;
use serde::Serialize;

pub const JSON: &str = "application/json";
pub const HTML: &str = "text/html; charset=utf-8";
pub const TEXT: &str = "text/plain; charset=utf-8";
pub const M3U8: &str = "application/vnd.apple.mpegurl";
pub const MPEG_TS: &str = "video/mp2t";

/// A response with a body and content type.
pub fn with_body(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Bytes> {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if content_type == HTML {
        // Pages are not to be framed by other sites (clickjacking the chat or password form),
        // and links out do not carry the page's address.
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    r
}

/// A JSON response.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response<Bytes> {
    match serde_json::to_vec(value) {
        Ok(body) => with_body(status, JSON, body),
        Err(e) => internal(&format!("serialising a response: {e}")),
    }
}

/// `{"error": message}` with a status.
pub fn json_error(status: StatusCode, message: &str) -> Response<Bytes> {
    json(status, &serde_json::json!({ "error": message }))
}

/// `r` (a 429) with the `Retry-After` a spent guess budget gives.
pub fn retry_after(mut r: Response<Bytes>, spent: Spent) -> Response<Bytes> {
    set_header(
        &mut r,
        header::RETRY_AFTER,
        &spent.retry_after_secs().to_string(),
    );
    r
}

/// A plain-text response.
pub fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Bytes> {
    with_body(status, TEXT, body)
}

/// An HTML response.
pub fn html(status: StatusCode, body: impl Into<Bytes>) -> Response<Bytes> {
    with_body(status, HTML, body)
}

/// A redirect to a path on this site.
pub fn redirect(status: StatusCode, location: &str) -> Response<Bytes> {
    let mut r = Response::new(Bytes::new());
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The empty answer that has nginx send file `name` from its internal location `prefix`
/// (`X-Accel-Redirect`, which nginx consumes and never forwards) — only when `prefix` is set
/// and a proxy in front is trusted (`--nginx-proxy` > 0): a site reached without nginx would
/// hand the header, and so the file's name, to the visitor. `None`: send the bytes instead.
pub fn accel_redirect(
    prefix: Option<&str>,
    trusted_proxy: bool,
    name: &str,
    content_type: &'static str,
) -> Option<Response<Bytes>> {
    let prefix = prefix.filter(|p| !p.is_empty() && trusted_proxy)?;
    let slash = if prefix.ends_with('/') { "" } else { "/" };
    let mut r = with_body(StatusCode::OK, content_type, Bytes::new());
    set_header(
        &mut r,
        header::HeaderName::from_static("x-accel-redirect"),
        &format!("{prefix}{slash}{name}"),
    );
    Some(r)
}

/// 404 in plain text.
pub fn not_found() -> Response<Bytes> {
    text(StatusCode::NOT_FOUND, "not found\n")
}

/// 500, logging the cause (which never holds a key: callers word it).
pub fn internal(cause: &str) -> Response<Bytes> {
    tracing::error!(%cause, "internal error");
    text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n")
}

/// Adds or replaces a header (values we build are always valid; bad ones are skipped).
pub fn set_header(r: &mut Response<Bytes>, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
}

/// What can go wrong inside a handler that is not the caller's fault.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("template: {0}")]
    Template(#[from] minijinja::Error),
    #[error("reading hls_dir: {0}")]
    Io(#[from] std::io::Error),
}

impl HandlerError {
    /// 503 when a backend is down (a retry may work), 500 otherwise; logged either way.
    pub fn into_response(self) -> Response<Bytes> {
        let unavailable = matches!(
            self,
            HandlerError::Store(StoreError::Unreachable(_)) | HandlerError::State(_)
        );
        if unavailable {
            tracing::error!(error = %self, "backend unavailable");
            text(
                StatusCode::SERVICE_UNAVAILABLE,
                "service unavailable, try again\n",
            )
        } else {
            internal(&self.to_string())
        }
    }
}

pub type HandlerResult = Result<Response<Bytes>, HandlerError>;
