//! Zoho Creator requests the runtime hands to the [`Host`](crate::Host): record fetches
//! (`Form[criteria] sort by … range from … to …`), and form actions (`alert`, `cancel
//! submit`, `hide`, …). The runtime evaluates the right-hand sides of criteria and keeps
//! field names as written; the host owns the records.

use crate::Value;

/// How a criteria condition compares a field with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `Field in list`: equal to one of the list's values.
    In,
    /// `Field not in list`.
    NotIn,
}

/// A text test: `Field.contains(x)`, `notContains`, `startsWith`, `endsWith`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
}

/// Record criteria with evaluated values. Field names are link names as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Criteria {
    /// Every record (a fetch without criteria).
    All,
    And(Vec<Criteria>),
    Or(Vec<Criteria>),
    Not(Box<Criteria>),
    /// `Field op value`; `== null` matches empty values.
    Compare {
        field: String,
        op: CompareOp,
        value: Value,
    },
    Text {
        field: String,
        op: TextOp,
        value: Value,
    },
    /// `Field.isEmpty()` / `Field.isNull()`.
    Empty {
        field: String,
    },
}

/// A record fetch: form, criteria, `sort by` (field, descending) and `range from S to E`
/// (1-based, inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    pub form: String,
    pub criteria: Criteria,
    pub sort: Option<(String, bool)>,
    pub range: Option<(i64, i64)>,
}

/// What a form script did to the form: `alert`, `cancel submit`, `hide`/`show`,
/// `enable`/`disable`, `reload`, `openurl`, `set` (an `input.Field = value`), ….
#[derive(Debug, Clone, PartialEq)]
pub struct FormAction {
    /// Lower case: `alert`, `cancel submit`, `cancel delete`, `hide`, `show`, `enable`,
    /// `disable`, `clear`, `select`, `deselect`, `reload`, `openurl`, `set`.
    pub action: String,
    /// The field acted on (`hide Customer;`, `input.Amount = …`), if any.
    pub field: Option<String>,
    /// The message, URL or new value, if any.
    pub value: Option<Value>,
}

impl FormAction {
    /// One line for people: `alert "Saved"`, `hide Customer`, `set input.Amount = 10`.
    pub fn describe(&self) -> String {
        let mut out = self.action.clone();
        if let Some(field) = &self.field {
            out.push(' ');
            if self.action == "set" {
                out.push_str("input.");
            }
            out.push_str(field);
        }
        if let Some(v) = &self.value {
            out.push_str(if self.action == "set" { " = " } else { " " });
            out.push_str(&crate::value::to_json_string(v));
        }
        out
    }
}
