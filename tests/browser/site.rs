//! A running site for one browser test: a fresh SQLite database, streamers and emotes added
//! with the real CLI, and `rsstreaming serve` on a free port.

#![allow(dead_code)]

use crate::common::{cli, stderr, write_config, TestDb, TestServer};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Site {
    pub server: TestServer,
    pub config: PathBuf,
    pub dir: tempfile::TempDir,
    _db: TestDb,
}

impl Site {
    /// Starts a site with `extra_yaml` in its config after running each CLI command of `setup`
    /// (e.g. `&["streamer", "add", "--username", "alice", "--key", "k"]`).
    pub async fn start(extra_yaml: &str, setup: &[&[&str]]) -> Self {
        let db = TestDb::sqlite();
        let dir = tempfile::tempdir().expect("site dir");
        let config = write_config(dir.path(), &db.url, extra_yaml);
        let site = |args: &[&str]| {
            let out = cli(&config, args);
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        };
        site(&["database", "create"]);
        for args in setup {
            site(args);
        }
        let server = TestServer::start(&config, &[]).await;
        Self {
            server,
            config,
            dir,
            _db: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    pub fn hls_dir(&self) -> PathBuf {
        self.dir.path().join("hls")
    }

    /// Runs a management command against this site's database.
    pub fn cli(&self, args: &[&str]) {
        let out = cli(&self.config, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }

    /// Publishes a real live HLS stream for `key` the way nginx-rtmp writes one (`<key>.m3u8`,
    /// `<key>-N.ts`), encoded in real time by ffmpeg until the returned guard is dropped.
    /// `None` when ffmpeg is not installed (outside CI).
    pub fn publish(&self, key: &str) -> Option<Publisher> {
        Publisher::start(&self.hls_dir(), key)
    }
}

/// An ffmpeg process writing a live stream; killed on drop.
pub struct Publisher {
    child: Child,
}

impl Publisher {
    fn start(hls: &Path, key: &str) -> Option<Self> {
        let ffmpeg = Command::new("ffmpeg").arg("-version").output();
        if ffmpeg.is_err() {
            assert!(!crate::common::strict(), "ffmpeg is required under CI=true");
            eprintln!("skipping the live part: ffmpeg not installed");
            return None;
        }
        let child = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-re"])
            .args(["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25"])
            .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"])
            .args([
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-tune",
                "zerolatency",
            ])
            .args([
                "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
            ])
            .args(["-f", "hls", "-hls_time", "1", "-hls_list_size", "6"])
            .args(["-hls_flags", "delete_segments+omit_endlist"])
            .arg("-hls_segment_filename")
            .arg(hls.join(format!("{key}-%d.ts")))
            .arg(hls.join(format!("{key}.m3u8")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn ffmpeg");
        Some(Self { child })
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
