//! Zoho Creator: the application's forms and records, and the operations Deluge record
//! statements and the Creator REST API perform on them (fetch with criteria, sort and range;
//! insert; update; delete).
//!
//! State: `{"creator": {"owner": "acme", "app": "orders_app", "fields": {"Orders": […]},
//! "forms": {"Orders": [{"ID": 4001, …}]}}}`. Record ids are numbers (Creator's are 64-bit
//! integers); records without one get the next id of the sandbox counter. A form's fields
//! are the ones `fields` declares for it, else every field its records carry when the state
//! is loaded, plus the system fields.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

use crate::counters::Counters;
use crate::SandboxError;

/// Owner (account) name a state without `owner` has.
pub const DEFAULT_OWNER: &str = "sandbox";
/// Application link name a state without `app` has.
pub const DEFAULT_APP: &str = "sandbox_app";

/// Fields every Creator form has; they may be read and used in criteria, not written.
pub const SYSTEM_FIELDS: &[&str] =
    &["ID", "Added_Time", "Modified_Time", "Added_User", "Modified_User"];

/// A stored record: field name → value, in the order given.
pub type CreatorRecord = Map<String, Value>;

/// One form: its fields and records (in insertion order).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Form {
    pub(crate) name: String,
    /// Declared in the state's `fields`, or derived from the records at load.
    pub(crate) fields: Vec<String>,
    /// Whether `fields` was declared (then it is written back).
    pub(crate) declared: bool,
    pub(crate) records: Vec<CreatorRecord>,
    /// Fields `mandatory` declares: an insert must give them a value, an update cannot
    /// empty them.
    pub(crate) mandatory: Vec<String>,
    /// Lookup fields `lookups` declares: field → the form whose record ID it holds.
    pub(crate) lookups: Vec<(String, String)>,
}

impl Form {
    fn empty(name: String) -> Form {
        Form {
            name,
            fields: Vec::new(),
            declared: false,
            records: Vec::new(),
            mandatory: Vec::new(),
            lookups: Vec::new(),
        }
    }
}

/// The Creator application the sandbox holds.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatorApp {
    pub(crate) owner: String,
    pub(crate) app: String,
    pub(crate) forms: Vec<Form>,
    /// `permissions`: the app's roles and permissions (profiles) and each user's.
    pub(crate) permissions: Permissions,
    /// Whether the state file had a `creator` part (it is written back only then, or after
    /// a write).
    pub(crate) present: bool,
}

impl Default for CreatorApp {
    fn default() -> CreatorApp {
        CreatorApp {
            owner: DEFAULT_OWNER.to_string(),
            app: DEFAULT_APP.to_string(),
            forms: Vec::new(),
            permissions: Permissions::default(),
            present: false,
        }
    }
}

/// The `permissions` part of the Creator state: which roles and permissions (Creator's
/// name for profiles) exist, and each user's role and permission. Answers
/// `thisapp.permissions.*`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Permissions {
    pub(crate) roles: Vec<String>,
    pub(crate) profiles: Vec<String>,
    /// User (e-mail or name) → (role, permission).
    pub(crate) users: Vec<(String, Option<String>, Option<String>)>,
    /// Whether the state declared it (it is written back only then).
    pub(crate) declared: bool,
}

/// How a criteria condition compares a field with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`: equal to one of the values of a list.
    In,
    /// `not in`: equal to none of them (an empty field is in no list).
    NotIn,
}

/// A text test of a criteria condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    /// `Field.contains(x)`
    Contains,
    /// `Field.notContains(x)`
    NotContains,
    /// `Field.startsWith(x)`
    StartsWith,
    /// `Field.endsWith(x)`
    EndsWith,
}

/// Record criteria, as Deluge's `Form[criteria]` and the REST API's `criteria` parameter
/// express them. Values are JSON; dates are Creator texts (`15-Jan-2024`,
/// `15-Jan-2024 10:30:00`) and compare as dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Criteria {
    /// Every record.
    All,
    /// All must hold.
    And(Vec<Criteria>),
    /// One must hold.
    Or(Vec<Criteria>),
    /// Must not hold.
    Not(Box<Criteria>),
    /// `Field op value`. `== null` matches a missing, null or empty value.
    Compare {
        /// Field link name.
        field: String,
        /// The comparison.
        op: CompareOp,
        /// The value compared with.
        value: Value,
    },
    /// `Field.contains("x")` and friends (case-sensitive).
    Text {
        /// Field link name.
        field: String,
        /// The test.
        op: TextOp,
        /// The text looked for.
        value: Value,
    },
    /// `Field.isEmpty()` / `Field == null`; `negated` for `!Field.isEmpty()`.
    Empty {
        /// Field link name.
        field: String,
    },
}

impl Criteria {
    /// Field names the criteria mention, in order.
    pub fn fields(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Criteria::All => {}
            Criteria::And(items) | Criteria::Or(items) => {
                items.iter().for_each(|c| c.collect_fields(out))
            }
            Criteria::Not(inner) => inner.collect_fields(out),
            Criteria::Compare { field, .. }
            | Criteria::Text { field, .. }
            | Criteria::Empty { field } => out.push(field),
        }
    }

    /// Whether `record` satisfies the criteria (fields of the record itself; a lookup path
    /// `Lookup.Field` needs the application: [`CreatorApp::fetch`] follows it).
    pub fn matches(&self, record: &CreatorRecord) -> bool {
        self.matches_with(record, &|r, f| r.get(f).cloned().unwrap_or(Value::Null))
    }

    fn matches_with(
        &self,
        record: &CreatorRecord,
        get: &dyn Fn(&CreatorRecord, &str) -> Value,
    ) -> bool {
        match self {
            Criteria::All => true,
            Criteria::And(items) => items.iter().all(|c| c.matches_with(record, get)),
            Criteria::Or(items) => items.iter().any(|c| c.matches_with(record, get)),
            Criteria::Not(inner) => !inner.matches_with(record, get),
            Criteria::Compare { field, op, value } => {
                compare_matches(&get(record, field), *op, value)
            }
            Criteria::Text { field, op, value } => {
                let have = &get(record, field);
                if is_empty(have) {
                    return *op == TextOp::NotContains;
                }
                let (have, want) = (display(have), display(value));
                match op {
                    TextOp::Contains => have.contains(&want),
                    TextOp::NotContains => !have.contains(&want),
                    TextOp::StartsWith => have.starts_with(&want),
                    TextOp::EndsWith => have.ends_with(&want),
                }
            }
            Criteria::Empty { field } => is_empty(&get(record, field)),
        }
    }
}

