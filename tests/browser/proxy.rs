//! A TCP proxy in front of the server whose connections a test can cut, to give a browser a
//! real network drop: every open connection closes and new ones are refused for a while.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

#[derive(Default)]
struct Shared {
    open: Mutex<Vec<AbortHandle>>,
    down_until: Mutex<Option<Instant>>,
}

pub struct Proxy {
    pub port: u16,
    shared: Arc<Shared>,
    accept: AbortHandle,
}

impl Proxy {
    /// Listens on a free port and forwards every connection to `127.0.0.1:target`.
    pub async fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let down = s
                    .down_until
                    .lock()
                    .unwrap()
                    .is_some_and(|t| Instant::now() < t);
                if down {
                    drop(client);
                    continue;
                }
                let pipe = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(("127.0.0.1", target)).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                let mut open = s.open.lock().unwrap();
                open.retain(|h| !h.is_finished());
                open.push(pipe.abort_handle());
            }
        })
        .abort_handle();
        Self {
            port,
            shared,
            accept,
        }
    }

    /// Closes every open connection and refuses new ones for `outage`.
    pub fn cut(&self, outage: Duration) {
        *self.shared.down_until.lock().unwrap() = Some(Instant::now() + outage);
        for h in self.shared.open.lock().unwrap().drain(..) {
            h.abort();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        for h in self.shared.open.lock().unwrap().drain(..) {
            h.abort();
        }
    }
}
