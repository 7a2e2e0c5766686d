//! Runtime errors: one pointer wide, with a kind, a message and (once the
//! evaluator attaches it) the span of the failing expression.

use dg_syntax::Span;
use std::fmt;

/// What stopped the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A failing operation: bad argument, index out of range, division by zero, …
    Runtime,
    /// A configured limit was exceeded (statements, call depth, output, sizes).
    Limit,
}

#[derive(Clone)]
pub struct RuntimeError(Box<Inner>);

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    span: Option<Span>,
}

pub type Result<T, E = RuntimeError> = std::result::Result<T, E>;

impl RuntimeError {
    #[cold]
    pub fn new(message: impl Into<String>) -> RuntimeError {
        RuntimeError(Box::new(Inner {
            kind: ErrorKind::Runtime,
            message: message.into(),
            span: None,
        }))
    }

    #[cold]
    pub fn limit(message: impl Into<String>) -> RuntimeError {
        RuntimeError(Box::new(Inner {
            kind: ErrorKind::Limit,
            message: message.into(),
            span: None,
        }))
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn span(&self) -> Option<Span> {
        self.0.span
    }

    /// Attaches `span` unless a more precise one is already set.
    #[cold]
    pub fn at(mut self, span: Span) -> RuntimeError {
        if self.0.span.is_none() {
            self.0.span = Some(span);
        }
        self
    }
}

/// Shorthand for `Err(RuntimeError::new(message))`.
#[cold]
pub fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(RuntimeError::new(message))
}

impl fmt::Debug for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {} at {:?}", self.0.kind, self.0.message, self.0.span)
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for RuntimeError {}

#[cfg(test)]
mod tests {
    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<super::RuntimeError>(), 8);
    }
}