/// A fetch: which form, which records, in which order, which slice.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    /// Form link name.
    pub form: String,
    /// Which records (`Criteria::All` for every one).
    pub criteria: Criteria,
    /// `sort by Field [desc]`.
    pub sort: Option<(String, bool)>,
    /// `range from S to E`: 1-based, inclusive.
    pub range: Option<(i64, i64)>,
}

/// Why a Creator operation failed; the message names the form or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreatorError {
    /// No form of that name.
    UnknownForm(String),
    /// A field the form does not have.
    UnknownField {
        /// Form link name.
        form: String,
        /// The field as written.
        field: String,
        /// The form's field with the same name in another case, if any.
        near: Option<String>,
    },
    /// A system field (`ID`, `Added_Time`, …) given a value.
    SystemField(String),
    /// A mandatory field left empty by an insert or emptied by an update.
    Mandatory {
        /// Form link name.
        form: String,
        /// The field.
        field: String,
    },
    /// No record with that ID.
    NoRecord {
        /// Form link name.
        form: String,
        /// The ID looked for.
        id: String,
    },
}

impl std::fmt::Display for CreatorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CreatorError::UnknownForm(form) => write!(f, "the application has no form '{form}'"),
            CreatorError::UnknownField { form, field, near } => {
                write!(f, "form '{form}' has no field '{field}'")?;
                if let Some(near) = near {
                    write!(f, " (did you mean '{near}'? field names are case-sensitive)")?;
                }
                Ok(())
            }
            CreatorError::SystemField(field) => {
                write!(f, "'{field}' is a system field; scripts cannot set it")
            }
            CreatorError::Mandatory { form, field } => {
                write!(f, "form '{form}': field '{field}' is mandatory and cannot be empty")
            }
            CreatorError::NoRecord { form, id } => {
                write!(f, "form '{form}' has no record with ID {id}")
            }
        }
    }
}

impl CreatorApp {
    /// The owner (account) name of the application.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The application's link name.
    pub fn app(&self) -> &str {
        &self.app
    }

    /// Form names, in state order.
    pub fn form_names(&self) -> Vec<&str> {
        self.forms.iter().map(|f| f.name.as_str()).collect()
    }

    pub(crate) fn form_index(&self, name: &str) -> Result<usize, CreatorError> {
        self.forms
            .iter()
            .position(|f| f.name == name)
            .or_else(|| self.forms.iter().position(|f| f.name.eq_ignore_ascii_case(name)))
            .ok_or_else(|| CreatorError::UnknownForm(name.to_string()))
    }

    /// Checks that `field` is a field of form `index` (system fields included). A lookup path
    /// `Lookup.Field` needs `Lookup` to be a field of the form and `Field` one of the looked-up
    /// form (the declared one, else any form).
    fn check_field(&self, index: usize, field: &str) -> Result<(), CreatorError> {
        if let Some((lookup, rest)) = field.split_once('.') {
            self.check_field(index, lookup)?;
            return match self.lookup_target(index, lookup) {
                Some(target) => self.check_field(target, rest),
                None => {
                    let last = rest.rsplit('.').next().unwrap_or(rest);
                    if (0..self.forms.len()).any(|i| self.check_field(i, last).is_ok()) {
                        Ok(())
                    } else {
                        Err(CreatorError::UnknownField {
                            form: self.forms[index].name.clone(),
                            field: field.to_string(),
                            near: None,
                        })
                    }
                }
            };
        }
        let form = &self.forms[index];
        if SYSTEM_FIELDS.contains(&field) || form.fields.iter().any(|f| f == field) {
            return Ok(());
        }
        let near = form
            .fields
            .iter()
            .map(String::as_str)
            .chain(SYSTEM_FIELDS.iter().copied())
            .find(|f| f.eq_ignore_ascii_case(field))
            .map(str::to_string);
        Err(CreatorError::UnknownField { form: form.name.clone(), field: field.to_string(), near })
    }

    /// The form a lookup field of form `index` refers to, when `lookups` declares it.
    fn lookup_target(&self, index: usize, field: &str) -> Option<usize> {
        let (_, target) = self.forms[index].lookups.iter().find(|(f, _)| f == field)?;
        self.form_index(target).ok()
    }

    /// The value of `field` in a record of form `index`; `Lookup.Field` follows the ID the
    /// lookup holds into the looked-up form (declared in `lookups`, else the first form, in
    /// state order, with a record of that ID), as deep as the path goes. A multi-select
    /// lookup (a list of IDs) gives the list of the looked-up values.
    fn field_value(&self, index: usize, record: &CreatorRecord, field: &str) -> Value {
        let Some((lookup, rest)) = field.split_once('.') else {
            return record.get(field).cloned().unwrap_or(Value::Null);
        };
        let follow = |id: &Value| -> Value {
            let target = self.lookup_target(index, lookup).or_else(|| {
                (0..self.forms.len())
                    .find(|&i| self.forms[i].records.iter().any(|r| same_id(r, id)))
            });
            let Some(t) = target else { return Value::Null };
            match self.forms[t].records.iter().find(|r| same_id(r, id)) {
                Some(r) => self.field_value(t, r, rest),
                None => Value::Null,
            }
        };
        match record.get(lookup) {
            None | Some(Value::Null) => Value::Null,
            Some(Value::Array(ids)) => Value::Array(ids.iter().map(follow).collect()),
            Some(id) => follow(id),
        }
    }

