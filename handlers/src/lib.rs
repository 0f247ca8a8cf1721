//! The stateless HTTP handlers and the route table.
