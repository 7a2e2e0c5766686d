//! Closure compilation: the resolved IR becomes a tree of boxed closures before a run.
//!
//! Every decision the tree walker took on each visit (which node kind, which operator, which
//! slot, which constant, whether a condition compares two numbers) is taken once here; a
//! visit is one indirect call into code specialised for that node. Statements and the hot
//! expression kinds are compiled; the rare expression kinds (tasks, Creator records,
//! integrations, …) keep their IR and call the tree walker (`Machine::eval`), which stays the
//! reference for every expression kind. Both share the operator and access helpers, so the
//! two paths cannot disagree on semantics.
//!
//! Error locations follow the walker's rule: the innermost node that fails attaches its span,
//! and the statement's span is attached when nothing inside set one.

use dg_syntax::ast::BinOp;
use dg_syntax::Span;
use std::rc::Rc;

use super::{list_index, ops, Flow, Machine};
use crate::builtins::{self, FastOp};
use crate::error::{ErrorKind, Result, RuntimeError};
use crate::ir::{Expr, ExprKind, Stmt, StmtKind};
use crate::value::Text;
use crate::Value;

type Frame = [Value];
/// A compiled expression.
type X = Box<dyn Fn(&mut Machine<'_, '_>, &mut Frame) -> Result<Value>>;
/// A compiled condition: a boolean without building a `Value`.
type C = Box<dyn Fn(&mut Machine<'_, '_>, &mut Frame) -> Result<bool>>;
/// A compiled statement (it counts itself against the statement budget).
type S = Box<dyn Fn(&mut Machine<'_, '_>, &mut Frame) -> Result<Flow>>;

/// A compiled block: statements with the span attached to errors they leave unlocated.
#[derive(Default)]
pub(crate) struct Block(Box<[(S, Span)]>);

impl Block {
    #[inline]
    pub(crate) fn run(&self, m: &mut Machine<'_, '_>, f: &mut Frame) -> Result<Flow> {
        for (s, span) in self.0.iter() {
            match s(m, f) {
                Ok(Flow::Normal) => {}
                Ok(flow) => return Ok(flow),
                Err(e) => return Err(e.at(*span)),
            }
        }
        Ok(Flow::Normal)
    }
}

#[inline(always)]
fn x(f: impl Fn(&mut Machine<'_, '_>, &mut Frame) -> Result<Value> + 'static) -> X {
    Box::new(f)
}

#[inline(always)]
fn c(f: impl Fn(&mut Machine<'_, '_>, &mut Frame) -> Result<bool> + 'static) -> C {
    Box::new(f)
}

#[inline(always)]
fn s(f: impl Fn(&mut Machine<'_, '_>, &mut Frame) -> Result<Flow> + 'static) -> S {
    Box::new(f)
}

/// Stack left below which compilation moves to a new segment, and that segment's size
/// (the IR can be as deep as the parser allows).
const RED_ZONE: usize = 64 * 1024;
const GROWTH: usize = 2 * 1024 * 1024;

pub(crate) fn block(stmts: Vec<Stmt>) -> Block {
    stacker::maybe_grow(RED_ZONE, GROWTH, || {
        Block(
            stmts
                .into_iter()
                .map(|st| {
                    let span = st.span;
                    (stmt(st), span)
                })
                .collect(),
        )
    })
}

fn exprs(list: Vec<Expr>) -> Box<[X]> {
    list.into_iter().map(expr).collect()
}

