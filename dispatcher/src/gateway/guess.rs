//! One guess of a secret at chat login (the stream key, a registered name's password) under
//! its budgets (SPEC §10): a unit is taken from each before the secret is compared, so once a
//! budget is spent even the right secret is refused until its window closes; a right guess
//! gives its units back.

use super::unavailable;
use rsstreaming_shared::budget::{self, Budget, Scope};
use rsstreaming_shared::chat::Outgoing;
use rsstreaming_shared::state::SharedState;
use std::future::Future;

/// What a wrong guess is told.
pub const WRONG: &str = "Invalid password!";

/// Runs `check` (`Ok(None)`: wrong; `Err`: what the socket is told instead) if the budgets
/// allow; what the guess found, or the frame refusing it.
pub async fn guess<T>(
    state: &dyn SharedState,
    limits: &[(Budget, Scope<'_>)],
    check: impl Future<Output = Result<Option<T>, Outgoing>>,
) -> Result<T, Outgoing> {
    match budget::attempt(state, limits).await {
        Ok(Ok(attempt)) => match check.await {
            Ok(Some(found)) => {
                let _ = attempt.succeeded(state).await;
                Ok(found)
            }
            Ok(None) => {
                attempt.failed();
                Err(Outgoing::error(WRONG))
            }
            Err(out) => Err(out),
        },
        Ok(Err(spent)) => Err(Outgoing::error(format!(
            "Too many attempts, try again in {} s.",
            spent.retry_after_secs()
        ))),
        Err(_) => Err(unavailable()),
    }
}
