//! Runs a checked query over the CRM records: filter, group, sort, page, project.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::ast::{CmpOp, Func, Lit, Test};
use super::compare::{self, equals, like, number_value, numeric, order_values, scalars};
use super::plan::{Col, Filter, Path, Plan};
use crate::modules::{id_text, Modules, Record};

/// Which rows of the result to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    pub(crate) offset: usize,
    pub(crate) limit: usize,
}

/// The answer body, or `None` when no row matches (204 No Content).
pub(crate) fn run(
    store: &Modules,
    records: &[Record],
    plan: &Plan<'_>,
    page: Page,
) -> Option<Value> {
    let lookups = Lookups::new(store, plan);
    let matching: Vec<&Record> = records
        .iter()
        .filter(|record| plan.filter.as_ref().is_none_or(|filter| lookups.holds(filter, record)))
        .collect();
    let rows = if plan.grouped {
        grouped_rows(&lookups, plan, matching)
    } else {
        record_rows(&lookups, plan, matching)
    };
    let total = rows.len();
    let data: Vec<Value> = rows.into_iter().skip(page.offset).take(page.limit).collect();
    if data.is_empty() {
        return None;
    }
    let more_records = total > page.offset.saturating_add(data.len());
    let count = data.len();
    Some(json!({"data": data, "info": {"count": count, "more_records": more_records}}))
}

/// Follows lookup paths: the id in a lookup field names a record of any CRM module.
struct Lookups<'s> {
    by_id: HashMap<String, &'s Record>,
}

impl<'s> Lookups<'s> {
    /// Indexes records by id only when some path of the plan goes through a lookup.
    fn new(store: &'s Modules, plan: &Plan<'_>) -> Lookups<'s> {
        let mut by_id = HashMap::new();
        if plan_has_lookup_path(plan) {
            for (_, records) in store.entries() {
                for record in records {
                    if let Some(id) = id_text(record.get("id")) {
                        by_id.entry(id).or_insert(record);
                    }
                }
            }
        }
        Lookups { by_id }
    }

    /// The value at `path` in `record`: `Account_Name.Account_Name` reads the lookup's id,
    /// then that field of the record with that id (or of the lookup object itself, such as
    /// `Owner.email`, when no record has the id).
    fn get<'a>(&'a self, record: &'a Record, path: &Path) -> Option<&'a Value> {
        let (first, rest) = path.parts.split_first()?;
        let mut value = record.get(first)?;
        for part in rest {
            let object = value.as_object()?;
            let target = id_text(object.get("id")).and_then(|id| self.by_id.get(&id).copied());
            value = match target {
                Some(target) => field(target, part)?,
                None => field(object, part)?,
            };
        }
        Some(value)
    }

    fn holds(&self, filter: &Filter<'_>, record: &Record) -> bool {
        match filter {
            Filter::And(left, right) => self.holds(left, record) && self.holds(right, record),
            Filter::Or(left, right) => self.holds(left, record) || self.holds(right, record),
            Filter::Test(path, test) => test_holds(self.get(record, path), test),
        }
    }
}

/// A field of a record or lookup object: exact name first, then ignoring case.
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value)
    })
}

fn plan_has_lookup_path(plan: &Plan<'_>) -> bool {
    fn in_filter(filter: &Filter<'_>) -> bool {
        match filter {
            Filter::And(left, right) | Filter::Or(left, right) => {
                in_filter(left) || in_filter(right)
            }
            Filter::Test(path, _) => path.parts.len() > 1,
        }
    }
    let col_path = |col: &Col| match col {
        Col::Field(path) | Col::Aggregate(_, path) => path.parts.len() > 1,
    };
    plan.items.iter().any(|item| col_path(&item.col))
        || plan.filter.as_ref().is_some_and(in_filter)
        || plan.group_by.iter().any(|path| path.parts.len() > 1)
        || plan.order_by.iter().any(|(col, _)| col_path(col))
}

/// Whether a stored value passes a test. An empty value passes only `is null`; a list
/// (multi-select) passes a positive test when one element does, a negative test when none
/// fails it.
fn test_holds(value: Option<&Value>, test: &Test) -> bool {
    let values = scalars(value);
    if let Test::Null { negated } = test {
        return values.is_empty() != *negated;
    }
    if values.is_empty() {
        return false;
    }
    let any = |check: &dyn Fn(compare::Scalar<'_>) -> bool| values.iter().any(|&s| check(s));
    match test {
        Test::Compare(CmpOp::Ne, literal) => !any(&|s| equals(s, &literal.value)),
        Test::Compare(op, literal) => any(&|s| {
            compare::compare(s, &literal.value).is_some_and(|order| match op {
                CmpOp::Eq => order == Ordering::Equal,
                CmpOp::Lt => order == Ordering::Less,
                CmpOp::Le => order != Ordering::Greater,
                CmpOp::Gt => order == Ordering::Greater,
                CmpOp::Ge => order != Ordering::Less,
                CmpOp::Ne => order != Ordering::Equal,
            })
        }),
        Test::Like { negated, pattern } => {
            let Lit::Text(pattern) = &pattern.value else { return false };
            any(&|s| like(s, pattern)) != *negated
        }
        Test::In { negated, values: list } => {
            any(&|s| list.iter().any(|literal| equals(s, &literal.value))) != *negated
        }
        Test::Between { negated, low, high } => {
            let inside = |s: compare::Scalar<'_>| {
                compare::compare(s, &low.value).is_some_and(|order| order != Ordering::Less)
                    && compare::compare(s, &high.value)
                        .is_some_and(|order| order != Ordering::Greater)
            };
            any(&inside) != *negated
        }
        Test::Null { .. } => false,
    }
}

