//! Walking the syntax tree: every statement and expression in source order, scopes
//! (Deluge variables are function-scoped), and what a name at an offset refers to.
//!
//! The parser bounds nesting, so recursion here is bounded too; the server's threads have
//! large stacks for the operator chains (at most 4096 per statement) that nest left-deep.

use dg_syntax::ast::{Block, Expr, ExprKind, Function, Ident, Program, Stmt, StmtKind};
use dg_syntax::Span;
use std::collections::HashSet;

/// Pre-order hooks; the walk itself is in [`walk_stmts`] and [`walk_expr`].
pub trait Visit<'a> {
    fn stmt(&mut self, _s: &'a Stmt) {}
    fn expr(&mut self, _e: &'a Expr) {}
    fn block(&mut self, _b: &'a Block) {}
}

pub fn walk_stmts<'a>(v: &mut impl Visit<'a>, stmts: &'a [Stmt]) {
    for s in stmts {
        walk_stmt(v, s);
    }
}

fn walk_block<'a>(v: &mut impl Visit<'a>, b: &'a Block) {
    v.block(b);
    walk_stmts(v, &b.stmts);
}

pub fn walk_stmt<'a>(v: &mut impl Visit<'a>, s: &'a Stmt) {
    v.stmt(s);
    match &s.kind {
        StmtKind::Assign { target, value } => {
            walk_expr(v, target);
            walk_expr(v, value);
        }
        StmtKind::Expr(e) | StmtKind::Info(e) | StmtKind::Delete(e) | StmtKind::PageOutput(e) => {
            walk_expr(v, e)
        }
        StmtKind::Return(e) => {
            if let Some(e) = e {
                walk_expr(v, e);
            }
        }
        StmtKind::FormAction(_, e) => {
            if let Some(e) = e {
                walk_expr(v, e);
            }
        }
        StmtKind::If(i) => {
            for (cond, body) in i.branches.iter() {
                walk_expr(v, cond);
                walk_block(v, body);
            }
            if let Some(b) = &i.otherwise {
                walk_block(v, b);
            }
        }
        StmtKind::ForEach(l) | StmtKind::ForIndex(l) => {
            walk_expr(v, &l.iter);
            walk_block(v, &l.body);
        }
        StmtKind::While(w) => {
            walk_expr(v, &w.cond);
            walk_block(v, &w.body);
        }
        StmtKind::Try(t) => {
            walk_block(v, &t.body);
            walk_block(v, &t.handler);
        }
        StmtKind::Break | StmtKind::Continue | StmtKind::Error => {}
    }
}

pub fn walk_expr<'a>(v: &mut impl Visit<'a>, e: &'a Expr) {
    v.expr(e);
    match &e.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Dec(_)
        | ExprKind::Text(_)
        | ExprKind::Date(_)
        | ExprKind::Var(_)
        | ExprKind::Error => {}
        ExprKind::List(items) => items.iter().for_each(|i| walk_expr(v, i)),
        ExprKind::Map(pairs) => {
            for (k, val) in pairs.iter() {
                walk_expr(v, k);
                walk_expr(v, val);
            }
        }
        ExprKind::Call(c) => c.args.iter().for_each(|a| walk_expr(v, a)),
        ExprKind::TypedCtor(t) => t.args.iter().for_each(|a| walk_expr(v, a)),
        ExprKind::Field(recv, _) => walk_expr(v, recv),
        ExprKind::Method(m) => {
            walk_expr(v, &m.recv);
            m.args.iter().for_each(|a| walk_expr(v, a));
        }
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) | ExprKind::Pair(a, b) => {
            walk_expr(v, a);
            walk_expr(v, b);
        }
        ExprKind::Unary(_, a) => walk_expr(v, a),
        ExprKind::Sort(s) => walk_expr(v, &s.base),
        ExprKind::Task(t) | ExprKind::Insert(t) => {
            t.entries.iter().for_each(|en| walk_expr(v, &en.value))
        }
        ExprKind::Range(r) => {
            walk_expr(v, &r.base);
            walk_expr(v, &r.from);
            walk_expr(v, &r.to);
        }
    }
}

/// A function body, or a file's top-level statements.
pub struct Scope<'a> {
    pub function: Option<&'a Function>,
    pub stmts: &'a [Stmt],
    /// Names defined in the scope (parameters, assignment targets, loop and catch variables).
    defined: HashSet<&'a str>,
}

