//! Webhooks in the store (migration 0010) on SQLite and the real MariaDB: receivers per room
//! and site-wide, the queue written per receiver, one claim per delivery, retries, the log.

use crate::store::on_both;
use rsstreaming_shared::store::{WebhookFormat, MAX_WEBHOOKS};

#[tokio::test]
async fn deliveries_are_queued_claimed_once_retried_and_logged() {
    on_both(|s| async move {
        let url = "https://hooks.example/in";
        let bob = s
            .add_webhook(Some("Bob"), url, WebhookFormat::Discord)
            .await
            .unwrap()
            .unwrap();
        let site = s
            .add_webhook(None, url, WebhookFormat::Json)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(bob, site);
        assert_eq!(
            s.webhooks(Some("bob")).await.unwrap()[0].room.as_deref(),
            Some("bob")
        );
        assert_eq!(s.webhooks(None).await.unwrap().len(), 1);
        for _ in 1..MAX_WEBHOOKS {
            s.add_webhook(Some("amy"), url, WebhookFormat::Json)
                .await
                .unwrap()
                .unwrap();
        }
        assert!(s
            .add_webhook(Some("amy"), url, WebhookFormat::Json)
            .await
            .unwrap()
            .is_ok());
        assert!(s
            .add_webhook(Some("amy"), url, WebhookFormat::Json)
            .await
            .unwrap()
            .is_err());

        // Bob's event goes to Bob's receiver and the site's, each in its format.
        let n = s
            .queue_webhooks("BOB", "stream.started", |f| f.as_str().to_string())
            .await;
        assert_eq!(n.unwrap(), 2);
        let due = s.due_deliveries(10).await.unwrap();
        assert_eq!(due.len(), 2);
        let bodies: Vec<_> = due
            .iter()
            .map(|d| (d.webhook_id, d.body.as_str()))
            .collect();
        assert!(bodies.contains(&(bob, "discord")) && bodies.contains(&(site, "json")));
        assert!(s.claim_delivery(&due[0]).await.unwrap());
        assert!(!s.claim_delivery(&due[0]).await.unwrap(), "claimed once");
        assert_eq!(
            s.due_deliveries(10).await.unwrap().len(),
            1,
            "a claimed one waits"
        );

        // Failed: due again at the time given; delivered: out of the queue, in the log.
        let now = rsstreaming_shared::store::now_ms();
        s.delivery_attempted(&due[0], false, now - 1, "503")
            .await
            .unwrap();
        let again = s.due_deliveries(10).await.unwrap();
        let retried = again.iter().find(|d| d.id == due[0].id).expect("due again");
        assert_eq!(retried.attempts, 1);
        assert!(s.claim_delivery(retried).await.unwrap());
        s.delivery_attempted(retried, true, 0, "200").await.unwrap();
        let log = s.deliveries("bob", 20).await.unwrap();
        assert_eq!(log.len(), 2);
        let done = log.iter().find(|d| d.id == due[0].id).unwrap();
        assert!(done.delivered.is_some() && done.status.as_deref() == Some("200"));
        assert_eq!(done.attempts, 2);

        // Removing a receiver drops what is still queued for it, not the delivered log.
        let waiting = log.iter().find(|d| d.id != due[0].id).unwrap().webhook_id;
        assert!(s
            .remove_webhook(waiting_room(waiting, bob), waiting)
            .await
            .unwrap());
        assert!(!s.remove_webhook(Some("bob"), 999_999).await.unwrap());
        assert!(s.due_deliveries(10).await.unwrap().is_empty());
    })
    .await;
}

/// The room a receiver of this test belongs to.
fn waiting_room(id: i64, bob: i64) -> Option<&'static str> {
    (id == bob).then_some("bob")
}
