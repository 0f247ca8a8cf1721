//! Conformance of the shared-state backends: every test runs against the in-process backend and
//! against Redis (a unique key prefix per test), with two instances sharing one state, as two
//! gateway processes share one Redis.

use bytes::Bytes;
use rsstreaming_shared::chat::{ChatterType, Member};
use rsstreaming_shared::state::{
    Announcement, ChatState, Inbound, MemoryState, MuteBinding, RedisState, Replace, StateOptions,
};
use rsstreaming_testkit::config::{redis_url, unique_prefix};
use rsstreaming_testkit::machine::missing;
use std::sync::Arc;
use std::time::Duration;

type Pair = (Arc<dyn ChatState>, Arc<dyn ChatState>);

fn options() -> StateOptions {
    StateOptions {
        instance_ttl: Duration::from_millis(1500),
    }
}

/// Both backends, each as two instances sharing one state.
pub(crate) async fn backends() -> Vec<(&'static str, Pair)> {
    let a = MemoryState::with_options(options());
    let b = a.peer();
    let mut v: Vec<(&'static str, Pair)> = vec![("memory", (Arc::new(a), Arc::new(b)))];
    let prefix = unique_prefix();
    match RedisState::connect(&redis_url(), &prefix, options()).await {
        Ok(a) => {
            let b = RedisState::connect(&redis_url(), &prefix, options())
                .await
                .expect("second redis client");
            v.push(("redis", (Arc::new(a), Arc::new(b))));
        }
        Err(e) => {
            missing(&format!("the Redis backend: Redis unreachable: {e}"));
        }
    }
    v
}

fn member(state: &Arc<dyn ChatState>, n: u32, name: &str) -> Member {
    Member::new(
        &format!("{}.{n}", state.instance_id()),
        name,
        ChatterType::Normal,
        "#123456",
    )
}

async fn next_inbound(rx: &mut tokio::sync::mpsc::Receiver<Inbound>) -> Inbound {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(Inbound::Resynced)) => continue,
            Ok(Some(i)) => return i,
            Ok(None) => panic!("inbound stream closed"),
            Err(_) => panic!("nothing arrived within 5 s"),
        }
    }
}

#[tokio::test]
async fn names_are_claimed_once_across_instances() {
    for (name, (a, b)) in backends().await {
        let alice = member(&a, 1, "Alice");
        assert!(a.claim("room", &alice).await.unwrap(), "{name}");
        assert!(
            !b.claim("room", &member(&b, 1, "ALICE")).await.unwrap(),
            "{name}: case-insensitive"
        );
        assert!(
            b.claim("other", &member(&b, 1, "alice")).await.unwrap(),
            "{name}: per room"
        );
        // The same socket claiming again restores rather than conflicts.
        assert!(a.claim("room", &alice).await.unwrap(), "{name}");
        assert_eq!(b.members("room").await.unwrap(), ["Alice"], "{name}");
        assert_eq!(
            b.roster("room").await.unwrap(),
            std::slice::from_ref(&alice),
            "{name}"
        );
        assert_eq!(
            b.member("room", &alice.socket).await.unwrap(),
            Some(alice.clone()),
            "{name}"
        );
        assert_eq!(b.member("room", "nope.1").await.unwrap(), None, "{name}");
    }
}

#[tokio::test]
async fn the_roster_head_is_the_rosters_first_members_and_its_size() {
    for (name, (a, b)) in backends().await {
        for i in 0..30 {
            let who = member(&a, i, &format!("user{:02}", 29 - i));
            assert!(a.claim("head", &who).await.unwrap(), "{name}");
        }
        let all = b.roster("head").await.unwrap();
        let (head, count) = b.roster_head("head", 10).await.unwrap();
        assert_eq!(count, 30, "{name}");
        assert_eq!(head, all[..10], "{name}: the first ten in roster order");
        let (whole, _) = b.roster_head("head", 100).await.unwrap();
        assert_eq!(whole, all, "{name}");
        assert_eq!(
            b.roster_head("empty", 10).await.unwrap(),
            (vec![], 0),
            "{name}"
        );
    }
}

