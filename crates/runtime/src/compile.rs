//! AST → IR: resolves variables to slots, builtins to their rows, user
//! functions to indices, and reports what cannot run (unknown functions,
//! wrong argument counts) as diagnostics before anything executes.

use dg_syntax::ast::{self, BinOp, ExprKind as A, StmtKind as S, UnOp};
use dg_syntax::{Code, Diagnostic, Span};
use rustc_hash::FxHashMap;

mod creator;

use crate::builtins;
use crate::ir::{Expr, ExprKind, Function, Stmt, StmtKind, Task};
use crate::Value;

/// Lower-case system variables reachable as `zoho.<name>`.
const ZOHO_VARS: &[&str] = &[
    "zoho.currentdate",
    "zoho.currenttime",
    "zoho.loginuserid",
    "zoho.loginuser",
    "zoho.adminuserid",
    "zoho.adminuser",
    "zoho.appname",
    "zoho.appuri",
    "zoho.ipaddress",
];

pub(crate) struct Compiled {
    pub functions: Vec<Function>,
    /// Top-level statements of each file, if any.
    pub mains: Vec<Option<Function>>,
    /// Diagnostics, each with the index of its file.
    pub diagnostics: Vec<(u32, Diagnostic)>,
}

/// One file of a project, as the compiler sees it.
pub(crate) struct Unit<'a> {
    pub path: &'a str,
    pub program: &'a ast::Program,
    pub lines: &'a dg_syntax::LineIndex,
    pub source: &'a str,
    /// Offset of the file in the project's span space (IR spans are project-global).
    pub base: u32,
}

/// What every function of a project can see: the function index.
struct Index {
    by_name: FxHashMap<String, u32>,
    arities: Vec<usize>,
    /// Declared parameter types, lower case.
    param_types: Vec<Vec<String>>,
    /// Qualified names, for "did you mean".
    names: Vec<String>,
}

/// Compiles the files of a project together: one function index, so any file may call a
/// function any other file defines. The first definition of a name (in file order, then
/// source order) is the one that runs; later ones are reported.
/// `check_only`: report diagnostics but keep no code: every name and call is resolved and
/// checked as for running, but the IR is left hollow (see `FnCompiler::check_only`), so
/// checking a huge file holds its syntax tree only and spends no time building code.
pub(crate) fn compile(units: &[Unit<'_>], check_only: bool) -> Compiled {
    let mut index = Index {
        by_name: FxHashMap::default(),
        arities: Vec::new(),
        param_types: Vec::new(),
        names: Vec::new(),
    };
    let mut diagnostics = Vec::new();
    let mut owners: Vec<(u32, Span)> = Vec::new();
    for (file, unit) in units.iter().enumerate() {
        for f in &unit.program.functions {
            let key = f.qualified_name().to_ascii_lowercase();
            let id = index.arities.len() as u32;
            index.arities.push(f.params.len());
            index
                .param_types
                .push(f.params.iter().map(|p| p.ty.name.to_ascii_lowercase().into()).collect());
            index.names.push(f.qualified_name());
            owners.push((file as u32, f.name.span));
            if let Some(&first) = index.by_name.get(&key) {
                let (first_file, first_span) = owners[first as usize];
                let first_unit = &units[first_file as usize];
                let (line, col) = first_unit.lines.line_col(first_unit.source, first_span.start);
                diagnostics.push((
                    file as u32,
                    Diagnostic::new(
                        Code::DuplicateFunction,
                        format!("function '{}' is defined twice", f.qualified_name()),
                        f.name.span,
                    )
                    .with_label("second definition")
                    .with_help(format!(
                        "the first definition ({}:{line}:{col}) is the one that runs",
                        first_unit.path
                    )),
                ));
            } else {
                index.by_name.insert(key, id);
            }
        }
    }
    let mut functions = Vec::new();
    let mut mains = Vec::new();
    for (file, unit) in units.iter().enumerate() {
        let mut diags = Vec::new();
        for f in &unit.program.functions {
            let params: Vec<String> = f.params.iter().map(|p| p.name.name.to_string()).collect();
            let param_types: Vec<String> =
                f.params.iter().map(|p| p.ty.name.to_ascii_lowercase().into()).collect();
            let mut c = FnCompiler::new(&index, &params, &mut diags, unit.base);
            c.check_only = check_only;
            c.collect_block(&f.body.stmts);
            let body = c.block(&f.body.stmts);
            let slots = c.slot_names;
            functions.push(Function {
                name: f.qualified_name(),
                file: file as u32,
                params,
                param_types,
                slots,
                body: crate::eval::closure::block(body),
            });
        }
        let main = (!unit.program.stmts.is_empty()).then(|| {
            let mut c = FnCompiler::new(&index, &[], &mut diags, unit.base);
            c.in_main = true;
            c.check_only = check_only;
            c.collect_block(&unit.program.stmts);
            let body = c.block(&unit.program.stmts);
            Function {
                name: "main".into(),
                file: file as u32,
                params: vec![],
                param_types: vec![],
                slots: c.slot_names,
                body: crate::eval::closure::block(body),
            }
        });
        mains.push(main);
        diagnostics.extend(diags.into_iter().map(|d| (file as u32, d)));
    }
    Compiled { functions, mains, diagnostics }
}

/// Stack left below which the compiler's recursion moves to a new segment, and that
/// segment's size.
const STACK_RED_ZONE: usize = 64 * 1024;
const STACK_GROWTH: usize = 2 * 1024 * 1024;

struct FnCompiler<'a> {
    index: &'a Index,
    slots: FxHashMap<ast::Name, u32>,
    slot_names: Vec<String>,
    diags: &'a mut Vec<Diagnostic>,
    /// Top-level script: unknown names may be arguments given at run time.
    in_main: bool,
    reported: rustc_hash::FxHashSet<ast::Name>,
    /// The file's offset in the project's span space.
    base: u32,
    /// Variables whose every assignment is a literal of one type (`Some`), or that are
    /// assigned something else too (`None`).
    var_types: FxHashMap<ast::Name, Option<crate::Type>>,
    /// Diagnostics only (`dg check`, the language server): every node is still visited in
    /// the same order, so the same diagnostics come out, but blocks, argument lists and
    /// operator trees are not built: their parts are compiled and dropped at once and the
    /// node becomes [`hollow`]. Nothing may read the IR of a check-only compilation.
    check_only: bool,
}

