//! Builtin functions. One table per value family; each entry names the Deluge
//! function (lower case), its receiver, its arity and the Rust function.
//! Every builtin takes `args[0]` = receiver (for methods) and the rest in order;
//! the same entry serves `x.trim()` and `trim(x)`.

pub(crate) mod collection;
pub(crate) mod convert;
pub(crate) mod crypto;
pub(crate) mod date;
pub(crate) mod extra;
#[cfg(test)]
mod extremes;
pub(crate) mod file;
pub(crate) mod number;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod text;
pub(crate) mod xml;

use rustc_hash::FxHashMap;
use std::cell::Cell;
use std::mem::Discriminant;
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
    File,
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
            Recv::File => matches!(v, Value::File(_)),
        }
    }
}

impl Recv {
    /// Could a value of type `t` be this receiver at run time? Text counts for date and
    /// number rows, since a text receiver is parsed when only such a row exists.
    pub(crate) fn may_accept(self, t: crate::Type) -> bool {
        use crate::Type as T;
        match self {
            Recv::None | Recv::Any => true,
            Recv::Text => t == T::Text,
            Recv::Number => matches!(t, T::Int | T::Dec | T::Text),
            Recv::Date => matches!(t, T::Date | T::DateTime | T::Time | T::Text),
            Recv::List => t == T::List,
            Recv::Map => t == T::Map,
            Recv::Collection => matches!(t, T::List | T::Map),
            Recv::File => t == T::File,
        }
    }
}

/// Whether some row of `cands` takes `total` arguments (receiver included). When none does,
/// the call fails at run time whatever the values, so the checker reports it.
pub(crate) fn arity_fits(cands: &Candidates, total: usize) -> bool {
    cands.iter().any(|b| {
        let n = if b.recv == Recv::None { Some(total) } else { total.checked_sub(1) };
        n.is_some_and(|n| (b.min as usize..=b.max as usize).contains(&n))
    })
}

/// "takes 1 or 2 arguments" for the rows of `cands` (as a method, receiver not counted).
pub(crate) fn arity_text(cands: &Candidates) -> String {
    let mut counts: Vec<usize> = Vec::new();
    for b in cands {
        let extra = usize::from(b.recv == Recv::None);
        let (lo, hi) = (b.min as usize, b.max as usize);
        for n in lo.saturating_sub(extra)..=hi.saturating_sub(extra).min(lo + 8) {
            if !counts.contains(&n) {
                counts.push(n);
            }
        }
    }
    counts.sort_unstable();
    let words: Vec<String> = counts.iter().map(|n| n.to_string()).collect();
    match words.len() {
        0 => "no arguments".into(),
        1 if counts[0] == 1 => "1 argument".into(),
        1 => format!("{} arguments", words[0]),
        _ => {
            let (last, rest) =
                words.split_last().map(|(l, r)| (l.clone(), r.join(", "))).unwrap_or_default();
            format!("{rest} or {last} arguments")
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
    /// Constant time and no new collection or large text (`get`, `put`, `add`, `size`,
    /// `containsKey`): the budget checks after the call are skipped, however large the
    /// receiver. Other builtins on a large receiver count it as scanned work and check the
    /// memory budget when they return a collection (see [`needs_budget_check`]).
    pub cheap: bool,
}

/// Shorthand for table rows: `b!("trim", Text, 0, 0, trim)`; `b!(cheap "get", …)` marks a
/// [`Builtin::cheap`] one.
macro_rules! b {
    ($name:literal, $recv:ident, $min:literal, $max:literal, $f:expr) => {
        $crate::builtins::b!(@row false, $name, $recv, $min, $max, $f)
    };
    (cheap $name:literal, $recv:ident, $min:literal, $max:literal, $f:expr) => {
        $crate::builtins::b!(@row true, $name, $recv, $min, $max, $f)
    };
    (@row $cheap:literal, $name:literal, $recv:ident, $min:literal, $max:literal, $f:expr) => {
        $crate::builtins::Builtin {
            name: $name,
            recv: $crate::builtins::Recv::$recv,
            min: $min,
            max: $max,
            f: $f,
            cheap: $cheap,
        }
    };
}
pub(crate) use b;

/// All tables, most specific receivers first: the first entry whose receiver
/// accepts the value wins. `extra` holds only names no other table has.
fn tables() -> [&'static [Builtin]; 9] {
    [
        date::TABLE,
        text::TABLE,
        number::TABLE,
        collection::TABLE,
        file::TABLE,
        xml::TABLE,
        crypto::TABLE,
        convert::TABLE,
        extra::TABLE,
    ]
}

pub(crate) use collection::undecided::pair_insert;
pub(crate) use collection::{list_add, list_get, map_contains_key, map_get, map_put, FastOp};

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

/// Names of the builtins that may take a receiver of type `t`.
pub fn names_for(t: crate::Type) -> Vec<&'static str> {
    let mut names: Vec<_> = index()
        .iter()
        .filter(|(_, cands)| cands.iter().any(|b| b.recv != Recv::None && b.recv.may_accept(t)))
        .map(|(n, _)| *n)
        .collect();
    names.sort_unstable();
    names
}

/// The usual spelling of a builtin (`toUpperCase` for `touppercase`), from Zoho's names.
pub fn display_name(lower: &str) -> Option<&'static str> {
    DISPLAY_NAMES.iter().copied().find(|n| n.eq_ignore_ascii_case(lower))
}

