//! dg projects. A folder with a `dg.toml` is a project, found by walking up from a file as
//! Cargo does; every `.dg`/`.deluge`/`.ds` file under it (configurable globs) belongs to it.
//! Without a `dg.toml`, the files and folders named on one command line form the project.
//! `check`, `run`, `test`, `fmt` and `lsp` all load projects through this crate, so they
//! share one function index and one set of diagnostics.

mod config;
mod load;

pub use config::{Config, ConfigError, FormatConfig, Indent, CONFIG_FILE};
pub use load::{check_paths, find_root, load_paths, project_files, Loaded, ProjectError};
