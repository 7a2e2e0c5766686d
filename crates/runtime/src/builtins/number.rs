//! Number and Decimal builtins (reference 8.2).
//!
//! Numbers are `i64` (overflow is the runtime error "Number overflow"),
//! decimals are `f64` printed Java-style. `round`, `truncate` and `frac` work
//! on the decimal digits of the shortest representation (so `1.005.round(2)`
//! is `1.01` and `24.6.frac()` is `0.6`, as a person would expect).
//!
//! Choices where Zoho's behaviour is not documented (see the report / semantics doc):
//! - `round(p)` / `truncate(p)` with `p <= 0` give a Number (`218.5.round(0)` → `219`),
//!   with `p > 0` a Decimal; a Number receiver stays a Number. Halves round away from zero.
//! - `floor()` / `ceil()` give a Number.
//! - `power(e)`: Number ^ non-negative Number is a Number (overflow is an error), otherwise a Decimal.
//! - `max` / `min` return the winning argument unchanged (type kept).
//! - `isEven` / `isOdd` on a non-whole decimal are false.
//! - Maths results that are not finite (`sqrt(-1)`, `log(0)`, `exp(1000)`) are runtime errors.

mod decimal_format;

use super::{b, Builtin};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[
    b!("round", Number, 1, 1, round),
    b!("truncate", Number, 1, 1, truncate),
    b!("floor", Number, 0, 0, floor),
    b!("ceil", Number, 0, 0, ceil),
    b!("abs", Number, 0, 0, abs),
    b!("sqrt", Number, 0, 0, sqrt),
    b!("exp", Number, 0, 0, exp),
    b!("log", Number, 0, 0, log),
    b!("power", Number, 1, 1, power),
    b!("max", Number, 1, 1, max),
    b!("min", Number, 1, 1, min),
    b!("signum", Number, 0, 0, signum),
    b!("frac", Number, 0, 0, frac),
    b!("sin", Number, 0, 0, sin),
    b!("cos", Number, 0, 0, cos),
    b!("tan", Number, 0, 0, tan),
    b!("asin", Number, 0, 0, asin),
    b!("acos", Number, 0, 0, acos),
    b!("atan", Number, 0, 0, atan),
    b!("atan2", Number, 1, 1, atan2),
    b!("sinh", Number, 0, 0, sinh),
    b!("cosh", Number, 0, 0, cosh),
    b!("tanh", Number, 0, 0, tanh),
    b!("asinh", Number, 0, 0, asinh),
    b!("acosh", Number, 0, 0, acosh),
    b!("atanh", Number, 0, 0, atanh),
    b!("degrees", Number, 0, 0, degrees),
    b!("radians", Number, 0, 0, radians),
    b!("iseven", Number, 0, 0, is_even),
    b!("isodd", Number, 0, 0, is_odd),
    b!("text", Number, 1, 1, text),
    b!("tostring", Number, 0, 2, to_string),
    b!("totext", Number, 0, 2, to_string),
    b!("randomnumber", None, 2, 2, random_number),
];

/// Formats a Number or Decimal with a Java `DecimalFormat` pattern; for
/// `toText(pattern)` / `toString(pattern)` on numbers in other families.
#[allow(dead_code)]
pub(crate) fn format_number(v: &Value, pattern: &str) -> Result<String> {
    decimal_format::parse(pattern)?.format(v)
}

// ---------------------------------------------------------------------------
// argument helpers

fn overflow<T>() -> Result<T> {
    fail("Number overflow")
}

/// Argument `i` as a Number or Decimal value (numeric text is parsed).
fn num_arg(args: &[Value], i: usize, f: &str) -> Result<Value> {
    match args.get(i) {
        Some(Value::Dec(d)) if !d.is_finite() => {
            fail(format!("{f}: expects a finite number, not {}", crate::value::format_decimal(*d)))
        }
        Some(v @ (Value::Int(_) | Value::Dec(_))) => Ok(v.clone()),
        Some(Value::Text(s)) => match super::convert::parse_number(s) {
            Some(Value::Dec(d)) if !d.is_finite() => {
                fail(format!("{f}: expects a finite number, got '{s}'"))
            }
            Some(v) => Ok(v),
            None => fail(format!("{f}: expects a number, got '{s}'")),
        },
        Some(Value::Null) | None => fail(format!("{f}: expects a number, not null")),
        Some(v) => fail(format!("{f}: expects a number, not {}", v.ty().name())),
    }
}