/// A builtin call with one to three arguments, the receiver counted (`m.get(k)`, `s.length()`,
/// `m.put(k, v)`): the arguments are evaluated into an array on the Rust stack instead of the
/// machine's argument stack, then dispatched like any builtin call ([`builtins::call_at`]).
/// `get`, `containsKey`, `put` and `add` on a map or list receiver skip the dispatch (see
/// [`FastOp`]).
fn builtin_fixed(
    name: Box<str>,
    cands: &'static builtins::Candidates,
    args: Box<[X]>,
    span: Span,
) -> X {
    let op = FastOp::of(cands, args.len());
    let site = builtins::Site::default();
    let call = move |m: &mut Machine<'_, '_>, vals: &[Value]| {
        builtins::call_at(&mut m.ctx, &name, cands, &site, vals).map_err(|e| e.at(span))
    };
    let null = move |r: Result<()>| r.map(|()| Value::Null).map_err(|e| e.at(span));
    let mut args = args.into_vec().into_iter();
    match (args.next(), args.next(), args.next()) {
        (Some(a), None, None) => x(move |m, f| {
            let v = a(m, f)?;
            call(m, std::slice::from_ref(&v))
        }),
        (Some(a), Some(b), None) => match op {
            Some(FastOp::Get) => x(move |m, f| {
                let (r, k) = (a(m, f)?, b(m, f)?);
                match &r {
                    Value::Map(map) => Ok(builtins::map_get(map, &k)),
                    Value::List(list) => builtins::list_get(list, &k).map_err(|e| e.at(span)),
                    _ => call(m, &[r, k]),
                }
            }),
            Some(FastOp::ContainsKey) => x(move |m, f| {
                let (r, k) = (a(m, f)?, b(m, f)?);
                match &r {
                    Value::Map(map) => Ok(Value::Bool(builtins::map_contains_key(map, &k))),
                    _ => call(m, &[r, k]),
                }
            }),
            Some(FastOp::Add) => x(move |m, f| {
                let (r, v) = (a(m, f)?, b(m, f)?);
                match &r {
                    Value::List(list) => null(builtins::list_add(&m.ctx, list, v)),
                    _ => call(m, &[r, v]),
                }
            }),
            _ => x(move |m, f| {
                let vals = [a(m, f)?, b(m, f)?];
                call(m, &vals)
            }),
        },
        (Some(a), Some(b), Some(c)) if op == Some(FastOp::Put) => x(move |m, f| {
            let (r, k, v) = (a(m, f)?, b(m, f)?, c(m, f)?);
            match &r {
                Value::Map(map) => null(builtins::map_put(&m.ctx, map, k, v)),
                _ => call(m, &[r, k, v]),
            }
        }),
        (Some(a), Some(b), Some(c)) => x(move |m, f| {
            let vals = [a(m, f)?, b(m, f)?, c(m, f)?];
            call(m, &vals)
        }),
        _ => unreachable!("builtin_fixed takes one to three arguments"),
    }
}

