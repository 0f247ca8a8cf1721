//! Cloud deployment of rsstreaming: any handler of the route table run as its own AWS Lambda
//! function behind an API Gateway HTTP API (payload format 2.0) or a Lambda function URL.
//!
//! One binary (`src/bin/rsstreaming-lambda.rs`) serves every function; `RSSTREAMING_FUNCTION`
//! (a route name, or a comma list for a small group) selects which routes an instance answers,
//! and `RSSTREAMING_*` settings configure it exactly as they override `config.yaml` for
//! `rsstreaming serve`. The handlers are the same functions the local dispatcher calls, in a
//! context built by the same [`rsstreaming_handlers::Ctx::connect`]; this crate only adds what
//! a function deployment needs:
//! - [`cold_start`]: what an instance sets up once, before its first event;
//! - [`event`]: a Lambda event to the handler's request and back, with the [`caller`]
//!   established from the event under the site's one proxy-trust rule;
//! - [`function`]: the routes one function serves and the handler call around them;
//! - [`deployment`] and [`template`]: the deployment's shape derived from the route table (one
//!   function per route plus a fallback) and the CloudFormation template written from it
//!   (`src/bin/rsstreaming-template.rs` prints `infra/template.yaml`).
//!
//! The Lambda suite (`tests/lambda`, a test of this package) runs the HTTP suites of `serve`
//! against these functions under cargo-lambda's emulator.

pub mod caller;
pub mod cold_start;
pub mod deployment;
pub mod event;
pub mod function;
pub mod template;
#[cfg(test)]
mod testing;

pub use cold_start::{Instance, FUNCTION_VAR};
pub use deployment::{functions, ApiRouter, FunctionSpec, DEFAULT_FUNCTION};
pub use function::Function;

use std::sync::Arc;

/// The variables the Lambda runtime client insists on; checked first so a missing one is one
/// clear line instead of a panic inside the runtime.
pub const RUNTIME_VARS: &[&str] = &[
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
];

/// The first runtime variable that is missing, if any.
pub fn missing_runtime_var() -> Option<&'static str> {
    RUNTIME_VARS
        .iter()
        .copied()
        .find(|v| std::env::var_os(v).is_none())
}

/// Serves Lambda events with `instance` until the runtime stops the process.
pub async fn run(instance: Instance) -> Result<(), lambda_http::Error> {
    let instance = Arc::new(instance);
    lambda_http::run(lambda_http::service_fn(move |req: lambda_http::Request| {
        let instance = Arc::clone(&instance);
        async move {
            let req = event::handler_request(req, instance.hops);
            let resp = instance.function.call(instance.ctx.clone(), req).await;
            Ok::<_, std::convert::Infallible>(event::lambda_response(resp))
        }
    }))
    .await
}
