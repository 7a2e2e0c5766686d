//! Printing scalars: decimals Java-style, dates in Zoho's default layout.

use super::json::{Buf, Sink};
use super::Value;
use chrono::{NaiveDateTime, NaiveTime};

/// Shortest text that reads back to the same value, always with a fractional part (as Java's
/// `Double.toString`), in plain notation from 1e-7 up to (not including) 1e21 and in Java's
/// `1.0E21` exponent form outside (Decision 3, chosen: Java itself switches at 1e-3 and 1e7;
/// no Zoho example shows an exponent, and plain text is what money amounts need).
pub fn format_decimal(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let abs = d.abs();
    if abs != 0.0 && !(1e-7..1e21).contains(&abs) {
        // 1.0E21 style.
        let s = format!("{d:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = if mant.contains('.') { mant.to_string() } else { format!("{mant}.0") };
        return format!("{mant}E{exp}");
    }
    let mut s = format!("{d}");
    if !s.contains('.') {
        s.push_str(".0");
    }
    s
}

pub fn format_date(d: &NaiveDateTime) -> String {
    d.format("%d-%b-%Y").to_string()
}

pub fn format_datetime(d: &NaiveDateTime) -> String {
    d.format("%d-%b-%Y %H:%M:%S").to_string()
}

pub fn format_time(t: &NaiveTime) -> String {
    t.format("%H:%M:%S").to_string()
}

/// Writes a non-collection value as `info` shows it, straight into a `String`.
pub(super) fn write_scalar_string(v: &Value, out: &mut String) {
    match v {
        Value::Int(n) => out.push_str(itoa::Buffer::new().format(*n)),
        Value::Text(s) => out.push_str(s),
        Value::List(_) | Value::Map(_) | Value::Coll(_) => out.push_str(&v.to_display()),
        other => {
            let mut sink = Sink::new(std::mem::take(out), usize::MAX);
            write_scalar(other, &mut sink);
            *out = sink.buf;
        }
    }
}

/// Writes a non-collection value as `info` shows it.
pub(super) fn write_scalar<B: Buf>(v: &Value, out: &mut Sink<B>) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(itoa::Buffer::new().format(*n)),
        Value::Dec(d) => out.push_str(&format_decimal(*d)),
        Value::Text(s) => out.push_str(s),
        Value::Date(d) => out.push_str(&format_date(d)),
        Value::DateTime(d) => out.push_str(&format_datetime(d)),
        Value::Time(t) => out.push_str(&format_time(t)),
        // Chosen (Zoho documents no printed form): a file prints as its name.
        Value::File(f) => out.push_str(&f.name()),
        Value::List(_) | Value::Map(_) | Value::Coll(_) => v.write_display_sink(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_print_shortest_with_a_fraction() {
        assert_eq!(format_decimal(1.0), "1.0");
        assert_eq!(format_decimal(2.5), "2.5");
        assert_eq!(format_decimal(0.4636476090008061), "0.4636476090008061");
        assert_eq!(format_decimal(-0.1), "-0.1");
        assert_eq!(format_decimal(-0.0), "-0.0");
    }

    /// Both thresholds of Decision 3, each side of each: plain notation in [1e-7, 1e21),
    /// Java's exponent form outside. (Java would print `1.23456789E8` and `1.0E-4`.)
    #[test]
    fn exponent_thresholds() {
        // Upper threshold.
        assert_eq!(format_decimal(123456789.0), "123456789.0");
        // The double just below 1e21.
        let below = f64::from_bits(1e21f64.to_bits() - 1);
        assert_eq!(below, 9.999999999999999e20);
        assert_eq!(format_decimal(below), "999999999999999900000.0");
        assert_eq!(format_decimal(-9.999999999999999e20), "-999999999999999900000.0");
        assert_eq!(format_decimal(1e21), "1.0E21");
        assert_eq!(format_decimal(-1e21), "-1.0E21");
        assert_eq!(format_decimal(1.5e300), "1.5E300");
        // Lower threshold.
        assert_eq!(format_decimal(0.0001), "0.0001");
        assert_eq!(format_decimal(1e-7), "0.0000001");
        assert_eq!(format_decimal(-1e-7), "-0.0000001");
        // The double just below 1e-7.
        let below = f64::from_bits(1e-7f64.to_bits() - 1);
        assert_eq!(format_decimal(below), "9.999999999999998E-8");
        assert_eq!(format_decimal(1.5e-8), "1.5E-8");
        // Shortest round-trip digits (Java prints `4.9E-324` here).
        assert_eq!(format_decimal(5e-324), "5.0E-324");
    }
}
