//! The integration suite: store conformance on both backends, the CLI end to end, and (as the
//! work lands) HTTP and chat through a running `rsstreaming serve`.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod store;
mod state;
