//! Big rooms (SPEC §5a): `login success` carries the roster's first 100 members and `count`;
//! `get users {offset}` pages through the rest as `userlist {users, offset, count}` (and
//! `/users` gives the first page); `find users {prefix}` answers `users found {users}` for the
//! `@` type-ahead. Bad requests get an error and change nothing.

use crate::chat::site;
use rsstreaming_testkit::Chat;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const ROOM_SIZE: usize = 130;

fn names(users: &Value) -> Vec<String> {
    users
        .as_array()
        .expect("a list of users")
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn big_rooms_page_the_roster_and_find_names_by_prefix() {
    let site = site().await;
    let base = site.base();
    let fans = (0..ROOM_SIZE - 1).map(|i| format!("fan{i:03}"));
    let _fans = Chat::crowd(base, "streamer", fans).await;
    let (mut me, joined) = Chat::login(base, "streamer", "latecomer").await;
    assert_eq!(joined["count"], ROOM_SIZE, "{joined}");
    let first = names(&joined["users"]);
    assert_eq!(first.len(), 100, "at most the first 100 members");

    // The pages cover the room once, in order.
    let mut seen: BTreeSet<String> = first.iter().cloned().collect();
    me.send("get users", json!({"offset": 100})).await;
    let page = me.expect("userlist").await;
    assert_eq!(
        (&page["offset"], &page["count"]),
        (&json!(100), &json!(ROOM_SIZE))
    );
    let rest = names(&page["users"]);
    assert_eq!(rest.len(), ROOM_SIZE - 100);
    seen.extend(rest);
    assert_eq!(seen.len(), ROOM_SIZE, "every member once");
    assert!(seen.contains("latecomer"));
    me.send("get users", json!({"offset": 5000})).await;
    let past = me.expect("userlist").await;
    assert!(names(&past["users"]).is_empty(), "{past}");
    assert_eq!(past["count"], ROOM_SIZE);
    me.say("/users").await;
    let listed = me.expect("userlist").await;
    assert_eq!(
        (names(&listed["users"]).len(), &listed["offset"]),
        (100, &json!(0))
    );

    // The type-ahead's lookup: by prefix, letter case aside, at most 20.
    me.send("find users", json!({"prefix": "FAN12"})).await;
    let found = names(&me.expect("users found").await["users"]);
    let want: Vec<String> = (120..ROOM_SIZE - 1).map(|i| format!("fan{i:03}")).collect();
    assert_eq!(found, want);
    me.send("find users", json!({"prefix": "fan"})).await;
    assert_eq!(names(&me.expect("users found").await["users"]).len(), 20);
    me.send("find users", json!({"prefix": "nobody"})).await;
    assert!(names(&me.expect("users found").await["users"]).is_empty());

    // Bad requests: an error, nothing else.
    for bad in [
        json!({"offset": -1}),
        json!({"offset": "ten"}),
        json!({"prefix": "x".repeat(65)}),
        json!({}),
    ] {
        let event = if bad.get("offset").is_some() {
            "get users"
        } else {
            "find users"
        };
        me.send(event, bad.clone()).await;
        let e = me.expect_error().await;
        assert!(e.as_str().unwrap().contains(event), "{bad}: {e}");
    }
    // Only a logged-in socket asks.
    let mut viewer = Chat::viewer(base, "streamer").await;
    viewer.send("get users", json!({"offset": 0})).await;
    viewer.expect_error().await;
    assert!(site.log().lines().all(|l| !l.contains("panicked")));
}