impl<'a> Scope<'a> {
    pub fn new(function: Option<&'a Function>, stmts: &'a [Stmt]) -> Scope<'a> {
        let mut scope = Scope { function, stmts, defined: HashSet::new() };
        let defined = scope.mentions().into_iter().filter(|m| m.1).map(|m| m.0.name.as_str());
        scope.defined = defined.collect();
        scope
    }

    /// The scope of a function's body.
    pub fn of(f: &'a Function) -> Scope<'a> {
        Scope::new(Some(f), &f.body.stmts)
    }

    /// The scope holding `offset`: the function whose span contains it, else the top level.
    pub fn at(program: &'a Program, offset: usize) -> Scope<'a> {
        let offset = offset as u32;
        match program.functions.iter().find(|f| f.span.start <= offset && offset <= f.span.end) {
            Some(f) => Scope::of(f),
            None => Scope::new(None, &program.stmts),
        }
    }

    /// Every mention of a variable in the scope, in source order: `(ident, defines)`, where
    /// `defines` marks parameters, assignment targets, loop variables and `catch` variables.
    pub fn mentions(&self) -> Vec<(&'a Ident, bool)> {
        struct V<'a>(Vec<(&'a Ident, bool)>);
        impl<'a> Visit<'a> for V<'a> {
            fn stmt(&mut self, s: &'a Stmt) {
                match &s.kind {
                    StmtKind::Assign { target, .. } => {
                        if let ExprKind::Var(id) = &target.kind {
                            self.0.push((id, true));
                        }
                    }
                    StmtKind::ForEach(l) | StmtKind::ForIndex(l) => {
                        self.0.push((&l.var, true));
                    }
                    StmtKind::Try(t) => {
                        if let Some(var) = &t.var {
                            self.0.push((var, true));
                        }
                    }
                    _ => {}
                }
            }
            fn expr(&mut self, e: &'a Expr) {
                if let ExprKind::Var(id) = &e.kind {
                    self.0.push((id, false));
                }
            }
        }
        let mut v = V(Vec::new());
        if let Some(f) = self.function {
            v.0.extend(f.params.iter().map(|p| (&p.name, true)));
        }
        walk_stmts(&mut v, self.stmts);
        // An assignment target is also visited as an expression: keep the defining mention.
        let mut out: Vec<(&'a Ident, bool)> = Vec::with_capacity(v.0.len());
        v.0.sort_by_key(|(id, def)| (id.span.start, !*def));
        for m in v.0 {
            if out.last().is_none_or(|(last, _)| last.span != m.0.span) {
                out.push(m);
            }
        }
        out
    }

    /// Names defined in the scope (parameters and assigned variables), each once, in order of
    /// first definition.
    pub fn variables(&self) -> Vec<&'a Ident> {
        let mut seen: Vec<&'a Ident> = Vec::new();
        for (id, def) in self.mentions() {
            if def && !seen.iter().any(|s| s.name == id.name) {
                seen.push(id);
            }
        }
        seen
    }

    /// Whether `name` is a variable here (case-sensitive, as the resolver is).
    pub fn defines(&self, name: &str) -> bool {
        self.defined.contains(name)
    }

    /// The value of the first plain assignment `name = <expr>;`.
    pub fn first_assignment(&self, name: &str) -> Option<(&'a Ident, &'a Expr)> {
        struct V<'a, 'n>(&'n str, Option<(&'a Ident, &'a Expr)>);
        impl<'a> Visit<'a> for V<'a, '_> {
            fn stmt(&mut self, s: &'a Stmt) {
                if self.1.is_some() {
                    return;
                }
                if let StmtKind::Assign { target, value } = &s.kind {
                    let ExprKind::Var(id) = &target.kind else { return };
                    if id.name == self.0 {
                        self.1 = Some((id, value));
                    }
                }
            }
        }
        let mut v = V(name, None);
        walk_stmts(&mut v, self.stmts);
        v.1
    }
}

/// The dotted path of an expression made of names only (`standalone`, `zoho.crm`), when its
/// root is not a variable of `scope`.
pub fn namespace_path(e: &Expr, scope: &Scope<'_>) -> Option<String> {
    match &e.kind {
        ExprKind::Var(id) if !scope.defines(&id.name) => Some(id.name.to_string()),
        ExprKind::Field(recv, name) => {
            Some(format!("{}.{}", namespace_path(recv, scope)?, name.name))
        }
        _ => None,
    }
}

