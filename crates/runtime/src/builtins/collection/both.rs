//! Functions that work on both kinds of collection: a List (index-value) or a
//! Map (key-value).
//! Reference: <https://www.zoho.com/deluge/help/functions/collection.html>

use super::list::{find, position, range_args, remove_first, rfind, unique};
use super::map::merge;
use super::{arg, check_index, index_arg, with_entries, with_items};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::value::MapData;
use crate::Value;

/// `list.get(index)` / `map.get(key)`. An index past the end is an error
/// ("Given index 4 is greater than the list size"); a missing key gives null.
/// <https://www.zoho.com/deluge/help/functions/collection/get.html>
pub(super) fn get(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::List(l) => super::list_get(l, arg(args, 1)),
        Value::Map(m) => Ok(super::map_get(m, arg(args, 1))),
        other => not_collection("get", other),
    }
}

fn not_collection<T>(name: &str, v: &Value) -> Result<T> {
    fail(format!("{name}: expected a LIST or KEY-VALUE, got {}", v.ty().name()))
}

/// `collection.getAsString(indexOrKey)`: the element as text (as `info`
/// prints it); null when the key is absent.
/// <https://www.zoho.com/deluge/help/functions/collection/get-as-string.html>
pub(super) fn get_as_string(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(match get(ctx, args)? {
        Value::Null => Value::Null,
        t @ Value::Text(_) => t,
        v => ctx.display_value(&v)?,
    })
}

/// `collection.size()`: number of elements or key-value pairs.
/// <https://www.zoho.com/deluge/help/functions/collection/size.html>
pub(super) fn size(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let n = match arg(args, 0) {
        Value::List(l) => l.borrow().len(),
        Value::Map(m) => m.borrow().len(),
        other => return not_collection("size", other),
    };
    Ok(position(Some(n)))
}

/// `list.contains(x)` (type-strict element match) / `map.contains(key)`.
/// <https://www.zoho.com/deluge/help/functions/list/contains.html>
pub(super) fn contains(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let x = arg(args, 1);
    let found = match arg(args, 0) {
        Value::List(l) => find(&l.borrow(), x).is_some(),
        Value::Map(m) => m.borrow().contains_key(x),
        other => return not_collection("contains", other),
    };
    Ok(Value::Bool(found))
}

/// `map.containsKey(key)` (also Zoho's `containKey` spelling): whether the key
/// is present (type- and case-sensitive); `list.containsKey(i)`: whether `i`
/// is a valid index.
/// <https://zoho.com/deluge/help/functions/collection/containskey.html>
pub(super) fn contains_key(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let found = match (arg(args, 0), arg(args, 1)) {
        (Value::List(l), Value::Int(i)) => usize::try_from(*i).is_ok_and(|i| i < l.borrow().len()),
        (Value::List(_), _) => false,
        (Value::Map(m), k) => super::map_contains_key(m, k),
        (other, _) => return not_collection("containsKey", other),
    };
    Ok(Value::Bool(found))
}

/// `collection.containsValue(v)` (also `containValue`): whether some value of a
/// map, or some element of a list, equals `v` (type- and case-sensitive).
/// <https://www.zoho.com/deluge/help/functions/collection/containsvalue.html>
pub(super) fn contains_value(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let x = arg(args, 1);
    let found = match arg(args, 0) {
        Value::List(l) => find(&l.borrow(), x).is_some(),
        Value::Map(m) => m.borrow().values().any(|v| v == x),
        other => return not_collection("containsValue", other),
    };
    Ok(Value::Bool(found))
}

/// `collection.notContains(x)`: the negation of `contains`.
pub(super) fn not_contains(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match contains(ctx, args)? {
        Value::Bool(b) => Ok(Value::Bool(!b)),
        other => Ok(other),
    }
}

/// `list.remove(index)` removes and RETURNS the element (negative or too large
/// index → error); with a non-numeric argument it removes that element by
/// value. `map.remove(key)` removes the key and returns its value (null when absent).
/// <https://www.zoho.com/creator/help/script/remove-index.html>
pub(super) fn remove(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::List(l) => match arg(args, 1) {
            Value::Int(_) | Value::Dec(_) => {
                let i = index_arg(args, 1, "remove")?;
                let mut items = l.borrow_mut();
                let i = check_index(i, items.len())?;
                Ok(items.remove(i))
            }
            x => Ok(with_items(l, |items| remove_first(items, x)).unwrap_or(Value::Null)),
        },
        Value::Map(m) => {
            Ok(with_entries(m, |e| e.shift_remove(arg(args, 1))).unwrap_or(Value::Null))
        }
        other => not_collection("remove", other),
    }
}

