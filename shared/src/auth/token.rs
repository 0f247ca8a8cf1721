//! Scoped API tokens (SPEC §8): what a script holds instead of the stream key.
//!
//! A token is `rst_` + 32 random URL-safe characters, shown once when made. It is stored the
//! way keys are ([`super::hash_key`]: HMAC under the pepper), with its own domain prefix so a
//! token can never be mistaken for a key: nginx's on_publish and the chat's admin login look
//! keys up and find no token, so a token never publishes and never gives chat admin rights.
//! It opens only the `/api/*` operations of its scopes.

use std::fmt;
use std::str::FromStr;

/// What a token may do; each `/api/*` route of the route table names the one it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiScope {
    /// Read the stream's info, chat lines and past streams.
    Read,
    /// Post chat lines.
    Chat,
    /// Change the description and viewer password.
    Settings,
    /// Moderate the chat.
    Moderate,
}

impl ApiScope {
    /// Every scope, with its name: the one list.
    pub const ALL: [(ApiScope, &'static str); 4] = [
        (ApiScope::Read, "read"),
        (ApiScope::Chat, "chat"),
        (ApiScope::Settings, "settings"),
        (ApiScope::Moderate, "moderate"),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("", |(_, n)| n)
    }
}

impl fmt::Display for ApiScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of scopes, parsed from `read,chat` (at least one, each known, no repeats kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiScopes(Vec<ApiScope>);

impl ApiScopes {
    pub fn contains(&self, scope: ApiScope) -> bool {
        self.0.contains(&scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = ApiScope> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for ApiScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

impl FromStr for ApiScopes {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut scopes = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((scope, _)) = ApiScope::ALL
                .iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(part))
            else {
                let known: Vec<_> = ApiScope::ALL.iter().map(|(_, n)| *n).collect();
                return Err(format!("unknown scope `{part}` (use {})", known.join(", ")));
            };
            scopes.push(*scope);
        }
        if scopes.is_empty() {
            return Err("give at least one scope".into());
        }
        scopes.sort_unstable();
        scopes.dedup();
        Ok(Self(scopes))
    }
}

/// The prefix of every token, so one found in a log or a repository is recognisable.
pub const TOKEN_PREFIX: &str = "rst_";

/// A fresh token.
pub fn generate_token() -> String {
    format!("{TOKEN_PREFIX}{}", super::StreamKey::generate().expose())
}

/// The stored form of a token (keyed hash, apart from keys by its domain prefix).
pub fn hash_token(token: &str) -> String {
    super::hash_key(&format!("rsstreaming-api-token\0{token}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_strictly_and_tokens_hash_apart_from_keys() {
        let s: ApiScopes = "chat, READ,chat".parse().unwrap();
        assert_eq!(s.to_string(), "read,chat");
        assert!(s.contains(ApiScope::Read) && !s.contains(ApiScope::Settings));
        assert!("read,admin".parse::<ApiScopes>().is_err());
        assert!(" , ".parse::<ApiScopes>().is_err());
        let t = generate_token();
        assert!(t.starts_with(TOKEN_PREFIX) && t.len() == 36);
        assert_ne!(t, generate_token());
        assert_ne!(hash_token(&t), super::super::hash_key(&t));
        assert!(!hash_token(&t).contains(&t[4..]));
    }
}
