//! The parsed form of a COQL query; every node keeps its byte span in the query text.

use super::Span;

/// `select … from … [where …] [group by …] [order by …] [limit …] [offset …]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub(crate) columns: Vec<SelectItem>,
    pub(crate) module: Name,
    pub(crate) filter: Option<Cond>,
    pub(crate) group_by: Vec<Field>,
    pub(crate) order_by: Vec<OrderKey>,
    /// Rows to return (`limit n`, `limit offset, n`); `None`: the default.
    pub(crate) limit: Option<Count>,
    /// Rows to skip (`offset n`, `limit offset, n`).
    pub(crate) offset: Option<Count>,
}

/// A name as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Name {
    pub(crate) text: String,
    pub(crate) span: Span,
}

/// A whole number in `limit` or `offset` (saturated at `u64::MAX`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Count {
    pub(crate) value: u64,
    pub(crate) span: Span,
}

/// A field, possibly through lookups: `Last_Name`, `Account_Name.Account_Name`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub(crate) path: Vec<String>,
    pub(crate) span: Span,
}

impl Field {
    /// The field as written, parts joined by `.` (the key of its column in the answer).
    pub(crate) fn text(&self) -> String {
        self.path.join(".")
    }
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Count,
    Sum,
    Max,
    Min,
    Avg,
}

impl Func {
    /// The function for a name, ignoring case.
    pub(crate) fn from_name(name: &str) -> Option<Func> {
        [Func::Count, Func::Sum, Func::Max, Func::Min, Func::Avg]
            .into_iter()
            .find(|func| func.name().eq_ignore_ascii_case(name))
    }

    /// The upper-case name, as it appears in answer keys (`SUM(Amount)`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Func::Count => "COUNT",
            Func::Sum => "SUM",
            Func::Max => "MAX",
            Func::Min => "MIN",
            Func::Avg => "AVG",
        }
    }
}

/// A selected (or sorted by) column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Column {
    Field(Field),
    Aggregate { func: Func, field: Field, span: Span },
}

/// One entry of the select list, with its alias (`Amount as 'Deal value'`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SelectItem {
    pub(crate) column: Column,
    pub(crate) alias: Option<Name>,
}

/// One `order by` key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderKey {
    pub(crate) column: Column,
    pub(crate) descending: bool,
}

/// The `where` criteria.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Test { field: Field, test: Test, span: Span },
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// What a condition tests about its field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test {
    Compare(CmpOp, Literal),
    Like { negated: bool, pattern: Literal },
    In { negated: bool, values: Vec<Literal> },
    Between { negated: bool, low: Literal, high: Literal },
    Null { negated: bool },
}

impl Test {
    /// The operator as Zoho names it in errors (`>`, `not like`, `is null`).
    pub(crate) fn operator(&self) -> &'static str {
        match self {
            Test::Compare(op, _) => op.symbol(),
            Test::Like { negated: false, .. } => "like",
            Test::Like { negated: true, .. } => "not like",
            Test::In { negated: false, .. } => "in",
            Test::In { negated: true, .. } => "not in",
            Test::Between { negated: false, .. } => "between",
            Test::Between { negated: true, .. } => "not between",
            Test::Null { negated: false } => "is null",
            Test::Null { negated: true } => "is not null",
        }
    }
}

/// A value in the criteria.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Literal {
    pub(crate) value: Lit,
    /// The value as written (for error details).
    pub(crate) raw: String,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Text(String),
    Number(f64),
    Bool(bool),
}
