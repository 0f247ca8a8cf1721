//! The whole product on loopback: `rsstreaming serve` behind a real nginx (site proxy +
//! nginx-rtmp) rendered from `infra/nginx/` by `local-dev/nginx-config.sh`, and `local-dev/obs.sh`
//! publishing as OBS would. Every process is stopped when the stack is dropped.

use crate::env::nginx_bin;
use rsstreaming_testkit::machine::{free_port, repo_root};
use rsstreaming_testkit::{cli, Backend, Site};
use std::fs::File;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Which production RTMP config runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `infra/nginx/rtmp-single.conf`: one application, files named after the key.
    Single,
    /// `infra/nginx/rtmp-redirect.conf`: on_publish renames, `hls` writes public names.
    Redirect,
    /// `infra/nginx/rtmp-multi.conf`: like Redirect, with ffmpeg transcoding per quality.
    Multi,
}

impl Layout {
    fn arg(self) -> &'static str {
        match self {
            Layout::Single => "single",
            Layout::Redirect => "redirect",
            Layout::Multi => "multi",
        }
    }
}

/// The size every test stream is published at (small: the machine has two cores).
pub const SOURCE_WIDTH: u32 = 640;
pub const SOURCE_HEIGHT: u32 = 360;

#[derive(Clone)]
pub struct Options {
    pub layout: Layout,
    /// `publish.mode`: "rename" or "redirect".
    pub mode: &'static str,
    /// `hls.accel_redirect: /internal-hls/` (nginx sends the segment files).
    pub accel: bool,
    pub qualities: &'static [&'static str],
    /// `live_indicator_delay`, seconds.
    pub live_delay: u64,
    /// nginx-rtmp also listens on [::1], a loopback address that is not 127.0.0.1, to check
    /// what the configs allow only from 127.0.0.1.
    pub ipv6_rtmp: bool,
    /// More of `config.yaml`, appended as written.
    pub yaml: &'static str,
}

impl Options {
    pub fn new(layout: Layout, mode: &'static str) -> Self {
        Self {
            layout,
            mode,
            accel: true,
            qualities: &[],
            live_delay: 3,
            ipv6_rtmp: false,
            yaml: "",
        }
    }
}

pub struct Stack {
    pub hls: PathBuf,
    pub nginx_prefix: PathBuf,
    pub rtmp_port: u16,
    pub site_port: u16,
    pub app_port: u16,
    pub live_delay: u64,
    pub http: reqwest::Client,
    nginx: Option<Child>,
    /// The site behind nginx (`serve --nginx-proxy 1`); stopped after nginx.
    pub site: Site,
}

impl Stack {
    /// Starts `rsstreaming serve --nginx-proxy 1`, then nginx in front of it, and waits until
    /// both accept connections. nginx's ports are picked free and can be taken by someone else
    /// before it binds them: then it tries again with others.
    pub async fn start(opts: Options) -> Stack {
        let mut yaml = format!("publish:\n  mode: {}\n", opts.mode);
        if opts.accel {
            yaml.push_str("hls:\n  accel_redirect: /internal-hls/\n");
        }
        if !opts.qualities.is_empty() {
            yaml.push_str(&format!(
                "video_qualities: [{}]\n",
                opts.qualities.join(", ")
            ));
        }
        yaml.push_str(opts.yaml);
        let site = Site::builder()
            .yaml(&yaml)
            .live_delay(opts.live_delay)
            .proxy_hops(1)
            .start(Backend::Serve)
            .await;
        let mut stack = Stack {
            hls: site.hls(),
            nginx_prefix: site.dir.path().join("nginx"),
            rtmp_port: 0,
            site_port: 0,
            app_port: site.port(),
            live_delay: opts.live_delay,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .build()
                .expect("http client"),
            nginx: None,
            site,
        };
        let mut failure = String::new();
        for _ in 0..3 {
            match stack.start_nginx(&opts) {
                Ok(()) => return stack,
                Err(e) if e.contains("Address already in use") => failure = e,
                Err(e) => panic!("{e}"),
            }
        }
        panic!("nginx found no free ports in 3 tries:\n{failure}");
    }

    /// Where nginx records (`incoming/` inside) and, when a test's YAML sets
    /// `recordings.dir: "@SITE_DIR@/recordings"`, the site keeps its recordings.
    pub fn recordings(&self) -> PathBuf {
        self.site.dir.path().join("recordings")
    }

