//! After a network drop the page reconnects by itself and rejoins with the same name.

use crate::proxy::Proxy;
use crate::site::amy;
use rsstreaming_testkit::browser::{Driver, Size};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_rejoins_with_the_same_name_after_a_network_drop() {
    let Some((driver, site)) = Driver::with_site(amy()).await else {
        return;
    };
    let proxy = Proxy::start(site.port()).await;
    let alice = driver.open(Size::Desktop, &proxy.url("/amy/")).await;
    let bob = driver.open(Size::Desktop, &site.url("/amy/")).await;
    alice.join("alice", 3).await;
    bob.join("bob", 5).await;
    alice.wait_line(".line-event", "bob joined the chat").await;

    proxy.cut(Duration::from_secs(3));
    let status = "document.getElementById('chat-status')";
    alice
        .wait_until(
            &format!("{status}.dataset.status === 'reconnecting'"),
            "the reconnecting state",
        )
        .await;
    let shown = alice.eval(&format!("{status}.textContent")).await;
    assert_eq!(shown, "Reconnecting…");
    alice
        .wait_line(".line-info", "Connection lost. Reconnecting…")
        .await;
    bob.wait_line(".line-event", "alice left the chat").await;

    // Back by itself, under the same name, without a reload.
    alice.wait_line(".line-info", "Reconnected.").await;
    let online = alice.eval(&format!("{status}.dataset.status")).await;
    assert_eq!(online, "online");
    bob.wait_until(
        "(t => t.lastIndexOf('alice joined the chat') > t.indexOf('alice left the chat'))(document.getElementById('messages').innerText)",
        "alice back in the room",
    )
    .await;
    alice.say("sorry, my wifi").await;
    bob.wait_line(".line-message", "sorry, my wifi").await;
    assert_eq!(bob.line_name("sorry, my wifi").await, "alice");
    alice.close().await;
    bob.close().await;
}
