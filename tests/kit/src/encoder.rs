//! A real live stream: ffmpeg encoding a test picture and tone in real time into HLS, named as
//! nginx-rtmp names a stream (`<key>.m3u8`, `<key>-N.ts`).

use crate::machine::{missing, runs};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// An ffmpeg process writing a live stream; killed on drop.
pub struct LiveEncoder {
    child: Child,
}

impl LiveEncoder {
    /// Starts encoding `key`'s stream into `hls`; `None` without ffmpeg (outside CI).
    pub fn start(hls: &Path, key: &str) -> Option<Self> {
        if !runs("ffmpeg", &["-version"]) {
            missing("ffmpeg not installed: no live stream");
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

impl Drop for LiveEncoder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `seconds` of a test picture and tone to `path` as FLV, as nginx-rtmp's `record all`
/// leaves a finished recording (H.264 + AAC); whether it could (`false` without ffmpeg,
/// outside CI).
pub fn write_flv(path: &Path, seconds: u32) -> bool {
    if !runs("ffmpeg", &["-version"]) {
        return missing("ffmpeg not installed: no recording");
    }
    let t = seconds.to_string();
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15"])
        .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"])
        .args([
            "-t",
            &t,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "15",
        ])
        .args([
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "flv",
        ])
        .arg(path)
        .stdin(Stdio::null())
        .status()
        .expect("run ffmpeg");
    assert!(status.success(), "ffmpeg could not write a test FLV");
    true
}
