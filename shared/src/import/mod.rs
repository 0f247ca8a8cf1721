//! Bringing another system's data into the store. Today one source: the Python system this
//! project replaces ([`pystreaming`]).

pub mod pystreaming;
