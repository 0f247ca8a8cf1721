//! Recordings on disk (SPEC §9): the files of each recording in `recordings.dir`, all named by
//! a stem `{room}-{ms}` that never holds the key: `{stem}.flv` as nginx-rtmp recorded it (moved
//! there by [`adopt`] from nginx's key-named file), then `{stem}.mp4` and `{stem}.jpg` once
//! [`remux`](remux::remux)ed.

pub mod remux;

use crate::config::RecordingsConfig;
use crate::store::{event_kind, now_ms, NewEvent, Store, StoreResult};
use std::path::{Path, PathBuf};

/// Recordings the sweep removes per pass.
const SWEEP_BATCH: i64 = 100;

/// Why nginx's file could not be taken in.
#[derive(Debug, thiserror::Error)]
pub enum AdoptError {
    /// Not a regular `.flv` file inside `recordings.dir` (the path itself is not repeated: in
    /// rename mode it holds the key).
    #[error("the recorded file is not an .flv file inside recordings.dir")]
    Outside,
    #[error("moving the recorded file: {0}")]
    Io(#[from] std::io::Error),
}

/// The files of recordings in one folder.
#[derive(Debug, Clone)]
pub struct RecordingFiles {
    dir: PathBuf,
}

impl RecordingFiles {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The FLV waiting for its remux.
    pub fn flv(&self, stem: &str) -> PathBuf {
        self.dir.join(format!("{stem}.flv"))
    }

    /// The playable video.
    pub fn mp4(&self, stem: &str) -> PathBuf {
        self.dir.join(format!("{stem}.mp4"))
    }

    /// The video's thumbnail.
    pub fn jpg(&self, stem: &str) -> PathBuf {
        self.dir.join(format!("{stem}.jpg"))
    }

    /// Moves nginx-rtmp's finished recording at `path` to `{stem}.flv` under a new stem of
    /// `room`; the stem. `path` must be a regular `.flv` file inside the folder (nginx's
    /// `record_path` lies inside it, so the move is a rename on one file system).
    pub fn adopt(&self, path: &Path, room: &str) -> Result<String, AdoptError> {
        let inside = match (path.canonicalize(), self.dir.canonicalize()) {
            (Ok(file), Ok(dir)) => file.starts_with(&dir) && file != dir,
            _ => false,
        };
        let plain = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
        let flv = path.extension().is_some_and(|e| e == "flv");
        if !(inside && plain && flv) {
            return Err(AdoptError::Outside);
        }
        let ms = crate::store::now_ms();
        // A stem not taken yet: recordings of one room end at different milliseconds, but a
        // reconnect can end two at once.
        for n in 0..100 {
            let stem = match n {
                0 => format!("{room}-{ms}"),
                n => format!("{room}-{ms}-{n}"),
            };
            let target = self.flv(&stem);
            if target.exists() || self.mp4(&stem).exists() {
                continue;
            }
            std::fs::rename(path, &target)?;
            return Ok(stem);
        }
        Err(AdoptError::Io(std::io::Error::other(
            "no free name for the recording",
        )))
    }

    /// Removes every file of `stem` there is; the first error other than "not there".
    pub fn remove(&self, stem: &str) -> std::io::Result<()> {
        let mut first = Ok(());
        for path in [self.flv(stem), self.mp4(stem), self.jpg(stem)] {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound && first.is_ok() => {
                    first = Err(e)
                }
                _ => {}
            }
        }
        first
    }
}

/// Deletes `room`'s recording `id` (SPEC §9: the streamer deletes one): hidden at once, and
/// its files and row removed now when this process sees `recordings.dir`, else by the sweep
/// of an instance that does; `by` (who deleted it) goes into its `recording_delete` event.
/// Whether there was one.
pub async fn delete(
    store: &Store,
    config: Option<&RecordingsConfig>,
    room: &str,
    id: i64,
    by: &str,
) -> StoreResult<bool> {
    let Some(r) = store.recording(room, id).await? else {
        return Ok(false);
    };
    if !store.mark_recording_deleted(room, id).await? {
        return Ok(false);
    }
    let meta = serde_json::json!({ "id": id, "by": by });
    store
        .record_event(NewEvent::now(room, event_kind::RECORDING_DELETE, meta))
        .await?;
    if let Some(config) = config.filter(|c| c.dir.is_dir()) {
        match RecordingFiles::new(&config.dir).remove(&r.stem) {
            Ok(()) => {
                store.delete_recording(r.id).await?;
            }
            Err(e) => tracing::warn!("removing recording {id} of {room}: {e} (the sweep retries)"),
        }
    }
    Ok(true)
}

/// Removes the files and rows of deleted recordings and of those older than `keep_days`,
/// when this process sees `recordings.dir` (a process that does not leaves them to one that
/// does); how many were removed. A file that cannot be removed keeps its row for the next pass.
pub async fn sweep(store: &Store, config: Option<&RecordingsConfig>) -> StoreResult<usize> {
    let Some(config) = config.filter(|c| c.dir.is_dir()) else {
        return Ok(0);
    };
    let files = RecordingFiles::new(&config.dir);
    let before = config.keep_ms().map(|keep| now_ms() - keep);
    let mut removed = 0;
    for r in store.swept_recordings(before, SWEEP_BATCH).await? {
        match files.remove(&r.stem) {
            Ok(()) => {
                store.delete_recording(r.id).await?;
                removed += 1;
            }
            Err(e) => tracing::warn!("removing recording {} of {}: {e}", r.id, r.room),
        }
    }
    if removed > 0 {
        tracing::info!(removed, "recordings removed (deleted or past keep_days)");
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adopt_takes_only_flv_files_inside_the_folder() {
        let base = std::env::temp_dir().join(format!("rsstreaming-adopt-{}", std::process::id()));
        let dir = base.join("recordings");
        std::fs::create_dir_all(dir.join("incoming")).unwrap();
        let files = RecordingFiles::new(&dir);
        std::fs::write(base.join("elsewhere.flv"), b"flv").unwrap();
        std::fs::write(dir.join("incoming/notes.txt"), b"x").unwrap();
        std::os::unix::fs::symlink(base.join("elsewhere.flv"), dir.join("incoming/link.flv"))
            .unwrap();
        let refused = [
            dir.join("incoming/link.flv"),
            base.join("elsewhere.flv"),
            dir.join("incoming/../../elsewhere.flv"),
            dir.join("incoming/notes.txt"),
            dir.join("incoming/gone.flv"),
            dir.clone(),
        ];
        for path in &refused {
            let taken = files.adopt(path, "erin");
            assert!(matches!(taken, Err(AdoptError::Outside)), "{path:?}");
        }

        let recorded = dir.join("incoming/SECRETKEY-1700000000.flv");
        std::fs::write(&recorded, b"flv").unwrap();
        let stem = files.adopt(&recorded, "erin").unwrap();
        assert!(stem.starts_with("erin-") && !stem.contains("SECRET"));
        assert!(!recorded.exists() && files.flv(&stem).exists());
        files.remove(&stem).unwrap();
        assert!(!files.flv(&stem).exists());
        std::fs::remove_dir_all(&base).unwrap();
    }
}
