//! `rsstreaming`: the site and its management in one binary.
//!
//! - `cli/`: the command line, one module per subcommand of SPEC §3 (`api.rs` is the
//!   remote-control client); management commands open the store and return;
//! - `serve/`: `rsstreaming serve`, the hyper server running every handler of the route table
//!   (`dispatch.rs`: what happens to one request) beside the chat gateway;
//! - `gateway/`: the WebSocket chat on `/ws`.
//!
//! Errors reach the user as one line on stderr and exit code 1.

mod cli;
mod gateway;
mod serve;

use clap::Parser;
use std::process::ExitCode;

/// `rsstreaming --version`: the package version and the commit it was built from (build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("RSSTREAMING_BUILD_COMMIT"),
    ")"
);

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One clear line rather than clap's multi-line block, keeping its suggestions
            // ("tip: a similar subcommand exists: 'list'"); `--help` has the rest.
            let text = e.to_string();
            let mut lines = text.lines();
            let first = lines.next().unwrap_or("invalid arguments");
            // The details clap indents under the first line (the missing arguments, the tips),
            // up to its usage block.
            let details: Vec<&str> = lines
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let (missing, tips): (Vec<&str>, Vec<&str>) =
                details.into_iter().partition(|l| !l.starts_with("tip:"));
            let mut line = first.to_string();
            if !missing.is_empty() {
                line = format!("{} {}", line.trim_end(), missing.join(" "));
            }
            if !tips.is_empty() {
                line = format!("{line} ({})", tips.join("; "));
            }
            eprintln!("{line} (see `rsstreaming --help`)");
            return ExitCode::FAILURE;
        }
    };
    match cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, without repeating a cause already in the message.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out.replace('\n', " ")
}