    /// The records a fetch selects, copied, in the fetch's order.
    pub fn fetch(&self, fetch: &Fetch) -> Result<Vec<CreatorRecord>, CreatorError> {
        let index = self.form_index(&fetch.form)?;
        for field in fetch.criteria.fields() {
            self.check_field(index, field)?;
        }
        if let Some((field, _)) = &fetch.sort {
            self.check_field(index, field)?;
        }
        let get = |r: &CreatorRecord, f: &str| self.field_value(index, r, f);
        let mut found: Vec<&CreatorRecord> = self.forms[index]
            .records
            .iter()
            .filter(|r| fetch.criteria.matches_with(r, &get))
            .collect();
        if let Some((field, desc)) = &fetch.sort {
            found.sort_by(|a, b| {
                let (x, y) = (get(a, field), get(b, field));
                let order = sort_order(&x, &y);
                if *desc {
                    order.reverse()
                } else {
                    order
                }
            });
        }
        let found = match fetch.range {
            None => found,
            Some((start, end)) => {
                let start = start.max(1);
                if end < start {
                    Vec::new()
                } else {
                    let skip = usize::try_from(start - 1).unwrap_or(usize::MAX);
                    let take = usize::try_from(end - start + 1).unwrap_or(usize::MAX);
                    found.into_iter().skip(skip).take(take).collect()
                }
            }
        };
        Ok(found.into_iter().cloned().collect())
    }

    /// Adds a record; returns its new ID. `ID` and the times come from the counters.
    pub(crate) fn insert(
        &mut self,
        form: &str,
        fields: &CreatorRecord,
        counters: &mut Counters,
    ) -> Result<i64, CreatorError> {
        let index = self.form_index(form)?;
        for (field, _) in fields {
            if field == "Added_User" {
                continue;
            }
            if SYSTEM_FIELDS.contains(&field.as_str()) {
                return Err(CreatorError::SystemField(field.clone()));
            }
            self.check_field(index, field)?;
        }
        let form_name = &self.forms[index].name;
        for field in &self.forms[index].mandatory {
            if fields.get(field).is_none_or(is_empty) {
                return Err(CreatorError::Mandatory {
                    form: form_name.clone(),
                    field: field.clone(),
                });
            }
        }
        let id = next_id(counters);
        let time = counters.creator_time();
        let mut record = Map::new();
        record.insert("ID".into(), Value::Number(Number::from(id)));
        for (field, value) in fields {
            if field != "Added_User" {
                record.insert(field.clone(), value.clone());
            }
        }
        record.insert("Added_Time".into(), Value::String(time.clone()));
        record.insert("Modified_Time".into(), Value::String(time));
        self.forms[index].records.push(record);
        self.present = true;
        Ok(id)
    }

    /// Sets fields of the record with `id`; `Modified_Time` moves on.
    pub(crate) fn update(
        &mut self,
        form: &str,
        id: &Value,
        fields: &CreatorRecord,
        counters: &mut Counters,
    ) -> Result<CreatorRecord, CreatorError> {
        let index = self.form_index(form)?;
        for (field, _) in fields {
            if SYSTEM_FIELDS.contains(&field.as_str()) {
                return Err(CreatorError::SystemField(field.clone()));
            }
            self.check_field(index, field)?;
        }
        let name = self.forms[index].name.clone();
        for (field, value) in fields {
            if is_empty(value) && self.forms[index].mandatory.contains(field) {
                return Err(CreatorError::Mandatory { form: name, field: field.clone() });
            }
        }
        let Some(record) = self.forms[index].records.iter_mut().find(|r| same_id(r, id)) else {
            return Err(CreatorError::NoRecord { form: name, id: display(id) });
        };
        for (field, value) in fields {
            record.insert(field.clone(), value.clone());
        }
        record.insert("Modified_Time".into(), Value::String(counters.creator_time()));
        self.present = true;
        Ok(record.clone())
    }

    /// Deletes the records a fetch selects; returns them.
    pub(crate) fn delete(&mut self, fetch: &Fetch) -> Result<Vec<CreatorRecord>, CreatorError> {
        let gone = self.fetch(fetch)?;
        let index = self.form_index(&fetch.form)?;
        let ids: Vec<Value> = gone.iter().filter_map(|r| r.get("ID").cloned()).collect();
        self.forms[index].records.retain(|r| !ids.iter().any(|id| same_id(r, id)));
        // Documented: deleting a lookup target empties the lookup in the records that refer
        // to it (even a mandatory one). Only declared lookups are followed.
        let target = self.forms[index].name.clone();
        for form in &mut self.forms {
            let fields: Vec<String> =
                form.lookups.iter().filter(|(_, t)| *t == target).map(|(f, _)| f.clone()).collect();
            for record in &mut form.records {
                for field in &fields {
                    let hit = |v: &Value| ids.iter().any(|id| display(v) == display(id));
                    match record.get_mut(field) {
                        Some(Value::Array(items)) => items.retain(|v| !hit(v)),
                        Some(v) if hit(v) => *v = Value::Null,
                        _ => {}
                    }
                }
            }
        }
        self.present = true;
        Ok(gone)
    }

