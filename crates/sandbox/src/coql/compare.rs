//! Comparison semantics of COQL criteria, sorting and `MAX`/`MIN`.
//!
//! A stored value is seen as scalars: a number, a text, a boolean, or nothing (missing,
//! `null` or empty text). A lookup (`{"id": …}`) is its id; a list (multi-select) is each
//! element. Numbers compare as numbers (a numeric text counts as its number), ISO dates and
//! date-times chronologically (a date against a date-time compares the calendar date),
//! other text ignoring case. Nothing compares true with an empty field except `is null`.

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::ast::Lit;

/// One comparable piece of a stored value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar<'a> {
    Num(f64),
    Text(&'a str),
    Bool(bool),
}

/// The scalars of a stored value (none for missing, `null`, empty text, empty list).
pub(crate) fn scalars(value: Option<&Value>) -> Vec<Scalar<'_>> {
    let mut out = Vec::new();
    if let Some(value) = value {
        push_scalars(value, &mut out, 0);
    }
    out
}

fn push_scalars<'a>(value: &'a Value, out: &mut Vec<Scalar<'a>>, depth: usize) {
    match value {
        Value::String(text) if !text.trim().is_empty() => out.push(Scalar::Text(text)),
        Value::Number(number) => out.extend(number.as_f64().map(Scalar::Num)),
        Value::Bool(flag) => out.push(Scalar::Bool(*flag)),
        Value::Object(map) if depth == 0 => {
            if let Some(id) = map.get("id") {
                push_scalars(id, out, depth + 1);
            }
        }
        Value::Array(items) if depth == 0 => {
            items.iter().for_each(|item| push_scalars(item, out, depth + 1));
        }
        _ => {}
    }
}

/// A point in time or a calendar date written in ISO form.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Date(NaiveDate),
    Instant(DateTime<FixedOffset>),
    Local(NaiveDateTime),
}

impl When {
    fn parse(text: &str) -> Option<When> {
        let text = text.trim();
        if text.len() < 10 || !text.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(When::Date(date));
        }
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            return Some(When::Instant(instant));
        }
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").ok().map(When::Local)
    }

    fn date(self) -> NaiveDate {
        match self {
            When::Date(date) => date,
            When::Instant(instant) => instant.date_naive(),
            When::Local(local) => local.date(),
        }
    }

    fn cmp(self, other: When) -> Ordering {
        match (self, other) {
            (When::Instant(a), When::Instant(b)) => a.cmp(&b),
            (When::Local(a), When::Local(b)) => a.cmp(&b),
            (When::Instant(a), When::Local(b)) => a.naive_utc().cmp(&b),
            (When::Local(a), When::Instant(b)) => a.cmp(&b.naive_utc()),
            (a, b) => a.date().cmp(&b.date()),
        }
    }
}

/// Whether `text` is an ISO date or date-time (`2024-01-15`, `2024-01-15T10:30:00+05:30`).
pub(crate) fn is_date(text: &str) -> bool {
    When::parse(text).is_some()
}

fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    let looks_numeric =
        text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if text.is_empty() || !looks_numeric {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Whether `text` reads as a number (`"1500"`, `"-2.5"`).
pub(crate) fn is_number(text: &str) -> bool {
    number(text).is_some()
}

fn lower(text: &str) -> String {
    text.trim().to_lowercase()
}

/// How a stored scalar orders against a literal; `None` when they cannot be compared (a
/// number against words, a boolean against anything but a boolean).
pub(crate) fn compare(scalar: Scalar<'_>, literal: &Lit) -> Option<Ordering> {
    match (scalar, literal) {
        (Scalar::Num(a), Lit::Number(b)) => a.partial_cmp(b),
        (Scalar::Num(a), Lit::Text(b)) => number(b).and_then(|b| a.partial_cmp(&b)),
        (Scalar::Text(a), Lit::Number(b)) => number(a).and_then(|a| a.partial_cmp(b)),
        (Scalar::Text(a), Lit::Text(b)) => Some(compare_texts(a, b)),
        (Scalar::Bool(a), Lit::Bool(b)) => Some(a.cmp(b)),
        (Scalar::Bool(a), Lit::Text(b)) => match lower(b).as_str() {
            "true" => Some(a.cmp(&true)),
            "false" => Some(a.cmp(&false)),
            _ => None,
        },
        (Scalar::Text(a), Lit::Bool(b)) => match lower(a).as_str() {
            "true" => Some(true.cmp(b)),
            "false" => Some(false.cmp(b)),
            _ => None,
        },
        _ => None,
    }
}

/// Two texts: as dates when both are ISO dates, as numbers when both are numbers, else
/// ignoring case.
fn compare_texts(a: &str, b: &str) -> Ordering {
    if let (Some(a), Some(b)) = (When::parse(a), When::parse(b)) {
        return a.cmp(b);
    }
    if let (Some(a), Some(b)) = (number(a), number(b)) {
        return a.total_cmp(&b);
    }
    lower(a).cmp(&lower(b))
}

/// Whether the scalar equals the literal.
pub(crate) fn equals(scalar: Scalar<'_>, literal: &Lit) -> bool {
    compare(scalar, literal) == Some(Ordering::Equal)
}

/// `like`: `%` stands for any run of characters (none included); case is ignored.
pub(crate) fn like(scalar: Scalar<'_>, pattern: &str) -> bool {
    let text = match scalar {
        Scalar::Text(text) => lower(text),
        Scalar::Num(number) => format_number(number),
        Scalar::Bool(flag) => flag.to_string(),
    };
    wildcard(&text.chars().collect::<Vec<_>>(), &pattern.to_lowercase().chars().collect::<Vec<_>>())
}

/// Greedy wildcard matching with one backtrack point: linear in practice, at worst
/// `text × pattern` steps, never recursive.
fn wildcard(text: &[char], pattern: &[char]) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == '%' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            t += 1;
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '%')
}