impl<'a> FnCompiler<'a> {
    fn new(
        index: &'a Index,
        params: &[String],
        diags: &'a mut Vec<Diagnostic>,
        base: u32,
    ) -> FnCompiler<'a> {
        let mut c = FnCompiler {
            index,
            slots: FxHashMap::default(),
            slot_names: vec![],
            diags,
            in_main: false,
            reported: Default::default(),
            base,
            var_types: FxHashMap::default(),
            check_only: false,
        };
        for p in params {
            c.declare(p);
            c.var_types.insert(p.as_str().into(), None);
        }
        c
    }

    /// `unknown function 'lenght'`, with the nearest builtin or project function.
    fn unknown_function(&mut self, name: &ast::Ident) {
        let near = crate::suggest::closest(
            &name.name,
            builtins::names().into_iter().chain(self.index.names.iter().map(String::as_str)),
        );
        let mut d = Diagnostic::new(
            Code::UnknownFunction,
            format!("unknown function '{}'", name.name),
            name.span,
        )
        .with_label("not a builtin, and no project file defines it");
        if let Some(near) = near {
            d = d.with_help(format!("did you mean `{}`?", display_name(near)));
        }
        self.diags.push(d);
    }

    /// A `zoho.*` task against the catalog: a name close to a known task of a covered product
    /// is a misspelling (`zoho.crm.getRecordByld`); a confirmed task called with too few or too
    /// many arguments is reported. Unknown names with nothing close are left alone: Zoho has
    /// tasks the catalog does not list.
    fn check_task(&mut self, written: &str, lower: &str, given: usize, span: Span) {
        match dg_catalog::task(lower) {
            Some(t) => {
                if t.confirmed && !(t.min_args..=t.max_args).contains(&given) {
                    let want = if t.min_args == t.max_args {
                        format!("{}", t.min_args)
                    } else {
                        format!("{} to {}", t.min_args, t.max_args)
                    };
                    self.diags.push(
                        Diagnostic::new(
                            Code::ArgumentCount,
                            format!("No. of arguments mismatches for the function {}", t.display),
                            span,
                        )
                        .with_label(format!("takes {want} arguments, {given} given"))
                        .with_help(t.signature()),
                    );
                }
            }
            None => {
                if let Some(near) = dg_catalog::suggest_task(lower) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::UnknownTask,
                            format!("unknown task '{written}'"),
                            span,
                        )
                        .with_label("not a Zoho integration task")
                        .with_help(format!("did you mean `{}`?", near.display)),
                    );
                }
            }
        }
    }

    /// A builtin called with a number of arguments none of its forms takes.
    fn arity_error(&mut self, name: &str, cands: &builtins::Candidates, given: usize, span: Span) {
        self.diags.push(
            Diagnostic::new(
                Code::ArgumentCount,
                format!("No. of arguments mismatches for the function {name}"),
                span,
            )
            .with_label(format!("`{name}` takes {}, {given} given", builtins::arity_text(cands))),
        );
    }

    /// `m = Map(); m.toUpperCase()`: a method that no form accepts for the receiver's type,
    /// when that type is known before running.
    fn check_receiver(
        &mut self,
        recv: &ast::Expr,
        name: &ast::Ident,
        cands: &builtins::Candidates,
    ) {
        let Some(ty) = self.static_type(recv) else { return };
        if cands.iter().any(|b| b.recv.may_accept(ty)) {
            return;
        }
        let mut d = Diagnostic::new(
            Code::UnknownMethod,
            format!("a {} value has no method `{}`", ty.name(), name.name),
            name.span,
        )
        .with_label(format!("not a {} method", ty.name()));
        let methods = builtins::names_for(ty);
        if let Some(near) = crate::suggest::closest(&name.name, methods.iter().copied()) {
            d = d.with_help(format!("did you mean `{}`?", display_name(near)));
        }
        self.diags.push(d);
    }

    /// The type an expression certainly has, when that is plain from the source: literals,
    /// and variables whose every assignment in the function is a literal of one type.
    fn static_type(&self, e: &ast::Expr) -> Option<crate::Type> {
        use crate::Type as T;
        match &e.kind {
            A::Text(_) => Some(T::Text),
            A::Int(_) => Some(T::Int),
            A::Dec(_) => Some(T::Dec),
            A::Bool(_) => Some(T::Bool),
            A::List(_) => Some(T::List),
            A::Map(_) => Some(T::Map),
            A::Var(id) => self.var_types.get(&id.name).copied().flatten(),
            _ => None,
        }
    }

    /// `thisapp.permissions.<task>(…)`: Creator's documented permission tasks and their
    /// argument counts (the host answers them; see docs/creator.md).
    fn check_permission_task(&mut self, task: &str, qualified: &str, given: usize, span: Span) {
        const TASKS: &[(&str, usize)] = &[
            ("isuserinrole", 1),
            ("isuserinprofile", 1),
            ("roleforuser", 1),
            ("profileforuser", 1),
            ("loginuserprofile", 0),
            ("loginuserrole", 0),
        ];
        match TASKS.iter().find(|(name, _)| *name == task) {
            Some((_, want)) if *want != given => self.error(
                Code::ArgumentCount,
                format!("No. of arguments mismatches for the function {qualified}"),
                span,
            ),
            Some(_) => {}
            None => self.error(
                Code::UnknownFunction,
                format!("unknown permission task '{qualified}' (dg knows isUserInRole, isUserInProfile, roleForUser, profileForUser, loginUserProfile, loginUserRole)"),
                span,
            ),
        }
    }

    /// The project function closest to a misspelt name.
    fn suggest_function(&self, name: &str) -> Option<&'a str> {
        crate::suggest::closest(name, self.index.names.iter().map(String::as_str))
    }

    /// A span of this file in the project's span space (for the IR).
    fn global(&self, span: Span) -> Span {
        Span { start: span.start + self.base, end: span.end + self.base }
    }

    fn declare(&mut self, name: &str) -> u32 {
        if let Some(&s) = self.slots.get(name) {
            return s;
        }
        let s = self.slot_names.len() as u32;
        self.slots.insert(name.into(), s);
        self.slot_names.push(name.to_string());
        s
    }

    fn error(&mut self, code: Code, msg: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::new(code, msg, span));
    }

    // ---- pass 1: every name assigned anywhere in the function is a variable ----

    fn collect_block(&mut self, stmts: &[ast::Stmt]) {
        for s in stmts {
            match &s.kind {
                S::Assign { target, value } if matches!(target.kind, A::Var(_)) => {
                    let A::Var(id) = &target.kind else { continue };
                    self.declare(&id.name);
                    let ty = literal_type(value);
                    let entry = self.var_types.entry(id.name.clone()).or_insert(ty);
                    if *entry != ty {
                        *entry = None;
                    }
                }
                S::If(i) => {
                    for (_, b) in i.branches.iter() {
                        self.collect_block(&b.stmts);
                    }
                    if let Some(b) = &i.otherwise {
                        self.collect_block(&b.stmts);
                    }
                }
                S::ForEach(l) | S::ForIndex(l) => {
                    self.declare(&l.var.name);
                    self.var_types.insert(l.var.name.clone(), None);
                    self.collect_block(&l.body.stmts);
                }
                S::While(w) => self.collect_block(&w.body.stmts),
                S::Try(t) => {
                    self.collect_block(&t.body.stmts);
                    if let Some(v) = &t.var {
                        self.declare(&v.name);
                        self.var_types.insert(v.name.clone(), None);
                    }
                    self.collect_block(&t.handler.stmts);
                }
                _ => {}
            }
        }
    }

    // ---- pass 2: statements ----

    fn block(&mut self, stmts: &[ast::Stmt]) -> Vec<Stmt> {
        let stmts = stmts.iter().filter(|s| !is_empty_stmt(s));
        if self.check_only {
            // For the diagnostics only: keep nothing.
            for s in stmts {
                drop(self.stmt(s));
            }
            return Vec::new();
        }
        stmts.map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, s: &ast::Stmt) -> Stmt {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &ast::Stmt) -> Stmt {
        let kind = match &s.kind {
            S::Assign { target, value } => self.assign(target, value),
            S::Expr(ast::Expr { kind: A::Call(call), span }) if call.name.is("openurl") => {
                self.open_url(&call.args, *span)
            }
            S::Expr(e) => StmtKind::Expr(self.expr(e)),
            S::Info(e) => StmtKind::Info(self.expr(e)),
            S::Return(e) => StmtKind::Return(e.as_ref().map(|e| self.expr(e))),
            S::Break => StmtKind::Break,
            S::Continue => StmtKind::Continue,
            S::If(i) if self.check_only => {
                for (c, b) in i.branches.iter() {
                    drop(self.expr(c));
                    self.block(&b.stmts);
                }
                if let Some(b) = &i.otherwise {
                    self.block(&b.stmts);
                }
                StmtKind::Break
            }
            S::If(i) => {
                let branches =
                    i.branches.iter().map(|(c, b)| (self.expr(c), self.block(&b.stmts))).collect();
                let otherwise =
                    i.otherwise.as_ref().map(|b| self.block(&b.stmts)).unwrap_or_default();
                StmtKind::If(branches, otherwise)
            }
            S::ForEach(l) => StmtKind::ForEach {
                slot: self.declare(&l.var.name),
                iter: self.expr(&l.iter),
                body: self.block(&l.body.stmts),
            },
            S::ForIndex(l) => StmtKind::ForIndex {
                slot: self.declare(&l.var.name),
                iter: self.expr(&l.iter),
                body: self.block(&l.body.stmts),
            },
            S::While(w) => {
                StmtKind::While { cond: self.expr(&w.cond), body: self.block(&w.body.stmts) }
            }
            S::Try(t) => StmtKind::Try {
                body: self.block(&t.body.stmts),
                slot: t.var.as_ref().map(|v| self.declare(&v.name)),
                handler: self.block(&t.handler.stmts),
            },
            S::Delete(target) => self.delete(target),
            S::FormAction(word, operand) => self.form_action(word, operand.as_deref()),
            S::PageOutput(e) => StmtKind::PageOutput(self.expr(e)),
            S::Error => StmtKind::Unsupported("this statement did not parse".into()),
        };
        Stmt { kind, span: self.global(s.span) }
    }

    fn assign(&mut self, target: &ast::Expr, value: &ast::Expr) -> StmtKind {
        match &target.kind {
            A::Var(id) => {
                let slot = self.declare(&id.name);
                if let Some(parts) = self.append_parts(slot, &id.name, value) {
                    return StmtKind::Append(slot, parts);
                }
                StmtKind::Assign(slot, self.expr(value))
            }
            A::Field(obj, name) if matches!(&obj.kind, A::Var(id) if id.is("input") && !self.slots.contains_key(&id.name)) => {
                StmtKind::SetInput(name.name.as_str().into(), self.expr(value))
            }
            A::Field(obj, _) if self.check_only => {
                drop(self.expr(obj));
                drop(self.expr(value));
                StmtKind::Break
            }
            A::Field(obj, name) => StmtKind::SetField(
                self.expr(obj),
                Value::text(name.name.as_str()),
                self.expr(value),
            ),
            A::Index(obj, idx) => {
                StmtKind::SetIndex(self.expr(obj), self.expr(idx), self.expr(value))
            }
            _ => StmtKind::Unsupported("cannot assign to this expression".into()),
        }
    }

    /// `x = x + a + b` where `x` appears nowhere else on the right: the
    /// evaluator appends to `x` in place when it holds text.
    fn append_parts(&mut self, slot: u32, name: &str, value: &ast::Expr) -> Option<Vec<Expr>> {
        let mut rights = Vec::new();
        let mut cur = value;
        loop {
            match &cur.kind {
                A::Binary(BinOp::Add, l, r) => {
                    if mentions(r, name) {
                        return None;
                    }
                    rights.push(r.as_ref());
                    cur = l;
                }
                A::Var(id) if id.name == name && !rights.is_empty() => break,
                _ => return None,
            }
        }
        let _ = slot;
        rights.reverse();
        Some(rights.into_iter().map(|r| self.expr(r)).collect())
    }

    // ---- expressions ----

    fn exprs(&mut self, es: &[ast::Expr]) -> Vec<Expr> {
        if self.check_only {
            for e in es {
                drop(self.expr(e));
            }
            return Vec::new();
        }
        es.iter().map(|e| self.expr(e)).collect()
    }

    /// Recursive over the tree, which may be 256 brackets and 4096 operators deep: grows the
    /// stack when little is left, so checking never depends on the caller's thread (test
    /// threads have 2 MB; debug builds need more for the deepest trees).
    fn expr(&mut self, e: &ast::Expr) -> Expr {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &ast::Expr) -> Expr {
        let span = e.span;
        let kind = match &e.kind {
            A::Null => ExprKind::Const(Value::Null),
            A::Bool(b) => ExprKind::Const(Value::Bool(*b)),
            A::Int(n) => ExprKind::Const(Value::Int(*n)),
            A::Dec(d) => ExprKind::Const(Value::Dec(*d)),
            A::Text(_) if self.check_only => hollow(),
            A::Text(s) => ExprKind::Const(Value::text(s.as_str())),
            // A single-quoted literal that is a valid date is a date; anything else is text
            // (Zoho's own templates write `'success'` and `''`).
            A::Date(s) => match builtins::date::parse_text(s) {
                Some(v) => ExprKind::Const(v),
                None if looks_like_date(s) => {
                    self.error(
                        Code::InvalidDate,
                        format!("'{s}' is not a date, date-time or time"),
                        span,
                    );
                    ExprKind::Const(Value::Null)
                }
                None => ExprKind::Const(Value::text(s.as_str())),
            },
            A::Var(id) => self.var(id),
            A::List(items) => ExprKind::List(self.exprs(items)),
            A::Map(pairs) if self.check_only => {
                for (k, v) in pairs.iter() {
                    drop(self.expr(k));
                    drop(self.expr(v));
                }
                hollow()
            }
            A::Map(pairs) => {
                ExprKind::Map(pairs.iter().map(|(k, v)| (self.expr(k), self.expr(v))).collect())
            }
            A::Call(c) => self.call(&c.name, &c.args, span),
            A::TypedCtor(t) => {
                if !t.args.is_empty() {
                    self.error(
                        Code::ArgumentCount,
                        format!("{}:…() takes no arguments here", t.ctor.name),
                        span,
                    );
                }
                if t.ctor.is("map") {
                    ExprKind::Map(vec![])
                } else {
                    ExprKind::List(vec![])
                }
            }
            A::Field(recv, name) => self.field(recv, name, span),
            A::Method(m) => self.method(&m.recv, &m.name, &m.args, span),
            A::Index(recv, idx) => {
                if let Some(k) = self.fetch_expr(e) {
                    return Expr { kind: k, span: self.global(span) };
                }
                let (recv, idx) = (self.expr(recv), self.expr(idx));
                if self.check_only {
                    hollow()
                } else {
                    ExprKind::Index(Box::new(recv), Box::new(idx))
                }
            }
            A::Unary(_, x) if self.check_only => {
                drop(self.expr(x));
                hollow()
            }
            A::Unary(op, x) => {
                let x = Box::new(self.expr(x));
                match op {
                    UnOp::Neg => ExprKind::Neg(x),
                    UnOp::Plus => return *x,
                    UnOp::Not => ExprKind::Not(x),
                }
            }
            A::Binary(_, l, r) if self.check_only => {
                drop(self.expr(l));
                drop(self.expr(r));
                hollow()
            }
            A::Binary(op, l, r) => {
                let (l, r) = (Box::new(self.expr(l)), Box::new(self.expr(r)));
                if let (ExprKind::Local(slot), ExprKind::Const(Value::Int(n))) = (&l.kind, &r.kind)
                {
                    if !matches!(op, BinOp::And | BinOp::Or | BinOp::In | BinOp::NotIn) {
                        return Expr {
                            kind: ExprKind::LocalInt(*op, *slot, *n),
                            span: self.global(span),
                        };
                    }
                }
                match op {
                    BinOp::And => ExprKind::And(l, r),
                    BinOp::Or => ExprKind::Or(l, r),
                    op => ExprKind::Binary(*op, l, r),
                }
            }
            A::Pair(..) => {
                self.error(
                    Code::PairOutsideCollection,
                    "`key: value` pairs are only allowed in Collection(…)",
                    span,
                );
                ExprKind::Const(Value::Null)
            }
            A::Task(t) => self.task(t),
            A::Insert(t) => self.insert(t),
            A::Sort { .. } | A::Range { .. } => match self.fetch_expr(e) {
                Some(k) => k,
                None => {
                    self.error(
                        Code::UnexpectedToken,
                        "`sort by` and `range from` follow a record fetch `Form[criteria]`",
                        span,
                    );
                    ExprKind::Const(Value::Null)
                }
            },
            A::Error => ExprKind::Unsupported("this expression did not parse".into()),
        };
        Expr { kind, span: self.global(span) }
    }

    fn var(&mut self, id: &ast::Ident) -> ExprKind {
        if let Some(&s) = self.slots.get(&id.name) {
            return ExprKind::Local(s);
        }
        if id.is("today") || id.is("now") {
            return ExprKind::SysVar(id.name.to_ascii_lowercase().into());
        }
        if self.reported.insert(id.name.clone()) {
            let diag = if self.in_main {
                Diagnostic::new(
                    Code::UnassignedVariable,
                    format!("variable '{}' is never assigned", id.name),
                    id.span,
                )
                .with_label("not assigned in this script")
                .with_help(format!("pass it as an argument: dg run FILE --arg {}=VALUE", id.name))
            } else {
                let d = Diagnostic::new(
                    Code::UndefinedVariable,
                    format!("variable '{}' is not defined", id.name),
                    id.span,
                )
                .with_label("not a parameter and never assigned");
                match crate::suggest::closest(&id.name, self.slot_names.iter().map(String::as_str))
                {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help(
                        "assign it before this line, or add it to the function's parameters",
                    ),
                }
            };
            self.diags.push(diag);
        }
        ExprKind::Global(id.name.as_str().into())
    }

    /// The dotted path of a chain of plain names (`zoho.crm`), if `e` is one
    /// rooted at a name that is not a variable.
    fn namespace_path(&self, e: &ast::Expr) -> Option<String> {
        match &e.kind {
            A::Var(id) if !self.slots.contains_key(&id.name) => Some(id.name.to_string()),
            A::Field(recv, name) => Some(format!("{}.{}", self.namespace_path(recv)?, name.name)),
            _ => None,
        }
    }

    fn field(&mut self, recv: &ast::Expr, name: &ast::Ident, span: Span) -> ExprKind {
        if let Some(path) = self.namespace_path(recv) {
            let full = format!("{path}.{}", name.name).to_ascii_lowercase();
            if ZOHO_VARS.contains(&full.as_str()) {
                return ExprKind::SysVar(full.into());
            }
            if path.eq_ignore_ascii_case("input") {
                return ExprKind::Input(name.name.as_str().into());
            }
            if path.to_ascii_lowercase().starts_with("zoho") {
                self.error(
                    Code::UnknownSystemVariable,
                    format!("unknown system variable '{full}'"),
                    span,
                );
                return ExprKind::Const(Value::Null);
            }
        }
        let recv = self.expr(recv);
        if self.check_only {
            return hollow();
        }
        ExprKind::Field(Box::new(recv), Value::text(name.name.as_str()))
    }

    fn user_call(&mut self, qualified: &str, args: &[ast::Expr], span: Span) -> Option<ExprKind> {
        let &func = self.index.by_name.get(&qualified.to_ascii_lowercase())?;
        let want = self.index.arities[func as usize];
        if args.len() != want {
            self.error(
                Code::ArgumentCount,
                format!("function '{qualified}' takes {want} argument(s), {} given", args.len()),
                span,
            );
        } else {
            let types = &self.index.param_types[func as usize];
            for (arg, ty) in args.iter().zip(types) {
                if let Some(given) = self.static_type(arg) {
                    if !param_accepts(ty, given) {
                        self.diags.push(
                            Diagnostic::new(
                                Code::ArgumentType,
                                format!(
                                    "function '{qualified}' expects {ty} here, not {}",
                                    given.name()
                                ),
                                arg.span,
                            )
                            .with_label(format!("a {} value", given.name())),
                        );
                    }
                }
            }
        }
        Some(ExprKind::UserCall { func, args: self.exprs(args) })
    }

    fn method(
        &mut self,
        recv: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> ExprKind {
        if let Some(k) = self.records_method(recv, name, args) {
            return k;
        }
        // `zoho.currenttime.toString(…)`: a method on a system variable, not a namespace.
        let path = self
            .namespace_path(recv)
            .filter(|p| !ZOHO_VARS.contains(&p.to_ascii_lowercase().as_str()));
        if let Some(path) = path {
            let qualified = format!("{path}.{}", name.name);
            if let Some(k) = self.user_call(&qualified, args, span) {
                return k;
            }
            if path.eq_ignore_ascii_case("thisapp") {
                if let Some(k) = self.user_call(&name.name, args, span) {
                    return k;
                }
            }
            let lower = qualified.to_ascii_lowercase();
            if let Some(cands) = builtins::lookup(&lower) {
                return ExprKind::Builtin { name: lower.into(), cands, args: self.exprs(args) };
            }
            if let Some(task) = lower.strip_prefix("thisapp.permissions.") {
                self.check_permission_task(task, &qualified, args.len(), span);
                return ExprKind::Integration { name: lower.into(), args: self.exprs(args) };
            }
            if lower.starts_with("zoho.") {
                self.check_task(&qualified, &lower, args.len(), span);
                return ExprKind::Integration { name: lower.into(), args: self.exprs(args) };
            }
            if !path.contains('.') && !is_known_method(&name.name) {
                let mut d = Diagnostic::new(
                    Code::ExternalFunction,
                    format!("function '{qualified}' is not defined in this project"),
                    span,
                )
                .with_label("defined elsewhere (the Zoho org or app?)");
                d.help = Some(match self.suggest_function(&qualified) {
                    Some(near) => format!("did you mean `{near}`? Otherwise add the file that defines it to the project, or stub it in a test case"),
                    None => "add the file that defines it to the project (a folder with dg.toml), or stub it in a test case ([case.stubs])".into(),
                });
                self.diags.push(d);
                return ExprKind::External { name: qualified.into(), args: self.exprs(args) };
            }
        }
        let Some(cands) = builtins::lookup(&name.name) else {
            self.unknown_function(name);
            return ExprKind::Const(Value::Null);
        };
        if !builtins::arity_fits(cands, args.len() + 1) {
            self.arity_error(&name.name, cands, args.len(), span);
        } else {
            self.check_receiver(recv, name, cands);
        }
        let pairs = args.iter().filter(|a| matches!(a.kind, A::Pair(..))).count();
        let pair_insert = pairs > 0 && name.name.eq_ignore_ascii_case("insert");
        if pair_insert && pairs < args.len() {
            self.error(
                Code::MixedCollection,
                "a Collection holds either values or key-value pairs, not both",
                span,
            );
        }
        // `c.insert("k": v)` runs a row of its own, so that an undecided `Collection()`
        // becomes key-value and an index-value one refuses the pair.
        let cands = if pair_insert { builtins::pair_insert() } else { cands };
        // `c.insert("CRM" : 5)`: a pair argument is a one-pair map.
        let arg = |c: &mut Self, a: &ast::Expr| match &a.kind {
            A::Pair(k, v) => {
                Expr { kind: ExprKind::Map(vec![(c.expr(k), c.expr(v))]), span: c.global(a.span) }
            }
            _ => c.expr(a),
        };
        if self.check_only {
            drop(self.expr(recv));
            for a in args {
                drop(arg(self, a));
            }
            return hollow();
        }
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(self.expr(recv));
        for a in args {
            all.push(arg(self, a));
        }
        ExprKind::Builtin { name: name.name.to_ascii_lowercase().into(), cands, args: all }
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span) -> ExprKind {
        if let Some(k) = self.user_call(&name.name, args, span) {
            return k;
        }
        let lower = name.name.to_ascii_lowercase();
        let want = |c: &mut Self, n: std::ops::RangeInclusive<usize>| {
            if !n.contains(&args.len()) {
                c.error(
                    Code::ArgumentCount,
                    format!("No. of arguments mismatches for the function {}", name.name),
                    span,
                );
                false
            } else {
                true
            }
        };
        match lower.as_str() {
            "if" | "ifnull" if self.check_only => {
                if want(self, if lower == "if" { 3..=3 } else { 2..=2 }) {
                    self.exprs(args);
                }
                hollow()
            }
            "if" if want(self, 3..=3) => {
                let [a, b, c] = [&args[0], &args[1], &args[2]].map(|e| self.expr(e));
                ExprKind::If(Box::new([a, b, c]))
            }
            "ifnull" if want(self, 2..=2) => {
                let [a, b] = [&args[0], &args[1]].map(|e| self.expr(e));
                ExprKind::IfNull(Box::new([a, b]))
            }
            "list" => ExprKind::List(self.exprs(args)),
            "map" => match args {
                [] => ExprKind::Map(vec![]),
                [m] => {
                    let m = self.expr(m);
                    ExprKind::Builtin {
                        name: "map".into(),
                        cands: builtins::lookup("tomap").unwrap_or_else(|| empty_candidates()),
                        args: vec![m],
                    }
                }
                _ => {
                    self.error(Code::ArgumentCount, "Map() takes at most one argument", span);
                    ExprKind::Map(vec![])
                }
            },
            "collection" if args.is_empty() => ExprKind::NewCollection,
            "collection" => {
                let pairs = args.iter().filter(|a| matches!(a.kind, A::Pair(..))).count();
                if pairs > 0 && pairs < args.len() {
                    self.error(
                        Code::MixedCollection,
                        "a Collection holds either values or key-value pairs, not both",
                        span,
                    );
                }
                if pairs > 0 {
                    ExprKind::Map(
                        args.iter()
                            .filter_map(|a| match &a.kind {
                                A::Pair(k, v) => Some((self.expr(k), self.expr(v))),
                                _ => None,
                            })
                            .collect(),
                    )
                } else {
                    ExprKind::List(self.exprs(args))
                }
            }
            "openurl" => ExprKind::Unsupported(
                "openUrl opens a browser window in Zoho Creator; it is not available outside Zoho"
                    .into(),
            ),
            "geturl" if want(self, 1..=3) => {
                ExprKind::LegacyHttp { post: false, args: self.exprs(args) }
            }
            "posturl" if want(self, 2..=4) => {
                ExprKind::LegacyHttp { post: true, args: self.exprs(args) }
            }
            "if" | "ifnull" | "geturl" | "posturl" => ExprKind::Const(Value::Null),
            _ => match builtins::lookup(&lower) {
                Some(cands) => {
                    if !builtins::arity_fits(cands, args.len()) {
                        self.arity_error(&name.name, cands, args.len().saturating_sub(1), span);
                    } else if let Some(first) = args.first() {
                        self.check_receiver(first, name, cands);
                    }
                    let args = self.exprs(args);
                    if self.check_only {
                        return hollow();
                    }
                    ExprKind::Builtin { name: lower.into(), cands, args }
                }
                None => {
                    self.unknown_function(name);
                    ExprKind::Const(Value::Null)
                }
            },
        }
    }

    /// A task entry's value. Attachment specs (`file:doc`, `template:T:Form as PDF`) become
    /// one-pair maps `{"file": doc}` the host interprets; a list of values may mix them.
    fn task_value(&mut self, e: &ast::Expr) -> Expr {
        match &e.kind {
            A::Pair(tag, spec) => {
                let key = match &tag.kind {
                    A::Var(id) => Value::text(id.name.to_ascii_lowercase()),
                    _ => Value::Null,
                };
                let key = Expr { kind: ExprKind::Const(key), span: self.global(tag.span) };
                let spec = self.spec_part(spec);
                Expr { kind: ExprKind::Map(vec![(key, spec)]), span: self.global(e.span) }
            }
            A::List(items) if items.iter().any(|i| matches!(i.kind, A::Pair(..))) => {
                let items = items.iter().map(|i| self.task_value(i)).collect();
                Expr { kind: ExprKind::List(items), span: self.global(e.span) }
            }
            _ => self.expr(e),
        }
    }

    /// A part of an attachment spec: bare names that are not variables (`template:Invoice:Orders
    /// as PDF`) are their own text.
    fn spec_part(&mut self, e: &ast::Expr) -> Expr {
        match &e.kind {
            A::Var(id) if !self.slots.contains_key(&id.name) => Expr {
                kind: ExprKind::Const(Value::text(id.name.as_str())),
                span: self.global(e.span),
            },
            A::List(items) => {
                let items = items.iter().map(|i| self.spec_part(i)).collect();
                Expr { kind: ExprKind::List(items), span: self.global(e.span) }
            }
            _ => self.expr(e),
        }
    }

    fn task(&mut self, t: &ast::Task) -> ExprKind {
        let name = t.name.name.as_str().to_ascii_lowercase();
        let mut entries = Vec::with_capacity(t.entries.len());
        for entry in t.entries.iter() {
            let key = entry.key.to_ascii_lowercase().replace(' ', "-");
            // `type: GET`: a bare word that is not a variable is its own text.
            let value = match &entry.value.kind {
                A::Var(id) if self.check_only && !self.slots.contains_key(&id.name) => {
                    Expr { kind: hollow(), span: entry.value.span }
                }
                A::Var(id) if !self.slots.contains_key(&id.name) => Expr {
                    kind: ExprKind::Const(Value::text(id.name.as_str())),
                    span: self.global(entry.value.span),
                },
                _ => self.task_value(&entry.value),
            };
            entries.push((key, value));
        }
        match name.as_str() {
            "invokeurl" => {
                if !entries.iter().any(|(k, _)| k == "url") {
                    self.error(Code::InvalidTask, "invokeurl needs a `url`", t.name.span);
                }
                for (k, _) in &entries {
                    if !INVOKEURL_KEYS.contains(&k.as_str()) {
                        self.error(
                            Code::InvalidTask,
                            format!("invokeurl has no parameter '{k}'"),
                            t.name.span,
                        );
                    }
                }
            }
            "sendmail" => {}
            _ if self.check_only => return hollow(),
            _ => {
                return ExprKind::Unsupported(
                    format!("the `{}` task is not supported outside Zoho", t.name.name).into(),
                )
            }
        }
        if self.check_only {
            return hollow();
        }
        ExprKind::Task(Box::new(Task { name, entries }))
    }
}

