//! Registered chat names in the store (migration 0008) on SQLite and the real MariaDB: one
//! registration per identity (any case or look-alike form), ranks per room that go with the
//! name, and a PHC hash that checks the password it was made from.

use crate::store::on_both;
use rsstreaming_shared::auth::{hash_name_password, verify_name_password};
use rsstreaming_shared::text::name_key;

#[tokio::test]
async fn names_register_once_per_identity_and_take_their_ranks_along() {
    on_both(|s| async move {
        let hash = hash_name_password("a long password").unwrap();
        let (first, second) =
            tokio::join!(s.register_name("Bob", &hash), s.register_name("bоb", &hash));
        assert_eq!(
            [first.unwrap(), second.unwrap()]
                .iter()
                .filter(|d| **d)
                .count(),
            1
        );
        let found = s.registered_name(&name_key("BOB")).await.unwrap().unwrap();
        assert!(verify_name_password(
            &found.password_hash,
            "a long password"
        ));
        assert!(!format!("{found:?}").contains("argon2"));
        assert!(s
            .registered_name(&name_key("alice"))
            .await
            .unwrap()
            .is_none());

        assert!(s
            .set_name_moderator("Streamer", &found.key, true, "streamer")
            .await
            .unwrap());
        assert!(!s
            .set_name_moderator("streamer", &found.key, true, "streamer")
            .await
            .unwrap());
        assert!(s.is_name_moderator("STREAMER", &found.key).await.unwrap());
        assert!(!s.is_name_moderator("other", &found.key).await.unwrap());
        s.set_name_moderator("streamer", &found.key, false, "streamer")
            .await
            .unwrap();
        assert!(!s.is_name_moderator("streamer", &found.key).await.unwrap());

        s.set_name_moderator("streamer", &found.key, true, "streamer")
            .await
            .unwrap();
        assert_eq!(s.registered_names().await.unwrap().len(), 1);
        assert!(s.unregister_name(&found.key).await.unwrap());
        assert!(!s.unregister_name(&found.key).await.unwrap());
        assert!(!s.is_name_moderator("streamer", &found.key).await.unwrap());
        assert!(s.register_name("bob", &hash).await.unwrap());
    })
    .await;
}