fn f64_arg(args: &[Value], i: usize, f: &str) -> Result<f64> {
    match num_arg(args, i, f)? {
        Value::Int(n) => Ok(n as f64),
        Value::Dec(d) => Ok(d),
        _ => fail(format!("{f}: expects a number")),
    }
}

fn int_arg(args: &[Value], i: usize, f: &str) -> Result<i64> {
    match num_arg(args, i, f)? {
        Value::Int(n) => Ok(n),
        Value::Dec(d) if d.is_finite() && d.abs() < 9.2e18 => Ok(d.trunc() as i64),
        _ => fail(format!("{f}: argument {i} must be a whole number")),
    }
}

/// A finite maths result, or a clear error.
fn finite(f: &str, x: f64, r: f64) -> Result<Value> {
    if r.is_nan() {
        return fail(format!(
            "{f}: {} is outside the domain of the function",
            crate::value::format_decimal(x)
        ));
    }
    if r.is_infinite() {
        return fail(format!(
            "{f}: the result for {} is infinite (Number overflow)",
            crate::value::format_decimal(x)
        ));
    }
    Ok(Value::Dec(r))
}

/// A whole-valued f64 as a Number when it fits, else a Decimal.
fn whole(r: f64) -> Value {
    if r.is_finite() && r.abs() < 9.2e18 {
        Value::Int(r as i64)
    } else {
        Value::Dec(r)
    }
}

// ---------------------------------------------------------------------------
// decimal digits: value = sign × 0.d1d2d3… × 10^point

#[derive(Debug, Clone, PartialEq)]
struct Digits {
    neg: bool,
    digits: Vec<u8>,
    point: i64,
}

impl Digits {
    fn of_f64(x: f64) -> Digits {
        // `{:e}` gives the shortest round-trip digits: "1.2345e3".
        let s = format!("{:e}", x.abs());
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let mut digits: Vec<u8> =
            mant.bytes().filter(u8::is_ascii_digit).map(|c| c - b'0').collect();
        while digits.last() == Some(&0) {
            digits.pop();
        }
        Digits { neg: x < 0.0, point: if digits.is_empty() { 0 } else { exp + 1 }, digits }
    }

    fn of_i64(n: i64) -> Digits {
        let mut digits: Vec<u8> = n.unsigned_abs().to_string().bytes().map(|c| c - b'0').collect();
        let point = if n == 0 { 0 } else { digits.len() as i64 };
        while digits.last() == Some(&0) {
            digits.pop();
        }
        Digits { neg: n < 0, digits, point }
    }

    /// Keeps `places` digits after the decimal point (negative: before it),
    /// rounding half away from zero when `round`, else truncating.
    fn cut(&self, places: i64, round: bool) -> Digits {
        let keep = self.point.saturating_add(places);
        if keep >= self.digits.len() as i64 {
            return self.clone();
        }
        let mut point = self.point;
        if keep < 0 {
            return Digits { neg: self.neg, digits: Vec::new(), point: 0 };
        }
        let keep = keep as usize;
        let mut digits = self.digits[..keep].to_vec();
        if round && self.digits[keep] >= 5 {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    point += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            point = 0;
        }
        Digits { neg: self.neg, digits, point }
    }

    /// The fractional part (digits after the decimal point).
    fn fraction(&self) -> Digits {
        let skip = self.point.max(0) as usize;
        if skip >= self.digits.len() {
            return Digits { neg: self.neg, digits: Vec::new(), point: 0 };
        }
        Digits { neg: self.neg, digits: self.digits[skip..].to_vec(), point: self.point.min(0) }
    }

    fn to_f64(&self) -> f64 {
        if self.digits.is_empty() {
            return 0.0;
        }
        let s: String = self.digits.iter().map(|d| (b'0' + d) as char).collect();
        let exp = self.point - self.digits.len() as i64;
        let v: f64 = format!("{s}e{exp}").parse().unwrap_or(0.0);
        if self.neg {
            -v
        } else {
            v
        }
    }

    /// As a whole Number (the value must have no fraction digits).
    fn to_i64(&self) -> Option<i64> {
        let mut v: i128 = 0;
        for d in &self.digits {
            v = v.checked_mul(10)?.checked_add(*d as i128)?;
        }
        let zeros = self.point - self.digits.len() as i64;
        if zeros < 0 {
            return None;
        }
        for _ in 0..zeros {
            v = v.checked_mul(10)?;
            if v > i64::MAX as i128 + 1 {
                return None;
            }
        }
        if self.neg {
            v = -v;
        }
        i64::try_from(v).ok()
    }
}

