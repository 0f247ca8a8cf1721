//! The site's HTTP and cross-instance chat cases (`rsstreaming-site-tests`), run unchanged
//! against the handlers deployed as Lambda functions under cargo-lambda's runtime emulator (see
//! `rsstreaming_testkit::lambda`), plus what only a function deployment has to prove: chat
//! messages posted through the API function reach a gateway over Redis, cold starts, and
//! configuration from the environment alone.
//!
//! Not repeated here: the suite's chat, state, CLI and store tests, which no function deployment
//! changes.

rsstreaming_site_tests::site_tests!(rsstreaming_testkit::Backend::Lambda);

mod functions;
