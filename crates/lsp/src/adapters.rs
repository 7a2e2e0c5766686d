//! Seams for crates the server uses but does not own: documentation of builtins and `zoho.*`
//! tasks, and the formatter. Each is a trait with a default implementation over what exists
//! today; a richer one is plugged in through [`crate::Options`].
//!
//! Wiring `dg_catalog` (docs) is a few lines:
//!
//! ```ignore
//! struct Catalog;
//! impl dg_lsp::DocsLookup for Catalog {
//!     fn builtin(&self, name: &str) -> Option<dg_lsp::Doc> {
//!         let b = dg_catalog::builtin(name)?;
//!         Some(dg_lsp::Doc { name: b.name.into(), signature: Some(b.signature.into()),
//!                            summary: Some(b.summary.into()), link: Some(b.link.into()) })
//!     }
//!     fn task(&self, name: &str) -> Option<dg_lsp::Doc> { /* dg_catalog::task(name) … */ }
//!     fn builtins(&self) -> Vec<String> { /* every builtin name */ }
//!     fn tasks(&self) -> Vec<String> { /* every zoho.* task name */ }
//! }
//! ```
//!
//! and `dg_fmt` (formatting): implement [`Formatter`] by calling
//! `dg_fmt::format(source, &options)` and return its text.

use dg_project::FormatConfig;

/// What hover and completion show for a builtin or a task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    /// The name as usually spelt (`toUpperCase`, `zoho.crm.getRecordById`).
    pub name: String,
    /// `text.toUpperCase() → text`-style signature, when known.
    pub signature: Option<String>,
    /// One line saying what it does.
    pub summary: Option<String>,
    /// Zoho's help page.
    pub link: Option<String>,
}

/// Documentation of builtins (functions and methods) and `zoho.*` integration tasks.
pub trait DocsLookup: Send + Sync {
    /// A builtin by name (case-insensitive).
    fn builtin(&self, name: &str) -> Option<Doc>;
    /// A `zoho.*` task by its full dotted name (case-insensitive).
    fn task(&self, name: &str) -> Option<Doc>;
    /// Every builtin name, for completion.
    fn builtins(&self) -> Vec<String>;
    /// Every `zoho.*` task name, for completion after `zoho.`.
    fn tasks(&self) -> Vec<String>;
    /// The required parameters of a task, in order, for completion snippets.
    fn task_params(&self, name: &str) -> Vec<String> {
        let _ = name;
        Vec::new()
    }
}

/// Docs from the runtime's builtin table: names only (no signatures or links yet).
#[derive(Debug, Clone, Copy, Default)]
pub struct RuntimeDocs;

fn spelt(lower: &'static str) -> String {
    dg_runtime::builtin_display_name(lower).unwrap_or(lower).to_string()
}

impl DocsLookup for RuntimeDocs {
    fn builtin(&self, name: &str) -> Option<Doc> {
        let lower = name.to_ascii_lowercase();
        let found = dg_runtime::builtin_names().into_iter().find(|n| *n == lower)?;
        Some(Doc { name: spelt(found), ..Doc::default() })
    }

    fn task(&self, name: &str) -> Option<Doc> {
        let lower = name.to_ascii_lowercase();
        if !lower.starts_with("zoho.") {
            return None;
        }
        self.builtin(&lower)
    }

    fn builtins(&self) -> Vec<String> {
        dg_runtime::builtin_names().into_iter().filter(|n| !n.contains('.')).map(spelt).collect()
    }

    fn tasks(&self) -> Vec<String> {
        dg_runtime::builtin_names()
            .into_iter()
            .filter(|n| n.starts_with("zoho."))
            .map(str::to_string)
            .collect()
    }
}

/// Whole-document formatting.
pub trait Formatter: Send + Sync {
    /// The formatted text, or `None` when the source cannot be formatted (syntax errors) or
    /// no formatter is available. The server turns the text into edits.
    fn format(&self, source: &str, config: &FormatConfig) -> Option<String>;
}

/// No formatter wired yet: formatting requests return no edits.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFormatter;

impl Formatter for NoFormatter {
    fn format(&self, _source: &str, _config: &FormatConfig) -> Option<String> {
        None
    }
}

/// Docs from `dg_catalog`: signature, one line and Zoho's help link for every builtin and
/// `zoho.*` task (the server's default).
#[derive(Debug, Clone, Copy, Default)]
pub struct CatalogDocs;

impl DocsLookup for CatalogDocs {
    fn builtin(&self, name: &str) -> Option<Doc> {
        let b = dg_catalog::builtin(name)?;
        let signature =
            b.forms.iter().map(|f| format!("{} → {}", f.signature, f.returns)).collect::<Vec<_>>();
        let form = &b.forms[0];
        Some(Doc {
            name: b.name.clone(),
            signature: Some(signature.join("\n")),
            summary: Some(form.summary.clone()),
            link: Some(form.url.clone()),
        })
    }

    fn task(&self, name: &str) -> Option<Doc> {
        let t = dg_catalog::task(name)?;
        Some(Doc {
            name: t.display.clone(),
            signature: Some(format!("{} → {}", t.signature(), t.returns)),
            summary: Some(t.summary.clone()),
            link: Some(t.url.clone()),
        })
    }

    fn builtins(&self) -> Vec<String> {
        dg_catalog::builtins()
            .iter()
            .flat_map(|b| b.names().map(str::to_string).collect::<Vec<_>>())
            .filter(|n| !n.contains('.'))
            .collect()
    }

    fn task_params(&self, name: &str) -> Vec<String> {
        dg_catalog::task(name)
            .map(|t| t.params.iter().filter(|p| !p.optional).map(|p| p.name.clone()).collect())
            .unwrap_or_default()
    }

    fn tasks(&self) -> Vec<String> {
        let mut names: Vec<String> =
            dg_catalog::tasks().iter().map(|t| t.display.clone()).collect();
        names.extend(RuntimeDocs.tasks());
        names
    }
}

/// `dg fmt`'s formatter (the server's default).
#[derive(Debug, Clone, Copy, Default)]
pub struct DgFormatter;

impl Formatter for DgFormatter {
    fn format(&self, source: &str, config: &FormatConfig) -> Option<String> {
        let indent = match config.indent {
            dg_project::Indent::Tab => dg_fmt::Indent::Tab,
            dg_project::Indent::Spaces(n) => dg_fmt::Indent::Spaces(n),
        };
        let options = dg_fmt::Options { indent, line_width: usize::from(config.line_width) };
        dg_fmt::format(source, &options).ok()
    }
}
