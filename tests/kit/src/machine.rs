//! What a test needs from this machine: the built programs, free ports, installed tools, and
//! the one rule for anything missing — skip with a message, or fail under `CI=true`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether the run must not skip anything (CI sets `CI=true`).
pub fn strict() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

/// Reports that `what` is missing: fails the test under `CI=true`, otherwise prints why it is
/// skipped. Always `false`, so callers can `return` on it.
pub fn missing(what: &str) -> bool {
    assert!(!strict(), "{what}; required under CI=true");
    eprintln!("skipping: {what}");
    false
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the kit lives in tests/kit")
}

/// A program of this workspace as cargo built it for the running test: `CARGO_BIN_EXE_<name>`
/// when cargo set it, else next to the test executable (`target/<profile>/deps/..`), the way
/// cargo lays out a build. The suites of `rsstreaming` get `rsstreaming` built for them, the
/// Lambda suite (a test of `rsstreaming-infra`) the function binary; each finds the other's in
/// the same target folder after `cargo test --workspace`.
pub fn program(name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(format!("CARGO_BIN_EXE_{name}")) {
        return path.into();
    }
    let mut dir = std::env::current_exe().expect("the test executable");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is missing: run the suites through `cargo test --workspace` (or build its package first)",
        path.display()
    );
    path
}

/// The `rsstreaming` binary, without the environment overrides that would point it at another
/// config file, database or Redis than the test's, or change its log format.
pub fn rsstreaming() -> Command {
    let mut cmd = Command::new(program("rsstreaming"));
    for var in [
        "RSSTREAMING_CONFIG",
        "RSSTREAMING_DATABASE_URL",
        "RSSTREAMING_REDIS_URL",
        "RSSTREAMING_LOG_FORMAT",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Whether `tool` is an executable file in a `PATH` folder.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false)
}

/// Whether `program --version`-style `args` run at all (the tool is installed).
pub fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
