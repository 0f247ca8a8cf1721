//! Conformance of the backends' chat history (SPEC §7), on both backends as in `state`: a line
//! appended on one instance is read on the other, oldest first, bounded by count and bytes,
//! removed once by its id.

use super::state::backends;
use rsstreaming_shared::chat::line::{HISTORY_BYTES, HISTORY_LINES, HISTORY_TTL};
use rsstreaming_shared::chat::protocol::Said;
use rsstreaming_shared::chat::{ChatterType, HistoryLine, LineStamp, Outgoing};
use rsstreaming_shared::state::ChatState;
use std::sync::Arc;

fn line(n: usize, message: &str) -> HistoryLine {
    HistoryLine::of(&Outgoing::MessageReceived(Said {
        username: format!("user{n}"),
        kind: ChatterType::Normal,
        color: "#123456".into(),
        message: message.into(),
        stamp: LineStamp::now(),
    }))
    .expect("a chat line has a history entry")
}

fn ids(lines: &[HistoryLine]) -> Vec<&str> {
    lines.iter().map(|l| l.id.as_str()).collect()
}

/// Appends `lines` to `room` taking turns on `on`; the history then read on the last of `on`.
async fn append_all(
    on: &[&Arc<dyn ChatState>],
    room: &str,
    lines: &[HistoryLine],
) -> Vec<HistoryLine> {
    for (n, l) in lines.iter().enumerate() {
        on[n % on.len()].append_history(room, l).await.unwrap();
    }
    on[on.len() - 1].history(room).await.unwrap()
}

#[tokio::test]
async fn history_is_shared_ordered_and_bounded_by_count_bytes_and_age() {
    for (name, (a, b)) in backends().await {
        assert!(b.history("h").await.unwrap().is_empty(), "{name}");
        let sent: Vec<HistoryLine> = (0..HISTORY_LINES + 5).map(|n| line(n, "hi")).collect();
        let kept = append_all(&[&a, &b], "h", &sent).await;
        let oldest_first = ids(&sent[5..]);
        assert_eq!(
            ids(&kept),
            oldest_first,
            "{name}: the last lines, oldest first"
        );
        assert_eq!(kept[0], sent[5], "{name}: entries round-trip");
        assert!(
            a.history("other").await.unwrap().is_empty(),
            "{name}: per room"
        );

        // Bounded by bytes too, and by age.
        let big = "x".repeat(HISTORY_BYTES / 4);
        let sent: Vec<HistoryLine> = (0..6).map(|n| line(n, &big)).collect();
        let kept = append_all(&[&a], "big", &sent).await;
        assert_eq!(
            ids(&kept),
            ids(&sent[3..]),
            "{name}: what fits in the bytes"
        );
        let mut old = line(9, "old");
        old.timestamp -= HISTORY_TTL.as_millis() as i64;
        a.append_history("aged", &old).await.unwrap();
        assert!(
            b.history("aged").await.unwrap().is_empty(),
            "{name}: past the TTL"
        );
    }
}

#[tokio::test]
async fn a_line_is_removed_once_by_its_id() {
    for (name, (a, b)) in backends().await {
        // A quiet line (an API post: deletable, never replayed) keeps its flag.
        let (one, two) = (line(1, "one").quiet(), line(2, "two"));
        a.append_history("d", &one).await.unwrap();
        a.append_history("d", &two).await.unwrap();
        let read = b.history("d").await.unwrap();
        assert_eq!((read[0].replay, read[1].replay), (false, true), "{name}");
        assert_eq!(
            b.remove_history("d", &one.id).await.unwrap(),
            Some(one.clone()),
            "{name}"
        );
        assert_eq!(
            a.remove_history("d", &one.id).await.unwrap(),
            None,
            "{name}: once"
        );
        assert_eq!(a.remove_history("d", "nope").await.unwrap(), None, "{name}");
        assert_eq!(
            ids(&b.history("d").await.unwrap()),
            [two.id.as_str()],
            "{name}"
        );
        // The byte count follows removals: a full budget fits again after them.
        let big = "x".repeat(HISTORY_BYTES / 2);
        let (x, y) = (line(3, &big), line(4, &big));
        a.append_history("d", &x).await.unwrap();
        assert!(
            b.remove_history("d", &x.id).await.unwrap().is_some(),
            "{name}"
        );
        a.append_history("d", &y).await.unwrap();
        assert_eq!(
            ids(&b.history("d").await.unwrap()),
            [two.id.as_str(), y.id.as_str()],
            "{name}"
        );
    }
}