    fn start_nginx(&mut self, opts: &Options) -> Result<(), String> {
        self.stop_nginx();
        let (rtmp_port, site_port) = (free_port(), free_port());
        self.rtmp_port = rtmp_port;
        self.site_port = site_port;
        let prefix = self.nginx_prefix.clone();
        let _ = std::fs::remove_file(prefix.join("logs/error.log"));
        render_nginx(
            &prefix,
            opts,
            [rtmp_port, site_port, self.app_port],
            &self.hls,
            &self.recordings(),
        );
        let nginx_log = File::create(self.site.dir.path().join("nginx.out")).expect("nginx log");
        let nginx = Command::new(nginx_bin())
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(prefix.join("nginx.conf"))
            .arg("-e")
            .arg(prefix.join("logs/error.log"))
            .stdout(nginx_log.try_clone().expect("log handle"))
            .stderr(nginx_log)
            .spawn()
            .expect("start nginx");
        self.nginx = Some(nginx);
        self.wait_port(site_port, "nginx (site)")?;
        self.wait_port(rtmp_port, "nginx (rtmp)")
    }

    /// A graceful stop lets the master take its workers (and their exec'd ffmpeg) down;
    /// SIGKILL would orphan them.
    fn stop_nginx(&mut self) {
        if let Some(mut nginx) = self.nginx.take() {
            signal(&nginx, "TERM");
            if !wait_for(&mut nginx, Duration::from_secs(10)) {
                let _ = nginx.kill();
                let _ = nginx.wait();
            }
        }
    }

    fn wait_port(&mut self, port: u16, what: &str) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(());
            }
            let exited = self
                .nginx
                .as_mut()
                .and_then(|child| child.try_wait().ok().flatten());
            if let Some(status) = exited {
                return Err(format!(
                    "{what}: a process exited early ({status}):\n{}",
                    self.logs()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{what} not listening on {port} after 30 s:\n{}",
                    self.logs()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Everything the processes wrote, for failure messages.
    pub fn logs(&self) -> String {
        let read = |p: PathBuf| std::fs::read_to_string(&p).unwrap_or_default();
        format!(
            "--- rsstreaming:\n{}\n--- nginx:\n{}{}",
            self.serve_log(),
            read(self.site.dir.path().join("nginx.out")),
            read(self.nginx_prefix.join("logs/error.log"))
        )
    }

    /// What rsstreaming logged (info level).
    pub fn serve_log(&self) -> String {
        self.site.log()
    }

    /// A URL on the public site (through nginx).
    pub fn site(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.site_port)
    }

    /// Adds a streamer with the management CLI.
    pub fn add_streamer(&self, username: &str, key: &str) {
        self.site.manage(cli::add_streamer(username, Some(key)));
    }

    /// Starts `local-dev/obs.sh KEY` against this stack's nginx-rtmp, publishing to `app`.
    pub fn publish_to(&self, app: &str, host: &str, key: &str, seconds: Option<u32>) -> Publisher {
        let n = std::fs::read_dir(self.site.dir.path())
            .map(|d| d.count())
            .unwrap_or(0);
        let log = self.site.dir.path().join(format!("obs-{n}.log"));
        let mut cmd = Command::new(repo_root().join("local-dev/obs.sh"));
        cmd.arg(key);
        if let Some(s) = seconds {
            cmd.arg(s.to_string());
        }
        let out = File::create(&log).expect("obs log");
        let child = cmd
            .env("RTMP_PORT", self.rtmp_port.to_string())
            .env("RTMP_HOST", host)
            .env("RTMP_APP", app)
            .env("VIDEO_SIZE", format!("{SOURCE_WIDTH}x{SOURCE_HEIGHT}"))
            .env("FPS", "30")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log handle"))
            .stderr(out)
            .spawn()
            .expect("start local-dev/obs.sh");
        Publisher {
            child,
            log,
            started: Instant::now(),
        }
    }

    /// Publishes to `live` the way OBS is told to in the README.
    pub fn publish(&self, key: &str) -> Publisher {
        self.publish_to("live", "127.0.0.1", key, None)
    }

    /// Publishes as `streamer` with `key` and waits until its page says live (15 s at most,
    /// else the test fails with the publisher's and the stack's logs).
    pub async fn publish_live(&self, streamer: &str, key: &str) -> Publisher {
        let obs = self.publish(key);
        let live = self.wait_live(streamer, true, Duration::from_secs(15));
        if live.await.is_none() {
            panic!("{streamer} not live: {}\n{}", obs.log(), self.logs());
        }
        obs
    }

    /// Stops `obs` and waits until `streamer`'s page says offline (20 s at most, else the
    /// test fails with the stack's logs).
    pub async fn stop_publishing(&self, streamer: &str, obs: &mut Publisher) {
        obs.stop();
        let offline = self.wait_live(streamer, false, Duration::from_secs(20));
        if offline.await.is_none() {
            panic!(
                "{streamer} still live after the publisher stopped\n{}",
                self.logs()
            );
        }
    }

    /// A stack of `opts` with one streamer, `streamer`, and its new key.
    pub async fn with_streamer(opts: Options, streamer: &str) -> (Stack, String) {
        let stack = Stack::start(opts).await;
        let key = crate::layouts::new_key();
        stack.add_streamer(streamer, &key);
        (stack, key)
    }

    /// `GET url`, with a `Cookie` header if given.
    pub async fn get(&self, url: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(url);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
    }

    /// Submits `streamer`'s password page through nginx.
    pub async fn enter_password(&self, streamer: &str, password: &str) -> reqwest::Response {
        let url = self.site(&format!("/{streamer}/password"));
        let form = [("streampass", password)];
        let sent = self.http.post(&url).form(&form).send().await;
        sent.unwrap_or_else(|e| panic!("POST {url}: {e}"))
    }

    /// `GET /{streamer}/info` through nginx.
    pub async fn info(&self, streamer: &str) -> serde_json::Value {
        let r = self
            .get(&self.site(&format!("/{streamer}/info")), None)
            .await;
        assert!(r.status().is_success(), "info: {}", r.status());
        r.json().await.expect("info JSON")
    }

    /// Polls `/{streamer}/info` until `live` is `want`; the time it took, or `None` after `limit`.
    pub async fn wait_live(&self, streamer: &str, want: bool, limit: Duration) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.info(streamer).await["live"].as_bool() == Some(want) {
                return Some(start.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        None
    }

    /// Names of the files nginx-rtmp has written.
    pub fn hls_files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.hls)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.stop_nginx();
    }
}

