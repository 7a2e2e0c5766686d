//! The syntax tree. Every node carries the byte span of its source text.

use crate::Span;

/// A name as written in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
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
    Text(String),
    /// A single-quoted date, date-time or time literal, unparsed.
    Date(String),
    Var(Ident),
    /// `{a, b}` or `[a, b]`.
    List(Vec<Expr>),
    /// `{k: v, …}`; `{}` is an empty map.
    Map(Vec<(Expr, Expr)>),
    /// `name(args)`: a builtin, or a user function without namespace.
    Call(Ident, Vec<Expr>),
    /// `List:String()` and friends.
    TypedCtor {
        ctor: Ident,
        elem: Ident,
        args: Vec<Expr>,
    },
    /// `recv.name` (`e.message`, `zoho.currentdate`, `input.Email`).
    Field(Box<Expr>, Ident),
    /// `recv.name(args)`; also `zoho.crm.getRecordById(…)` and `standalone.f(…)`.
    Method(Box<Expr>, Ident, Vec<Expr>),
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
    Sort {
        base: Box<Expr>,
        field: Ident,
        desc: bool,
    },
    /// `Form[criteria] range from start to end` (Zoho Creator fetch clause).
    Range {
        base: Box<Expr>,
        from: Box<Expr>,
        to: Box<Expr>,
    },
    /// Placeholder for a part that failed to parse.
    Error,
}

/// A task block: `name [ key: value … ]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: Ident,
    pub entries: Vec<TaskEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskEntry {
    /// The key, normalised: lower case, words joined by single `-` or space as written.
    pub key: String,
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
    pub stmts: Vec<Stmt>,
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
        target: Expr,
        value: Expr,
    },
    Expr(Expr),
    Info(Expr),
    Return(Option<Expr>),
    Break,
    Continue,
    If {
        branches: Vec<(Expr, Block)>,
        otherwise: Option<Block>,
    },
    ForEach {
        var: Ident,
        iter: Expr,
        body: Block,
    },
    ForIndex {
        var: Ident,
        iter: Expr,
        body: Block,
    },
    While {
        cond: Expr,
        body: Block,
    },
    Try {
        body: Block,
        var: Option<Ident>,
        handler: Block,
    },
    /// `delete from Form[criteria];` (Zoho Creator).
    Delete(Expr),
    /// A Zoho Creator form action: `alert "…";`, `cancel submit;`, `hide Field;`, … — the
    /// keyword and its operand, kept so `dg check` accepts form scripts.
    FormAction(Ident, Option<Expr>),
    /// A Creator page's output: an HTML text chunk (as a text literal) or a `<%= expr %>`
    /// (see `page.rs`). Appended to the rendered page.
    PageOutput(Expr),
    Error,
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
            None => self.name.name.clone(),
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
