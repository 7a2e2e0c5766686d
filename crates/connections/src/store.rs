//! On-disk storage under one root directory.
//!
//! ```text
//! ROOT/connections.toml          non-secret connection records   [connections.LINK]
//! ROOT/connection-secrets.toml   secrets, mode 0600              [secrets.LINK]
//! ROOT/services/NAME.toml        custom services
//! ROOT/.locks/                   advisory lock files: store.lock, link-LINK.lock (mode 0600)
//! ```
//!
//! Every write goes to a temporary file (`.dg-tmp-*`) in the same directory, is fsynced, then
//! renamed over the old file, so a crash leaves either the old or the new content; temporary
//! files a killed writer left behind are deleted by the next [`DiskStore::open`] that gets the
//! store lock. Writers take `store.lock` and re-read the files before changing them, so
//! processes do not lose each other's updates. Link locks live in their own namespace
//! (`link-` prefix; link names cannot contain `-`), so no link name can collide with
//! `store.lock`.
//!
//! `connections.toml` and `connection-secrets.toml` start with a header line ([`FORMAT_MARK`])
//! and end with `# end of FILE`. A file that has the header but not that last line was cut
//! short and is refused; files without the header (older dg versions, hand-written files)
//! are read as they are.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

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
        for dir in [root.to_path_buf(), root.join("services"), root.join(LOCKS_DIR)] {
            create_private_dir(&dir)?;
        }
        let store = Self { root: root.to_path_buf() };
        store.remove_stale_temp_files()?;
        Ok(store)
    }

    /// Deletes temporary files a killed writer left behind. Every store write happens under
    /// the store lock, so while this process holds it no temporary file is in use; when
    /// another process holds it, cleaning is left to a later open.
    fn remove_stale_temp_files(&self) -> Result<(), ConnectionError> {
        let Some(_guard) = self.try_lock_file(STORE_LOCK)? else { return Ok(()) };
        for dir in [self.root.clone(), self.services_dir()] {
            let Ok(entries) = fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name();
                if is_our_temp_file(&name.to_string_lossy()) {
                    let path = entry.path();
                    match fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(ConnectionError::io(&path, e)),
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn connections_path(&self) -> PathBuf {
        self.root.join(CONNECTIONS_FILE)
    }

    pub(crate) fn secrets_path(&self) -> PathBuf {
        self.root.join(SECRETS_FILE)
    }

    pub(crate) fn services_dir(&self) -> PathBuf {
        self.root.join("services")
    }

    /// The lock serializing writes of the store files (`ROOT/.locks/store.lock`).
    pub(crate) fn lock_store(&self) -> Result<LockGuard, ConnectionError> {
        self.lock_file(STORE_LOCK)
    }

    /// The lock serializing token requests of one connection
    /// (`ROOT/.locks/link-LINK.lock`). Take it before the store lock, never after.
    pub(crate) fn lock_link(&self, link: &str) -> Result<LockGuard, ConnectionError> {
        self.lock_file(&link_lock_name(link))
    }

    /// The path of a lock file (for tests and messages).
    pub(crate) fn lock_path(&self, file_name: &str) -> PathBuf {
        self.root.join(LOCKS_DIR).join(file_name)
    }

    /// Takes the exclusive lock on `ROOT/.locks/FILE_NAME`, waiting for other holders.
    fn lock_file(&self, file_name: &str) -> Result<LockGuard, ConnectionError> {
        let (path, file) = self.open_lock_file(file_name)?;
        fs4::FileExt::lock(&file).map_err(|e| ConnectionError::io(&path, e))?;
        Ok(LockGuard { _file: file })
    }

    /// Takes the lock if it is free; `None` when someone holds it.
    fn try_lock_file(&self, file_name: &str) -> Result<Option<LockGuard>, ConnectionError> {
        let (path, file) = self.open_lock_file(file_name)?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => Ok(Some(LockGuard { _file: file })),
            Err(fs4::TryLockError::WouldBlock) => Ok(None),
            Err(fs4::TryLockError::Error(e)) => Err(ConnectionError::io(&path, e)),
        }
    }

    /// Opens (creating) a lock file with mode 0600 whatever the umask.
    fn open_lock_file(&self, file_name: &str) -> Result<(PathBuf, File), ConnectionError> {
        let path = self.lock_path(file_name);
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(|e| ConnectionError::io(&path, e))?;
        #[cfg(unix)]
        {
            // The umask may have removed bits (fine) but never adds any; an older dg may
            // have created the file 0644: set 0600 explicitly.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(|e| ConnectionError::io(&path, e))?;
        }
        Ok((path, file))
    }

    pub(crate) fn load_connections(&self) -> Result<BTreeMap<String, Connection>, ConnectionError> {
        let path = self.connections_path();
        let Some(text) = read_optional(&path)? else { return Ok(BTreeMap::new()) };
        check_complete(&path, &text)?;
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
        let body = format!(
            "# dg connections (no secrets here; they live in connection-secrets.toml)\n{}",
            toml::to_string(&doc).map_err(|e| ConnectionError::Invalid(e.to_string()))?
        );
        atomic_write(&self.connections_path(), framed(CONNECTIONS_FILE, &body).as_bytes())
    }

    pub(crate) fn load_secrets(&self) -> Result<BTreeMap<String, SecretRecord>, ConnectionError> {
        let path = self.secrets_path();
        check_private(&path)?;
        let Some(text) = read_optional(&path)? else { return Ok(BTreeMap::new()) };
        check_complete(&path, &text)?;
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
        let body = toml::to_string(&doc).map_err(|e| ConnectionError::Invalid(e.to_string()))?;
        atomic_write(&self.secrets_path(), framed(SECRETS_FILE, &body).as_bytes())
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
            let text = read_text(&path)?;
            out.push(parse_custom(&text, &path)?);
        }
        Ok(out)
    }

    pub(crate) fn save_custom_service(
        &self,
        name: &str,
        text: &str,
    ) -> Result<(), ConnectionError> {
        // Under the store lock like every write, so cleaning temporary files is safe.
        let _guard = self.lock_store()?;
        atomic_write(&self.services_dir().join(format!("{name}.toml")), text.as_bytes())
    }

    pub(crate) fn remove_custom_service(&self, name: &str) -> Result<bool, ConnectionError> {
        let _guard = self.lock_store()?;
        let path = self.services_dir().join(format!("{name}.toml"));
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(ConnectionError::io(&path, e)),
        }
    }
}

