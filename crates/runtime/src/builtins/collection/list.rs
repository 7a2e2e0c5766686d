//! Index-value collections (lists) and the numeric collection functions.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHashSet;

use super::{arg, index_arg, recv_list, with_entries, with_items};
use crate::builtins::convert::parse_number;
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::{RuntimeError, Value};

/// `list.add(x)`: appends `x`; a list argument is added as ONE element.
/// <https://www.zoho.com/deluge/help/list-manipulations/add.html>
pub(super) fn add(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "add")?;
    super::list_add(ctx, list, arg(args, 1).clone())?;
    Ok(Value::Null)
}

/// `list.addAll(other)`: appends every element of `other` (`l.addAll(l)` doubles `l`).
/// <https://www.zoho.com/creator/help/script/add-all.html>
pub(super) fn add_all(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "addAll")?;
    let items = other_items(arg(args, 1), "addAll")?;
    let len = list.borrow().len();
    ctx.check_collection_len(len.saturating_add(items.len()))?;
    list.borrow_mut().extend(items);
    Ok(Value::Null)
}

/// `list.removeAll(other)`: removes every element equal (type-strict) to one of `other`.
/// <https://zoho.com/deluge/help/list-manipulations/addall-removeall.html>
pub(super) fn remove_all(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "removeAll")?;
    let items = other_items(arg(args, 1), "removeAll")?;
    // Nothing is mutated while the set lives (the receiver is only read until
    // the kept elements are written back).
    #[allow(clippy::mutable_key_type)]
    let gone: FxHashSet<Shallow<'_>> = items.iter().map(Shallow).collect();
    let kept: Vec<Value> =
        list.borrow().iter().filter(|v| !gone.contains(&Shallow(v))).cloned().collect();
    *list.borrow_mut() = kept;
    Ok(Value::Null)
}

/// The elements of a list argument, cloned so that the receiver may be the same list.
fn other_items(v: &Value, name: &str) -> Result<Vec<Value>> {
    match v {
        Value::List(l) => Ok(l.borrow().clone()),
        other => fail(format!("{name}: the argument must be a LIST, got {}", other.ty().name())),
    }
}

/// `list.indexOf(x)`: first position of `x` (type-strict), -1 when absent.
/// <https://www.zoho.com/deluge/help/functions/list/indexof.html>
pub(super) fn index_of(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "indexOf")?;
    let x = arg(args, 1);
    let pos = find(&list.borrow(), x);
    Ok(position(pos))
}

/// `list.lastIndexOf(x)`: last position of `x`, -1 when absent.
/// <https://www.zoho.com/deluge/help/functions/list/lastindexof.html>
pub(super) fn last_index_of(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "lastIndexOf")?;
    let x = arg(args, 1);
    let pos = rfind(&list.borrow(), x);
    Ok(position(pos))
}

/// Index of the first element equal (type-strict) to `x`. Numbers and text,
/// the common needles, get a tight loop without the generic comparison.
pub(super) fn find(items: &[Value], x: &Value) -> Option<usize> {
    match x {
        Value::Int(n) => items.iter().position(|v| matches!(v, Value::Int(m) if m == n)),
        Value::Text(t) => {
            items.iter().position(|v| matches!(v, Value::Text(s) if s.as_str() == t.as_str()))
        }
        _ => items.iter().position(|v| v == x),
    }
}

/// Index of the last element equal (type-strict) to `x`.
pub(super) fn rfind(items: &[Value], x: &Value) -> Option<usize> {
    match x {
        Value::Int(n) => items.iter().rposition(|v| matches!(v, Value::Int(m) if m == n)),
        Value::Text(t) => {
            items.iter().rposition(|v| matches!(v, Value::Text(s) if s.as_str() == t.as_str()))
        }
        _ => items.iter().rposition(|v| v == x),
    }
}

/// A position as a Number, -1 for none.
pub(super) fn position(pos: Option<usize>) -> Value {
    Value::Int(pos.and_then(|p| i64::try_from(p).ok()).unwrap_or(-1))
}

