//! Sanctions in the store (migration 0005) on SQLite and the real MariaDB: a ban or mute kept
//! with its identity and end, listed while in force, gone by itself once it ends, lifted by
//! name (any case, look-alikes too) and audited.

use crate::store::on_both;
use rsstreaming_shared::chat::ban_request::ban_request;
use rsstreaming_shared::chat::{ChatterType, Member};
use rsstreaming_shared::store::{now_ms, Sanction, SanctionKind};

#[tokio::test]
async fn sanctions_round_trip_end_by_themselves_and_lift_by_name() {
    on_both(|s| async move {
        let bob = Member::new("i.1", "Bob", ChatterType::Normal, "#112233")
            .from_addr(Some("10.0.0.3".parse().unwrap()));
        let ban = Sanction {
            reason: Some("spam 😠".into()),
            until: Some(now_ms() + 3_600_000),
            ..Sanction::of("Streamer", SanctionKind::Ban, &bob, "Mo")
        };
        let id = s.ban(&ban).await.unwrap();
        assert!(id > 0);
        let ended = Sanction {
            until: Some(now_ms() - 1),
            ..Sanction::of("streamer", SanctionKind::Mute, &bob, "Mo")
        };
        s.add_sanction(&ended).await.unwrap();
        let muted = Sanction::of("streamer", SanctionKind::Mute, &bob, "Mo");
        s.add_sanction(&muted).await.unwrap();
        let by_api = ban_request("Streamer", "carol", None, None, "Streamer").unwrap();
        s.ban(&by_api).await.unwrap();

        // In force only, oldest first; the address is kept (never shown: skipped in JSON).
        let listed = s.sanctions("STREAMER").await.unwrap();
        let kinds: Vec<_> = listed
            .iter()
            .map(|x| (x.kind, x.username.as_str()))
            .collect();
        use SanctionKind::{Ban, Mute};
        assert_eq!(kinds, [(Ban, "Bob"), (Mute, "Bob"), (Ban, "carol")]);
        let first = &listed[0];
        assert_eq!(
            (first.id, first.until, first.reason.clone()),
            (id, ban.until, ban.reason.clone())
        );
        assert_eq!(first.addr.as_deref(), Some("10.0.0.3"));
        assert!(first.binds("bob", None) && first.binds("someone", Some("10.0.0.3")));
        assert!(!serde_json::to_string(first).unwrap().contains("10.0.0.3"));
        assert!(listed[2].addr.is_none() && !listed[2].binds("x", None));
        s.bind_sanction_addr(listed[2].id, "10.0.0.7")
            .await
            .unwrap();
        let carol = s.sanctions("streamer").await.unwrap().pop().unwrap();
        assert_eq!(carol.addr.as_deref(), Some("10.0.0.7"));

        // Lifting goes by name key and kind, and is recorded once.
        assert!(s.unban("streamer", " BOB ", "Streamer").await.unwrap());
        assert!(!s.unban("streamer", "bob", "Streamer").await.unwrap());
        let left: Vec<_> = s
            .sanctions("streamer")
            .await
            .unwrap()
            .iter()
            .map(|x| x.kind)
            .collect();
        assert_eq!(left, [Mute, Ban]);
        assert_eq!(s.lift_sanctions("streamer", Mute, "bob").await.unwrap(), 1);
        let events = s.events("streamer", 50).await.unwrap();
        let count = |k: &str| events.iter().filter(|e| e.kind == k).count();
        assert_eq!((count("ban"), count("unban")), (2, 1));
        let recorded = events
            .iter()
            .find(|e| e.kind == "ban" && e.meta["username"] == "Bob");
        let meta = &recorded.unwrap().meta;
        assert_eq!(
            (&meta["by"], &meta["until"]),
            (&"Mo".into(), &ban.until.into())
        );
    })
    .await;
}
