//! URL templates and the host allow-list.

use url::Url;

use crate::catalog::Catalog;
use crate::error::ConnectionError;
use crate::model::{Connection, DataCentre, Service};

/// The data centre of a Zoho connection (`com` when unset), `None` for other services.
pub(crate) fn dc_of(service: &Service, conn: &Connection) -> Option<&'static DataCentre> {
    if !service.zoho {
        return None;
    }
    let cat = Catalog::builtin();
    cat.data_centre(conn.dc.as_deref().unwrap_or("com")).or_else(|| cat.data_centre("com"))
}

/// Expands `{accounts}`, `{api_domain}`, `{api_domain_host}`, `{domain}` and `{config.NAME}`.
pub(crate) fn expand(
    template: &str,
    service: &Service,
    conn: &Connection,
) -> Result<String, ConnectionError> {
    let dc = dc_of(service, conn);
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        out.push_str(&rest[..start]);
        let key = &rest[start + 1..start + len];
        let api_domain =
            || conn.config.get("api_domain").cloned().or_else(|| dc.map(|d| d.api_domain.clone()));
        let value = match key {
            "accounts" => dc.map(|d| d.accounts.clone()),
            "domain" => dc.map(|d| d.domain.clone()),
            "api_domain" => api_domain(),
            "api_domain_host" => api_domain()
                .and_then(|u| Url::parse(&u).ok())
                .and_then(|u| u.host_str().map(str::to_string)),
            k => k.strip_prefix("config.").and_then(|k| conn.config.get(k).cloned()),
        };
        let Some(value) = value else {
            let hint = key.strip_prefix("config.").map_or_else(
                || format!("{{{key}}} is unknown here"),
                |k| format!("set it with `dg connections add {} --service {} --config {k}=VALUE --force`", conn.link, service.name),
            );
            return Err(ConnectionError::Invalid(format!(
                "connection \"{}\" has no value for {{{key}}}: {hint}",
                conn.link
            )));
        };
        out.push_str(&value);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The expanded allow-list of a connection.
pub(crate) fn allowed_hosts(
    service: &Service,
    conn: &Connection,
) -> Result<Vec<String>, ConnectionError> {
    service
        .allowed_hosts
        .iter()
        .map(|p| {
            let h = expand(p, service, conn)?.to_ascii_lowercase();
            if h.is_empty() || !h.chars().all(|c| c.is_ascii_alphanumeric() || "-.*:[]".contains(c))
            {
                return Err(ConnectionError::Invalid(format!(
                    "connection \"{}\": allowed host \"{h}\" is not a host name",
                    conn.link
                )));
            }
            Ok(h)
        })
        .collect()
}

/// Whether `url`'s host (and port, when the pattern names one) matches `pattern`:
/// `host`, `host:port` or `*.domain` (subdomains only).
pub(crate) fn host_matches(pattern: &str, url: &Url) -> bool {
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else { return false };
    let port = url.port_or_known_default();
    let (pat_host, pat_port) = match pattern.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && !p.contains(']') => (h, p.parse::<u16>().ok()),
        _ => (pattern, None),
    };
    if pat_port.is_some() && pat_port != port {
        return false;
    }
    match pat_host.strip_prefix("*.") {
        Some(domain) => host.len() > domain.len() + 1 && host.ends_with(&format!(".{domain}")),
        None => host == pat_host,
    }
}

/// Loopback hosts may use plain http; everything else needs https.
pub(crate) fn scheme_ok(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
        _ => false,
    }
}

/// Host patterns a service may match regardless of connection: every Zoho data centre, and
/// `{config.X}` treated as a wildcard label.
pub(crate) fn service_patterns(service: &Service) -> Vec<(String, Option<String>)> {
    let dcs: Vec<Option<&DataCentre>> = if service.zoho {
        Catalog::builtin().data_centres.iter().map(Some).collect()
    } else {
        vec![None]
    };
    let mut out = Vec::new();
    for dc in dcs {
        let fill = |t: &str| -> String {
            let mut s = t.to_string();
            if let Some(dc) = dc {
                let api_host =
                    Url::parse(&dc.api_domain).ok().and_then(|u| u.host_str().map(str::to_string));
                s = s
                    .replace("{accounts}", &dc.accounts)
                    .replace("{api_domain_host}", &api_host.unwrap_or_default())
                    .replace("{api_domain}", &dc.api_domain)
                    .replace("{domain}", &dc.domain);
            }
            wildcard_config(&s)
        };
        let base = service.base_url.as_deref().map(fill);
        for h in &service.allowed_hosts {
            out.push((fill(h), base.clone()));
        }
    }
    out
}

/// Replaces `{config.x}.` host labels with `*.` (and other placeholders with `*`).
fn wildcard_config(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(len) => {
                out.push('*');
                rest = &rest[start + len + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn patterns() {
        assert!(host_matches("api.x.com", &u("https://API.x.com/a")));
        assert!(!host_matches("api.x.com", &u("https://api.x.com.evil.net/")));
        assert!(host_matches("*.x.com", &u("https://a.b.x.com/")));
        assert!(!host_matches("*.x.com", &u("https://x.com/")));
        assert!(!host_matches("*.x.com", &u("https://evilx.com/")));
        assert!(host_matches("127.0.0.1:8080", &u("http://127.0.0.1:8080/")));
        assert!(!host_matches("127.0.0.1:8080", &u("http://127.0.0.1:8081/")));
        assert!(scheme_ok(&u("http://127.0.0.1:1/")));
        assert!(!scheme_ok(&u("http://api.x.com/")));
        assert_eq!(wildcard_config("{config.shop}.myshopify.com"), "*.myshopify.com");
        assert_eq!(wildcard_config("a{b"), "a{b");
    }

    #[test]
    fn expansion() {
        let cat = Catalog::builtin();
        let books = cat.service("zoho_books").unwrap();
        let mut conn = Connection::new("b", "zoho_books");
        conn.dc = Some("ca".into());
        assert_eq!(
            expand("{accounts}/x", books, &conn).unwrap(),
            "https://accounts.zohocloud.ca/x"
        );
        assert_eq!(allowed_hosts(books, &conn).unwrap(), ["www.zohoapis.ca", "*.zohocloud.ca"]);
        assert_eq!(expand("a{b", books, &conn).unwrap(), "a{b");
        let shop = cat.service("shopify").unwrap();
        let mut conn = Connection::new("s", "shopify");
        let err = expand(shop.base_url.as_deref().unwrap(), shop, &conn).unwrap_err();
        assert!(err.to_string().contains("--config shop=VALUE"), "{err}");
        conn.config.insert("shop".into(), "acme".into());
        assert_eq!(allowed_hosts(shop, &conn).unwrap(), ["acme.myshopify.com"]);
    }
}
