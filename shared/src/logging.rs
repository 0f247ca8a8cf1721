//! The one tracing setup every process uses: `RUST_LOG` when set, else a default per style,
//! written to stderr.

use tracing_subscriber::EnvFilter;

/// Where the log lines go and who reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStyle {
    /// `rsstreaming serve`: timestamps, colour on a terminal; `debug` adds request lines.
    Server { debug: bool },
    /// A cloud function: plain lines without colour or time (CloudWatch stamps its own).
    Function,
}

impl LogStyle {
    fn default_filter(self) -> &'static str {
        match self {
            LogStyle::Server { debug: true } => {
                "debug,sqlx=warn,hyper=info,hyper_util=info,h2=info,fred=info"
            }
            LogStyle::Server { debug: false } => "info,sqlx=warn",
            LogStyle::Function => "info,sqlx=warn,lambda_runtime=warn",
        }
    }
}

/// Installs the global subscriber (a second call changes nothing).
pub fn init(style: LogStyle) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(style.default_filter()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match style {
        LogStyle::Server { .. } => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogStyle::Function => builder.with_ansi(false).without_time().try_init(),
    };
}