/// Orders two stored values for `order by`, `MAX` and `MIN`: empty first, then numbers,
/// dates, texts as [`compare`] does; values of different kinds by kind.
pub(crate) fn order_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let a = scalars(a).first().copied();
    let b = scalars(b).first().copied();
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => order_scalars(a, b),
    }
}

fn order_scalars(a: Scalar<'_>, b: Scalar<'_>) -> Ordering {
    let as_lit = match b {
        Scalar::Num(n) => Lit::Number(n),
        Scalar::Text(text) => Lit::Text(text.to_string()),
        Scalar::Bool(flag) => Lit::Bool(flag),
    };
    compare(a, &as_lit).unwrap_or_else(|| rank(a).cmp(&rank(b)))
}

/// Kinds in sort order when values cannot be compared: booleans, numbers, texts.
fn rank(scalar: Scalar<'_>) -> u8 {
    match scalar {
        Scalar::Bool(_) => 0,
        Scalar::Num(_) => 1,
        Scalar::Text(_) => 2,
    }
}

/// The numeric value of a stored value for `SUM` and `AVG` (numbers and numeric texts).
pub(crate) fn numeric(value: Option<&Value>) -> Option<f64> {
    match scalars(value).first()? {
        Scalar::Num(n) => Some(*n),
        Scalar::Text(text) => number(text),
        Scalar::Bool(_) => None,
    }
}

/// A number as JSON: whole numbers without a fraction.
pub(crate) fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

fn format_number(n: f64) -> String {
    number_value(n).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: &str) -> Lit {
        Lit::Text(value.to_string())
    }

    #[test]
    fn numbers_compare_as_numbers() {
        assert_eq!(compare(Scalar::Num(1500.0), &Lit::Number(1000.0)), Some(Ordering::Greater));
        assert_eq!(compare(Scalar::Text("900"), &Lit::Number(1000.0)), Some(Ordering::Less));
        assert_eq!(compare(Scalar::Num(10.0), &text("9")), Some(Ordering::Greater));
        assert_eq!(compare(Scalar::Text("ten"), &Lit::Number(10.0)), None);
        assert!(equals(Scalar::Num(2.0), &Lit::Number(2.0)));
    }

    #[test]
    fn text_ignores_case() {
        assert!(equals(Scalar::Text("Closed Won"), &text("closed won")));
        assert!(equals(Scalar::Text("ÉCOLE"), &text("école")));
        assert_eq!(compare(Scalar::Text("apple"), &text("Banana")), Some(Ordering::Less));
    }

    #[test]
    fn dates_compare_chronologically() {
        let dt = Scalar::Text("2024-01-15T10:30:00+05:30");
        assert_eq!(compare(dt, &text("2024-01-15T06:00:00+00:00")), Some(Ordering::Less));
        assert_eq!(compare(dt, &text("2024-01-15")), Some(Ordering::Equal));
        assert_eq!(compare(dt, &text("2024-01-16")), Some(Ordering::Less));
        assert_eq!(compare(Scalar::Text("2024-02-01"), &text("2024-10-01")), Some(Ordering::Less));
        assert!(is_date("2024-01-15T10:30:00"));
        assert!(!is_date("2024-13-45"));
    }

    #[test]
    fn booleans() {
        assert!(equals(Scalar::Bool(true), &Lit::Bool(true)));
        assert!(equals(Scalar::Bool(false), &text("FALSE")));
        assert_eq!(compare(Scalar::Bool(true), &Lit::Number(1.0)), None);
    }

    #[test]
    fn like_patterns() {
        let name = Scalar::Text("Lovelace");
        for (pattern, expected) in [
            ("love%", true),
            ("%LACE", true),
            ("%vel%", true),
            ("lovelace", true),
            ("%", true),
            ("l%e%e", true),
            ("love", false),
            ("%x%", false),
            ("_ovelace", false),
        ] {
            assert_eq!(like(name, pattern), expected, "{pattern}");
        }
        assert!(like(Scalar::Text(""), "%"));
        assert!(like(Scalar::Num(1500.0), "15%"));
        let long: String = "a".repeat(5000);
        assert!(!like(Scalar::Text(&long), &format!("{}b", "%a".repeat(200))));
    }

    #[test]
    fn stored_values_as_scalars() {
        assert!(scalars(None).is_empty());
        assert!(scalars(Some(&json!(null))).is_empty());
        assert!(scalars(Some(&json!("  "))).is_empty());
        assert_eq!(scalars(Some(&json!({"name": "Zylker", "id": "42"}))), [Scalar::Text("42")]);
        assert_eq!(scalars(Some(&json!(["a", "b"]))), [Scalar::Text("a"), Scalar::Text("b")]);
        assert_eq!(scalars(Some(&json!([["nested"]]))), []);
    }

    #[test]
    fn ordering_puts_empty_first() {
        let (a, b) = (json!(5), json!("x"));
        assert_eq!(order_values(None, Some(&a)), Ordering::Less);
        assert_eq!(order_values(Some(&a), Some(&json!(12))), Ordering::Less);
        assert_eq!(order_values(Some(&a), Some(&b)), Ordering::Less);
        assert_eq!(numeric(Some(&json!("12.5"))), Some(12.5));
        assert_eq!(number_value(4000.0), json!(4000));
        assert_eq!(number_value(2.5), json!(2.5));
    }
}