const LOCKS_DIR: &str = ".locks";
const STORE_LOCK: &str = "store.lock";
const CONNECTIONS_FILE: &str = "connections.toml";
const SECRETS_FILE: &str = "connection-secrets.toml";
/// Prefix of our temporary files.
const TEMP_PREFIX: &str = ".dg-tmp-";
/// First line of the files dg writes: such a file must end with [`end_line`].
pub(crate) const FORMAT_MARK: &str = "# dg file format 2";

/// `link-LINK.lock`: link names are `[a-z][a-z0-9_]*`, so this never equals `store.lock`.
fn link_lock_name(link: &str) -> String {
    format!("link-{link}.lock")
}

/// Our temporary files: `.dg-tmp-*`, and `.tmp-XXXXXX` as written by dg before it had its
/// own prefix (exactly six alphanumeric characters, as the `tempfile` crate makes them).
fn is_our_temp_file(name: &str) -> bool {
    if name.starts_with(TEMP_PREFIX) {
        return true;
    }
    name.strip_prefix(".tmp-")
        .is_some_and(|rest| rest.len() == 6 && rest.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn end_line(file_name: &str) -> String {
    format!("# end of {file_name}")
}

/// `body` between the format header and the end line.
fn framed(file_name: &str, body: &str) -> String {
    let body = body.trim_end_matches('\n');
    format!(
        "{FORMAT_MARK}: keep the last line when editing by hand; without it the file counts as cut short\n{body}\n{}\n",
        end_line(file_name)
    )
}

/// Refuses a file dg wrote (it starts with [`FORMAT_MARK`]) whose end line is missing: it
/// was cut short. Files without the header are older or hand-written and read as they are.
/// An empty file is refused too: dg never writes one.
fn check_complete(path: &Path, text: &str) -> Result<(), ConnectionError> {
    let corrupt = |line: usize, message: String| ConnectionError::Parse {
        path: path.to_path_buf(),
        line,
        column: 1,
        message,
    };
    if text.trim().is_empty() {
        return Err(corrupt(
            1,
            "the file is empty (dg never writes an empty file: it was truncated); restore it from a backup or delete it".into(),
        ));
    }
    if !text.starts_with(FORMAT_MARK) {
        return Ok(());
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let end = end_line(&name);
    let trimmed = text.trim_end();
    if trimmed.rsplit('\n').next().is_some_and(|last| last.trim_end() == end) {
        return Ok(());
    }
    Err(corrupt(
        trimmed.lines().count(),
        format!(
            "the file is cut short (truncated): its last line must be `{end}`; restore it from a backup, or put that line back if you edited the file by hand"
        ),
    ))
}

fn read_optional(path: &Path) -> Result<Option<String>, ConnectionError> {
    match fs::read(path) {
        Ok(bytes) => decode_utf8(path, bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConnectionError::io(path, e)),
    }
}

/// Reads a text file; invalid UTF-8 is a [`ConnectionError::Parse`] with its position.
pub(crate) fn read_text(path: &Path) -> Result<String, ConnectionError> {
    let bytes = fs::read(path).map_err(|e| ConnectionError::io(path, e))?;
    decode_utf8(path, bytes)
}

fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, ConnectionError> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        let (line, column) = crate::error::line_col(valid, offset);
        ConnectionError::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message: format!("invalid UTF-8 at byte offset {offset}; the file must be UTF-8 text"),
        }
    })
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
/// Callers hold the store lock (temporary files are cleaned under it).
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), ConnectionError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |e| ConnectionError::io(path, e);
    let mut tmp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir).map_err(io)?;
    crash_point();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    let (first, second) = bytes.split_at(bytes.len() / 2);
    tmp.write_all(first).map_err(io)?;
    crash_point();
    tmp.write_all(second).map_err(io)?;
    crash_point();
    tmp.as_file().sync_all().map_err(io)?;
    crash_point();
    tmp.persist(path).map_err(|e| io(e.error))?;
    crash_point();
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Environment variable of the crash test hook: `N` makes the process exit with code
/// [`CRASH_EXIT_CODE`], running no destructors (like `kill -9`), at the `N`-th crash point of
/// a store write in this process. Crash points sit between every step of [`atomic_write`].
pub const CRASH_AT_ENV: &str = "DG_CONNECTIONS_TEST_CRASH_AT";
/// Exit code of a crash triggered by [`CRASH_AT_ENV`].
pub const CRASH_EXIT_CODE: i32 = 86;

fn crash_point() {
    static AT: OnceLock<Option<u64>> = OnceLock::new();
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let at = AT.get_or_init(|| std::env::var(CRASH_AT_ENV).ok().and_then(|v| v.parse().ok()));
    if let Some(at) = *at {
        if COUNT.fetch_add(1, Ordering::SeqCst) + 1 == at {
            let _ = std::io::stdout().flush();
            std::process::exit(CRASH_EXIT_CODE);
        }
    }
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
