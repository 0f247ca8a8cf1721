//! The management CLI, run as the built binary: raw runs for the tests of the CLI itself, and the
//! few management commands sites are set up with, spelled once.

use crate::machine::rsstreaming;
use std::path::Path;
use std::process::Output;

/// Runs `rsstreaming --config CONFIG ARGS…` to completion.
pub fn cli(config: &Path, args: &[&str]) -> Output {
    rsstreaming()
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run rsstreaming")
}

/// Runs the command, asserts it succeeded, and returns its standard output.
pub fn cli_ok(config: &Path, args: &[&str]) -> String {
    let o = cli(config, args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// Asserts a failed run as the CLI fails: exit code 1 and exactly one line on stderr, no
/// panic. Returns that line.
pub fn one_line_failure(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(1), "should fail: {}", stdout(o));
    let err = stderr(o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected, got: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Standard output of a finished command as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error of a finished command as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One management command's arguments.
pub type Command = Vec<String>;

fn command(words: &[&str]) -> Command {
    words.iter().map(|w| w.to_string()).collect()
}

/// `streamer add`, with the key given or (`None`) generated.
pub fn add_streamer(username: &str, key: Option<&str>) -> Command {
    let mut c = command(&["streamer", "add", "--username", username]);
    c.extend(
        key.map(|k| ["--key".to_string(), k.to_string()])
            .into_iter()
            .flatten(),
    );
    c
}

/// `streamer password`: sets the viewer password, or removes it.
pub fn set_password(username: &str, password: Option<&str>) -> Command {
    with_value(
        &["streamer", "password", "--username", username],
        "--password",
        password,
    )
}

/// `streamer description`: sets the description, or clears it.
pub fn set_description(username: &str, description: Option<&str>) -> Command {
    with_value(
        &["streamer", "description", "--username", username],
        "--description",
        description,
    )
}

/// `streamer chat`: `enabled`, `hidden` or `disabled`.
pub fn set_chat(username: &str, setting: &str) -> Command {
    command(&[
        "streamer",
        "chat",
        "--username",
        username,
        "--setting",
        setting,
    ])
}

/// `emote add`.
pub fn add_emote(alias: &str, uri: &str) -> Command {
    command(&["emote", "add", "--alias", alias, "--uri", uri])
}

/// `emote drop`.
pub fn drop_emote(alias: &str) -> Command {
    command(&["emote", "drop", "--alias", alias])
}

/// `message send` as the streamer, of `kind` (`normal`, `action`, `server`).
pub fn send_message(username: &str, kind: &str, message: &str) -> Command {
    command(&[
        "message",
        "send",
        "--username",
        username,
        "--type",
        kind,
        "--message",
        message,
    ])
}

fn with_value(words: &[&str], flag: &str, value: Option<&str>) -> Command {
    let mut c = command(words);
    if let Some(v) = value {
        c.extend([flag.to_string(), v.to_string()]);
    }
    c
}

/// Borrows a command for [`cli`].
pub fn args(c: &Command) -> Vec<&str> {
    c.iter().map(String::as_str).collect()
}
