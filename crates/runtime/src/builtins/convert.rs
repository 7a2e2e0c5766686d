//! Conversions and type checks that apply to any value. These rows have an
//! `Any` receiver and come last in dispatch, so a date, number or text row of
//! the same name (e.g. `toString(format)` on a date) wins over them.
//! References: <https://www.zoho.com/deluge/help/functions/common/> (one page per function).

use super::{b, Builtin, Recv};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[
    b!("tostring", Any, 0, 2, to_string),
    b!("totext", Any, 0, 2, to_string),
    b!("tonumber", Any, 0, 0, to_number),
    b!("tolong", Any, 0, 0, to_long),
    b!("todecimal", Any, 0, 0, to_decimal),
    b!("toboolean", Any, 0, 0, to_boolean),
    b!("isnull", Any, 0, 0, is_null),
    b!("isblank", Any, 0, 0, is_blank),
    b!("isempty", Any, 0, 0, is_empty),
    b!("isvalidobject", Any, 0, 0, is_valid_object),
    b!("istext", Any, 0, 0, is_text),
    b!("isnumber", Any, 0, 0, is_number),
    b!("isdate", Any, 0, 0, is_date),
    b!("isfile", Any, 0, 0, is_file),
    b!("equals", Any, 1, 1, equals),
];

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

fn recv(args: &[Value]) -> &Value {
    args.first().unwrap_or(&Value::Null)
}

/// Decision 4: only isNull, isEmpty, isBlank and toString accept null.
fn not_null<'a>(args: &'a [Value], name: &str) -> Result<&'a Value> {
    match recv(args) {
        Value::Null => fail(format!("cannot call '{name}' on a null value")),
        v => Ok(v),
    }
}

/// `x.toString()` / `x.toText()`: the value as `info` prints it (a list
/// comma-joined, a map as compact JSON, null as `"null"`). With a format
/// argument the date (or number) row of the same name does the work; date
/// text is parsed first.
/// <https://www.zoho.com/deluge/help/functions/common/tostring.html>
fn to_string(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let v = recv(args);
    if args.len() < 2 {
        return Ok(match v {
            Value::Text(_) => v.clone(),
            other => ctx.display_value(other)?,
        });
    }
    let typed = match v {
        Value::Text(s) => super::date::parse_text(s),
        other => Some(other.clone()),
    };
    if let (Some(typed), Some(cands)) = (typed, super::lookup("tostring")) {
        let n = args.len() - 1;
        let row = cands.iter().find(|b| {
            !matches!(b.recv, Recv::Any | Recv::None)
                && b.recv.accepts(&typed)
                && (b.min as usize..=b.max as usize).contains(&n)
        });
        if let Some(row) = row {
            let mut args = args.to_vec();
            args[0] = typed;
            return (row.f)(ctx, &args);
        }
    }
    fail(format!("toString: a format applies to dates and numbers, not to {}", v.ty().name()))
}

/// `x.toNumber()`: a whole Number. Decimals lose their fraction (123.25 → 123),
/// numeric text is parsed (a decimal text is truncated too); any other text
/// (`"134A123B"`, `""`) is an error.
/// <https://www.zoho.com/deluge/help/functions/common/to-number.html>
fn to_number(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    whole(not_null(args, "toNumber")?, "toNumber")
}

/// `x.toLong()`: like `toNumber` (99.9 → 99); a date or date-time gives its
/// epoch milliseconds.
/// <https://www.zoho.com/deluge/help/functions/common/tolong.html>
fn to_long(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match not_null(args, "toLong")? {
        Value::Date(d) | Value::DateTime(d) => Ok(Value::Int(d.and_utc().timestamp_millis())),
        v => whole(v, "toLong"),
    }
}

fn whole(v: &Value, name: &str) -> Result<Value> {
    let n = match v {
        Value::Int(_) | Value::Dec(_) => v.clone(),
        Value::Text(s) => match parse_number(s) {
            Some(n) => n,
            None => return fail(format!("{name}: '{s}' is not a number")),
        },
        other => {
            return fail(format!("{name}: cannot convert a {} to a number", other.ty().name()))
        }
    };
    match n {
        Value::Dec(d) => {
            let t = d.trunc();
            // i64::MIN/MAX as f64 round to ±2^63; the open upper bound keeps the cast exact.
            if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&t) {
                Ok(Value::Int(t as i64))
            } else {
                fail(format!("{name}: {} is out of the Number range", v.to_display()))
            }
        }
        n => Ok(n),
    }
}

