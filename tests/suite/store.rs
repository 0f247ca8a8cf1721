//! Store conformance: the same assertions against SQLite and the real MariaDB.

use rsstreaming_shared::store::{event_kind, ChatSetting, NewEvent, Store, StoreError};
use rsstreaming_testkit::TestDb;
use serde_json::json;

/// Runs `check` against a fresh, migrated store on every backend (`store_rules` and
/// `store_sessions` too).
pub(crate) async fn on_both<F, Fut>(check: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in TestDb::both().await {
        let store = Store::connect(&db.url).await.expect("connect");
        store.create_schema().await.expect("create schema");
        eprintln!("backend: {}", db.backend);
        check(store.clone()).await;
        store.close().await;
    }
}

#[tokio::test]
async fn schema_create_refuses_twice_and_upgrade_is_idempotent() {
    on_both(|s| async move {
        assert!(matches!(
            s.create_schema().await,
            Err(StoreError::SchemaExists)
        ));
        assert!(s.upgrade_schema().await.unwrap().is_empty());
        s.require_current_schema().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_missing_schema_is_reported_as_such() {
    for db in TestDb::both().await {
        let s = Store::connect(&db.url).await.unwrap();
        assert!(
            matches!(s.streamers().await, Err(StoreError::SchemaMissing)),
            "{}",
            db.backend
        );
        assert!(matches!(
            s.require_current_schema().await,
            Err(StoreError::SchemaMissing)
        ));
    }
}

#[tokio::test]
async fn streamers_round_trip_with_hashed_keys() {
    on_both(|s| async move {
        let a = s.add_streamer("Test", "secretkey").await.unwrap();
        assert_eq!(a.username, "Test");
        assert_eq!(a.room(), "test");
        assert_ne!(a.key_hash, "secretkey");
        assert!(a.key_matches("secretkey"));
        assert_eq!(s.streamer("TEST").await.unwrap().unwrap().id, a.id);
        assert_eq!(
            s.streamer_by_key("secretkey").await.unwrap().unwrap().id,
            a.id
        );
        assert!(s.streamer_by_key("secretkeY").await.unwrap().is_none());
        assert!(s.authenticate("test", "secretkey").await.unwrap().is_some());
        assert!(s.authenticate("test", "wrong").await.unwrap().is_none());
        assert!(s
            .authenticate("nobody", "secretkey")
            .await
            .unwrap()
            .is_none());
        // Nothing in the row holds the key in clear.
        let raw: Vec<(String,)> = sqlx::query_as("SELECT key_hash FROM streamers")
            .fetch_all(s.pool())
            .await
            .unwrap();
        assert!(raw.iter().all(|r| !r.0.contains("secretkey")));
    })
    .await;
}

#[tokio::test]
async fn names_and_keys_are_unique_in_any_case() {
    on_both(|s| async move {
        s.add_streamer("alice", "k1").await.unwrap();
        assert!(matches!(
            s.add_streamer("ALICE", "k2").await,
            Err(StoreError::DuplicateStreamer(_))
        ));
        assert!(matches!(
            s.add_streamer("bob", "k1").await,
            Err(StoreError::DuplicateKey)
        ));
        s.add_streamer("bob", "k2").await.unwrap();
        assert!(matches!(
            s.set_key("bob", "k1").await,
            Err(StoreError::DuplicateKey)
        ));
        assert_eq!(s.streamers().await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn invalid_input_changes_nothing() {
    on_both(|s| async move {
        for bad in [
            "",
            "a b",
            "x'; DROP TABLE streamers;--",
            "../etc",
            &"a".repeat(65),
        ] {
            assert!(
                matches!(
                    s.add_streamer(bad, "k").await,
                    Err(StoreError::InvalidUsername(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            s.add_streamer("ok", "").await,
            Err(StoreError::EmptyKey)
        ));
        assert!(s.streamers().await.unwrap().is_empty());
        assert!(s
            .streamer("x'; DROP TABLE streamers;--")
            .await
            .unwrap()
            .is_none());
        assert!(matches!(
            s.drop_streamer("ghost").await,
            Err(StoreError::UnknownStreamer(_))
        ));
        assert!(matches!(
            s.set_key("ghost", "k").await,
            Err(StoreError::UnknownStreamer(_))
        ));
        assert!(matches!(
            s.set_description("ghost", None).await,
            Err(StoreError::UnknownStreamer(_))
        ));
        assert!(matches!(
            s.set_streampass("ghost", None).await,
            Err(StoreError::UnknownStreamer(_))
        ));
        assert!(matches!(
            s.set_chat("ghost", ChatSetting::Hidden).await,
            Err(StoreError::UnknownStreamer(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn settings_of_a_streamer() {
    on_both(|s| async move {
        s.add_streamer("carol", "k").await.unwrap();
        s.set_description("carol", Some("Speedruns 🎮 'quoted' \"text\""))
            .await
            .unwrap();
        s.set_streampass("carol", Some("hunter2")).await.unwrap();
        s.set_chat("CAROL", ChatSetting::Hidden).await.unwrap();
        // Setting the same value again is not "unknown streamer" (MySQL reports 0 rows changed).
        s.set_chat("carol", ChatSetting::Hidden).await.unwrap();
        let c = s.streamer("carol").await.unwrap().unwrap();
        assert_eq!(c.description, "Speedruns 🎮 'quoted' \"text\"");
        assert_eq!(c.streampass.as_deref(), Some("hunter2"));
        assert_eq!(c.chat, ChatSetting::Hidden);
        s.set_streampass("carol", Some("")).await.unwrap();
        s.set_description("carol", None).await.unwrap();
        let c = s.streamer("carol").await.unwrap().unwrap();
        assert_eq!(c.streampass, None);
        assert_eq!(c.description, "");
        s.set_key("carol", "newkey").await.unwrap();
        assert!(s.authenticate("carol", "newkey").await.unwrap().is_some());
        assert!(s.authenticate("carol", "k").await.unwrap().is_none());
        s.drop_streamer("Carol").await.unwrap();
        assert!(s.streamer("carol").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn emotes() {
    on_both(|s| async move {
        s.add_emote("Kappa", "https://example.invalid/k.png")
            .await
            .unwrap();
        s.add_emote("pog", "/static/pog.png").await.unwrap();
        let duplicate = s.add_emote("kappa", "/x.png").await;
        assert!(matches!(duplicate, Err(StoreError::DuplicateEmote(_))));
        let spaced = s.add_emote("bad alias", "/x.png").await;
        assert!(matches!(spaced, Err(StoreError::InvalidAlias(_))));
        let script = s.add_emote("js", "javascript:alert(1)").await;
        assert!(matches!(script, Err(StoreError::InvalidUri(_))));
        let all = s.emotes().await.unwrap();
        assert_eq!(
            all.iter().map(|e| e.alias.as_str()).collect::<Vec<_>>(),
            ["Kappa", "pog"]
        );
        s.drop_emote("KAPPA").await.unwrap();
        assert!(matches!(
            s.drop_emote("kappa").await,
            Err(StoreError::UnknownEmote(_))
        ));
        assert_eq!(s.emotes().await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn events_and_chat_lines() {
    on_both(|s| async move {
        let msg = |k: &'static str, m: &str| {
            NewEvent::now("room", k, json!({"username": "u", "message": m}))
        };
        s.record_events(&[
            msg(event_kind::MESSAGE, "before"),
            NewEvent::now("room", event_kind::JOIN, json!({"username": "u"})),
        ])
        .await
        .unwrap();
        assert!(
            s.chat_lines("room", None, true).await.unwrap().is_empty(),
            "no stream yet"
        );
        s.record_event(NewEvent::now(
            "room",
            event_kind::STREAM_START,
            json!({"username": "room"}),
        ))
        .await
        .unwrap();
        s.record_events(&[
            msg(event_kind::MESSAGE, "hi 😀"),
            msg(event_kind::ACTION, "waves"),
            NewEvent::now(
                "room",
                event_kind::BROADCAST,
                json!({"message": "server says"}),
            ),
            NewEvent::now(
                "other",
                event_kind::MESSAGE,
                json!({"username": "x", "message": "elsewhere"}),
            ),
        ])
        .await
        .unwrap();
        let all = s.chat_lines("ROOM", None, false).await.unwrap();
        assert_eq!(
            all.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(),
            ["before", "hi 😀", "waves", "server says"]
        );
        let last = s.chat_lines("room", None, true).await.unwrap();
        assert_eq!(last.len(), 3);
        assert_eq!(last[0].kind, "message");
        assert_eq!(last[1].kind, "action");
        assert_eq!(last[2].kind, "broadcast");
        assert_eq!(last[2].name, None);
        assert_eq!(last[0].name.as_deref(), Some("u"));
        let two = s.chat_lines("room", Some(2), false).await.unwrap();
        assert_eq!(
            two.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(),
            ["waves", "server says"]
        );
        let start = s
            .latest_event("room", event_kind::STREAM_START)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(start.meta["username"], "room");
        assert!(s
            .latest_event("room", event_kind::STREAM_STOP)
            .await
            .unwrap()
            .is_none());
        // A big batch goes through in one call.
        let many: Vec<NewEvent> = (0..450)
            .map(|i| msg(event_kind::MESSAGE, &i.to_string()))
            .collect();
        s.record_events(&many).await.unwrap();
        assert_eq!(s.chat_lines("room", None, false).await.unwrap().len(), 454);
    })
    .await;
}

#[tokio::test]
async fn outbox_and_settings() {
    on_both(|s| async move {
        assert_eq!(s.outbox_head().await.unwrap(), 0);
        s.push_outbox("Room", "normal", "hello").await.unwrap();
        let head = s.outbox_head().await.unwrap();
        s.push_outbox("room", "server", "again").await.unwrap();
        let after = s.outbox_after(head).await.unwrap();
        assert_eq!(after.len(), 1);
        assert_eq!(
            (
                after[0].room.as_str(),
                after[0].kind.as_str(),
                after[0].message.as_str()
            ),
            ("room", "server", "again")
        );
        assert_eq!(s.prune_outbox(-60_000).await.unwrap(), 2);
        let a = s
            .setting_or_insert("secret_key", || "first".into())
            .await
            .unwrap();
        let b = s
            .setting_or_insert("secret_key", || "second".into())
            .await
            .unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("first", "first"));
    })
    .await;
}

#[tokio::test]
async fn stream_sessions_fold_samples_and_count_lines() {
    on_both(|s| async move {
        let line = |kind, who: &str, ts| NewEvent {
            ts,
            ..NewEvent::now("room", kind, json!({"username": who, "message": "x"}))
        };
        s.record_event(line(event_kind::MESSAGE, "Early", 500))
            .await
            .unwrap();
        assert!(s.open_stream("Room", 1_000).await.unwrap());
        assert!(
            !s.open_stream("room", 2_000).await.unwrap(),
            "one open stream a room"
        );
        assert!(s.open_stream("other", 1_000).await.unwrap());
        let open = s.open_streams().await.unwrap();
        assert_eq!(open.len(), 2);
        let id = open.iter().find(|o| o.room == "room").unwrap().id;
        s.record_sample(id, 1_500, 2, 1).await.unwrap();
        s.record_sample(id, 2_500, 5, 2).await.unwrap();
        s.record_sample(id, 3_500, 1, 1).await.unwrap();
        for (kind, who, ts) in [
            (event_kind::MESSAGE, "Ann", 1_100),
            (event_kind::ACTION, "ann", 1_200),
            (event_kind::DRAWING, "Cid", 1_300),
            (event_kind::JOIN, "Dee", 1_400),
            (event_kind::MESSAGE, "Late", 9_000),
        ] {
            s.record_event(line(kind, who, ts)).await.unwrap();
        }
        assert!(s.close_stream("ROOM", 4_900).await.unwrap());
        assert!(!s.close_stream("room", 5_000).await.unwrap(), "closed once");
        let listed = s.streams("room").await.unwrap();
        assert_eq!(listed.len(), 1);
        let got = &listed[0];
        assert_eq!((got.started, got.ended, got.duration_s), (1, Some(4), 3));
        assert_eq!((got.peak_viewers, got.avg_viewers), (5, 2.67));
        assert_eq!((got.lines, got.unique_chatters), (3, 2));
        assert_eq!(s.open_streams().await.unwrap().len(), 1);
        assert!(s.open_stream("room", 10_000).await.unwrap());
        let listed = s.streams("room").await.unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed[0].id > listed[1].id && listed[0].ended.is_none());
        assert_eq!((listed[0].peak_viewers, listed[0].avg_viewers), (0, 0.0));
        assert!(s.streams("nobody").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_lapses() {
    on_both(|s| async move {
        let long = std::time::Duration::from_secs(60);
        let short = std::time::Duration::from_millis(50);
        assert!(s.take_lease("job", "a", short).await.unwrap());
        assert!(!s.take_lease("job", "b", long).await.unwrap());
        assert!(s.take_lease("job", "a", short).await.unwrap(), "renewed");
        assert!(s.take_lease("other", "b", long).await.unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(
            s.take_lease("job", "b", long).await.unwrap(),
            "lapsed: taken over"
        );
        assert!(!s.take_lease("job", "a", long).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_hashed_scoped_and_revocable() {
    use rsstreaming_shared::auth::{ApiScope, ApiScopes};
    on_both(|s| async move {
        s.add_streamer("Bob", "bob-key-0123456789").await.unwrap();
        let scopes: ApiScopes = "read,chat".parse().unwrap();
        let (id, token) = s.add_token("bob", &scopes).await.unwrap();
        assert!(matches!(
            s.add_token("nobody", &scopes).await,
            Err(StoreError::UnknownStreamer(_))
        ));
        let (who, got) = s.streamer_by_token(&token).await.unwrap().expect("live");
        assert_eq!(who.username.as_str(), "Bob");
        assert!(got.contains(ApiScope::Chat) && !got.contains(ApiScope::Settings));
        assert!(s.streamer_by_token("rst_wrong").await.unwrap().is_none());
        assert!(s.streamer_by_token("").await.unwrap().is_none());
        assert!(s
            .authenticate("bob", token.as_str())
            .await
            .unwrap()
            .is_none());
        assert!(s.streamer_by_key(token.as_str()).await.unwrap().is_none());
        let listed = s.tokens("bob").await.unwrap();
        assert_eq!((listed[0].id, listed[0].scopes.as_str()), (id, "read,chat"));
        assert!(!s.revoke_token("bob", id + 100).await.unwrap());
        assert!(s.revoke_token("bob", id).await.unwrap());
        assert!(!s.revoke_token("bob", id).await.unwrap(), "revoked once");
        assert!(s.streamer_by_token(&token).await.unwrap().is_none());
        assert!(s.tokens("bob").await.unwrap()[0].revoked.is_some());
    })
    .await;
}
