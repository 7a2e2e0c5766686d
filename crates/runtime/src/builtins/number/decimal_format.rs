//! A subset of Java's `java.text.DecimalFormat` for `number.text(pattern)`.
//!
//! Supported: `0` (required digit), `#` (optional digit), `,` (grouping, the
//! size is the number of digits after the last `,`), `.` (decimal point),
//! literal prefix and suffix text (`$`, `USD `, …), quoted text (`'#'`, `''`
//! for a quote), `%` (×100) and `‰` (×1000), and a `;negative` subpattern.
//! Rounding is HALF_EVEN as in Java. Not supported: exponents (`E0`).
//!
//! The pattern rules (minimum/maximum digits, the `#.##` adjustment) follow
//! `DecimalFormat.applyPattern`; the digits of a decimal come from its
//! shortest representation, as Java's `DigitList` does.

use crate::error::{fail, Result};
use crate::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Format {
    pos_prefix: String,
    pos_suffix: String,
    neg_prefix: String,
    neg_suffix: String,
    multiplier: u32,
    min_int: usize,
    min_frac: usize,
    max_frac: usize,
    /// 0 = no grouping.
    grouping: usize,
    always_decimal: bool,
}

/// Largest number of fraction digits accepted (Java caps doubles at 340).
const MAX_FRAC: usize = 340;
/// Largest number of integer digits accepted in a pattern.
const MAX_INT: usize = 1000;

struct Sub {
    prefix: String,
    suffix: String,
    multiplier: u32,
    digit_left: usize,
    zero: usize,
    digit_right: usize,
    grouping_count: i64,
    decimal_pos: i64,
}

fn malformed<T>(pattern: &str, why: &str) -> Result<T> {
    fail(format!("text: malformed number pattern \"{pattern}\": {why}"))
}

/// Reads a quoted section starting after the opening quote; returns the new position.
fn read_quote(chars: &[char], mut i: usize, out: &mut String, pattern: &str) -> Result<usize> {
    loop {
        match chars.get(i) {
            None => return malformed(pattern, "unterminated quote"),
            Some('\'') => {
                if chars.get(i + 1) == Some(&'\'') {
                    out.push('\'');
                    i += 2;
                } else {
                    return Ok(i + 1);
                }
            }
            Some(c) => {
                out.push(*c);
                i += 1;
            }
        }
    }
}

/// Handles a prefix/suffix character; returns the new position.
fn affix_char(
    chars: &[char],
    i: usize,
    out: &mut String,
    multiplier: &mut u32,
    pattern: &str,
) -> Result<usize> {
    let c = chars[i];
    match c {
        '\'' => {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                Ok(i + 2)
            } else {
                read_quote(chars, i + 1, out, pattern)
            }
        }
        '%' | '\u{2030}' => {
            if *multiplier != 1 {
                return malformed(pattern, "too many percent or per mille characters");
            }
            *multiplier = if c == '%' { 100 } else { 1000 };
            out.push(c);
            Ok(i + 1)
        }
        '\u{a4}' => {
            if chars.get(i + 1) == Some(&'\u{a4}') {
                out.push_str("USD");
                Ok(i + 2)
            } else {
                out.push('$');
                Ok(i + 1)
            }
        }
        _ => {
            out.push(c);
            Ok(i + 1)
        }
    }
}

