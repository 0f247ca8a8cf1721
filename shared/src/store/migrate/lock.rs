//! The migration lock: one upgrade at a time per database, so instances starting together apply
//! each migration once.
//!
//! On MySQL/MariaDB a named lock (`GET_LOCK`), held by the connection that migrates and freed by
//! the server if that connection dies. SQLite needs none here: a SQLite database belongs to one
//! `rsstreaming` process (several instances share MySQL, not a file).

use super::{Backend, StoreError, StoreResult};
use sqlx::AnyConnection;

/// How long an upgrade waits for another instance's to finish.
const WAIT_SECS: i64 = 120;

const NAME: &str = "CONCAT('rsstreaming-migrate:', DATABASE())";

/// Takes the lock, waiting up to [`WAIT_SECS`].
pub(super) async fn acquire(conn: &mut AnyConnection, backend: Backend) -> StoreResult<()> {
    if backend != Backend::MySql {
        return Ok(());
    }
    let got: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT CAST(GET_LOCK({NAME}, {WAIT_SECS}) AS SIGNED)"
    ))
    .fetch_one(&mut *conn)
    .await?;
    match got {
        Some(1) => Ok(()),
        _ => Err(StoreError::Migration(
            "upgrade".into(),
            format!("another rsstreaming has been upgrading this database for {WAIT_SECS} s; try again once it is done"),
        )),
    }
}

/// Frees the lock (a failure is harmless: the server frees it with the connection).
pub(super) async fn release(conn: &mut AnyConnection, backend: Backend) {
    if backend == Backend::MySql {
        let _ = sqlx::query(&format!("SELECT RELEASE_LOCK({NAME})"))
            .execute(&mut *conn)
            .await;
    }
}