const INVOKEURL_KEYS: &[&str] = &[
    "url",
    "type",
    "parameters",
    "body",
    "headers",
    "content-type",
    "files",
    "connection",
    "detailed",
    "response-format",
    "response-decoding",
];

/// What a check-only compilation leaves in place of a node (no allocation, nothing to drop).
fn hollow() -> ExprKind {
    ExprKind::Const(Value::Null)
}

fn empty_candidates() -> &'static builtins::Candidates {
    static EMPTY: std::sync::OnceLock<builtins::Candidates> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Vec::new)
}

/// The type of a literal or constructor (`"a"`, `1`, `{}`, `Map()`, `List()`), if `e` is one.
fn literal_type(e: &ast::Expr) -> Option<crate::Type> {
    use crate::Type as T;
    match &e.kind {
        A::Text(_) => Some(T::Text),
        A::Int(_) => Some(T::Int),
        A::Dec(_) => Some(T::Dec),
        A::Bool(_) => Some(T::Bool),
        A::List(_) => Some(T::List),
        A::Map(_) => Some(T::Map),
        A::Call(c) if c.args.is_empty() && c.name.is("map") => Some(T::Map),
        A::Call(c) if c.name.is("list") => Some(T::List),
        A::TypedCtor(t) if t.ctor.is("map") => Some(T::Map),
        A::TypedCtor(t) if t.ctor.is("list") => Some(T::List),
        _ => None,
    }
}

