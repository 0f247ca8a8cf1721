//! After a network drop the page reconnects by itself and rejoins with the same name.

use crate::driver::{Driver, Size};
use crate::proxy::Proxy;
use crate::site::Site;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_rejoins_with_the_same_name_after_a_network_drop() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let site = Site::start(
        "",
        &[&["streamer", "add", "--username", "Amy", "--key", "amykey"]],
    )
    .await;
    let proxy = Proxy::start(site.server.port).await;
    let alice = driver.browser(Size::Desktop).await;
    let bob = driver.browser(Size::Desktop).await;
    alice.goto(&proxy.url("/amy/")).await;
    bob.goto(&site.url("/amy/")).await;
    alice.join("alice", 3).await;
    bob.join("bob", 5).await;
    alice.wait_line(".line-event", "bob joined the chat").await;

    proxy.cut(Duration::from_secs(3));
    alice
        .wait_until(
            "document.getElementById('chat-status').dataset.status === 'reconnecting'",
            "the reconnecting state",
        )
        .await;
    assert_eq!(
        alice
            .eval("document.getElementById('chat-status').textContent")
            .await,
        "Reconnecting…"
    );
    alice
        .wait_line(".line-info", "Connection lost. Reconnecting…")
        .await;
    bob.wait_line(".line-event", "alice left the chat").await;

    // Back by itself, under the same name, without a reload.
    alice.wait_line(".line-info", "Reconnected.").await;
    assert_eq!(
        alice
            .eval("document.getElementById('chat-status').dataset.status")
            .await,
        "online"
    );
    bob.wait_until(
        "(t => t.lastIndexOf('alice joined the chat') > t.indexOf('alice left the chat'))(document.getElementById('messages').innerText)",
        "alice back in the room",
    )
    .await;
    alice.say("sorry, my wifi").await;
    bob.wait_line(".line-message", "sorry, my wifi").await;
    let who = bob
        .with_line(
            ".line-message",
            "sorry, my wifi",
            "line.querySelector('.name').textContent",
        )
        .await;
    assert_eq!(who, "alice");
    alice.close().await;
    bob.close().await;
}
