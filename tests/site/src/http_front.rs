//! The front page (SPEC §9, issue 14 point 3): live streams first as cards with their
//! thumbnail, viewers and how long they have been live, the most watched first; then the
//! others, the most recently live first ("live just now"), then those that never streamed; a
//! protected stream shows its lock but no thumbnail, viewers or description without its pass.

use crate::site;
use rsstreaming_testkit::{Backend, Chat, TestDb};
use std::time::Duration;

const NGINX: &str = "192.0.2.10";

/// The card of `room` in the page (from its link to the end of its list item).
fn card<'p>(page: &'p str, room: &str) -> &'p str {
    let at = page
        .find(&format!("href=\"/{room}/\""))
        .unwrap_or_else(|| panic!("no card of {room}: {page}"));
    page[at..].split("</li>").next().unwrap()
}

pub async fn the_front_page_orders_live_streams_by_viewers_then_by_when_last_live(
    backend: Backend,
) {
    for db in TestDb::both().await {
        let streamers = [
            ("amy", "amy-key-1"),
            ("bob", "bob-key-1"),
            ("cid", "cid-key-1"),
            ("dee", "dee-key-1"),
            ("eve", "eve-key-1"),
        ];
        let site = site().db(db).streamers(&streamers).start(backend).await;
        site.set_password("eve", Some("hunter2"));
        let hooks = site.hooks();
        // amy and bob are live, bob with more viewers; cid streamed and stopped; dee never did.
        for key in ["amy-key-1", "bob-key-1", "cid-key-1", "eve-key-1"] {
            assert_eq!(hooks.publish(key, NGINX).await.status(), 200);
        }
        assert_eq!(hooks.publish_done("cid-key-1", NGINX).await.status(), 200);
        for key in ["amy-key-1", "bob-key-1", "eve-key-1"] {
            site.write_stream(key, &[1], Duration::ZERO);
        }
        let _amy = Chat::viewer(site.base(), "amy").await;
        let _bob = (
            Chat::viewer(site.base(), "bob").await,
            Chat::viewer(site.base(), "bob").await,
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let page = loop {
            let page = site.get("/").await.text().await.unwrap();
            if card(&page, "bob").contains(">2 viewers") && card(&page, "amy").contains(">1 viewer")
            {
                break page;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "viewers not counted: {page}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let at = |room: &str| page.find(&format!("href=\"/{room}/\"")).unwrap();
        assert!(at("bob") < at("amy"), "most viewers first");
        assert!(
            at("amy") < at("cid") && at("eve") < at("cid"),
            "live before offline"
        );
        assert!(
            at("cid") < at("dee"),
            "the recently live before the never live"
        );

        let bob = card(&page, "bob");
        assert!(
            bob.contains("<img class=\"card-thumb\" src=\"/bob/thumbnail.jpg?f="),
            "{bob}"
        );
        assert!(bob.contains("just went live"), "{bob}");
        assert!(card(&page, "cid").contains("live just now"), "{page}");
        assert!(card(&page, "dee").contains(">Offline<"), "{page}");
        let eve = card(&page, "eve");
        assert!(
            eve.contains("Password protected") && !eve.contains("card-thumb"),
            "{eve}"
        );
        for (_, key) in streamers {
            assert!(!page.contains(key), "no key in the page");
        }
    }
}