/// `list.removeElement(x)`: removes the first element equal to `x`; absent → no-op.
/// <https://www.zoho.com/deluge/help/functions/list/removeelement.html>
pub(super) fn remove_element(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "removeElement")?;
    with_items(list, |items| remove_first(items, arg(args, 1)));
    Ok(Value::Null)
}

/// Removes the first element equal to `x`; returns it.
pub(super) fn remove_first(items: &mut Vec<Value>, x: &Value) -> Option<Value> {
    let pos = find(items, x)?;
    Some(items.remove(pos))
}

/// `collection.sort([ascending])`: sorts in place and returns the collection:
/// a list by its elements, a map's pairs by their values. Numbers by value,
/// text by code point (`A-Z` before `a-z`), dates chronologically. Values of
/// mixed types (or lists, maps, null) leave the collection alone and give null.
/// <https://www.zoho.com/deluge/help/functions/list/sort.html>,
/// <https://www.zoho.com/deluge/help/functions/collection/sort.html>
pub(super) fn sort(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let ascending = match args.get(1) {
        None | Some(Value::Null) => true,
        Some(_) => crate::builtins::arg_bool(args, 1)
            .or_else(|_| fail("sort: the order must be true (ascending) or false (descending)"))?,
    };
    let sorted = match arg(args, 0) {
        Value::Map(m) => {
            let sortable = common_kind(m.borrow().values()).is_some();
            if sortable {
                let order = |o: Ordering| if ascending { o } else { o.reverse() };
                with_entries(m, |e| e.sort_by(|_, a, _, b| order(total_compare(a, b))));
            }
            sortable
        }
        _ => sort_values(&mut recv_list(args, "sort")?.borrow_mut(), ascending),
    };
    Ok(if sorted { arg(args, 0).clone() } else { Value::Null })
}

/// What a homogeneous list holds, for sorting.
#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Int,
    Num,
    Text,
    Date,
    Time,
    Bool,
}

fn kind(v: &Value) -> Option<Kind> {
    Some(match v {
        Value::Int(_) => Kind::Int,
        Value::Dec(_) => Kind::Num,
        Value::Text(_) => Kind::Text,
        Value::Date(_) | Value::DateTime(_) => Kind::Date,
        Value::Time(_) => Kind::Time,
        Value::Bool(_) => Kind::Bool,
        Value::Null | Value::List(_) | Value::Map(_) | Value::Coll(_) | Value::File(_) => {
            return None
        }
    })
}

/// The one kind shared by all `values` (Number and Decimal mix as numbers);
/// `None` when they cannot be ordered together. Empty → `Some`.
fn common_kind<'a>(values: impl IntoIterator<Item = &'a Value>) -> Option<Kind> {
    let mut common = Kind::Int;
    for (i, v) in values.into_iter().enumerate() {
        let k = kind(v)?;
        common = match (common, k) {
            _ if i == 0 => k,
            (a, b) if a == b => a,
            (Kind::Int | Kind::Num, Kind::Int | Kind::Num) => Kind::Num,
            _ => return None,
        };
    }
    Some(common)
}

/// Sorts homogeneous values; false (and no change) when they cannot be ordered together.
pub(super) fn sort_values(items: &mut [Value], ascending: bool) -> bool {
    let Some(common) = common_kind(items.iter()) else { return false };
    let order = |o: Ordering| if ascending { o } else { o.reverse() };
    if common == Kind::Int {
        items.sort_unstable_by(|a, b| match (a, b) {
            (Value::Int(x), Value::Int(y)) => order(x.cmp(y)),
            _ => Ordering::Equal,
        });
    } else {
        items.sort_by(|a, b| order(total_compare(a, b)));
    }
    true
}

/// `compare` made total for sorting (NaN last).
fn total_compare(a: &Value, b: &Value) -> Ordering {
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return x.total_cmp(&y);
    }
    a.compare(b).unwrap_or(Ordering::Equal)
}

