//! Managing services and connections: custom services, adding and removing connections,
//! storing static credentials.

use std::collections::BTreeMap;
use std::path::Path;

use secrecy::SecretString;

use crate::catalog::{parse_custom, Catalog};
use crate::error::ConnectionError;
use crate::model::{validate_name, AuthKind, AuthState, Connection, Service};
use crate::registry::{NewConnection, OAuthTokens, Registry};
use crate::store::SecretRecord;

impl Registry {
    /// Adds a custom service from TOML text; `origin` names the source in errors. Written to
    /// `services/NAME.toml` for an on-disk registry.
    pub fn add_service_toml(
        &mut self,
        text: &str,
        origin: &Path,
    ) -> Result<Service, ConnectionError> {
        let service = parse_custom(text, origin)?;
        if let Some(old) = self.service(&service.name) {
            if !old.custom {
                return Err(ConnectionError::Invalid(format!(
                    "\"{}\" is a built-in service; choose another name",
                    service.name
                )));
            }
        }
        if let Some(store) = &self.store {
            store.save_custom_service(&service.name, text)?;
        }
        self.services.retain(|s| s.name != service.name);
        self.services.push(service.clone());
        Ok(service)
    }

    /// Adds a custom service from a TOML file.
    pub fn add_service_file(&mut self, path: &Path) -> Result<Service, ConnectionError> {
        let text = crate::store::read_text(path)?;
        self.add_service_toml(&text, path)
    }

    /// Removes a custom service. Fails if a connection still uses it.
    pub fn remove_service(&mut self, name: &str) -> Result<(), ConnectionError> {
        match self.service(name) {
            None => return Err(ConnectionError::UnknownService { name: name.into() }),
            Some(s) if !s.custom => {
                return Err(ConnectionError::Invalid(format!(
                    "\"{name}\" is built in; it cannot be removed"
                )))
            }
            Some(_) => {}
        }
        let users: Vec<String> =
            self.connections().into_iter().filter(|c| c.service == name).map(|c| c.link).collect();
        if !users.is_empty() {
            return Err(ConnectionError::Invalid(format!(
                "service \"{name}\" is used by {}; remove those connections first",
                users.join(", ")
            )));
        }
        if let Some(store) = &self.store {
            store.remove_custom_service(name)?;
        }
        self.services.retain(|s| s.name != name);
        Ok(())
    }