/// What a name at an offset is.
#[derive(Debug, Clone)]
pub enum Target<'a> {
    /// A variable of the scope (parameter or assigned somewhere in it).
    Var(&'a Ident),
    /// A call of a function by name (`f(…)`, `standalone.f(…)`): the name as written.
    Call { name: String, span: Span },
    /// A method on a value (`x.trim()`).
    Method { name: &'a Ident },
    /// A `zoho.` path (task or system variable), whole.
    Zoho { path: String, span: Span },
    /// The name in a function's header.
    Definition(&'a Function),
}

/// The name at `offset` in `program`, if any.
pub fn target_at(program: &Program, offset: usize) -> Option<Target<'_>> {
    let scope = Scope::at(program, offset);
    let off = offset as u32;
    let hit = |s: Span| s.start <= off && off <= s.end;
    if let Some(f) = scope.function {
        if hit(f.name.span) || f.namespace.as_ref().is_some_and(|n| hit(n.span)) {
            return Some(Target::Definition(f));
        }
        if let Some(p) = f.params.iter().find(|p| hit(p.name.span)) {
            return Some(Target::Var(&p.name));
        }
    }
    struct V<'a, 's> {
        off: u32,
        scope: &'s Scope<'a>,
        found: Option<Target<'a>>,
    }
    impl<'a> Visit<'a> for V<'a, '_> {
        fn stmt(&mut self, s: &'a Stmt) {
            let hit = |sp: Span| sp.start <= self.off && self.off <= sp.end;
            match &s.kind {
                StmtKind::ForEach(l) | StmtKind::ForIndex(l) if hit(l.var.span) => {
                    self.found = Some(Target::Var(&l.var));
                }
                StmtKind::Try(t) => {
                    if let Some(var) = t.var.as_ref().filter(|v| hit(v.span)) {
                        self.found = Some(Target::Var(var));
                    }
                }
                _ => {}
            }
        }
        fn expr(&mut self, e: &'a Expr) {
            let hit = |sp: Span| sp.start <= self.off && self.off <= sp.end;
            if !hit(e.span) {
                return;
            }
            match &e.kind {
                ExprKind::Var(id) if hit(id.span) && self.scope.defines(&id.name) => {
                    self.found = Some(Target::Var(id));
                }
                ExprKind::Call(c) if hit(c.name.span) => {
                    let name = &c.name;
                    self.found =
                        Some(Target::Call { name: name.name.to_string(), span: name.span });
                }
                ExprKind::Method(m) if hit(m.name.span) || hit(m.recv.span) => {
                    let (recv, name) = (&m.recv, &m.name);
                    match namespace_path(recv, self.scope) {
                        Some(path) if path.to_ascii_lowercase().starts_with("zoho") => {
                            self.found = Some(Target::Zoho {
                                path: format!("{path}.{}", name.name),
                                span: recv.span.to(name.span),
                            });
                        }
                        Some(path) => {
                            self.found = Some(Target::Call {
                                name: format!("{path}.{}", name.name),
                                span: recv.span.to(name.span),
                            });
                        }
                        None if hit(name.span) => {
                            self.found = Some(Target::Method { name });
                        }
                        None => {}
                    }
                }
                ExprKind::Field(recv, name) if hit(name.span) || hit(recv.span) => {
                    if let Some(path) = namespace_path(recv, self.scope) {
                        if path.to_ascii_lowercase().starts_with("zoho") {
                            self.found = Some(Target::Zoho {
                                path: format!("{path}.{}", name.name),
                                span: recv.span.to(name.span),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut v = V { off, scope: &scope, found: None };
    walk_stmts(&mut v, scope.stmts);
    v.found
}

/// Does a call written `name` (`f`, `standalone.f`, `thisapp.f`) call the function with the
/// qualified name `qualified`? (The resolver matches qualified names, case-insensitively;
/// `thisapp.f` also finds `f`.)
pub fn calls(name: &str, qualified: &str) -> bool {
    name.eq_ignore_ascii_case(qualified)
        || name.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("thisapp."))
            && name[8..].eq_ignore_ascii_case(qualified)
}

/// Every call of a function in a program: the span of the name as written.
pub fn call_sites(program: &Program, qualified: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut scan = |stmts: &[Stmt], scope: &Scope<'_>| {
        struct V<'s, 'a> {
            q: &'s str,
            scope: &'s Scope<'a>,
            out: Vec<Span>,
        }
        impl<'a> Visit<'a> for V<'_, '_> {
            fn expr(&mut self, e: &'a Expr) {
                match &e.kind {
                    ExprKind::Call(c) if calls(&c.name.name, self.q) => self.out.push(c.name.span),
                    ExprKind::Method(m) => {
                        let (recv, name) = (&m.recv, &m.name);
                        if let Some(path) = namespace_path(recv, self.scope) {
                            if calls(&format!("{path}.{}", name.name), self.q) {
                                self.out.push(recv.span.to(name.span));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut v = V { q: qualified, scope, out: Vec::new() };
        walk_stmts(&mut v, stmts);
        out.extend(v.out);
    };
    for f in &program.functions {
        scan(&f.body.stmts, &Scope::of(f));
    }
    scan(&program.stmts, &Scope::new(None, &program.stmts));
    out.sort_by_key(|s| s.start);
    out
}
