//! The integration suite: store conformance on both backends, the CLI end to end, and (as the
//! work lands) HTTP and chat through a running `rsstreaming serve`.

#[path = "../common/mod.rs"]
mod common;

mod chat;
mod chat_client;
mod chat_cluster;
mod cli;
mod http;
mod http_api;
mod http_hls;
mod http_live;
mod http_publish;
mod import;
mod import_errors;
mod migrations;
mod pystreaming;
mod state;
mod store;
