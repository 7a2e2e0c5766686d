//! Token lifecycle: freshness, refresh with single-flight in process and a file lock across
//! processes, storing token responses, marking dead grants.

use std::sync::Arc;

use secrecy::ExposeSecret;
use url::Url;

use crate::error::{redact, ConnectionError};
use crate::hosts::{expand, host_matches, scheme_ok, service_patterns};
use crate::model::{AuthKind, AuthState, Connection, Grant, Service};
use crate::oauth::{split_scopes, token_request, TokenEndpoint, TokenFailure, TokenResponse};
use crate::registry::{lock, Registry};
use crate::request::OutgoingRequest;
use crate::store::{LockGuard, SecretRecord};

const DEFAULT_MARGIN: i64 = 300;
/// After a failed refresh (other than a dead grant), wait this many seconds before trying
/// again.
const COOL_DOWN_SECS: i64 = 30;

/// The record, if its access token has not actually expired at `now`.
fn usable_anyway(rec: SecretRecord, now: i64) -> Option<SecretRecord> {
    let alive = rec.access_token.is_some() && rec.expires_at.is_none_or(|e| e > now);
    alive.then_some(rec)
}

/// Held while a connection's token endpoint is called and the answer stored: the in-process
/// flight lock and, for an on-disk registry, the cross-process link lock
/// (`.locks/link-LINK.lock`). No token request is sent before both are held, so an answer
/// (a rotated refresh token) is always stored by the process that asked for it.
pub(crate) struct LinkGuard {
    _flight: tokio::sync::OwnedMutexGuard<()>,
    _file: Option<LockGuard>,
}

/// When [`Registry::refresh_locked`] should call the token endpoint.
#[derive(Clone, Copy)]
enum When<'a> {
    /// Only if the stored token is within the refresh margin.
    Stale,
    /// Always (the `refresh` command).
    Always,
    /// Unless the stored token is no longer the one the API rejected (a sibling refreshed).
    Rejected(&'a str),
}

impl Registry {
    /// Forces a token refresh (OAuth connections), whatever the expiry.
    pub async fn refresh(&self, link: &str) -> Result<Connection, ConnectionError> {
        let (_, service) = self.usable(link)?;
        if service.auth != AuthKind::Oauth2 {
            return Err(ConnectionError::Invalid(format!(
                "connection \"{link}\" uses {} authentication: nothing to refresh",
                service.auth.as_str()
            )));
        }
        let flight = self.flight(link);
        let _in_process = flight.lock().await;
        self.refresh_locked(link, service, When::Always).await?;
        self.connection(link).ok_or_else(|| ConnectionError::NotFound { link: link.into() })
    }

    /// Call when the API answered 401 to a request authenticated by [`Registry::apply`]:
    /// refreshes the OAuth token unless another caller (or process) already replaced the
    /// rejected one. Returns whether re-applying the connection may help.
    pub async fn token_rejected(
        &self,
        link: &str,
        req: &OutgoingRequest,
    ) -> Result<bool, ConnectionError> {
        let (_, service) = self.usable(link)?;
        if service.auth != AuthKind::Oauth2 {
            return Ok(false);
        }
        let Some(used) = req.injected.first().map(|i| i.value.expose_secret().to_string()) else {
            return Ok(false);
        };
        let flight = self.flight(link);
        let _in_process = flight.lock().await;
        self.refresh_locked(link, service, When::Rejected(&used)).await?;
        Ok(true)
    }