/// `list.distinct()`: a new list of the unique elements, first occurrences in
/// order; type-strict (`"1"` and `1` both stay). On a key-value collection, the
/// unique values (a LIST, as Zoho's collection page shows).
/// <https://www.zoho.com/deluge/help/functions/list/distinct.html>,
/// <https://zoho.com/deluge/help/functions/collection/distinct.html>
pub(super) fn distinct(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    if let Value::Map(m) = arg(args, 0) {
        return Ok(Value::list(unique(m.borrow().values())));
    }
    let list = recv_list(args, "distinct")?;
    Ok(Value::list(unique(list.borrow().iter())))
}

/// Unique values in first-occurrence order.
pub(super) fn unique<'a>(items: impl Iterator<Item = &'a Value>) -> Vec<Value> {
    #[allow(clippy::mutable_key_type)] // read-only while the set lives
    let mut seen = FxHashSet::default();
    items.filter(|v| seen.insert(Shallow(v))).cloned().collect()
}

/// A value as a hash-set key: hashed without walking into lists and maps
/// (only their kind and length), so a list that holds itself cannot send the
/// hash into endless recursion; equality is `Value`'s own.
#[derive(PartialEq, Eq)]
struct Shallow<'a>(&'a Value);

impl Hash for Shallow<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self.0 {
            Value::List(l) => (1u8, l.try_borrow().map_or(0, |l| l.len())).hash(h),
            Value::Map(m) => (2u8, m.try_borrow().map_or(0, |m| m.len())).hash(h),
            v => v.hash(h),
        }
    }
}

/// `list.subList(start[, end])`: a new list of the elements from `start`
/// (inclusive) to `end` (exclusive; default: the end of the list).
/// <https://www.zoho.com/deluge/help/functions/list/sublist.html>
pub(super) fn sub_list(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "subList")?;
    let items = list.borrow();
    let (start, end) = range_args(args, items.len(), "subList")?;
    Ok(Value::list(items[start..end].to_vec()))
}

/// `start` and optional `end` arguments (at 1 and 2) checked against `len`.
pub(super) fn range_args(args: &[Value], len: usize, name: &str) -> Result<(usize, usize)> {
    let start = index_arg(args, 1, name)?;
    let end = match args.get(2) {
        None | Some(Value::Null) => i64::try_from(len).unwrap_or(i64::MAX),
        Some(_) => index_arg(args, 2, name)?,
    };
    if start < 0 {
        return fail(format!("{name}: start index {start} is negative"));
    }
    if end < start {
        return fail(format!("{name}: end index {end} is smaller than start index {start}"));
    }
    match (usize::try_from(start), usize::try_from(end)) {
        (Ok(s), Ok(e)) if e <= len => Ok((s, e)),
        _ => fail(format!("{name}: end index {end} is greater than the list size {len}")),
    }
}

/// `list.reverse()`: a new list with the elements in reverse order (the
/// receiver is unchanged). Not documented by Zoho for lists.
pub(super) fn reverse(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "reverse")?;
    Ok(Value::list(list.borrow().iter().rev().cloned().collect()))
}

/// `list.toJSONList()`: a list is already a list of JSON values; returns a copy.
/// <https://www.zoho.com/deluge/help/functions/getjson-and-get.html>
pub(super) fn to_json_list(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let list = recv_list(args, "toJSONList")?;
    Ok(Value::list(list.borrow().clone()))
}

// ---- numeric collections ----

/// Zoho's message for `rank` of an absent value (sic), also used for
/// collections holding something other than numbers.
fn invalid_entries(ty: &str) -> String {
    format!(
        "List contains invalid({ty}) entries hence' can not be cast to 'valid list and perform desired operations"
    )
}

/// The numbers of a collection (list elements or map values); numeric text
/// counts as its number. Anything else is an error.
fn numbers(recv: &Value) -> Result<Vec<Value>> {
    let convert = |v: &Value| -> Result<Value> {
        match v {
            Value::Int(_) | Value::Dec(_) => Ok(v.clone()),
            Value::Text(s) => match parse_number(s) {
                Some(n) => Ok(n),
                None => fail(invalid_entries("TEXT")),
            },
            other => fail(invalid_entries(other.ty().name())),
        }
    };
    match recv {
        Value::List(l) => l.borrow().iter().map(convert).collect(),
        Value::Map(m) => m.borrow().values().map(convert).collect(),
        other => fail(format!("expected a collection of numbers, got {}", other.ty().name())),
    }
}

