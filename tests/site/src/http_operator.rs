//! What operators and their tools ask a deployment: the OpenAPI document of `/api/*`, and
//! (with the document's own rule) unknown query parameters refused on the API.

use crate::site;
use rsstreaming_testkit::Backend;
use serde_json::Value;

const KEY: &str = "operator-K3y-1";

pub async fn the_openapi_document_is_served_and_describes_the_api(backend: Backend) {
    let site = site().streamer("bob", KEY).start(backend).await;
    let r = site.get("/api/openapi.json").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/api/info", "get"),
        ("/api/info", "patch"),
        ("/api/messages", "get"),
        ("/api/messages", "post"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    // No credentials needed to read it, and it names no secret of the site.
    assert!(!doc.to_string().contains(KEY));

    // The document's query parameters are the API's: others are refused, declared ones work.
    let api = site.api("bob", KEY);
    assert_eq!(
        api.get_messages("?limit=5&lastStreamOnly=true")
            .await
            .status(),
        200
    );
    let r = api.get_messages("?lastStreamonly=true").await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    let error = v["error"].as_str().unwrap();
    assert!(error.contains("limit, lastStreamOnly"), "{error}");
}