#[tokio::test]
async fn concurrent_claims_of_one_name_have_one_winner() {
    for (name, (a, b)) in backends().await {
        let mut tasks = Vec::new();
        for i in 0..10u32 {
            let s = if i % 2 == 0 { a.clone() } else { b.clone() };
            let m = member(&s, i, "Zed");
            tasks.push(tokio::spawn(
                async move { s.claim("race", &m).await.unwrap() },
            ));
        }
        let mut wins = 0;
        for t in tasks {
            wins += t.await.unwrap() as usize;
        }
        assert_eq!(wins, 1, "{name}");
        assert_eq!(a.roster("race").await.unwrap().len(), 1, "{name}");
    }
}

/// Replaces `old` by `new` in room `r`.
async fn replace(state: &Arc<dyn ChatState>, old: &Member, new: &Member) -> Replace {
    state.replace("r", old, new).await.unwrap()
}

#[tokio::test]
async fn changes_are_compare_and_set() {
    for (name, (a, b)) in backends().await {
        let bob = member(&a, 1, "bob");
        let eve = member(&b, 2, "eve");
        assert!(a.claim("r", &bob).await.unwrap());
        assert!(b.claim("r", &eve).await.unwrap());
        let muted = Member {
            muted: true,
            ..bob.clone()
        }
        .bumped();
        assert_eq!(replace(&b, &bob, &muted).await, Replace::Done, "{name}");
        // A decision made on the old entry is stale now.
        let red = Member {
            color: "#ff0000".into(),
            ..bob.clone()
        }
        .bumped();
        assert_eq!(replace(&a, &bob, &red).await, Replace::Stale, "{name}");
        assert_eq!(
            a.member("r", &bob.socket).await.unwrap(),
            Some(muted.clone()),
            "{name}"
        );
        // Renames keep names unique and free the old one.
        assert_eq!(
            replace(&a, &muted, &muted.renamed("EVE")).await,
            Replace::Taken,
            "{name}"
        );
        let robert = muted.renamed("Robert");
        assert_eq!(replace(&a, &muted, &robert).await, Replace::Done, "{name}");
        assert!(
            b.claim("r", &member(&b, 3, "BOB")).await.unwrap(),
            "{name}: old name is free"
        );
        assert!(
            !b.claim("r", &member(&b, 4, "robert")).await.unwrap(),
            "{name}: new name is held"
        );
        // A case-only rename keeps the name.
        let upper = robert.renamed("ROBERT");
        assert_eq!(replace(&a, &robert, &upper).await, Replace::Done, "{name}");
        assert!(
            !b.claim("r", &member(&b, 5, "Robert")).await.unwrap(),
            "{name}"
        );
        // A chatter who left can't be changed.
        let gone = a.release("r", &eve.socket).await.unwrap();
        assert_eq!(gone, Some(eve.clone()), "{name}");
        assert_eq!(
            replace(&a, &eve, &eve.renamed("x")).await,
            Replace::Stale,
            "{name}"
        );
    }
}

#[tokio::test]
async fn release_happens_once_and_frees_the_name() {
    for (name, (a, b)) in backends().await {
        let m = member(&a, 1, "Ünïcode");
        assert!(a.claim("r", &m).await.unwrap());
        let (x, y) = tokio::join!(a.release("r", &m.socket), b.release("r", &m.socket));
        assert_eq!(
            x.unwrap().is_some() as u8 + y.unwrap().is_some() as u8,
            1,
            "{name}"
        );
        assert!(
            b.claim("r", &member(&b, 1, "üNÏCODE")).await.unwrap(),
            "{name}"
        );
        assert_eq!(a.release("r", "none.1").await.unwrap(), None, "{name}");
    }
}