fn round_impl(args: &[Value], f: &str, round: bool) -> Result<Value> {
    let x = num_arg(args, 0, f)?;
    let places = int_arg(args, 1, f)?.clamp(-400, 400);
    match x {
        Value::Int(n) => {
            if places >= 0 {
                return Ok(Value::Int(n));
            }
            match Digits::of_i64(n).cut(places, round).to_i64() {
                Some(v) => Ok(Value::Int(v)),
                None => overflow(),
            }
        }
        Value::Dec(d) => {
            if !d.is_finite() {
                return fail(format!("{f}: cannot round {}", crate::value::format_decimal(d)));
            }
            let cut = Digits::of_f64(d).cut(places, round);
            if places <= 0 {
                if let Some(v) = cut.to_i64() {
                    return Ok(Value::Int(v));
                }
            }
            Ok(Value::Dec(cut.to_f64()))
        }
        _ => fail(format!("{f}: expects a number")),
    }
}

// ---------------------------------------------------------------------------
// rounding

/// `round(p)`: rounds to `p` decimal places (`p < 0`: to tens, hundreds, …);
/// halves round away from zero.
/// <https://www.zoho.com/deluge/help/functions/number/round.html>
fn round(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    round_impl(args, "round", true)
}

/// `truncate(p)`: cuts to `p` decimal places without rounding (`p < 0`: zeros
/// the last `-p` integer digits).
/// <https://www.zoho.com/deluge/help/functions/number/truncate.html>
fn truncate(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    round_impl(args, "truncate", false)
}

/// `floor()`: the largest whole number not above the value.
/// <https://www.zoho.com/deluge/help/functions/number/floor.html>
fn floor(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match num_arg(args, 0, "floor")? {
        Value::Dec(d) => Ok(whole(d.floor())),
        v => Ok(v),
    }
}

/// `ceil()`: the smallest whole number not below the value.
fn ceil(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match num_arg(args, 0, "ceil")? {
        Value::Dec(d) => Ok(whole(d.ceil())),
        v => Ok(v),
    }
}

/// `abs()`: absolute value, type kept.
fn abs(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match num_arg(args, 0, "abs")? {
        Value::Int(n) => n.checked_abs().map(Value::Int).map_or_else(overflow, Ok),
        Value::Dec(d) => Ok(Value::Dec(d.abs())),
        _ => fail("abs: expects a number"),
    }
}

/// `frac()`: the fractional part, keeping the sign (`-25.1` → `-0.1`).
/// <https://www.zoho.com/deluge/help/functions/number/frac.html>
fn frac(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match num_arg(args, 0, "frac")? {
        Value::Int(_) => Ok(Value::Int(0)),
        Value::Dec(d) if d.is_finite() => Ok(Value::Dec(Digits::of_f64(d).fraction().to_f64())),
        _ => fail("frac: expects a finite number"),
    }
}

/// `signum()`: `1.0`, `-1.0` or `0.0`.
/// <https://www.zoho.com/deluge/help/functions/number/signum.html>
fn signum(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let x = f64_arg(args, 0, "signum")?;
    Ok(Value::Dec(if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }))
}

// ---------------------------------------------------------------------------
// maths

fn unary(args: &[Value], f: &str, op: fn(f64) -> f64) -> Result<Value> {
    let x = f64_arg(args, 0, f)?;
    finite(f, x, op(x))
}

/// `sqrt()`: square root (a negative value is an error).
fn sqrt(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "sqrt", f64::sqrt)
}

/// `exp()`: e raised to the value.
fn exp(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "exp", f64::exp)
}

/// `log()`: natural logarithm (zero or negative is an error).
fn log(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "log", f64::ln)
}

/// `sin()` (radians).
fn sin(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "sin", f64::sin)
}

/// `cos()` (radians).
fn cos(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "cos", f64::cos)
}

/// `tan()` (radians).
fn tan(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "tan", f64::tan)
}

/// `asin()`: arc sine in radians (outside -1..1 is an error).
fn asin(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "asin", f64::asin)
}

/// `acos()`: arc cosine in radians (outside -1..1 is an error).
fn acos(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "acos", f64::acos)
}

/// `atan()`: arc tangent in radians.
fn atan(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "atan", f64::atan)
}

