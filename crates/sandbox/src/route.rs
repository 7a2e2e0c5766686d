//! Which fake serves a URL, and the parts of the request the fakes route on.

use crate::{Body, Request, Service};

/// API domains' suffixes of every Zoho data centre (US, EU, IN, AU, JP, CA, SA, CN).
const DATA_CENTRES: [&str; 8] = ["com", "eu", "in", "com.au", "jp", "ca", "sa", "com.cn"];

/// A request taken apart: the service, the path after the API version, the query.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    /// Upper-case HTTP method.
    pub(crate) method: String,
    /// Percent-decoded path segments after the version (`["Contacts", "42"]`).
    pub(crate) segments: Vec<String>,
    /// Percent-decoded query pairs in order.
    pub(crate) query: Vec<(String, String)>,
    /// The whole decoded path, for error messages.
    pub(crate) path: String,
    /// The request itself (headers and body).
    pub(crate) request: &'a Request,
}

impl Call<'_> {
    /// The first query value named `name`.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// The first header named `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.request
            .headers
            .iter()
            .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim())
    }

    /// The first form field named `name`, if the body is a form.
    pub(crate) fn form_field(&self, name: &str) -> Option<&str> {
        match &self.request.body {
            Body::Form(fields) => {
                fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
            }
            _ => None,
        }
    }
}

/// Takes a request apart when a fake serves its URL.
pub(crate) fn parse(request: &Request) -> Option<(Service, Call<'_>)> {
    let url = url::Url::parse(request.url.trim()).ok()?;
    let (service, segments) = service_and_segments(&url)?;
    let path = format!("/{}", decoded_segments(&url).join("/"));
    let query =
        url.query_pairs().map(|(key, value)| (key.into_owned(), value.into_owned())).collect();
    let call =
        Call { method: request.method.trim().to_ascii_uppercase(), segments, query, path, request };
    Some((service, call))
}

/// Which fake serves `url`, if any (see [`crate::Sandbox::service_for_url`]).
pub(crate) fn service_for_url(url: &str) -> Option<Service> {
    let url = url::Url::parse(url.trim()).ok()?;
    service_and_segments(&url).map(|(service, _)| service)
}

/// The service and the path segments after the service's API version.
fn service_and_segments(url: &url::Url) -> Option<(Service, Vec<String>)> {
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let segments = decoded_segments(url);
    let (first, rest) = segments.split_first()?;
    if is_api_host(&host) {
        let service = match first.as_str() {
            "bigin" => Service::Bigin,
            "crm" => Service::Crm,
            "books" => Service::Books,
            "creator" => Service::Creator,
            _ => return None,
        };
        return Some((service, after_version(service, rest)));
    }
    if is_creator_host(&host) && first == "api" {
        return Some((Service::Creator, after_version(Service::Creator, rest)));
    }
    if is_books_host(&host) && first == "api" {
        return Some((Service::Books, after_version(Service::Books, rest)));
    }
    None
}

/// The path after a version segment the service has; an unknown or missing version leaves
/// an empty path, which routes to the service's "invalid URL" error.
fn after_version(service: Service, rest: &[String]) -> Vec<String> {
    let Some((version, tail)) = rest.split_first() else {
        return Vec::new();
    };
    let known = match service {
        Service::Bigin => matches!(version.as_str(), "v1" | "v2"),
        Service::Books => matches!(version.as_str(), "v3" | "v4"),
        Service::Crm => is_crm_version(version),
        Service::Creator => matches!(version.as_str(), "v2" | "v2.1"),
    };
    if known && service == Service::Creator {
        // `/creator/v2/data/{owner}/…` and `/api/v2/{owner}/…` (older) and
        // `/api/v2.1/data/{owner}/…`.
        tail.strip_prefix(&["data".to_string()]).unwrap_or(tail).to_vec()
    } else if known {
        tail.to_vec()
    } else {
        Vec::new()
    }
}

/// `v2`, `v2.1`, `v8`, ...
fn is_crm_version(version: &str) -> bool {
    version.strip_prefix('v').is_some_and(|number| {
        !number.is_empty()
            && number.starts_with(|c: char| c.is_ascii_digit())
            && number.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

fn is_api_host(host: &str) -> bool {
    let domain = host.strip_prefix("www.").unwrap_or(host);
    domain.strip_prefix("zohoapis.").is_some_and(|dc| DATA_CENTRES.contains(&dc))
}

fn is_creator_host(host: &str) -> bool {
    ["creator.zoho.", "www.creator.zoho.", "creatorapp.zoho."]
        .iter()
        .any(|p| host.strip_prefix(p).is_some_and(|dc| DATA_CENTRES.contains(&dc)))
}

fn is_books_host(host: &str) -> bool {
    host == "books.zohocloud.ca"
        || host.strip_prefix("books.zoho.").is_some_and(|dc| DATA_CENTRES.contains(&dc))
}

/// Non-empty, percent-decoded path segments.
fn decoded_segments(url: &url::Url) -> Vec<String> {
    url.path_segments()
        .map(|parts| {
            parts
                .filter(|part| !part.is_empty())
                .map(|part| {
                    percent_encoding::percent_decode_str(part).decode_utf8_lossy().into_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_centre_is_recognised() {
        for dc in DATA_CENTRES {
            let bigin = format!("https://www.zohoapis.{dc}/bigin/v2/Contacts");
            let crm = format!("https://www.zohoapis.{dc}/crm/v2/Leads");
            let books_new = format!("https://www.zohoapis.{dc}/books/v3/contacts");
            let books_old = format!("https://books.zoho.{dc}/api/v3/contacts");
            assert_eq!(service_for_url(&bigin), Some(Service::Bigin));
            assert_eq!(service_for_url(&crm), Some(Service::Crm));
            assert_eq!(service_for_url(&books_new), Some(Service::Books));
            assert_eq!(service_for_url(&books_old), Some(Service::Books));
            let creator = format!("https://www.zohoapis.{dc}/creator/v2/data/o/a/report/R");
            let creator_old = format!("https://creator.zoho.{dc}/api/v2/o/a/report/R");
            assert_eq!(service_for_url(&creator), Some(Service::Creator));
            assert_eq!(service_for_url(&creator_old), Some(Service::Creator));
        }
    }

    #[test]
    fn other_hosts_are_not_served() {
        for url in [
            "https://api.example.com/bigin/v2/Contacts",
            "https://www.zohoapis.xyz/crm/v2/Leads",
            "https://books.zoho.com/books/v3/contacts",
            "ftp://www.zohoapis.com/crm/v2/Leads",
            "not a url",
            "",
        ] {
            assert_eq!(service_for_url(url), None, "{url}");
        }
    }

    #[test]
    fn crm_versions() {
        assert!(is_crm_version("v2"));
        assert!(is_crm_version("v2.1"));
        assert!(!is_crm_version("v"));
        assert!(!is_crm_version("version"));
    }
}
