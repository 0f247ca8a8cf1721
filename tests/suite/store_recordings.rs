//! Recordings in the store (migration 0011) on SQLite and the real MariaDB: the remux queue
//! (one claim per recording, retries, giving up), what the site lists, deletion, and the sweep
//! that removes deleted recordings and those past `keep_days`, files and all.

use crate::store::on_both;
use rsstreaming_shared::config::RecordingsConfig;
use rsstreaming_shared::recordings::{self, RecordingFiles};
use rsstreaming_shared::store::{now_ms, RecordingStatus, RemuxedVideo, MAX_REMUX_ATTEMPTS};

#[tokio::test]
async fn recordings_are_queued_claimed_once_listed_deleted_and_swept() {
    on_both(|s| async move {
        let id = s.add_recording("Bob", "bob-1").await.unwrap();
        let other = s.add_recording("amy", "amy-1").await.unwrap();
        assert_ne!(id, other);
        let due = s.due_recordings(10).await.unwrap();
        assert_eq!(due.len(), 2);
        let r = due.iter().find(|r| r.id == id).unwrap().clone();
        assert_eq!(
            (r.room.as_str(), r.status),
            ("bob", RecordingStatus::Pending)
        );
        assert!(s.claim_recording(&r).await.unwrap());
        assert!(!s.claim_recording(&r).await.unwrap(), "claimed once");
        assert!(
            s.due_recordings(10)
                .await
                .unwrap()
                .iter()
                .all(|d| d.id != id),
            "a claimed one is not due while its claim runs"
        );
        // Not listed until ready.
        assert!(s.recordings("bob", false).await.unwrap().is_empty());
        assert_eq!(s.recordings("bob", true).await.unwrap().len(), 1);
        let video = RemuxedVideo {
            started: now_ms() - 5_000,
            duration_ms: 5_000,
            size_bytes: 1234,
        };
        s.recording_ready(id, video).await.unwrap();
        let listed = s.recordings("BOB", false).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].duration_ms, Some(5_000));
        assert!(s.recording("bob", id).await.unwrap().unwrap().is_ready());
        assert!(
            s.recording("amy", id).await.unwrap().is_none(),
            "another room's"
        );
        assert_eq!(s.latest_recordings().await.unwrap()["bob"].id, id);

        // A remux that keeps failing is given up after MAX_REMUX_ATTEMPTS.
        for attempt in 1..=MAX_REMUX_ATTEMPTS {
            let r = s.due_recordings(10).await.unwrap();
            let r = r.iter().find(|r| r.id == other).expect("due again").clone();
            assert!(s.claim_recording(&r).await.unwrap());
            let gave_up = s.recording_not_remuxed(&r).await.unwrap();
            assert_eq!(gave_up, attempt == MAX_REMUX_ATTEMPTS, "attempt {attempt}");
        }
        assert!(s.due_recordings(10).await.unwrap().is_empty());
        let failed = s.recordings("amy", true).await.unwrap();
        assert_eq!(failed[0].status, RecordingStatus::Failed);

        // Deleting hides it at once; the sweep of a process that sees the files removes both.
        let dir = tempfile::tempdir().unwrap();
        let files = RecordingFiles::new(dir.path());
        for f in [files.mp4("bob-1"), files.jpg("bob-1")] {
            std::fs::write(f, b"x").unwrap();
        }
        let config = RecordingsConfig {
            dir: dir.path().to_path_buf(),
            keep_days: None,
            ffmpeg: "ffmpeg".into(),
            ffprobe: "ffprobe".into(),
            accel_redirect: None,
        };
        assert!(recordings::delete(&s, None, "bob", id, "test")
            .await
            .unwrap());
        assert!(!recordings::delete(&s, None, "bob", id, "test")
            .await
            .unwrap());
        assert!(
            s.recordings("bob", true).await.unwrap().is_empty(),
            "hidden"
        );
        assert!(
            files.mp4("bob-1").exists(),
            "no files seen: left to the sweep"
        );
        assert_eq!(recordings::sweep(&s, Some(&config)).await.unwrap(), 1);
        assert!(!files.mp4("bob-1").exists() && !files.jpg("bob-1").exists());
        assert!(
            s.recording("bob", id).await.unwrap().is_none(),
            "row removed"
        );

        // keep_days: what was registered longer ago goes; the rest stays.
        let old = s.add_recording("bob", "bob-2").await.unwrap();
        let new = s.add_recording("bob", "bob-3").await.unwrap();
        sqlx::query("UPDATE recordings SET created_at = ? WHERE id = ?")
            .bind(now_ms() - 3 * 86_400_000)
            .bind(old)
            .execute(s.pool())
            .await
            .unwrap();
        let keep = RecordingsConfig {
            keep_days: Some(2),
            ..config
        };
        assert_eq!(recordings::sweep(&s, Some(&keep)).await.unwrap(), 1);
        let left: Vec<i64> = s
            .recordings("bob", true)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(left, vec![new]);
        assert_eq!(s.recordings("amy", true).await.unwrap().len(), 1, "recent");
    })
    .await;
}