/// Mixed-case spellings of builtin names, for messages.
const DISPLAY_NAMES: &[&str] = &[
    "toUpperCase",
    "toLowerCase",
    "toString",
    "toList",
    "toMap",
    "toNumber",
    "toDecimal",
    "toLong",
    "toDate",
    "toDateTime",
    "toTime",
    "toText",
    "toJSONList",
    "toXML",
    "toCollection",
    "getJSON",
    "getPrefix",
    "getSuffix",
    "getAlpha",
    "getAlphaNumeric",
    "getOccurenceCount",
    "indexOf",
    "lastIndexOf",
    "startsWith",
    "endsWith",
    "equalsIgnoreCase",
    "replaceAll",
    "replaceFirst",
    "removeAllAlpha",
    "removeAllNumeric",
    "removeFirstOccurence",
    "removeLastOccurence",
    "subString",
    "subText",
    "isEmpty",
    "isNull",
    "isNumber",
    "isText",
    "isDate",
    "isDecimal",
    "isBlank",
    "isAscii",
    "isFile",
    "toFile",
    "getFileContent",
    "getFileName",
    "getFileSize",
    "getFileType",
    "setFileName",
    "setFileType",
    "setParamName",
    "toBase64",
    "containKey",
    "containValue",
    "containsKey",
    "containsValue",
    "keys",
    "values",
    "put",
    "putAll",
    "get",
    "getKey",
    "remove",
    "clear",
    "size",
    "length",
    "addAll",
    "add",
    "contains",
    "distinct",
    "sort",
    "sublist",
    "addDay",
    "addMonth",
    "addYear",
    "addHour",
    "addMinutes",
    "addSeconds",
    "addWeek",
    "subDay",
    "subMonth",
    "subYear",
    "getDay",
    "getMonth",
    "getYear",
    "getHour",
    "getMinutes",
    "getSeconds",
    "getDayOfWeek",
    "getWeekOfYear",
    "daysBetween",
    "monthsBetween",
    "yearsBetween",
    "hoursBetween",
    "minutesBetween",
    "unixEpoch",
    "toStartOfMonth",
    "toStartOfWeek",
    "eomonth",
    "edate",
    "workDaysBetween",
    "encodeUrl",
    "decodeUrl",
    "urlEncode",
    "urlDecode",
    "executeXPath",
    "leftpad",
    "rightpad",
    "ifnull",
    "insert",
    "delete",
    "deleteKey",
    "deleteKeys",
    "getLastElement",
    "largest",
    "smallest",
    "sum",
    "average",
    "median",
    "maximum",
    "minimum",
    "trim",
    "ltrim",
    "rtrim",
    "proper",
    "reverse",
    "round",
    "ceil",
    "floor",
    "abs",
    "power",
    "sqrt",
    "log",
    "exp",
    "randomNumber",
    "sin",
    "cos",
    "tan",
    "toHex",
    "hexToText",
];

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
    if let Some(Value::Coll(_)) = recv {
        return collection::undecided::call(ctx, name, cands, args);
    }
    if let Some(b) = resolve(cands, args) {
        return call_resolved(ctx, name, b, args);
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
                return call_resolved(ctx, name, b, &args);
            }
        }
    }
    if r.is_null() {
        return fail(format!("cannot call '{name}' on a null value"));
    }
    fail(format!("function '{name}' is not applicable to a {} value", r.ty().name()))
}

