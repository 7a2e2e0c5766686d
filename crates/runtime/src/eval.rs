//! The tree-walking evaluator over the resolved IR.

mod creator;
pub(crate) mod ops;
mod task;

pub(crate) use creator::CreatorState;

use dg_syntax::Span;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::builtins;
use crate::ctx::Ctx;
use crate::error::{fail, ErrorKind, Result, RuntimeError};
use crate::ir::{Expr, ExprKind, Function, Stmt, StmtKind};
use crate::{Project, Value};

pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

pub(crate) struct Machine<'p, 'h> {
    pub ctx: Ctx<'h>,
    pub functions: &'p [Function],
    /// Arguments of a bare script, read by names it never assigns.
    pub globals: FxHashMap<String, Value>,
    /// The project, to turn error spans into line numbers (`catch (e)` → `e.lineNo`).
    pub project: &'p Project,
    depth: usize,
    stack: Vec<Value>,
    /// Free the top-level frame's values when the run ends (see `Interpreter::reclaim_memory`).
    pub reclaim_memory: bool,
    /// Creator record collections and page output.
    pub(crate) creator: CreatorState,
}

impl<'p, 'h> Machine<'p, 'h> {
    pub(crate) fn new(
        ctx: Ctx<'h>,
        functions: &'p [Function],
        project: &'p Project,
    ) -> Machine<'p, 'h> {
        Machine {
            ctx,
            functions,
            globals: FxHashMap::default(),
            project,
            depth: 0,
            stack: Vec::new(),
            reclaim_memory: true,
            creator: CreatorState::default(),
        }
    }

