//! `dg lsp`: a language server for Deluge over stdio (rust-analyzer's `lsp-server` framing,
//! `lsp-types` messages).
//!
//! Diagnostics are recomputed on a worker thread after a quiet period, for the document's
//! whole project (the nearest `dg.toml`), with open documents' unsaved text in place of the
//! files on disk. Requests are answered on the main loop from a fresh parse of the document
//! (parses are cached by text) and of its project's files. See `docs/lsp.md`.

mod adapters;
mod diagnostics;
mod features;
mod server;
mod text;
mod walk;
mod workspace;

pub use adapters::{
    CatalogDocs, DgFormatter, Doc, DocsLookup, Formatter, NoFormatter, RuntimeDocs,
};
pub use diagnostics::check as check_document;
pub use server::{capabilities, registry_links, run, stdio, stdio_with, Options};
pub use text::{apply_changes, LineIndex};
pub use workspace::{FileText, Files};
