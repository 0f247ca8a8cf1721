//! The in-process backend's mutes: per room, a name key or an address → when the mute ends
//! (`None`: when lifted), and for a name the address it was bound with, so lifting the name
//! lifts both.

use super::MuteBinding;
use std::collections::HashMap;
use std::time::Instant;

#[derive(Default)]
pub(super) struct MuteTable {
    /// `(room, "n:" + key | "a:" + addr)` → (ends, the address bound with a name).
    entries: HashMap<(String, String), (Option<Instant>, Option<String>)>,
}

fn live(ends: Option<Instant>, now: Instant) -> bool {
    ends.is_none_or(|t| t > now)
}

impl MuteTable {
    pub fn bind(&mut self, room: &str, mute: &MuteBinding) {
        let now = Instant::now();
        self.entries.retain(|_, (ends, _)| live(*ends, now));
        let ends = mute.ttl.map(|d| now + d);
        let name = (room.to_string(), format!("n:{}", mute.name_key));
        self.entries.insert(name, (ends, mute.addr.clone()));
        if let Some(addr) = &mute.addr {
            self.entries
                .insert((room.to_string(), format!("a:{addr}")), (ends, None));
        }
    }

    pub fn lift(&mut self, room: &str, name_key: &str, addr: Option<&str>) {
        let name = (room.to_string(), format!("n:{name_key}"));
        let bound = self.entries.remove(&name).and_then(|(_, a)| a);
        for a in bound.as_deref().into_iter().chain(addr) {
            self.entries.remove(&(room.to_string(), format!("a:{a}")));
        }
    }

    pub fn is_muted(&self, room: &str, name_key: &str, addr: Option<&str>) -> bool {
        let now = Instant::now();
        let hit = |k: String| {
            self.entries
                .get(&(room.to_string(), k))
                .is_some_and(|(ends, _)| live(*ends, now))
        };
        hit(format!("n:{name_key}")) || addr.is_some_and(|a| hit(format!("a:{a}")))
    }
}