/// `collection.delete(x)`: removes the first element equal to `x` from a
/// list, or the first pair whose VALUE is `x` from a map; absent → no-op.
/// <https://zoho.com/deluge/help/functions/collection/delete.html>
pub(super) fn delete(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    delete_values(arg(args, 0), std::slice::from_ref(arg(args, 1)), "delete")
}

/// Removes, for each of `gone`, the first equal list element or map value.
fn delete_values(recv: &Value, gone: &[Value], name: &str) -> Result<Value> {
    match recv {
        Value::List(l) => with_items(l, |items| {
            for x in gone {
                remove_first(items, x);
            }
        }),
        Value::Map(m) => with_entries(m, |e| {
            for x in gone {
                let found = e.values().position(|v| v == x);
                if let Some(i) = found {
                    e.shift_remove_index(i);
                }
            }
        }),
        other => return not_collection(name, other),
    }
    Ok(Value::Null)
}

/// `collection.deleteAll(list)`: `delete` for every element of `list` (list
/// elements, or map pairs by value).
/// <https://zoho.com/deluge/help/functions/collection/deleteall.html>
pub(super) fn delete_all(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let gone = list_arg(args, "deleteAll")?;
    delete_values(arg(args, 0), &gone, "deleteAll")
}

/// The list argument at 1, cloned (it may be the receiver itself).
fn list_arg(args: &[Value], name: &str) -> Result<Vec<Value>> {
    match arg(args, 1) {
        Value::List(l) => Ok(l.borrow().clone()),
        other => fail(format!("{name}: the argument must be a LIST, got {}", other.ty().name())),
    }
}

/// `map.deleteKey(key)` / `map.deleteKeys(keys)`: removes the keys (absent keys
/// are ignored); `list.deleteKey(i)` / `list.deleteKeys(indices)`: removes the
/// elements at those indices (an index out of range is an error). A list
/// argument stands for its elements; several arguments are accepted too.
/// <https://zoho.com/deluge/help/functions/collection/deletekeys.html>
pub(super) fn delete_keys(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let mut keys = Vec::new();
    for a in args.iter().skip(1) {
        match a {
            Value::List(l) => keys.extend(l.borrow().iter().cloned()),
            other => keys.push(other.clone()),
        }
    }
    match arg(args, 0) {
        Value::List(l) => {
            let len = l.borrow().len();
            let mut indices = Vec::with_capacity(keys.len());
            for (i, k) in keys.iter().enumerate() {
                let n = index_arg(&keys, i, "deleteKeys").or_else(|_| {
                    fail(format!("deleteKeys: an index must be a number, got {}", k.ty().name()))
                })?;
                indices.push(check_index(n, len)?);
            }
            indices.sort_unstable();
            indices.dedup();
            let mut items = l.borrow_mut();
            for i in indices.into_iter().rev() {
                items.remove(i);
            }
        }
        Value::Map(m) => with_entries(m, |e| {
            for k in &keys {
                e.shift_remove(k);
            }
        }),
        other => return not_collection("deleteKeys", other),
    }
    Ok(Value::Null)
}

/// `collection.clear()`: removes everything, in place.
/// <https://www.zoho.com/deluge/help/functions/collection/clear.html>
pub(super) fn clear(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::List(l) => l.borrow_mut().clear(),
        Value::Map(m) => m.borrow_mut().clear(),
        other => return not_collection("clear", other),
    }
    Ok(Value::Null)
}