/// Parses one subpattern from `*pos`; returns it and whether a `;` followed.
fn parse_sub(chars: &[char], pos: &mut usize, pattern: &str) -> Result<(Sub, bool)> {
    let mut sub = Sub {
        prefix: String::new(),
        suffix: String::new(),
        multiplier: 1,
        digit_left: 0,
        zero: 0,
        digit_right: 0,
        grouping_count: -1,
        decimal_pos: -1,
    };
    let mut phase = 0;
    let mut i = *pos;
    let mut more = false;
    while i < chars.len() {
        let c = chars[i];
        match phase {
            0 => {
                if matches!(c, '#' | '0' | ',' | '.') {
                    phase = 1;
                    continue;
                }
                if c == ';' {
                    return malformed(pattern, "unquoted ';' before the digits");
                }
                i = affix_char(chars, i, &mut sub.prefix, &mut sub.multiplier, pattern)?;
            }
            1 => {
                match c {
                    '#' => {
                        if sub.zero > 0 {
                            sub.digit_right += 1;
                        } else {
                            sub.digit_left += 1;
                        }
                        if sub.grouping_count >= 0 && sub.decimal_pos < 0 {
                            sub.grouping_count += 1;
                        }
                    }
                    '0' => {
                        if sub.digit_right > 0 {
                            return malformed(pattern, "unexpected '0' after '#'");
                        }
                        sub.zero += 1;
                        if sub.grouping_count >= 0 && sub.decimal_pos < 0 {
                            sub.grouping_count += 1;
                        }
                    }
                    ',' => {
                        if sub.decimal_pos >= 0 {
                            return malformed(
                                pattern,
                                "grouping separator after the decimal point",
                            );
                        }
                        sub.grouping_count = 0;
                    }
                    '.' => {
                        if sub.decimal_pos >= 0 {
                            return malformed(pattern, "multiple decimal separators");
                        }
                        sub.decimal_pos = (sub.digit_left + sub.zero + sub.digit_right) as i64;
                    }
                    'E' => return malformed(pattern, "exponent notation (E) is not supported"),
                    _ => {
                        phase = 2;
                        continue;
                    }
                }
                if sub.digit_left + sub.zero + sub.digit_right > MAX_INT + MAX_FRAC {
                    return malformed(pattern, "too many digits");
                }
                i += 1;
            }
            _ => {
                if matches!(c, '#' | '0' | ',' | '.') {
                    return malformed(
                        pattern,
                        &format!("unquoted special character '{c}' after the digits"),
                    );
                }
                if c == ';' {
                    i += 1;
                    more = true;
                    break;
                }
                i = affix_char(chars, i, &mut sub.suffix, &mut sub.multiplier, pattern)?;
            }
        }
    }
    *pos = i;
    Ok((sub, more))
}