/// A stored value as the answer shows it: a lookup as `{"id": …}`, nothing as `null`.
fn project(value: Option<&Value>) -> Value {
    match value {
        Some(Value::Object(map)) => match map.get("id") {
            Some(id) => json!({"id": id}),
            None => Value::Object(map.clone()),
        },
        Some(value) => value.clone(),
        None => Value::Null,
    }
}

/// One row per record, sorted by the `order by` keys and then by id (ascending id when
/// there is no `order by`); `id` is added when not selected.
fn record_rows(lookups: &Lookups<'_>, plan: &Plan<'_>, mut records: Vec<&Record>) -> Vec<Value> {
    records.sort_by(|a, b| {
        for (col, descending) in &plan.order_by {
            let Col::Field(path) = col else { continue };
            let order = order_values(lookups.get(a, path), lookups.get(b, path));
            let order = if *descending { order.reverse() } else { order };
            if order != Ordering::Equal {
                return order;
            }
        }
        order_values(a.get("id"), b.get("id"))
    });
    records
        .into_iter()
        .map(|record| {
            let mut row = Map::new();
            for item in &plan.items {
                if let Col::Field(path) = &item.col {
                    row.insert(item.key.clone(), project(lookups.get(record, path)));
                }
            }
            if !row.contains_key("id") {
                row.insert("id".to_string(), project(record.get("id")));
            }
            Value::Object(row)
        })
        .collect()
}

/// One row per group (records equal on every `group by` field, text ignoring case); no
/// `group by` makes one group of everything. Groups come in ascending order of their keys
/// unless `order by` says otherwise.
fn grouped_rows(lookups: &Lookups<'_>, plan: &Plan<'_>, mut records: Vec<&Record>) -> Vec<Value> {
    let group_order = |a: &&Record, b: &&Record| {
        plan.group_by
            .iter()
            .map(|path| order_values(lookups.get(a, path), lookups.get(b, path)))
            .find(|order| *order != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    };
    records.sort_by(group_order);
    let mut groups: Vec<Vec<&Record>> = Vec::new();
    for record in records {
        match groups.last_mut() {
            Some(group) if group_order(&group[0], &record) == Ordering::Equal => group.push(record),
            _ => groups.push(vec![record]),
        }
    }
    if groups.is_empty() && plan.group_by.is_empty() {
        groups.push(Vec::new());
    }
    let mut rows: Vec<(Map<String, Value>, Vec<Value>)> = groups
        .iter()
        .map(|group| {
            let mut row = Map::new();
            for item in &plan.items {
                row.insert(item.key.clone(), column_value(lookups, &item.col, group));
            }
            let sort_keys =
                plan.order_by.iter().map(|(col, _)| column_value(lookups, col, group)).collect();
            (row, sort_keys)
        })
        .collect();
    rows.sort_by(|(_, a), (_, b)| {
        a.iter()
            .zip(b)
            .zip(&plan.order_by)
            .map(|((a, b), (_, descending))| {
                let order = order_values(Some(a), Some(b));
                if *descending {
                    order.reverse()
                } else {
                    order
                }
            })
            .find(|order| *order != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    rows.into_iter().map(|(row, _)| Value::Object(row)).collect()
}

/// A column's value for a group: a grouped field's value, or an aggregate.
fn column_value(lookups: &Lookups<'_>, col: &Col, group: &[&Record]) -> Value {
    match col {
        Col::Field(path) => project(group.first().and_then(|record| lookups.get(record, path))),
        Col::Aggregate(func, path) => {
            let values = group.iter().map(|record| lookups.get(record, path));
            aggregate(*func, values)
        }
    }
}

/// `COUNT` counts non-empty values; `SUM` adds numbers (0 when there are none); `AVG` is
/// their mean; `MAX`/`MIN` pick by the sort order. Empty values are skipped; `AVG`, `MAX`
/// and `MIN` of nothing are `null`.
fn aggregate<'a>(func: Func, values: impl Iterator<Item = Option<&'a Value>>) -> Value {
    let present: Vec<&Value> = values.flatten().filter(|v| !scalars(Some(v)).is_empty()).collect();
    match func {
        Func::Count => json!(present.len()),
        Func::Sum => number_value(present.iter().filter_map(|v| numeric(Some(v))).sum()),
        Func::Avg => {
            let numbers: Vec<f64> = present.iter().filter_map(|v| numeric(Some(v))).collect();
            if numbers.is_empty() {
                Value::Null
            } else {
                number_value(numbers.iter().sum::<f64>() / numbers.len() as f64)
            }
        }
        Func::Max | Func::Min => {
            let pick = present.into_iter().reduce(|best, value| {
                let order = order_values(Some(value), Some(best));
                let better = if func == Func::Max {
                    order == Ordering::Greater
                } else {
                    order == Ordering::Less
                };
                if better {
                    value
                } else {
                    best
                }
            });
            project(pick)
        }
    }
}
