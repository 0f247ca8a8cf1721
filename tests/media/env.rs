//! What the media tests need from the machine, free ports, and one-at-a-time running.

use crate::common::strict;
use std::path::{Path, PathBuf};
use tokio::sync::{Mutex, MutexGuard};

pub const RTMP_MODULE: &str = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What a test uses from the system.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// nginx with the RTMP module, and ffmpeg.
    Media,
    /// Media plus headless Chromium and chromedriver.
    Browser,
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false)
}

/// Whether the test can run. Missing tools skip it with a message, or fail it under `CI=true`.
pub fn available(need: Need) -> bool {
    let mut missing = Vec::new();
    for tool in ["nginx", "ffmpeg"] {
        if !on_path(tool) && !Path::new("/usr/sbin").join(tool).is_file() {
            missing.push(tool.to_string());
        }
    }
    if !Path::new(RTMP_MODULE).is_file() {
        missing.push(format!("libnginx-mod-rtmp ({RTMP_MODULE})"));
    }
    if need == Need::Browser {
        for path in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(path).is_file() {
                missing.push(path.to_string());
            }
        }
    }
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "media test needs {} (apt install nginx libnginx-mod-rtmp ffmpeg chromium chromium-driver)",
        missing.join(", ")
    );
    if strict() {
        panic!("{msg}; required under CI=true");
    }
    eprintln!("skipping: {msg}");
    false
}

/// The nginx binary (Debian puts it in /usr/sbin, which a user's PATH may lack).
pub fn nginx_bin() -> PathBuf {
    if on_path("nginx") {
        PathBuf::from("nginx")
    } else {
        PathBuf::from("/usr/sbin/nginx")
    }
}

/// The repository root (the tests are compiled from `dispatcher/`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("dispatcher/ has a parent")
        .to_path_buf()
}

/// Media tests run one at a time: each drives an encoder, nginx, rsstreaming and a browser, and
/// two at once on a small machine would only measure CPU starvation.
pub async fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::const_new(());
    LOCK.lock().await
}