/// True when the pattern has a digit character (`0` or `#`) outside quotes,
/// i.e. it is a number pattern rather than a date pattern.
pub(crate) fn is_number_pattern(pattern: &str) -> bool {
    let mut quoted = false;
    for c in pattern.chars() {
        match c {
            '\'' => quoted = !quoted,
            '0' | '#' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// Parses a DecimalFormat pattern.
pub(crate) fn parse(pattern: &str) -> Result<Format> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let (mut pos_sub, more) = parse_sub(&chars, &mut pos, pattern)?;
    let neg = if more {
        let (neg, more2) = parse_sub(&chars, &mut pos, pattern)?;
        if more2 {
            return malformed(pattern, "more than one ';'");
        }
        Some(neg)
    } else {
        None
    };
    let s = &mut pos_sub;
    if s.digit_left + s.zero + s.digit_right == 0 {
        return malformed(pattern, "no digit characters ('0' or '#')");
    }
    // "###.###", "###." and ".###": Java moves one '#' into the zero count.
    if s.zero == 0 && s.digit_left > 0 && s.decimal_pos >= 0 {
        let mut n = s.decimal_pos as usize;
        if n == 0 {
            n = 1;
        }
        s.digit_right = s.digit_left - n;
        s.digit_left = n - 1;
        s.zero = 1;
    }
    let (dl, z, dr) = (s.digit_left as i64, s.zero as i64, s.digit_right as i64);
    let dp = s.decimal_pos;
    if (dp < 0 && dr > 0) || (dp >= 0 && (dp < dl || dp > dl + z)) || s.grouping_count == 0 {
        return malformed(pattern, "misplaced '#', '0' or ','");
    }
    let total = dl + z + dr;
    let eff_dec = if dp >= 0 { dp } else { total };
    let min_int = (eff_dec - dl) as usize;
    let max_frac = if dp >= 0 { (total - dp) as usize } else { 0 };
    let min_frac = if dp >= 0 { (dl + z - dp).max(0) as usize } else { 0 };
    if min_int > MAX_INT || max_frac > MAX_FRAC {
        return malformed(pattern, "too many digits");
    }
    let (neg_prefix, neg_suffix) = match neg {
        Some(n) => (n.prefix, n.suffix),
        None => (format!("-{}", s.prefix), s.suffix.clone()),
    };
    Ok(Format {
        pos_prefix: s.prefix.clone(),
        pos_suffix: s.suffix.clone(),
        neg_prefix,
        neg_suffix,
        multiplier: s.multiplier,
        min_int,
        min_frac,
        max_frac,
        grouping: if s.grouping_count > 0 { s.grouping_count as usize } else { 0 },
        always_decimal: dp == 0 || dp == total,
    })
}

/// Splits plain decimal text "123.4500" into integer digits (no leading "0")
/// and fraction digits (no trailing zeros).
fn split_digits(s: &str) -> (String, String) {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    (int.to_string(), frac.to_string())
}

impl Format {
    /// Formats a Number or Decimal.
    pub(crate) fn format(&self, v: &Value) -> Result<String> {
        let (neg, int_digits, frac_digits) = match v {
            Value::Int(n) => {
                let m = *n as i128 * self.multiplier as i128;
                let (i, f) = split_digits(&m.unsigned_abs().to_string());
                (m < 0, i, f)
            }
            Value::Dec(x) => {
                let y = x * self.multiplier as f64;
                if !y.is_finite() {
                    return fail(format!(
                        "text: cannot format {}",
                        crate::value::format_decimal(*x)
                    ));
                }
                let a = y.abs();
                let shortest = format!("{a}");
                let frac_len = shortest.split_once('.').map_or(0, |(_, f)| f.len());
                let (i, f) = if frac_len > self.max_frac {
                    // Exact HALF_EVEN rounding of the binary value, as JDK 8+.
                    split_digits(&format!("{a:.prec$}", prec = self.max_frac))
                } else {
                    split_digits(&shortest)
                };
                (y < 0.0, i, f)
            }
            other => return fail(format!("text: expects a number, not {}", other.ty().name())),
        };
        let mut body = String::with_capacity(int_digits.len() + frac_digits.len() + 8);
        let count = self.min_int.max(int_digits.len());
        let pad = count - int_digits.len();
        let digits = std::iter::repeat_n('0', pad).chain(int_digits.chars());
        for (k, d) in digits.enumerate() {
            body.push(d);
            let left = count - 1 - k;
            if self.grouping > 0 && left > 0 && left % self.grouping == 0 {
                body.push(',');
            }
        }
        let fraction_present = self.min_frac > 0 || !frac_digits.is_empty();
        if !fraction_present && body.is_empty() {
            body.push('0');
        }
        if self.always_decimal || fraction_present {
            body.push('.');
        }
        body.push_str(&frac_digits);
        for _ in frac_digits.len()..self.min_frac {
            body.push('0');
        }
        // A value that rounds to zero prints without a sign (Java would print "-0").
        let is_zero = int_digits.is_empty() && frac_digits.is_empty();
        let (prefix, suffix) = if neg && !is_zero {
            (&self.neg_prefix, &self.neg_suffix)
        } else {
            (&self.pos_prefix, &self.pos_suffix)
        };
        Ok(format!("{prefix}{body}{suffix}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: Value, p: &str) -> String {
        match parse(p).and_then(|f| f.format(&v)) {
            Ok(s) => s,
            Err(e) => format!("error: {}", e.message()),
        }
    }

    #[test]
    fn documented_patterns() {
        assert_eq!(fmt(Value::Dec(12345654.1234), "$#,##0.00"), "$12,345,654.12");
        assert_eq!(fmt(Value::Int(2434), "000000000"), "000002434");
        assert_eq!(fmt(Value::Int(1234567), "##,###"), "1,234,567");
    }

    #[test]
    fn optional_and_required_digits() {
        assert_eq!(fmt(Value::Dec(0.5), "#.##"), "0.5");
        assert_eq!(fmt(Value::Dec(1.0), "#.##"), "1");
        assert_eq!(fmt(Value::Dec(0.0), "#"), "0");
        assert_eq!(fmt(Value::Dec(12.3), "000.00"), "012.30");
        assert_eq!(fmt(Value::Dec(1.5), "0.0#"), "1.5");
        assert_eq!(fmt(Value::Dec(1.567), "0.0#"), "1.57");
        assert_eq!(fmt(Value::Dec(0.5), ".00"), ".50");
        assert_eq!(fmt(Value::Int(5), "0."), "5.");
        assert_eq!(fmt(Value::Int(5), "#,##0.00"), "5.00");
        assert_eq!(fmt(Value::Int(-1234), "#,##0"), "-1,234");
        assert_eq!(fmt(Value::Int(i64::MIN), "#,##0"), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn half_even_rounding_on_the_binary_value() {
        assert_eq!(fmt(Value::Dec(0.125), "0.00"), "0.12");
        assert_eq!(fmt(Value::Dec(0.375), "0.00"), "0.38");
        assert_eq!(fmt(Value::Dec(2.5), "0"), "2");
        assert_eq!(fmt(Value::Dec(3.5), "0"), "4");
        // 2.675 is 2.67499999… in binary.
        assert_eq!(fmt(Value::Dec(2.675), "0.00"), "2.67");
        assert_eq!(fmt(Value::Dec(0.1), "0.000000000000000000"), "0.100000000000000000");
        assert_eq!(fmt(Value::Dec(-0.001), "0.00"), "0.00");
        assert_eq!(fmt(Value::Dec(1e20), "#,##0"), "100,000,000,000,000,000,000");
    }

    #[test]
    fn affixes_percent_quotes_and_negative_subpattern() {
        assert_eq!(fmt(Value::Dec(0.256), "0.0%"), "25.6%");
        assert_eq!(fmt(Value::Dec(0.256), "0\u{2030}"), "256\u{2030}");
        assert_eq!(fmt(Value::Int(5), "'#'0"), "#5");
        assert_eq!(fmt(Value::Int(5), "0 o''clock"), "5 o'clock");
        assert_eq!(fmt(Value::Int(5), "'it''s '0"), "it's 5");
        assert_eq!(fmt(Value::Int(-5), "0;(0)"), "(5)");
        assert_eq!(fmt(Value::Int(5), "0;(0)"), "5");
        assert_eq!(fmt(Value::Dec(-3.5), "$#,##0.00"), "-$3.50");
        assert_eq!(fmt(Value::Int(7), "USD 0"), "USD 7");
        assert_eq!(fmt(Value::Int(7), "\u{a4}0"), "$7");
    }

    #[test]
    fn number_or_date_pattern() {
        assert!(is_number_pattern("#,##0.00"));
        assert!(is_number_pattern("'x'0"));
        assert!(!is_number_pattern("yyyy-MM-dd"));
        assert!(!is_number_pattern("'#'yyyy"));
        assert!(!is_number_pattern(""));
    }

    #[test]
    fn malformed_patterns_are_errors() {
        for p in
            ["", "abc", "0.#0", "0..0", "0E0", "#,##0,", "0'x", "0;0;0", "0#", "%%0", ";0", "0x0"]
        {
            assert!(
                fmt(Value::Int(1), p).starts_with("error: text: "),
                "{p}: {}",
                fmt(Value::Int(1), p)
            );
        }
        assert!(fmt(Value::Dec(f64::NAN), "0").starts_with("error:"));
        assert!(fmt(Value::text("x"), "0").starts_with("error:"));
    }
}
