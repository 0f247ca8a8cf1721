//! Big rooms (SPEC §5a): a roster is never sent whole. `login success` carries its first
//! [`PAGE`] members and the room's size; `get users {offset}` (and `/users`, from 0) answers one
//! page as `userlist {users, offset, count}`; the `@` type-ahead asks `find users {prefix}` and
//! gets at most [`FOUND`] names starting with it (letter case aside) as `users found {users}`.

use super::member::{Member, User};
use super::protocol::Outgoing;

/// Members in one page of the roster.
pub const PAGE: usize = 100;

/// Names `find users` answers with at most.
pub const FOUND: usize = 20;

/// The longest prefix `find users` takes (a chat name is at most 64 bytes).
pub const MAX_PREFIX: usize = 64;

/// The page of `roster` (in its order) starting at `offset`.
pub fn page(roster: &[Member], offset: usize) -> Vec<User> {
    roster
        .iter()
        .skip(offset)
        .take(PAGE)
        .map(Member::user)
        .collect()
}

/// `userlist` for the page at `offset`.
pub fn userlist(roster: &[Member], offset: usize) -> Outgoing {
    Outgoing::Userlist {
        users: page(roster, offset),
        offset,
        count: roster.len(),
    }
}

/// `users found`: the members whose name starts with `prefix` (letter case aside), by name.
pub fn found(roster: &[Member], prefix: &str) -> Outgoing {
    let prefix = prefix.to_lowercase();
    let mut users: Vec<User> = roster
        .iter()
        .filter(|m| m.username.to_lowercase().starts_with(&prefix))
        .map(Member::user)
        .collect();
    users.sort_by_key(|u| u.username.to_lowercase());
    users.truncate(FOUND);
    Outgoing::UsersFound { users }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::member::ChatterType;

    fn roster(n: usize) -> Vec<Member> {
        (0..n)
            .map(|i| {
                Member::new(
                    &format!("s{i}"),
                    &format!("User{i:04}"),
                    ChatterType::Normal,
                    "#000000",
                )
            })
            .collect()
    }

    #[test]
    fn pages_and_prefixes() {
        let r = roster(250);
        assert_eq!(page(&r, 0).len(), PAGE);
        assert_eq!(page(&r, 200).len(), 50);
        assert!(page(&r, 1000).is_empty());
        match userlist(&r, 100) {
            Outgoing::Userlist {
                users,
                offset,
                count,
            } => {
                assert_eq!(
                    (users[0].username.as_str(), offset, count),
                    ("User0100", 100, 250)
                );
            }
            other => panic!("{other:?}"),
        }
        match found(&r, "user01") {
            Outgoing::UsersFound { users } => {
                assert_eq!(users.len(), FOUND);
                assert_eq!(users[0].username, "User0100");
            }
            other => panic!("{other:?}"),
        }
        match found(&r, "nobody") {
            Outgoing::UsersFound { users } => assert!(users.is_empty()),
            other => panic!("{other:?}"),
        }
    }
}