/// A running `local-dev/obs.sh` (an ffmpeg, through `exec`).
pub struct Publisher {
    child: Child,
    log: PathBuf,
    /// When the encoder started: its stream clock's zero, give or take the encoder's start-up.
    pub started: Instant,
}

impl Publisher {
    /// Stops publishing the way OBS's "Stop Streaming" does (ffmpeg closes the stream).
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            signal(&self.child, "INT");
            if !wait_for(&mut self.child, Duration::from_secs(5)) {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }

    /// Waits up to `limit` for the publisher to end by itself.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Whether ffmpeg is still sending.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends a signal by name to a child process.
fn signal(child: &Child, name: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status();
}

fn wait_for(child: &mut Child, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Renders the production configs with `local-dev/nginx-config.sh`, then, for the tests only,
/// makes transcoding cheap and optionally adds an IPv6 loopback listener.
fn render_nginx(prefix: &Path, opts: &Options, ports: [u16; 3], hls: &Path, recordings: &Path) {
    let [rtmp, site, app] = ports;
    let out = Command::new(repo_root().join("local-dev/nginx-config.sh"))
        .arg(prefix)
        .arg(opts.layout.arg())
        .args([rtmp.to_string(), site.to_string(), app.to_string()])
        .arg(hls)
        .arg(recordings)
        .output()
        .expect("run local-dev/nginx-config.sh");
    assert!(
        out.status.success(),
        "nginx-config.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rtmp_conf = prefix.join("rtmp.conf");
    let mut text = std::fs::read_to_string(&rtmp_conf).expect("rendered rtmp.conf");
    if opts.layout == Layout::Multi {
        // Two cores: keep only the configured qualities' lines (the production file's own) and
        // transcode at the cheapest preset.
        let keep = |l: &&str| {
            !l.contains("/hls/$name_")
                || opts
                    .qualities
                    .iter()
                    .any(|q| l.contains(&format!("/hls/$name_{q}")))
        };
        let mut kept = text.lines().filter(keep).collect::<Vec<_>>().join("\n");
        kept.push('\n');
        assert!(kept.contains("-preset veryfast"), "rtmp-multi.conf changed");
        text = kept.replace("-preset veryfast", "-preset ultrafast");
        let last = opts.qualities.last().expect("multi needs qualities");
        assert!(
            text.contains(&format!("/hls/$name_{last};")),
            "the last test quality must end rtmp-multi.conf's exec directive"
        );
    }
    if opts.ipv6_rtmp {
        let listen = format!("listen 127.0.0.1:{rtmp};");
        assert!(text.contains(&listen));
        text = text.replace(&listen, &format!("{listen}\n        listen [::1]:{rtmp};"));
    }
    std::fs::write(&rtmp_conf, text).expect("write rtmp.conf");
}
