//! Config files for a test site, and the shared Redis every test reaches under a key prefix of
//! its own.

use crate::machine::missing;
use std::path::{Path, PathBuf};

/// Writes `dir/config.yaml` using `db_url`, `dir/hls` as `hls_dir` and — unless the extra
/// YAML has its own `thumbnails` — `dir/thumbs` for the thumbnails (so no two sites share the
/// system's temp folder), plus any extra YAML, in which `@SITE_DIR@` stands for `dir` (so a
/// test can put `recordings.dir` in the site's own folder).
pub fn write_config(dir: &Path, db_url: &str, extra_yaml: &str) -> PathBuf {
    let path = dir.join("config.yaml");
    let extra_yaml = extra_yaml.replace("@SITE_DIR@", &dir.display().to_string());
    let thumbs = match extra_yaml.contains("thumbnails:") {
        true => String::new(),
        false => format!("thumbnails:\n  dir: \"{}\"\n", dir.join("thumbs").display()),
    };
    let text = format!(
        "database:\n  url: \"{db_url}\"\nsecret_key: \"test-secret\"\nhls_dir: \"{}\"\n\
         {thumbs}{extra_yaml}\n",
        dir.join("hls").display(),
    );
    std::fs::create_dir_all(dir.join("hls")).expect("hls dir");
    std::fs::write(&path, text).expect("write config");
    path
}

/// The shared Redis (`RSSTREAMING_TEST_REDIS`, default the local one).
pub fn redis_url() -> String {
    std::env::var("RSSTREAMING_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A key prefix no other test uses.
pub fn unique_prefix() -> String {
    format!("rstest{:016x}", rand::random::<u64>())
}

/// The `redis:` config section for `url`, under a fresh prefix.
pub fn redis_yaml(url: &str) -> String {
    format!(
        "redis:\n  url: \"{url}\"\n  prefix: \"{}\"\n",
        unique_prefix()
    )
}

/// Whether the shared Redis accepts connections; when not, skips (or fails under CI).
pub async fn redis_reachable() -> bool {
    let url = redis_url();
    match tokio::net::TcpStream::connect(url.trim_start_matches("redis://")).await {
        Ok(_) => true,
        Err(e) => missing(&format!("Redis unreachable: {e}")),
    }
}
