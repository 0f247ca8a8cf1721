//! Running a media tool (ffmpeg, ffprobe) on the host: no stdin, a deadline after which it is
//! killed, and an error that says what went wrong without the arguments (which may name a
//! key-named file of nginx-rtmp's).

use std::ffi::OsStr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// Runs `program` with `args` within `timeout`; its standard output on success.
pub async fn run<I, S>(program: &str, args: I, timeout: Duration) -> Result<Vec<u8>, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let name = std::path::Path::new(program)
        .file_name()
        .map_or_else(|| program.to_string(), |n| n.to_string_lossy().into_owned());
    let run = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(timeout, run).await {
        Err(_) => Err(format!("{name} took over {} s", timeout.as_secs())),
        Ok(Err(e)) => Err(format!("running {name}: {e}")),
        Ok(Ok(out)) if !out.status.success() => Err(format!("{name} failed ({})", out.status)),
        Ok(Ok(out)) => Ok(out.stdout),
    }
}

/// ffmpeg's output options for one JPEG frame 360 lines high (a thumbnail).
pub const JPEG_FRAME: [&str; 8] = [
    "-frames:v",
    "1",
    "-vf",
    "scale=-2:360",
    "-q:v",
    "6",
    "-f",
    "image2",
];

/// Runs `ffmpeg` quietly on `input` (after the input options `before`) into `output` (after
/// the output options `after`), overwriting it, within `timeout`.
pub async fn ffmpeg(
    ffmpeg: &str,
    before: &[&str],
    input: &Path,
    after: &[&str],
    output: &Path,
    timeout: Duration,
) -> Result<(), String> {
    let quiet = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"];
    let mut args: Vec<&OsStr> = quiet.iter().chain(before).map(OsStr::new).collect();
    args.extend([OsStr::new("-i"), input.as_os_str()]);
    args.extend(after.iter().map(OsStr::new));
    args.push(output.as_os_str());
    run(ffmpeg, args, timeout).await.map(|_| ())
}
