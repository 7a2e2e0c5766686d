//! Builtins Zoho documents outside the families of the other tables, or added
//! after the comparison in docs/semantics.md ("Builtin coverage"):
//!
//! - `textToHex()` / `hexToText()` on text (Deluge text functions index,
//!   <https://www.zoho.com/deluge/help/functions/text.html>);
//! - `toHex()` on numbers (Zoho Creator's common built-in functions,
//!   <https://www.zoho.com/creator/help/script/built-in-functions/built-in-function-common-tohex.html>);
//! - `median()` on a collection of numbers (Deluge list functions index,
//!   <https://www.zoho.com/deluge/help/functions/number/median.html>).
//!
//! Choices where Zoho's pages are silent (see docs/semantics.md):
//! - `textToHex` encodes the text's UTF-8 bytes, two lower-case digits a byte
//!   (Zoho's example is ASCII only).
//! - `hexToText` accepts upper- or lower-case digits; an odd number of digits or
//!   a non-hex character is an error; bytes that are not UTF-8 decode to U+FFFD
//!   (as Java's `new String(bytes, UTF_8)` does).
//! - `toHex` truncates a Decimal to a whole number first; a negative number is
//!   printed as its 64-bit two's complement (Java's `Long.toHexString`).
//! - `median` reads numeric text as its number (as `largest` & co. do), returns
//!   a Decimal (Zoho's documented return type) and null for an empty collection.

use std::fmt::Write as _;

use super::{b, Builtin};
use crate::builtins::convert::parse_number;
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[
    b!("texttohex", Text, 0, 0, text_to_hex),
    b!("hextotext", Text, 0, 0, hex_to_text),
    b!("tohex", Number, 0, 0, to_hex),
    b!("median", Collection, 0, 0, median),
];

fn recv_text<'a>(args: &'a [Value], f: &str) -> Result<&'a str> {
    match args.first() {
        Some(Value::Text(s)) => Ok(s.as_str()),
        Some(Value::Null) | None => fail(format!("{f}: cannot be applied to a null value")),
        Some(v) => fail(format!("{f}: expects a TEXT value, not {}", v.ty().name())),
    }
}

