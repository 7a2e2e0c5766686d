//! The built-in service catalog (`data/catalog.toml`) and the service description format it
//! shares with custom services.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::ConnectionError;
use crate::model::{
    validate_name, ApiKeyParam, AuthKind, Confidence, DataCentre, OAuth2Config, Placement, Service,
};

const CATALOG_TOML: &str = include_str!("../data/catalog.toml");
const CATALOG_PATH: &str = "crates/connections/data/catalog.toml";

/// One service description as written in TOML: the catalog's `[services.NAME]` tables, the
/// catalog's `[families.NAME]` defaults, and custom service files all use this vocabulary.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceSpec {
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub family: Option<String>,
    pub auth: Option<AuthKind>,
    pub oauth2: Option<OAuth2Config>,
    pub credential: Option<Placement>,
    pub api_key: Option<Vec<ApiKeyParam>>,
    pub base_url: Option<String>,
    pub allowed_hosts: Option<Vec<String>>,
    pub headers: Option<BTreeMap<String, String>>,
    pub scopes: Option<Vec<String>>,
    pub default_scopes: Option<Vec<String>>,
    pub scope_separator: Option<String>,
    pub config_fields: Option<Vec<String>>,
    pub zoho: Option<bool>,
    pub confidence: Option<Confidence>,
    pub notes: Option<String>,
}

impl ServiceSpec {
    /// Fills every unset field from `parent`.
    fn inherit(mut self, parent: &ServiceSpec) -> Self {
        macro_rules! take {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = parent.$f.clone(); } )* };
        }
        take!(auth, oauth2, credential, api_key, base_url, allowed_hosts, headers, scopes);
        take!(default_scopes, scope_separator, config_fields, zoho, confidence, notes);
        self
    }

    /// Turns the description into a [`Service`], checking it is complete.
    pub(crate) fn resolve(self, name: &str, custom: bool) -> Result<Service, String> {
        validate_name(name).map_err(|e| e.to_string())?;
        let auth = self.auth.ok_or("missing `auth` (oauth2, api_key, basic or bearer)")?;
        if auth == AuthKind::Oauth2 && self.oauth2.is_none() {
            return Err(
                "an oauth2 service needs an [oauth2] table with at least `token_url`".into()
            );
        }
        if let Some(o) = &self.oauth2 {
            if auth == AuthKind::Oauth2
                && o.grant == crate::model::Grant::AuthorizationCode
                && o.authorization_url.is_none()
            {
                return Err("the authorization_code grant needs `oauth2.authorization_url`".into());
            }
        }
        let api_keys = self.api_key.unwrap_or_default();
        if auth == AuthKind::ApiKey && api_keys.is_empty() {
            return Err("an api_key service needs at least one [[api_key]] entry".into());
        }
        let allowed_hosts = match self.allowed_hosts {
            Some(h) if !h.is_empty() => h,
            _ => match self.base_url.as_deref().and_then(template_host) {
                Some(h) => vec![h],
                None => return Err("set `allowed_hosts` or a `base_url` with a host".into()),
            },
        };
        let scope_separator = self.scope_separator.unwrap_or_else(|| " ".into());
        Ok(Service {
            name: name.to_string(),
            display_name: self.display_name.unwrap_or_else(|| name.to_string()),
            family: self.family,
            auth,
            oauth2: if auth == AuthKind::Oauth2 { self.oauth2 } else { None },
            credential: self.credential.unwrap_or_default(),
            api_keys,
            base_url: self.base_url,
            allowed_hosts,
            headers: self.headers.unwrap_or_default(),
            scopes: self.scopes.unwrap_or_default(),
            default_scopes: self.default_scopes.unwrap_or_default(),
            scope_separator,
            config_fields: self.config_fields.unwrap_or_default(),
            zoho: self.zoho.unwrap_or(false),
            confidence: if custom {
                Confidence::Custom
            } else {
                self.confidence.unwrap_or_default()
            },
            custom,
            notes: self.notes.unwrap_or_default(),
        })
    }
}

/// The host part of a URL template (`https://{config.shop}.myshopify.com/x` gives
/// `{config.shop}.myshopify.com`).
fn template_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_string())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    zoho_data_centres: BTreeMap<String, DataCentre>,
    families: BTreeMap<String, ServiceSpec>,
    services: BTreeMap<String, ServiceSpec>,
}

/// The parsed built-in catalog.
#[derive(Debug)]
pub struct Catalog {
    /// Zoho data centres, keyed by code (`com`, `eu`, ...).
    pub data_centres: Vec<DataCentre>,
    /// Built-in services, sorted by name.
    pub services: Vec<Service>,
}

