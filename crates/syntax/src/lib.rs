//! Deluge syntax: tokens, AST with byte spans, a recovering parser and a neutral
//! diagnostic type. This crate does no IO.

pub mod ast;
mod diagnostic;
mod parser;
mod span;
pub mod token;

pub use diagnostic::{Diagnostic, Severity};
pub use parser::{parse, Parsed, MAX_NESTING};
pub use span::{LineIndex, Span};