/// `list.insert(x, …)` appends the elements; `map.insert("k":v, …)` merges
/// key-value pairs (the evaluator passes each `k:v` as a one-entry map). A
/// plain element into a key-value collection is an error.
/// <https://www.zoho.com/deluge/help/functions/collection/insert.html>
pub(super) fn insert(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let new = &args[1.min(args.len())..];
    match arg(args, 0) {
        Value::List(l) => {
            let len = l.borrow().len();
            ctx.check_collection_len(len.saturating_add(new.len()))?;
            l.borrow_mut().extend(new.iter().cloned());
        }
        Value::Map(m) => {
            let mut pairs = MapData::default();
            for v in new {
                match v {
                    Value::Map(p) => {
                        pairs.extend(p.borrow().iter().map(|(k, v)| (k.clone(), v.clone())))
                    }
                    other => {
                        return fail(format!(
                            "insert: a key-value collection takes key:value pairs, not a {}",
                            other.ty().name()
                        ));
                    }
                }
            }
            with_entries(m, |e| merge(ctx, e, pairs))?;
        }
        other => return not_collection("insert", other),
    }
    Ok(Value::Null)
}

/// `c.insert("k": v, …)` (each pair arrives as a one-pair map): merges the pairs into a
/// key-value collection; an index-value collection refuses them (documented: a runtime
/// error). An undecided `Collection()` has become a map before this runs.
/// <https://www.zoho.com/deluge/help/functions/collection/insert.html>
pub(super) fn insert_pairs(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::List(_) => {
            fail("insert: an index-value collection takes elements, not key:value pairs")
        }
        _ => insert(ctx, args),
    }
}

/// `list.insertAll(list2)` appends the elements of `list2`; `map.insertAll(pairs)`
/// merges a map (or a list of maps).
/// <https://zoho.com/deluge/help/functions/collection/insertall.html>
pub(super) fn insert_all(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let mut spread = vec![arg(args, 0).clone()];
    match (arg(args, 0), arg(args, 1)) {
        (Value::List(_), Value::List(other)) => spread.extend(other.borrow().iter().cloned()),
        (Value::Map(_), m @ Value::Map(_)) => spread.push(m.clone()),
        (Value::Map(_), Value::List(other)) => spread.extend(other.borrow().iter().cloned()),
        (Value::List(_) | Value::Map(_), other) => {
            return fail(format!(
                "insertAll: the argument must be a LIST, got {}",
                other.ty().name()
            ));
        }
        (other, _) => return not_collection("insertAll", other),
    }
    insert(ctx, &spread)
}

/// `list.update(index, value)` replaces an element (index must exist);
/// `map.update(key, value)` puts.
pub(super) fn update(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::List(l) => {
            let i = index_arg(args, 1, "update")?;
            let mut items = l.borrow_mut();
            let i = check_index(i, items.len())?;
            items[i] = arg(args, 2).clone();
            Ok(Value::Null)
        }
        Value::Map(_) => super::map::put(ctx, args),
        other => not_collection("update", other),
    }
}

/// `a.intersect(b)`: for lists, the distinct elements of `a` also in `b`, in
/// `a`'s order; for maps, the pairs present (same key and value) in both.
/// <https://zoho.com/deluge/help/functions/collection/intersect.html>
pub(super) fn intersect(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match (arg(args, 0), arg(args, 1)) {
        (Value::List(a), Value::List(b)) => {
            let b = b.borrow().clone();
            let a = a.borrow();
            Ok(Value::list(unique(a.iter().filter(|v| b.contains(v)))))
        }
        (Value::Map(a), Value::Map(b)) => {
            let b = b.borrow().clone();
            let common: MapData = a
                .borrow()
                .iter()
                .filter(|(k, v)| b.get(k) == Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Ok(Value::map(common))
        }
        (a @ (Value::List(_) | Value::Map(_)), b) => fail(format!(
            "intersect: both collections must be of the same kind, got {} and {}",
            a.ty().name(),
            b.ty().name()
        )),
        (other, _) => not_collection("intersect", other),
    }
}

/// `list.getKey(x)`: index of the first `x` (-1 if absent); `map.getKey(v)`:
/// the first key whose value is `v` (null if absent).
/// <https://www.zoho.com/deluge/help/functions/collection/getkey.html>
pub(super) fn get_key(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    find_key(args, false, "getKey")
}

/// `getLastKey(x)`: like `getKey`, for the last occurrence.
/// <https://www.zoho.com/deluge/help/functions/collection/getlastkey.html>
pub(super) fn get_last_key(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    find_key(args, true, "getLastKey")
}

fn find_key(args: &[Value], last: bool, name: &str) -> Result<Value> {
    let x = arg(args, 1);
    match arg(args, 0) {
        Value::List(l) => {
            let items = l.borrow();
            let pos = if last { rfind(&items, x) } else { find(&items, x) };
            Ok(position(pos))
        }
        Value::Map(m) => {
            let m = m.borrow();
            let found = if last {
                m.iter().rev().find(|(_, v)| *v == x)
            } else {
                m.iter().find(|(_, v)| *v == x)
            };
            Ok(found.map(|(k, _)| k.clone()).unwrap_or(Value::Null))
        }
        other => not_collection(name, other),
    }
}

/// `collection.duplicate([start, end])`: a new list of the elements from
/// `start` (inclusive) to `end` (exclusive); without indices a copy of the
/// whole collection (a map copies to a map).
/// <https://zoho.com/deluge/help/functions/collection/duplicate.html>
pub(super) fn duplicate(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::List(l) => {
            let items = l.borrow();
            if args.len() < 2 {
                return Ok(Value::list(items.clone()));
            }
            let (start, end) = range_args(args, items.len(), "duplicate")?;
            Ok(Value::list(items[start..end].to_vec()))
        }
        Value::Map(m) if args.len() < 2 => Ok(Value::map(m.borrow().clone())),
        Value::Map(_) => fail("duplicate: indices apply to index-value collections only"),
        other => not_collection("duplicate", other),
    }
}

