//! Profile links (SPEC §9, issue 14 point 5): `rsstreaming streamer mastodon` shows, sets and
//! removes the Mastodon link the stream page carries as `<a rel="me">`; the dashboard sets a
//! few more links, checked (http(s) only, bounded, escaped) and shown on the stream page.

use crate::http_dashboard::{keyless, Browser, KEY};
use crate::site;
use rsstreaming_testkit::cli::{cli, one_line_failure};
use rsstreaming_testkit::Backend;

/// The stream page's profile links paragraph (empty when it has none).
async fn links_on_the_page(site: &rsstreaming_testkit::Site) -> String {
    let (_, page) = keyless(site.get("/bob/").await).await;
    let Some(at) = page.find("<p class=\"profile-links\">") else {
        return String::new();
    };
    page[at..].split("</p>").next().unwrap().to_string()
}

pub async fn the_mastodon_command_and_the_dashboard_set_the_profile_links(backend: Backend) {
    let site = site().streamer("Bob", KEY).start(backend).await;
    let mastodon = |url: Option<&str>| {
        let mut args = vec!["streamer", "mastodon", "--username", "bob"];
        args.extend(url.map(|u| ["--url", u]).into_iter().flatten());
        site.cli(&args)
    };
    assert_eq!(mastodon(None).trim(), "bob has no Mastodon link");
    let url = "https://mastodon.social/@bob";
    assert!(mastodon(Some(url)).contains(url));
    assert_eq!(mastodon(None).trim(), url);
    let rel_me = format!("<a rel=\"me\" href=\"{url}\">Mastodon</a>");
    assert!(links_on_the_page(&site).await.contains(&rel_me));
    let refused = cli(
        &site.config,
        &[
            "streamer",
            "mastodon",
            "--username",
            "bob",
            "--url",
            "javascript:x",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        one_line_failure(&refused).contains("http"),
        "{}",
        one_line_failure(&refused)
    );
    let unknown = cli(
        &site.config,
        &["streamer", "mastodon", "--username", "nobody"],
    );
    assert!(!unknown.status.success(), "an unknown streamer");
    assert_eq!(mastodon(None).trim(), url, "a refused URL changes nothing");

    // A few more links from the dashboard: a blank row left out, a blank label the site's name.
    let mut b = Browser::new(&site);
    assert_eq!(b.sign_in(KEY).await.status(), 303);
    let csrf = b.csrf("/bob/dashboard/settings").await;
    let post = |rows: Vec<(&'static str, String)>| {
        let mut fields = vec![("csrf", csrf.clone()), ("setting", "links".to_string())];
        for (label, url) in rows {
            fields.push(("label", label.to_string()));
            fields.push(("url", url));
        }
        fields
    };
    let rows = vec![
        ("<b>Shop</b>", "https://shop.example/bob".to_string()),
        ("", "https://video.example/@bob".to_string()),
        ("ignored", String::new()),
    ];
    let send = |fields: Vec<(&'static str, String)>| {
        let b = &b;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            keyless(b.post("/bob/dashboard/settings", &fields).await).await
        }
    };
    assert_eq!(send(post(rows)).await.0, 303);
    let shown = links_on_the_page(&site).await;
    assert!(shown.contains(&rel_me), "{shown}");
    let shop = "<a href=\"https://shop.example/bob\" rel=\"noopener nofollow ugc\">&lt;b&gt;Shop&lt;/b&gt;</a>";
    assert!(shown.replace("&#x2f;", "/").contains(shop), "{shown}");
    assert!(
        shown.contains(">video.example</a>"),
        "labelled by its site: {shown}"
    );

    // Refused: a link that is not plain http(s), more than five; nothing changes.
    let bad = vec![("x", "javascript:alert(1)".to_string())];
    let (status, page) = send(post(bad)).await;
    assert_eq!(status, 400);
    assert!(page.contains("http"), "{page}");
    let six = (0..6)
        .map(|i| ("l", format!("https://e{i}.example/")))
        .collect();
    let (status, page) = send(post(six)).await;
    assert_eq!(status, 400);
    assert!(page.contains("at most 5 links"), "{page}");
    assert_eq!(links_on_the_page(&site).await, shown, "nothing changed");
    assert!(site
        .event_kinds("bob")
        .await
        .iter()
        .any(|k| k == "profile_links"));

    // Every row emptied: no links but the Mastodon one; removed, no paragraph at all.
    assert_eq!(send(post(vec![("", String::new())])).await.0, 303);
    assert_eq!(links_on_the_page(&site).await.matches("<a ").count(), 1);
    assert!(mastodon(Some("")).contains("removed"));
    assert_eq!(links_on_the_page(&site).await, "");
}
