//! List, Map (KEY-VALUE) and Collection builtins, plus the JSON functions on
//! text (`toMap`, `toJSONList`, `getJSON`).
//!
//! Deluge's `Collection(...)` is a List or a Map at run time, so the
//! "Collection" functions are rows with a `Collection` receiver that look at
//! which of the two they got. Mutating functions change the value in place
//! (lists and maps are shared references, Decision 6). An empty `Collection()`
//! is undecided until its first insert: `undecided` turns it into one or the other.
//!
//! - `list`: functions on index-value collections (add, sort, subList, …) and
//!   the numeric ones (largest, percentile, rank, …).
//! - `map`: functions on key-value collections only (put, putAll, sortKey, …).
//! - `both`: functions that work on either kind (get, remove, containsKey,
//!   deleteKeys, keys, insert, …).
//! - `json`: JSON text → Map / List and `getJSON`.

mod both;
mod json;
mod list;
mod map;
pub(crate) mod undecided;

use super::{b, Builtin};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::value::{ListRef, MapData, MapRef};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[
    // ---- lists ----
    b!(cheap "add", List, 1, 1, list::add),
    b!("addall", List, 1, 1, list::add_all),
    b!("removeall", List, 1, 1, list::remove_all),
    b!("indexof", List, 1, 1, list::index_of),
    b!("lastindexof", List, 1, 1, list::last_index_of),
    b!("removeelement", List, 1, 1, list::remove_element),
    b!("sort", Collection, 0, 1, list::sort),
    b!("distinct", Collection, 0, 0, list::distinct),
    b!("sublist", List, 1, 2, list::sub_list),
    b!("reverse", List, 0, 0, list::reverse),
    b!("tojsonlist", List, 0, 0, list::to_json_list),
    // ---- numeric collections (list elements or map values) ----
    b!("largest", Collection, 0, 0, list::largest),
    b!("smallest", Collection, 0, 0, list::smallest),
    b!("sum", Collection, 0, 0, list::sum),
    b!("average", Collection, 0, 0, list::average),
    b!("percentile", Collection, 1, 1, list::percentile),
    b!("rank", Collection, 1, 2, list::rank),
    b!("nthlargest", Collection, 1, 1, list::nth_largest),
    b!("nthsmallest", Collection, 1, 1, list::nth_smallest),
    // ---- maps ----
    b!(cheap "put", Map, 2, 2, map::put),
    b!("putall", Map, 1, 1, map::put_all),
    b!("sortkey", Map, 0, 1, map::sort_key),
    b!("tomap", Map, 0, 0, map::to_map),
    b!("getjson", Map, 1, 1, map::get_json),
    // ---- either kind ----
    b!(cheap "get", Collection, 1, 1, both::get),
    b!("getasstring", Collection, 1, 1, both::get_as_string),
    b!(cheap "size", Collection, 0, 0, both::size),
    b!(cheap "length", Collection, 0, 0, both::size),
    b!("contains", Collection, 1, 1, both::contains),
    b!("notcontains", Collection, 1, 1, both::not_contains),
    b!(cheap "containskey", Collection, 1, 1, both::contains_key),
    b!(cheap "containkey", Collection, 1, 1, both::contains_key),
    b!("containsvalue", Collection, 1, 1, both::contains_value),
    b!("containvalue", Collection, 1, 1, both::contains_value),
    b!("remove", Collection, 1, 1, both::remove),
    b!("deletekey", Collection, 1, 1, both::delete_keys),
    b!("deletekeys", Collection, 1, 255, both::delete_keys),
    b!("delete", Collection, 1, 1, both::delete),
    b!("deleteall", Collection, 1, 1, both::delete_all),
    b!("clear", Collection, 0, 0, both::clear),
    b!("insert", Collection, 1, 255, both::insert),
    b!("insertall", Collection, 1, 1, both::insert_all),
    b!("update", Collection, 2, 2, both::update),
    b!("intersect", Collection, 1, 1, both::intersect),
    b!("getkey", Collection, 1, 1, both::get_key),
    b!("getlastkey", Collection, 1, 1, both::get_last_key),
    b!("duplicate", Collection, 0, 2, both::duplicate),
    b!("keys", Collection, 0, 0, both::keys),
    b!("values", Collection, 0, 0, both::values),
    // ---- JSON text ----
    b!("tomap", Text, 0, 0, json::to_map),
    b!("tojsonlist", Text, 0, 0, json::to_json_list),
    b!("getjson", Text, 1, 1, json::get_json),
];

