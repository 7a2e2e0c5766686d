//! Conversions and type checks that apply to any value.

#[allow(unused_imports)]
use super::{b, Builtin};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[];

/// Numeric text → Number or Decimal (`"12"` → 12, `"1.5"` → 1.5); `None` otherwise.
pub(crate) fn parse_number(s: &str) -> Option<Value> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Some(Value::Int(n));
    }
    let valid = !t.is_empty()
        && t.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+'))
        && t.bytes().any(|c| c.is_ascii_digit());
    if valid {
        return t.parse::<f64>().ok().map(Value::Dec);
    }
    None
}
