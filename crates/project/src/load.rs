//! Finding a project's root, its files, and loading them into one `dg_runtime::Project`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use dg_runtime::{CheckOptions, Project};
use globset::{GlobSet, GlobSetBuilder};

use crate::config::{Config, ConfigError, ALWAYS_EXCLUDED, CONFIG_FILE};

/// One project loaded from disk.
pub struct Loaded {
    /// The folder holding `dg.toml`; `None` for the files named on a command line.
    pub root: Option<PathBuf>,
    pub config: Config,
    /// The parsed and resolved files, in project order; `project.files()[i].path()` is the
    /// path as shown to the user.
    pub project: Project,
    /// The files the command was asked about (indices into `project.files()`): `dg check
    /// DIR` reports on the files under DIR, though every project file is resolved.
    pub targets: Vec<usize>,
    /// Files that could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
}

/// Why a set of paths could not be loaded at all (a usage error: exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectError {
    /// A path named on the command line does not exist.
    Missing(String),
    /// A `dg.toml` could not be read or parsed.
    Config { path: String, error: ConfigError },
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectError::Missing(p) => write!(f, "{p}: no such file or directory"),
            ProjectError::Config { path, error } => match (error.line, error.column) {
                (Some(l), Some(c)) => write!(f, "{path}:{l}:{c}: {}", error.message),
                _ => write!(f, "{path}: {}", error.message),
            },
        }
    }
}

/// The nearest folder at or above `start` holding a `dg.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(start).ok()?;
    let mut dir = if abs.is_dir() { Some(abs.as_path()) } else { abs.parent() };
    while let Some(d) = dir {
        if d.join(CONFIG_FILE).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Every file of the project rooted at `root` (the folder holding `dg.toml`), as absolute
/// paths, sorted: for tools (the language server) that read some files from elsewhere.
pub fn project_files(root: &Path, config: &Config) -> Vec<PathBuf> {
    discover(root, root, config)
}

fn globs(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        // Patterns were validated when the config was parsed.
        if let Ok(g) = globset::Glob::new(p) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Every file under `dir` that `include` matches and `exclude` does not, relative paths
/// matched against `base`; sorted.
fn discover(dir: &Path, base: &Path, config: &Config) -> Vec<PathBuf> {
    let include = globs(&config.include);
    let mut excluded: Vec<String> = config.exclude.clone();
    excluded.extend(ALWAYS_EXCLUDED.iter().map(|s| s.to_string()));
    let exclude = globs(&excluded);
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name();
    for entry in walker.into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = path.strip_prefix(base).unwrap_or(path);
        if include.is_match(rel) && !exclude.is_match(rel) {
            out.push(path.to_path_buf());
        }
    }
    out
}

/// How a path is shown: relative to the current directory when under it.
fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().ok().and_then(|c| std::fs::canonicalize(c).ok());
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to())
    })
}

/// Loads the projects that the named paths belong to: each path's `dg.toml` project (its
/// whole file set, resolved together), and one more project of the named paths that are in
/// no project. Order of the result: projects in order of first mention.
pub fn load_paths(paths: &[PathBuf]) -> Result<Vec<Loaded>, ProjectError> {
    load(paths, false)
}

/// [`load_paths`] for diagnostics only (`dg check`): the projects keep no code, so a huge file
/// needs about half the memory; they cannot be run.
pub fn check_paths(paths: &[PathBuf]) -> Result<Vec<Loaded>, ProjectError> {
    load(paths, true)
}

fn load(paths: &[PathBuf], check_only: bool) -> Result<Vec<Loaded>, ProjectError> {
    // root (None = ad hoc) → named paths (canonical)
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    let mut order: Vec<Option<PathBuf>> = Vec::new();
    for p in paths {
        let abs =
            std::fs::canonicalize(p).map_err(|_| ProjectError::Missing(p.display().to_string()))?;
        let root = find_root(&abs);
        if !groups.contains_key(&root) {
            order.push(root.clone());
        }
        groups.entry(root).or_default().push(abs);
    }
    let mut out = Vec::new();
    for root in order {
        let named = groups.remove(&root).unwrap_or_default();
        out.push(match root {
            Some(root) => load_rooted(root, &named, check_only)?,
            None => load_ad_hoc(&named, check_only),
        });
    }
    Ok(out)
}

