//! The registry: services (catalog + custom) and connections, on disk or in memory.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use secrecy::SecretString;

use crate::catalog::Catalog;
use crate::error::ConnectionError;
use crate::model::{Clock, Connection, DataCentre, Service, SystemClock};
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
    /// Last failed refresh per link (for the cool-down), in this process: clock seconds and
    /// the (redacted) message.
    pub(crate) failures: Mutex<HashMap<String, (i64, String)>>,
    /// Source of the current time for token expiry, cool-downs and timestamps.
    pub(crate) clock: Arc<dyn Clock>,
    /// Runtime of the blocking API, created on first use.
    pub(crate) blocking_rt: std::sync::OnceLock<tokio::runtime::Runtime>,
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
        let reg = Registry::with_parts(Some(store), services);
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
        Registry::with_parts(None, Catalog::builtin().services.clone())
    }

    /// A registry over `store` (or none) with `services` and nothing loaded yet.
    fn with_parts(store: Option<DiskStore>, services: Vec<Service>) -> Registry {
        Registry {
            store,
            services,
            state: Mutex::new(State::default()),
            flights: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            clock: Arc::new(SystemClock),
            blocking_rt: std::sync::OnceLock::new(),
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

    /// Uses `clock` instead of the system clock for token expiry, the refresh cool-down and
    /// timestamps (tests use a [`crate::FixedClock`]).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The current time of the registry's clock, Unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now()
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
        let _guard = store.lock_store()?;
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