#[tokio::test]
async fn room_payloads_reach_following_instances_in_order() {
    for (name, (a, b)) in backends().await {
        let mut rx_a = a.subscribe().await.unwrap();
        let mut rx_b = b.subscribe().await.unwrap();
        a.follow("r1").await.unwrap();
        b.follow("r1").await.unwrap();
        b.follow("r2").await.unwrap();
        for i in 0..20 {
            b.publish("r1", Bytes::from(format!("m{i}"))).await.unwrap();
        }
        a.publish("r2", Bytes::from_static(b"only b"))
            .await
            .unwrap();
        for rx in [&mut rx_a, &mut rx_b] {
            for i in 0..20 {
                assert_eq!(
                    next_inbound(rx).await,
                    Inbound::Room {
                        room: "r1".into(),
                        payload: Bytes::from(format!("m{i}"))
                    },
                    "{name}"
                );
            }
        }
        assert_eq!(
            next_inbound(&mut rx_b).await,
            Inbound::Room {
                room: "r2".into(),
                payload: Bytes::from_static(b"only b")
            },
            "{name}"
        );
        a.unfollow("r1").await.unwrap();
        b.publish("r1", Bytes::from_static(b"after")).await.unwrap();
        assert!(
            matches!(next_inbound(&mut rx_b).await, Inbound::Room { .. }),
            "{name}"
        );
        // Announcements reach every instance, following or not.
        let ann = Announcement::EmoteAdded {
            alias: "kappa".into(),
            uri: "/k.png".into(),
        };
        b.announce(&ann).await.unwrap();
        assert_eq!(
            next_inbound(&mut rx_a).await,
            Inbound::Announcement(ann.clone()),
            "{name}: a got no stale r1 frame"
        );
        assert_eq!(
            next_inbound(&mut rx_b).await,
            Inbound::Announcement(ann),
            "{name}"
        );
    }
}

#[tokio::test]
async fn viewers_are_sockets_seen_recently() {
    for (name, (a, b)) in backends().await {
        a.touch_presence(&[
            ("v".into(), "a.1".into()),
            ("v".into(), "a.2".into()),
            ("w".into(), "a.3".into()),
        ])
        .await
        .unwrap();
        b.touch_presence(&[("v".into(), "b.1".into())])
            .await
            .unwrap();
        b.touch_presence(&[("v".into(), "b.1".into())])
            .await
            .unwrap();
        assert_eq!(a.viewer_count("v").await.unwrap(), 3, "{name}");
        assert_eq!(b.viewer_count("w").await.unwrap(), 1, "{name}");
        assert_eq!(b.viewer_count("none").await.unwrap(), 0, "{name}");
        b.drop_presence("v", "a.1").await.unwrap();
        assert_eq!(a.viewer_count("v").await.unwrap(), 2, "{name}");
        let mut rooms = a.presence_rooms().await.unwrap();
        rooms.sort();
        assert_eq!(rooms, ["v", "w"], "{name}");
        // Each change of the count is noted by exactly one instance.
        assert!(a.note_viewers("v", 2).await.unwrap(), "{name}");
        assert!(!b.note_viewers("v", 2).await.unwrap(), "{name}");
        assert!(b.note_viewers("v", 1).await.unwrap(), "{name}");
        assert!(
            !a.note_viewers("x", 0).await.unwrap(),
            "{name}: zero is the starting count"
        );
    }
}

#[tokio::test]
async fn a_dead_instances_chatters_are_swept_once() {
    for (name, (a, b)) in backends().await {
        let gone = member(&a, 1, "ghost");
        let stays = member(&b, 1, "alive");
        a.heartbeat().await.unwrap();
        b.heartbeat().await.unwrap();
        assert!(a.claim("r", &gone).await.unwrap());
        assert!(b.claim("r", &stays).await.unwrap());
        assert!(
            b.sweep().await.unwrap().is_empty(),
            "{name}: everyone alive"
        );
        // `a` stops heartbeating (its process was killed); `b` keeps going.
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            b.heartbeat().await.unwrap();
        }
        let (x, y) = tokio::join!(b.sweep(), b.sweep());
        let mut swept = x.unwrap();
        swept.extend(y.unwrap());
        assert_eq!(swept, [("r".to_string(), gone.clone())], "{name}");
        assert_eq!(b.members("r").await.unwrap(), ["alive"], "{name}");
        assert!(
            b.claim("r", &member(&b, 2, "GHOST")).await.unwrap(),
            "{name}: the name is free again"
        );
    }
}

