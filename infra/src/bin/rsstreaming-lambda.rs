//! `rsstreaming-lambda`: one handler of the route table as an AWS Lambda function (deployed as
//! `bootstrap` on the `provided.al2023` runtime). `RSSTREAMING_FUNCTION` picks the route(s);
//! every other setting comes from `RSSTREAMING_*` variables. Connections are made once, before
//! the first event, and reused for every event this instance serves.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    use rsstreaming_shared::logging::{self, LogFormat, LogStyle};
    // RSSTREAMING_LOG_FORMAT=json: the same JSON lines as `serve --log-format json`.
    let format = match LogFormat::from_env() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    logging::init(LogStyle::Function, format);
    if let Some(var) = rsstreaming_infra::missing_runtime_var() {
        eprintln!(
            "error: {var} is not set: rsstreaming-lambda runs inside AWS Lambda or a Lambda \
             emulator (e.g. `cargo lambda watch --only-lambda-apis`)"
        );
        return ExitCode::FAILURE;
    }
    let started = std::time::Instant::now();
    let instance =
        match rsstreaming_infra::Instance::from_env(&rsstreaming_handlers::routes()).await {
            Ok(i) => i,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
    tracing::info!(
        function = instance.function.name(),
        init_ms = started.elapsed().as_secs_f64() * 1000.0,
        "function ready"
    );
    match rsstreaming_infra::run(instance).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the Lambda runtime stopped: {e}");
            ExitCode::FAILURE
        }
    }
}
