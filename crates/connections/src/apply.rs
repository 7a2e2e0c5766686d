//! Turning a link name plus an outgoing request into an authenticated request: host and
//! scope checks, token refresh (single-flight in process, file lock across processes),
//! credential injection, redirects.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::ConnectionError;
use crate::hosts::{allowed_hosts, host_matches, scheme_ok, service_patterns};
use crate::model::{AuthKind, AuthState, Connection, Location, Service};
use crate::registry::Registry;
use crate::request::{Body, Injected, OutgoingRequest};
use crate::store::SecretRecord;

impl Registry {
    /// Authenticates `req` with connection `link`: checks the state, the host allow-list and
    /// the required scopes, refreshes the token when it is within the refresh margin of its
    /// expiry (one refresh at a time per connection, across processes too), then injects the
    /// credential. The returned request holds the credential as a secret; send it with
    /// [`OutgoingRequest::to_reqwest`] or the `final_*` accessors.
    pub async fn apply(
        &self,
        link: &str,
        mut req: OutgoingRequest,
    ) -> Result<OutgoingRequest, ConnectionError> {
        let (conn, service) = self.usable(link)?;
        self.check_host(&conn, service, &req.url)?;
        if !req.url.username().is_empty() || req.url.password().is_some() {
            // reqwest would turn the user info into a second Authorization header.
            return Err(ConnectionError::Invalid(format!(
                "the URL for connection \"{link}\" carries its own credentials (user:password@ before the host); remove them: the connection authenticates the request, and nothing was sent"
            )));
        }
        let granted =
            if conn.granted_scopes.is_empty() { &conn.scopes } else { &conn.granted_scopes };
        for scope in &req.required_scopes {
            if !scope_covered(granted, scope) {
                return Err(ConnectionError::ScopeMissing {
                    link: link.into(),
                    service: service.name.clone(),
                    scope: scope.clone(),
                });
            }
        }
        let rec = self.fresh_secrets(link, service).await?;
        req.injected.clear();
        inject(link, service, &rec, &mut req)?;
        for (k, v) in &service.headers {
            if !req.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(k)) {
                req.headers.push((k.clone(), v.clone()));
            }
        }
        Ok(req)
    }

    /// Whether `link`'s credential may be sent to `url` (host on the allow-list, https or a
    /// loopback host). Unknown links are an error.
    pub fn is_host_allowed(&self, link: &str, url: &Url) -> Result<bool, ConnectionError> {
        let conn =
            self.connection(link).ok_or_else(|| ConnectionError::NotFound { link: link.into() })?;
        let service = self.service_of(link)?;
        Ok(scheme_ok(url) && allowed_hosts(service, &conn)?.iter().any(|p| host_matches(p, url)))
    }

    /// The service whose hosts (for any Zoho data centre) cover `url`, preferring the one
    /// whose base URL is the longest prefix of it.
    pub fn service_for_url(&self, url: &Url) -> Option<&Service> {
        let mut best: Option<(usize, &Service)> = None;
        for service in &self.services {
            for (pattern, base) in service_patterns(service) {
                if !host_matches(&pattern, url) {
                    continue;
                }
                let score = base
                    .filter(|b| !b.contains('*') && url.as_str().starts_with(b.as_str()))
                    .map_or(1, |b| b.len() + 1);
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, service));
                }
            }
        }
        best.map(|(_, s)| s)
    }

    /// Prepares the next hop of a redirect: drops every injected credential, resolves
    /// `location` against the current URL, adjusts method and body for `status` (303, and
    /// 301/302 after POST, become a body-less GET), and re-applies the connection only if the
    /// new host is allowed. When the redirect changes scheme, host or port it also drops the
    /// caller's `Authorization`, `Proxy-Authorization` and `Cookie` headers, user info in the
    /// URL, and anything carrying the connection's credential (by name, in headers, query
    /// parameters and form fields, or by value). The HTTP layer calls this for each redirect
    /// it follows.
    pub async fn follow_redirect(
        &self,
        link: Option<&str>,
        mut req: OutgoingRequest,
        location: &str,
        status: u16,
    ) -> Result<OutgoingRequest, ConnectionError> {
        let next = req
            .url
            .join(location)
            .map_err(|e| ConnectionError::Http(format!("bad redirect location: {e}")))?;
        req.redirect_to(next);
        if status == 303 || (matches!(status, 301 | 302) && req.method == reqwest::Method::POST) {
            if req.method != reqwest::Method::HEAD {
                req.method = reqwest::Method::GET;
            }
            req.body = Body::Empty;
        }
        match link {
            Some(link) if self.is_host_allowed(link, &req.url)? => self.apply(link, req).await,
            _ => Ok(req),
        }
    }

    /// Sends `req` (authenticated with `link` when given) and follows up to 10 redirects
    /// through [`Registry::follow_redirect`], so a credential never reaches a host outside the
    /// service's allow-list. An OAuth request answered with 401 is retried once after
    /// [`Registry::token_rejected`] (the body is buffered, so replaying is safe).
    pub async fn send(
        &self,
        link: Option<&str>,
        req: OutgoingRequest,
    ) -> Result<reqwest::Response, ConnectionError> {
        let mut req = match link {
            Some(l) => self.apply(l, req).await?,
            None => req,
        };
        let mut retried = false;
        for _ in 0..=10 {
            let resp = req.to_reqwest(&self.http).send().await.map_err(ConnectionError::http)?;
            let status = resp.status();
            if let (Some(l), 401, false) = (link, status.as_u16(), retried) {
                if req.has_credential() && self.token_rejected(l, &req).await? {
                    retried = true;
                    req = self.apply(l, req).await?;
                    continue;
                }
            }
            let location =
                resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
            match location {
                Some(loc) if status.is_redirection() => {
                    req = self.follow_redirect(link, req, loc, status.as_u16()).await?;
                }
                _ => return Ok(resp),
            }
        }
        Err(ConnectionError::Http("too many redirects".into()))
    }

    pub(crate) fn usable(&self, link: &str) -> Result<(Connection, &Service), ConnectionError> {
        let conn =
            self.connection(link).ok_or_else(|| ConnectionError::NotFound { link: link.into() })?;
        let service = self.service_of(link)?;
        match &conn.state {
            AuthState::Authorized => Ok((conn, service)),
            AuthState::NotAuthorized => Err(ConnectionError::NotAuthorized { link: link.into() }),
            AuthState::NeedsReauthorization { reason } => {
                Err(ConnectionError::NeedsReauthorization {
                    link: link.into(),
                    reason: reason.clone(),
                })
            }
        }
    }

    fn check_host(
        &self,
        conn: &Connection,
        service: &Service,
        url: &Url,
    ) -> Result<(), ConnectionError> {
        let allowed = allowed_hosts(service, conn)?;
        let host = url.host_str().unwrap_or_default().to_string();
        if !allowed.iter().any(|p| host_matches(p, url)) {
            return Err(ConnectionError::HostNotAllowed {
                link: conn.link.clone(),
                host,
                allowed: allowed.join(", "),
            });
        }
        if !scheme_ok(url) {
            return Err(ConnectionError::InsecureUrl { link: conn.link.clone(), host });
        }
        Ok(())
    }
}