/// `map.keys()`: the keys as a list, in insertion order; `list.keys()`: the elements.
/// <https://www.zoho.com/deluge/help/functions/map/keys.html>
pub(super) fn keys(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::List(l) => Ok(Value::list(l.borrow().clone())),
        Value::Map(m) => Ok(Value::list(m.borrow().keys().cloned().collect())),
        other => not_collection("keys", other),
    }
}

/// `map.values()`: the values as a list; `list.values()`: the elements.
/// <https://zoho.com/deluge/help/functions/collection/values.html>
pub(super) fn values(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::List(l) => Ok(Value::list(l.borrow().clone())),
        Value::Map(m) => Ok(Value::list(m.borrow().values().cloned().collect())),
        other => not_collection("values", other),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, err, j, show, t};
    use crate::Value;

    #[test]
    fn get_by_index_and_key() {
        let l = j(r#"["Creator","CRM",["Projects","Reports"]]"#);
        assert_eq!(show("get", &[l.clone(), Value::Int(2)]), "Projects,Reports");
        assert_eq!(show("get", &[l.clone(), Value::Int(0)]), "Creator");
        assert_eq!(
            err("get", &[l.clone(), Value::Int(3)]),
            "Given index 3 is greater than the list size"
        );
        assert!(err("get", &[l.clone(), Value::Int(-1)]).contains("negative"));
        assert!(err("get", &[l, t("a")]).contains("must be a number"));
        let m = j(r#"{"Product":"Creator"}"#);
        assert_eq!(show("get", &[m.clone(), t("Product")]), "Creator");
        assert!(call("get", &[m, t("product")]).unwrap().is_null());
    }

    #[test]
    fn get_as_string_prints_elements() {
        let l = j(r#"[1,2.0,"x",[1,2],null]"#);
        assert_eq!(call("getAsString", &[l.clone(), Value::Int(1)]).unwrap(), t("2.0"));
        assert_eq!(call("getAsString", &[l.clone(), Value::Int(3)]).unwrap(), t("1,2"));
        assert!(call("getAsString", &[l.clone(), Value::Int(4)]).unwrap().is_null());
        assert!(err("getAsString", &[l, Value::Int(9)]).contains("greater than the list size"));
        assert_eq!(call("getAsString", &[j(r#"{"a":5}"#), t("a")]).unwrap(), t("5"));
    }

    #[test]
    fn size_length_contains() {
        assert_eq!(show("size", &[j(r#"["Projects","Mail",["a","b"]]"#)]), "3");
        assert_eq!(show("length", &[j(r#"{"a":1,"b":2}"#)]), "2");
        let l = j(r#"[1,"2","Zoho","Creator",{"version":5},["India","USA"]]"#);
        assert_eq!(show("contains", &[l.clone(), Value::Int(2)]), "false");
        assert_eq!(show("contains", &[l.clone(), t("Creator")]), "true");
        assert_eq!(show("contains", &[l.clone(), j(r#"{"version":5}"#)]), "true");
        assert_eq!(show("contains", &[l.clone(), t("India")]), "false");
        assert_eq!(show("notContains", &[l.clone(), Value::Int(2)]), "true");
        assert_eq!(show("notContains", &[l, Value::Int(1)]), "false");
        assert_eq!(show("contains", &[j(r#"{"a":1}"#), t("a")]), "true");
        assert_eq!(show("notContains", &[j(r#"{"a":1}"#), t("b")]), "true");
    }

    #[test]
    fn remove_by_index_value_and_key() {
        let l = j(r#"["Creator","CRM","Projects"]"#);
        assert_eq!(show("remove", &[l.clone(), Value::Int(1)]), "CRM");
        assert_eq!(l.to_display(), "Creator,Projects");
        assert_eq!(
            err("remove", &[l.clone(), Value::Int(2)]),
            "Given index 2 is greater than the list size"
        );
        assert!(err("remove", &[l.clone(), Value::Int(-1)]).contains("negative"));
        assert_eq!(show("remove", &[l.clone(), t("Projects")]), "Projects");
        assert!(call("remove", &[l.clone(), t("nope")]).unwrap().is_null());
        assert_eq!(l.to_display(), "Creator");
        let m = j(r#"{"a":1,"b":2,"c":3}"#);
        assert_eq!(show("remove", &[m.clone(), t("b")]), "2");
        assert!(call("remove", &[m.clone(), t("zz")]).unwrap().is_null());
        assert_eq!(m.to_display(), r#"{"a":1,"c":3}"#);
    }

    /// Removing keeps the insertion order of the rest (a swap-remove would move the last key
    /// into the hole): first, middle and last keys, repeated removes, remove then put again.
    #[test]
    fn map_removal_keeps_insertion_order() {
        let m = j(r#"{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7}"#);
        assert_eq!(show("remove", &[m.clone(), t("k1")]), "1");
        assert_eq!(m.to_display(), r#"{"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7}"#);
        assert_eq!(show("remove", &[m.clone(), t("k3")]), "3");
        assert_eq!(m.to_display(), r#"{"k2":2,"k4":4,"k5":5,"k6":6,"k7":7}"#);
        assert_eq!(show("remove", &[m.clone(), t("k7")]), "7");
        assert_eq!(m.to_display(), r#"{"k2":2,"k4":4,"k5":5,"k6":6}"#);
        assert!(call("remove", &[m.clone(), t("k3")]).unwrap().is_null());
        assert_eq!(show("remove", &[m.clone(), t("k4")]), "4");
        assert_eq!(m.to_display(), r#"{"k2":2,"k5":5,"k6":6}"#);
        // A removed key put back goes to the end; the others keep their places.
        call("put", &[m.clone(), t("k4"), Value::Int(40)]).unwrap();
        call("put", &[m.clone(), t("k1"), Value::Int(10)]).unwrap();
        assert_eq!(m.to_display(), r#"{"k2":2,"k5":5,"k6":6,"k4":40,"k1":10}"#);
        assert_eq!(show("remove", &[m.clone(), t("k2")]), "2");
        assert_eq!(m.to_display(), r#"{"k5":5,"k6":6,"k4":40,"k1":10}"#);
        // By value and by a list of keys: the same guarantee.
        call("delete", &[m.clone(), Value::Int(5)]).unwrap();
        assert_eq!(m.to_display(), r#"{"k6":6,"k4":40,"k1":10}"#);
        let m = j(r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}"#);
        call("deleteKeys", &[m.clone(), j(r#"["a","c"]"#)]).unwrap();
        assert_eq!(m.to_display(), r#"{"b":2,"d":4,"e":5,"f":6}"#);
        call("deleteAll", &[m.clone(), j("[2]")]).unwrap();
        assert_eq!(m.to_display(), r#"{"d":4,"e":5,"f":6}"#);
    }

    #[test]
    fn delete_and_delete_all() {
        let l = j(r#"["a","b","a","c"]"#);
        call("delete", &[l.clone(), t("a")]).unwrap();
        assert_eq!(l.to_display(), "b,a,c");
        call("deleteAll", &[l.clone(), j(r#"["a","c","x"]"#)]).unwrap();
        assert_eq!(l.to_display(), "b");
        // maps: by value, along with the key
        let m = j(r#"{"Creator":5,"CRM":2,"Mail":2,"Books":8}"#);
        call("delete", &[m.clone(), Value::Int(2)]).unwrap();
        assert_eq!(m.to_display(), r#"{"Creator":5,"Mail":2,"Books":8}"#);
        call("delete", &[m.clone(), t("Creator")]).unwrap();
        call("deleteAll", &[m.clone(), j("[8,5]")]).unwrap();
        assert_eq!(m.to_display(), r#"{"Mail":2}"#);
        assert!(err("deleteAll", &[m, t("c")]).contains("must be a LIST"));
    }

    #[test]
    fn contains_key_and_value() {
        let m = j(r#"{"Product":"Creator","Company":"Zoho"}"#);
        assert_eq!(show("containKey", &[m.clone(), t("Product")]), "true");
        assert_eq!(show("containsKey", &[m.clone(), t("product")]), "false");
        assert_eq!(show("containValue", &[m.clone(), t("creator")]), "false");
        assert_eq!(show("containsValue", &[m.clone(), t("Zoho")]), "true");
        assert_eq!(show("containsKey", &[j(r#"{"1":1}"#), Value::Int(1)]), "false");
        let l = j(r#"["Creator","CRM","Mail"]"#);
        assert_eq!(show("containsKey", &[l.clone(), Value::Int(2)]), "true");
        assert_eq!(show("containsKey", &[l.clone(), Value::Int(3)]), "false");
        assert_eq!(show("containsKey", &[l.clone(), Value::Int(-1)]), "false");
        assert_eq!(show("containsKey", &[l.clone(), t("0")]), "false");
        assert_eq!(show("containsValue", &[l.clone(), t("CRM")]), "true");
        assert_eq!(show("containsValue", &[l, t("crm")]), "false");
    }

    #[test]
    fn delete_keys_by_key_or_index() {
        let m = j(r#"{"a":1,"b":2,"c":3,"d":4}"#);
        call("deleteKey", &[m.clone(), t("a")]).unwrap();
        call("deleteKeys", &[m.clone(), j(r#"["b","zz"]"#)]).unwrap();
        call("deleteKeys", &[m.clone(), t("c")]).unwrap();
        assert_eq!(m.to_display(), r#"{"d":4}"#);
        let l = j(r#"["Creator","CRM","Mail","Books"]"#);
        call("deleteKeys", &[l.clone(), j("[2,1,2]")]).unwrap();
        assert_eq!(l.to_display(), "Creator,Books");
        call("deleteKey", &[l.clone(), Value::Int(0)]).unwrap();
        assert_eq!(l.to_display(), "Books");
        assert_eq!(
            err("deleteKey", &[l.clone(), Value::Int(1)]),
            "Given index 1 is greater than the list size"
        );
        assert!(err("deleteKeys", &[l.clone(), j(r#"["x"]"#)])
            .contains("an index must be a number, got TEXT"));
        assert_eq!(l.to_display(), "Books");
    }

    #[test]
    fn clear_empties_in_place() {
        let m = j(r#"{"Deluge":5,"CRM":2}"#);
        call("clear", std::slice::from_ref(&m)).unwrap();
        assert_eq!(m.to_display(), "{}");
        let l = j("[1,2]");
        call("clear", std::slice::from_ref(&l)).unwrap();
        assert_eq!(show("size", &[l]), "0");
    }

    #[test]
    fn insert_and_insert_all() {
        let l = j(r#"["Creator","CRM"]"#);
        call("insert", &[l.clone(), t("Analytics")]).unwrap();
        call("insert", &[l.clone(), t("a"), t("b")]).unwrap();
        call("insertAll", &[l.clone(), j(r#"["Connect"]"#)]).unwrap();
        assert_eq!(l.to_display(), "Creator,CRM,Analytics,a,b,Connect");
        let m = j(r#"{"Creator":5}"#);
        call("insert", &[m.clone(), j(r#"{"CRM":5}"#)]).unwrap();
        call("insertAll", &[m.clone(), j(r#"{"Campaigns":2,"Creator":6}"#)]).unwrap();
        call("insertAll", &[m.clone(), j(r#"[{"Mail":1}]"#)]).unwrap();
        assert_eq!(m.to_display(), r#"{"Creator":6,"CRM":5,"Campaigns":2,"Mail":1}"#);
        assert!(err("insert", &[m.clone(), t("Analytics")]).contains("key:value pairs"));
        assert!(err("insertAll", &[m.clone(), t("x")]).contains("must be a LIST"));
        assert!(err("insertAll", &[l, Value::Int(1)]).contains("must be a LIST"));
        assert!(err("insertAll", &[m, j("[1]")]).contains("key:value pairs"));
    }

    #[test]
    fn update_replaces() {
        let l = j("[1,2,3]");
        call("update", &[l.clone(), Value::Int(1), t("x")]).unwrap();
        assert_eq!(l.to_display(), "1,x,3");
        assert!(err("update", &[l, Value::Int(3), t("y")]).contains("greater than the list size"));
        let m = j(r#"{"a":1}"#);
        call("update", &[m.clone(), t("a"), Value::Int(2)]).unwrap();
        assert_eq!(m.to_display(), r#"{"a":2}"#);
    }

    #[test]
    fn intersect_lists_and_maps() {
        let a = j(r#"["Creator","CRM","Books","CRM"]"#);
        let b = j(r#"["Creator","CRM","Mail"]"#);
        assert_eq!(show("intersect", &[a.clone(), b]), "Creator,CRM");
        assert_eq!(show("intersect", &[a.clone(), a.clone()]), "Creator,CRM,Books");
        let m1 = j(r#"{"a":1,"b":2,"c":3}"#);
        let m2 = j(r#"{"a":1,"b":5}"#);
        assert_eq!(show("intersect", &[m1.clone(), m2]), r#"{"a":1}"#);
        assert!(err("intersect", &[a, m1]).contains("same kind"));
    }

    #[test]
    fn get_key_and_get_last_key() {
        let m = j(r#"{"Creator":5,"CRM":2,"Mail":5}"#);
        assert_eq!(show("getKey", &[m.clone(), Value::Int(5)]), "Creator");
        assert_eq!(show("getLastKey", &[m.clone(), Value::Int(5)]), "Mail");
        assert!(call("getKey", &[m, Value::Int(7)]).unwrap().is_null());
        let l = j(r#"["Creator","CRM","Creator"]"#);
        assert_eq!(show("getKey", &[l.clone(), t("CRM")]), "1");
        assert_eq!(show("getLastKey", &[l.clone(), t("Creator")]), "2");
        assert_eq!(show("getKey", &[l, t("Mail")]), "-1");
    }

    #[test]
    fn duplicate_copies_or_slices() {
        let l = j(r#"["Creator","CRM","Books"]"#);
        assert_eq!(show("duplicate", &[l.clone(), Value::Int(0), Value::Int(1)]), "Creator");
        let copy = call("duplicate", std::slice::from_ref(&l)).unwrap();
        call("add", &[copy.clone(), t("x")]).unwrap();
        assert_eq!(l.to_display(), "Creator,CRM,Books");
        assert!(err("duplicate", &[l, Value::Int(0), Value::Int(4)])
            .contains("greater than the list size"));
        let m = j(r#"{"a":1}"#);
        assert_eq!(show("duplicate", std::slice::from_ref(&m)), r#"{"a":1}"#);
        assert!(err("duplicate", &[m, Value::Int(0), Value::Int(1)]).contains("index-value"));
    }

    #[test]
    fn keys_and_values() {
        let m = j(r#"{"Creator":5,"CRM":2,"Mail":8}"#);
        call("put", &[m.clone(), Value::Int(1), t("Number")]).unwrap();
        assert_eq!(show("keys", std::slice::from_ref(&m)), "Creator,CRM,Mail,1");
        assert_eq!(show("values", &[m]), "5,2,8,Number");
        let l = j(r#"["Creator","CRM"]"#);
        assert_eq!(show("keys", std::slice::from_ref(&l)), "Creator,CRM");
        assert_eq!(show("values", &[l]), "Creator,CRM");
    }
}
