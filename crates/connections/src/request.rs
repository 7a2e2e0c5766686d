//! The outgoing request type the HTTP layer hands to [`crate::Registry::apply`].
//!
//! A request keeps the credentials the registry injects apart from the caller's own headers,
//! query parameters and form fields, wrapped as secrets: `Debug` never shows them, and
//! dropping them (for a redirect to a foreign host) is a matter of clearing one list. The
//! `final_*` methods merge both for sending and are the only place a secret is exposed.

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::model::Location;

/// HTTP method (re-exported from `reqwest`/`http`).
pub use reqwest::Method;

/// Request body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// Raw bytes (JSON, text, ...); the caller sets `Content-Type`.
    Bytes(Vec<u8>),
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(String, String)>),
}

/// Caller headers dropped on a redirect to another origin.
const CROSS_ORIGIN_HEADERS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];

/// Scheme, host and port (explicit or the scheme's default) of a URL.
fn origin(url: &Url) -> (&str, Option<&str>, Option<u16>) {
    (url.scheme(), url.host_str(), url.port_or_known_default())
}

/// A credential value placed by the registry.
#[derive(Debug, Clone)]
pub(crate) struct Injected {
    pub location: Location,
    pub name: String,
    pub value: SecretString,
}

/// An outgoing HTTP request description.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    /// HTTP method.
    pub method: Method,
    /// Target URL (may already carry a query string).
    pub url: Url,
    /// Caller headers, in order. Names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// Extra query parameters appended to `url` when sending.
    pub query: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// Scopes the call needs; [`crate::Registry::apply`] fails with
    /// [`crate::ConnectionError::ScopeMissing`] when the connection lacks one.
    pub required_scopes: Vec<String>,
    pub(crate) injected: Vec<Injected>,
}

