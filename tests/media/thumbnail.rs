//! Live thumbnails (SPEC §9): while a stream published through nginx-rtmp is live,
//! `/{streamer}/thumbnail.jpg` is a JPEG frame of it (taken by ffmpeg from the newest
//! segment, named by the room); a second ask within the refresh window gets the same frame;
//! behind the viewer password it needs the pass; once the stream ends it is 404. No key in
//! any name or header.

use crate::env::{serial, Need};
use crate::stack::{Layout, Options, Stack};

#[tokio::test]
async fn a_live_stream_has_a_thumbnail_and_an_offline_one_none() {
    let Some(_one) = serial(Need::Media).await else {
        return;
    };
    let (stack, key) = Stack::with_streamer(Options::new(Layout::Single, "rename"), "erin").await;
    let url = stack.site("/erin/thumbnail.jpg");
    assert_eq!(stack.get(&url, None).await.status(), 404, "offline");

    let mut obs = stack.publish_live("erin", &key).await;
    let r = stack.get(&url, None).await;
    assert_eq!(r.status(), 200, "{}", stack.logs());
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    for (name, value) in r.headers() {
        assert!(!value.to_str().unwrap_or("").contains(&key), "{name}");
    }
    let jpeg = r.bytes().await.unwrap();
    assert!(
        jpeg.starts_with(&[0xFF, 0xD8]),
        "a JPEG: {:?}",
        &jpeg[..jpeg.len().min(4)]
    );
    assert!(
        jpeg.len() > 1_000 && jpeg.len() < 200_000,
        "{} bytes",
        jpeg.len()
    );
    let again = stack.get(&url, None).await.bytes().await.unwrap();
    assert_eq!(again, jpeg, "the kept frame, not a new ffmpeg run");
    // Kept under the room's name only.
    let kept: Vec<String> = std::fs::read_dir(stack.site.dir.path().join("thumbs"))
        .expect("the thumbnails folder")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(kept, ["erin.jpg"]);

    stack.site.set_password("erin", Some("letmein"));
    assert_eq!(stack.get(&url, None).await.status(), 403, "needs the pass");
    stack.site.set_password("erin", None);

    stack.stop_publishing("erin", &mut obs).await;
    assert_eq!(stack.get(&url, None).await.status(), 404, "offline again");
    assert!(!stack.serve_log().contains(&key), "no key in the log");
}
