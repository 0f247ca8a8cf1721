//! Room rules in the store (migration 0006) on SQLite and the real MariaDB: each change checked
//! against the rows as they are, stored without touching the other rules, and audited; the
//! site's filters apart from every room's.

use crate::store::on_both;
use rsstreaming_shared::chat::filters::{Filter, FilterError};
use rsstreaming_shared::chat::room_rules::{LinkRule, RoomRules, RuleChange};
use rsstreaming_shared::store::{event_kind, SITE_RULES};

#[tokio::test]
async fn rules_round_trip_and_changes_are_checked_and_audited() {
    on_both(|s| async move {
        assert_eq!(s.room_rules("bob").await.unwrap(), RoomRules::default());
        let f = |t: &str| Filter::parse(t).unwrap();
        // Changes of different rules at once all hold (one column each).
        let changes = [
            RuleChange::Slow(30),
            RuleChange::EmoteOnly(true),
            RuleChange::Links(LinkRule::Mods),
            RuleChange::Pin(Some("Be kind 😄".into())),
            RuleChange::AddFilter(f("darn")),
            RuleChange::AddFilter(f("/fo+/")),
            RuleChange::RegisteredOnly(true),
        ];
        let done =
            futures_util::future::join_all(changes.iter().map(|c| s.change_rules("Bob", c, "Mo")))
                .await;
        assert!(done.into_iter().all(|d| matches!(d, Ok(Ok(())))));
        let rules = s.room_rules("BOB").await.unwrap();
        assert_eq!(
            (rules.slow_secs, rules.emote_only, rules.links),
            (30, true, LinkRule::Mods)
        );
        assert_eq!(rules.pin.as_deref(), Some("Be kind 😄"));
        assert!(rules.registered_only);
        let mut filters = rules.filters.clone();
        filters.sort_by_key(Filter::display);
        assert_eq!(filters, [f("/fo+/"), f("darn")]);

        // Refused changes store nothing; the site's list is its own.
        let refused = [
            (
                RuleChange::AddFilter(f("DARN")),
                FilterError::Duplicate("darn".into()),
            ),
            (
                RuleChange::RemoveFilter(f("nope")),
                FilterError::Unknown("nope".into()),
            ),
        ];
        for (change, why) in refused {
            assert_eq!(
                s.change_rules("bob", &change, "Mo").await.unwrap(),
                Err(why)
            );
        }
        assert!(s.filters(SITE_RULES).await.unwrap().is_empty());
        s.change_rules(SITE_RULES, &RuleChange::AddFilter(f("darn")), "cli")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.filters(SITE_RULES).await.unwrap(), [f("darn")]);
        s.change_rules("bob", &RuleChange::RemoveFilter(f("darn")), "Mo")
            .await
            .unwrap()
            .unwrap();
        s.change_rules("bob", &RuleChange::Pin(None), "Mo")
            .await
            .unwrap()
            .unwrap();
        let rules = s.room_rules("bob").await.unwrap();
        assert_eq!(
            (rules.filters, rules.pin, rules.slow_secs),
            (vec![f("/fo+/")], None, 30)
        );

        let slow = s
            .latest_event("bob", event_kind::SLOW)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(slow.meta, serde_json::json!({"seconds": 30, "by": "Mo"}));
        let site = s
            .latest_event(SITE_RULES, event_kind::FILTER_ADD)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            site.meta,
            serde_json::json!({"filter": "darn", "by": "cli"})
        );
    })
    .await;
}
