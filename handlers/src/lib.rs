//! The stateless HTTP handlers of rsstreaming and the route table.

mod context;
mod route;

pub use context::{Caller, Ctx};
pub use route::{Handler, HandlerFuture, Params, Route};