    /// The record of `form` with `id`.
    pub(crate) fn by_id(&self, form: &str, id: &Value) -> Result<CreatorRecord, CreatorError> {
        let index = self.form_index(form)?;
        let f = &self.forms[index];
        f.records
            .iter()
            .find(|r| same_id(r, id))
            .cloned()
            .ok_or_else(|| CreatorError::NoRecord { form: f.name.clone(), id: display(id) })
    }

    /// The state part, `{"owner", "app", "fields"?, "forms"}`.
    pub(crate) fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("owner".into(), Value::String(self.owner.clone()));
        out.insert("app".into(), Value::String(self.app.clone()));
        let declared: Map<String, Value> = self
            .forms
            .iter()
            .filter(|f| f.declared)
            .map(|f| {
                (
                    f.name.clone(),
                    Value::Array(f.fields.iter().cloned().map(Value::String).collect()),
                )
            })
            .collect();
        if !declared.is_empty() {
            out.insert("fields".into(), Value::Object(declared));
        }
        let texts = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
        let mandatory: Map<String, Value> = self
            .forms
            .iter()
            .filter(|f| !f.mandatory.is_empty())
            .map(|f| (f.name.clone(), texts(&f.mandatory)))
            .collect();
        if !mandatory.is_empty() {
            out.insert("mandatory".into(), Value::Object(mandatory));
        }
        let lookups: Map<String, Value> = self
            .forms
            .iter()
            .filter(|f| !f.lookups.is_empty())
            .map(|f| {
                let pairs = f.lookups.iter().map(|(k, t)| (k.clone(), Value::String(t.clone())));
                (f.name.clone(), Value::Object(pairs.collect()))
            })
            .collect();
        if !lookups.is_empty() {
            out.insert("lookups".into(), Value::Object(lookups));
        }
        let p = &self.permissions;
        if p.declared {
            let users: Map<String, Value> = p
                .users
                .iter()
                .map(|(u, role, profile)| {
                    let mut entry = Map::new();
                    if let Some(r) = role {
                        entry.insert("role".into(), Value::String(r.clone()));
                    }
                    if let Some(r) = profile {
                        entry.insert("profile".into(), Value::String(r.clone()));
                    }
                    (u.clone(), Value::Object(entry))
                })
                .collect();
            let mut perms = Map::new();
            perms.insert("roles".into(), texts(&p.roles));
            perms.insert("profiles".into(), texts(&p.profiles));
            perms.insert("users".into(), Value::Object(users));
            out.insert("permissions".into(), Value::Object(perms));
        }
        let forms: Map<String, Value> = self
            .forms
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    Value::Array(f.records.iter().cloned().map(Value::Object).collect()),
                )
            })
            .collect();
        out.insert("forms".into(), Value::Object(forms));
        Value::Object(out)
    }
}

/// The next record id as a number.
fn next_id(counters: &mut Counters) -> i64 {
    counters.id().parse::<i64>().unwrap_or(i64::MAX)
}

/// Whether the record's `ID` is `id` (a number or its text).
pub(crate) fn same_id(record: &CreatorRecord, id: &Value) -> bool {
    record.get("ID").is_some_and(|have| display(have) == display(id))
}

/// Missing, null, empty text or empty list.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// A value as plain text (numbers without quotes, text as is).
pub(crate) fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
                return None;
            }
            t.parse().ok()
        }
        Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A Creator date (`15-Jan-2024`) or date-time (`15-Jan-2024 10:30:00`), or ISO
/// (`2024-01-15`, `2024-01-15T10:30:00`), as a sortable number of seconds.
pub(crate) fn as_date(v: &Value) -> Option<i64> {
    let Value::String(s) = v else { return None };
    let s = s.trim();
    let fmts = ["%d-%b-%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"];
    for f in fmts {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc().timestamp());
        }
    }
    for f in ["%d-%b-%Y", "%Y-%m-%d"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
        }
    }
    None
}

/// Orders two non-null values: numbers and dates by value, else by text.
fn value_order(a: &Value, b: &Value) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        return x.partial_cmp(&y);
    }
    if let (Some(x), Some(y)) = (as_date(a), as_date(b)) {
        return Some(x.cmp(&y));
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => None,
        _ => Some(display(a).cmp(&display(b))),
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    if let Value::Array(items) = a {
        // A multi-select or subform list matches when one of its values does.
        return items.iter().any(|item| equal(item, b));
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => {
            s.eq_ignore_ascii_case(if *x { "true" } else { "false" })
        }
        _ => value_order(a, b) == Some(Ordering::Equal),
    }
}

fn compare_matches(have: &Value, op: CompareOp, want: &Value) -> bool {
    if matches!(op, CompareOp::In | CompareOp::NotIn) {
        let found = match want {
            Value::Array(items) => !is_empty(have) && items.iter().any(|w| equal(have, w)),
            other => !is_empty(have) && equal(have, other),
        };
        return found == (op == CompareOp::In);
    }
    if want.is_null() {
        return match op {
            CompareOp::Eq => is_empty(have),
            CompareOp::Ne => !is_empty(have),
            _ => false,
        };
    }
    match op {
        CompareOp::Eq => !is_empty(have) && equal(have, want),
        CompareOp::Ne => is_empty(have) || !equal(have, want),
        _ => {
            if is_empty(have) {
                return false;
            }
            let Some(order) = value_order(have, want) else { return false };
            match op {
                CompareOp::Lt => order == Ordering::Less,
                CompareOp::Le => order != Ordering::Greater,
                CompareOp::Gt => order == Ordering::Greater,
                CompareOp::Ge => order != Ordering::Less,
                CompareOp::Eq | CompareOp::Ne | CompareOp::In | CompareOp::NotIn => false,
            }
        }
    }
}

