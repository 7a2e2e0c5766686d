//! Builtin functions. One table per value family; each entry names the Deluge
//! function (lower case), its receiver, its arity and the Rust function.
//! Every builtin takes `args[0]` = receiver (for methods) and the rest in order;
//! the same entry serves `x.trim()` and `trim(x)`.

pub(crate) mod collection;
pub(crate) mod convert;
pub(crate) mod crypto;
pub(crate) mod date;
pub(crate) mod extra;
pub(crate) mod number;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod text;
pub(crate) mod xml;

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::Value;

pub(crate) type BuiltinFn = fn(&mut Ctx<'_>, &[Value]) -> Result<Value>;

/// What a builtin accepts as its first argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recv {
    /// A plain function: no receiver; `min`/`max` count every argument.
    None,
    /// Any value, null included.
    Any,
    Text,
    /// Number or Decimal.
    Number,
    /// Date, DateTime or Time.
    Date,
    List,
    Map,
    /// List or Map (Deluge "Collection" functions).
    Collection,
}

impl Recv {
    fn accepts(self, v: &Value) -> bool {
        match self {
            Recv::None | Recv::Any => true,
            Recv::Text => matches!(v, Value::Text(_)),
            Recv::Number => matches!(v, Value::Int(_) | Value::Dec(_)),
            Recv::Date => matches!(v, Value::Date(_) | Value::DateTime(_) | Value::Time(_)),
            Recv::List => matches!(v, Value::List(_)),
            Recv::Map => matches!(v, Value::Map(_)),
            Recv::Collection => matches!(v, Value::List(_) | Value::Map(_)),
        }
    }
}

pub(crate) struct Builtin {
    /// Deluge name in lower case; dotted for namespaced ones (`zoho.encryption.md5`).
    pub name: &'static str,
    pub recv: Recv,
    /// Arguments after the receiver (all arguments for `Recv::None`).
    pub min: u8,
    pub max: u8,
    pub f: BuiltinFn,
}

/// Shorthand for table rows: `b!("trim", Text, 0, 0, trim)`.
macro_rules! b {
    ($name:literal, $recv:ident, $min:literal, $max:literal, $f:expr) => {
        $crate::builtins::Builtin {
            name: $name,
            recv: $crate::builtins::Recv::$recv,
            min: $min,
            max: $max,
            f: $f,
        }
    };
}
pub(crate) use b;

/// All tables, most specific receivers first: the first entry whose receiver
/// accepts the value wins. `extra` holds only names no other table has.
fn tables() -> [&'static [Builtin]; 8] {
    [
        date::TABLE,
        text::TABLE,
        number::TABLE,
        collection::TABLE,
        xml::TABLE,
        crypto::TABLE,
        convert::TABLE,
        extra::TABLE,
    ]
}

/// Every builtin with a given lower-case name, in dispatch order.
pub(crate) type Candidates = Vec<&'static Builtin>;

fn index() -> &'static FxHashMap<&'static str, Candidates> {
    static INDEX: OnceLock<FxHashMap<&'static str, Candidates>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: FxHashMap<&'static str, Candidates> = FxHashMap::default();
        for table in tables() {
            for b in table {
                map.entry(b.name).or_default().push(b);
            }
        }
        map
    })
}

/// Looks a builtin up by name, case-insensitively.
pub(crate) fn lookup(name: &str) -> Option<&'static Candidates> {
    index().get(name.to_ascii_lowercase().as_str())
}

/// All builtin names (for docs and tidy tests).
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<_> = index().keys().copied().collect();
    names.sort_unstable();
    names
}

/// Calls the first candidate that accepts `args[0]`; converts text receivers to
/// dates or numbers when only a date or number builtin has that name.
pub(crate) fn call(
    ctx: &mut Ctx<'_>,
    name: &str,
    cands: &Candidates,
    args: &[Value],
) -> Result<Value> {
    let recv = args.first();
    for b in cands {
        if b.recv == Recv::None {
            return call_checked(ctx, name, b, args, args.len());
        }
        if let Some(r) = recv {
            if b.recv.accepts(r) {
                return call_checked(ctx, name, b, args, args.len() - 1);
            }
        }
    }
    let Some(r) = recv else {
        return fail(format!("function '{name}' needs an argument"));
    };
    if let Value::Text(s) = r {
        for b in cands {
            let converted = match b.recv {
                Recv::Date => date::parse_text(s),
                Recv::Number => convert::parse_number(s),
                _ => None,
            };
            if let Some(v) = converted {
                let mut args = args.to_vec();
                args[0] = v;
                return call_checked(ctx, name, b, &args, args.len() - 1);
            }
        }
    }
    if r.is_null() {
        return fail(format!("cannot call '{name}' on a null value"));
    }
    fail(format!("function '{name}' is not applicable to a {} value", r.ty().name()))
}

fn call_checked(
    ctx: &mut Ctx<'_>,
    name: &str,
    b: &Builtin,
    args: &[Value],
    n: usize,
) -> Result<Value> {
    if n < b.min as usize || n > b.max as usize {
        return fail(format!("No. of arguments mismatches for the function {name}"));
    }
    (b.f)(ctx, args)
}

// ---- argument helpers shared by the tables ----

/// The argument at `i` as text (numbers and dates are printed).
pub(crate) fn arg_text(args: &[Value], i: usize) -> Result<std::borrow::Cow<'_, str>> {
    match args.get(i) {
        Some(Value::Text(s)) => Ok(std::borrow::Cow::Borrowed(s.as_str())),
        Some(Value::Null) | None => fail(format!("argument {i} must be text, not null")),
        Some(v) => Ok(std::borrow::Cow::Owned(v.to_display())),
    }
}

/// The argument at `i` as a whole number (decimals are truncated, numeric text parsed).
pub(crate) fn arg_int(args: &[Value], i: usize) -> Result<i64> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Dec(d)) if d.is_finite() => Ok(d.trunc() as i64),
        Some(Value::Text(s)) => match s.trim().parse::<i64>() {
            Ok(n) => Ok(n),
            Err(_) => fail(format!("argument {i} must be a number, got '{s}'")),
        },
        Some(v) => fail(format!("argument {i} must be a number, not {}", v.ty().name())),
        None => fail(format!("argument {i} is missing")),
    }
}

/// The argument at `i` as a double.
pub(crate) fn arg_f64(args: &[Value], i: usize) -> Result<f64> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n as f64),
        Some(Value::Dec(d)) => Ok(*d),
        Some(Value::Text(s)) => match s.trim().parse::<f64>() {
            Ok(n) => Ok(n),
            Err(_) => fail(format!("argument {i} must be a number, got '{s}'")),
        },
        Some(v) => fail(format!("argument {i} must be a number, not {}", v.ty().name())),
        None => fail(format!("argument {i} is missing")),
    }
}

/// The argument at `i` as a boolean (`"true"` text accepted).
pub(crate) fn arg_bool(args: &[Value], i: usize) -> Result<bool> {
    match args.get(i) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Text(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::Text(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => fail(format!("argument {i} must be a boolean, not {}", v.ty().name())),
        None => fail(format!("argument {i} is missing")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_well_formed() {
        let mut seen = rustc_hash::FxHashSet::default();
        for table in tables() {
            for b in table {
                assert_eq!(b.name, b.name.to_ascii_lowercase(), "{} must be lower case", b.name);
                assert!(b.min <= b.max, "{}", b.name);
                assert!(
                    seen.insert((b.name, b.recv as u8)),
                    "duplicate entry {} {:?}",
                    b.name,
                    b.recv
                );
            }
        }
    }
}
