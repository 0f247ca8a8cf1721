//! Stamps the binary with the commit it was built from, for `rsstreaming --version`.
//!
//! From `git` when building in a checkout; else from `RSSTREAMING_COMMIT` when a packager sets it; else "unknown" — a tarball or a
//! crate build has no history, and that must not fail the build.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    println!("cargo:rerun-if-env-changed=RSSTREAMING_COMMIT");
    println!("cargo:rerun-if-env-changed=GIT_DIR");
    let commit = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(hash) => {
            // Rebuild when HEAD moves: the HEAD file, the branch it names, packed refs.
            for path in ["HEAD", "packed-refs"] {
                if let Some(p) = git(&["rev-parse", "--git-path", path]) {
                    println!("cargo:rerun-if-changed={p}");
                }
            }
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                if let Some(p) = git(&["rev-parse", "--git-path", &branch]) {
                    println!("cargo:rerun-if-changed={p}");
                }
            }
            hash
        }
        None => std::env::var("RSSTREAMING_COMMIT")
            .ok()
            .filter(|c| !c.trim().is_empty() && c.len() <= 64)
            .unwrap_or_else(|| "unknown".into()),
    };
    println!("cargo:rustc-env=RSSTREAMING_BUILD_COMMIT={commit}");
}
