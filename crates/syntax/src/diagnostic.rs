//! A neutral diagnostic type with stable codes; rendering happens in the CLI only.

use crate::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($( $variant:ident = $id:literal, $name:literal, $sev:ident, $summary:literal; )*) => {
        /// Every kind of diagnostic `dg` reports. The id (`E0101`) and the name
        /// (`missing-semicolon`) are stable: scripts silence warnings by name, tools match on
        /// either. `docs/diagnostics.md` documents each one (a test keeps the two in step).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $variant, )*
        }

        impl Code {
            /// Every code, in id order.
            pub const ALL: &'static [Code] = &[$( Code::$variant, )*];

            /// `E0101`-style id: `E` for errors, `W` for warnings.
            pub fn id(self) -> &'static str {
                match self { $( Code::$variant => $id, )* }
            }

            /// Kebab-case name, as written in `dg.toml` and `// dg-allow:` comments.
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// The severity a diagnostic with this code has.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// Looks a code up by id or name (case-insensitive).
            pub fn parse(text: &str) -> Option<Code> {
                Code::ALL
                    .iter()
                    .copied()
                    .find(|c| c.id().eq_ignore_ascii_case(text) || c.name().eq_ignore_ascii_case(text))
            }
        }
    };
}

codes! {
    // Lexical errors.
    UnexpectedChar = "E0001", "unexpected-character", Error, "a character that cannot start any token";
    UnterminatedText = "E0002", "unterminated-text", Error, "a text literal without its closing `\"`";
    UnterminatedDate = "E0003", "unterminated-date", Error, "a single-quoted literal without its closing `'` on the same line";
    UnterminatedComment = "E0004", "unterminated-comment", Error, "a `/*` comment without `*/`";
    NumberTooLarge = "E0005", "number-too-large", Error, "an integer literal that does not fit in 64 bits";
    CurlyQuote = "E0006", "curly-quote", Error, "typographic quotes (“…”, ‘…’) pasted around a literal";
    // Syntax errors.
    MissingSemicolon = "E0101", "missing-semicolon", Error, "a statement that does not end with `;`";
    UnexpectedToken = "E0102", "unexpected-token", Error, "a token that cannot stand where it is";
    UnclosedDelimiter = "E0103", "unclosed-delimiter", Error, "a `{`, `(` or `[` that is never closed";
    InvalidAssignTarget = "E0104", "invalid-assignment-target", Error, "`=` after something that cannot be assigned to";
    TooDeep = "E0105", "nesting-too-deep", Error, "brackets or blocks nested deeper than the parser accepts";
    TooManyOperators = "E0106", "too-many-operators", Error, "one statement with more operators than the parser accepts";
    MixedCollection = "E0107", "mixed-collection", Error, "a `{…}`/`[…]` literal mixing `key: value` pairs and plain values";
    BadFunctionHeader = "E0108", "bad-function-header", Error, "a function definition that is not `type name(type param, …) { … }`";
    DanglingElse = "E0109", "dangling-else", Error, "`else` or `catch` without the `if` or `try` it belongs to";
    SourceTooLarge = "E0110", "source-too-large", Error, "a source text larger than the parser accepts";
    // Name resolution and checking.
    UnknownFunction = "E0201", "unknown-function", Error, "a call to a function that is neither a builtin nor defined";
    ArgumentCount = "E0202", "argument-count", Error, "a call with more or fewer arguments than the function takes";
    UndefinedVariable = "E0203", "undefined-variable", Error, "a variable that is read but never assigned in a function";
    InvalidDate = "E0204", "invalid-date", Error, "a date-like literal that is not a valid date";
    UnknownSystemVariable = "E0205", "unknown-system-variable", Error, "a `zoho.` variable that Deluge does not have";
    UnknownTask = "E0206", "unknown-task", Error, "a `zoho.*` integration task that does not exist";
    UnknownMethod = "E0207", "unknown-method", Error, "a method that the receiver's type does not have";
    InvalidTask = "E0208", "invalid-task", Error, "a task block (`invokeurl`, `sendmail`, …) with a missing or unknown key";
    PairOutsideCollection = "E0209", "misplaced-pair", Error, "a `key: value` argument outside `Collection(…)`";
    ArgumentType = "E0210", "argument-type", Error, "an argument whose type cannot match the parameter";
    // Warnings.
    AssignInCondition = "W0101", "assign-in-condition", Warning, "`=` used as a comparison in a condition (Zoho accepts it; `==` is meant)";
    UnassignedVariable = "W0201", "unassigned-variable", Warning, "a variable of a bare script that is never assigned (it may come from `--arg`)";
    ExternalFunction = "W0202", "external-function", Warning, "a call to a `standalone.`/`thisapp.` function that no project file defines";
    DuplicateFunction = "W0203", "duplicate-function", Warning, "the same function defined in two places";
}

/// A secondary location shown with a diagnostic ("opened here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// One problem found in a source text, located by a byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Lower-case headline, no trailing period.
    pub message: String,
    pub span: Span,
    /// What is wrong at `span`, shown next to it.
    pub label: Option<String>,
    pub help: Option<String>,
    /// Other places that explain this one.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic with the severity its code has.
    pub fn new(code: Code, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            span,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related { span, message: message.into() });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefixed_by_severity() {
        let mut ids = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for &c in Code::ALL {
            assert!(ids.insert(c.id()), "duplicate id {}", c.id());
            assert!(names.insert(c.name()), "duplicate name {}", c.name());
            let prefix = if c.severity() == Severity::Error { 'E' } else { 'W' };
            assert!(c.id().starts_with(prefix), "{} has the wrong prefix", c.id());
            assert_eq!(Code::parse(c.name()), Some(c));
            assert_eq!(Code::parse(&c.id().to_lowercase()), Some(c));
        }
    }
}
