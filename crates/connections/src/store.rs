//! On-disk storage under one root directory.
//!
//! ```text
//! ROOT/connections.toml          non-secret connection records   [connections.LINK]
//! ROOT/connection-secrets.toml   secrets, mode 0600              [secrets.LINK]
//! ROOT/services/NAME.toml        custom services
//! ROOT/.locks/                   advisory lock files (store.lock, LINK.lock)
//! ```
//!
//! Every write goes to a temporary file in the same directory, is fsynced, then renamed over
//! the old file, so a crash leaves either the old or the new content. Writers take
//! `store.lock` and re-read the files before changing them, so processes do not lose each
//! other's updates.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::catalog::{find_line, parse_custom};
use crate::error::ConnectionError;
use crate::model::{validate_name, Connection, Service};

/// Secrets of one connection. `Debug` shows only redacted markers.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretRecord {
    pub client_secret: Option<SecretString>,
    pub access_token: Option<SecretString>,
    pub refresh_token: Option<SecretString>,
    /// Absolute expiry of `access_token`, Unix seconds.
    pub expires_at: Option<i64>,
    /// When `access_token` was obtained, Unix seconds.
    pub obtained_at: Option<i64>,
    #[serde(default)]
    pub api_keys: BTreeMap<String, SecretString>,
    pub username: Option<SecretString>,
    pub password: Option<SecretString>,
}

impl SecretRecord {
    /// All secret values, for redacting text that might echo one.
    pub(crate) fn values(&self) -> Vec<&str> {
        let singles = [
            &self.client_secret,
            &self.access_token,
            &self.refresh_token,
            &self.username,
            &self.password,
        ];
        let mut out: Vec<&str> = singles.into_iter().flatten().map(|s| s.expose_secret()).collect();
        out.extend(self.api_keys.values().map(|s| s.expose_secret()));
        out
    }

