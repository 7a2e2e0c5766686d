//! Authorization flows on the registry: authorization code + PKCE (start / finish, so the
//! caller chooses between a loopback listener and a pasted redirect), client credentials, and
//! importing a refresh token for CI.

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::catalog::Catalog;
use crate::error::ConnectionError;
use crate::hosts::expand;
use crate::model::{AuthKind, Connection, Grant, Service};
use crate::oauth::{parse_pasted, pkce, random_token, token_request, TokenEndpoint, TokenFailure};
use crate::refresh::client_credentials_params;
use crate::registry::Registry;

/// An authorization in progress: send the user to `url`, then hand the redirect (or the
/// pasted code) to [`Registry::finish_authorization`].
#[derive(Debug)]
pub struct PendingAuthorization {
    /// Link name.
    pub link: String,
    /// The authorization URL to open in a browser (contains no secret).
    pub url: Url,
    /// The redirect URI sent in the request.
    pub redirect_uri: String,
    state: String,
    verifier: Option<SecretString>,
}

impl Registry {
    /// Starts an authorization-code flow for `link`, redirecting to `redirect_uri`
    /// (usually [`crate::LoopbackListener::redirect_uri`]).
    pub fn start_authorization(
        &self,
        link: &str,
        redirect_uri: &str,
    ) -> Result<PendingAuthorization, ConnectionError> {
        let (conn, service) = self.oauth_parts(link)?;
        let oauth = service.oauth2.as_ref().ok_or_else(|| not_oauth(link))?;
        if oauth.grant != Grant::AuthorizationCode {
            return Err(ConnectionError::Invalid(format!(
                "connection \"{link}\" uses the client credentials grant; no browser step is needed"
            )));
        }
        let template = oauth.authorization_url.as_deref().ok_or_else(|| not_oauth(link))?;
        let mut url = Url::parse(&self.endpoint(&expand(template, service, &conn)?))
            .map_err(|e| ConnectionError::Invalid(format!("bad authorization URL: {e}")))?;
        let state = random_token(24);
        let pk = oauth.pkce.then(pkce);
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code");
            q.append_pair("client_id", conn.client_id.as_deref().unwrap_or_default());
            q.append_pair("redirect_uri", redirect_uri);
            q.append_pair("state", &state);
            if !conn.scopes.is_empty() {
                q.append_pair("scope", &conn.scopes.join(&service.scope_separator));
            }
            if let Some(pk) = &pk {
                q.append_pair("code_challenge", &pk.challenge);
                q.append_pair("code_challenge_method", "S256");
            }
            for (k, v) in &oauth.authorization_params {
                q.append_pair(k, v);
            }
        }
        Ok(PendingAuthorization {
            link: link.into(),
            url,
            redirect_uri: redirect_uri.into(),
            state,
            verifier: pk.map(|p| p.verifier),
        })
    }

    /// Completes an authorization-code flow with the redirect URL (from the loopback listener
    /// or pasted by the user), a bare query string, or a bare code. A redirect URL must carry
    /// the `state` of `pending`. Zoho's `accounts-server` selects the data centre.
    pub async fn finish_authorization(
        &self,
        pending: &PendingAuthorization,
        redirect: &str,
    ) -> Result<Connection, ConnectionError> {
        let link = pending.link.as_str();
        let fail = |message: String| ConnectionError::Authorization { link: link.into(), message };
        let q = parse_pasted(redirect);
        if let Some(err) = q.get("error") {
            let secrets = self.secrets_of(link);
            let desc = q
                .get("error_description")
                .map(|d| format!(": {}", crate::error::redact_then_cut(d, &secrets.values(), 200)))
                .unwrap_or_default();
            let err = crate::error::redact_then_cut(err, &secrets.values(), 80);
            return Err(fail(format!("the provider answered `{err}`{desc}")));
        }
        let bare_code = q.len() == 1 && q.contains_key("code") && !redirect.contains("code=");
        if !bare_code && q.get("state") != Some(&pending.state) {
            return Err(fail("the `state` in the redirect does not match this request (possible CSRF, or a stale URL); start again".into()));
        }
        let code = q
            .get("code")
            .filter(|c| !c.is_empty())
            .ok_or_else(|| fail("no `code` in the redirect".into()))?;
        let (_, service) = self.oauth_parts(link)?;
        // Zoho multi-DC: the redirect names the user's accounts server.
        let mut new_dc = None;
        let mut captured = Vec::new();
        if service.zoho {
            if let Some(server) = q.get("accounts-server") {
                let server = server.trim_end_matches('/');
                new_dc = Catalog::builtin()
                    .data_centres
                    .iter()
                    .find(|d| d.accounts == server)
                    .map(|d| d.code.clone());
            }
        }
        if let Some(o) = &service.oauth2 {
            for key in &o.capture_from_redirect {
                if let Some(v) = q.get(key) {
                    captured.push((key.clone(), v.clone()));
                }
            }
        }
        if new_dc.is_some() || !captured.is_empty() {
            self.mutate(|st| {
                if let Some(c) = st.conns.get_mut(link) {
                    if new_dc.is_some() {
                        c.dc.clone_from(&new_dc);
                    }
                    c.config.extend(captured);
                }
                Ok(())
            })?;
        }
        let mut params = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.clone()),
            ("redirect_uri", pending.redirect_uri.clone()),
        ];
        if let Some(v) = &pending.verifier {
            params.push(("code_verifier", v.expose_secret().to_string()));
        }
        self.exchange(link, params, "the code exchange failed").await
    }

    /// Exchanges a code obtained outside a redirect flow, e.g. one generated for a Zoho
    /// *Self Client* in the API console: no `state`, no PKCE, and `redirect_uri` only when
    /// given.
    pub async fn exchange_code(
        &self,
        link: &str,
        code: SecretString,
        redirect_uri: Option<&str>,
    ) -> Result<Connection, ConnectionError> {
        self.oauth_parts(link)?;
        let mut params = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.expose_secret().to_string()),
        ];
        if let Some(uri) = redirect_uri {
            params.push(("redirect_uri", uri.to_string()));
        }
        self.exchange(link, params, "the code exchange failed").await
    }

    /// Asks the provider to revoke the stored grant (refresh token, else access token) at the
    /// service's `revoke_url`, then forgets the credentials like [`Registry::deauthorize`].
    /// Returns `false` when the service has no revocation endpoint or nothing is stored
    /// (credentials are forgotten anyway). Zoho takes the token as a query parameter; other
    /// services get an RFC 7009 form body.
    pub async fn revoke(&self, link: &str) -> Result<bool, ConnectionError> {
        self.oauth_parts(link)?;
        let _lock = self.lock_link(link).await?;
        let (conn, service) = self.oauth_parts(link)?;
        let rec = self.secrets_of(link);
        let token = rec.refresh_token.as_ref().or(rec.access_token.as_ref());
        let (Some(template), Some(token)) =
            (service.oauth2.as_ref().and_then(|o| o.revoke_url.as_ref()), token)
        else {
            self.deauthorize(link)?;
            return Ok(false);
        };
        let mut url = Url::parse(&self.endpoint(&expand(template, service, &conn)?))
            .map_err(|e| ConnectionError::Invalid(format!("bad revoke URL: {e}")))?;
        let mut form = Vec::new();
        if service.zoho {
            url.query_pairs_mut().append_pair("token", token.expose_secret());
        } else {
            form.push(("token", token.expose_secret().to_string()));
            let hint = if rec.refresh_token.is_some() { "refresh_token" } else { "access_token" };
            form.push(("token_type_hint", hint.to_string()));
            form.push(("client_id", conn.client_id.clone().unwrap_or_default()));
            if let Some(secret) = &rec.client_secret {
                form.push(("client_secret", secret.expose_secret().to_string()));
            }
        }
        let body =
            url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
        let resp = self
            .http
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(ConnectionError::http)?;
        let status = resp.status();
        if !status.is_success() {
            return Err(ConnectionError::Token {
                link: link.into(),
                message: format!("revocation refused (HTTP {}); credentials kept", status.as_u16()),
            });
        }
        self.deauthorize(link)?;
        Ok(true)
    }

    /// Runs the client-credentials grant for `link` and stores the token.
    pub async fn authorize_client_credentials(
        &self,
        link: &str,
    ) -> Result<Connection, ConnectionError> {
        let (conn, service) = self.oauth_parts(link)?;
        if service.grant() != Some(Grant::ClientCredentials) {
            return Err(ConnectionError::Invalid(format!(
                "connection \"{link}\" does not use the client credentials grant"
            )));
        }
        self.exchange(
            link,
            client_credentials_params(service, &conn),
            "the client credentials request failed",
        )
        .await
    }

    /// Stores an existing refresh token (CI import) and refreshes once to check it.
    pub async fn import_refresh_token(
        &self,
        link: &str,
        refresh_token: SecretString,
    ) -> Result<Connection, ConnectionError> {
        self.oauth_parts(link)?;
        let params =
            vec![("grant_type", "refresh_token"), ("refresh_token", refresh_token.expose_secret())];
        let params = params.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        // One lock for the exchange and the store write that keeps the imported token.
        let _lock = self.lock_link(link).await?;
        let conn = self.exchange_locked(link, params, "the refresh token was refused").await?;
        self.mutate(|st| {
            let rec = st.secrets.entry(link.into()).or_default();
            if rec.refresh_token.is_none() {
                rec.refresh_token = Some(refresh_token);
            }
            Ok(())
        })?;
        Ok(conn)
    }

    /// Calls the token endpoint under the connection's lock and stores the answer.
    async fn exchange(
        &self,
        link: &str,
        params: Vec<(&str, String)>,
        what: &str,
    ) -> Result<Connection, ConnectionError> {
        let _lock = self.lock_link(link).await?;
        self.exchange_locked(link, params, what).await
    }

    /// [`Registry::exchange`] for a caller holding [`Registry::lock_link`].
    async fn exchange_locked(
        &self,
        link: &str,
        params: Vec<(&str, String)>,
        what: &str,
    ) -> Result<Connection, ConnectionError> {
        let (conn, service) = self.oauth_parts(link)?;
        let oauth = service.oauth2.as_ref().ok_or_else(|| not_oauth(link))?;
        let rec = self.secrets_of(link);
        let client_id = conn.client_id.clone().unwrap_or_default();
        let ep = TokenEndpoint {
            url: self.endpoint(&expand(&oauth.token_url, service, &conn)?),
            client_auth: oauth.client_auth,
            client_id: &client_id,
            client_secret: rec.client_secret.as_ref(),
            extra_params: &oauth.token_params,
        };
        let mut secrets = rec.values();
        let param_values: Vec<String> = params
            .iter()
            .filter(|(k, _)| SECRET_PARAMS.contains(k))
            .map(|(_, v)| v.clone())
            .collect();
        secrets.extend(param_values.iter().map(String::as_str));
        match token_request(&self.http, &ep, params, &secrets).await {
            Ok(tr) => {
                self.store_tokens(link, service, tr, true)?;
                self.connection(link).ok_or_else(|| ConnectionError::NotFound { link: link.into() })
            }
            Err(TokenFailure::Dead(m) | TokenFailure::Other(m)) => {
                Err(ConnectionError::Authorization {
                    link: link.into(),
                    message: format!("{what}: {m}"),
                })
            }
        }
    }

    fn oauth_parts(&self, link: &str) -> Result<(Connection, &Service), ConnectionError> {
        let conn =
            self.connection(link).ok_or_else(|| ConnectionError::NotFound { link: link.into() })?;
        let service = self.service_of(link)?;
        if service.auth != AuthKind::Oauth2 {
            return Err(not_oauth(link));
        }
        Ok((conn, service))
    }
}

/// Token request parameters whose values are secrets (redacted from error texts).
const SECRET_PARAMS: [&str; 3] = ["code", "code_verifier", "refresh_token"];

fn not_oauth(link: &str) -> ConnectionError {
    ConnectionError::Invalid(format!("connection \"{link}\" does not use OAuth 2"))
}