fn is_comparison(op: BinOp) -> bool {
    matches!(op, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
}

#[inline(always)]
fn compare_ints(op: BinOp, a: i64, b: i64) -> bool {
    match op {
        BinOp::Eq => a == b,
        BinOp::Ne => a != b,
        BinOp::Lt => a < b,
        BinOp::Le => a <= b,
        BinOp::Gt => a > b,
        _ => a >= b,
    }
}

/// Operators that get their own monomorphised closures (`by_op!`); `ANY` dispatches at run time.
mod op {
    pub(super) const ADD: u8 = 0;
    pub(super) const SUB: u8 = 1;
    pub(super) const MUL: u8 = 2;
    pub(super) const REM: u8 = 3;
    pub(super) const EQ: u8 = 4;
    pub(super) const NE: u8 = 5;
    pub(super) const LT: u8 = 6;
    pub(super) const LE: u8 = 7;
    pub(super) const GT: u8 = 8;
    pub(super) const GE: u8 = 9;
    pub(super) const ANY: u8 = 255;
}

/// Calls `$f::<OP>(args…)` with `OP` the constant for `$op`.
macro_rules! by_op {
    ($op:expr, $f:ident ( $($arg:expr),* $(,)? )) => {
        match $op {
            BinOp::Add => $f::<{ op::ADD }>($($arg),*),
            BinOp::Sub => $f::<{ op::SUB }>($($arg),*),
            BinOp::Mul => $f::<{ op::MUL }>($($arg),*),
            BinOp::Rem => $f::<{ op::REM }>($($arg),*),
            BinOp::Eq => $f::<{ op::EQ }>($($arg),*),
            BinOp::Ne => $f::<{ op::NE }>($($arg),*),
            BinOp::Lt => $f::<{ op::LT }>($($arg),*),
            BinOp::Le => $f::<{ op::LE }>($($arg),*),
            BinOp::Gt => $f::<{ op::GT }>($($arg),*),
            BinOp::Ge => $f::<{ op::GE }>($($arg),*),
            _ => $f::<{ op::ANY }>($($arg),*),
        }
    };
}

/// `a op b` on two numbers, the operator known when the closure was built. Same results
/// and errors as `ops::int_op`, which handles everything but the fast cases.
#[inline(always)]
fn int_c<const OP: u8>(op: BinOp, a: i64, b: i64) -> Result<Value> {
    let n = match OP {
        op::ADD => a.checked_add(b),
        op::SUB => a.checked_sub(b),
        op::MUL => a.checked_mul(b),
        op::REM if b != 0 => Some(a.checked_rem(b).unwrap_or(0)),
        op::EQ | op::NE | op::LT | op::LE | op::GT | op::GE => {
            return Ok(Value::Bool(cmp_c::<OP>(op, a, b)))
        }
        _ => return ops::int_op(op, a, b),
    };
    match n {
        Some(n) => Ok(Value::Int(n)),
        None => Err(super::overflow()),
    }
}

#[inline(always)]
fn cmp_c<const OP: u8>(op: BinOp, a: i64, b: i64) -> bool {
    match OP {
        op::EQ => a == b,
        op::NE => a != b,
        op::LT => a < b,
        op::LE => a <= b,
        op::GT => a > b,
        op::GE => a >= b,
        _ => compare_ints(op, a, b),
    }
}

/// Stores into a slot; the old value is dropped out of line only when it owns something.
#[inline(always)]
fn store(slot: &mut Value, v: Value) {
    let old = std::mem::replace(slot, v);
    if old.is_scalar() {
        std::mem::forget(old);
    } else {
        drop(old);
    }
}

fn stmt(st: Stmt) -> S {
    let span = st.span;
    match st.kind {
        StmtKind::Assign(slot, e) => {
            let slot = slot as usize;
            match e.kind {
                ExprKind::LocalInt(op, from, n) => {
                    by_op!(op, assign_local_int(op, slot, from as usize, n, span, e.span))
                }
                _ => {
                    let e = expr(e);
                    s(move |m, f| {
                        m.tick(span)?;
                        let v = e(m, f)?;
                        store(&mut f[slot], v);
                        Ok(Flow::Normal)
                    })
                }
            }
        }
        StmtKind::Append(slot, parts) => append(slot as usize, exprs(parts), span),
        StmtKind::SetField(obj, key, value) => {
            let (obj, value) = (expr(obj), expr(value));
            s(move |m, f| {
                m.tick(span)?;
                let o = obj(m, f)?;
                let v = value(m, f)?;
                m.set_field(&o, &key, v)?;
                Ok(Flow::Normal)
            })
        }
        StmtKind::SetIndex(obj, idx, value) => {
            let (obj, idx, value) = (expr(obj), expr(idx), expr(value));
            s(move |m, f| {
                m.tick(span)?;
                let o = obj(m, f)?;
                let i = idx(m, f)?;
                let v = value(m, f)?;
                m.set_index(&o, i, v)?;
                Ok(Flow::Normal)
            })
        }
        StmtKind::Expr(e) => with_value(e, span, |_, _| Ok(())),
        StmtKind::Info(e) => with_value(e, span, |m, v| m.info(&v)),
        StmtKind::Return(None) => s(move |m, _| {
            m.tick(span)?;
            m.ret = Value::Null;
            Ok(Flow::Return)
        }),
        StmtKind::Return(Some(e)) => {
            let e = expr(e);
            s(move |m, f| {
                m.tick(span)?;
                m.ret = e(m, f)?;
                Ok(Flow::Return)
            })
        }
        StmtKind::Break => s(move |m, _| {
            m.tick(span)?;
            Ok(Flow::Break)
        }),
        StmtKind::Continue => s(move |m, _| {
            m.tick(span)?;
            Ok(Flow::Continue)
        }),
        StmtKind::If(branches, otherwise) => if_stmt(branches, otherwise, span),
        StmtKind::ForEach { slot, iter, body } => {
            let (slot, iter_span) = (slot as usize, iter.span);
            let (iter, body) = (expr(iter), block(body));
            s(move |m, f| {
                let items = iteration_items(iter(m, f)?, iter_span)?;
                for item in items.iter() {
                    m.tick(span)?;
                    store(&mut f[slot], item.clone());
                    match body.run(m, f)? {
                        Flow::Break => break,
                        Flow::Return => return Ok(Flow::Return),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                Ok(Flow::Normal)
            })
        }
        StmtKind::ForIndex { slot, iter, body } => {
            let slot = slot as usize;
            let (iter, body) = (expr(iter), block(body));
            s(move |m, f| {
                let n = match iter(m, f)? {
                    Value::List(l) => l.borrow().len(),
                    other => {
                        return Err(RuntimeError::new(format!(
                            "'for each index' needs a list, not {}",
                            other.ty().name()
                        )))
                    }
                };
                for i in 0..n {
                    m.tick(span)?;
                    store(&mut f[slot], Value::Int(i as i64));
                    match body.run(m, f)? {
                        Flow::Break => break,
                        Flow::Return => return Ok(Flow::Return),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                Ok(Flow::Normal)
            })
        }
        StmtKind::While { cond: test, body } => {
            let (test, body) = (cond(test), block(body));
            s(move |m, f| {
                loop {
                    m.tick(span)?;
                    if !test(m, f)? {
                        break;
                    }
                    match body.run(m, f)? {
                        Flow::Break => break,
                        Flow::Return => return Ok(Flow::Return),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                Ok(Flow::Normal)
            })
        }
        StmtKind::Try { body, slot, handler } => {
            let (body, handler) = (block(body), block(handler));
            s(move |m, f| {
                m.tick(span)?;
                match body.run(m, f) {
                    Ok(flow) => Ok(flow),
                    Err(err) if err.kind() == ErrorKind::Runtime => {
                        if let Some(slot) = slot {
                            f[slot as usize] = m.error_value(&err);
                        }
                        handler.run(m, f)
                    }
                    Err(err) => Err(err),
                }
            })
        }
        StmtKind::Delete(fetch) => s(move |m, f| {
            m.tick(span)?;
            m.delete(&fetch, f)?;
            Ok(Flow::Normal)
        }),
        StmtKind::FormAction { action, field, value } => {
            let value = value.map(expr);
            s(move |m, f| {
                m.tick(span)?;
                let value = match &value {
                    Some(e) => Some(e(m, f)?),
                    None => None,
                };
                m.form_action(crate::creator::FormAction {
                    action: action.to_string(),
                    field: field.as_ref().map(|f| f.to_string()),
                    value,
                })?;
                Ok(Flow::Normal)
            })
        }
        StmtKind::SetInput(field, e) => with_value(e, span, move |m, v| m.set_input(&field, v)),
        StmtKind::PageOutput(e) => with_value(e, span, |m, v| m.page_output(&v)),
        StmtKind::Unsupported(msg) => s(move |m, _| {
            m.tick(span)?;
            Err(RuntimeError::new(msg.to_string()))
        }),
    }
}

/// A statement that evaluates one expression and hands its value to `act`.
fn with_value(
    e: Expr,
    span: Span,
    act: impl Fn(&mut Machine<'_, '_>, Value) -> Result<()> + 'static,
) -> S {
    let e = expr(e);
    s(move |m, f| {
        m.tick(span)?;
        let v = e(m, f)?;
        act(m, v)?;
        Ok(Flow::Normal)
    })
}

fn if_stmt(branches: Vec<(Expr, Vec<Stmt>)>, otherwise: Vec<Stmt>, span: Span) -> S {
    let otherwise = block(otherwise);
    let mut branches: Vec<(C, Block)> =
        branches.into_iter().map(|(test, body)| (cond(test), block(body))).collect();
    if branches.len() == 1 {
        let (test, body) = branches.pop().expect("one branch");
        return s(move |m, f| {
            m.tick(span)?;
            if test(m, f)? {
                body.run(m, f)
            } else {
                otherwise.run(m, f)
            }
        });
    }
    let branches = branches.into_boxed_slice();
    s(move |m, f| {
        m.tick(span)?;
        for (test, body) in branches.iter() {
            if test(m, f)? {
                return body.run(m, f);
            }
        }
        otherwise.run(m, f)
    })
}

/// The elements a `for each` walks: those present when the loop starts (a list's are shared
/// with it, not copied, until it is written to).
fn iteration_items(v: Value, span: Span) -> Result<Rc<Vec<Value>>> {
    match v {
        Value::List(l) => Ok(l.snapshot()),
        Value::Map(m) => Ok(Rc::new(m.borrow().keys().cloned().collect())),
        Value::Text(s) => Ok(Rc::new(s.split(',').map(Value::text).collect())),
        // Only an undecided collection stays a cell when read: nothing to walk.
        Value::Coll(_) => Ok(Rc::new(Vec::new())),
        other => {
            Err(RuntimeError::new(format!("'for each' needs a list, not {}", other.ty().name()))
                .at(span))
        }
    }
}

/// `x = x + a + …`: numbers add in place; text appends without copying `x`.
fn append(slot: usize, parts: Box<[X]>, span: Span) -> S {
    s(move |m, f| {
        m.tick(span)?;
        // `n = n + k` on numbers (counters, sums): one checked add, no copies.
        if let (Value::Int(a), [part]) = (&f[slot], &*parts) {
            let a = *a;
            let v = part(m, f)?;
            let sum = match v {
                Value::Int(b) => int_c::<{ op::ADD }>(BinOp::Add, a, b)?,
                v => m.binary(BinOp::Add, Value::Int(a), v)?,
            };
            store(&mut f[slot], sum);
            return Ok(Flow::Normal);
        }
        let cur = std::mem::take(&mut f[slot]);
        let Value::Text(mut acc) = cur else {
            f[slot] = cur.clone();
            let mut acc = cur;
            for p in parts.iter() {
                let v = p(m, f)?;
                acc = m.binary(BinOp::Add, acc, v)?;
            }
            f[slot] = acc;
            return Ok(Flow::Normal);
        };
        let original = acc.len();
        for p in parts.iter() {
            let v = match p(m, f) {
                Ok(v) => v,
                Err(e) => {
                    acc.truncate(original);
                    f[slot] = Value::Text(acc);
                    return Err(e);
                }
            };
            let cap = m.ctx.text_cap(acc.len());
            if !v.append_display_within(&mut acc, cap) {
                acc.truncate(original);
                f[slot] = Value::Text(acc);
                return Err(m.ctx.cap_error(cap));
            }
        }
        f[slot] = Value::Text(acc);
        Ok(Flow::Normal)
    })
}

fn expr(e: Expr) -> X {
    stacker::maybe_grow(RED_ZONE, GROWTH, || expr_inner(e))
}

fn expr_inner(e: Expr) -> X {
    let span = e.span;
    match e.kind {
        ExprKind::Const(Value::Int(n)) => x(move |_, _| Ok(Value::Int(n))),
        ExprKind::Const(v) => x(move |_, _| Ok(v.clone())),
        ExprKind::Local(slot) => {
            let slot = slot as usize;
            x(move |_, f| Ok(f[slot].clone()))
        }
        ExprKind::Global(name) => x(move |m, _| m.global(&name).map_err(|e| e.at(span))),
        ExprKind::NewCollection => x(|_, _| Ok(Value::undecided())),
        ExprKind::List(items) => {
            let items = exprs(items);
            x(move |m, f| {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(item(m, f)?);
                }
                Ok(Value::list(out))
            })
        }
        ExprKind::Map(pairs) => {
            let pairs: Box<[(X, X)]> = pairs.into_iter().map(|(k, v)| (expr(k), expr(v))).collect();
            x(move |m, f| {
                let mut map = crate::value::MapData::with_capacity(pairs.len());
                for (k, v) in pairs.iter() {
                    let k = k(m, f)?;
                    let v = v(m, f)?;
                    map.insert(k, v);
                }
                Ok(Value::map(map))
            })
        }
        ExprKind::Neg(a) => {
            let a = expr(*a);
            x(move |m, f| super::negate(a(m, f)?).map_err(|e| e.at(span)))
        }
        ExprKind::Not(a) => {
            let a = expr(*a);
            x(move |m, f| super::not(a(m, f)?).map_err(|e| e.at(span)))
        }
        ExprKind::Binary(op, l, r) => binary(op, *l, *r, span),
        ExprKind::LocalInt(op, slot, n) => by_op!(op, local_int(op, slot as usize, n, span)),
        ExprKind::And(l, r) => {
            let (l, r) = (cond(*l), cond(*r));
            x(move |m, f| Ok(Value::Bool(l(m, f)? && r(m, f)?)))
        }
        ExprKind::Or(l, r) => {
            let (l, r) = (cond(*l), cond(*r));
            x(move |m, f| Ok(Value::Bool(l(m, f)? || r(m, f)?)))
        }
        ExprKind::Builtin { name, cands, args } if (1..=3).contains(&args.len()) => {
            builtin_fixed(name, cands, exprs(args), span)
        }
        ExprKind::Builtin { name, cands, args } => {
            let args = exprs(args);
            let site = builtins::Site::default();
            x(move |m, f| {
                let base = m.stack.len();
                for a in args.iter() {
                    match a(m, f) {
                        Ok(v) => m.stack.push(v),
                        Err(err) => {
                            m.stack.truncate(base);
                            return Err(err);
                        }
                    }
                }
                let res = builtins::call_at(&mut m.ctx, &name, cands, &site, &m.stack[base..]);
                m.stack.truncate(base);
                res.map_err(|e| e.at(span))
            })
        }
        ExprKind::UserCall { func, args } => {
            let args = exprs(args);
            x(move |m, f| {
                let mut vals = Vec::with_capacity(args.len());
                for a in args.iter() {
                    vals.push(a(m, f)?);
                }
                let functions = m.functions;
                m.call_function(&functions[func as usize], vals, span).map_err(|e| e.at(span))
            })
        }
        ExprKind::If(parts) => {
            let [test, a, b] = *parts;
            let (test, a, b) = (cond(test), expr(a), expr(b));
            x(move |m, f| if test(m, f)? { a(m, f) } else { b(m, f) })
        }
        ExprKind::IfNull(parts) => {
            let [a, b] = *parts;
            let (a, b) = (expr(a), expr(b));
            x(move |m, f| match a(m, f)? {
                Value::Null => b(m, f),
                v => Ok(v),
            })
        }
        ExprKind::Field(obj, key) => {
            let obj = expr(*obj);
            x(move |m, f| {
                let o = obj(m, f)?;
                m.field(o, &key).map_err(|e| e.at(span))
            })
        }
        ExprKind::Index(obj, idx) => {
            let (obj, idx) = (expr(*obj), expr(*idx));
            x(move |m, f| {
                let o = obj(m, f)?;
                let i = idx(m, f)?;
                index(&o, &i).map_err(|e| e.at(span))
            })
        }
        // The rare kinds (tasks, integrations, Creator records, …) run on the tree walker.
        kind => {
            let e = Expr { kind, span };
            x(move |m, f| m.eval(&e, f))
        }
    }
}

/// `obj[idx]` on a list, a map or an undecided collection.
pub(super) fn index(obj: &Value, idx: &Value) -> Result<Value> {
    match obj {
        Value::List(l) => {
            let l = l.borrow();
            let i = list_index(idx, l.len())?;
            Ok(l[i].clone())
        }
        Value::Map(m) => Ok(m.borrow().get(idx).cloned().unwrap_or_default()),
        Value::Coll(_) => Ok(Value::Null),
        other => Err(RuntimeError::new(format!("cannot index a {} value", other.ty().name()))),
    }
}

fn assign_local_int<const OP: u8>(
    op: BinOp,
    slot: usize,
    from: usize,
    n: i64,
    span: Span,
    espan: Span,
) -> S {
    s(move |m, f| {
        m.tick(span)?;
        let v = match &f[from] {
            Value::Int(a) => int_c::<OP>(op, *a, n),
            other => {
                let l = other.clone();
                m.binary(op, l, Value::Int(n))
            }
        };
        store(&mut f[slot], v.map_err(|e| e.at(espan))?);
        Ok(Flow::Normal)
    })
}

fn local_int<const OP: u8>(op: BinOp, slot: usize, n: i64, span: Span) -> X {
    x(move |m, f| {
        match &f[slot] {
            Value::Int(a) => int_c::<OP>(op, *a, n),
            other => {
                let l = other.clone();
                m.binary(op, l, Value::Int(n))
            }
        }
        .map_err(|e| e.at(span))
    })
}

/// Is `e` a chain `"text" + a + b + …` (left-nested `+` on a text constant)?
fn is_text_chain(mut e: &Expr) -> bool {
    loop {
        match &e.kind {
            ExprKind::Binary(BinOp::Add, l, _) => e = l,
            ExprKind::Const(Value::Text(_)) => return true,
            _ => return false,
        }
    }
}

/// `"text" + a + b + …`: every `+` has a text on its left, so each one appends; one text is
/// built, sized for the whole chain, instead of a new one per `+`. Same order of evaluation
/// and the same checks and error locations as the nested additions.
fn text_chain(e: Expr) -> X {
    let mut parts = Vec::new();
    let mut cur = e;
    let first = loop {
        match cur.kind {
            ExprKind::Binary(BinOp::Add, l, r) => {
                parts.push((expr(*r), cur.span));
                cur = *l;
            }
            ExprKind::Const(Value::Text(t)) => break t,
            _ => unreachable!("is_text_chain checked the shape"),
        }
    };
    parts.reverse();
    let parts = parts.into_boxed_slice();
    let guess = first.len() + 16 * parts.len();
    x(move |m, f| {
        let mut acc = Text::with_capacity(guess);
        acc.push_str(&first);
        for (part, span) in parts.iter() {
            let v = part(m, f)?;
            let cap = m.ctx.print_cap();
            if acc.len() > cap || !v.append_display_within(&mut acc, cap) {
                return Err(m.ctx.cap_error(cap).at(*span));
            }
        }
        Ok(Value::Text(acc))
    })
}

fn binary(op: BinOp, l: Expr, r: Expr, span: Span) -> X {
    if op == BinOp::Add && is_text_chain(&l) {
        return text_chain(Expr { kind: ExprKind::Binary(op, Box::new(l), Box::new(r)), span });
    }
    match (&l.kind, &r.kind) {
        (ExprKind::Local(a), ExprKind::Local(b)) => {
            let (a, b) = (*a as usize, *b as usize);
            by_op!(op, local_local(op, a, b, span))
        }
        (_, ExprKind::Const(Value::Int(n))) => {
            let n = *n;
            by_op!(op, any_int(op, expr(l), n, span))
        }
        (_, ExprKind::Local(b)) => {
            let b = *b as usize;
            by_op!(op, any_local(op, expr(l), b, span))
        }
        _ => by_op!(op, any_any(op, expr(l), expr(r), span)),
    }
}

fn local_local<const OP: u8>(op: BinOp, a: usize, b: usize, span: Span) -> X {
    x(move |m, f| {
        match (&f[a], &f[b]) {
            (Value::Int(a), Value::Int(b)) => int_c::<OP>(op, *a, *b),
            (l, r) => {
                let (l, r) = (l.clone(), r.clone());
                m.binary(op, l, r)
            }
        }
        .map_err(|e| e.at(span))
    })
}

fn any_int<const OP: u8>(op: BinOp, l: X, n: i64, span: Span) -> X {
    x(move |m, f| {
        match l(m, f)? {
            Value::Int(a) => int_c::<OP>(op, a, n),
            l => m.binary(op, l, Value::Int(n)),
        }
        .map_err(|e| e.at(span))
    })
}

fn any_local<const OP: u8>(op: BinOp, l: X, b: usize, span: Span) -> X {
    x(move |m, f| {
        let l = l(m, f)?;
        match (&l, &f[b]) {
            (Value::Int(a), Value::Int(b)) => int_c::<OP>(op, *a, *b),
            (_, r) => {
                let r = r.clone();
                m.binary(op, l, r)
            }
        }
        .map_err(|e| e.at(span))
    })
}

fn any_any<const OP: u8>(op: BinOp, l: X, r: X, span: Span) -> X {
    x(move |m, f| {
        let l = l(m, f)?;
        let r = r(m, f)?;
        if let (Value::Int(a), Value::Int(b)) = (&l, &r) {
            return int_c::<OP>(op, *a, *b).map_err(|e| e.at(span));
        }
        m.binary(op, l, r).map_err(|e| e.at(span))
    })
}

/// A condition (`if`, `while`, `&&`, `||`, `if(c, a, b)`): comparisons of numbers give their
/// boolean directly; anything else must evaluate to a boolean.
fn cond(e: Expr) -> C {
    stacker::maybe_grow(RED_ZONE, GROWTH, || cond_inner(e))
}

fn cond_inner(e: Expr) -> C {
    let span = e.span;
    match e.kind {
        ExprKind::LocalInt(op, slot, n) if is_comparison(op) => {
            by_op!(op, cond_local_int(op, slot as usize, n, span))
        }
        ExprKind::Binary(op, l, r) if is_comparison(op) => {
            by_op!(op, cond_any_any(op, expr(*l), expr(*r), span))
        }
        ExprKind::And(l, r) => {
            let (l, r) = (cond(*l), cond(*r));
            c(move |m, f| Ok(l(m, f)? && r(m, f)?))
        }
        ExprKind::Or(l, r) => {
            let (l, r) = (cond(*l), cond(*r));
            c(move |m, f| Ok(l(m, f)? || r(m, f)?))
        }
        kind => {
            let e = expr(Expr { kind, span });
            c(move |m, f| truth(e(m, f)?, span))
        }
    }
}

fn cond_local_int<const OP: u8>(op: BinOp, slot: usize, n: i64, span: Span) -> C {
    c(move |m, f| match &f[slot] {
        Value::Int(a) => Ok(cmp_c::<OP>(op, *a, n)),
        other => {
            let l = other.clone();
            let v = m.binary(op, l, Value::Int(n)).map_err(|e| e.at(span))?;
            truth(v, span)
        }
    })
}

fn cond_any_any<const OP: u8>(op: BinOp, l: X, r: X, span: Span) -> C {
    c(move |m, f| {
        let l = l(m, f)?;
        let r = r(m, f)?;
        if let (Value::Int(a), Value::Int(b)) = (&l, &r) {
            return Ok(cmp_c::<OP>(op, *a, *b));
        }
        let v = m.binary(op, l, r).map_err(|e| e.at(span))?;
        truth(v, span)
    })
}

#[inline]
fn truth(v: Value, span: Span) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(b),
        other => Err(RuntimeError::new(format!(
            "a condition must be a boolean, not {}",
            other.ty().name()
        ))
        .at(span)),
    }
}
