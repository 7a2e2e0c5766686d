//! The tree-walking evaluator over the resolved IR.

pub(crate) mod closure;
mod creator;
pub(crate) mod ops;
mod task;

pub(crate) use creator::CreatorState;

use dg_syntax::Span;
use rustc_hash::FxHashMap;

use crate::builtins;
use crate::ctx::Ctx;
use crate::error::{fail, Result, RuntimeError};
use crate::ir::{Expr, ExprKind, Function};
use crate::{Project, Value};

/// How a statement ended; a returned value waits in `Machine::ret`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
    Return,
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
    /// The value of the `return` being carried out.
    ret: Value,
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
            ret: Value::Null,
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
        let res = stacker::maybe_grow(64 * 1024, 1024 * 1024, || f.body.run(self, &mut frame));
        self.depth -= 1;
        if self.depth == 0 && !self.reclaim_memory {
            // A one-shot process: the OS takes the script's values back faster than freeing
            // them one by one.
            std::mem::forget(frame);
        }
        match res? {
            Flow::Return => Ok(std::mem::take(&mut self.ret)),
            _ => Ok(Value::Null),
        }
    }

    /// Counts one statement. One compare on the hot path: the statement limit and the memory
    /// and time budgets are looked at together every [`crate::ctx::BUDGET_CHECK_EVERY`]
    /// statements (and exactly when the statement limit is passed).
    #[inline(always)]
    pub(crate) fn tick(&mut self, span: Span) -> Result<()> {
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
    pub(crate) fn info(&mut self, v: &Value) -> Result<()> {
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

    /// A name the function never assigns: a bare script's argument.
    pub(crate) fn global(&self, name: &str) -> Result<Value> {
        match self.globals.get(name) {
            Some(v) => Ok(v.clone()),
            None => fail(format!("variable '{name}' is not defined")),
        }
    }

    /// `value.name`: a map lookup, or a field of a fetched record collection.
    pub(crate) fn field(&self, obj: Value, key: &Value) -> Result<Value> {
        match obj {
            Value::Map(m) => Ok(m.borrow().get(key).cloned().unwrap_or_default()),
            Value::List(l) if self.collection_field(&l, key).is_some() => {
                Ok(self.collection_field(&l, key).unwrap_or_default())
            }
            Value::Coll(_) => Ok(Value::Null),
            Value::Null => fail(format!("cannot read '{}' of a null value", key.to_display())),
            other => {
                fail(format!("cannot read '{}' of a {} value", key.to_display(), other.ty().name()))
            }
        }
    }

    /// `obj[idx] = value` (`list.set`-style on lists, a key write on maps).
    pub(crate) fn set_index(&mut self, obj: &Value, idx: Value, value: Value) -> Result<()> {
        match obj {
            Value::List(l) => {
                let i = list_index(&idx, l.borrow().len())?;
                l.borrow_mut()[i] = value;
                Ok(())
            }
            _ => self.set_key(obj, idx, value),
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
            ExprKind::Global(name) => self.global(name),
            ExprKind::NewCollection => Ok(Value::undecided()),
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, frame)?);
                }
                Ok(Value::list(out))
            }
            ExprKind::Map(pairs) => {
                let mut map = crate::value::MapData::with_capacity(pairs.len());
                for (k, v) in pairs {
                    let k = self.eval(k, frame)?;
                    let v = self.eval(v, frame)?;
                    map.insert(k, v);
                }
                Ok(Value::map(map))
            }
            ExprKind::Neg(x) => negate(self.eval(x, frame)?),
            ExprKind::Not(x) => not(self.eval(x, frame)?),
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
            ExprKind::Field(obj, key) => {
                let obj = self.eval(obj, frame)?;
                self.field(obj, key)
            }
            ExprKind::Index(obj, idx) => {
                let obj = self.eval(obj, frame)?;
                let idx = self.eval(idx, frame)?;
                closure::index(&obj, &idx)
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

/// `-x` on numbers.
fn negate(v: Value) -> Result<Value> {
    match v {
        Value::Int(n) => n.checked_neg().map(Value::Int).ok_or_else(overflow),
        Value::Dec(d) => Ok(Value::Dec(-d)),
        other => fail(format!("cannot negate a {} value", other.ty().name())),
    }
}

/// `!x` on booleans.
fn not(v: Value) -> Result<Value> {
    match v {
        Value::Bool(b) => Ok(Value::Bool(!b)),
        other => fail(format!("'!' needs a boolean, not {}", other.ty().name())),
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