/// The numbers sorted ascending or descending.
fn sorted_numbers(recv: &Value, ascending: bool) -> Result<Vec<Value>> {
    let mut nums = numbers(recv)?;
    if ascending {
        nums.sort_by(total_compare);
    } else {
        nums.sort_by(|a, b| total_compare(b, a));
    }
    Ok(nums)
}

/// `collection.largest()`: the greatest number; null when empty.
/// <https://www.zoho.com/deluge/help/functions/number/largest.html>
pub(super) fn largest(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let nums = numbers(arg(args, 0))?;
    Ok(nums.into_iter().max_by(total_compare).unwrap_or(Value::Null))
}

/// `collection.smallest()`: the least number; null when empty.
/// <https://www.zoho.com/deluge/help/functions/number/smallest.html>
pub(super) fn smallest(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let nums = numbers(arg(args, 0))?;
    Ok(nums.into_iter().min_by(total_compare).unwrap_or(Value::Null))
}

/// `collection.sum()`: a Number when every element is a Number (overflow is an
/// error), otherwise a Decimal; 0 when empty.
pub(super) fn sum(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    sum_of(&numbers(arg(args, 0))?)
}

fn sum_of(nums: &[Value]) -> Result<Value> {
    let mut int: Option<i64> = Some(0);
    let mut dec = 0.0;
    for n in nums {
        if let (Value::Int(i), Some(acc)) = (n, int) {
            match acc.checked_add(*i) {
                Some(s) => int = Some(s),
                None => return fail("sum: the total is too large for a Number"),
            }
        } else {
            int = None;
        }
        dec += n.as_f64().unwrap_or(0.0);
    }
    Ok(match int {
        Some(i) => Value::Int(i),
        None => Value::Dec(dec),
    })
}

/// `collection.average()`: the mean; a Number when the division is exact and
/// every element is a Number (Decision 1), otherwise a Decimal; null when empty.
pub(super) fn average(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let nums = numbers(arg(args, 0))?;
    let Ok(n) = i64::try_from(nums.len()) else { return fail("average: collection too large") };
    if n == 0 {
        return Ok(Value::Null);
    }
    Ok(match sum_of(&nums)? {
        Value::Int(s) if s % n == 0 => Value::Int(s / n),
        Value::Int(s) => Value::Dec(s as f64 / n as f64),
        other => Value::Dec(other.as_f64().unwrap_or(f64::NAN) / n as f64),
    })
}

/// `collection.percentile(p)`: the nearest-rank p-th percentile: sort
/// ascending, take element number ceil(p × size / 100). `p` must be in (0, 100].
/// <https://www.zoho.com/deluge/help/functions/number/percentile.html>
pub(super) fn percentile(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let p = crate::builtins::arg_f64(args, 1)
        .or_else(|_| fail("percentile: the percentile must be a number"))?;
    if !(p > 0.0 && p <= 100.0) {
        return fail(format!(
            "percentile: the percentile must be greater than 0 and at most 100, got {}",
            arg(args, 1).to_display()
        ));
    }
    let nums = sorted_numbers(arg(args, 0), true)?;
    if nums.is_empty() {
        return Ok(Value::Null);
    }
    let rank = (p * nums.len() as f64 / 100.0).ceil() as usize;
    let i = rank.clamp(1, nums.len()) - 1;
    Ok(nums[i].clone())
}

/// `collection.rank(x[, "asc"])`: 1-based position of `x` among the numbers
/// sorted descending (ascending with `"asc"`); ties share the first position.
/// `x` absent is an error (Zoho's text).
/// <https://www.zoho.com/deluge/help/functions/number/rank.html>
pub(super) fn rank(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let ascending = match args.get(2) {
        None | Some(Value::Null) => false,
        Some(Value::Text(s)) if s.trim().eq_ignore_ascii_case("asc") => true,
        Some(Value::Text(s)) if s.trim().eq_ignore_ascii_case("desc") => false,
        Some(v) => {
            return fail(format!("rank: the sort order must be \"asc\", got {}", v.to_display()));
        }
    };
    let x = match arg(args, 1) {
        v @ (Value::Int(_) | Value::Dec(_)) => v.clone(),
        Value::Text(s) => {
            parse_number(s).ok_or_else(|| RuntimeError::new(invalid_entries("TEXT")))?
        }
        other => return fail(invalid_entries(other.ty().name())),
    };
    let nums = sorted_numbers(arg(args, 0), ascending)?;
    match nums.iter().position(|n| n.loose_eq(&x)) {
        Some(p) => Ok(position(Some(p + 1))),
        None => fail(invalid_entries("TEXT")),
    }
}

