//! Checks a parsed query against the module's records and resolves its names.
//!
//! The sandbox has no field metadata, so the module's records stand in for it: a field is
//! known when some record of the module has it (or it is a system field such as `id`,
//! `Owner`, `Created_Time`), and its type is read from the stored values. A module without
//! records accepts every field name.

use serde_json::Value;

use super::ast::{CmpOp, Column, Cond, Field, Func, Lit, Literal, Query, Test};
use super::compare::{is_date, is_number};
use super::error::CoqlError;
use crate::modules::Record;

/// Zoho (v7/v8): at most 10 fields in `order by`.
pub(crate) const MAX_ORDER_BY: usize = 10;
/// Zoho (v7/v8): at most 4 fields in `group by`.
pub(crate) const MAX_GROUP_BY: usize = 4;
/// Zoho (v7/v8): at most 5 aggregate columns.
pub(crate) const MAX_AGGREGATES: usize = 5;
/// Zoho: a lookup path follows at most two relations (`A.B.C`).
const MAX_PATH_PARTS: usize = 3;

/// Fields every CRM record has, whether or not the state file wrote them.
const SYSTEM_FIELDS: [&str; 6] =
    ["id", "Owner", "Created_By", "Modified_By", "Created_Time", "Modified_Time"];

/// A field resolved against the module: the first part in its stored spelling.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    pub(crate) parts: Vec<String>,
}

impl Path {
    pub(crate) fn key(&self) -> String {
        self.parts.join(".")
    }
}

/// A selected column, resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Col {
    Field(Path),
    Aggregate(Func, Path),
}

/// One column of the answer: its key (alias, field or `SUM(Amount)`) and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub(crate) key: String,
    pub(crate) col: Col,
}

/// The criteria with resolved fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Filter<'q> {
    And(Box<Filter<'q>>, Box<Filter<'q>>),
    Or(Box<Filter<'q>>, Box<Filter<'q>>),
    Test(Path, &'q Test),
}

/// A checked query, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan<'q> {
    pub(crate) items: Vec<Item>,
    pub(crate) filter: Option<Filter<'q>>,
    /// Whether rows are groups (`group by` or an aggregate column) rather than records.
    pub(crate) grouped: bool,
    pub(crate) group_by: Vec<Path>,
    pub(crate) order_by: Vec<(Col, bool)>,
}

/// What the stored values of a field look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No values, mixed values, a list, or a path through a lookup: every operator allowed.
    Any,
    Text,
    Number,
    Date,
    Bool,
    Lookup,
}

/// The module's fields as its records show them.
pub(crate) struct Schema<'s> {
    records: &'s [Record],
}

