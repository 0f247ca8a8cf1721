//! Scoped API tokens (SPEC §8): a token opens the `/api/*` operations of its scopes and no
//! other, never publishes and never gives chat admin rights, is refused once revoked, and
//! wrong tokens spend the same guess budget as wrong keys.

use crate::site;
use rsstreaming_testkit::{Backend, Chat, Site};
use serde_json::json;

const KEY: &str = "tokens-K3y-0123456789";

/// `streamer token add` for bob (used by `http_rules` too); the token (the last word of its last line).
pub(crate) fn add_token(site: &Site, scopes: &str) -> String {
    let out = site.cli(&[
        "streamer",
        "token",
        "add",
        "--username",
        "bob",
        "--scope",
        scopes,
    ]);
    let token = out.lines().last().and_then(|l| l.split(' ').next_back());
    token.expect("a token is printed").to_string()
}

/// A request to the API with `Authorization: Bearer token`, from `client` (X-Forwarded-For).
/// The status `call` answers with.
async fn status(site: &Site, method: &str, path: &str, token: &str, client: &str) -> u16 {
    call(site, method, path, token, client)
        .await
        .status()
        .as_u16()
}

async fn call(
    site: &Site,
    method: &str,
    path: &str,
    token: &str,
    client: &str,
) -> reqwest::Response {
    let method_is_write = method != "GET";
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = reqwest::Client::new()
        .request(method, site.url(path))
        .bearer_auth(token)
        .header("x-forwarded-for", client);
    match (method_is_write, path) {
        (true, "/api/messages") => req = req.json(&json!({"message": "from a token"})),
        (true, _) => req = req.json(&json!({"description": "set by a token"})),
        _ => {}
    }
    req.send().await.expect("API request")
}

pub async fn tokens_are_scoped_revocable_and_budgeted(backend: Backend) {
    let site = site()
        .proxy_hops(1)
        .streamer("Bob", KEY)
        .start(backend)
        .await;
    let reader = add_token(&site, "read");
    let writer = add_token(&site, "chat,read");
    assert!(reader.starts_with("rst_") && reader != writer);
    let me = "198.51.100.1";

    for path in ["/api/info", "/api/messages", "/api/streams"] {
        let r = call(&site, "GET", path, &reader, me).await;
        assert_eq!(r.status(), 200, "GET {path}");
    }
    let info: serde_json::Value = call(&site, "GET", "/api/info", &reader, me)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["username"], "Bob");
    let refused = call(&site, "POST", "/api/messages", &reader, me).await;
    assert_eq!(refused.status(), 403);
    let why = refused.text().await.unwrap();
    assert!(why.contains("chat"), "{why}");
    assert_eq!(status(&site, "PATCH", "/api/info", &writer, me).await, 403);
    assert_eq!(
        status(&site, "POST", "/api/messages", &writer, me).await,
        200
    );
    let texts = site.api("bob", KEY).message_texts().await;
    assert_eq!(
        texts,
        ["from a token"],
        "only the chat token's line got through"
    );

    // A token is no stream key: nginx may not publish with it, the chat gives no admin rights.
    assert_eq!(
        site.hooks().publish(&writer, "192.0.2.10").await.status(),
        403
    );
    let mut chat = Chat::connect(site.base()).await;
    let login = json!({"streamer": "bob", "username": "Bob", "color": "blue", "key": writer});
    chat.send("login", login).await;
    let error = chat.expect_error().await;
    assert!(error.to_string().contains("Invalid password"), "{error}");
    chat.close().await;

    // Revoked: 401 from then on; the list shows it revoked, and the CLI client takes tokens.
    let list = site.cli(&["streamer", "token", "list", "--username", "bob", "--json"]);
    let list: Vec<serde_json::Value> = serde_json::from_str(list.trim()).unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        !list[0].to_string().contains(&reader[4..]),
        "never the token itself"
    );
    let id = list[0]["id"].to_string();
    site.cli(&[
        "streamer",
        "token",
        "revoke",
        "--username",
        "bob",
        "--id",
        &id,
    ]);
    let revoked = call(&site, "GET", "/api/info", &reader, me).await;
    assert_eq!(revoked.status(), 401);
    assert!(revoked.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("Bearer"));
    let table = site.cli(&["streamer", "token", "list", "--username", "bob"]);
    assert!(
        table.contains("revoked") && table.contains("active"),
        "{table}"
    );
    let got = site.cli(&["api", site.base(), "--token", &writer, "--json", "getinfo"]);
    assert!(got.contains("\"username\":\"Bob\""), "{got}");

    // Wrong tokens spend the caller's guess budget: then even a right one waits.
    let guesser = "198.51.100.66";
    let mut statuses = Vec::new();
    for i in 0..25 {
        let r = call(&site, "GET", "/api/info", &format!("rst_guess{i}"), guesser).await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses[0], 401);
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(
        status(&site, "GET", "/api/info", &writer, guesser).await,
        429
    );
    assert_eq!(status(&site, "GET", "/api/info", &writer, me).await, 200);
    assert!(!site.log().contains(&writer[4..]), "no token in the log");
}
