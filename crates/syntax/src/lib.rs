//! Deluge syntax: tokens, AST with byte spans, a recovering, linear-time parser and a neutral
//! diagnostic type. This crate does no IO.

pub mod ast;
mod diagnostic;
pub mod page;
mod parser;
mod span;
pub mod token;

pub use diagnostic::{Code, Diagnostic, Related, Severity};
pub use parser::{
    parse, parse_counting, ParseWork, Parsed, MAX_NESTING, MAX_OPERATORS_PER_STATEMENT,
    MAX_SOURCE_BYTES,
};
pub use span::{LineIndex, Span};