/// Whether `required` is covered by one of `granted`. Case-insensitive; `X.y.ALL` covers
/// `X.y.OP` and `X.y.z.OP`; `X.fullaccess.all` covers every `X.*` scope.
fn scope_covered(granted: &[String], required: &str) -> bool {
    let req = required.to_ascii_lowercase();
    granted.iter().any(|g| {
        let g = g.to_ascii_lowercase();
        if g == req {
            return true;
        }
        if let Some(service) = g.strip_suffix(".fullaccess.all") {
            return req.starts_with(&format!("{service}."));
        }
        g.strip_suffix(".all").is_some_and(|prefix| req.starts_with(&format!("{prefix}.")))
    })
}

fn inject(
    link: &str,
    service: &Service,
    rec: &SecretRecord,
    req: &mut OutgoingRequest,
) -> Result<(), ConnectionError> {
    let missing = || ConnectionError::NotAuthorized { link: link.into() };
    let mut add = |location: Location, name: &str, value: String| -> Result<(), ConnectionError> {
        if location == Location::Form && matches!(req.body, Body::Bytes(_)) {
            return Err(ConnectionError::Invalid(format!(
                "connection \"{link}\" sends its credential as a form field, but the request has a raw body"
            )));
        }
        req.injected.push(Injected {
            location,
            name: name.into(),
            value: SecretString::from(value),
        });
        Ok(())
    };
    match service.auth {
        AuthKind::Oauth2 | AuthKind::Bearer => {
            let token = rec.access_token.as_ref().ok_or_else(missing)?;
            let p = &service.credential;
            let value = if p.location == Location::Header {
                format!("{}{}", p.prefix, token.expose_secret())
            } else {
                token.expose_secret().to_string()
            };
            add(p.location, &p.name, value)
        }
        AuthKind::ApiKey => {
            for p in &service.api_keys {
                let v = rec.api_keys.get(&p.name).ok_or_else(missing)?;
                let value = if p.location == Location::Header {
                    format!("{}{}", p.prefix, v.expose_secret())
                } else {
                    v.expose_secret().to_string()
                };
                add(p.location, &p.name, value)?;
            }
            Ok(())
        }
        AuthKind::Basic => {
            let (u, p) = rec.username.as_ref().zip(rec.password.as_ref()).ok_or_else(missing)?;
            let raw = format!("{}:{}", u.expose_secret(), p.expose_secret());
            add(Location::Header, "Authorization", format!("Basic {}", STANDARD.encode(raw)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let g = vec!["ZohoBooks.fullaccess.all".to_string(), "ZohoCRM.modules.ALL".to_string()];
        assert!(scope_covered(&g, "ZohoBooks.invoices.READ"));
        assert!(scope_covered(&g, "ZohoCRM.modules.contacts.READ"));
        assert!(scope_covered(&g, "zohocrm.modules.all"));
        assert!(!scope_covered(&g, "ZohoCRM.settings.ALL"));
        assert!(!scope_covered(&["repo".into()], "read:user"));
    }
}
