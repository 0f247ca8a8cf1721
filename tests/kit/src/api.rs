//! A typed client of the remote-control API (`/api/*`, HTTP Basic with the stream key).

use serde_json::Value;

/// The API as one streamer.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    username: String,
    key: String,
}

impl Api {
    /// The API at `base` (`http://127.0.0.1:PORT`) as `username` with `key`.
    pub fn new(http: reqwest::Client, base: &str, username: &str, key: &str) -> Self {
        Self {
            http,
            base: base.to_string(),
            username: username.to_string(),
            key: key.to_string(),
        }
    }

    fn authed(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        req.basic_auth(&self.username, Some(&self.key))
    }

    /// `GET /api/info`.
    pub async fn get_info(&self) -> reqwest::Response {
        self.get("/api/info").await
    }

    /// `GET /api/info` as JSON.
    pub async fn info(&self) -> Value {
        self.get_info().await.json().await.expect("info JSON")
    }

    /// `PATCH /api/info` with `body` as it is (JSON or not).
    pub async fn patch_info(&self, body: &str) -> reqwest::Response {
        self.send_as_json(reqwest::Method::PATCH, "/api/info", body)
            .await
    }

    /// `POST /api/messages` with a JSON body.
    pub async fn post_message(&self, body: &Value) -> reqwest::Response {
        let req = self.http.post(format!("{}/api/messages", self.base));
        self.authed(req)
            .json(body)
            .send()
            .await
            .expect("POST /api/messages")
    }

    /// `POST /api/messages` with `{"message": text}` (and `type` unless it is `None`).
    pub async fn say(&self, kind: Option<&str>, text: &str) -> reqwest::Response {
        let mut body = serde_json::json!({ "message": text });
        if let Some(kind) = kind {
            body["type"] = kind.into();
        }
        self.post_message(&body).await
    }

    /// `POST /api/messages` with a body as it is, declared `application/json`.
    pub async fn post_raw_message(&self, body: &str) -> reqwest::Response {
        self.send_as_json(reqwest::Method::POST, "/api/messages", body)
            .await
    }

    /// `method path` (e.g. `POST /api/filters`) with a JSON body; its status and JSON answer.
    pub async fn send_json(&self, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let r = self.send_as_json(method, path, &body.to_string()).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// `method path` with `body` as it is, declared `application/json`.
    pub async fn send_as_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &str,
    ) -> reqwest::Response {
        let req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        self.authed(req)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// `POST /api/messages/{id}/delete` (no body).
    pub async fn delete_message(&self, id: &str) -> reqwest::Response {
        let req = self
            .http
            .post(format!("{}/api/messages/{id}/delete", self.base));
        self.authed(req).send().await.expect("POST delete")
    }

    /// `GET /api/messages{query}`.
    pub async fn get_messages(&self, query: &str) -> reqwest::Response {
        self.get(&format!("/api/messages{query}")).await
    }

    /// `GET /api/messages{query}` as a list of lines.
    pub async fn messages(&self, query: &str) -> Vec<Value> {
        self.get_messages(query)
            .await
            .json()
            .await
            .expect("lines JSON")
    }

    /// The texts of every line so far.
    pub async fn message_texts(&self) -> Vec<String> {
        self.messages("")
            .await
            .iter()
            .map(|l| l["message"].as_str().expect("message text").to_string())
            .collect()
    }

    /// `GET path` with this streamer's credentials.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        let req = self.http.get(format!("{}{path}", self.base));
        self.authed(req).send().await.expect("GET")
    }

    /// `DELETE path` with this streamer's credentials.
    pub async fn delete(&self, path: &str) -> reqwest::Response {
        let req = self.http.delete(format!("{}{path}", self.base));
        self.authed(req).send().await.expect("DELETE")
    }

    /// `GET /api/streams`: the stream sessions, newest first (asserts 200).
    pub async fn streams(&self) -> Vec<Value> {
        let r = self.get("/api/streams").await;
        assert_eq!(r.status(), 200, "GET /api/streams");
        r.json().await.expect("streams JSON")
    }

    /// `GET /api/videos`: the recordings, newest first.
    pub async fn videos(&self) -> Vec<Value> {
        let r = self.get("/api/videos").await;
        assert_eq!(r.status(), 200, "GET /api/videos");
        r.json().await.expect("videos JSON")
    }
}
