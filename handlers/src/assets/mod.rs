//! The front end compiled into the binary: static files (`static/`) and page templates
//! (`templates/`), embedded, or re-read from the source tree with `serve --debug` so front-end
//! work needs no rebuild.
//!
//! Every static file has a content hash. Pages link `asset(path)` = `/static/path?v=HASH`, and a
//! request whose `v` matches the current hash may be cached for a year: a changed file gets a new
//! URL, so browsers never run stale scripts.
//!
//! - [`embedded`]: the files and their hashes;
//! - [`templates`]: rendering a page with minijinja (`asset()`, theme, JSON for scripts);
//! - [`encoding`]: the gzip and brotli copies `build.rs` made, and `Accept-Encoding`;
//! - [`static_files`]: `GET /static/{*path}`, compressed, with ETag and cache headers.

mod embedded;
mod encoding;
mod static_files;
mod templates;

pub use static_files::static_asset;
pub use templates::{render, script_json};