/// `text.textToHex()`: the hexadecimal digits of the text's UTF-8 bytes.
/// <https://www.zoho.com/deluge/help/functions/string/texttohex.html>
fn text_to_hex(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv_text(args, "textToHex")?;
    let mut out = String::with_capacity(s.len() * 2);
    for byte in s.bytes() {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    Ok(Value::from(out))
}

/// `text.hexToText()`: the text whose UTF-8 bytes the hexadecimal digits spell.
/// <https://www.zoho.com/deluge/help/functions/string/hextotext.html>
fn hex_to_text(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv_text(args, "hexToText")?;
    let digits = s.as_bytes();
    if digits.len() % 2 != 0 {
        return fail(format!(
            "hexToText: '{s}' is not hexadecimal text (it has an odd number of digits)"
        ));
    }
    let mut bytes = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks_exact(2) {
        match (hex_digit(pair[0]), hex_digit(pair[1])) {
            (Some(hi), Some(lo)) => bytes.push(hi << 4 | lo),
            _ => {
                return fail(format!(
                    "hexToText: '{s}' is not hexadecimal text (only 0-9 and a-f are allowed)"
                ))
            }
        }
    }
    Ok(Value::from(String::from_utf8_lossy(&bytes).into_owned()))
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// `number.toHex()`: the number in lower-case hexadecimal.
/// <https://www.zoho.com/creator/help/script/built-in-functions/built-in-function-common-tohex.html>
fn to_hex(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let n = match args.first() {
        Some(Value::Int(n)) => *n,
        // The bounds are exact: -2^63 is representable, 2^63 is not.
        Some(Value::Dec(d))
            if d.is_finite()
                && *d >= -9.223_372_036_854_776e18
                && *d < 9.223_372_036_854_776e18 =>
        {
            d.trunc() as i64
        }
        Some(Value::Dec(d)) => {
            return fail(format!(
                "toHex: {} is out of range for a whole number",
                Value::Dec(*d).to_display()
            ))
        }
        Some(Value::Null) | None => return fail("toHex: cannot be applied to a null value"),
        Some(v) => return fail(format!("toHex: expects a NUMBER value, not {}", v.ty().name())),
    };
    // `{:x}` on i64 prints the two's complement, as Java's Long.toHexString.
    Ok(Value::from(format!("{n:x}")))
}

/// `numberList.median()`: the middle value of the sorted numbers, or the mean
/// of the two middle values when there is an even number of them.
/// <https://www.zoho.com/deluge/help/functions/number/median.html>
fn median(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let invalid = |ty: &str| {
        format!(
            "List contains invalid({ty}) entries hence' can not be cast to 'valid list and perform desired operations"
        )
    };
    let number = |v: &Value| -> Result<f64> {
        let n = match v {
            Value::Int(_) | Value::Dec(_) => v.clone(),
            Value::Text(s) => match parse_number(s) {
                Some(n) => n,
                None => return fail(invalid("TEXT")),
            },
            other => return fail(invalid(other.ty().name())),
        };
        match n.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => fail("median: the collection holds a number that is not finite"),
        }
    };
    let mut nums = match args.first() {
        Some(Value::List(l)) => l.borrow().iter().map(number).collect::<Result<Vec<f64>>>()?,
        Some(Value::Map(m)) => m.borrow().values().map(number).collect::<Result<Vec<f64>>>()?,
        Some(v) => {
            return fail(format!("median: expects a LIST of numbers, not {}", v.ty().name()))
        }
        None => return fail("median: cannot be applied to a null value"),
    };
    if nums.is_empty() {
        return Ok(Value::Null);
    }
    nums.sort_by(f64::total_cmp);
    let mid = nums.len() / 2;
    let m = if nums.len() % 2 == 1 { nums[mid] } else { nums[mid - 1] / 2.0 + nums[mid] / 2.0 };
    Ok(Value::Dec(m))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{err, ok};
    use crate::Value;

    fn t(s: &str) -> Value {
        Value::from(s)
    }

    #[test]
    fn text_to_hex_follows_zohos_example() {
        assert_eq!(ok("textToHex", &[t("Zoho Creator")]), "5a6f686f2043726561746f72");
        assert_eq!(ok("textToHex", &[t("")]), "");
        // Non-ASCII text is encoded as UTF-8 bytes.
        assert_eq!(ok("textToHex", &[t("é✓")]), "c3a9e29c93");
    }

    #[test]
    fn hex_to_text_reverses_text_to_hex() {
        assert_eq!(ok("hexToText", &[t("5a6f686f2043726561746f72")]), "Zoho Creator");
        assert_eq!(ok("hexToText", &[t("5A6F686F")]), "Zoho");
        assert_eq!(ok("hexToText", &[t("c3a9e29c93")]), "é✓");
        assert_eq!(ok("hexToText", &[t("")]), "");
        // Bytes that are not UTF-8 become U+FFFD.
        assert_eq!(ok("hexToText", &[t("41ff42")]), "A\u{FFFD}B");
    }

    #[test]
    fn hex_to_text_rejects_malformed_digits() {
        assert_eq!(
            err("hexToText", &[t("abc")]),
            "hexToText: 'abc' is not hexadecimal text (it has an odd number of digits)"
        );
        assert_eq!(
            err("hexToText", &[t("zz")]),
            "hexToText: 'zz' is not hexadecimal text (only 0-9 and a-f are allowed)"
        );
        assert_eq!(err("hexToText", &[Value::Null]), "cannot call 'hexToText' on a null value");
    }

    #[test]
    fn to_hex_of_numbers() {
        assert_eq!(ok("toHex", &[Value::Int(100)]), "64");
        assert_eq!(ok("toHex", &[Value::Int(0)]), "0");
        assert_eq!(ok("toHex", &[Value::Int(255)]), "ff");
        assert_eq!(ok("toHex", &[Value::Int(-1)]), "ffffffffffffffff");
        assert_eq!(ok("toHex", &[Value::Int(i64::MIN)]), "8000000000000000");
        assert_eq!(ok("toHex", &[Value::Dec(255.9)]), "ff");
        // Numeric text is read as its number by the dispatcher.
        assert_eq!(ok("toHex", &[t("4096")]), "1000");
        assert_eq!(
            err("toHex", &[Value::Dec(1e300)]),
            "toHex: 1.0E300 is out of range for a whole number"
        );
    }

    fn list(items: Vec<Value>) -> Value {
        Value::list(items)
    }

    #[test]
    fn median_follows_zohos_example() {
        let l = list(vec![Value::Int(1), Value::Int(5), Value::Int(2), Value::Int(3)]);
        assert_eq!(ok("median", &[l]), "2.5");
        let odd = list(vec![Value::Int(9), Value::Dec(1.5), t("4")]);
        assert_eq!(ok("median", &[odd]), "4.0");
        assert_eq!(ok("median", &[list(vec![])]), "null");
        let map = Value::map_from([("a", Value::Int(10)), ("b", Value::Int(20))]);
        assert_eq!(ok("median", &[map]), "15.0");
    }

    #[test]
    fn median_rejects_non_numbers() {
        let l = list(vec![Value::Int(1), t("one")]);
        assert_eq!(
            err("median", &[l]),
            "List contains invalid(TEXT) entries hence' can not be cast to 'valid list and perform desired operations"
        );
    }
}