    /// Runs a function body with its parameters in the first slots.
    pub(crate) fn call_function(
        &mut self,
        f: &Function,
        args: Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        if self.depth >= self.ctx.limits.max_call_depth {
            return Err(RuntimeError::limit(format!(
                "more than {} nested function calls (limit)",
                self.ctx.limits.max_call_depth
            ))
            .at(span));
        }
        let mut frame = vec![Value::Null; f.slots.len()];
        for (slot, arg) in frame.iter_mut().zip(args) {
            *slot = arg;
        }
        for (slot, name) in f.slots.iter().enumerate().skip(f.params.len()) {
            if let Some(v) = self.globals.get(name) {
                frame[slot] = v.clone();
            }
        }
        self.depth += 1;
        let res = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.block(&f.body, &mut frame));
        self.depth -= 1;
        if self.depth == 0 && !self.reclaim_memory {
            // A one-shot process: the OS takes the script's values back faster than freeing
            // them one by one.
            std::mem::forget(frame);
        }
        match res? {
            Flow::Return(v) => Ok(v),
            _ => Ok(Value::Null),
        }
    }

    fn block(&mut self, stmts: &[Stmt], frame: &mut [Value]) -> Result<Flow> {
        for s in stmts {
            match self.stmt(s, frame) {
                Ok(Flow::Normal) => {}
                Ok(flow) => return Ok(flow),
                Err(e) => return Err(e.at(s.span)),
            }
        }
        Ok(Flow::Normal)
    }

    /// Counts one statement. One compare on the hot path: the statement limit and the memory
    /// and time budgets are looked at together every [`crate::ctx::BUDGET_CHECK_EVERY`]
    /// statements (and exactly when the statement limit is passed).
    #[inline]
    fn tick(&mut self, span: Span) -> Result<()> {
        self.ctx.statements += 1;
        if self.ctx.statements >= self.ctx.next_check {
            return self.checkpoint(span);
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn checkpoint(&mut self, span: Span) -> Result<()> {
        let max = self.ctx.limits.max_statements;
        if let Some(max) = max {
            if self.ctx.statements > max {
                return Err(RuntimeError::limit(format!(
                    "more than {max} statements executed (limit)"
                ))
                .at(span));
            }
        }
        self.ctx.check_budgets().map_err(|e| e.at(span))?;
        self.ctx.next_check = crate::ctx::next_check(self.ctx.statements, max);
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt, frame: &mut [Value]) -> Result<Flow> {
        if !matches!(
            s.kind,
            StmtKind::ForEach { .. } | StmtKind::ForIndex { .. } | StmtKind::While { .. }
        ) {
            self.tick(s.span)?;
        }
        match &s.kind {
            StmtKind::Assign(slot, e) => {
                let v = self.eval(e, frame)?;
                frame[*slot as usize] = v;
            }
            StmtKind::Append(slot, parts) => self.append(*slot as usize, parts, frame)?,
            StmtKind::SetField(obj, key, value) => {
                let obj = self.eval(obj, frame)?;
                let value = self.eval(value, frame)?;
                self.set_field(&obj, key, value)?;
            }
            StmtKind::SetIndex(obj, idx, value) => {
                let obj = self.eval(obj, frame)?;
                let idx = self.eval(idx, frame)?;
                let value = self.eval(value, frame)?;
                match &obj {
                    Value::List(l) => {
                        let i = list_index(&idx, l.borrow().len())?;
                        l.borrow_mut()[i] = value;
                    }
                    _ => self.set_key(&obj, idx, value)?,
                }
            }
            StmtKind::Expr(e) => {
                self.eval(e, frame)?;
            }
            StmtKind::Info(e) => {
                let v = self.eval(e, frame)?;
                self.info(&v)?;
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::Null,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::If(branches, otherwise) => {
                for (cond, body) in branches {
                    if self.condition(cond, frame)? {
                        return self.block(body, frame);
                    }
                }
                return self.block(otherwise, frame);
            }
            StmtKind::ForEach { slot, iter, body } => {
                let items = self.iteration_items(iter, frame)?;
                for item in items {
                    self.tick(s.span)?;
                    frame[*slot as usize] = item;
                    match self.block(body, frame)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
            }
            StmtKind::ForIndex { slot, iter, body } => {
                let n = match self.eval(iter, frame)? {
                    Value::List(l) => l.borrow().len(),
                    other => {
                        return fail(format!(
                            "'for each index' needs a list, not {}",
                            other.ty().name()
                        ))
                    }
                };
                for i in 0..n {
                    self.tick(s.span)?;
                    frame[*slot as usize] = Value::Int(i as i64);
                    match self.block(body, frame)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
            }
            StmtKind::While { cond, body } => loop {
                self.tick(s.span)?;
                if !self.condition(cond, frame)? {
                    break;
                }
                match self.block(body, frame)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            },
            StmtKind::Try { body, slot, handler } => match self.block(body, frame) {
                Ok(flow) => return Ok(flow),
                Err(err) if err.kind() == ErrorKind::Runtime => {
                    if let Some(slot) = slot {
                        frame[*slot as usize] = self.error_value(&err);
                    }
                    return self.block(handler, frame);
                }
                Err(err) => return Err(err),
            },
            StmtKind::Delete(f) => self.delete(f, frame)?,
            StmtKind::FormAction { action, field, value } => {
                let value = match value {
                    Some(e) => Some(self.eval(e, frame)?),
                    None => None,
                };
                self.form_action(crate::creator::FormAction {
                    action: action.to_string(),
                    field: field.as_ref().map(|f| f.to_string()),
                    value,
                })?;
            }
            StmtKind::SetInput(field, e) => {
                let v = self.eval(e, frame)?;
                self.set_input(field, v)?;
            }
            StmtKind::PageOutput(e) => {
                let v = self.eval(e, frame)?;
                self.page_output(&v)?;
            }
            StmtKind::Unsupported(msg) => return fail(msg.to_string()),
        }
        Ok(Flow::Normal)
    }

    /// The map a `catch (e)` variable holds: `{"lineNo":N,"message":"…"}`.
    pub(crate) fn error_value(&self, err: &RuntimeError) -> Value {
        let line = err
            .span()
            .map(|s| {
                let (file, local) = self.project.locate(s);
                self.project.files()[file].line_col(local.start).0
            })
            .unwrap_or(0);
        Value::map_from([
            ("lineNo", Value::Int(line as i64)),
            ("message", Value::text(err.message())),
        ])
    }

    /// `info v`: the printed line counts against the info limit (each line plus its newline);
    /// a value too big for what is left fails before it is printed in full.
    fn info(&mut self, v: &Value) -> Result<()> {
        let left = self.ctx.limits.max_info_bytes.saturating_sub(self.ctx.info_bytes);
        let cap = self.ctx.print_cap();
        let line = match v.display_within(cap.min(left)) {
            Some(line) if line.len() < left => line,
            Some(_) => return Err(self.info_error()),
            None if left <= cap => return Err(self.info_error()),
            None => return Err(self.ctx.cap_error(cap)),
        };
        self.ctx.info_bytes += line.len() + 1;
        self.ctx.host.info(&line);
        Ok(())
    }

    #[cold]
    fn info_error(&self) -> RuntimeError {
        RuntimeError::limit(format!(
            "info output exceeds {} (info limit)",
            crate::ctx::show_bytes(self.ctx.limits.max_info_bytes)
        ))
    }

    fn condition(&mut self, e: &Expr, frame: &mut [Value]) -> Result<bool> {
        match self.eval(e, frame)? {
            Value::Bool(b) => Ok(b),
            other => Err(RuntimeError::new(format!(
                "a condition must be a boolean, not {}",
                other.ty().name()
            ))
            .at(e.span)),
        }
    }

    /// The elements a `for each` walks: a snapshot taken when the loop starts.
    fn iteration_items(
        &mut self,
        iter: &Expr,
        frame: &mut [Value],
    ) -> Result<SmallVec<[Value; 8]>> {
        match self.eval(iter, frame)? {
            Value::List(l) => Ok(l.borrow().iter().cloned().collect()),
            Value::Map(m) => Ok(m.borrow().keys().cloned().collect()),
            Value::Text(s) => Ok(s.split(',').map(Value::text).collect()),
            // Only an undecided collection stays a cell when read: nothing to walk.
            Value::Coll(_) => Ok(SmallVec::new()),
            other => Err(RuntimeError::new(format!(
                "'for each' needs a list, not {}",
                other.ty().name()
            ))
            .at(iter.span)),
        }
    }

    fn set_key(&mut self, obj: &Value, key: Value, value: Value) -> Result<()> {
        if let Value::Coll(cell) = obj {
            // `c.k = v` on an undecided `Collection()` makes it key-value.
            let map = Value::empty_map();
            *cell.borrow_mut() = map.clone();
            return self.set_key(&map, key, value);
        }
        match obj {
            Value::Map(m) => {
                let mut m = m.borrow_mut();
                self.ctx.check_collection_len(m.len() + 1)?;
                m.insert(key, value);
                Ok(())
            }
            other => {
                fail(format!("cannot set '{}' on a {} value", key.to_display(), other.ty().name()))
            }
        }
    }

    /// `x = x + a + …` with `x` holding text: appends in place (no copy of `x`).
    fn append(&mut self, slot: usize, parts: &[Expr], frame: &mut [Value]) -> Result<()> {
        // `n = n + k` on numbers (counters, sums): one checked add, no copies.
        if let (Value::Int(a), [part]) = (&frame[slot], parts) {
            let a = *a;
            let v = self.eval(part, frame)?;
            frame[slot] = match v {
                Value::Int(b) => ops::int_op(dg_syntax::ast::BinOp::Add, a, b)?,
                v => self.binary(dg_syntax::ast::BinOp::Add, Value::Int(a), v)?,
            };
            return Ok(());
        }
        let cur = std::mem::take(&mut frame[slot]);
        let Value::Text(mut acc) = cur else {
            return self.append_generic(slot, cur, parts, frame);
        };
        let original = acc.len();
        for p in parts {
            let v = match self.eval(p, frame) {
                Ok(v) => v,
                Err(e) => {
                    std::rc::Rc::make_mut(&mut acc).truncate(original);
                    frame[slot] = Value::Text(acc);
                    return Err(e);
                }
            };
            let cap = self.ctx.text_cap(acc.len());
            let s = std::rc::Rc::make_mut(&mut acc);
            if !v.write_display_within(s, cap) {
                s.truncate(original);
                frame[slot] = Value::Text(acc);
                return Err(self.ctx.cap_error(cap));
            }
        }
        frame[slot] = Value::Text(acc);
        Ok(())
    }

    fn append_generic(
        &mut self,
        slot: usize,
        start: Value,
        parts: &[Expr],
        frame: &mut [Value],
    ) -> Result<()> {
        frame[slot] = start.clone();
        let mut acc = start;
        for p in parts {
            let v = self.eval(p, frame)?;
            acc = self.binary(dg_syntax::ast::BinOp::Add, acc, v)?;
        }
        frame[slot] = acc;
        Ok(())
    }

    #[inline]
    pub(crate) fn eval(&mut self, e: &Expr, frame: &mut [Value]) -> Result<Value> {
        match self.eval_inner(e, frame) {
            Ok(v) => Ok(v),
            Err(err) => Err(err.at(e.span)),
        }
    }

    fn eval_inner(&mut self, e: &Expr, frame: &mut [Value]) -> Result<Value> {
        match &e.kind {
            ExprKind::Const(v) => Ok(v.clone()),
            ExprKind::Local(s) => Ok(frame[*s as usize].clone()),
            ExprKind::Global(name) => match self.globals.get(&**name) {
                Some(v) => Ok(v.clone()),
                None => fail(format!("variable '{name}' is not defined")),
            },
            ExprKind::NewCollection => Ok(Value::undecided()),
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, frame)?);
                }
                Ok(Value::list(out))
            }
            ExprKind::Map(pairs) => {
                let mut map = crate::value::MapData::with_capacity_and_hasher(
                    pairs.len(),
                    Default::default(),
                );
                for (k, v) in pairs {
                    let k = self.eval(k, frame)?;
                    let v = self.eval(v, frame)?;
                    map.insert(k, v);
                }
                Ok(Value::map(map))
            }
            ExprKind::Neg(x) => match self.eval(x, frame)? {
                Value::Int(n) => n.checked_neg().map(Value::Int).ok_or_else(overflow),
                Value::Dec(d) => Ok(Value::Dec(-d)),
                other => fail(format!("cannot negate a {} value", other.ty().name())),
            },
            ExprKind::Not(x) => match self.eval(x, frame)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                other => fail(format!("'!' needs a boolean, not {}", other.ty().name())),
            },
            ExprKind::Binary(op, l, r) => {
                let l = self.eval(l, frame)?;
                let r = self.eval(r, frame)?;
                if let (Value::Int(a), Value::Int(b)) = (&l, &r) {
                    return ops::int_op(*op, *a, *b);
                }
                self.binary(*op, l, r)
            }
            ExprKind::LocalInt(op, slot, n) => match &frame[*slot as usize] {
                Value::Int(a) => ops::int_op(*op, *a, *n),
                other => {
                    let l = other.clone();
                    self.binary(*op, l, Value::Int(*n))
                }
            },
            ExprKind::And(l, r) => {
                Ok(Value::Bool(self.condition(l, frame)? && self.condition(r, frame)?))
            }
            ExprKind::Or(l, r) => {
                Ok(Value::Bool(self.condition(l, frame)? || self.condition(r, frame)?))
            }
            ExprKind::Builtin { name, cands, args } => {
                let base = self.stack.len();
                for a in args {
                    match self.eval(a, frame) {
                        Ok(v) => self.stack.push(v),
                        Err(err) => {
                            self.stack.truncate(base);
                            return Err(err);
                        }
                    }
                }
                let res = builtins::call(&mut self.ctx, name, cands, &self.stack[base..]);
                self.stack.truncate(base);
                res
            }
            ExprKind::UserCall { func, args } => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a, frame)?);
                }
                let functions = self.functions;
                self.call_function(&functions[*func as usize], vals, e.span)
            }
            ExprKind::External { name, args } => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a, frame)?);
                }
                match self.ctx.host.external_function(name, &vals) {
                    Some(Ok(v)) => Ok(v),
                    Some(Err(msg)) => fail(msg),
                    None => fail(format!(
                        "function '{name}' is not defined in this project: add the file that defines it (the project is the folder with dg.toml, or the files named on the command line), or stub it in the test case ([case.stubs])"
                    )),
                }
            }
            ExprKind::If(parts) => {
                let [c, a, b] = &**parts;
                if self.condition(c, frame)? {
                    self.eval(a, frame)
                } else {
                    self.eval(b, frame)
                }
            }
            ExprKind::IfNull(parts) => {
                let [a, b] = &**parts;
                match self.eval(a, frame)? {
                    Value::Null => self.eval(b, frame),
                    v => Ok(v),
                }
            }
            ExprKind::Field(obj, key) => match self.eval(obj, frame)? {
                Value::Map(m) => Ok(m.borrow().get(key).cloned().unwrap_or_default()),
                Value::List(l) if self.collection_field(&l, key).is_some() => {
                    Ok(self.collection_field(&l, key).unwrap_or_default())
                }
                Value::Coll(_) => Ok(Value::Null),
                Value::Null => fail(format!("cannot read '{}' of a null value", key.to_display())),
                other => fail(format!(
                    "cannot read '{}' of a {} value",
                    key.to_display(),
                    other.ty().name()
                )),
            },
            ExprKind::Index(obj, idx) => {
                let obj = self.eval(obj, frame)?;
                let idx = self.eval(idx, frame)?;
                match &obj {
                    Value::List(l) => {
                        let l = l.borrow();
                        let i = list_index(&idx, l.len())?;
                        Ok(l[i].clone())
                    }
                    Value::Map(m) => Ok(m.borrow().get(&idx).cloned().unwrap_or_default()),
                    Value::Coll(_) => Ok(Value::Null),
                    other => fail(format!("cannot index a {} value", other.ty().name())),
                }
            }
            ExprKind::SysVar(name) => self.system_var(name),
            ExprKind::Task(t) => self.task(t, frame),
            ExprKind::Integration { name, args } => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a, frame)?);
                }
                self.ctx.host.integration(name, &vals).map_err(RuntimeError::new)
            }
            ExprKind::LegacyHttp { post, args } => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a, frame)?);
                }
                self.legacy_http(*post, &vals)
            }
            ExprKind::Fetch(f) => self.fetch(f, frame),
            ExprKind::Records { recv, func, field } => {
                let coll = self.eval(recv, frame)?;
                self.records_fn(coll, *func, field.as_deref())
            }
            ExprKind::Insert { form, fields } => self.insert(form, fields, frame),
            ExprKind::Input(field) => self.input_field(field),
            ExprKind::Unsupported(msg) => fail(msg.to_string()),
        }
    }

    fn system_var(&mut self, name: &str) -> Result<Value> {
        match name {
            "zoho.currentdate" | "today" => {
                let now = self.ctx.now();
                Ok(Value::Date(now.date().and_hms_opt(0, 0, 0).unwrap_or(now)))
            }
            "zoho.currenttime" | "now" => Ok(Value::DateTime(self.ctx.now())),
            other => match self.ctx.host.system_var(other) {
                Some(v) => Ok(v),
                None => fail(format!("system variable '{other}' is not available in this host")),
            },
        }
    }
}

#[cold]
pub(crate) fn overflow() -> RuntimeError {
    RuntimeError::new("Number overflow")
}

/// A list position from an index value; Zoho's message when out of range.
fn list_index(idx: &Value, len: usize) -> Result<usize> {
    let i = match idx {
        Value::Int(i) => *i,
        other => return fail(format!("a list index must be a number, not {}", other.ty().name())),
    };
    if i < 0 {
        return fail(format!("Given index {i} is negative"));
    }
    if i as u64 >= len as u64 {
        return fail(format!("Given index {i} is greater than the list size"));
    }
    Ok(i as usize)
}