/// Sort order: empty values first, then by value.
fn sort_order(a: &Value, b: &Value) -> Ordering {
    match (is_empty(a), is_empty(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => value_order(a, b).unwrap_or(Ordering::Equal),
    }
}

/// Reads the `creator` part of a state file.
pub(crate) fn load(value: Value, counters: &mut Counters) -> Result<CreatorApp, SandboxError> {
    let invalid = |path: &str, message: &str| SandboxError::Invalid {
        path: path.to_string(),
        message: message.to_string(),
    };
    let Value::Object(map) = value else {
        return Err(invalid("creator", "must be an object with \"forms\""));
    };
    let mut app = CreatorApp { present: true, ..CreatorApp::default() };
    let mut declared: Vec<(String, Vec<String>)> = Vec::new();
    let mut mandatory: Vec<(String, Vec<String>)> = Vec::new();
    let mut lookups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut forms_value = None;
    for (key, value) in map {
        match key.as_str() {
            "owner" | "app" => {
                let Value::String(text) = value else {
                    return Err(invalid(&format!("creator.{key}"), "must be a text"));
                };
                if text.trim().is_empty() {
                    return Err(invalid(&format!("creator.{key}"), "must not be empty"));
                }
                if key == "owner" {
                    app.owner = text;
                } else {
                    app.app = text;
                }
            }
            "fields" => {
                let Value::Object(forms) = value else {
                    return Err(invalid(
                        "creator.fields",
                        "must be an object of form → list of field names",
                    ));
                };
                for (form, list) in forms {
                    let path = format!("creator.fields.{form}");
                    let Value::Array(items) = list else {
                        return Err(invalid(&path, "must be a list of field names"));
                    };
                    let mut names = Vec::new();
                    for (i, item) in items.into_iter().enumerate() {
                        match item {
                            Value::String(s) if !s.is_empty() => names.push(s),
                            _ => {
                                return Err(invalid(
                                    &format!("{path}[{i}]"),
                                    "a field name must be a non-empty text",
                                ))
                            }
                        }
                    }
                    declared.push((form, names));
                }
            }
            "forms" => forms_value = Some(value),
            "mandatory" => {
                let Value::Object(forms) = value else {
                    return Err(invalid(
                        "creator.mandatory",
                        "must be an object of form → list of field names",
                    ));
                };
                for (form, list) in forms {
                    mandatory
                        .push((form.clone(), names(list, &format!("creator.mandatory.{form}"))?));
                }
            }
            "lookups" => {
                let Value::Object(forms) = value else {
                    return Err(invalid(
                        "creator.lookups",
                        "must be an object of form → {lookup field: looked-up form}",
                    ));
                };
                for (form, map) in forms {
                    let path = format!("creator.lookups.{form}");
                    let Value::Object(map) = map else {
                        return Err(invalid(
                            &path,
                            "must be an object of lookup field → looked-up form",
                        ));
                    };
                    let mut pairs = Vec::new();
                    for (field, target) in map {
                        match target {
                            Value::String(t) if !t.is_empty() => pairs.push((field, t)),
                            _ => {
                                return Err(invalid(
                                    &format!("{path}.{field}"),
                                    "must be the looked-up form's name",
                                ))
                            }
                        }
                    }
                    lookups.push((form, pairs));
                }
            }
            "permissions" => app.permissions = load_permissions(value)?,
            other => return Err(invalid(
                &format!("creator.{other}"),
                "unknown key (expected owner, app, fields, forms, mandatory, lookups, permissions)",
            )),
        }
    }
    let Some(forms_value) = forms_value else {
        return Err(invalid("creator", "missing \"forms\" (form name → list of records)"));
    };
    let Value::Object(forms) = forms_value else {
        return Err(invalid("creator.forms", "must be an object of form name → list of records"));
    };
    // First pass: every numeric ID, so new ids stay above them.
    for (_, records) in forms.iter() {
        if let Value::Array(items) = records {
            for item in items {
                if let Some(id) = item.get("ID") {
                    counters.observe_id(&display(id));
                }
            }
        }
    }
    for (name, records) in forms {
        let path = format!("creator.forms.{name}");
        let Value::Array(items) = records else {
            return Err(invalid(&path, "must be a list of record objects"));
        };
        let mut form = Form { name: name.clone(), declared: false, ..Form::empty(String::new()) };
        for (i, item) in items.into_iter().enumerate() {
            let Value::Object(record) = item else {
                return Err(invalid(&format!("{path}[{i}]"), "a record must be an object"));
            };
            let id = match record.get("ID") {
                None | Some(Value::Null) => Value::Number(Number::from(next_id(counters))),
                Some(Value::Number(n)) if n.is_i64() => Value::Number(n.clone()),
                Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => {
                    Value::Number(Number::from(s.trim().parse::<i64>().unwrap_or_default()))
                }
                Some(_) => {
                    return Err(invalid(
                        &format!("{path}[{i}].ID"),
                        "an ID must be a whole number (or its text)",
                    ))
                }
            };
            if form.records.iter().any(|r| same_id(r, &id)) {
                return Err(invalid(&format!("{path}[{i}].ID"), &format!("ID {id} appears twice")));
            }
            let mut fixed = Map::new();
            fixed.insert("ID".into(), id);
            for (key, value) in record {
                if key != "ID" {
                    if !SYSTEM_FIELDS.contains(&key.as_str()) && !form.fields.contains(&key) {
                        form.fields.push(key.clone());
                    }
                    fixed.insert(key, value);
                }
            }
            form.records.push(fixed);
        }
        app.forms.push(form);
    }
    for (name, fields) in declared {
        match app.forms.iter_mut().find(|f| f.name == name) {
            Some(form) => {
                for field in &form.fields {
                    if !fields.contains(field) {
                        return Err(invalid(
                            &format!("creator.forms.{name}"),
                            &format!("records carry field '{field}', which creator.fields.{name} does not declare"),
                        ));
                    }
                }
                form.fields = fields;
                form.declared = true;
            }
            None => app.forms.push(Form { fields, declared: true, ..Form::empty(name) }),
        }
    }
    for (name, fields) in mandatory {
        let path = format!("creator.mandatory.{name}");
        let Some(form) = app.forms.iter_mut().find(|f| f.name == name) else {
            return Err(invalid(&path, &format!("the application has no form '{name}'")));
        };
        if let Some(f) = fields.iter().find(|f| !form.fields.contains(f)) {
            return Err(invalid(&path, &format!("form '{name}' has no field '{f}'")));
        }
        form.mandatory = fields;
    }
    for (name, pairs) in lookups {
        let path = format!("creator.lookups.{name}");
        if !app.forms.iter().any(|f| f.name == name) {
            return Err(invalid(&path, &format!("the application has no form '{name}'")));
        }
        for (field, target) in &pairs {
            if !app.forms.iter().any(|f| f.name == *target) {
                return Err(invalid(
                    &format!("{path}.{field}"),
                    &format!("the application has no form '{target}'"),
                ));
            }
        }
        let Some(form) = app.forms.iter_mut().find(|f| f.name == name) else { continue };
        if let Some((f, _)) = pairs.iter().find(|(f, _)| !form.fields.contains(f)) {
            return Err(invalid(&path, &format!("form '{name}' has no field '{f}'")));
        }
        form.lookups = pairs;
    }
    Ok(app)
}

fn invalid(path: &str, message: &str) -> SandboxError {
    SandboxError::Invalid { path: path.to_string(), message: message.to_string() }
}

/// A list of non-empty texts at `path`.
fn names(list: Value, path: &str) -> Result<Vec<String>, SandboxError> {
    let Value::Array(items) = list else {
        return Err(invalid(path, "must be a list of names"));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) if !s.is_empty() => Ok(s),
            _ => Err(invalid(&format!("{path}[{i}]"), "a name must be a non-empty text")),
        })
        .collect()
}