/// The collection builtins a call site runs without dispatch when its receiver has the right
/// type (`m.get(k)`, `m.containsKey(k)`, `m.put(k, v)`, `l.get(i)`, `l.add(x)`: most of what
/// collection-heavy scripts call). The site does what the builtin row does, through the same
/// functions; it only skips the argument array and the candidate look-up
/// (`eval::closure::builtin_fixed`). Any other receiver goes through dispatch as before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FastOp {
    /// `get` on a map or a list.
    Get,
    /// `containsKey` on a map.
    ContainsKey,
    /// `put` on a map.
    Put,
    /// `add` on a list.
    Add,
}

impl FastOp {
    /// The operation a call of `cands` with `argc` arguments (the receiver counted) performs,
    /// when it is one of these: the row dispatch would pick for a map or a list receiver is
    /// checked, not the name, so a name some other table also has keeps its meaning.
    pub(crate) fn of(cands: &super::Candidates, argc: usize) -> Option<FastOp> {
        if !(2..=3).contains(&argc) {
            return None;
        }
        let row_for = |probe: Value| super::resolve(cands, &[probe]).map(|b| b.f);
        let (on_map, on_list) =
            (row_for(Value::map(MapData::default())), row_for(Value::list(Vec::new())));
        let is = |row: Option<super::BuiltinFn>, f: super::BuiltinFn| {
            row.is_some_and(|row| std::ptr::fn_addr_eq(row, f))
        };
        match argc {
            2 if is(on_map, both::get) && is(on_list, both::get) => Some(FastOp::Get),
            2 if is(on_map, both::contains_key) => Some(FastOp::ContainsKey),
            2 if is(on_list, list::add) => Some(FastOp::Add),
            3 if is(on_map, map::put) => Some(FastOp::Put),
            _ => None,
        }
    }
}

/// `map.get(key)`: the value, or null when the key is absent.
pub(crate) fn map_get(map: &MapRef, key: &Value) -> Value {
    map.borrow().get(key).cloned().unwrap_or(Value::Null)
}

/// `map.containsKey(key)`.
pub(crate) fn map_contains_key(map: &MapRef, key: &Value) -> bool {
    map.borrow().contains_key(key)
}

/// `map.put(key, value)`: inserts or overwrites (an overwritten key keeps its place), within
/// the run's collection size limit.
pub(crate) fn map_put(ctx: &Ctx<'_>, map: &MapRef, key: Value, value: Value) -> Result<()> {
    let len = map.borrow().len();
    ctx.check_collection_len(len.saturating_add(1))?;
    with_entries(map, |e| e.insert(key, value));
    Ok(())
}

/// `list.get(index)`: the element; an index past the end is an error.
pub(crate) fn list_get(list: &ListRef, index: &Value) -> Result<Value> {
    let i = index_value(index, "get")?;
    let items = list.borrow();
    let i = check_index(i, items.len())?;
    Ok(items[i].clone())
}

/// `list.add(x)`: appends, within the run's collection size limit.
pub(crate) fn list_add(ctx: &Ctx<'_>, list: &ListRef, x: Value) -> Result<()> {
    let len = list.borrow().len();
    ctx.check_collection_len(len.saturating_add(1))?;
    list.borrow_mut().push(x);
    Ok(())
}

/// The receiver as a list (the dispatcher guarantees the type; this keeps a
/// direct call from panicking).
fn recv_list<'a>(args: &'a [Value], name: &str) -> Result<&'a ListRef> {
    match args.first() {
        Some(Value::List(l)) => Ok(l),
        Some(v) => fail(format!("{name}: expected a LIST, got {}", v.ty().name())),
        None => fail(format!("{name}: missing list")),
    }
}

/// The receiver as a map.
fn recv_map<'a>(args: &'a [Value], name: &str) -> Result<&'a MapRef> {
    match args.first() {
        Some(Value::Map(m)) => Ok(m),
        Some(v) => fail(format!("{name}: expected a KEY-VALUE, got {}", v.ty().name())),
        None => fail(format!("{name}: missing map")),
    }
}