/// `x.toDecimal()`: a Decimal from a number or numeric text; empty or
/// non-numeric text is an error.
/// <https://www.zoho.com/deluge/help/functions/common/todecimal.html>
fn to_decimal(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let v = not_null(args, "toDecimal")?;
    let n = match v {
        Value::Text(s) if s.trim().is_empty() => {
            return fail("toDecimal: empty text is not a number")
        }
        Value::Text(s) => match parse_number(s) {
            Some(n) => n,
            None => return fail(format!("toDecimal: '{s}' is not a number")),
        },
        other => other.clone(),
    };
    match n.as_f64() {
        Some(d) => Ok(Value::Dec(d)),
        None => fail(format!("toDecimal: cannot convert a {} to a decimal", v.ty().name())),
    }
}

/// `x.toBoolean()`: `true`/`false` (text, any case) → Boolean; a Boolean stays.
fn to_boolean(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match not_null(args, "toBoolean")? {
        b @ Value::Bool(_) => Ok(b.clone()),
        Value::Text(s) if s.trim().eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
        Value::Text(s) if s.trim().eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
        other => fail(format!("toBoolean: '{}' is not true or false", other.to_display())),
    }
}

/// `isNull(x)`: true for null and for the empty text `""` (`" "` is not null).
/// <https://www.zoho.com/deluge/help/functions/common/isnull.html>
fn is_null(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match recv(args) {
        Value::Null => true,
        Value::Text(s) => s.is_empty(),
        _ => false,
    }))
}

/// `isBlank(x)`: true for null, text of only whitespace, and empty lists and maps.
fn is_blank(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match recv(args) {
        Value::Text(s) => s.trim().is_empty(),
        v => empty(v),
    }))
}

/// `isEmpty(x)`: true for null, `""`, and empty lists and maps; `" "` is not empty.
/// <https://www.zoho.com/deluge/help/functions/collection/isempty.html>
fn is_empty(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(empty(recv(args))))
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Text(s) => s.is_empty(),
        Value::List(l) => l.borrow().is_empty(),
        Value::Map(m) => m.borrow().is_empty(),
        _ => false,
    }
}

/// `isValidObject(x)`: false for null and for empty text, lists and maps.
/// <https://www.zoho.com/deluge/help/functions/common/is-valid-object.html>
fn is_valid_object(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(!empty(recv(args))))
}

/// `isText(x)`: true for text that is neither a number nor a date (`""` → true,
/// `"123"` → false); false for numbers, dates and null; null for lists, maps
/// and booleans.
/// <https://www.zoho.com/deluge/help/functions/common/istext.html>
fn is_text(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(match recv(args) {
        Value::Text(s) => {
            Value::Bool(parse_number(s).is_none() && super::date::parse_text(s).is_none())
        }
        Value::List(_) | Value::Map(_) | Value::Bool(_) => Value::Null,
        _ => Value::Bool(false),
    })
}

/// `isNumber(x)`: true for numbers and numeric text (`"12.3"`); false for other
/// text (`"24/2*10"`), dates, booleans and null; null for lists and maps.
/// <https://www.zoho.com/deluge/help/functions/common/isnumber.html>
fn is_number(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(match recv(args) {
        Value::Int(_) | Value::Dec(_) => Value::Bool(true),
        Value::Text(s) => Value::Bool(parse_number(s).is_some()),
        Value::List(_) | Value::Map(_) => Value::Null,
        _ => Value::Bool(false),
    })
}

/// `isDate(x)`: true for dates, date-times and valid date text; false for other
/// values; text that is not a valid date is an error (as Zoho documents).
/// <https://www.zoho.com/deluge/help/functions/common/isdate.html>
fn is_date(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match recv(args) {
        Value::Date(_) | Value::DateTime(_) => Ok(Value::Bool(true)),
        Value::Text(s) => match super::date::parse_text(s) {
            Some(Value::Date(_) | Value::DateTime(_)) => Ok(Value::Bool(true)),
            _ => fail(format!("isDate: '{s}' is not a valid date")),
        },
        _ => Ok(Value::Bool(false)),
    }
}

