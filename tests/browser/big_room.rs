//! A big room on the page (SPEC §5a): the page knows only the roster's first 100 members, so
//! the `@` type-ahead asks the server for a name beyond them (`find users`), and `/users` shows
//! the first page with a button that fetches the next (`get users`).

use crate::site::amy;
use rsstreaming_testkit::browser::{Driver, Size};
use rsstreaming_testkit::Chat;

#[tokio::test]
async fn the_user_list_pages_and_the_type_ahead_finds_names_beyond_the_first_page() {
    let Some((driver, site)) = Driver::with_site(amy()).await else {
        return;
    };
    // 110 fans, then one whose name sorts after all of them: past the first page.
    let names = (0..110).map(|i| format!("fan{i:03}"));
    let names = names.chain(["zz_faraway".to_string()]);
    let _fans = Chat::crowd(site.base(), "amy", names).await;
    let b = driver.browser(Size::Phone).await;
    b.goto(&site.url("/amy/")).await;
    b.join("alice", 1).await;
    b.type_into("#chat-input", "@zz_").await;
    b.wait_until(
        "[...document.querySelectorAll('#typeahead-list [role=option]')].some(o => o.textContent.includes('zz_faraway'))",
        "the far name suggested from the server's lookup",
    )
    .await;
    b.exec(
        "const i = document.getElementById('chat-input'); i.value = ''; i.dispatchEvent(new Event('input')); return null;",
        vec![],
    )
    .await;

    b.type_into("#chat-input", "/users\n").await;
    b.wait_line(".line-server", "In chat (112)").await;
    b.wait_until(
        "!!document.querySelector('#messages .userlist-more')",
        "a button for the next page",
    )
    .await;
    b.click("#messages .userlist-more").await;
    b.wait_line(".line-server", "In chat (101–112 of 112)")
        .await;
    b.wait_line(".line-server", "zz_faraway").await;
    assert_eq!(
        b.eval("document.querySelectorAll('#messages .userlist-more').length")
            .await,
        0,
        "no button once every page is shown"
    );
    b.close().await;
}
