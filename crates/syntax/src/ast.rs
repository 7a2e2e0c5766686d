//! The syntax tree. Every node carries the byte span of its source text.
//!
//! The tree is kept small because `dg check` holds a whole project's trees at once (a 50 MB
//! generated script must stay under 1 GB): names and literals are [`Name`]s (inline up to 24
//! bytes), child lists are boxed slices, and rare or large variants are boxed so that an
//! [`Expr`] is 48 bytes and a [`Stmt`] 64. `tests/sizes.rs` in this crate pins those sizes.

use crate::Span;

/// Text of a name or literal: stored inline up to 24 bytes, so most names cost no allocation.
pub type Name = compact_str::CompactString;

/// A name as written in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: Name,
    pub span: Span,
}

impl Ident {
    /// Case-insensitive comparison, as Deluge does for keywords and builtins.
    pub fn is(&self, word: &str) -> bool {
        self.name.eq_ignore_ascii_case(word)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// `x in list` (Deluge's list operator, mostly in Creator criteria).
    In,
    /// `x not in list`.
    NotIn,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Plus,
    Not,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Dec(f64),
    Text(Name),
    /// A single-quoted date, date-time or time literal, unparsed.
    Date(Name),
    Var(Ident),
    /// `{a, b}` or `[a, b]`.
    List(Box<[Expr]>),
    /// `{k: v, …}`; `{}` is an empty map.
    Map(Box<[(Expr, Expr)]>),
    /// `name(args)`: a builtin, or a user function without namespace.
    Call(Box<Call>),
    /// `List:String()` and friends.
    TypedCtor(Box<TypedCtor>),
    /// `recv.name` (`e.message`, `zoho.currentdate`, `input.Email`).
    Field(Box<Expr>, Ident),
    /// `recv.name(args)`; also `zoho.crm.getRecordById(…)` and `standalone.f(…)`.
    Method(Box<Method>),
    /// `recv[index]`: list/map access, or a Creator `Form[criteria]` fetch.
    Index(Box<Expr>, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `key : value` inside a call's argument list (`Collection("a":1)`).
    Pair(Box<Expr>, Box<Expr>),
    /// `invokeurl [ … ]` and any other `name [ key: value … ]` task.
    Task(Box<Task>),
    /// `insert into Form [ Field = value … ]` (Zoho Creator).
    Insert(Box<Task>),
    /// `Form[criteria] sort by Field [asc|desc]` (Zoho Creator fetch clause).
    Sort(Box<Sort>),
    /// `Form[criteria] range from start to end` (Zoho Creator fetch clause).
    Range(Box<Range>),
    /// Placeholder for a part that failed to parse.
    Error,
}

/// `name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: Ident,
    pub args: Box<[Expr]>,
}

/// `recv.name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    pub recv: Expr,
    pub name: Ident,
    pub args: Box<[Expr]>,
}

/// `List:String(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedCtor {
    pub ctor: Ident,
    pub elem: Ident,
    pub args: Box<[Expr]>,
}

/// `base sort by field [asc|desc]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sort {
    pub base: Expr,
    pub field: Ident,
    pub desc: bool,
}

/// `base range from from to to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub base: Expr,
    pub from: Expr,
    pub to: Expr,
}

/// A task block: `name [ key: value … ]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: Ident,
    pub entries: Box<[TaskEntry]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskEntry {
    /// The key, normalised: lower case, words joined by single `-` or space as written.
    pub key: Name,
    pub key_span: Span,
    pub value: Expr,
}

impl Task {
    pub fn get(&self, key: &str) -> Option<&TaskEntry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub stmts: Box<[Stmt]>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `target = value;` where target is a variable, a field or an index.
    Assign {
        target: Box<Expr>,
        value: Expr,
    },
    Expr(Expr),
    Info(Expr),
    Return(Option<Expr>),
    Break,
    Continue,
    If(Box<If>),
    /// `for each var in iter { … }`.
    ForEach(Box<Loop>),
    /// `for each index var in iter { … }`.
    ForIndex(Box<Loop>),
    While(Box<While>),
    Try(Box<Try>),
    /// `delete from Form[criteria];` (Zoho Creator).
    Delete(Expr),
    /// A Zoho Creator form action: `alert "…";`, `cancel submit;`, `hide Field;`, … — the
    /// keyword and its operand, kept so `dg check` accepts form scripts.
    FormAction(Ident, Option<Box<Expr>>),
    /// A Creator page's output: an HTML text chunk (as a text literal) or a `<%= expr %>`
    /// (see `page.rs`). Appended to the rendered page.
    PageOutput(Expr),
    Error,
}

/// `if (c) { … } else if (c) { … } else { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct If {
    pub branches: Box<[(Expr, Block)]>,
    pub otherwise: Option<Block>,
}

/// The parts of `for each` and `for each index`.
#[derive(Debug, Clone, PartialEq)]
pub struct Loop {
    pub var: Ident,
    pub iter: Expr,
    pub body: Block,
}

#[derive(Debug, Clone, PartialEq)]
pub struct While {
    pub cond: Expr,
    pub body: Block,
}

/// `try { … } catch (var) { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Try {
    pub body: Block,
    pub var: Option<Ident>,
    pub handler: Block,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub ty: Ident,
    pub name: Ident,
}

/// `string standalone.sync(map contact) { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub ret: Ident,
    pub namespace: Option<Ident>,
    pub name: Ident,
    pub params: Vec<Param>,
    pub body: Block,
    pub span: Span,
}

impl Function {
    /// `namespace.name`, or just `name`.
    pub fn qualified_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}.{}", ns.name, self.name.name),
            None => self.name.name.to_string(),
        }
    }
}

/// A comment, kept beside the tree (the formatter and the language server place them by span).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    pub kind: CommentKind,
    /// The whole comment, delimiters included.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentKind {
    /// `// …` (the span stops before the newline).
    Line,
    /// `/* … */`.
    Block,
}

/// A whole file: function definitions and/or top-level statements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    pub functions: Vec<Function>,
    pub stmts: Vec<Stmt>,
}