impl Catalog {
    /// The catalog shipped inside the crate, parsed once.
    ///
    /// # Panics
    /// Never in practice: the embedded file is checked by a unit test; a broken file would
    /// yield an empty catalog rather than a panic.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            parse_catalog(CATALOG_TOML, Path::new(CATALOG_PATH))
                .unwrap_or(Catalog { data_centres: Vec::new(), services: Vec::new() })
        })
    }

    /// The data centre with this code (`com`, `eu`, `in`, `com.au`, `jp`, `ca`, `sa`, `com.cn`, ...).
    pub fn data_centre(&self, code: &str) -> Option<&DataCentre> {
        self.data_centres.iter().find(|d| d.code == code)
    }

    /// A built-in service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

fn parse_catalog(text: &str, path: &Path) -> Result<Catalog, ConnectionError> {
    let file: CatalogFile =
        toml::from_str(text).map_err(|e| ConnectionError::toml(path, text, &e))?;
    let data_centres = file
        .zoho_data_centres
        .into_iter()
        .map(|(code, mut dc)| {
            dc.code = code;
            dc
        })
        .collect();
    let mut services = Vec::new();
    for (name, spec) in file.services {
        let spec = match spec.family.as_deref().and_then(|f| file.families.get(f)) {
            Some(parent) => spec.inherit(parent),
            None => spec,
        };
        let service = spec.resolve(&name, false).map_err(|message| ConnectionError::Parse {
            path: path.to_path_buf(),
            line: find_line(text, &format!("[services.{name}]")),
            column: 1,
            message: format!("service {name}: {message}"),
        })?;
        services.push(service);
    }
    Ok(Catalog { data_centres, services })
}

/// Parses a custom service description (one service, top-level fields, `name` required).
pub(crate) fn parse_custom(text: &str, path: &Path) -> Result<Service, ConnectionError> {
    let spec: ServiceSpec =
        toml::from_str(text).map_err(|e| ConnectionError::toml(path, text, &e))?;
    let name = spec.name.clone().ok_or_else(|| ConnectionError::Parse {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: "missing `name`".into(),
    })?;
    let spec = match spec.family.as_deref() {
        Some(family) => {
            let parent = builtin_family(family).ok_or_else(|| ConnectionError::Parse {
                path: path.to_path_buf(),
                line: find_line(text, "family"),
                column: 1,
                message: format!("unknown family \"{family}\""),
            })?;
            spec.inherit(&parent)
        }
        None => spec,
    };
    spec.resolve(&name, true).map_err(|message| ConnectionError::Parse {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message,
    })
}

fn builtin_family(name: &str) -> Option<ServiceSpec> {
    let file: CatalogFile = toml::from_str(CATALOG_TOML).ok()?;
    file.families.get(name).cloned()
}

/// 1-based line of the first line containing `needle` (1 when absent).
pub(crate) fn find_line(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses_and_is_complete() {
        let cat = parse_catalog(CATALOG_TOML, Path::new(CATALOG_PATH)).unwrap();
        assert!(cat.services.len() >= 50, "only {} services", cat.services.len());
        for dc in ["com", "eu", "in", "com.au", "jp", "ca", "sa", "com.cn"] {
            assert!(cat.data_centre(dc).is_some(), "missing DC {dc}");
        }
        for name in [
            "zoho_bigin",
            "zoho_books",
            "zoho_crm",
            "zoho_desk",
            "zoho_invoice",
            "zoho_inventory",
            "zoho_projects",
            "zoho_people",
            "zoho_recruit",
            "zoho_workdrive",
            "zoho_mail",
            "zoho_sign",
            "zoho_creator",
            "zoho_analytics",
            "google_drive",
            "microsoft",
            "slack",
            "dropbox",
            "github",
            "stripe",
            "twilio",
            "mailchimp",
            "hubspot",
            "shopify",
            "salesforce",
            "xero",
            "quickbooks",
        ] {
            let s = cat.service(name).unwrap_or_else(|| panic!("missing {name}"));
            assert_ne!(s.confidence, Confidence::Custom);
            assert!(!s.allowed_hosts.is_empty());
        }
        let books = cat.service("zoho_books").unwrap();
        assert_eq!(books.credential.prefix, "Zoho-oauthtoken ");
        assert_eq!(books.scope_separator, ",");
        assert!(books.zoho);
        assert_eq!(cat.data_centre("ca").unwrap().accounts, "https://accounts.zohocloud.ca");
        assert!(Catalog::builtin().services.len() >= 50);
    }

    #[test]
    fn custom_service_errors_name_file_and_line() {
        let err = parse_custom("name = \"x\"\nauth = 3\n", Path::new("svc.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("svc.toml:2:"), "{msg}");
        let err =
            parse_custom("name = \"x\"\nauth = \"oauth2\"\n", Path::new("s.toml")).unwrap_err();
        assert!(err.to_string().contains("oauth2"), "{err}");
    }

    #[test]
    fn template_hosts() {
        assert_eq!(
            template_host("https://{config.s}.x.com/a").as_deref(),
            Some("{config.s}.x.com")
        );
        assert_eq!(template_host("nope"), None);
    }
}
