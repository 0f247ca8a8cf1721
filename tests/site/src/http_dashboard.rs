//! The streamer's dashboard (SPEC §8, issue 13 point 2): sign-in with the stream key, budgeted
//! as the API's Basic auth; a session cookie kept in the store; CSRF tokens and the same-origin
//! check on every form; the pages; settings that reach the public side; API tokens made, shown
//! once, listed and revoked; a session and the guess budgets hold across instances. The key
//! never shows in any answer.

use crate::site;
use rsstreaming_testkit::config::{redis_reachable, redis_url, redis_yaml};
use rsstreaming_testkit::{cookie_pair, Backend, Chat, Site, TestDb};

pub(crate) const KEY: &str = "dash-K3y-0123456789";

/// A browser's view of one site: the session cookie it holds, the origin its pages post from.
pub(crate) struct Browser<'s> {
    site: &'s Site,
    /// The instance it talks to (the site's, or another instance of it).
    base: String,
    cookie: String,
    origin: String,
    /// The forwarded address it calls from (through the trusted proxy), if any.
    from: Option<&'s str>,
}

impl<'s> Browser<'s> {
    pub(crate) fn new(site: &'s Site) -> Self {
        Self::at(site, site.base())
    }

    /// A browser of `site` talking to the instance at `base`.
    fn at(site: &'s Site, base: &str) -> Self {
        let base = base.trim_end_matches('/').to_string();
        Browser {
            site,
            origin: base.clone(),
            base,
            cookie: String::new(),
            from: None,
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let url = format!("{}{path}", self.base);
        let mut req = self.site.http.request(method, url);
        if !self.cookie.is_empty() {
            req = req.header("cookie", &self.cookie);
        }
        if let Some(addr) = self.from {
            req = req.header("x-forwarded-for", addr);
        }
        req
    }

    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .expect("GET")
    }

    /// A form post from this browser's origin.
    pub(crate) async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .header("origin", &self.origin)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Posts one setting of the settings page with `csrf`: the status.
    async fn set(&self, csrf: &str, setting: &str, value: &str) -> u16 {
        let fields = [("setting", setting), ("value", value), ("csrf", csrf)];
        let r = self.post("/bob/dashboard/settings", &fields).await;
        keyless(r).await.0
    }

    /// Signs in with `key`: the answer; on success the cookie is kept.
    pub(crate) async fn sign_in(&mut self, key: &str) -> reqwest::Response {
        let r = self.post("/bob/dashboard/signin", &[("key", key)]).await;
        if r.status() == 303 {
            self.cookie = cookie_pair(r.headers());
        }
        r
    }

    /// The CSRF token the page at `path` carries in its forms.
    pub(crate) async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await.text().await.unwrap();
        csrf_of(&page)
    }
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[at..].split('"').next().unwrap().to_string()
}

/// Asserts the key is nowhere in an answer's headers or body; the status and the body.
pub(crate) async fn keyless(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    for (name, value) in r.headers() {
        assert!(
            !value
                .as_bytes()
                .windows(KEY.len())
                .any(|w| w == KEY.as_bytes()),
            "{name}"
        );
    }
    // minijinja escapes `/` in attributes and text.
    let body = r.text().await.unwrap().replace("&#x2f;", "/");
    assert!(!body.contains(KEY), "the key in a body");
    (status, body)
}

