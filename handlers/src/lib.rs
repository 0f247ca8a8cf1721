//! The stateless HTTP handlers of rsstreaming and the route table.
//!
//! Each handler is an `async fn` of the shared clients ([`Ctx`]), the request (body already
//! read) and its path parameters, returning a response. None keeps anything between calls:
//! what must last lives in the store or the shared state.

mod access;
mod api;
pub mod assets;
mod context;
mod pages;
mod publish;
mod render;
mod request;
mod respond;
mod route;
mod routes;
mod statics;
mod status;
mod stream;

pub use context::{Caller, Ctx};
pub use render::asset_url;
pub use route::{Handler, HandlerFuture, Params, Route};
pub use routes::routes;