/// `collection.nthLargest(n)`: the n-th number (from 1) in descending order.
/// <https://zoho.com/deluge/help/functions/number/nth-largest.html>
pub(super) fn nth_largest(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    nth(args, false, "nthLargest")
}

/// `collection.nthSmallest(n)`: the n-th number (from 1) in ascending order.
/// <https://www.zoho.com/deluge/help/functions/number/nth-smallest.html>
pub(super) fn nth_smallest(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    nth(args, true, "nthSmallest")
}

fn nth(args: &[Value], ascending: bool, name: &str) -> Result<Value> {
    let n = index_arg(args, 1, name)?;
    let nums = sorted_numbers(arg(args, 0), ascending)?;
    if n < 1 {
        return fail(format!("{name}: the position starts from 1, got {n}"));
    }
    match usize::try_from(n).ok().and_then(|n| nums.get(n - 1)) {
        Some(v) => Ok(v.clone()),
        None => {
            fail(format!("{name}: position {n} is greater than the collection size {}", nums.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, err, j, show, t};
    use crate::Value;

    #[test]
    fn add_appends_one_element_and_is_shared() {
        let l = j("[1,2]");
        let alias = l.clone();
        assert!(call("add", &[l.clone(), j("[3,4]")]).unwrap().is_null());
        call("add", &[l.clone(), t("x")]).unwrap();
        assert_eq!(alias.to_display(), "1,2,[3,4],x");
        assert_eq!(show("size", &[l]), "4");
    }

    #[test]
    fn add_all_and_remove_all() {
        let l = j(r#"["Creator"]"#);
        call("addAll", &[l.clone(), j(r#"["CRM","Projects"]"#)]).unwrap();
        assert_eq!(l.to_display(), "Creator,CRM,Projects");
        call("addAll", &[l.clone(), l.clone()]).unwrap();
        assert_eq!(l.to_display(), "Creator,CRM,Projects,Creator,CRM,Projects");
        call("removeAll", &[l.clone(), j(r#"["CRM","nope"]"#)]).unwrap();
        assert_eq!(l.to_display(), "Creator,Projects,Creator,Projects");
        call("removeAll", &[l.clone(), l.clone()]).unwrap();
        assert_eq!(l.to_display(), "");
        assert!(err("addAll", &[l.clone(), t("x")]).contains("must be a LIST"));
        assert!(err("removeAll", &[l, Value::Int(1)]).contains("must be a LIST"));
    }

    #[test]
    fn index_of_is_type_strict() {
        let l = j(r#"["Creator","CRM",1,"1","CRM"]"#);
        assert_eq!(show("indexOf", &[l.clone(), t("Creator")]), "0");
        assert_eq!(show("indexOf", &[l.clone(), t("1")]), "3");
        assert_eq!(show("indexOf", &[l.clone(), Value::Int(1)]), "2");
        assert_eq!(show("indexOf", &[l.clone(), Value::Dec(1.0)]), "-1");
        assert_eq!(show("lastIndexOf", &[l.clone(), t("CRM")]), "4");
        assert_eq!(show("lastIndexOf", &[l, t("Mail")]), "-1");
    }

    #[test]
    fn remove_element_removes_first_match_only() {
        let l = j(r#"["a","b","a"]"#);
        call("removeElement", &[l.clone(), t("a")]).unwrap();
        assert_eq!(l.to_display(), "b,a");
        call("removeElement", &[l.clone(), t("zzz")]).unwrap();
        assert_eq!(l.to_display(), "b,a");
    }

    #[test]
    fn sort_in_place_and_returns_list() {
        let l = j(r#"["Creator","crm","Zoho Creator","_x","!"]"#);
        assert_eq!(show("sort", std::slice::from_ref(&l)), "!,Creator,Zoho Creator,_x,crm");
        assert_eq!(l.to_display(), "!,Creator,Zoho Creator,_x,crm");
        assert_eq!(show("sort", &[l.clone(), Value::Bool(false)]), "crm,_x,Zoho Creator,Creator,!");
        assert_eq!(show("sort", &[j("[3,1.5,2,-7]")]), "-7,1.5,2,3");
        assert_eq!(show("sort", &[j("[3,1,2]"), Value::Bool(false)]), "3,2,1");
        assert_eq!(show("sort", &[j("[]")]), "");
        assert_eq!(show("sort", &[j("[true,false]")]), "false,true");
        // mixed types → null, list unchanged
        let mixed = j(r#"[1,"a"]"#);
        assert!(call("sort", std::slice::from_ref(&mixed)).unwrap().is_null());
        assert_eq!(mixed.to_display(), "1,a");
        assert!(call("sort", &[j("[1,null]")]).unwrap().is_null());
        assert!(call("sort", &[j("[[1],[2]]")]).unwrap().is_null());
        assert!(err("sort", &[j("[1]"), Value::Int(5)]).contains("order"));
    }

    #[test]
    fn sort_map_by_value_in_place() {
        let m = j(r#"{"Creator":5,"CRM":2,"Mail":8}"#);
        assert_eq!(show("sort", std::slice::from_ref(&m)), r#"{"CRM":2,"Creator":5,"Mail":8}"#);
        call("sort", &[m.clone(), Value::Bool(false)]).unwrap();
        assert_eq!(m.to_display(), r#"{"Mail":8,"Creator":5,"CRM":2}"#);
        let mixed = j(r#"{"a":1,"b":"x"}"#);
        assert!(call("sort", std::slice::from_ref(&mixed)).unwrap().is_null());
        assert_eq!(mixed.to_display(), r#"{"a":1,"b":"x"}"#);
    }

    #[test]
    fn self_containing_list_does_not_recurse() {
        let l = j("[1,1]");
        call("add", &[l.clone(), l.clone()]).unwrap();
        assert_eq!(show("size", &[call("distinct", std::slice::from_ref(&l)).unwrap()]), "2");
        call("removeAll", &[l.clone(), l.clone()]).unwrap();
        assert_eq!(show("size", std::slice::from_ref(&l)), "0");
    }

    #[test]
    fn distinct_keeps_types_apart() {
        let l = j(r#"["1",1,1,2,2,3]"#);
        assert_eq!(show("distinct", std::slice::from_ref(&l)), "1,1,2,3");
        assert_eq!(show("size", &[call("distinct", std::slice::from_ref(&l)).unwrap()]), "4");
        assert_eq!(l.to_display(), "1,1,1,2,2,3");
    }

    #[test]
    fn sub_list_ranges() {
        let l = j("[1,2,3,4]");
        assert_eq!(show("subList", &[l.clone(), Value::Int(0), Value::Int(3)]), "1,2,3");
        assert_eq!(show("subList", &[l.clone(), Value::Int(1)]), "2,3,4");
        assert_eq!(show("subList", &[l.clone(), Value::Int(2), Value::Int(2)]), "");
        assert!(err("subList", &[l.clone(), Value::Int(0), Value::Int(5)])
            .contains("greater than the list size"));
        assert!(err("subList", &[l.clone(), Value::Int(3), Value::Int(1)])
            .contains("smaller than start"));
        assert!(err("subList", &[l.clone(), Value::Int(-1), Value::Int(1)]).contains("negative"));
        assert!(err("subList", &[l, t("x")]).contains("must be a number"));
    }

    #[test]
    fn reverse_and_to_json_list_copy() {
        let l = j("[1,2,3]");
        assert_eq!(show("reverse", std::slice::from_ref(&l)), "3,2,1");
        assert_eq!(l.to_display(), "1,2,3");
        let copy = call("toJSONList", std::slice::from_ref(&l)).unwrap();
        call("add", &[copy.clone(), Value::Int(4)]).unwrap();
        assert_eq!(l.to_display(), "1,2,3");
        assert_eq!(copy.to_display(), "1,2,3,4");
    }

    #[test]
    fn largest_smallest_sum_average() {
        let l = j(r#"[300,455,124.5,"926",780]"#);
        assert_eq!(show("largest", std::slice::from_ref(&l)), "926");
        assert_eq!(show("smallest", std::slice::from_ref(&l)), "124.5");
        assert_eq!(show("sum", &[j("[1,2,3]")]), "6");
        assert_eq!(show("sum", &[j("[1,2.5]")]), "3.5");
        assert_eq!(show("sum", &[j("[]")]), "0");
        assert_eq!(show("average", &[j("[1,2,3]")]), "2");
        assert_eq!(show("average", &[j("[1,2]")]), "1.5");
        assert_eq!(show("average", &[j(r#"{"a":2,"b":4.0}"#)]), "3.0");
        assert!(call("average", &[j("[]")]).unwrap().is_null());
        assert!(call("largest", &[j("[]")]).unwrap().is_null());
        assert!(call("smallest", &[j("[]")]).unwrap().is_null());
        assert!(err("sum", &[j("[9223372036854775807,1]")]).contains("too large"));
        assert!(err("largest", &[j(r#"[1,"abc"]"#)]).contains("invalid(TEXT)"));
        assert!(err("smallest", &[j("[1,true]")]).contains("invalid(BOOLEAN)"));
    }

    #[test]
    fn percentile_nearest_rank() {
        let marks = j("[300,455,124,926,780]");
        assert_eq!(show("percentile", &[marks.clone(), Value::Int(50)]), "455");
        assert_eq!(show("percentile", &[marks.clone(), Value::Int(100)]), "926");
        assert_eq!(show("percentile", &[marks.clone(), Value::Dec(0.5)]), "124");
        assert!(err("percentile", &[marks.clone(), Value::Int(0)]).contains("greater than 0"));
        assert!(err("percentile", &[marks.clone(), Value::Int(101)]).contains("at most 100"));
        assert!(err("percentile", &[marks, t("x")]).contains("must be a number"));
        assert!(err("percentile", &[j(r#"["12a"]"#), Value::Int(5)]).contains("invalid(TEXT)"));
        assert!(call("percentile", &[j("[]"), Value::Int(5)]).unwrap().is_null());
    }

    #[test]
    fn rank_default_descending() {
        let marks = j("[300,455,124,926,780]");
        assert_eq!(show("rank", &[marks.clone(), Value::Int(300)]), "4");
        let dec = j("[120.12,65,300.46,600.25,80.5]");
        assert_eq!(show("rank", &[dec.clone(), Value::Dec(80.5), t("ASC")]), "2");
        assert_eq!(show("rank", &[dec.clone(), Value::Dec(80.5), t("desc")]), "4");
        assert_eq!(
            err("rank", &[dec.clone(), Value::Int(100)]),
            "List contains invalid(TEXT) entries hence' can not be cast to 'valid list and perform desired operations"
        );
        assert!(err("rank", &[dec.clone(), Value::Int(65), t("up")]).contains("sort order"));
        assert!(err("rank", &[dec, Value::Bool(true)]).contains("invalid(BOOLEAN)"));
        assert_eq!(show("rank", &[j("[5,5,1]"), Value::Int(5)]), "1");
    }

    #[test]
    fn nth_largest_and_smallest() {
        let marks = j("[300,455,124,926,780]");
        assert_eq!(show("nthLargest", &[marks.clone(), Value::Int(5)]), "124");
        assert_eq!(show("nthLargest", &[marks.clone(), Value::Int(1)]), "926");
        assert_eq!(show("nthSmallest", &[marks.clone(), Value::Int(2)]), "300");
        assert!(err("nthLargest", &[marks.clone(), Value::Int(6)])
            .contains("greater than the collection size"));
        assert!(err("nthSmallest", &[marks, Value::Int(0)]).contains("starts from 1"));
    }
}