pub async fn dashboard_sessions_forms_and_pages(backend: Backend) {
    let site = site().streamer("Bob", KEY).start(backend).await;
    let mut b = Browser::new(&site);

    // Without a session every page sends to the sign-in form; an unknown streamer is 404.
    for path in [
        "/bob/dashboard",
        "/bob/dashboard/settings",
        "/bob/dashboard/tokens",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status(), 303, "{path}");
        assert_eq!(r.headers()["location"], "/bob/dashboard/signin");
    }
    assert_eq!(b.get("/nobody/dashboard").await.status(), 404);
    let (status, form) = keyless(b.get("/bob/dashboard/signin").await).await;
    assert_eq!(status, 200);
    assert!(form.contains("name=\"key\"") && form.contains("type=\"password\""));

    // A wrong key: the form again; a post from another site: refused before the key is looked at.
    let (status, page) = keyless(b.sign_in("wrong-key").await).await;
    assert_eq!(status, 403);
    assert!(page.contains("Wrong stream key"), "{page}");
    b.origin = "https://evil.example".into();
    assert_eq!(b.sign_in(KEY).await.status(), 403, "foreign origin");
    b.origin = site.base().trim_end_matches('/').to_string();

    let r = b.sign_in(KEY).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/bob/dashboard");
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    let parts = [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/bob/dashboard",
        "Max-Age=43200",
    ];
    assert!(parts.iter().all(|p| set.contains(p)), "{set}");
    assert!(!set.contains("Secure"), "plain HTTP: {set}");
    keyless(r).await;

    // Every page, signed in.
    for path in [
        "/bob/dashboard",
        "/bob/dashboard/streams",
        "/bob/dashboard/settings",
        "/bob/dashboard/tokens",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        let (status, page) = keyless(r).await;
        assert_eq!(status, 200, "{path}");
        assert!(page.contains("Bob’s dashboard"), "{path}");
    }
    assert_eq!(
        b.get("/bob/dashboard/signin").await.status(),
        303,
        "already in"
    );
    assert_eq!(b.get("/bob/dashboard/streams/999").await.status(), 404);

    // Forms need the session's CSRF token and a same-site origin; else 403 and nothing changes.
    let csrf = b.csrf("/bob/dashboard/settings").await;
    let settings = "/bob/dashboard/settings";
    let fields = [("setting", "description"), ("value", "changed")];
    assert_eq!(b.post(settings, &fields).await.status(), 403, "no CSRF");
    assert_eq!(b.set("wrong", "description", "changed").await, 403);
    b.origin = "https://evil.example".into();
    assert_eq!(b.set(&csrf, "description", "changed").await, 403, "foreign");
    b.origin = site.base().trim_end_matches('/').to_string();
    let no_origin = b.request(reqwest::Method::POST, settings);
    let with_csrf = [fields[0], fields[1], ("csrf", &csrf)];
    let no_origin = no_origin.form(&with_csrf).send().await.unwrap();
    assert_eq!(no_origin.status(), 403, "neither Origin nor Referer");
    let stranger = Browser::new(&site);
    assert_eq!(stranger.set(&csrf, "description", "changed").await, 303);
    let described = || async { site.json("/bob/info").await["description"].clone() };
    assert_eq!(described().await, "", "nothing changed");

    // A saved setting is what the public side sees.
    let r = b.post(settings, &with_csrf).await;
    assert_eq!(r.status(), 303);
    let saved = "/bob/dashboard/settings?saved=description";
    assert_eq!(r.headers()["location"], saved);
    assert_eq!(described().await, "changed");
    // The password reaches open pages as from the chat or the API: the room hears of it (the
    // streamer's own chat stays; a chatter without a pass for it would be sent away).
    let mut ann = Chat::admin(site.base(), "bob", KEY).await;
    assert_eq!(b.set(&csrf, "streampass", "s3cret").await, 303);
    assert_eq!(ann.expect("password activated").await["username"], "bob");
    ann.close().await;
    assert_eq!(site.get("/bob/info").await.status(), 403, "now protected");
    assert_eq!(site.api("bob", KEY).info().await["streampass"], "s3cret");
    assert_eq!(b.set(&csrf, "streampass", "").await, 303);
    assert_eq!(site.get("/bob/info").await.status(), 200, "public again");
    assert_eq!(b.set(&csrf, "chat", "hidden").await, 303);
    let stream_page = site.get("/bob/").await.text().await.unwrap();
    assert!(stream_page.contains("\"chat\":\"hidden\""), "starts hidden");
    assert_eq!(b.set(&csrf, "chat", "disabled").await, 400);
    assert_eq!(b.set(&csrf, "mastodon", "javascript:x").await, 400);
    let url = "https://mastodon.social/@bob";
    assert_eq!(b.set(&csrf, "mastodon", url).await, 303);
    let (_, page) = keyless(b.get("/bob/dashboard/settings?saved=mastodon").await).await;
    assert!(page.contains(url) && page.contains("Saved."), "{page}");
    let (_, stream_page) = keyless(site.get("/bob/").await).await;
    let link = format!("<a rel=\"me\" href=\"{url}\">");
    assert!(stream_page.contains(&link), "{stream_page}");
    let kinds = site.event_kinds("bob").await;
    for kind in [
        "dashboard_signin",
        "description",
        "password",
        "chat_setting",
        "mastodon",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} audited: {kinds:?}");
    }

    // A token: shown once on the answer, listed (never itself), working, then revoked.
    let tokens = "/bob/dashboard/tokens";
    let r = b.post(tokens, &[("csrf", &csrf), ("scope", "read")]).await;
    let (status, made) = keyless(r).await;
    assert_eq!(status, 200);
    let at = made.find("id=\"new-token\">").expect("the new token") + 15;
    let token = made[at..].split('<').next().unwrap().to_string();
    assert!(token.starts_with("rst_"), "{token}");
    let (_, list) = keyless(b.get(tokens).await).await;
    assert!(!list.contains(&token), "shown once");
    assert!(
        list.contains("read") && list.contains("/tokens/1/revoke"),
        "{list}"
    );
    let api = |token: String| {
        let http = site.http.clone();
        let url = site.url("/api/info");
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(api(token.clone()).await, 200);
    assert_eq!(
        b.post(tokens, &[("csrf", "nope"), ("scope", "chat")])
            .await
            .status(),
        403
    );
    let (status, _) = keyless(b.post(tokens, &[("csrf", &csrf)]).await).await;
    assert_eq!(status, 400, "no scope chosen");
    assert_eq!(
        b.post("/bob/dashboard/tokens/1/revoke", &[("csrf", "")])
            .await
            .status(),
        403
    );
    assert_eq!(
        api(token.clone()).await,
        200,
        "a refused revoke revokes nothing"
    );
    let r = b
        .post("/bob/dashboard/tokens/1/revoke", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(api(token).await, 401, "revoked");
    let (_, list) = keyless(b.get(tokens).await).await;
    assert!(list.contains("revoked"), "{list}");

    // Sign-out ends the session in the store: the same cookie opens nothing afterwards.
    let r = b.post("/bob/dashboard/signout", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(b.get("/bob/dashboard").await.status(), 303);
    assert_eq!(b.set(&csrf, "description", "late").await, 303);
    assert_eq!(described().await, "changed");
    assert!(!site.log().contains(KEY), "no key in the log");
}

pub async fn dashboard_sign_in_is_budgeted_like_the_api(backend: Backend) {
    let site = site().proxy_hops(1).streamer("bob", KEY);
    let site = site.start(backend).await;
    let mut b = Browser::new(&site);
    b.from = Some("198.51.100.7");
    for i in 0..20 {
        assert_eq!(b.sign_in("guess").await.status(), 403, "{i}");
    }
    let r = b.sign_in(KEY).await;
    assert_eq!(r.status(), 429, "the right key, budget spent");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    keyless(r).await;
    // The API's budget is the same one.
    let api = site
        .http
        .get(site.url("/api/info"))
        .basic_auth("bob", Some(KEY));
    let api = api
        .header("x-forwarded-for", "198.51.100.7")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 429);

    // Another caller is not held up; behind a proxy saying https the cookie is Secure.
    b.from = Some("198.51.100.8");
    let r = b
        .request(reqwest::Method::POST, "/bob/dashboard/signin")
        .header("origin", "https://site.example")
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "site.example")
        .form(&[("key", KEY)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .ends_with("; Secure"));
    b.cookie = cookie_pair(r.headers());
    assert_eq!(b.get("/bob/dashboard").await.status(), 200);
}

pub async fn a_session_and_the_budgets_hold_on_every_instance(backend: Backend) {
    if !redis_reachable().await {
        return;
    }
    let Some(db) = TestDb::mysql().await else {
        return;
    };
    let site = site().db(db).yaml(&redis_yaml(&redis_url())).proxy_hops(1);
    let site = site.streamer("bob", KEY).start(backend).await;
    let other = site.another_instance().await;
    let (mut a, mut b) = (Browser::new(&site), Browser::at(&site, other.base()));
    a.from = Some("198.51.100.9");
    b.from = a.from;
    assert_eq!(a.sign_in(KEY).await.status(), 303);
    b.cookie = a.cookie.clone();
    assert_eq!(
        b.get("/bob/dashboard").await.status(),
        200,
        "the other instance"
    );
    let csrf = b.csrf("/bob/dashboard/settings").await;
    assert_eq!(csrf, a.csrf("/bob/dashboard/settings").await, "one token");
    assert_eq!(b.set(&csrf, "description", "from b").await, 303);
    assert_eq!(site.json("/bob/info").await["description"], "from b");
    assert_eq!(
        b.post("/bob/dashboard/signout", &[("csrf", &csrf)])
            .await
            .status(),
        303
    );
    assert_eq!(
        a.get("/bob/dashboard").await.status(),
        303,
        "signed out everywhere"
    );

    // Wrong keys on one instance spend the budget the other one checks (Redis).
    for _ in 0..20 {
        assert_eq!(a.sign_in("guess").await.status(), 403);
    }
    assert_eq!(b.sign_in(KEY).await.status(), 429);
}
