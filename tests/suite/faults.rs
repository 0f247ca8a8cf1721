//! Faults an operator's bad day brings (issue 15 point 7, the database part): the test's own
//! MariaDB freezes for 10 s under a running chat. Chat lines keep flowing, presence keeps
//! answering from the cached streamer record (no error to the page), and `/{streamer}/info`
//! answers at once (503, try again) instead of hanging; once the database is back, everything
//! is as before and the lines said meanwhile are audited.

use rsstreaming_testkit::own_mariadb::OwnMariaDb;
use rsstreaming_testkit::{Backend, Chat, Site, TestDb};
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "faults-K3y-0123456789";

#[tokio::test]
async fn a_frozen_database_stalls_neither_chat_nor_presence() {
    let Some(db) = OwnMariaDb::start().await else {
        return;
    };
    let site = Site::builder()
        .db(TestDb::on_server(&db.server_url()))
        .streamer("Bob", KEY)
        .start(Backend::Serve)
        .await;
    let (mut ann, _) = Chat::login(site.base(), "bob", "Ann").await;
    let (mut cid, _) = Chat::login(site.base(), "bob", "Cid").await;
    let mut page = Chat::viewer(site.base(), "bob").await;
    assert_eq!(site.get("/bob/info").await.status(), 200);

    db.freeze();
    // Older than the streamer cache's freshness: presence now has to fall back on it.
    tokio::time::sleep(Duration::from_secs(6)).await;
    for i in 0..5 {
        let said = format!("during the outage {i}");
        let sent = Instant::now();
        ann.say(&said).await;
        cid.expect_line("message received", &said).await;
        eprintln!("line {i} delivered in {:?}", sent.elapsed());
        page.send("presence", json!({"streamer": "bob"})).await;
    }
    let frames = page.drain(Duration::from_millis(700)).await;
    assert!(
        frames.iter().all(|(e, _)| e != "error"),
        "presence answered without an error: {frames:?}"
    );
    let asked = Instant::now();
    let info = site.get("/bob/info").await;
    let took = asked.elapsed();
    eprintln!("/info answered {} in {took:?} while frozen", info.status());
    assert!(
        info.status() == 200 || info.status() == 503,
        "{}",
        info.status()
    );
    if info.status() == 503 {
        assert_eq!(info.headers()["retry-after"], "1");
    }
    tokio::time::sleep(Duration::from_secs(4)).await;
    db.thaw();

    // Back: the lines said during the outage were recorded once the database answered.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let texts = site.api("bob", KEY).message_texts().await;
        if (0..5).all(|i| texts.contains(&format!("during the outage {i}"))) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "lines not audited after the outage: {texts:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(site.get("/bob/info").await.status(), 200);
    ann.say("after").await;
    cid.expect_line("message received", "after").await;
}
