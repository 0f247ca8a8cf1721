//! What the upgrade request told us about the client, for the session's checks.

use rsstreaming_shared::auth::Cookies;
use std::net::IpAddr;

#[derive(Debug, Clone, Default)]
pub struct Peer {
    /// The client's address after trusted proxy hops.
    pub addr: Option<IpAddr>,
    /// Viewer passes for protected streams travel here.
    pub cookies: Cookies,
}
