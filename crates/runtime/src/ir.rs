//! The resolved program the evaluator runs: variables are frame slots, builtins
//! are resolved to their candidate rows, user calls to function indices.

use dg_syntax::ast::BinOp;
use dg_syntax::Span;

use crate::builtins::Candidates;
use crate::Value;

pub(crate) struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

pub(crate) enum ExprKind {
    Const(Value),
    Local(u32),
    /// A name never assigned in this function: an argument given by the host
    /// (bare scripts), or a runtime error "variable is not defined".
    Global(Box<str>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    /// `Collection()`: a new undecided collection (`Value::Coll`).
    NewCollection,
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `local op 123`: the most common arithmetic and comparison shape, without
    /// evaluating two sub-expressions.
    LocalInt(BinOp, u32, i64),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Builtin {
        name: Box<str>,
        cands: &'static Candidates,
        args: Vec<Expr>,
    },
    UserCall {
        func: u32,
        args: Vec<Expr>,
    },
    /// `standalone.f(…)` that no project file defines: the host may stand in for it.
    External {
        name: Box<str>,
        args: Vec<Expr>,
    },
    /// `if(c, a, b)`: only the chosen branch runs.
    If(Box<[Expr; 3]>),
    /// `ifnull(a, b)`: `b` runs only when `a` is null.
    IfNull(Box<[Expr; 2]>),
    /// `value.name`: a map lookup (`e.message`).
    Field(Box<Expr>, Value),
    Index(Box<Expr>, Box<Expr>),
    /// `zoho.currentdate`, `today`, `zoho.loginuserid`, … (lower-case name).
    SysVar(Box<str>),
    Task(Box<Task>),
    /// `zoho.crm.getRecordById(…)` and other integration tasks (lower-case name).
    Integration {
        name: Box<str>,
        args: Vec<Expr>,
    },
    /// `getUrl(url[, headers][, simple])` / `postUrl(url, body[, headers][, simple])`.
    LegacyHttp {
        post: bool,
        args: Vec<Expr>,
    },
    /// `Form[criteria] sort by … range from … to …`: a record collection.
    Fetch(Box<FetchIr>),
    /// `coll.count()`, `Form[c].sum(F)`, `Form[c].F.getall()`, …
    Records {
        recv: Box<Expr>,
        func: RecordFn,
        field: Option<Box<str>>,
    },
    /// `insert into Form [ Field = value … ]`: the new record's ID.
    Insert {
        form: Box<str>,
        fields: Vec<(Box<str>, Span, Expr)>,
    },
    /// `input.Field` in a form script.
    Input(Box<str>),
    /// Parsed but not runnable outside Zoho (Creator forms, …).
    Unsupported(Box<str>),
}

/// A Creator record fetch with unevaluated right-hand sides.
pub(crate) struct FetchIr {
    pub form: Box<str>,
    pub criteria: CritIr,
    pub sort: Option<(Box<str>, bool)>,
    pub range: Option<(Expr, Expr)>,
    /// Every field name the criteria and `sort by` mention, with its span, to point at
    /// the one the host reports unknown.
    pub fields: Vec<(Box<str>, Span)>,
}

pub(crate) enum CritIr {
    All,
    And(Vec<CritIr>),
    Or(Vec<CritIr>),
    Not(Box<CritIr>),
    Compare(Box<str>, crate::creator::CompareOp, Expr),
    Text(Box<str>, crate::creator::TextOp, Expr),
    Empty(Box<str>),
}

/// Aggregate functions of a record collection.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RecordFn {
    Count,
    Sum,
    Avg,
    Maximum,
    Minimum,
    Distinct,
    GetAll,
}

pub(crate) struct Task {
    /// Lower-case task name: `invokeurl`, `sendmail`, …
    pub name: String,
    /// Keys normalised to lower case with `-` between words.
    pub entries: Vec<(String, Expr)>,
}

pub(crate) struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

pub(crate) enum StmtKind {
    Assign(u32, Expr),
    /// `x = x + a + b …` on text, appended in place when `x` holds text.
    Append(u32, Vec<Expr>),
    SetField(Expr, Value, Expr),
    SetIndex(Expr, Expr, Expr),
    Expr(Expr),
    Info(Expr),
    Return(Option<Expr>),
    Break,
    Continue,
    If(Vec<(Expr, Vec<Stmt>)>, Vec<Stmt>),
    ForEach {
        slot: u32,
        iter: Expr,
        body: Vec<Stmt>,
    },
    ForIndex {
        slot: u32,
        iter: Expr,
        body: Vec<Stmt>,
    },
    While {
        cond: Expr,
        body: Vec<Stmt>,
    },
    Try {
        body: Vec<Stmt>,
        slot: Option<u32>,
        handler: Vec<Stmt>,
    },
    /// `delete from Form[criteria];`
    Delete(Box<FetchIr>),
    /// `alert …;`, `cancel submit;`, `hide Field;`, `openUrl(…)`: recorded by the host.
    FormAction {
        action: Box<str>,
        field: Option<Box<str>>,
        value: Option<Expr>,
    },
    /// `input.Field = value;`
    SetInput(Box<str>, Expr),
    /// Page text or `<%= expr %>`: appended to the page being rendered.
    PageOutput(Expr),
    Unsupported(Box<str>),
}

pub(crate) struct Function {
    /// Qualified name as written (`standalone.sync`).
    pub name: String,
    /// Index of the project file that defines it.
    pub file: u32,
    pub params: Vec<String>,
    /// Declared parameter types, lower case (`int`, `string`, `map`, …).
    pub param_types: Vec<String>,
    /// Names of all slots; params first.
    pub slots: Vec<String>,
    /// The body, closure-compiled (`eval::closure`).
    pub body: crate::eval::closure::Block,
}
