//! The integration suite on `rsstreaming serve`: the site's HTTP and cross-instance chat cases
//! (shared with the Lambda suite, see `rsstreaming-site-tests`), the chat gateway, the CLI end
//! to end, and store and shared-state conformance on both backends.

rsstreaming_site_tests::site_tests!(rsstreaming_testkit::Backend::Serve);

mod chat;
mod chat_big_rooms;
mod chat_commands;
mod chat_delivery;
mod chat_guard;
mod chat_history;
mod chat_names;
mod chat_registered;
mod chat_room_rules;
mod chat_sanctions;
mod cli;
mod faults;
mod import;
mod import_errors;
mod metrics;
mod migrations;
mod operator;
mod pystreaming;
mod secrets;
mod state;
mod state_history;
mod store;
mod store_names;
mod store_recordings;
mod store_rules;
mod store_sanctions;
mod store_sessions;
mod store_webhooks;
mod webhooks;
