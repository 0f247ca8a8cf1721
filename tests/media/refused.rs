//! A wrong stream key is refused by nginx-rtmp (on_publish says no): the publisher exits
//! non-zero at once, nothing is written, and the streamer stays offline.

use crate::env::{serial, Need};
use crate::layouts::new_key;
use crate::stack::{Layout, Options, Stack};
use std::time::Duration;

async fn wrong_key_is_refused(layout: Layout, mode: &'static str) {
    let stack = Stack::start(Options::new(layout, mode)).await;
    let key = new_key();
    stack.add_streamer("bob", &key);
    for wrong in [new_key(), format!("{key}x"), key.to_uppercase()] {
        let mut obs = stack.publish_to("live", "127.0.0.1", &wrong, Some(10));
        let status = obs
            .wait_exit(Duration::from_secs(8))
            .unwrap_or_else(|| panic!("{layout:?}: a wrong key was not refused\n{}", stack.logs()));
        assert!(!status.success(), "{layout:?}: ffmpeg exited with success");
    }
    assert!(
        stack.hls_files().is_empty(),
        "{layout:?}: {:?}",
        stack.hls_files()
    );
    assert_eq!(stack.info("bob").await["live"], false);
    // nginx asked rsstreaming each time (the refusal is on_publish's, not a broken setup).
    let errors =
        std::fs::read_to_string(stack.nginx_prefix.join("logs/error.log")).unwrap_or_default();
    let asked = errors.matches("notify: publish").count();
    assert_eq!(
        asked, 3,
        "{layout:?}: on_publish calls in nginx's log:\n{errors}"
    );
}

#[tokio::test]
async fn wrong_key_is_refused_in_every_layout() {
    let Some(_one) = serial(Need::Media).await else {
        return;
    };
    wrong_key_is_refused(Layout::Single, "rename").await;
    wrong_key_is_refused(Layout::Redirect, "redirect").await;
}