/// Is a single-quoted literal meant as a date (`'31-Foo-2020'`, `'2024-13-01'`) rather than
/// text (`'success'`)? Date-shaped: starts with a digit, has a `-`, `/` or `:` separator,
/// and holds nothing but digits, letters, separators and spaces.
fn looks_like_date(s: &str) -> bool {
    let s = s.trim();
    s.starts_with(|c: char| c.is_ascii_digit())
        && s.contains(['-', '/', ':'])
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | ':' | ' ' | '.'))
}

/// Can a parameter declared `ty` receive a value of type `given`? Unknown declared types
/// accept anything; numbers convert to text and decimals, as Zoho converts them.
fn param_accepts(ty: &str, given: crate::Type) -> bool {
    use crate::Type as T;
    let ok: &[T] = match ty {
        "string" | "text" => &[T::Text, T::Int, T::Dec, T::Bool, T::Date, T::DateTime, T::Time],
        "int" | "number" | "long" | "bigint" => &[T::Int],
        "decimal" | "float" | "double" => &[T::Int, T::Dec],
        "bool" | "boolean" => &[T::Bool],
        "map" | "key-value" => &[T::Map],
        "list" => &[T::List],
        "date" | "datetime" | "date-time" | "time" => &[T::Date, T::DateTime, T::Time, T::Text],
        _ => return true,
    };
    given == T::Null || ok.contains(&given)
}