impl OutgoingRequest {
    /// A request with no headers, query parameters or body.
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: Vec::new(),
            query: Vec::new(),
            body: Body::Empty,
            required_scopes: Vec::new(),
            injected: Vec::new(),
        }
    }

    /// Parses `url` and builds a request; `Err` carries the parse error text.
    pub fn parse(method: Method, url: &str) -> Result<Self, crate::ConnectionError> {
        let url = Url::parse(url)
            .map_err(|e| crate::ConnectionError::Invalid(format!("invalid URL: {e}")))?;
        Ok(Self::new(method, url))
    }

    /// A GET request to `url`.
    pub fn get(url: &str) -> Result<Self, crate::ConnectionError> {
        Self::parse(Method::GET, url)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a query parameter.
    pub fn query_param(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// Declares a scope the call needs.
    pub fn require_scope(mut self, scope: &str) -> Self {
        self.required_scopes.push(scope.to_string());
        self
    }

    /// Whether the registry injected a credential into this request.
    pub fn has_credential(&self) -> bool {
        !self.injected.is_empty()
    }

    /// Removes every injected credential (used when a redirect leaves the allowed hosts).
    pub fn strip_credentials(&mut self) {
        self.injected.clear();
    }

    /// Moves the request to `next`, the target of a redirect: drops every injected
    /// credential and the caller's extra query parameters (`next` carries its own query).
    /// When `next` has another origin (scheme, host or port) it also drops the caller's
    /// `Authorization`, `Proxy-Authorization` and `Cookie` headers, user info in `next`, and
    /// every header, query parameter of `next` or form field that has the name of an
    /// injected credential or contains its value (a server may echo it in `Location`).
    pub(crate) fn redirect_to(&mut self, next: Url) {
        if origin(&next) != origin(&self.url) {
            let names: Vec<String> = self.injected.iter().map(|i| i.name.clone()).collect();
            let values: Vec<SecretString> = self.injected.iter().map(|i| i.value.clone()).collect();
            let carries = |name: &str, value: &str| {
                names.iter().any(|n| n.eq_ignore_ascii_case(name))
                    || values
                        .iter()
                        .map(|v| v.expose_secret())
                        .any(|v| v.len() >= 4 && value.contains(v))
            };
            self.headers.retain(|(k, v)| {
                !CROSS_ORIGIN_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(k)) && !carries(k, v)
            });
            if let Body::Form(fields) = &mut self.body {
                fields.retain(|(k, v)| !carries(k, v));
            }
            self.url = next;
            let _ = self.url.set_username("");
            let _ = self.url.set_password(None);
            if self.url.query_pairs().any(|(k, v)| carries(&k, &v)) {
                let kept: Vec<(String, String)> = self
                    .url
                    .query_pairs()
                    .filter(|(k, v)| !carries(k, v))
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                if kept.is_empty() {
                    self.url.set_query(None);
                } else {
                    self.url.query_pairs_mut().clear().extend_pairs(kept);
                }
            }
        } else {
            self.url = next;
        }
        self.injected.clear();
        self.query.clear();
    }

    /// Names of the headers/parameters holding injected credentials, for log redaction.
    pub fn credential_names(&self) -> Vec<&str> {
        self.injected.iter().map(|i| i.name.as_str()).collect()
    }

    /// The URL to send: `url` plus caller and injected query parameters.
    /// **Exposes secrets**: do not log it.
    pub fn final_url(&self) -> Url {
        let mut url = self.url.clone();
        let injected: Vec<&Injected> =
            self.injected.iter().filter(|i| i.location == Location::Query).collect();
        let collides = url.query_pairs().any(|(k, _)| injected.iter().any(|i| i.name == k));
        if collides {
            // Rare: the caller set a parameter the credential owns. Rebuild without it.
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| !injected.iter().any(|i| i.name == *k))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
        if !self.query.is_empty() || !injected.is_empty() {
            // Appending keeps the caller's query text exactly as written.
            let mut pairs = url.query_pairs_mut();
            pairs.extend_pairs(&self.query);
            for i in injected {
                pairs.append_pair(&i.name, i.value.expose_secret());
            }
        }
        url
    }

    /// The headers to send: caller headers (minus any the credential replaces) then injected
    /// headers. **Exposes secrets**: do not log them.
    pub fn final_headers(&self) -> Vec<(String, String)> {
        let injected: Vec<&Injected> =
            self.injected.iter().filter(|i| i.location == Location::Header).collect();
        let mut out: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|(k, _)| !injected.iter().any(|i| i.name.eq_ignore_ascii_case(k)))
            .cloned()
            .collect();
        out.extend(injected.iter().map(|i| (i.name.clone(), i.value.expose_secret().to_string())));
        out
    }

    /// The body to send, with injected form fields. **Exposes secrets**.
    pub fn final_body(&self) -> Body {
        let fields: Vec<&Injected> =
            self.injected.iter().filter(|i| i.location == Location::Form).collect();
        if fields.is_empty() {
            return self.body.clone();
        }
        let mut form = match &self.body {
            Body::Form(f) => f.clone(),
            _ => Vec::new(),
        };
        form.retain(|(k, _)| !fields.iter().any(|i| &i.name == k));
        form.extend(fields.iter().map(|i| (i.name.clone(), i.value.expose_secret().to_string())));
        Body::Form(form)
    }

    /// Builds a `reqwest` request from the final URL, headers and body.
    pub fn to_reqwest(&self, client: &reqwest::Client) -> reqwest::RequestBuilder {
        let mut rb = client.request(self.method.clone(), self.final_url());
        for (k, v) in self.final_headers() {
            rb = rb.header(k, v);
        }
        match self.final_body() {
            Body::Empty => rb,
            Body::Bytes(b) => rb.body(b),
            Body::Form(f) => {
                let typed =
                    self.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
                let rb = if typed {
                    rb
                } else {
                    rb.header("Content-Type", "application/x-www-form-urlencoded")
                };
                rb.body(
                    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(f).finish(),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injected_values_are_merged_and_hidden_from_debug() {
        let mut req = OutgoingRequest::get("https://api.example.com/x?a=1")
            .unwrap()
            .header("authorization", "mine")
            .query_param("b", "2");
        req.injected.push(Injected {
            location: Location::Header,
            name: "Authorization".into(),
            value: SecretString::from("Bearer CANARY-1"),
        });
        req.injected.push(Injected {
            location: Location::Query,
            name: "key".into(),
            value: SecretString::from("CANARY-2"),
        });
        assert!(!format!("{req:?}").contains("CANARY"));
        assert_eq!(req.final_headers(), vec![("Authorization".into(), "Bearer CANARY-1".into())]);
        assert_eq!(req.final_url().as_str(), "https://api.example.com/x?a=1&b=2&key=CANARY-2");
        let raw =
            OutgoingRequest::get("https://h.example/x?criteria=(Email:equals:a@b.com)").unwrap();
        let mut raw = raw.query_param("page", "1");
        assert_eq!(
            raw.final_url().as_str(),
            "https://h.example/x?criteria=(Email:equals:a@b.com)&page=1"
        );
        raw.url = Url::parse("https://h.example/x?key=mine&z=1").unwrap();
        raw.injected = req.injected.clone();
        assert_eq!(raw.final_url().as_str(), "https://h.example/x?z=1&page=1&key=CANARY-2");
        req.strip_credentials();
        assert_eq!(req.final_headers(), vec![("authorization".into(), "mine".into())]);
        assert!(!req.final_url().as_str().contains("CANARY"));
    }
}
