//! Custom emotes: `:alias:` in chat drawn as the image at `uri`.

use super::{is_unique_violation, now_ms, text, Store, StoreError, StoreResult};
use crate::names::valid_alias;
use serde::Serialize;

/// One custom emote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Emote {
    pub alias: String,
    pub uri: String,
}

/// Longest accepted emote URI; a data URI of a small image fits comfortably.
const MAX_URI: usize = 64 * 1024;

/// Only URIs a browser can load as an image without running anything: http(s), a site path,
/// or an inline raster image.
pub(crate) fn check_uri(uri: &str) -> StoreResult<()> {
    let lower = uri.to_ascii_lowercase();
    let ok = uri.len() <= MAX_URI
        && !uri
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '<' || c == '>')
        && (lower.starts_with("https://")
            || lower.starts_with("http://")
            || (uri.starts_with('/') && !uri.starts_with("//"))
            || [
                "data:image/png;",
                "data:image/gif;",
                "data:image/jpeg;",
                "data:image/webp;",
            ]
            .iter()
            .any(|p| lower.starts_with(p)));
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidUri(
            "use an http(s) URL, a /path on this site, or a data:image/png|gif|jpeg|webp URI"
                .into(),
        ))
    }
}

impl Store {
    /// Every emote, ordered by alias.
    pub async fn emotes(&self) -> StoreResult<Vec<Emote>> {
        let rows = sqlx::query("SELECT alias, uri FROM emotes ORDER BY alias_lower")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Emote {
                    alias: text(r, "alias")?,
                    uri: text(r, "uri")?,
                })
            })
            .collect()
    }

    /// Adds an emote; aliases are unique in any letter case.
    pub async fn add_emote(&self, alias: &str, uri: &str) -> StoreResult<Emote> {
        if !valid_alias(alias) {
            return Err(StoreError::InvalidAlias(alias.to_string()));
        }
        check_uri(uri)?;
        let result = sqlx::query(
            "INSERT INTO emotes (alias, alias_lower, uri, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(alias)
        .bind(alias.to_ascii_lowercase())
        .bind(uri)
        .bind(now_ms())
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(Emote {
                alias: alias.to_string(),
                uri: uri.to_string(),
            }),
            Err(e) if is_unique_violation(&e) => Err(StoreError::DuplicateEmote(alias.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes an emote.
    pub async fn drop_emote(&self, alias: &str) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM emotes WHERE alias_lower = ?")
            .bind(alias.to_ascii_lowercase())
            .execute(&self.pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::UnknownEmote(alias.to_string()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check_uri;

    #[test]
    fn only_image_uris() {
        assert!(check_uri("https://x/y.png").is_ok());
        assert!(check_uri("/static/e/x.png").is_ok());
        assert!(check_uri("data:image/png;base64,AAAA").is_ok());
        assert!(check_uri("javascript:alert(1)").is_err());
        assert!(check_uri("//evil/x.png").is_err());
        assert!(check_uri("data:text/html,<b>").is_err());
        assert!(check_uri("https://x/\"onerror=").is_err());
    }
}