/// What one call site learnt about its builtin: the receiver type it last saw and the
/// candidate that type resolved to. Dispatch depends only on the receiver's type (see
/// [`call`]), so while the type repeats — in a loop it always does — the candidate scan is
/// skipped.
#[derive(Default)]
pub(crate) struct Site(Cell<Option<(RecvKind, &'static Builtin)>>);

/// A receiver's type as a [`Site`] remembers it (`None`: a call without arguments).
type RecvKind = Option<Discriminant<Value>>;

/// [`call`] through a call site's cache: the same builtin, arity check and budgets.
#[inline(always)]
pub(crate) fn call_at(
    ctx: &mut Ctx<'_>,
    name: &str,
    cands: &'static Candidates,
    site: &Site,
    args: &[Value],
) -> Result<Value> {
    let recv = args.first();
    let tag = recv.map(std::mem::discriminant);
    match site.0.get() {
        Some((seen, b)) if seen == tag => return call_resolved(ctx, name, b, args),
        // An undecided collection dispatches by what it holds: never cached.
        _ if matches!(recv, Some(Value::Coll(_))) => {}
        _ => {
            if let Some(b) = resolve(cands, args) {
                site.0.set(Some((tag, b)));
                return call_resolved(ctx, name, b, args);
            }
        }
    }
    call(ctx, name, cands, args)
}

/// The candidate that takes `args` as they are: the first plain function, or the first whose
/// receiver type accepts `args[0]`.
fn resolve(cands: &Candidates, args: &[Value]) -> Option<&'static Builtin> {
    let recv = args.first();
    cands.iter().copied().find(|b| b.recv == Recv::None || recv.is_some_and(|r| b.recv.accepts(r)))
}

/// Calls `b`, which [`resolve`] picked for `args` (its arity counts the receiver or not),
/// then checks the budgets the result may have moved.
#[inline(always)]
fn call_resolved(ctx: &mut Ctx<'_>, name: &str, b: &Builtin, args: &[Value]) -> Result<Value> {
    let n = if b.recv == Recv::None { args.len() } else { args.len() - 1 };
    if n < b.min as usize || n > b.max as usize {
        return fail(format!("No. of arguments mismatches for the function {name}"));
    }
    let out = (b.f)(ctx, args)?;
    if b.cheap {
        return Ok(out);
    }
    // A text limit set below LARGE_TEXT is still checked on every text result.
    let large = LARGE_TEXT.min(ctx.limits.max_text_bytes.saturating_add(1));
    if needs_budget_check(args, &out, large) {
        budget_check(ctx, args, &out)?;
    }
    Ok(out)
}

/// Texts at least this long count as large for [`needs_budget_check`].
const LARGE_TEXT: usize = 1 << 16;
/// Lists and maps at least this long count as large receivers.
const LARGE_COLLECTION: usize = 1 << 12;

/// Whether a builtin call touched something large enough to look at the budgets: a large
/// text or collection in, a large text or any collection out, or a non-finite Decimal. Small calls are bounded by the
/// statement-count checks; this keeps the common path to a few compares.
#[inline(always)]
fn needs_budget_check(args: &[Value], out: &Value, large: usize) -> bool {
    let large_in = match args.first() {
        Some(Value::Text(s)) => s.len() >= large,
        Some(Value::List(l)) => l.try_borrow().is_ok_and(|l| l.len() >= LARGE_COLLECTION),
        Some(Value::Map(m)) => m.try_borrow().is_ok_and(|m| m.len() >= LARGE_COLLECTION),
        Some(Value::File(f)) => f.len() >= large,
        _ => false,
    };
    large_in
        || match out {
            Value::Text(s) => s.len() >= large,
            Value::File(f) => f.len() >= large,
            Value::List(_) | Value::Map(_) => true,
            Value::Dec(d) => !d.is_finite(),
            _ => false,
        }
}

/// The budgets after a builtin: a scan of a large receiver counts towards the next deadline
/// check; a new large text or collection may have taken the run past its text limit or memory
/// budget; no builtin hands a script an infinite or NaN Decimal (`toDecimal` of 400 digits, a
/// sum past the double range): the same error as the operators give.
#[inline(never)]
fn budget_check(ctx: &mut Ctx<'_>, args: &[Value], out: &Value) -> Result<()> {
    match args.first() {
        Some(Value::Text(s)) => ctx.scanned(s.len())?,
        Some(Value::List(l)) => ctx.scanned(l.try_borrow().map_or(0, |l| l.len() * 16))?,
        Some(Value::Map(m)) => ctx.scanned(m.try_borrow().map_or(0, |m| m.len() * 32))?,
        Some(Value::File(f)) => ctx.scanned(f.len())?,
        _ => {}
    }
    match out {
        Value::File(_) => ctx.check_memory(),
        Value::Text(s) => {
            ctx.check_text_len(s.len())?;
            ctx.check_memory()
        }
        Value::List(_) | Value::Map(_) => ctx.check_memory(),
        Value::Dec(d) if !d.is_finite() => crate::eval::ops::decimal(*d).map(drop),
        _ => Ok(()),
    }
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
