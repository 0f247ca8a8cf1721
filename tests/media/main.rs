//! End-to-end media tests: the real components a streamer uses, on loopback. `local-dev/obs.sh`
//! (ffmpeg, publishing as OBS does) → nginx-rtmp with the production configs of `infra/nginx/`
//! → `on_publish` → HLS → nginx site proxy (X-Accel-Redirect, `/ws`) → `rsstreaming serve
//! --nginx-proxy 1` → the stream page in headless Chromium.
//!
//! Needs nginx, libnginx-mod-rtmp, ffmpeg, chromium and chromium-driver (Debian packages). A
//! missing one skips the test with a message, or fails it under `CI=true`. The tests run one at
//! a time (see [`env::serial`]).

mod browser;
mod crawl;
mod env;
mod flow;
mod stack;

mod assets;
mod layouts;
mod multi;
mod protected;
mod recordings;
mod refused;
mod streams;
mod thumbnail;