    fn to_toml(&self) -> toml::Table {
        let mut t = toml::Table::new();
        let mut put = |k: &str, v: &Option<SecretString>| {
            if let Some(v) = v {
                t.insert(k.into(), toml::Value::String(v.expose_secret().to_string()));
            }
        };
        put("client_secret", &self.client_secret);
        put("access_token", &self.access_token);
        put("refresh_token", &self.refresh_token);
        put("username", &self.username);
        put("password", &self.password);
        for (k, v) in [("expires_at", self.expires_at), ("obtained_at", self.obtained_at)] {
            if let Some(v) = v {
                t.insert(k.into(), toml::Value::Integer(v));
            }
        }
        if !self.api_keys.is_empty() {
            let keys = self
                .api_keys
                .iter()
                .map(|(k, v)| (k.clone(), toml::Value::String(v.expose_secret().to_string())))
                .collect();
            t.insert("api_keys".into(), toml::Value::Table(keys));
        }
        t
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConnectionsFile {
    #[serde(default)]
    connections: BTreeMap<String, Connection>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SecretsFile {
    #[serde(default)]
    secrets: BTreeMap<String, SecretRecord>,
}

/// The files under one root directory.
#[derive(Debug, Clone)]
pub(crate) struct DiskStore {
    root: PathBuf,
}

/// An exclusive advisory lock, released on drop.
#[derive(Debug)]
pub(crate) struct LockGuard {
    _file: File,
}

impl DiskStore {
    pub(crate) fn open(root: &Path) -> Result<Self, ConnectionError> {
        for dir in [root.to_path_buf(), root.join("services"), root.join(".locks")] {
            create_private_dir(&dir)?;
        }
        Ok(Self { root: root.to_path_buf() })
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn connections_path(&self) -> PathBuf {
        self.root.join("connections.toml")
    }

    pub(crate) fn secrets_path(&self) -> PathBuf {
        self.root.join("connection-secrets.toml")
    }

    pub(crate) fn services_dir(&self) -> PathBuf {
        self.root.join("services")
    }

    /// Takes the exclusive lock `ROOT/.locks/NAME.lock`, waiting for other processes.
    pub(crate) fn lock(&self, name: &str) -> Result<LockGuard, ConnectionError> {
        let path = self.root.join(".locks").join(format!("{name}.lock"));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| ConnectionError::io(&path, e))?;
        fs4::FileExt::lock(&file).map_err(|e| ConnectionError::io(&path, e))?;
        Ok(LockGuard { _file: file })
    }

    pub(crate) fn load_connections(&self) -> Result<BTreeMap<String, Connection>, ConnectionError> {
        let path = self.connections_path();
        let Some(text) = read_optional(&path)? else { return Ok(BTreeMap::new()) };
        let file: ConnectionsFile =
            toml::from_str(&text).map_err(|e| ConnectionError::toml(&path, &text, &e))?;
        let mut out = BTreeMap::new();
        for (link, mut conn) in file.connections {
            if validate_name(&link).is_err() {
                return Err(ConnectionError::Parse {
                    line: find_line(&text, &link),
                    path,
                    column: 1,
                    message: format!("invalid link name \"{link}\" (use ^[a-z][a-z0-9_]{{0,49}}$)"),
                });
            }
            conn.link.clone_from(&link);
            out.insert(link, conn);
        }
        Ok(out)
    }

    pub(crate) fn save_connections(
        &self,
        conns: &BTreeMap<String, Connection>,
    ) -> Result<(), ConnectionError> {
        let mut table = toml::Table::new();
        for (link, conn) in conns {
            let value = toml::Value::try_from(conn)
                .map_err(|e| ConnectionError::Invalid(format!("cannot encode {link}: {e}")))?;
            table.insert(link.clone(), value);
        }
        let mut doc = toml::Table::new();
        doc.insert("connections".into(), toml::Value::Table(table));
        let text = format!(
            "# dg connections (no secrets here; they live in connection-secrets.toml)\n{}",
            toml::to_string(&doc).map_err(|e| ConnectionError::Invalid(e.to_string()))?
        );
        atomic_write(&self.connections_path(), text.as_bytes())
    }

    pub(crate) fn load_secrets(&self) -> Result<BTreeMap<String, SecretRecord>, ConnectionError> {
        let path = self.secrets_path();
        check_private(&path)?;
        let Some(text) = read_optional(&path)? else { return Ok(BTreeMap::new()) };
        let file: SecretsFile =
            toml::from_str(&text).map_err(|e| ConnectionError::toml(&path, &text, &e))?;
        Ok(file.secrets)
    }

    pub(crate) fn save_secrets(
        &self,
        secrets: &BTreeMap<String, SecretRecord>,
    ) -> Result<(), ConnectionError> {
        let table = secrets.iter().map(|(k, v)| (k.clone(), toml::Value::Table(v.to_toml())));
        let mut doc = toml::Table::new();
        doc.insert("secrets".into(), toml::Value::Table(table.collect()));
        let text = toml::to_string(&doc).map_err(|e| ConnectionError::Invalid(e.to_string()))?;
        atomic_write(&self.secrets_path(), text.as_bytes())
    }

    /// Loads every `services/*.toml`.
    pub(crate) fn load_custom_services(&self) -> Result<Vec<Service>, ConnectionError> {
        let dir = self.services_dir();
        let entries = fs::read_dir(&dir).map_err(|e| ConnectionError::io(&dir, e))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut out = Vec::new();
        for path in paths {
            let text = fs::read_to_string(&path).map_err(|e| ConnectionError::io(&path, e))?;
            out.push(parse_custom(&text, &path)?);
        }
        Ok(out)
    }

    pub(crate) fn save_custom_service(
        &self,
        name: &str,
        text: &str,
    ) -> Result<(), ConnectionError> {
        atomic_write(&self.services_dir().join(format!("{name}.toml")), text.as_bytes())
    }

    pub(crate) fn remove_custom_service(&self, name: &str) -> Result<bool, ConnectionError> {
        let path = self.services_dir().join(format!("{name}.toml"));
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(ConnectionError::io(&path, e)),
        }
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, ConnectionError> {
    match fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| ConnectionError::Parse {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("not UTF-8 text: {e}"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConnectionError::io(path, e)),
    }
}

fn create_private_dir(dir: &Path) -> Result<(), ConnectionError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| ConnectionError::io(dir, e))
}

/// Refuses a secrets file that others can read (like ssh does).
fn check_private(path: &Path) -> Result<(), ConnectionError> {
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ConnectionError::Invalid(format!(
                "{}: permissions {mode:o} let others read your secrets; run `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes `bytes` to `path` atomically with mode 0600: temporary file in the same directory,
/// fsync, rename, fsync of the directory.
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), ConnectionError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |e| ConnectionError::io(path, e);
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let store = DiskStore::open(dir.path()).unwrap();
        let mut rec = SecretRecord {
            access_token: Some(SecretString::from("tok-123456")),
            expires_at: Some(42),
            ..Default::default()
        };
        rec.api_keys.insert("x-api-key".into(), SecretString::from("k-abcdef"));
        let mut map = BTreeMap::new();
        map.insert("a".to_string(), rec);
        store.save_secrets(&map).unwrap();
        let back = store.load_secrets().unwrap();
        assert_eq!(back["a"].access_token.as_ref().unwrap().expose_secret(), "tok-123456");
        assert_eq!(back["a"].expires_at, Some(42));
        assert!(!format!("{back:?}").contains("tok-123456"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.secrets_path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            fs::set_permissions(store.secrets_path(), fs::Permissions::from_mode(0o644)).unwrap();
            assert!(store.load_secrets().unwrap_err().to_string().contains("chmod 600"));
        }
    }
}
