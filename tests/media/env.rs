//! What the media tests need from the machine, and one-at-a-time running.

use rsstreaming_testkit::browser::{chromedriver_path, chromium_path};
use rsstreaming_testkit::machine::{missing, on_path};
use std::path::{Path, PathBuf};
use tokio::sync::{Mutex, MutexGuard};

pub const RTMP_MODULE: &str = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

/// What a test uses from the system.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// nginx with the RTMP module, and ffmpeg.
    Media,
    /// Media plus headless Chromium and chromedriver.
    Browser,
}

/// Whether the test can run. Missing tools skip it with a message, or fail it under `CI=true`.
pub fn available(need: Need) -> bool {
    let mut missing_tools = Vec::new();
    for tool in ["nginx", "ffmpeg"] {
        if !on_path(tool) && !Path::new("/usr/sbin").join(tool).is_file() {
            missing_tools.push(tool.to_string());
        }
    }
    if !Path::new(RTMP_MODULE).is_file() {
        missing_tools.push(format!("libnginx-mod-rtmp ({RTMP_MODULE})"));
    }
    if need == Need::Browser {
        for path in [chromium_path(), chromedriver_path()] {
            if !path.is_file() {
                missing_tools.push(path.display().to_string());
            }
        }
    }
    missing_tools.is_empty()
        || missing(&format!(
            "media test needs {} (apt install nginx libnginx-mod-rtmp ffmpeg chromium chromium-driver)",
            missing_tools.join(", ")
        ))
}

/// The nginx binary (Debian puts it in /usr/sbin, which a user's PATH may lack).
pub fn nginx_bin() -> PathBuf {
    if on_path("nginx") {
        PathBuf::from("nginx")
    } else {
        PathBuf::from("/usr/sbin/nginx")
    }
}

/// Media tests run one at a time: each drives an encoder, nginx, rsstreaming and a browser, and
/// two at once on a small machine would only measure CPU starvation. The turn of a test that
/// can run (see [`available`]), held until dropped; `None` when it is skipped.
pub async fn serial(need: Need) -> Option<MutexGuard<'static, ()>> {
    static LOCK: Mutex<()> = Mutex::const_new(());
    if !available(need) {
        return None;
    }
    Some(LOCK.lock().await)
}