#[tokio::test]
async fn throttles_count_hits_in_a_window() {
    for (name, (a, b)) in backends().await {
        assert!(a.throttle("t", 2, 60).await.unwrap(), "{name}");
        assert!(b.throttle("t", 2, 60).await.unwrap(), "{name}");
        assert!(!a.throttle("t", 2, 60).await.unwrap(), "{name}");
        assert!(a.throttle("other", 2, 60).await.unwrap(), "{name}");
        // One counter per window, shared by the instances; give-backs never go below zero
        // and never open a window; the window closes on its own.
        assert_eq!(b.count("c", 1, -1).await.unwrap().hits, 0, "{name}");
        assert_eq!(a.count("c", 1, 1).await.unwrap().hits, 1, "{name}");
        let two = b.count("c", 1, 1).await.unwrap();
        assert_eq!(two.hits, 2, "{name}");
        assert!(two.resets_in <= Duration::from_secs(1), "{name}");
        assert_eq!(a.count("c", 1, -1).await.unwrap().hits, 1, "{name}");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(
            a.count("c", 1, 1).await.unwrap().hits,
            1,
            "{name}: a new window"
        );
    }
}

#[tokio::test]
async fn an_unreachable_redis_is_a_clear_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("redis://127.0.0.1:{port}");
    let err = match RedisState::connect(&url, "x", StateOptions::default()).await {
        Ok(_) => panic!("connected to nothing"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("cannot reach Redis") && err.contains(&url),
        "{err}"
    );
}

#[tokio::test]
async fn mutes_bind_to_name_and_address_across_instances_until_lifted_or_expired() {
    for (name, (a, b)) in backends().await {
        let forever = MuteBinding {
            name_key: "eve".into(),
            addr: Some("198.51.100.7".into()),
            ttl: None,
        };
        a.bind_mute("r", &forever).await.unwrap();
        for (key, addr, muted) in [
            ("eve", None, true),
            ("eve", Some("203.0.113.1"), true),
            ("other", Some("198.51.100.7"), true),
            ("other", Some("203.0.113.1"), false),
        ] {
            assert_eq!(
                b.is_muted("r", key, addr).await.unwrap(),
                muted,
                "{name}: {key} {addr:?}"
            );
        }
        assert!(
            !b.is_muted("another room", "eve", None).await.unwrap(),
            "{name}"
        );
        // Lifting the name lifts the address it was bound with, and the one given.
        b.lift_mute("r", "eve", None).await.unwrap();
        assert!(
            !a.is_muted("r", "eve", Some("198.51.100.7")).await.unwrap(),
            "{name}"
        );
        let brief = MuteBinding {
            ttl: Some(Duration::from_millis(300)),
            ..forever.clone()
        };
        a.bind_mute("r", &brief).await.unwrap();
        assert!(b.is_muted("r", "eve", None).await.unwrap(), "{name}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            !b.is_muted("r", "eve", Some("198.51.100.7")).await.unwrap(),
            "{name}: expired"
        );
        a.bind_mute("r", &forever).await.unwrap();
        a.lift_mute("r", "renamed", Some("198.51.100.7"))
            .await
            .unwrap();
        assert!(
            !b.is_muted("r", "x", Some("198.51.100.7")).await.unwrap(),
            "{name}"
        );
        assert!(b.is_muted("r", "eve", None).await.unwrap(), "{name}");
    }
}
