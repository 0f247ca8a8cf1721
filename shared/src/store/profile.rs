//! A streamer's profile links: the one the Python system kept, the Mastodon URL
//! (`streamersettings.mastodon`), which the stream page shows as `<a rel="me">` so Mastodon can
//! verify the profile; and up to [`MAX_PROFILE_LINKS`] more, each a label and a URL, set in the
//! dashboard and shown beside it.

use super::{opt_text, Store, StoreResult};
use serde::{Deserialize, Serialize};

/// What the stream page shows of a streamer's profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The Mastodon URL, shown as `<a rel="me">`.
    pub mastodon: Option<String>,
    pub links: Vec<ProfileLink>,
}

/// A link as stored, checked again by [`ProfileLink::new`] when read.
#[derive(Deserialize)]
struct StoredLink {
    label: String,
    url: String,
}

/// How many links besides the Mastodon one a streamer may show.
pub const MAX_PROFILE_LINKS: usize = 5;

/// Longest label of a link, in characters.
pub const MAX_LINK_LABEL: usize = 40;

/// A link on the stream page: a label (the URL's host when none is given) and a URL that
/// passes [`check_profile_url`]. Built only through [`ProfileLink::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileLink {
    label: String,
    url: String,
}

impl ProfileLink {
    /// The link of `url` labelled `label` (trimmed; blank: the URL's host); why not.
    pub fn new(label: &str, url: &str) -> Result<Self, String> {
        let url = url.trim();
        check_profile_url(url)?;
        let label = match label.trim() {
            "" => url::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default(),
            l => l.to_string(),
        };
        if label.chars().count() > MAX_LINK_LABEL {
            return Err(format!(
                "a label is longer than {MAX_LINK_LABEL} characters"
            ));
        }
        if label.chars().any(char::is_control) {
            return Err("a label holds control characters".into());
        }
        Ok(Self {
            label,
            url: url.to_string(),
        })
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

/// Longest accepted profile URL (the column's size).
pub const MAX_PROFILE_URL: usize = 255;

/// Whether `url` may be put on a public page as a link: an absolute http(s) URL with a host,
/// no control characters or quotes, at most [`MAX_PROFILE_URL`] bytes.
pub fn check_profile_url(url: &str) -> Result<(), String> {
    crate::net::web_url(url, MAX_PROFILE_URL)?;
    if url
        .chars()
        .any(|c| c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(format!("`{url}` holds characters a link cannot carry"));
    }
    Ok(())
}

impl Store {
    /// Sets a profile column of the streamer's row (`None`: empty); an unknown streamer is an
    /// error.
    async fn set_profile_column(
        &self,
        username: &str,
        column: &str,
        value: Option<&str>,
    ) -> StoreResult<()> {
        let sql = format!("UPDATE streamers SET {column} = ? WHERE username_lower = ?");
        let r = sqlx::query(&sql)
            .bind(value)
            .bind(username.to_ascii_lowercase())
            .execute(&self.pool)
            .await?;
        self.require_one(r.rows_affected(), username).await
    }

    /// The streamer's Mastodon URL, if it has one (`None` for an unknown streamer too).
    pub async fn mastodon(&self, username: &str) -> StoreResult<Option<String>> {
        Ok(self.profile(username).await?.mastodon)
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
        self.set_profile_column(username, "mastodon", url).await?;
        Ok(Ok(()))
    }

    /// The streamer's profile links in one read: the Mastodon URL and the others, in the
    /// order set (nothing for an unknown streamer; a stored link that no longer passes the
    /// checks is left out).
    pub async fn profile(&self, username: &str) -> StoreResult<Profile> {
        let row =
            sqlx::query("SELECT mastodon, profile_links FROM streamers WHERE username_lower = ?")
                .bind(username.to_ascii_lowercase())
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else {
            return Ok(Profile::default());
        };
        let listed: Vec<StoredLink> = opt_text(&row, "profile_links")?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        Ok(Profile {
            mastodon: opt_text(&row, "mastodon")?.filter(|m| !m.is_empty()),
            links: listed
                .into_iter()
                .filter_map(|l| ProfileLink::new(&l.label, &l.url).ok())
                .take(MAX_PROFILE_LINKS)
                .collect(),
        })
    }

    /// Replaces the streamer's links (at most [`MAX_PROFILE_LINKS`]; the error says why not,
    /// and nothing is stored then).
    pub async fn set_profile_links(
        &self,
        username: &str,
        links: &[ProfileLink],
    ) -> StoreResult<Result<(), String>> {
        if links.len() > MAX_PROFILE_LINKS {
            return Ok(Err(format!("at most {MAX_PROFILE_LINKS} links")));
        }
        let json = serde_json::to_string(links).unwrap_or_else(|_| "[]".into());
        let json = Some(json.as_str()).filter(|_| !links.is_empty());
        self.set_profile_column(username, "profile_links", json)
            .await?;
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::{check_profile_url, ProfileLink};

    #[test]
    fn a_link_has_a_label_and_a_plain_web_url() {
        let l = ProfileLink::new(" My shop ", " https://shop.example/amy ").unwrap();
        assert_eq!(
            (l.label(), l.url()),
            ("My shop", "https://shop.example/amy")
        );
        let unlabelled = ProfileLink::new("", "https://video.example/@amy").unwrap();
        assert_eq!(unlabelled.label(), "video.example");
        assert!(ProfileLink::new("x", "javascript:alert(1)").is_err());
        assert!(ProfileLink::new(&"x".repeat(41), "https://a.example").is_err());
        assert!(ProfileLink::new("a\u{7}b", "https://a.example").is_err());
    }

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