impl<'s> Schema<'s> {
    pub(crate) fn new(records: &'s [Record]) -> Schema<'s> {
        Schema { records }
    }

    /// The stored spelling of field `name` (case-insensitive), or the name as written when
    /// the module has no records; `None` when no record has it.
    fn field_name(&self, name: &str) -> Option<String> {
        let stored = self
            .records
            .iter()
            .find_map(|record| record.keys().find(|key| key.eq_ignore_ascii_case(name)));
        if let Some(stored) = stored {
            return Some(stored.clone());
        }
        if let Some(system) = SYSTEM_FIELDS.iter().find(|field| field.eq_ignore_ascii_case(name)) {
            return Some(system.to_string());
        }
        self.records.is_empty().then(|| name.to_string())
    }

    fn resolve(&self, field: &Field, clause: &str) -> Result<Path, CoqlError> {
        let invalid = || CoqlError::invalid_column(&field.text(), clause);
        if field.path.len() > MAX_PATH_PARTS || field.path.iter().any(String::is_empty) {
            return Err(invalid());
        }
        let first = self.field_name(&field.path[0]).ok_or_else(invalid)?;
        if field.path.len() > 1 && !self.may_be_lookup(&first) {
            return Err(invalid());
        }
        let mut parts = vec![first];
        parts.extend(field.path[1..].iter().cloned());
        Ok(Path { parts })
    }

    /// Whether `field` holds lookups (or nothing that says otherwise).
    fn may_be_lookup(&self, field: &str) -> bool {
        let mut values = self.values(field).peekable();
        values.peek().is_none() || values.any(|value| value.get("id").is_some())
    }

    fn values<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'s Value> + 'a {
        self.records.iter().filter_map(move |record| record.get(field)).filter(|value| {
            !value.is_null() && value.as_str().is_none_or(|text| !text.trim().is_empty())
        })
    }

    fn kind(&self, path: &Path) -> Kind {
        if path.parts.len() > 1 {
            return Kind::Any;
        }
        let mut kinds = self.values(&path.parts[0]).map(|value| match value {
            Value::Number(_) => Kind::Number,
            Value::Bool(_) => Kind::Bool,
            Value::Object(map) if map.contains_key("id") => Kind::Lookup,
            Value::String(text) if is_date(text) => Kind::Date,
            Value::String(text) if is_number(text) => Kind::Any,
            Value::String(_) => Kind::Text,
            _ => Kind::Any,
        });
        let Some(first) = kinds.next() else {
            return Kind::Any;
        };
        let mut merged = first;
        for kind in kinds {
            merged = match (merged, kind) {
                (a, b) if a == b => a,
                (Kind::Text, Kind::Date) | (Kind::Date, Kind::Text) => Kind::Text,
                _ => return Kind::Any,
            };
        }
        merged
    }
}

/// Checks `query` against the schema: names, operators, values, duplicates, aliases and
/// Zoho's per-clause limits.
pub(crate) fn plan<'q>(query: &'q Query, schema: &Schema<'_>) -> Result<Plan<'q>, CoqlError> {
    let mut items: Vec<Item> = Vec::new();
    let mut aggregates = 0;
    for item in &query.columns {
        let col = resolve_column(&item.column, schema, "select")?;
        let plain_key = col_key(&col);
        if items.iter().any(|seen| col_key(&seen.col) == plain_key) {
            return Err(match &col {
                Col::Aggregate(func, path) => {
                    CoqlError::duplicate_aggregate(&path.key(), func.name())
                }
                Col::Field(path) => CoqlError::duplicate_column(&path.key()),
            });
        }
        if matches!(col, Col::Aggregate(..)) {
            aggregates += 1;
            if aggregates > MAX_AGGREGATES {
                return Err(CoqlError::limit_exceeded("aggregate", aggregates, MAX_AGGREGATES));
            }
        }
        let key = match &item.alias {
            Some(alias) if alias.text.trim().is_empty() => {
                return Err(CoqlError::empty_alias(&plain_key));
            }
            Some(alias) => alias.text.clone(),
            None => plain_key,
        };
        items.push(Item { key, col });
    }
    check_aliases(query, &items)?;
    let filter = match &query.filter {
        Some(cond) => Some(resolve_filter(cond, schema)?),
        None => None,
    };
    if query.group_by.len() > MAX_GROUP_BY {
        return Err(CoqlError::limit_exceeded("group by", query.group_by.len(), MAX_GROUP_BY));
    }
    let mut group_by: Vec<Path> = Vec::new();
    for field in &query.group_by {
        let path = schema.resolve(field, "group by")?;
        if group_by.contains(&path) {
            return Err(CoqlError::duplicate_in(&path.key(), "group by"));
        }
        group_by.push(path);
    }
    let grouped = !group_by.is_empty() || aggregates > 0;
    if grouped {
        for item in &items {
            if let Col::Field(path) = &item.col {
                if !group_by.contains(path) {
                    return Err(CoqlError::invalid_query(
                        "a column selected with aggregates must be in group by",
                        &path.key(),
                    ));
                }
            }
        }
    }
    if query.order_by.len() > MAX_ORDER_BY {
        return Err(CoqlError::limit_exceeded("order by", query.order_by.len(), MAX_ORDER_BY));
    }
    let mut order_by: Vec<(Col, bool)> = Vec::new();
    for key in &query.order_by {
        let col = order_column(&key.column, &items, schema)?;
        if order_by.iter().any(|(seen, _)| *seen == col) {
            return Err(CoqlError::duplicate_in(&col_key(&col), "order by"));
        }
        match &col {
            Col::Field(path) if grouped && !group_by.contains(path) => {
                return Err(CoqlError::invalid_query(
                    "an order by column of a grouped query must be in group by",
                    &path.key(),
                ));
            }
            Col::Aggregate(..) if !grouped => {
                return Err(CoqlError::invalid_query(
                    "order by an aggregate needs aggregate columns or group by",
                    &col_key(&col),
                ));
            }
            _ => {}
        }
        order_by.push((col, key.descending));
    }
    Ok(Plan { items, filter, grouped, group_by, order_by })
}

fn col_key(col: &Col) -> String {
    match col {
        Col::Field(path) => path.key(),
        Col::Aggregate(func, path) => format!("{}({})", func.name(), path.key()),
    }
}

fn resolve_column(column: &Column, schema: &Schema<'_>, clause: &str) -> Result<Col, CoqlError> {
    Ok(match column {
        Column::Field(field) => Col::Field(schema.resolve(field, clause)?),
        Column::Aggregate { func, field, .. } => {
            let path = schema.resolve(field, clause)?;
            let kind = schema.kind(&path);
            let numeric_only = matches!(func, Func::Sum | Func::Avg);
            let refused = match kind {
                Kind::Text | Kind::Date | Kind::Bool | Kind::Lookup => numeric_only,
                Kind::Number | Kind::Any => false,
            };
            if refused {
                return Err(CoqlError::invalid_query(
                    "data type not supported by the aggregate function",
                    &path.key(),
                ));
            }
            Col::Aggregate(*func, path)
        }
    })
}

/// An `order by` column: an alias of a selected column, or a field or aggregate.
fn order_column(column: &Column, items: &[Item], schema: &Schema<'_>) -> Result<Col, CoqlError> {
    if let Column::Field(field) = column {
        if field.path.len() == 1 {
            if let Some(item) = items.iter().find(|item| item.key == field.path[0]) {
                return Ok(item.col.clone());
            }
        }
    }
    resolve_column(column, schema, "order by")
}

/// Aliases must be unique and must not be the name of another, unaliased column.
fn check_aliases(query: &Query, items: &[Item]) -> Result<(), CoqlError> {
    for (index, item) in query.columns.iter().enumerate() {
        let Some(alias) = &item.alias else { continue };
        let referred: Vec<String> = query
            .columns
            .iter()
            .zip(items)
            .filter(|(other, _)| other.alias.as_ref().is_some_and(|a| a.text == alias.text))
            .map(|(_, resolved)| col_key(&resolved.col))
            .collect();
        if referred.len() > 1 {
            return Err(CoqlError::duplicate_alias(&alias.text, &referred));
        }
        let clash =
            query.columns.iter().zip(items).enumerate().find(|(other, (column, resolved))| {
                *other != index
                    && column.alias.is_none()
                    && col_key(&resolved.col).eq_ignore_ascii_case(&alias.text)
            });
        if let Some((_, (_, resolved))) = clash {
            return Err(CoqlError::alias_is_column(&col_key(&resolved.col), &alias.text));
        }
    }
    Ok(())
}

fn resolve_filter<'q>(cond: &'q Cond, schema: &Schema<'_>) -> Result<Filter<'q>, CoqlError> {
    Ok(match cond {
        Cond::And(left, right) => Filter::And(
            Box::new(resolve_filter(left, schema)?),
            Box::new(resolve_filter(right, schema)?),
        ),
        Cond::Or(left, right) => Filter::Or(
            Box::new(resolve_filter(left, schema)?),
            Box::new(resolve_filter(right, schema)?),
        ),
        Cond::Test { field, test, .. } => {
            let path = schema.resolve(field, "where")?;
            check_test(&path, schema.kind(&path), test)?;
            Filter::Test(path, test)
        }
    })
}

/// The operators and values Zoho allows for each field type.
fn check_test(path: &Path, kind: Kind, test: &Test) -> Result<(), CoqlError> {
    let allowed = match (kind, test) {
        (Kind::Any, _) => true,
        (Kind::Text, Test::Compare(op, _)) => matches!(op, CmpOp::Eq | CmpOp::Ne),
        (Kind::Text, Test::Between { .. }) => false,
        (Kind::Text, _) => true,
        (Kind::Number | Kind::Date, Test::Like { .. }) => false,
        (Kind::Number | Kind::Date, _) => true,
        (Kind::Bool, test) => matches!(test, Test::Compare(CmpOp::Eq, _)),
        (Kind::Lookup, Test::Compare(op, _)) => matches!(op, CmpOp::Eq | CmpOp::Ne),
        (Kind::Lookup, test) => matches!(test, Test::In { .. } | Test::Null { .. }),
    };
    if !allowed {
        return Err(CoqlError::invalid_operator(&path.key(), test.operator()));
    }
    let literals: Vec<&Literal> = match test {
        Test::Compare(_, value) => vec![value],
        Test::In { values, .. } => values.iter().collect(),
        Test::Between { low, high, .. } => vec![low, high],
        Test::Like { .. } | Test::Null { .. } => Vec::new(),
    };
    for literal in literals {
        let fits = match (kind, &literal.value) {
            (Kind::Number, Lit::Number(_)) => true,
            (Kind::Number, Lit::Text(text)) => is_number(text),
            (Kind::Date, Lit::Text(text)) => is_date(text),
            (Kind::Bool, Lit::Bool(_)) => true,
            (Kind::Bool, Lit::Text(text)) => {
                text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
            }
            (Kind::Number | Kind::Date | Kind::Bool, _) => false,
            (Kind::Text | Kind::Lookup, Lit::Bool(_)) => false,
            _ => true,
        };
        if !fits {
            return Err(CoqlError::invalid_value(&path.key(), &literal.raw));
        }
    }
    Ok(())
}
