//! Dashboard sessions in the store, on SQLite and the real MariaDB (migration 0007): found by
//! the keyed hash of their token only, and gone on sign-out, on expiry, when the key changes
//! and when the streamer is dropped.

use crate::store::on_both;
use rsstreaming_shared::auth::{generate_session, hash_session};

/// How many session rows the store keeps.
async fn rows(s: &rsstreaming_shared::Store) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM dashboard_sessions")
        .fetch_one(s.pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn sessions_are_hashed_and_end_on_sign_out_expiry_and_key_change() {
    on_both(|s| async move {
        s.add_streamer("Bob", "bob-key-0123456789").await.unwrap();
        let token = generate_session();
        s.open_session("Bob", &token).await.unwrap();
        let who = s.session_streamer(&token).await.unwrap().expect("open");
        assert_eq!(who.username.as_str(), "Bob");
        assert!(s
            .session_streamer(&generate_session())
            .await
            .unwrap()
            .is_none());
        assert!(s
            .session_streamer("bob-key-0123456789")
            .await
            .unwrap()
            .is_none());
        let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM dashboard_sessions")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(stored, hash_session(&token), "only the hash is kept");

        // Expired: refused, and swept when the next session opens.
        sqlx::query("UPDATE dashboard_sessions SET expires_at = 1")
            .execute(s.pool())
            .await
            .unwrap();
        assert!(s.session_streamer(&token).await.unwrap().is_none());
        let second = generate_session();
        s.open_session("bob", &second).await.unwrap();
        assert_eq!(rows(&s).await, 1, "the expired one is gone");

        s.close_session(&second).await.unwrap();
        assert!(s.session_streamer(&second).await.unwrap().is_none());
        s.close_session(&second).await.unwrap();

        let third = generate_session();
        s.open_session("bob", &third).await.unwrap();
        s.set_key("bob", "new-key-0123456789").await.unwrap();
        assert!(
            s.session_streamer(&third).await.unwrap().is_none(),
            "key changed"
        );

        let fourth = generate_session();
        s.open_session("bob", &fourth).await.unwrap();
        s.drop_streamer("bob").await.unwrap();
        assert!(
            s.session_streamer(&fourth).await.unwrap().is_none(),
            "dropped"
        );
    })
    .await;
}
