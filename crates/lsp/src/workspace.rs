//! Open documents, the projects they belong to, and the project files read from disk.
//!
//! A document inside a folder with a `dg.toml` is checked and navigated together with every
//! file of that project: files that are open in the editor contribute their unsaved text,
//! the others are read from disk (cached by modification time and length).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use dg_project::Config;
use dg_syntax::Parsed;
use lsp_types::Uri;

use crate::text::LineIndex;

/// The file system path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

/// The `file:` URI of a path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    url.as_str().parse().ok()
}

/// A path with symbolic links and `..` resolved where the file (or its folder) exists, so
/// paths from URIs and from a project walk compare equal.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    match (path.parent().and_then(|d| std::fs::canonicalize(d).ok()), path.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// One file's text with its parse, shared between threads.
#[derive(Clone)]
pub struct FileText {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    pub text: Arc<String>,
    /// The editor's version, for open documents.
    pub version: Option<i32>,
}

/// A file parsed, with its line index.
pub struct FileView {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    pub text: Arc<String>,
    pub parsed: Arc<Parsed>,
    pub lines: Arc<LineIndex>,
}

/// The files of one document's project, parsed: the unit every request works on.
pub struct View {
    pub files: Vec<FileView>,
    /// The index of the document the request is about.
    pub current: usize,
    pub config: Config,
}

impl View {
    pub fn doc(&self) -> &FileView {
        &self.files[self.current]
    }
}

/// The project a document belongs to: its root and settings.
#[derive(Clone)]
pub struct ProjectInfo {
    pub root: Option<PathBuf>,
    pub config: Config,
}

#[derive(Default)]
struct DiskCache {
    files: HashMap<PathBuf, (Option<SystemTime>, u64, Arc<String>)>,
}

/// Parses keyed by text identity: a file is re-parsed only when its text changed.
#[derive(Default)]
struct ParseCache {
    entries: HashMap<String, Cached>,
}

struct Cached {
    text: Arc<String>,
    parsed: Arc<Parsed>,
    lines: Arc<LineIndex>,
}

/// Shared file access for the request loop and the diagnostics worker.
#[derive(Clone, Default)]
pub struct Files {
    disk: Arc<Mutex<DiskCache>>,
    parses: Arc<Mutex<ParseCache>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Files {
    /// The text of a file on disk (`None` if unreadable or not UTF-8).
    pub fn read(&self, path: &Path) -> Option<Arc<String>> {
        let meta = std::fs::metadata(path).ok()?;
        let (mtime, len) = (meta.modified().ok(), meta.len());
        if let Some((m, l, text)) = lock(&self.disk).files.get(path) {
            if *m == mtime && *l == len && mtime.is_some() {
                return Some(text.clone());
            }
        }
        let text = Arc::new(String::from_utf8(std::fs::read(path).ok()?).ok()?);
        lock(&self.disk).files.insert(path.to_path_buf(), (mtime, len, text.clone()));
        Some(text)
    }

    /// The project of a document: the nearest `dg.toml` above it and its settings (defaults
    /// when there is none or it does not parse).
    pub fn project_of(&self, path: Option<&Path>) -> ProjectInfo {
        let root = path.and_then(|p| p.parent()).and_then(dg_project::find_root);
        let config = root
            .as_ref()
            .and_then(|r| self.read(&r.join(dg_project::CONFIG_FILE)))
            .and_then(|t| Config::parse(&t).ok())
            .unwrap_or_default();
        ProjectInfo { root, config }
    }

    /// The texts of a document's project: every project file, with open documents' texts in
    /// place of the disk's; the document itself is always included.
    pub fn project_texts(
        &self,
        doc: &FileText,
        open: &HashMap<Uri, FileText>,
    ) -> (ProjectInfo, Vec<FileText>) {
        let info = self.project_of(doc.path.as_deref());
        let Some(root) = &info.root else { return (info, vec![doc.clone()]) };
        let by_path: HashMap<&Path, &FileText> =
            open.values().filter_map(|f| Some((f.path.as_deref()?, f))).collect();
        let mut out = Vec::new();
        let mut has_doc = false;
        for path in dg_project::project_files(root, &info.config) {
            if doc.path.as_deref() == Some(path.as_path()) {
                has_doc = true;
                out.push(doc.clone());
            } else if let Some(f) = by_path.get(path.as_path()) {
                out.push((*f).clone());
            } else if let (Some(text), Some(uri)) = (self.read(&path), path_to_uri(&path)) {
                out.push(FileText { uri, path: Some(path), text, version: None });
            }
        }
        // An open document the globs leave out (or not saved yet) still belongs to it.
        if !has_doc {
            out.push(doc.clone());
        }
        (info, out)
    }

    /// Parses a file, reusing the last parse of the same text.
    pub fn parse(&self, f: &FileText) -> FileView {
        let key = f.uri.as_str().to_string();
        if let Some(c) = lock(&self.parses).entries.get(&key) {
            if Arc::ptr_eq(&c.text, &f.text) || *c.text == *f.text {
                return FileView {
                    uri: f.uri.clone(),
                    path: f.path.clone(),
                    text: c.text.clone(),
                    parsed: c.parsed.clone(),
                    lines: c.lines.clone(),
                };
            }
        }
        let parsed = Arc::new(dg_syntax::parse(&f.text));
        let lines = Arc::new(LineIndex::new(&f.text));
        let cached = Cached { text: f.text.clone(), parsed: parsed.clone(), lines: lines.clone() };
        lock(&self.parses).entries.insert(key, cached);
        FileView { uri: f.uri.clone(), path: f.path.clone(), text: f.text.clone(), parsed, lines }
    }

    /// Forgets the parse of a closed document.
    pub fn forget(&self, uri: &Uri) {
        lock(&self.parses).entries.remove(uri.as_str());
    }

    /// The parsed project of a document.
    pub fn view(&self, doc: &FileText, open: &HashMap<Uri, FileText>) -> View {
        let (info, texts) = self.project_texts(doc, open);
        let current = texts.iter().position(|t| t.uri == doc.uri).unwrap_or(0);
        let files = texts.iter().map(|t| self.parse(t)).collect();
        View { files, current, config: info.config }
    }
}
