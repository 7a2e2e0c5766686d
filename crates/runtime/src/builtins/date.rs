//! Date, date-time and time builtins.

#[allow(unused_imports)]
use super::{b, Builtin};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[];

/// Parses a date, date-time or time text in any layout Deluge accepts
/// (`'15-Aug-1947'`, `'15-Aug-1947 19:00:00'`, `'2020-01-31'`, `'19:00:00'`, …).
pub(crate) fn parse_text(s: &str) -> Option<Value> {
    let _ = s;
    None
}
