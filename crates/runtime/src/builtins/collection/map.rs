//! Key-value collections (Deluge KEY-VALUE / Map). Keys are matched
//! type-strictly and case-sensitively; order is insertion order.

use super::{arg, recv_map, with_entries};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::value::MapData;
use crate::Value;

/// `map.put(key, value)`: inserts or overwrites (an overwritten key keeps its place).
/// <https://www.zoho.com/deluge/help/functions/map/put.html>
pub(super) fn put(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let map = recv_map(args, "put")?;
    super::map_put(ctx, map, arg(args, 1).clone(), arg(args, 2).clone())?;
    Ok(Value::Null)
}

/// `map.putAll(other)`: merges `other` in; its values win on duplicate keys; new
/// keys come after the existing ones.
/// <https://www.zoho.com/deluge/help/map-manipulations/put-all-keys.html>
pub(super) fn put_all(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let map = recv_map(args, "putAll")?;
    match arg(args, 1) {
        Value::Map(other) => {
            let pairs = other.borrow().clone();
            with_entries(map, |e| merge(ctx, e, pairs))?;
            Ok(Value::Null)
        }
        other => {
            fail(format!("putAll: the argument must be a KEY-VALUE, got {}", other.ty().name()))
        }
    }
}

/// Inserts every pair of `pairs` into `map`, checking the size limit first.
pub(super) fn merge(ctx: &Ctx<'_>, map: &mut MapData, pairs: MapData) -> Result<()> {
    ctx.check_collection_len(map.len().saturating_add(pairs.len()))?;
    map.extend(pairs);
    Ok(())
}

/// `map.sortKey([ascending])`: reorders the map by its keys in place and
/// returns it; null (map unchanged) when the keys are of mixed types.
/// <https://zoho.com/deluge/help/functions/collection/sortkey.html>
pub(super) fn sort_key(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let map = recv_map(args, "sortKey")?;
    let ascending = match args.get(1) {
        None | Some(Value::Null) => true,
        Some(_) => crate::builtins::arg_bool(args, 1).or_else(|_| {
            fail("sortKey: the order must be true (ascending) or false (descending)")
        })?,
    };
    let mut keys: Vec<Value> = map.borrow().keys().cloned().collect();
    if !super::list::sort_values(&mut keys, ascending) {
        return Ok(Value::Null);
    }
    with_entries(map, |m| {
        *m = keys.into_iter().filter_map(|k| m.get(&k).cloned().map(|v| (k, v))).collect();
    });
    Ok(arg(args, 0).clone())
}

/// `map.toMap()`: a copy of the map (JSON text → map is in `json`).
pub(super) fn to_map(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let map = recv_map(args, "toMap")?;
    Ok(Value::map(map.borrow().clone()))
}

/// `map.getJSON(key)`: like `get` (null when absent); chainable.
/// <https://www.zoho.com/deluge/help/functions/getjson-and-get.html>
pub(super) fn get_json(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let map = recv_map(args, "getJSON")?;
    Ok(map.borrow().get(arg(args, 1)).cloned().unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, err, j, show, t};
    use crate::Value;

    #[test]
    fn put_inserts_and_overwrites_in_place() {
        let m = j(r#"{"a":1}"#);
        let alias = m.clone();
        assert!(call("put", &[m.clone(), t("b"), Value::Int(2)]).unwrap().is_null());
        call("put", &[m.clone(), t("a"), t("x")]).unwrap();
        call("put", &[m.clone(), Value::Int(1), Value::Null]).unwrap();
        assert_eq!(alias.to_display(), r#"{"a":"x","b":2,"1":null}"#);
    }

    #[test]
    fn put_all_merges_in_order() {
        let a = j(r#"{"Anchorage":"99501","Phoenix":"85001"}"#);
        let b = j(r#"{"Little Rock":"72201","Phoenix":"1"}"#);
        call("putAll", &[a.clone(), b]).unwrap();
        assert_eq!(a.to_display(), r#"{"Anchorage":"99501","Phoenix":"1","Little Rock":"72201"}"#);
        call("putAll", &[a.clone(), a.clone()]).unwrap();
        assert_eq!(show("size", std::slice::from_ref(&a)), "3");
        assert!(err("putAll", &[a, j("[1]")]).contains("must be a KEY-VALUE"));
    }

    #[test]
    fn sort_key_reorders_in_place() {
        let m = j(r#"{"b":1,"C":2,"a":3}"#);
        assert_eq!(show("sortKey", std::slice::from_ref(&m)), r#"{"C":2,"a":3,"b":1}"#);
        assert_eq!(m.to_display(), r#"{"C":2,"a":3,"b":1}"#);
        assert_eq!(show("sortKey", &[m.clone(), Value::Bool(false)]), r#"{"b":1,"a":3,"C":2}"#);
        let mixed = j(r#"{"b":1}"#);
        call("put", &[mixed.clone(), Value::Int(1), Value::Int(2)]).unwrap();
        assert!(call("sortKey", &[mixed]).unwrap().is_null());
        assert!(err("sortKey", &[m, t("sideways")]).contains("order"));
    }

    #[test]
    fn to_map_copies_and_get_json_reads() {
        let m = j(r#"{"a":{"b":1}}"#);
        let copy = call("toMap", std::slice::from_ref(&m)).unwrap();
        call("put", &[copy.clone(), t("z"), Value::Int(0)]).unwrap();
        assert_eq!(m.to_display(), r#"{"a":{"b":1}}"#);
        let inner = call("getJSON", &[m.clone(), t("a")]).unwrap();
        assert_eq!(show("getJSON", &[inner, t("b")]), "1");
        assert!(call("getJSON", &[m, t("missing")]).unwrap().is_null());
    }
}