/// `y.atan2(x)`: the angle of the point (x, y) in radians (`1.atan2(2)` → `0.4636476090008061`).
/// <https://www.zoho.com/deluge/help/functions/number/atan2.html>
fn atan2(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let y = f64_arg(args, 0, "atan2")?;
    let x = f64_arg(args, 1, "atan2")?;
    finite("atan2", y, y.atan2(x))
}

/// `sinh()`: hyperbolic sine.
fn sinh(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "sinh", f64::sinh)
}

/// `cosh()`: hyperbolic cosine (`0.cosh()` → `1.0`).
/// <https://www.zoho.com/deluge/help/functions/number/cosh.html>
fn cosh(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "cosh", f64::cosh)
}

/// `tanh()`: hyperbolic tangent.
fn tanh(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "tanh", f64::tanh)
}

/// `asinh()`: inverse hyperbolic sine.
fn asinh(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "asinh", f64::asinh)
}

/// `acosh()`: inverse hyperbolic cosine (below 1 is an error).
fn acosh(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "acosh", f64::acosh)
}

/// `atanh()`: inverse hyperbolic tangent (outside -1..1 is an error).
fn atanh(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "atanh", f64::atanh)
}

/// `degrees()`: radians to degrees.
fn degrees(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "degrees", f64::to_degrees)
}

/// `radians()`: degrees to radians.
fn radians(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    unary(args, "radians", f64::to_radians)
}

/// `b.power(e)` / `power(b, e)`: Number ^ non-negative Number is a Number
/// (overflow is an error); anything else is a Decimal.
/// <https://www.zoho.com/deluge/help/functions/number/power.html>
fn power(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let base = num_arg(args, 0, "power")?;
    let e = num_arg(args, 1, "power")?;
    if let (Value::Int(b), Value::Int(e)) = (&base, &e) {
        if *e >= 0 {
            return match (b, u32::try_from(*e)) {
                (0 | 1, _) => Ok(Value::Int(if *e == 0 { 1 } else { *b })),
                (-1, _) => Ok(Value::Int(if e % 2 == 0 { 1 } else { -1 })),
                (_, Ok(e)) => b.checked_pow(e).map(Value::Int).map_or_else(overflow, Ok),
                (_, Err(_)) => overflow(),
            };
        }
    }
    let (b, x) = (f64_arg(args, 0, "power")?, f64_arg(args, 1, "power")?);
    let r = b.powf(x);
    if r.is_nan() {
        return fail(format!(
            "power: {} raised to {} is not a real number",
            crate::value::format_decimal(b),
            crate::value::format_decimal(x)
        ));
    }
    if r.is_infinite() {
        return overflow();
    }
    Ok(Value::Dec(r))
}

fn pick(args: &[Value], f: &str, want_greater: bool) -> Result<Value> {
    let a = num_arg(args, 0, f)?;
    let b = num_arg(args, 1, f)?;
    let ord = a.compare(&b).unwrap_or(std::cmp::Ordering::Equal);
    let b_wins = if want_greater { ord.is_lt() } else { ord.is_gt() };
    Ok(if b_wins { b } else { a })
}

/// `max(a, b)` / `a.max(b)`: the larger value.
/// <https://www.zoho.com/deluge/help/functions/number/max.html>
fn max(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    pick(args, "max", true)
}

/// `min(a, b)` / `a.min(b)`: the smaller value.
/// <https://www.zoho.com/deluge/help/functions/number/min.html>
fn min(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    pick(args, "min", false)
}

fn parity(args: &[Value], f: &str) -> Result<Option<bool>> {
    Ok(match num_arg(args, 0, f)? {
        Value::Int(n) => Some(n % 2 == 0),
        Value::Dec(d) if d.is_finite() && d.fract() == 0.0 => Some(d % 2.0 == 0.0),
        _ => None,
    })
}

/// `isEven()`: true for an even whole number.
/// <https://www.zoho.com/deluge/help/functions/number/is-even.html>
fn is_even(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(parity(args, "isEven")? == Some(true)))
}

/// `isOdd()`: true for an odd whole number.
/// <https://www.zoho.com/deluge/help/functions/number/is-odd.html>
fn is_odd(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(parity(args, "isOdd")? == Some(false)))
}

/// `text(pattern)`: formats with a Java `DecimalFormat` pattern
/// (`"$#,##0.00"`, `"000000000"`); numeric text is accepted as receiver.
/// <https://www.zoho.com/deluge/help/functions/number/text.html>
fn text(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let v = num_arg(args, 0, "text")?;
    let pattern = match args.get(1) {
        Some(Value::Text(p)) => p.as_str(),
        Some(Value::Null) | None => return fail("text: the format pattern must not be null"),
        Some(other) => {
            return fail(format!(
                "text: the format pattern must be text, not {}",
                other.ty().name()
            ))
        }
    };
    Ok(Value::text(format_number(&v, pattern)?))
}

