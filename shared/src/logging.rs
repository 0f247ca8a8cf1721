//! The one tracing setup every process uses: `RUST_LOG` when set, else a default per style,
//! written to stderr, as text lines for people or JSON lines for log shippers.

use tracing_subscriber::EnvFilter;

/// Where the log lines go and who reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStyle {
    /// `rsstreaming serve`: timestamps, colour on a terminal; `debug` adds request lines.
    Server { debug: bool },
    /// A cloud function: plain lines without colour or time (CloudWatch stamps its own).
    Function,
}

/// How each line is written: `serve --log-format`, or `RSSTREAMING_LOG_FORMAT` (what a cloud
/// function reads, having no command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (tracing-subscriber's json: `timestamp`, `level`, `target`,
    /// `fields`, and the spans), for journald/Loki/CloudWatch parsers.
    Json,
}

/// The environment variable naming the log format where there is no `--log-format`.
pub const LOG_FORMAT_ENV: &str = "RSSTREAMING_LOG_FORMAT";

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("log format `{other}`: expected text or json")),
        }
    }
}

impl LogFormat {
    /// `RSSTREAMING_LOG_FORMAT`, text when unset; an unknown value is an error naming it.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(LOG_FORMAT_ENV) {
            Ok(v) => v.parse().map_err(|e| format!("{LOG_FORMAT_ENV}: {e}")),
            Err(_) => Ok(LogFormat::Text),
        }
    }
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
pub fn init(style: LogStyle, format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(style.default_filter()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match (format, style) {
        (LogFormat::Json, LogStyle::Server { .. }) => builder.json().try_init(),
        (LogFormat::Json, LogStyle::Function) => builder.json().without_time().try_init(),
        (LogFormat::Text, LogStyle::Server { .. }) => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        (LogFormat::Text, LogStyle::Function) => builder.with_ansi(false).without_time().try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::LogFormat;

    #[test]
    fn formats_parse_and_unknown_ones_are_named() {
        assert_eq!("json".parse::<LogFormat>(), Ok(LogFormat::Json));
        assert_eq!("text".parse::<LogFormat>(), Ok(LogFormat::Text));
        assert!("xml".parse::<LogFormat>().unwrap_err().contains("`xml`"));
    }
}
