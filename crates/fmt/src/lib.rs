//! The canonical Deluge formatter (`dg fmt`, and document formatting in the language server).
//!
//! ```
//! let out = dg_fmt::format("if (x>1) { info \"big\"; }", &dg_fmt::Options::default()).unwrap();
//! assert_eq!(out, "if(x > 1)\n{\n\tinfo \"big\";\n}\n");
//! ```
//!
//! [`format`] parses with [`dg_syntax::parse`], refuses sources with syntax errors, and prints
//! the tree in one house style (see `docs/format.md`), keeping every comment. It never
//! changes what a script does: the output parses to the same tree (spans aside), which
//! [`same_program`] checks and `dg fmt` verifies before writing anything.

mod doc;
mod print;

use dg_syntax::{ast::CommentKind, Diagnostic};

/// Columns a tab counts for when measuring the line width.
pub const TAB_COLUMNS: usize = 4;

/// Indentation: one tab per level (the default, as Zoho's editor writes) or spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Indent {
    #[default]
    Tab,
    /// This many spaces per level (1 to 16).
    Spaces(u8),
}

/// Formatting options (the `[format]` table of `dg.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub indent: Indent,
    /// Lines longer than this are wrapped where the syntax allows (default 100).
    pub line_width: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { indent: Indent::Tab, line_width: 100 }
    }
}

/// Formats a whole source file. Returns the parser's diagnostics (errors and warnings) when
/// the source has a syntax error: a broken file is never reformatted.
pub fn format(source: &str, options: &Options) -> Result<String, Vec<Diagnostic>> {
    let parsed = dg_syntax::parse(source);
    if parsed.has_errors() {
        return Err(parsed.diagnostics);
    }
    let mut printer = print::Printer::new(source, &parsed.comments);
    let doc = printer.program(&parsed.program);
    let spaces;
    let (unit, unit_cols) = match options.indent {
        Indent::Tab => ("\t", TAB_COLUMNS),
        Indent::Spaces(n) => {
            let n = usize::from(n.clamp(1, 16));
            spaces = " ".repeat(n);
            (spaces.as_str(), n)
        }
    };
    let layout = doc::Layout { width: options.line_width.max(1), unit, unit_cols };
    Ok(doc::render(doc, &layout))
}

/// Do two sources mean the same program? Both parse without errors to the same tree (byte
/// spans aside) and hold the same comments (same texts, same order; trailing whitespace of
/// `//` comments aside). `dg fmt` checks this before writing a formatted file.
pub fn same_program(before: &str, after: &str) -> bool {
    let a = dg_syntax::parse(before);
    let b = dg_syntax::parse(after);
    if a.has_errors() || b.has_errors() {
        return false;
    }
    // A tree may be 4096 levels deep (a statement's operator limit), and printing it recurses
    // per level: do it on a stack of its own, whatever the caller's thread has.
    comment_texts(before, &a.comments) == comment_texts(after, &b.comments)
        && stacker::grow(DEEP_TREE_STACK, || {
            tree_without_spans(&a.program) == tree_without_spans(&b.program)
        })
}

/// Stack for walking the deepest tree the parser builds (measured need: a few MB in debug builds).
const DEEP_TREE_STACK: usize = 64 * 1024 * 1024;

/// The texts of the comments, in order (`//` comments without trailing whitespace).
pub fn comment_texts<'s>(src: &'s str, comments: &[dg_syntax::ast::Comment]) -> Vec<&'s str> {
    comments
        .iter()
        .map(|c| {
            let t = src.get(c.span.range()).unwrap_or("");
            if c.kind == CommentKind::Line {
                t.trim_end()
            } else {
                t
            }
        })
        .collect()
}

/// The tree's debug text with every span (`span: 3..7`, `key_span: …`) blanked out.
pub fn tree_without_spans(program: &dg_syntax::ast::Program) -> String {
    let text = format!("{program:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("span: ") {
        let after = &rest[i + "span: ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n1 = digits(after);
        let is_span = n1 > 0 && after[n1..].starts_with("..") && digits(&after[n1 + 2..]) > 0;
        if is_span {
            let n2 = digits(&after[n1 + 2..]);
            out.push_str(&rest[..i]);
            out.push_str("span: _");
            rest = &after[n1 + 2 + n2..];
        } else {
            out.push_str(&rest[..i + "span: ".len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