/// `n.toString([pattern])` / `n.toText([pattern])`: without a pattern the
/// number as `info` prints it; with a number pattern (one with `0` or `#`),
/// formatted like `text(pattern)`; with a date pattern (`"yyyy-MM-dd"`), a
/// Number is read as epoch milliseconds and formatted as a date-time in the
/// optional time zone (the reference: numbers are accepted outside Creator).
/// <https://www.zoho.com/deluge/help/functions/common/to-text.html>,
/// <https://www.zoho.com/deluge/help/functions/common/tostring.html>
fn to_string(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let v = num_arg(args, 0, "toString")?;
    if args.len() < 2 {
        return Ok(Value::text(v.to_display()));
    }
    if let Some(Value::Text(p)) = args.get(1) {
        if !decimal_format::is_number_pattern(p) && matches!(v, Value::Int(_)) {
            if let Some(cands) = super::lookup("todatetimestring") {
                let mut args = args.to_vec();
                args[0] = v;
                return super::call(ctx, "toString", cands, &args);
            }
        }
    }
    if args.len() > 2 {
        return fail("toString: a time zone applies to date patterns only");
    }
    text(ctx, args)
}

/// `randomNumber(start, end)`: a random value with `start <= r < end`; a Number
/// when both limits are Numbers, otherwise a Decimal.
/// <https://zoho.com/deluge/help/functions/number/randomnumber.html>
fn random_number(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    const F: &str = "randomNumber";
    let a = num_arg(args, 0, F)?;
    let b = num_arg(args, 1, F)?;
    if let (Value::Int(a), Value::Int(b)) = (&a, &b) {
        if b <= a {
            return fail(format!(
                "{F}: the end limit {b} must be greater than the start limit {a}"
            ));
        }
        let span = (*b as i128 - *a as i128) as u128;
        let r = ((ctx.next_random() as u128 * span) >> 64) as i128 + *a as i128;
        return Ok(Value::Int(r as i64));
    }
    let (a, b) = (f64_arg(args, 0, F)?, f64_arg(args, 1, F)?);
    if !(a.is_finite() && b.is_finite()) || b <= a {
        return fail(format!(
            "{F}: the end limit {} must be greater than the start limit {}",
            crate::value::format_decimal(b),
            crate::value::format_decimal(a)
        ));
    }
    let u = (ctx.next_random() >> 11) as f64 / (1u64 << 53) as f64;
    let r = a + u * (b - a);
    Ok(Value::Dec(if r < b && r.is_finite() { r } else { a }))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{err, invoke, ok};
    use crate::ctx::Ctx;
    use crate::{Limits, RecordingHost, Value};

    fn run_seeded(seed: u64, name: &str, args: &[Value]) -> Result<Value, String> {
        invoke(Limits::default(), "UTC", seed, name, args).map_err(|e| e.message().to_string())
    }

    fn run(name: &str, args: &[Value]) -> Result<Value, String> {
        run_seeded(1, name, args)
    }

    use Value::{Dec, Int};

    #[test]
    fn round_documented_examples() {
        assert_eq!(run("round", &[Dec(218.5), Int(0)]), Ok(Int(219)));
        assert_eq!(run("round", &[Dec(218.49), Int(1)]), Ok(Dec(218.5)));
        assert_eq!(run("round", &[Dec(-150.55), Int(-2)]), Ok(Int(-200)));
        assert_eq!(run("round", &[Dec(-192.66), Int(-1)]), Ok(Int(-190)));
        assert_eq!(run("round", &[Dec(218.222), Int(-3)]), Ok(Int(0)));
        assert_eq!(run("round", &[Dec(1.4 + 3.6), Int(0)]), Ok(Int(5)));
    }

    #[test]
    fn round_edge_cases() {
        assert_eq!(ok("round", &[Dec(1.005), Int(2)]), "1.01");
        assert_eq!(ok("round", &[Dec(0.96), Int(1)]), "1.0");
        assert_eq!(ok("round", &[Dec(0.05), Int(1)]), "0.1");
        assert_eq!(ok("round", &[Dec(0.004), Int(1)]), "0.0");
        assert_eq!(ok("round", &[Dec(-2.5), Int(0)]), "-3");
        assert_eq!(ok("round", &[Dec(2.345), Int(10)]), "2.345");
        assert_eq!(ok("round", &[Dec(999.5), Int(0)]), "1000");
        assert_eq!(ok("round", &[Dec(1e300), Int(0)]), "1.0E300");
        assert_eq!(ok("round", &[Dec(0.0), Int(2)]), "0.0");
        assert_eq!(run("round", &[Int(1250), Int(-2)]), Ok(Int(1300)));
        assert_eq!(run("round", &[Int(1249), Int(-2)]), Ok(Int(1200)));
        assert_eq!(run("round", &[Int(17), Int(2)]), Ok(Int(17)));
        assert_eq!(run("round", &[Int(5), Int(-400_000)]), Ok(Int(0)));
        assert_eq!(run("round", &[Int(i64::MAX), Int(-1)]), Err("Number overflow".into()));
        assert_eq!(run("round", &[Value::text("2.55"), Int(1)]), Ok(Dec(2.6)));
        assert!(err("round", &[Dec(1.5)]).contains("No. of arguments"));
        assert!(err("round", &[Dec(1.5), Value::text("x")]).contains("expects a number"));
        assert!(err("round", &[Value::Null, Int(1)]).contains("null"));
    }

    #[test]
    fn truncate_documented_examples() {
        assert_eq!(run("truncate", &[Dec(25.125432), Int(2)]), Ok(Dec(25.12)));
        assert_eq!(run("truncate", &[Dec(9789.852), Int(0)]), Ok(Int(9789)));
        assert_eq!(run("truncate", &[Dec(9789.852), Int(-2)]), Ok(Int(9700)));
        assert_eq!(run("truncate", &[Dec(-1.99), Int(1)]), Ok(Dec(-1.9)));
        assert_eq!(run("truncate", &[Int(1299), Int(-2)]), Ok(Int(1200)));
    }

    #[test]
    fn floor_ceil_abs_frac_signum() {
        assert_eq!(run("floor", &[Dec(5.7)]), Ok(Int(5)));
        assert_eq!(run("floor", &[Dec(-5.2)]), Ok(Int(-6)));
        assert_eq!(run("floor", &[Int(3)]), Ok(Int(3)));
        assert_eq!(run("ceil", &[Dec(5.2)]), Ok(Int(6)));
        assert_eq!(run("ceil", &[Dec(-5.7)]), Ok(Int(-5)));
        assert_eq!(run("ceil", &[Dec(1e300)]), Ok(Dec(1e300)));
        assert_eq!(run("abs", &[Int(-4)]), Ok(Int(4)));
        assert_eq!(run("abs", &[Dec(-4.5)]), Ok(Dec(4.5)));
        assert_eq!(run("abs", &[Int(i64::MIN)]), Err("Number overflow".into()));
        assert_eq!(ok("frac", &[Dec(24.6)]), "0.6");
        assert_eq!(ok("frac", &[Dec(-25.1)]), "-0.1");
        assert_eq!(ok("frac", &[Dec(0.05)]), "0.05");
        assert_eq!(ok("frac", &[Dec(-3.0)]), "0.0");
        assert_eq!(run("frac", &[Int(7)]), Ok(Int(0)));
        assert_eq!(ok("signum", &[Dec(25.125432)]), "1.0");
        assert_eq!(ok("signum", &[Int(-12)]), "-1.0");
        assert_eq!(ok("signum", &[Int(0)]), "0.0");
    }

    #[test]
    fn maths_functions() {
        assert_eq!(ok("cosh", &[Int(0)]), "1.0");
        assert_eq!(ok("atan2", &[Int(1), Int(2)]), "0.4636476090008061");
        assert_eq!(ok("sqrt", &[Int(16)]), "4.0");
        assert_eq!(ok("exp", &[Int(0)]), "1.0");
        assert_eq!(ok("log", &[Int(1)]), "0.0");
        assert_eq!(ok("sin", &[Int(0)]), "0.0");
        assert_eq!(ok("cos", &[Int(0)]), "1.0");
        assert_eq!(ok("tan", &[Int(0)]), "0.0");
        assert_eq!(ok("asin", &[Int(1)]), "1.5707963267948966");
        assert_eq!(ok("acos", &[Int(1)]), "0.0");
        assert_eq!(ok("atan", &[Int(1)]), "0.7853981633974483");
        assert_eq!(ok("sinh", &[Int(0)]), "0.0");
        assert_eq!(ok("tanh", &[Int(0)]), "0.0");
        assert_eq!(ok("asinh", &[Int(0)]), "0.0");
        assert_eq!(ok("acosh", &[Int(1)]), "0.0");
        assert_eq!(ok("atanh", &[Int(0)]), "0.0");
        assert_eq!(ok("degrees", &[Dec(std::f64::consts::PI)]), "180.0");
        assert_eq!(ok("radians", &[Int(180)]), "3.141592653589793");
        assert!(err("sqrt", &[Int(-1)]).contains("outside the domain"));
        assert!(err("log", &[Int(0)]).contains("infinite"));
        assert!(err("exp", &[Int(1000)]).contains("Number overflow"));
        assert!(err("asin", &[Int(2)]).contains("domain"));
        assert!(err("acos", &[Int(2)]).contains("domain"));
        assert!(err("acosh", &[Int(0)]).contains("domain"));
        assert!(err("atanh", &[Int(2)]).contains("domain"));
        assert!(err("atan2", &[Int(1), Value::Null]).contains("null"));
    }

    #[test]
    fn power_max_min() {
        assert_eq!(run("power", &[Int(2), Int(10)]), Ok(Int(1024)));
        assert_eq!(run("power", &[Int(2), Int(0)]), Ok(Int(1)));
        assert_eq!(run("power", &[Int(-1), Int(i64::MAX)]), Ok(Int(-1)));
        assert_eq!(run("power", &[Int(0), Int(i64::MAX)]), Ok(Int(0)));
        assert_eq!(run("power", &[Int(2), Int(-1)]), Ok(Dec(0.5)));
        assert_eq!(run("power", &[Dec(2.5), Int(2)]), Ok(Dec(6.25)));
        assert_eq!(run("power", &[Int(2), Int(63)]), Err("Number overflow".into()));
        assert_eq!(run("power", &[Int(2), Int(5_000_000_000)]), Err("Number overflow".into()));
        assert_eq!(run("power", &[Dec(10.0), Int(400)]), Err("Number overflow".into()));
        assert!(err("power", &[Int(-8), Dec(0.5)]).contains("not a real number"));
        assert_eq!(run("max", &[Int(3), Int(7)]), Ok(Int(7)));
        assert_eq!(run("max", &[Dec(3.5), Int(2)]), Ok(Dec(3.5)));
        assert_eq!(run("min", &[Int(3), Int(7)]), Ok(Int(3)));
        assert_eq!(run("min", &[Int(3), Dec(-0.5)]), Ok(Dec(-0.5)));
        assert_eq!(run("max", &[Value::text("10"), Int(9)]), Ok(Int(10)));
        assert!(err("max", &[Int(3), Value::text("x")]).contains("expects a number"));
    }

    #[test]
    fn parity() {
        assert_eq!(ok("isEven", &[Int(1234)]), "true");
        assert_eq!(ok("isEven", &[Int(-3)]), "false");
        assert_eq!(ok("isOdd", &[Int(-3)]), "true");
        assert_eq!(ok("isOdd", &[Int(4)]), "false");
        assert_eq!(ok("isEven", &[Dec(4.0)]), "true");
        assert_eq!(ok("isEven", &[Dec(4.5)]), "false");
        assert_eq!(ok("isOdd", &[Dec(4.5)]), "false");
        assert_eq!(ok("isOdd", &[Int(i64::MIN)]), "false");
    }

    #[test]
    fn text_formats_numbers() {
        assert_eq!(
            ok("text", &[Value::text("12345654.1234"), Value::text("$#,##0.00")]),
            "$12,345,654.12"
        );
        assert_eq!(ok("text", &[Int(2434), Value::text("000000000")]), "000002434");
        assert_eq!(ok("text", &[Dec(0.5), Value::text("0%")]), "50%");
        assert_eq!(err("text", &[Int(1)]), "No. of arguments mismatches for the function text");
        assert!(err("text", &[Int(1), Value::Null]).contains("null"));
        assert!(err("text", &[Int(1), Int(5)]).contains("must be text"));
        assert!(err("text", &[Int(1), Value::text("0.#0")]).contains("malformed"));
        assert_eq!(super::format_number(&Int(1234), "#,##0").ok().as_deref(), Some("1,234"));
    }

    #[test]
    fn to_string_with_and_without_pattern() {
        assert_eq!(ok("toString", &[Int(5)]), "5");
        assert_eq!(ok("toText", &[Dec(2.5)]), "2.5");
        assert_eq!(ok("toText", &[Int(1234567), Value::text("#,##0.00")]), "1,234,567.00");
        assert_eq!(ok("toString", &[Dec(0.5), Value::text("0%")]), "50%");
        assert!(matches!(run("toString", &[Int(5)]), Ok(Value::Text(_))));
        assert!(err("toString", &[Dec(1.5), Value::text("0"), Value::text("GMT")])
            .contains("time zone"));
        assert!(err("toString", &[Dec(1.5), Value::text("yyyy")]).contains("no digit"));
        assert!(err("toString", &[Int(1), Value::Null]).contains("null"));
    }

    #[test]
    fn random_number_stays_in_range() {
        for seed in 1..200 {
            match run_seeded(seed, "randomNumber", &[Int(1), Int(3)]) {
                Ok(Int(n)) => assert!((1..3).contains(&n), "{n}"),
                other => panic!("{other:?}"),
            }
            match run_seeded(seed, "randomnumber", &[Dec(1.789), Dec(34.54)]) {
                Ok(Dec(d)) => assert!((1.789..34.54).contains(&d), "{d}"),
                other => panic!("{other:?}"),
            }
            match run_seeded(seed, "RANDOMNUMBER", &[Int(i64::MIN), Int(i64::MAX)]) {
                Ok(Int(_)) => {}
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(run("randomNumber", &[Int(5), Dec(123.4)]), Ok(Dec(_))));
        assert_eq!(
            run_seeded(7, "randomNumber", &[Int(0), Int(1000)]),
            run_seeded(7, "randomNumber", &[Int(0), Int(1000)])
        );
        assert!(err("randomNumber", &[Int(3), Int(3)]).contains("greater than"));
        assert!(err("randomNumber", &[Dec(3.0), Dec(1.0)]).contains("greater than"));
        assert!(err("randomNumber", &[Int(3)]).contains("No. of arguments"));
        assert!(err("randomNumber", &[Value::text("a"), Int(3)]).contains("expects a number"));
    }

    /// Every row, every arity, extreme inputs: results or clean errors, never a panic.
    #[test]
    fn no_input_panics() {
        let values = [
            Int(0),
            Int(1),
            Int(-1),
            Int(2),
            Int(63),
            Int(-400),
            Int(i64::MIN),
            Int(i64::MAX),
            Dec(0.0),
            Dec(-0.0),
            Dec(0.5),
            Dec(-2.5),
            Dec(1e-320),
            Dec(1e300),
            Dec(-1.7e308),
            Dec(f64::NAN),
            Dec(f64::INFINITY),
            Value::text("12.5"),
            Value::text("#,##0.00"),
            Value::text("x"),
            Value::Null,
            Value::Bool(false),
        ];
        let mut calls = 0;
        for row in super::TABLE {
            for a in &values {
                for n in row.min..=row.max {
                    let combos: Vec<Vec<Value>> = match (row.recv, n) {
                        (crate::builtins::Recv::None, _) => {
                            values.iter().map(|b| vec![a.clone(), b.clone()]).collect()
                        }
                        (_, 0) => vec![vec![a.clone()]],
                        _ => values.iter().map(|b| vec![a.clone(), b.clone()]).collect(),
                    };
                    for args in combos {
                        let mut host = RecordingHost::default();
                        let mut ctx = Ctx::new(&mut host, Limits::default(), "UTC".into(), 3);
                        match (row.f)(&mut ctx, &args) {
                            Ok(Value::Dec(d)) => assert!(d.is_finite(), "{} gave {d}", row.name),
                            Ok(_) => {}
                            Err(e) => assert!(!e.message().is_empty()),
                        }
                        calls += 1;
                    }
                }
            }
        }
        assert!(calls > 1000, "{calls}");
    }

    #[test]
    fn non_numbers_are_rejected() {
        assert!(err("sqrt", &[Value::Bool(true)]).contains("BOOLEAN"));
        assert!(err("floor", &[Value::Null]).contains("null"));
        let mut host = RecordingHost::default();
        let mut ctx = Ctx::new(&mut host, Limits::default(), "UTC".into(), 1);
        assert!(super::abs(&mut ctx, &[Value::Bool(true)]).is_err());
        assert!(super::frac(&mut ctx, &[Value::Dec(f64::INFINITY)]).is_err());
        assert!(super::round(&mut ctx, &[Value::Dec(f64::NAN), Int(1)]).is_err());
    }
}
