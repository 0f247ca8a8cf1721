//! The chat and presence gateway: the one long-lived, stateful part of the system.
//! (Placeholder until the chat work lands: `/ws` answers 501.)

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use rsstreaming_handlers::Ctx;
use std::sync::Arc;

/// Owns every socket of this process and its link to the shared state.
pub struct Gateway {
    _ctx: Ctx,
}

impl Gateway {
    /// Starts the gateway's background tasks (subscriptions, presence sweeps, audit writer).
    pub async fn start(ctx: Ctx) -> anyhow::Result<Arc<Self>> {
        Ok(Arc::new(Self { _ctx: ctx }))
    }

    /// Answers a `GET /ws` upgrade request; the socket is served on a task of its own.
    pub fn upgrade(self: &Arc<Self>, _req: Request<Incoming>) -> Response<Bytes> {
        let mut r = Response::new(Bytes::from_static(b"chat gateway not available yet"));
        *r.status_mut() = StatusCode::NOT_IMPLEMENTED;
        r
    }

    /// Closes every socket and flushes what is pending (called on graceful shutdown).
    pub async fn shutdown(&self) {}
}