    pub(crate) fn flight(&self, link: &str) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.flights).entry(link.to_string()).or_default().clone()
    }

    /// Takes the in-process then the cross-process lock of `link` and re-reads the store.
    pub(crate) async fn lock_link(&self, link: &str) -> Result<LinkGuard, ConnectionError> {
        let flight = self.flight(link).lock_owned().await;
        let file = self.lock_link_file(link).await?;
        Ok(LinkGuard { _flight: flight, _file: file })
    }

    /// The cross-process lock of `link` (none in memory), then a re-read of the store so the
    /// caller sees what another process stored while it waited.
    async fn lock_link_file(&self, link: &str) -> Result<Option<LockGuard>, ConnectionError> {
        let Some(store) = &self.store else { return Ok(None) };
        let (store, name) = (store.clone(), link.to_string());
        let guard = tokio::task::spawn_blocking(move || store.lock_link(&name))
            .await
            .map_err(|e| ConnectionError::Http(format!("lock task failed: {e}")))??;
        self.reload()?;
        Ok(Some(guard))
    }

    pub(crate) async fn fresh_secrets(
        &self,
        link: &str,
        service: &Service,
    ) -> Result<SecretRecord, ConnectionError> {
        let rec = self.secrets_of(link);
        if service.auth != AuthKind::Oauth2 || is_fresh(&rec, service, self.now()) {
            return Ok(rec);
        }
        let flight = self.flight(link);
        let _in_process = flight.lock().await;
        let rec = self.secrets_of(link);
        let now = self.now();
        if is_fresh(&rec, service, now) {
            return Ok(rec);
        }
        let last_failure = lock(&self.failures).get(link).cloned();
        if let Some((at, message)) = last_failure {
            let ago = now.saturating_sub(at);
            // A clock that went backwards (ago < 0) ends the cool-down.
            if (0..COOL_DOWN_SECS).contains(&ago) {
                return usable_anyway(rec, now).ok_or_else(|| ConnectionError::Token {
                    link: link.into(),
                    message: format!(
                        "{message} ({ago}s ago; the next attempt is allowed {COOL_DOWN_SECS}s after a failure)"
                    ),
                });
            }
        }
        match self.refresh_locked(link, service, When::Stale).await {
            Ok(rec) => {
                lock(&self.failures).remove(link);
                Ok(rec)
            }
            Err(ConnectionError::Token { link, message }) => {
                let now = self.now();
                lock(&self.failures).insert(link.clone(), (now, message.clone()));
                // A transient failure inside the margin: the current token still works.
                usable_anyway(self.secrets_of(&link), now)
                    .ok_or(ConnectionError::Token { link, message })
            }
            Err(e) => Err(e),
        }
    }

    /// Refreshes under the cross-process lock; the caller holds the in-process flight lock.
    async fn refresh_locked(
        &self,
        link: &str,
        service: &Service,
        when: When<'_>,
    ) -> Result<SecretRecord, ConnectionError> {
        let _cross_process = self.lock_link_file(link).await?;
        let (conn, _) = self.usable(link)?;
        let rec = self.secrets_of(link);
        let current = rec.access_token.as_ref().map(|t| t.expose_secret());
        let skip = match when {
            When::Stale => is_fresh(&rec, service, self.now()),
            When::Always => false,
            When::Rejected(used) => current.is_some_and(|c| !used.ends_with(c)),
        };
        if skip {
            return Ok(rec);
        }
        let oauth = service
            .oauth2
            .as_ref()
            .ok_or_else(|| ConnectionError::Invalid("not an OAuth service".into()))?;
        let client_id = conn.client_id.clone().unwrap_or_default();
        let params = match oauth.grant {
            Grant::ClientCredentials => client_credentials_params(service, &conn),
            Grant::AuthorizationCode => {
                let Some(refresh) = rec.refresh_token.clone() else {
                    return Err(self.mark_dead(link, "no refresh token is stored".into())?);
                };
                vec![
                    ("grant_type", "refresh_token".into()),
                    ("refresh_token", refresh.expose_secret().to_string()),
                ]
            }
        };
        let url = self.endpoint(&expand(
            oauth.refresh_url.as_ref().unwrap_or(&oauth.token_url),
            service,
            &conn,
        )?);
        let ep = TokenEndpoint {
            url,
            client_auth: oauth.client_auth,
            client_id: &client_id,
            client_secret: rec.client_secret.as_ref(),
            extra_params: &oauth.token_params,
        };
        match token_request(&self.http, &ep, params, &rec.values()).await {
            Ok(tr) => self.store_tokens(link, service, tr, false),
            Err(TokenFailure::Dead(msg)) => {
                Err(self.mark_dead(link, format!("refresh failed: {msg}"))?)
            }
            Err(TokenFailure::Other(msg)) => {
                Err(ConnectionError::Token { link: link.into(), message: msg })
            }
        }
    }

    /// Records "needs re-authorization" and returns the matching error.
    fn mark_dead(&self, link: &str, reason: String) -> Result<ConnectionError, ConnectionError> {
        // The reason is stored and shown: redact once more, whatever built it.
        let reason = redact(&reason, &self.secrets_of(link).values());
        self.mutate(|st| {
            if let Some(c) = st.conns.get_mut(link) {
                c.state = AuthState::NeedsReauthorization { reason: reason.clone() };
            }
            Ok(())
        })?;
        Ok(ConnectionError::NeedsReauthorization { link: link.into(), reason })
    }

    /// Saves a token response: absolute expiry, old refresh token kept when none is returned,
    /// granted scopes, captured fields (`api_domain`, ...) when they point at allowed hosts.
    pub(crate) fn store_tokens(
        &self,
        link: &str,
        service: &Service,
        tr: TokenResponse,
        authorized_now: bool,
    ) -> Result<SecretRecord, ConnectionError> {
        let captures =
            service.oauth2.as_ref().map(|o| o.capture_from_token.clone()).unwrap_or_default();
        lock(&self.failures).remove(link);
        self.mutate(|st| {
            let conn = st
                .conns
                .get_mut(link)
                .ok_or_else(|| ConnectionError::NotFound { link: link.into() })?;
            for key in &captures {
                if let Some(value) = tr.fields.get(key) {
                    if capture_ok(service, value) {
                        conn.config.insert(key.clone(), value.trim_end_matches('/').to_string());
                    }
                }
            }
            if let Some(scope) = &tr.scope {
                conn.granted_scopes = split_scopes(scope);
            }
            conn.state = AuthState::Authorized;
            let t = self.now();
            if authorized_now {
                conn.authorized_at = Some(t);
            }
            let rec = st.secrets.entry(link.into()).or_default();
            rec.access_token = Some(tr.access_token);
            if let Some(r) = tr.refresh_token {
                rec.refresh_token = Some(r);
            }
            rec.expires_at = tr.expires_in.map(|s| t.saturating_add(s));
            rec.obtained_at = Some(t);
            conn.token_expires_at = rec.expires_at;
            Ok(rec.clone())
        })
    }

    /// Applies the endpoint overrides to an OAuth endpoint URL.
    pub(crate) fn endpoint(&self, url: &str) -> String {
        for (from, to) in &self.overrides {
            if let Some(rest) = url.strip_prefix(from.as_str()) {
                if rest.is_empty() || rest.starts_with(['/', '?']) {
                    return format!("{to}{rest}");
                }
            }
        }
        url.to_string()
    }
}