/// `{"roles": [...], "profiles": [...], "users": {"ada@x": {"role": "…", "profile": "…"}}}`.
fn load_permissions(value: Value) -> Result<Permissions, SandboxError> {
    let Value::Object(map) = value else {
        return Err(invalid(
            "creator.permissions",
            "must be an object with roles, profiles, users",
        ));
    };
    let mut p = Permissions { declared: true, ..Permissions::default() };
    for (key, value) in map {
        let path = format!("creator.permissions.{key}");
        match key.as_str() {
            "roles" => p.roles = names(value, &path)?,
            "profiles" => p.profiles = names(value, &path)?,
            "users" => {
                let Value::Object(users) = value else {
                    return Err(invalid(&path, "must be an object of user → {role, profile}"));
                };
                for (user, entry) in users {
                    let upath = format!("{path}.{user}");
                    let Value::Object(entry) = entry else {
                        return Err(invalid(
                            &upath,
                            "must be an object {\"role\": …, \"profile\": …}",
                        ));
                    };
                    let mut role = None;
                    let mut profile = None;
                    for (k, v) in entry {
                        let text = match v {
                            Value::String(t) => t,
                            _ => return Err(invalid(&format!("{upath}.{k}"), "must be a text")),
                        };
                        match k.as_str() {
                            "role" => role = Some(text),
                            "profile" => profile = Some(text),
                            _ => {
                                return Err(invalid(
                                    &format!("{upath}.{k}"),
                                    "unknown key (expected role, profile)",
                                ))
                            }
                        }
                    }
                    p.users.push((user, role, profile));
                }
            }
            _ => return Err(invalid(&path, "unknown key (expected roles, profiles, users)")),
        }
    }
    for (user, role, profile) in &p.users {
        if let Some(r) = role.as_ref().filter(|r| !p.roles.contains(r)) {
            return Err(invalid(
                &format!("creator.permissions.users.{user}.role"),
                &format!("'{r}' is not one of creator.permissions.roles"),
            ));
        }
        if let Some(r) = profile.as_ref().filter(|r| !p.profiles.contains(r)) {
            return Err(invalid(
                &format!("creator.permissions.users.{user}.profile"),
                &format!("'{r}' is not one of creator.permissions.profiles"),
            ));
        }
    }
    Ok(p)
}