fn load_rooted(root: PathBuf, named: &[PathBuf], check_only: bool) -> Result<Loaded, ProjectError> {
    let config_path = root.join(CONFIG_FILE);
    let shown = display(&config_path);
    let text = read(&config_path).map_err(|message| ProjectError::Config {
        path: shown.clone(),
        error: ConfigError { message, line: None, column: None },
    })?;
    let config =
        Config::parse(&text).map_err(|error| ProjectError::Config { path: shown, error })?;
    let mut files = discover(&root, &root, &config);
    // A file named explicitly belongs to the project even if the globs leave it out.
    for n in named {
        if n.is_file() && !files.contains(n) {
            files.push(n.clone());
        }
    }
    files.sort();
    let targets_of = |files: &[PathBuf]| -> Vec<usize> {
        (0..files.len())
            .filter(|&i| {
                named.iter().any(|n| files[i] == *n || (n.is_dir() && files[i].starts_with(n)))
            })
            .collect()
    };
    let targets = targets_of(&files);
    Ok(build(Some(root), config, files, targets, check_only))
}

fn load_ad_hoc(named: &[PathBuf], check_only: bool) -> Loaded {
    let config = Config::default();
    let mut files = Vec::new();
    for n in named {
        if n.is_dir() {
            files.extend(discover(n, n, &config));
        } else {
            files.push(n.clone());
        }
    }
    files.sort();
    files.dedup();
    let targets = (0..files.len()).collect();
    build(None, config, files, targets, check_only)
}

fn build(
    root: Option<PathBuf>,
    config: Config,
    files: Vec<PathBuf>,
    targets: Vec<usize>,
    check_only: bool,
) -> Loaded {
    let mut sources = Vec::with_capacity(files.len());
    let mut unreadable = Vec::new();
    let mut kept_targets = Vec::new();
    for (i, path) in files.iter().enumerate() {
        match read(path) {
            Ok(text) => {
                if targets.contains(&i) {
                    kept_targets.push(sources.len());
                }
                sources.push((display(path), text));
            }
            Err(msg) => unreadable.push((display(path), msg)),
        }
    }
    let options = CheckOptions { allow: config.allow.clone(), check_only };
    let project = Project::new(sources, &options);
    Loaded { root, config, project, targets: kept_targets, unreadable }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    #[test]
    fn a_project_resolves_calls_across_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "dg.toml", "[project]\nname = \"org\"\nexclude = [\"old/**\"]\n");
        write(
            root,
            "functions/headers.dg",
            "map standalone.headers()\n{\n\treturn {\"a\": 1};\n}\n",
        );
        write(
            root,
            "functions/sync.dg",
            "void standalone.sync(int id)\n{\n\th = standalone.headers();\n\tinfo h;\n}\n",
        );
        write(root, "old/sync.dg", "this is not deluge");
        write(root, "notes.txt", "not a script");
        let loaded = load_paths(&[root.join("functions/sync.dg")]).unwrap();
        assert_eq!(loaded.len(), 1);
        let l = &loaded[0];
        assert_eq!(l.config.name.as_deref(), Some("org"));
        let paths: Vec<_> = l.project.files().iter().map(|f| f.path().to_string()).collect();
        assert_eq!(paths.len(), 2, "{paths:?}");
        assert_eq!(l.targets.len(), 1);
        assert!(!l.project.has_errors(), "{:?}", l.project.files()[1].diagnostics());
        assert!(l.project.files().iter().all(|f| f.diagnostics().is_empty()));
    }

    #[test]
    fn named_files_without_a_project_form_one() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "a.dg", "x = thisapp.helper(1);\ninfo x;\n");
        write(root, "lib/b.deluge", "int thisapp.helper(int n)\n{\n\treturn n + 1;\n}\n");
        let loaded = load_paths(&[root.join("a.dg"), root.join("lib")]).unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].project.files().len(), 2);
        assert!(loaded[0].project.files().iter().all(|f| f.diagnostics().is_empty()));
    }

    #[test]
    fn bad_inputs() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        assert_eq!(
            load_paths(&[root.join("missing.dg")])
                .err()
                .map(|e| matches!(e, ProjectError::Missing(_))),
            Some(true)
        );
        write(root, "p/dg.toml", "[project\n");
        write(root, "p/a.dg", "info 1;");
        let err = load_paths(&[root.join("p/a.dg")]).err().unwrap();
        assert!(err.to_string().contains("dg.toml:1:"), "{err}");
        write(root, "q/dg.toml", "");
        fs::write(root.join("q/bad.dg"), [0x66, 0xff, 0x0a]).unwrap();
        let loaded = load_paths(&[root.join("q")]).unwrap();
        assert_eq!(loaded[0].unreadable.len(), 1);
        assert!(loaded[0].unreadable[0].1.contains("offset 1"));
    }
}