/// `isFile(x)`: true for a FILE value, false for anything else (null included).
/// <https://www.zoho.com/deluge/help/functions/common/is-file.html>
fn is_file(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(matches!(recv(args), Value::File(_))))
}

/// `a.equals(b)`: type- and case-sensitive equality (`1.equals("1")` and
/// `1.equals(1.0)` are false); dates and date-times compare by instant.
/// <https://www.zoho.com/deluge/help/functions/common/equals.html>
fn equals(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let a = not_null(args, "equals")?;
    let b = args.get(1).unwrap_or(&Value::Null);
    Ok(Value::Bool(match (a, b) {
        (Value::Date(x) | Value::DateTime(x), Value::Date(y) | Value::DateTime(y)) => x == y,
        _ => a == b,
    }))
}

#[cfg(test)]
mod tests {
    use crate::value::parse_json;
    use crate::Value;

    use crate::builtins::testing::call;

    fn show(name: &str, args: &[Value]) -> String {
        match call(name, args) {
            Ok(v) => v.to_display(),
            Err(e) => format!("error: {}", e.message()),
        }
    }

    fn t(s: &str) -> Value {
        Value::text(s)
    }

    fn j(s: &str) -> Value {
        parse_json(s).expect("test JSON")
    }

    fn date(s: &str) -> Value {
        let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date");
        Value::Date(d.and_hms_opt(0, 0, 0).expect("midnight"))
    }

    #[test]
    fn parse_number_forms() {
        assert_eq!(super::parse_number(" 12 "), Some(Value::Int(12)));
        assert_eq!(super::parse_number("1.5"), Some(Value::Dec(1.5)));
        assert_eq!(super::parse_number("24/2*10"), None);
        assert_eq!(super::parse_number(""), None);
    }

