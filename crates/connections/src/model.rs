//! Services and connections: the data the registry works with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ConnectionError;

/// How a service authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// OAuth 2 (authorization code with PKCE, or client credentials; see [`OAuth2Config`]).
    Oauth2,
    /// One or more named API-key values sent as header, query or form parameters.
    ApiKey,
    /// HTTP basic authentication (username and password).
    Basic,
    /// A static bearer token supplied by the user.
    Bearer,
}

impl AuthKind {
    /// The name used in TOML files and `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oauth2 => "oauth2",
            Self::ApiKey => "api_key",
            Self::Basic => "basic",
            Self::Bearer => "bearer",
        }
    }
}

/// OAuth 2 grant used to obtain tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Authorization code (RFC 6749 §4.1), with PKCE unless the service disables it.
    #[default]
    AuthorizationCode,
    /// Client credentials (RFC 6749 §4.4): no user, no refresh token.
    ClientCredentials,
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body (client_secret_post).
    #[default]
    Post,
    /// HTTP basic header with the form-urlencoded id and secret (client_secret_basic).
    Basic,
}

/// Where a credential value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    #[default]
    Header,
    Query,
    Form,
}

/// Where a token (OAuth 2 access token or static bearer token) is placed in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// Header, query or form.
    #[serde(rename = "in", default)]
    pub location: Location,
    /// Header or parameter name, e.g. `Authorization` or `access_token`.
    pub name: String,
    /// Text before the value, e.g. `"Bearer "` or `"Zoho-oauthtoken "`.
    #[serde(default)]
    pub prefix: String,
}

impl Default for Placement {
    fn default() -> Self {
        Self { location: Location::Header, name: "Authorization".into(), prefix: "Bearer ".into() }
    }
}

/// One named API-key value of an `api_key` service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyParam {
    /// Wire name of the parameter (`api-key`, `X-Api-Key`, `authtoken`, ...).
    pub name: String,
    /// Label shown when prompting the user.
    #[serde(default)]
    pub label: Option<String>,
    /// Header, query or form.
    #[serde(rename = "in", default)]
    pub location: Location,
    /// Text before the value (headers only, e.g. `"Bearer "`).
    #[serde(default)]
    pub prefix: String,
}

/// OAuth 2 endpoints and options of a service. URLs may contain placeholders
/// (`{accounts}`, `{api_domain}`, `{domain}`, `{config.NAME}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Config {
    #[serde(default)]
    pub grant: Grant,
    #[serde(default)]
    pub authorization_url: Option<String>,
    pub token_url: String,
    /// Defaults to `token_url`.
    #[serde(default)]
    pub refresh_url: Option<String>,
    #[serde(default)]
    pub revoke_url: Option<String>,
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// PKCE S256; on unless set to false.
    #[serde(default = "yes")]
    pub pkce: bool,
    /// Extra query parameters of the authorization URL (`access_type = "offline"`, ...).
    #[serde(default)]
    pub authorization_params: BTreeMap<String, String>,
    /// Extra form parameters of every token request.
    #[serde(default)]
    pub token_params: BTreeMap<String, String>,
    /// Refresh this many seconds before expiry (default 300).
    #[serde(default)]
    pub refresh_margin_secs: Option<u64>,
    /// Fixed loopback port for the redirect URI, for providers that match it exactly.
    #[serde(default)]
    pub redirect_port: Option<u16>,
    /// Query parameters of the redirect to keep in the connection's config (`realmId`).
    #[serde(default)]
    pub capture_from_redirect: Vec<String>,
    /// Token-response fields to keep in the connection's config when they are URLs on an
    /// allowed host (`api_domain`, `instance_url`).
    #[serde(default)]
    pub capture_from_token: Vec<String>,
}

fn yes() -> bool {
    true
}

/// How sure we are of a catalog entry's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Stated by the provider's documentation (see the research notes).
    Confirmed,
    /// Our inference or general knowledge; verify before relying on it.
    #[default]
    BestGuess,
    /// Described by the user.
    Custom,
}

/// One Zoho data centre: where to log in and where the APIs live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataCentre {
    /// The suffix used on the command line (`com`, `eu`, `in`, `com.au`, ...). Filled from the
    /// table key.
    #[serde(default)]
    pub code: String,
    /// Zoho's `location` value (`us`, `eu`, ...).
    pub location: String,
    /// Accounts server, e.g. `https://accounts.zoho.eu`.
    pub accounts: String,
    /// API domain, e.g. `https://www.zohoapis.eu`.
    pub api_domain: String,
    /// Product domain, e.g. `zoho.eu` (`zohocloud.ca` for Canada).
    pub domain: String,
    pub confidence: Confidence,
}

