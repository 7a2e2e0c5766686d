//! The registry: services (catalog + custom) and connections, on disk or in memory.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use secrecy::SecretString;

use crate::catalog::{parse_custom, Catalog};
use crate::error::ConnectionError;
use crate::model::{now, validate_name, AuthKind, AuthState, Connection, DataCentre, Service};
use crate::store::{DiskStore, SecretRecord};

/// Everything needed to create a connection with [`Registry::add_connection`].
#[derive(Debug, Clone, Default)]
pub struct NewConnection {
    /// Link name (`^[a-z][a-z0-9_]{0,49}$`).
    pub link: String,
    /// Service name.
    pub service: String,
    /// Scopes; the service's default scopes when empty.
    pub scopes: Vec<String>,
    /// Zoho data centre code (`com` when unset for Zoho services).
    pub dc: Option<String>,
    /// The user's OAuth client id (required for OAuth services).
    pub client_id: Option<String>,
    /// The user's OAuth client secret.
    pub client_secret: Option<SecretString>,
    /// Per-connection values (`shop`, `subdomain`, ...).
    pub config: BTreeMap<String, String>,
    /// Replace an existing connection of the same link name.
    pub replace: bool,
}

/// Tokens to store directly (sandbox/test set-up, CI import).
#[derive(Debug, Clone)]
pub struct OAuthTokens {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// Absolute expiry, Unix seconds.
    pub expires_at: Option<i64>,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub conns: BTreeMap<String, Connection>,
    pub secrets: BTreeMap<String, SecretRecord>,
}

/// Services and connections, plus the machinery to authenticate requests with them.
///
/// Cheap to share behind an `Arc`: every method takes `&self` except those that change the
/// service list.
#[derive(Debug)]
pub struct Registry {
    pub(crate) store: Option<DiskStore>,
    pub(crate) services: Vec<Service>,
    pub(crate) state: Mutex<State>,
    pub(crate) flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    pub(crate) http: reqwest::Client,
    pub(crate) overrides: Vec<(String, String)>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn default_http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(40))
        .build()
        .unwrap_or_default()
}

impl Registry {
    /// Opens (creating if needed) the store under `root` and loads custom services and
    /// connections. Corrupt files give [`ConnectionError::Parse`] naming file and line.
    pub fn open(root: &Path) -> Result<Registry, ConnectionError> {
        let store = DiskStore::open(root)?;
        let mut services = Catalog::builtin().services.clone();
        for custom in store.load_custom_services()? {
            if services.iter().any(|s| s.name == custom.name) {
                return Err(ConnectionError::Invalid(format!(
                    "{}: service \"{}\" clashes with a built-in service; rename it",
                    store.services_dir().join(format!("{}.toml", custom.name)).display(),
                    custom.name
                )));
            }
            services.push(custom);
        }
        let reg = Registry {
            store: Some(store),
            services,
            state: Mutex::new(State::default()),
            flights: Mutex::new(HashMap::new()),
            http: default_http(),
            overrides: Vec::new(),
        };
        reg.reload()?;
        Ok(reg)
    }

    /// Opens the store at [`Registry::default_root`].
    pub fn open_default() -> Result<Registry, ConnectionError> {
        Self::open(&Self::default_root()?)
    }

    /// `$DG_HOME` when set and non-empty, else `<platform config dir>/dg`
    /// (`~/.config/dg` on Linux).
    pub fn default_root() -> Result<PathBuf, ConnectionError> {
        match std::env::var_os("DG_HOME") {
            Some(home) if !home.is_empty() => Ok(PathBuf::from(home)),
            _ => dirs::config_dir().map(|d| d.join("dg")).ok_or_else(|| {
                ConnectionError::Invalid("no config directory found; set DG_HOME".into())
            }),
        }
    }

    /// A registry that never touches the disk (tests, sandboxes). It starts with the built-in
    /// catalog and no connections.
    pub fn in_memory() -> Registry {
        Registry {
            store: None,
            services: Catalog::builtin().services.clone(),
            state: Mutex::new(State::default()),
            flights: Mutex::new(HashMap::new()),
            http: default_http(),
            overrides: Vec::new(),
        }
    }