pub(crate) fn client_credentials_params(
    service: &Service,
    conn: &Connection,
) -> Vec<(&'static str, String)> {
    let mut p = vec![("grant_type", "client_credentials".to_string())];
    if !conn.scopes.is_empty() {
        p.push(("scope", conn.scopes.join(&service.scope_separator)));
    }
    p
}

/// A captured URL is kept only if its host is one the service may talk to.
fn capture_ok(service: &Service, value: &str) -> bool {
    let Ok(url) = Url::parse(value) else { return false };
    if url.scheme() != "https" && !scheme_ok(&url) {
        return false;
    }
    if service.zoho {
        let host = url.host_str().unwrap_or_default();
        return crate::Catalog::builtin().data_centres.iter().any(|d| {
            Url::parse(&d.api_domain).ok().and_then(|u| u.host_str().map(|h| h == host))
                == Some(true)
        });
    }
    service_patterns(service).iter().any(|(p, _)| host_matches(p, &url))
}

/// Fresh = has an access token that does not expire within the refresh margin (the margin
/// is capped at half the token's lifetime so short-lived tokens are not refreshed each call).
fn is_fresh(rec: &SecretRecord, service: &Service, now: i64) -> bool {
    if rec.access_token.is_none() {
        return false;
    }
    let Some(expires_at) = rec.expires_at else { return true };
    let margin = service
        .oauth2
        .as_ref()
        .and_then(|o| o.refresh_margin_secs)
        .map_or(DEFAULT_MARGIN, |m| i64::try_from(m).unwrap_or(i64::MAX));
    let lifetime =
        rec.obtained_at.map_or(margin.saturating_mul(2), |o| expires_at.saturating_sub(o));
    expires_at.saturating_sub(margin.min(lifetime / 2)) > now
}