/// A service: how to authenticate against one API, and where its credential may go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    /// Unique name (`zoho_books`, `github`, or a custom name).
    pub name: String,
    pub display_name: String,
    /// Family whose defaults the entry inherits (`zoho`, `google`, ...).
    pub family: Option<String>,
    pub auth: AuthKind,
    pub oauth2: Option<OAuth2Config>,
    /// Where the token goes (`oauth2` and `bearer` services).
    pub credential: Placement,
    /// The values of an `api_key` service.
    pub api_keys: Vec<ApiKeyParam>,
    /// API base URL (may contain placeholders).
    pub base_url: Option<String>,
    /// Static extra headers sent with every request (`Notion-Version`, ...).
    pub headers: BTreeMap<String, String>,
    /// Hosts the credential may be sent to: `host`, `host:port` or `*.domain` (placeholders
    /// allowed). Defaults to the host of `base_url`.
    pub allowed_hosts: Vec<String>,
    /// Scopes a user may choose from (informative).
    pub scopes: Vec<String>,
    /// Scopes used when `add` is given none.
    pub default_scopes: Vec<String>,
    /// Separator used to join scopes in the authorization request.
    pub scope_separator: String,
    /// Per-connection values the URLs need (`shop`, `subdomain`, ...), set with `--config`.
    pub config_fields: Vec<String>,
    /// Whether the service is multi-data-centre Zoho (connections then carry a DC).
    pub zoho: bool,
    pub confidence: Confidence,
    /// `true` for services described by the user.
    pub custom: bool,
    pub notes: String,
}

impl Service {
    /// Whether connections to this service need the user's own OAuth client id and secret.
    pub fn needs_client(&self) -> bool {
        self.auth == AuthKind::Oauth2
    }

    /// The OAuth grant, if this is an OAuth 2 service.
    pub fn grant(&self) -> Option<Grant> {
        self.oauth2.as_ref().map(|o| o.grant)
    }
}

/// Authorization state of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AuthState {
    /// Created, never authorized.
    #[default]
    NotAuthorized,
    /// Holds working credentials.
    Authorized,
    /// Credentials stopped working; `reason` says why.
    NeedsReauthorization { reason: String },
}

impl AuthState {
    pub fn label(&self) -> &'static str {
        match self {
            Self::NotAuthorized => "not authorized",
            Self::Authorized => "authorized",
            Self::NeedsReauthorization { .. } => "needs re-authorization",
        }
    }
}

/// A connection: a link name bound to a service, scopes, options and an authorization state.
/// Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// The link name scripts use.
    #[serde(skip)]
    pub link: String,
    pub service: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Scopes the provider reported granting (empty when it did not say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub granted_scopes: Vec<String>,
    /// Zoho data centre code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dc: Option<String>,
    /// The user's own OAuth client id (not secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Per-connection values (`shop`, `subdomain`, Zoho `api_domain`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, String>,
    #[serde(flatten)]
    pub state: AuthState,
    /// Unix seconds.
    #[serde(default)]
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_at: Option<i64>,
    /// Absolute expiry of the current access token (Unix seconds), from the secret store.
    #[serde(skip)]
    pub token_expires_at: Option<i64>,
}

impl Connection {
    /// A new, not yet authorized connection.
    pub fn new(link: &str, service: &str) -> Self {
        Self {
            link: link.to_string(),
            service: service.to_string(),
            scopes: Vec::new(),
            granted_scopes: Vec::new(),
            dc: None,
            client_id: None,
            config: BTreeMap::new(),
            state: AuthState::NotAuthorized,
            created_at: now(),
            authorized_at: None,
            token_expires_at: None,
        }
    }
}

/// Checks the link-name rule `^[a-z][a-z0-9_]{0,49}$` (also used for service names).
pub fn validate_name(name: &str) -> Result<(), ConnectionError> {
    let mut chars = name.chars();
    let ok = name.len() <= 50
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ConnectionError::InvalidName { name: name.chars().take(60).collect() })
    }
}

/// A source of the current time, Unix seconds. The registry reads the time only through its
/// clock ([`crate::Registry::with_clock`]), so tests can pin it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time in Unix seconds.
    fn now(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        now()
    }
}

/// A clock that stands still until told otherwise (tests).
#[derive(Debug, Default)]
pub struct FixedClock(std::sync::atomic::AtomicI64);

impl FixedClock {
    /// A clock showing `secs` (Unix seconds).
    pub fn new(secs: i64) -> Self {
        Self(std::sync::atomic::AtomicI64::new(secs))
    }

    /// Sets the time.
    pub fn set(&self, secs: i64) {
        self.0.store(secs, std::sync::atomic::Ordering::SeqCst);
    }

    /// Moves the time forward by `secs`.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Current time in Unix seconds (system clock).
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Formats Unix seconds as RFC 3339 (UTC).
pub(crate) fn format_time(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map_or_else(|| secs.to_string(), |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_names() {
        for ok in ["books", "a", "biginandbooksconnectionnew__booksconnection", "x_1"] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1abc", "Books", "a-b", "a b", &"a".repeat(51), "é"] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_format() {
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
    }
}