    /// Uses `client` for token requests and [`Registry::send`]. It must not follow redirects
    /// (`reqwest::redirect::Policy::none()`), or credentials could follow them.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http = client;
        self
    }

    /// Rewrites OAuth endpoint URLs (authorization, token, refresh) starting with `from` to
    /// start with `to` instead, e.g. `https://accounts.zoho.eu` → `http://127.0.0.1:8080`.
    pub fn with_endpoint_override(mut self, from: &str, to: &str) -> Self {
        self.overrides.push((from.trim_end_matches('/').into(), to.trim_end_matches('/').into()));
        self
    }

    /// The store root, `None` for an in-memory registry.
    pub fn root(&self) -> Option<&Path> {
        self.store.as_ref().map(DiskStore::root)
    }

    /// All services: the built-in catalog, then custom services.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// A service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    /// The Zoho data-centre table.
    pub fn data_centres(&self) -> &'static [DataCentre] {
        &Catalog::builtin().data_centres
    }

    /// All connections, sorted by link name.
    pub fn connections(&self) -> Vec<Connection> {
        lock(&self.state).conns.values().cloned().collect()
    }

    /// One connection (no secrets in it).
    pub fn connection(&self, link: &str) -> Option<Connection> {
        lock(&self.state).conns.get(link).cloned()
    }

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
        let text = std::fs::read_to_string(path).map_err(|e| ConnectionError::io(path, e))?;
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
        let mut conn = Connection::new(&new.link, &service.name);
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
            st.secrets
                .insert(link.clone(), SecretRecord { client_secret: secret, ..Default::default() });
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
            rec.obtained_at = Some(now());
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
            conn.authorized_at = Some(now());
            let rec = st.secrets.entry(link.into()).or_default();
            f(rec);
            conn.token_expires_at = rec.expires_at;
            Ok(())
        })
    }

    pub(crate) fn service_of(&self, link: &str) -> Result<&Service, ConnectionError> {
        let conn =
            self.connection(link).ok_or_else(|| ConnectionError::NotFound { link: link.into() })?;
        self.service(&conn.service).ok_or(ConnectionError::UnknownService { name: conn.service })
    }

    pub(crate) fn secrets_of(&self, link: &str) -> SecretRecord {
        lock(&self.state).secrets.get(link).cloned().unwrap_or_default()
    }

    /// Re-reads both files from disk (no-op in memory).
    pub(crate) fn reload(&self) -> Result<(), ConnectionError> {
        let Some(store) = &self.store else { return Ok(()) };
        let state = load_state(store)?;
        for conn in state.conns.values() {
            if self.service(&conn.service).is_none() {
                let path = store.connections_path();
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                return Err(ConnectionError::Parse {
                    line: crate::catalog::find_line(&text, &format!("[connections.{}]", conn.link)),
                    path,
                    column: 1,
                    message: format!(
                        "connection \"{}\" uses unknown service \"{}\"",
                        conn.link, conn.service
                    ),
                });
            }
        }
        *lock(&self.state) = state;
        Ok(())
    }

    /// Applies `f` to the current state and persists it: under the store lock, re-read the
    /// files, change, write both atomically (secrets first).
    pub(crate) fn mutate<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, ConnectionError>,
    ) -> Result<T, ConnectionError> {
        let Some(store) = &self.store else { return f(&mut lock(&self.state)) };
        let _guard = store.lock("store")?;
        let mut state = load_state(store)?;
        let out = f(&mut state)?;
        store.save_secrets(&state.secrets)?;
        store.save_connections(&state.conns)?;
        *lock(&self.state) = state;
        Ok(out)
    }
}

fn load_state(store: &DiskStore) -> Result<State, ConnectionError> {
    let mut conns = store.load_connections()?;
    let secrets = store.load_secrets()?;
    for (link, conn) in &mut conns {
        conn.token_expires_at = secrets.get(link).and_then(|s| s.expires_at);
    }
    Ok(State { conns, secrets })
}
