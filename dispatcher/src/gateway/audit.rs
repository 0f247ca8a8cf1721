//! The audit writer: events go to the store in batches on a task of their own, so the database
//! is never on a chat message's path. Nothing is dropped: a failed batch is retried (with the
//! events that arrived meanwhile) until the store takes it, and closing flushes what is queued.

use rsstreaming_shared::store::NewEvent;
use rsstreaming_shared::Store;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Most events written in one transaction.
const BATCH: usize = 500;
/// How long events may wait to be batched with others.
const LINGER: Duration = Duration::from_millis(100);

/// Queues audit events for the writer task.
pub struct Audit {
    tx: std::sync::Mutex<Option<mpsc::UnboundedSender<NewEvent>>>,
}

impl Audit {
    /// Starts the writer; the returned handle finishes once every sender is dropped and the
    /// queue is written.
    pub fn start(store: Store) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let audit = Self {
            tx: std::sync::Mutex::new(Some(tx)),
        };
        (audit, tokio::spawn(write_loop(store, rx)))
    }

    pub fn record(&self, event: NewEvent) {
        let tx = self.tx.lock().unwrap_or_else(|p| p.into_inner());
        match tx.as_ref().map(|tx| tx.send(event)) {
            Some(Ok(())) => {}
            _ => tracing::error!("audit writer is closed; an event was not recorded"),
        }
    }

    /// Stops taking events; the writer finishes once it has written the queue.
    pub fn close(&self) {
        self.tx.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    pub fn record_all(&self, events: impl IntoIterator<Item = NewEvent>) {
        for e in events {
            self.record(e);
        }
    }
}

async fn write_loop(store: Store, mut rx: mpsc::UnboundedReceiver<NewEvent>) {
    let mut batch: Vec<NewEvent> = Vec::with_capacity(BATCH);
    let mut backoff = Duration::from_millis(200);
    loop {
        if batch.is_empty() {
            if rx.recv_many(&mut batch, BATCH).await == 0 {
                return;
            }
            // Let a burst gather into one transaction.
            tokio::time::sleep(LINGER).await;
        }
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(e) => batch.push(e),
                Err(_) => break,
            }
        }
        let n = batch.len();
        match store.record_events(&batch).await {
            Ok(()) => {
                batch.clear();
                backoff = Duration::from_millis(200);
            }
            Err(e) => {
                tracing::error!("could not record {n} audit events (will retry): {e}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    }
}
