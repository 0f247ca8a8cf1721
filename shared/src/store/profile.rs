//! A streamer's profile links. Today the one the Python system kept: the Mastodon URL
//! (`streamersettings.mastodon`), which the stream page shows as `<a rel="me">` so Mastodon can
//! verify the profile.

use super::{opt_text, Store, StoreResult};

/// Longest accepted profile URL (the column's size).
pub const MAX_PROFILE_URL: usize = 255;

/// Whether `url` may be put on a public page as a link: an absolute http(s) URL with a host,
/// no control characters or quotes, at most [`MAX_PROFILE_URL`] bytes.
pub fn check_profile_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("`{url}` must be an http:// or https:// URL"));
    }
    if url.len() > MAX_PROFILE_URL {
        return Err(format!("the URL is longer than {MAX_PROFILE_URL} bytes"));
    }
    if url
        .chars()
        .any(|c| c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(format!("`{url}` holds characters a link cannot carry"));
    }
    Ok(())
}

impl Store {
    /// The streamer's Mastodon URL, if it has one (`None` for an unknown streamer too).
    pub async fn mastodon(&self, username: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT mastodon FROM streamers WHERE username_lower = ?")
            .bind(username.to_ascii_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| opt_text(&r, "mastodon"))
            .transpose()?
            .flatten()
            .filter(|m| !m.is_empty()))
    }

    /// Sets (or with `None`/empty, removes) the Mastodon URL, which must pass
    /// [`check_profile_url`] (the error says why not; nothing is stored then).
    pub async fn set_mastodon(
        &self,
        username: &str,
        url: Option<&str>,
    ) -> StoreResult<Result<(), String>> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        if let Some(Err(why)) = url.map(check_profile_url) {
            return Ok(Err(why));
        }
        let r = sqlx::query("UPDATE streamers SET mastodon = ? WHERE username_lower = ?")
            .bind(url)
            .bind(username.to_ascii_lowercase())
            .execute(&self.pool)
            .await?;
        self.require_one(r.rows_affected(), username).await?;
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::check_profile_url;

    #[test]
    fn only_plain_web_links() {
        assert!(check_profile_url("https://mastodon.social/@alice").is_ok());
        assert!(check_profile_url("http://example.org/@bob").is_ok());
        assert!(check_profile_url("javascript:alert(1)").is_err());
        assert!(check_profile_url("https://x/\"onmouseover=").is_err());
        assert!(check_profile_url("@alice@mastodon.social").is_err());
        assert!(check_profile_url(&format!("https://x/{}", "a".repeat(300))).is_err());
    }
}