/// How a builtin's name is shown in a suggestion (the tables hold lower case).
fn display_name(lower: &str) -> String {
    crate::builtins::display_name(lower).unwrap_or(lower).to_string()
}

fn is_known_method(name: &str) -> bool {
    builtins::lookup(name).is_some()
}

fn is_empty_stmt(s: &ast::Stmt) -> bool {
    matches!(&s.kind, S::Expr(ast::Expr { kind: A::Null, span }) if span.end - span.start <= 1)
}

/// Whether `e` reads the variable `name`.
fn mentions(e: &ast::Expr, name: &str) -> bool {
    match &e.kind {
        A::Var(id) => id.name == name,
        A::Null | A::Bool(_) | A::Int(_) | A::Dec(_) | A::Text(_) | A::Date(_) | A::Error => false,
        A::List(items) => items.iter().any(|x| mentions(x, name)),
        A::Map(pairs) => pairs.iter().any(|(k, v)| mentions(k, name) || mentions(v, name)),
        A::Call(c) => c.args.iter().any(|x| mentions(x, name)),
        A::TypedCtor(t) => t.args.iter().any(|x| mentions(x, name)),
        A::Field(r, _) => mentions(r, name),
        A::Method(m) => mentions(&m.recv, name) || m.args.iter().any(|x| mentions(x, name)),
        A::Index(a, b) | A::Binary(_, a, b) | A::Pair(a, b) => {
            mentions(a, name) || mentions(b, name)
        }
        A::Unary(_, x) => mentions(x, name),
        A::Sort(s) => mentions(&s.base, name),
        A::Range(r) => mentions(&r.base, name) || mentions(&r.from, name) || mentions(&r.to, name),
        A::Task(t) | A::Insert(t) => t.entries.iter().any(|en| mentions(&en.value, name)),
    }
}
