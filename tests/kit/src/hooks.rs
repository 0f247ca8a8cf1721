//! nginx-rtmp's side of the site: the `on_publish` / `on_publish_done` hooks, called the way
//! nginx-rtmp calls them (an HTTP/1.0 form POST).

/// The body nginx-rtmp POSTs for a publish of `name` by a client at `addr`.
pub fn nginx_form(name: &str, addr: &str) -> String {
    format!(
        "app=live&flashver=FMLE/3.0%20(compatible%3B%20FMSc/1.0)&swfurl=&tcurl=rtmp://127.0.0.1:1935/live&pageurl=&addr={addr}&clientid=7&call=publish&name={name}&type=live"
    )
}

/// The hooks of one site, optionally called through a proxy that forwards for someone.
#[derive(Clone)]
pub struct Hooks {
    http: reqwest::Client,
    base: String,
    forwarded_for: Option<String>,
}

impl Hooks {
    pub fn new(http: reqwest::Client, base: &str) -> Self {
        Self {
            http,
            base: base.to_string(),
            forwarded_for: None,
        }
    }

    /// The same hooks with `X-Forwarded-For: xff` on every call.
    pub fn forwarded_for(mut self, xff: &str) -> Self {
        self.forwarded_for = Some(xff.to_string());
        self
    }

    /// `on_publish` for stream `name` published from `addr`.
    pub async fn publish(&self, name: &str, addr: &str) -> reqwest::Response {
        self.post("/auth/on_publish", nginx_form(name, addr)).await
    }

    /// `on_publish_done` for stream `name` published from `addr`.
    pub async fn publish_done(&self, name: &str, addr: &str) -> reqwest::Response {
        self.post("/auth/on_publish_done", nginx_form(name, addr))
            .await
    }

    /// `on_record_done` as nginx-rtmp calls it when the recording of `name`'s stream, in file
    /// `path`, is finished.
    pub async fn record_done(
        &self,
        name: &str,
        addr: &str,
        path: &std::path::Path,
    ) -> reqwest::Response {
        let form = nginx_form(name, addr).replace("call=publish", "call=record_done");
        let path: String = path
            .display()
            .to_string()
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        self.post(
            "/auth/on_record_done",
            format!("{form}&recorder=&path={path}"),
        )
        .await
    }

    /// POSTs `body` to `path` as nginx-rtmp does.
    pub async fn post(&self, path: &str, body: String) -> reqwest::Response {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .version(reqwest::Version::HTTP_10)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(xff) = &self.forwarded_for {
            req = req.header("x-forwarded-for", xff);
        }
        req.send().await.expect("hook")
    }
}
