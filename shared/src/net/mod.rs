//! Who is calling, as far as the network can tell: the caller behind trusted proxies
//! ([`caller`]), the origins that may open the chat socket ([`origin`]), and address blocks
//! for allow-lists (the on_publish hook answers only trusted callers).

mod caller;
mod origin;

pub use caller::{
    header_values, parse_ip, readable, scheme, Caller, Forwarded, ProxyHops, UNKNOWN,
};
pub use origin::{normalize_origin, origin_allowed};

use std::net::IpAddr;

/// One exact address or CIDR block, IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    base: IpAddr,
    prefix: u8,
}

impl IpBlock {
    /// Parses `127.0.0.1`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let base: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| "not an IP address".to_string())?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("prefix length must be 0..={max}"))?,
            None => max,
        };
        Ok(Self { base, prefix })
    }

    /// Whether `ip` lies inside the block (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6
                .to_ipv4_mapped()
                .map(IpAddr::V4)
                .unwrap_or(IpAddr::V6(v6)),
            v4 => v4,
        };
        match (self.base, ip) {
            (IpAddr::V4(b), IpAddr::V4(i)) => {
                masked(u32::from(b).into(), self.prefix, 32)
                    == masked(u32::from(i).into(), self.prefix, 32)
            }
            (IpAddr::V6(b), IpAddr::V6(i)) => {
                masked(u128::from(b), self.prefix, 128) == masked(u128::from(i), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(value: u128, prefix: u8, bits: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let shift = bits - prefix;
    (value >> shift) << shift
}

/// The blocks of a configured allow-list (checked at config load, so none is dropped there).
pub fn blocks(list: &[String]) -> Vec<IpBlock> {
    list.iter().filter_map(|a| IpBlock::parse(a).ok()).collect()
}

/// Whether any block of the list holds `ip`. The [`UNKNOWN`] caller is never allowed, even by
/// `0.0.0.0/0`.
pub fn allowed(blocks: &[IpBlock], ip: IpAddr) -> bool {
    ip != UNKNOWN && blocks.iter().any(|b| b.contains(ip))
}

/// `url` parsed, when it is an absolute http(s) URL with a host and at most `max_len` bytes —
/// what may be put on a page as a link or be called back (why not, otherwise).
pub fn web_url(url: &str, max_len: usize) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("`{url}` must be an http:// or https:// URL"));
    }
    if url.len() > max_len {
        return Err(format!("the URL is longer than {max_len} bytes"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_match_what_they_should() {
        let lo = IpBlock::parse("127.0.0.0/8").unwrap();
        assert!(lo.contains("127.1.2.3".parse().unwrap()));
        assert!(lo.contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!lo.contains("10.0.0.1".parse().unwrap()));
        let one = IpBlock::parse("::1").unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("::2".parse().unwrap()));
        assert!(IpBlock::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        assert!(IpBlock::parse("1.2.3.4/33").is_err());
        assert!(IpBlock::parse("nope").is_err());
    }
}