impl CreatorApp {
    /// Answers `thisapp.permissions.<task>(args)` for the logged-in `login` user, as Zoho
    /// documents each task: `isUserInRole(role)`, `isUserInProfile(permission)` (BOOLEAN; a
    /// name the app lacks is an error), `roleForUser(user)` (TEXT; an unknown user is an
    /// error), `profileForUser(user)` (TEXT; empty for an unknown user),
    /// `loginUserProfile()` / `loginUserRole()` (TEXT, empty when the user has none).
    pub fn permission(&self, task: &str, args: &[String], login: &str) -> Result<Value, String> {
        let p = &self.permissions;
        let user = |name: &str| p.users.iter().find(|(u, _, _)| u.eq_ignore_ascii_case(name));
        let arg = |i: usize| -> Result<&str, String> {
            args.get(i)
                .map(String::as_str)
                .ok_or_else(|| format!("thisapp.permissions.{task} needs an argument"))
        };
        let text = |v: Option<&String>| Value::String(v.cloned().unwrap_or_default());
        match task.to_ascii_lowercase().as_str() {
            "isuserinrole" => {
                let role = arg(0)?;
                if !p.roles.iter().any(|r| r == role) {
                    return Err(format!("role '{role}' does not exist in this application (creator.permissions.roles)"));
                }
                Ok(Value::Bool(user(login).and_then(|u| u.1.as_deref()) == Some(role)))
            }
            "isuserinprofile" => {
                let profile = arg(0)?;
                if !p.profiles.iter().any(|r| r == profile) {
                    return Err(format!("permission '{profile}' does not exist in this application (creator.permissions.profiles)"));
                }
                Ok(Value::Bool(user(login).and_then(|u| u.2.as_deref()) == Some(profile)))
            }
            "roleforuser" => {
                let who = arg(0)?;
                match user(who) {
                    Some(u) => Ok(text(u.1.as_ref())),
                    None => Err(format!("user '{who}' is not a user of this application (creator.permissions.users)")),
                }
            }
            "profileforuser" => Ok(text(user(arg(0)?).and_then(|u| u.2.as_ref()))),
            "loginuserprofile" => Ok(text(user(login).and_then(|u| u.2.as_ref()))),
            "loginuserrole" => Ok(text(user(login).and_then(|u| u.1.as_ref()))),
            _ => Err(format!("thisapp.permissions.{task} is not a permission task dg knows")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn app() -> (CreatorApp, Counters) {
        let mut counters = Counters::new();
        let app = load(
            json!({"owner": "acme", "app": "orders_app", "forms": {"Orders": [
                {"ID": 4001, "Customer": "Ada", "Amount": 120, "Due": "15-Jan-2024"},
                {"ID": 4002, "Customer": "Grace", "Amount": 80, "Due": "02-Feb-2024"},
                {"Customer": "Alan", "Amount": 300, "Status": "Open"}
            ]}}),
            &mut counters,
        )
        .unwrap();
        (app, counters)
    }

    fn ids(records: &[CreatorRecord]) -> Vec<String> {
        records.iter().map(|r| display(&r["ID"])).collect()
    }

    fn fetch(criteria: Criteria) -> Fetch {
        Fetch { form: "Orders".into(), criteria, sort: None, range: None }
    }

    fn cmp(field: &str, op: CompareOp, value: Value) -> Criteria {
        Criteria::Compare { field: field.into(), op, value }
    }

    #[test]
    fn records_without_id_get_one_above_the_others() {
        let (app, _) = app();
        assert_eq!(ids(&app.forms[0].records), ["4001", "4002", "5000000000001"]);
        assert_eq!(app.forms[0].fields, ["Customer", "Amount", "Due", "Status"]);
    }

    #[test]
    fn criteria_compare_numbers_dates_text_and_null() {
        let (app, _) = app();
        let all = |c| ids(&app.fetch(&fetch(c)).unwrap());
        assert_eq!(all(cmp("Amount", CompareOp::Gt, json!(100))), ["4001", "5000000000001"]);
        assert_eq!(all(cmp("Due", CompareOp::Ge, json!("01-Feb-2024"))), ["4002"]);
        assert_eq!(all(cmp("Status", CompareOp::Eq, Value::Null)), ["4001", "4002"]);
        assert_eq!(all(cmp("Status", CompareOp::Ne, json!("Open"))), ["4001", "4002"]);
        assert_eq!(all(cmp("ID", CompareOp::Ne, json!(0))).len(), 3);
        assert_eq!(all(cmp("Customer", CompareOp::In, json!(["Grace", "Ada"]))), ["4001", "4002"]);
        assert_eq!(all(cmp("Customer", CompareOp::In, json!(["Grace"]))).len(), 1);
        assert_eq!(all(cmp("Customer", CompareOp::NotIn, json!(["Grace"]))).len(), 2);
        assert_eq!(all(cmp("Status", CompareOp::In, json!([]))).len(), 0);
        assert_eq!(
            all(Criteria::Text {
                field: "Customer".into(),
                op: TextOp::StartsWith,
                value: json!("A")
            }),
            ["4001", "5000000000001"]
        );
        assert_eq!(
            all(Criteria::Or(vec![
                cmp("Customer", CompareOp::Eq, json!("Grace")),
                Criteria::And(vec![
                    cmp("Amount", CompareOp::Lt, json!(200)),
                    cmp("Customer", CompareOp::Eq, json!("Ada"))
                ]),
            ])),
            ["4001", "4002"]
        );
    }

    #[test]
    fn sort_and_range_are_one_based_inclusive() {
        let (app, _) = app();
        let mut f = fetch(Criteria::All);
        f.sort = Some(("Amount".into(), true));
        f.range = Some((1, 2));
        assert_eq!(ids(&app.fetch(&f).unwrap()), ["5000000000001", "4001"]);
        f.range = Some((3, 10));
        assert_eq!(ids(&app.fetch(&f).unwrap()), ["4002"]);
        f.range = Some((0, 1));
        assert_eq!(ids(&app.fetch(&f).unwrap()), ["5000000000001"]);
        f.range = Some((3, 2));
        assert!(app.fetch(&f).unwrap().is_empty());
    }

    #[test]
    fn unknown_form_and_field_are_named() {
        let (app, _) = app();
        let err = app.fetch(&Fetch { form: "Order".into(), ..fetch(Criteria::All) }).unwrap_err();
        assert_eq!(err.to_string(), "the application has no form 'Order'");
        let err = app.fetch(&fetch(cmp("customer", CompareOp::Eq, json!("x")))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "form 'Orders' has no field 'customer' (did you mean 'Customer'? field names are case-sensitive)"
        );
    }

    fn linked(lookups: bool) -> (CreatorApp, Counters) {
        let mut counters = Counters::new();
        let mut state = json!({"forms": {
            "Customers": [{"ID": 7, "Name": "Ada"}, {"ID": 8, "Name": "Grace"}],
            "Orders": [{"ID": 1, "Customer": 7, "Amount": 5}, {"ID": 2, "Customer": 8, "Amount": 6},
                       {"ID": 3, "Customer": [7, 8], "Amount": 7}]
        }, "mandatory": {"Orders": ["Amount"]}});
        if lookups {
            state["lookups"] = json!({"Orders": {"Customer": "Customers"}});
        }
        let app = load(state, &mut counters).unwrap();
        (app, counters)
    }

    #[test]
    fn lookup_paths_follow_the_id() {
        for declared in [true, false] {
            let (app, _) = linked(declared);
            let found = app.fetch(&fetch(cmp("Customer.Name", CompareOp::Eq, json!("Ada"))));
            assert_eq!(ids(&found.unwrap()), ["1", "3"], "declared: {declared}");
            let sorted =
                Fetch { sort: Some(("Customer.Name".into(), true)), ..fetch(Criteria::All) };
            assert_eq!(ids(&app.fetch(&sorted).unwrap())[0], "2");
        }
        let (app, _) = linked(true);
        let err = app.fetch(&fetch(cmp("Customer.Nmae", CompareOp::Eq, json!("x")))).unwrap_err();
        assert_eq!(err.to_string(), "form 'Customers' has no field 'Nmae'");
        let (app, _) = linked(false);
        let err = app.fetch(&fetch(cmp("Customer.Nmae", CompareOp::Eq, json!("x")))).unwrap_err();
        assert_eq!(err.to_string(), "form 'Orders' has no field 'Customer.Nmae'");
    }

    #[test]
    fn mandatory_fields_and_lookup_cascade() {
        let (mut app, mut counters) = linked(true);
        let mut rec = CreatorRecord::new();
        rec.insert("Customer".into(), json!(7));
        let err = app.insert("Orders", &rec, &mut counters).unwrap_err();
        assert_eq!(
            err.to_string(),
            "form 'Orders': field 'Amount' is mandatory and cannot be empty"
        );
        let mut empty = CreatorRecord::new();
        empty.insert("Amount".into(), json!(""));
        assert!(app.update("Orders", &json!(1), &empty, &mut counters).is_err());
        let gone = Fetch { form: "Customers".into(), ..fetch(cmp("ID", CompareOp::Eq, json!(7))) };
        app.delete(&gone).unwrap();
        let orders = &app.forms[app.form_index("Orders").unwrap()].records;
        assert_eq!(orders[0]["Customer"], Value::Null);
        assert_eq!(orders[1]["Customer"], json!(8));
        assert_eq!(orders[2]["Customer"], json!([8]));
    }

    #[test]
    fn permissions_answer_for_the_login_user() {
        let mut counters = Counters::new();
        let app = load(
            json!({"forms": {}, "permissions": {"roles": ["Manager"], "profiles": ["Write"],
                   "users": {"ada@x.com": {"role": "Manager", "profile": "Write"}}}}),
            &mut counters,
        )
        .unwrap();
        let ask = |task: &str, args: &[&str], login: &str| {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            app.permission(task, &args, login)
        };
        assert_eq!(ask("isUserInRole", &["Manager"], "ada@x.com"), Ok(json!(true)));
        assert_eq!(ask("isUserInRole", &["Manager"], "bob@x.com"), Ok(json!(false)));
        assert!(ask("isUserInRole", &["Boss"], "ada@x.com").is_err());
        assert_eq!(ask("roleForUser", &["ada@x.com"], ""), Ok(json!("Manager")));
        assert!(ask("roleForUser", &["bob@x.com"], "").is_err());
        assert_eq!(ask("profileForUser", &["bob@x.com"], ""), Ok(json!("")));
        assert_eq!(ask("loginUserProfile", &[], "ada@x.com"), Ok(json!("Write")));
        let bad = load(
            json!({"forms": {}, "permissions": {"roles": [], "users": {"a": {"role": "X"}}}}),
            &mut counters,
        );
        assert!(bad.unwrap_err().to_string().contains("creator.permissions.users.a.role"));
    }

    #[test]
    fn insert_update_delete() {
        let (mut app, mut counters) = app();
        let fields: CreatorRecord =
            json!({"Customer": "Linus", "Amount": 5}).as_object().cloned().unwrap();
        let id = app.insert("Orders", &fields, &mut counters).unwrap();
        assert_eq!(id, 5000000000002);
        let rec = app.by_id("Orders", &json!(id)).unwrap();
        assert_eq!(rec["Added_Time"], "15-Jan-2024 10:30:00");
        let bad: CreatorRecord = json!({"Colour": "red"}).as_object().cloned().unwrap();
        assert!(matches!(
            app.insert("Orders", &bad, &mut counters),
            Err(CreatorError::UnknownField { .. })
        ));
        let change: CreatorRecord = json!({"Amount": 6}).as_object().cloned().unwrap();
        let rec = app.update("Orders", &json!("4001"), &change, &mut counters).unwrap();
        assert_eq!(rec["Amount"], 6);
        assert_eq!(rec["Modified_Time"], "15-Jan-2024 10:30:01");
        let gone = app.delete(&fetch(cmp("Amount", CompareOp::Lt, json!(10)))).unwrap();
        assert_eq!(ids(&gone), ["4001", "5000000000002"]);
        assert_eq!(app.forms[0].records.len(), 2);
    }

    #[test]
    fn bad_state_is_located() {
        let mut c = Counters::new();
        let err = load(json!({"forms": {"Orders": [{"ID": "x"}]}}), &mut c).unwrap_err();
        assert_eq!(
            err.to_string(),
            "creator.forms.Orders[0].ID: an ID must be a whole number (or its text)"
        );
        let err = load(json!({"forms": {"Orders": {}}}), &mut c).unwrap_err();
        assert_eq!(err.to_string(), "creator.forms.Orders: must be a list of record objects");
        let err = load(json!({"form": {}}), &mut c).unwrap_err();
        assert!(err.to_string().starts_with("creator.form: unknown key"));
        let err = load(json!({"forms": {"O": [{"ID": 1}, {"ID": "1"}]}}), &mut c).unwrap_err();
        assert_eq!(err.to_string(), "creator.forms.O[1].ID: ID 1 appears twice");
    }
}