    #[test]
    fn to_string_prints_like_info() {
        assert_eq!(
            call("toString", &[j(r#"{"a":1,"b":[1,2]}"#)]).unwrap(),
            t(r#"{"a":1,"b":[1,2]}"#)
        );
        assert_eq!(call("toText", &[j("[1,\"x\",2.0]")]).unwrap(), t("1,x,2.0"));
        assert_eq!(call("toString", &[Value::Null]).unwrap(), t("null"));
        assert_eq!(call("toString", &[Value::Dec(2.0)]).unwrap(), t("2.0"));
        assert_eq!(call("toString", &[t("same")]).unwrap(), t("same"));
        assert!(show("toString", &[j("[1]"), t("yyyy")])
            .starts_with("error: toString: a format applies"));
    }

    #[test]
    fn to_number_and_to_long() {
        assert_eq!(show("toNumber", &[t("1234")]), "1234");
        assert_eq!(show("toNumber", &[Value::Dec(123.25)]), "123");
        assert_eq!(show("toNumber", &[t("12.9")]), "12");
        assert_eq!(
            show("toNumber", &[t("134A123B")]),
            "error: toNumber: '134A123B' is not a number"
        );
        assert_eq!(show("toNumber", &[t("")]), "error: toNumber: '' is not a number");
        assert_eq!(
            show("toNumber", &[Value::Bool(true)]),
            "error: toNumber: cannot convert a BOOLEAN to a number"
        );
        assert_eq!(
            show("toNumber", &[Value::Null]),
            "error: cannot call 'toNumber' on a null value"
        );
        assert!(show("toNumber", &[Value::Dec(1e30)]).contains("out of the Number range"));
        assert_eq!(show("toLong", &[Value::Dec(99.9)]), "99");
        assert_eq!(show("toLong", &[Value::Int(-5)]), "-5");
        assert_eq!(show("toLong", &[date("1970-01-02")]), "86400000");
        assert!(show("toLong", &[t("x1")]).contains("not a number"));
    }

    #[test]
    fn to_decimal_and_to_boolean() {
        assert_eq!(show("toDecimal", &[Value::Dec(99.9)]), "99.9");
        assert_eq!(show("toDecimal", &[Value::Int(5)]), "5.0");
        assert_eq!(show("toDecimal", &[t(" 2.50 ")]), "2.5");
        assert_eq!(show("toDecimal", &[t("")]), "error: toDecimal: empty text is not a number");
        assert!(show("toDecimal", &[t("abc")]).contains("not a number"));
        assert!(show("toDecimal", &[j("[1]")]).contains("cannot convert a LIST"));
        assert_eq!(show("toBoolean", &[t("TRUE")]), "true");
        assert_eq!(show("toBoolean", &[t("false")]), "false");
        assert_eq!(show("toBoolean", &[Value::Bool(true)]), "true");
        assert!(show("toBoolean", &[Value::Int(1)]).contains("not true or false"));
    }

    #[test]
    fn null_blank_empty_valid() {
        assert_eq!(show("isNull", &[t("")]), "true");
        assert_eq!(show("isNull", &[Value::Null]), "true");
        assert_eq!(show("isNull", &[t(" ")]), "false");
        assert_eq!(show("isNull", &[j("[]")]), "false");
        assert_eq!(show("isBlank", &[t("  ")]), "true");
        assert_eq!(show("isBlank", &[Value::Null]), "true");
        assert_eq!(show("isBlank", &[j("{}")]), "true");
        assert_eq!(show("isBlank", &[t("a")]), "false");
        assert_eq!(show("isEmpty", &[t(" ")]), "false");
        assert_eq!(show("isEmpty", &[t("")]), "true");
        assert_eq!(show("isEmpty", &[j("{}")]), "true");
        assert_eq!(show("isEmpty", &[j("[]")]), "true");
        assert_eq!(show("isEmpty", &[j("[0]")]), "false");
        assert_eq!(show("isEmpty", &[Value::Null]), "true");
        assert_eq!(show("isEmpty", &[Value::Int(0)]), "false");
        assert_eq!(show("isValidObject", &[Value::Null]), "false");
        assert_eq!(show("isValidObject", &[j("{}")]), "false");
        assert_eq!(show("isValidObject", &[Value::Int(0)]), "true");
    }

    #[test]
    fn is_text_and_is_number() {
        assert_eq!(show("isText", &[t("123")]), "false");
        assert_eq!(show("isText", &[t("")]), "true");
        assert_eq!(show("isText", &[t("Zoho")]), "true");
        assert_eq!(show("isText", &[date("2020-02-01")]), "false");
        assert_eq!(show("isText", &[Value::Int(1)]), "false");
        assert_eq!(show("isText", &[j("[1]")]), "null");
        assert_eq!(show("isText", &[Value::Bool(true)]), "null");
        assert_eq!(show("isNumber", &[t("24/2*10")]), "false");
        assert_eq!(show("isNumber", &[t("12.3")]), "true");
        assert_eq!(show("isNumber", &[Value::Int(24)]), "true");
        assert_eq!(show("isNumber", &[j("{}")]), "null");
        assert_eq!(show("isNumber", &[Value::Null]), "false");
    }

    #[test]
    fn is_date_and_is_file() {
        assert_eq!(show("isDate", &[date("2020-01-01")]), "true");
        assert_eq!(show("isDate", &[Value::Int(5)]), "false");
        assert_eq!(show("isDate", &[t("garbage")]), "error: isDate: 'garbage' is not a valid date");
        assert_eq!(show("isFile", &[t("x")]), "false");
        assert_eq!(show("isFile", &[Value::Null]), "false");
    }

    #[test]
    fn equals_is_type_strict_dates_by_value() {
        assert_eq!(show("equals", &[date("2017-01-01"), date("2017-01-01")]), "true");
        assert_eq!(show("equals", &[t("Zoho"), t("zoho")]), "false");
        assert_eq!(show("equals", &[Value::Int(1), t("1")]), "false");
        assert_eq!(show("equals", &[Value::Int(1), Value::Dec(1.0)]), "false");
        assert_eq!(show("equals", &[j("[1,2]"), j("[1,2]")]), "true");
        assert_eq!(show("equals", &[t("a"), Value::Null]), "false");
        assert_eq!(
            show("equals", &[Value::Null, Value::Null]),
            "error: cannot call 'equals' on a null value"
        );
    }
}