/// Runs `f` on the list's elements, moved out of the cell meanwhile, so that
/// comparing or hashing inside `f` may look at the same list (`l.removeAll({l})`)
/// without a borrow conflict.
fn with_items<R>(list: &ListRef, f: impl FnOnce(&mut Vec<Value>) -> R) -> R {
    let mut items = std::mem::take(&mut *list.borrow_mut());
    let r = f(&mut items);
    *list.borrow_mut() = items;
    r
}

/// [`with_items`] for a map's entries (`m.put(m, 1)` must not panic).
fn with_entries<R>(map: &MapRef, f: impl FnOnce(&mut MapData) -> R) -> R {
    let mut entries = std::mem::take(&mut *map.borrow_mut());
    let r = f(&mut entries);
    *map.borrow_mut() = entries;
    r
}

/// The argument at `i`, or null when absent.
fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

/// A list index argument: a whole number (decimals truncated, numeric text parsed).
fn index_arg(args: &[Value], i: usize, name: &str) -> Result<i64> {
    index_value(arg(args, i), name)
}

/// [`index_arg`] of one value.
fn index_value(v: &Value, name: &str) -> Result<i64> {
    super::arg_int(std::slice::from_ref(v), 0)
        .or_else(|_| fail(format!("{name}: the index must be a number, got {}", v.ty().name())))
}

/// Checks `index` against a list of `len` elements (Zoho's message for an index past the end).
fn check_index(index: i64, len: usize) -> Result<usize> {
    if index < 0 {
        return fail(format!("Given index {index} is negative; list indices start at 0"));
    }
    match usize::try_from(index) {
        Ok(i) if i < len => Ok(i),
        _ => fail(format!("Given index {index} is greater than the list size")),
    }
}

#[cfg(test)]
mod test_util {
    use crate::value::parse_json;
    use crate::Value;

    pub(crate) use crate::builtins::testing::{call, err};

    /// Like [`call`], unwrapped and printed as `info` would.
    pub(crate) fn show(name: &str, args: &[Value]) -> String {
        match call(name, args) {
            Ok(v) => v.to_display(),
            Err(e) => format!("error: {}", e.message()),
        }
    }

    /// A value from JSON text (lists and maps for tests).
    pub(crate) fn j(text: &str) -> Value {
        parse_json(text).expect("test JSON")
    }

    pub(crate) fn t(s: &str) -> Value {
        Value::text(s)
    }
}

#[cfg(test)]
mod robustness {
    use crate::ctx::Ctx;
    use crate::value::parse_json;
    use crate::{Limits, RecordingHost, Value};

    fn samples() -> Vec<Value> {
        let date =
            chrono::NaiveDate::from_ymd_opt(2020, 1, 31).and_then(|d| d.and_hms_opt(0, 0, 0));
        vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(-1),
            Value::Int(i64::MAX),
            Value::Dec(f64::NAN),
            Value::Dec(2.5),
            Value::text(""),
            Value::text("{\"a\":[1,\"x\"]}"),
            date.map(Value::Date).unwrap_or(Value::Null),
            parse_json(r#"[3,"b",null,[1],{"k":1}]"#).unwrap_or(Value::Null),
            parse_json(r#"{"a":1,"b":[2]}"#).unwrap_or(Value::Null),
        ]
    }

    /// Every row of the collection, conversion and crypto tables, called
    /// directly (no receiver check) with every combination of odd values:
    /// errors are fine, panics are not.
    #[test]
    fn no_builtin_panics_on_odd_arguments() {
        let mut host = RecordingHost::default();
        let mut ctx = Ctx::new(&mut host, Limits::default(), "UTC".into(), 1);
        let n = samples().len();
        let tables =
            [super::TABLE, crate::builtins::convert::TABLE, crate::builtins::crypto::TABLE];
        for row in tables.iter().flat_map(|t| t.iter()) {
            let most = usize::from(row.max).min(2) + 1;
            for len in 0..=most {
                let combos = n.pow(len as u32);
                for mut c in 0..combos {
                    let pool = samples();
                    let mut args = Vec::with_capacity(len);
                    for _ in 0..len {
                        args.push(pool[c % n].clone());
                        c /= n;
                    }
                    let _ = (row.f)(&mut ctx, &args);
                }
            }
        }
    }
}