    /// Creates a connection (not yet authorized). For OAuth services a client id is required.
    pub fn add_connection(&self, new: NewConnection) -> Result<Connection, ConnectionError> {
        validate_name(&new.link)?;
        let service = self
            .service(&new.service)
            .ok_or_else(|| ConnectionError::UnknownService { name: new.service.clone() })?;
        if service.needs_client() && new.client_id.as_deref().is_none_or(str::is_empty) {
            return Err(ConnectionError::Invalid(format!(
                "service \"{}\" uses OAuth: register your own app with the provider and pass --client-id (and --client-secret-stdin)",
                service.name
            )));
        }
        let dc = match (service.zoho, new.dc) {
            (true, dc) => {
                let dc = dc.unwrap_or_else(|| "com".into());
                if Catalog::builtin().data_centre(&dc).is_none() {
                    let known: Vec<&str> =
                        self.data_centres().iter().map(|d| d.code.as_str()).collect();
                    return Err(ConnectionError::Invalid(format!(
                        "unknown data centre \"{dc}\"; use one of {}",
                        known.join(", ")
                    )));
                }
                Some(dc)
            }
            (false, Some(_)) => {
                return Err(ConnectionError::Invalid(format!(
                    "--dc only applies to Zoho services, not \"{}\"",
                    service.name
                )))
            }
            (false, None) => None,
        };
        for (k, v) in &new.config {
            if !v.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) || v.is_empty() {
                return Err(ConnectionError::Invalid(format!(
                    "--config {k}: use letters, digits, '.', '_' or '-'"
                )));
            }
        }
        if let Some(missing) = service.config_fields.iter().find(|f| !new.config.contains_key(*f)) {
            return Err(ConnectionError::Invalid(format!(
                "service \"{}\" needs --config {missing}=VALUE",
                service.name
            )));
        }
        let mut conn = Connection::new(&new.link, &service.name);
        conn.created_at = self.now();
        conn.scopes =
            if new.scopes.is_empty() { service.default_scopes.clone() } else { new.scopes };
        conn.dc = dc;
        conn.client_id = new.client_id;
        conn.config = new.config;
        let (link, replace, secret) = (new.link, new.replace, new.client_secret);
        self.mutate(move |st| {
            if st.conns.contains_key(&link) && !replace {
                return Err(ConnectionError::AlreadyExists { link });
            }
            // Replacing with the same client keeps its secret unless a new one is given.
            let same_client = st.conns.get(&link).is_some_and(|c| c.client_id == conn.client_id);
            let old = st.secrets.remove(&link).and_then(|r| r.client_secret);
            let client_secret = secret.or(if same_client { old } else { None });
            st.secrets.insert(link.clone(), SecretRecord { client_secret, ..Default::default() });
            st.conns.insert(link, conn.clone());
            Ok(conn)
        })
    }

    /// Deletes a connection and its secrets.
    pub fn remove_connection(&self, link: &str) -> Result<(), ConnectionError> {
        self.mutate(|st| {
            st.secrets.remove(link);
            st.conns
                .remove(link)
                .map(|_| ())
                .ok_or_else(|| ConnectionError::NotFound { link: link.into() })
        })
    }

    /// Forgets a connection's tokens and credentials (keeps its configuration and client
    /// secret); it becomes "not authorized".
    pub fn deauthorize(&self, link: &str) -> Result<(), ConnectionError> {
        self.mutate(|st| {
            let conn = st
                .conns
                .get_mut(link)
                .ok_or_else(|| ConnectionError::NotFound { link: link.into() })?;
            conn.state = AuthState::NotAuthorized;
            conn.token_expires_at = None;
            let old = st.secrets.remove(link).unwrap_or_default();
            st.secrets.insert(
                link.into(),
                SecretRecord { client_secret: old.client_secret, ..Default::default() },
            );
            Ok(())
        })
    }

    /// Stores API-key values (name → value) for an `api_key` connection and marks it authorized.
    pub fn set_api_keys(
        &self,
        link: &str,
        values: BTreeMap<String, SecretString>,
    ) -> Result<(), ConnectionError> {
        let service = self.service_of(link)?;
        for p in &service.api_keys {
            if !values.contains_key(&p.name) {
                return Err(ConnectionError::Invalid(format!("missing value for \"{}\"", p.name)));
            }
        }
        self.set_static(link, AuthKind::ApiKey, |rec| rec.api_keys = values)
    }

    /// Stores basic-auth credentials and marks the connection authorized.
    pub fn set_basic(
        &self,
        link: &str,
        username: SecretString,
        password: SecretString,
    ) -> Result<(), ConnectionError> {
        self.set_static(link, AuthKind::Basic, |rec| {
            rec.username = Some(username);
            rec.password = Some(password);
        })
    }

    /// Stores a static bearer token and marks the connection authorized.
    pub fn set_bearer(&self, link: &str, token: SecretString) -> Result<(), ConnectionError> {
        self.set_static(link, AuthKind::Bearer, |rec| rec.access_token = Some(token))
    }

    /// Stores OAuth tokens as they are (sandbox/test set-up) and marks the connection
    /// authorized.
    pub fn set_oauth_tokens(&self, link: &str, tokens: OAuthTokens) -> Result<(), ConnectionError> {
        self.set_static(link, AuthKind::Oauth2, |rec| {
            rec.access_token = Some(tokens.access_token);
            rec.refresh_token = tokens.refresh_token;
            rec.expires_at = tokens.expires_at;
            rec.obtained_at = None;
        })
    }

    fn set_static(
        &self,
        link: &str,
        kind: AuthKind,
        f: impl FnOnce(&mut SecretRecord),
    ) -> Result<(), ConnectionError> {
        let service = self.service_of(link)?;
        if service.auth != kind {
            return Err(ConnectionError::Invalid(format!(
                "connection \"{link}\" uses {} authentication, not {}",
                service.auth.as_str(),
                kind.as_str()
            )));
        }
        self.mutate(|st| {
            let conn = st
                .conns
                .get_mut(link)
                .ok_or_else(|| ConnectionError::NotFound { link: link.into() })?;
            conn.state = AuthState::Authorized;
            conn.authorized_at = Some(self.now());
            let rec = st.secrets.entry(link.into()).or_default();
            f(rec);
            conn.token_expires_at = rec.expires_at;
            Ok(())
        })
    }
}
