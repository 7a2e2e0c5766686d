//! Binary operators with Deluge's rules (Decisions 1, 2 and 4).

use dg_syntax::ast::BinOp;
use std::cmp::Ordering;

use super::{overflow, Machine};
use crate::error::{fail, Result, RuntimeError};
use crate::Value;

impl Machine<'_, '_> {
    pub(crate) fn binary(&mut self, op: BinOp, l: Value, r: Value) -> Result<Value> {
        if let (Value::Int(a), Value::Int(b)) = (&l, &r) {
            return int_op(op, *a, *b);
        }
        match op {
            BinOp::In | BinOp::NotIn => {
                let found = match &r {
                    Value::List(items) => match items.try_borrow() {
                        Ok(items) => items.iter().any(|v| v.loose_eq(&l)),
                        Err(_) => false,
                    },
                    Value::Map(m) => match m.try_borrow() {
                        Ok(m) => m.contains_key(&l),
                        Err(_) => false,
                    },
                    Value::Coll(_) => false,
                    _ => {
                        return fail(format!(
                            "'{}' needs a list on its right, not {}",
                            op.symbol(),
                            r.ty().name()
                        ))
                    }
                };
                Ok(Value::Bool(found == (op == BinOp::In)))
            }
            BinOp::Add => self.add(l, r),
            BinOp::Sub => sub(l, r),
            BinOp::Mul | BinOp::Div | BinOp::Rem => match (l.as_f64(), r.as_f64()) {
                (Some(a), Some(b)) => dec_op(op, a, b),
                _ => type_error(op, &l, &r),
            },
            BinOp::Eq => Ok(Value::Bool(l.loose_eq(&r))),
            BinOp::Ne => Ok(Value::Bool(!l.loose_eq(&r))),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let Some(ord) = l.compare(&r) else {
                    if l.is_null() || r.is_null() {
                        return fail(format!("cannot compare a null value with '{}'", op.symbol()));
                    }
                    return type_error(op, &l, &r);
                };
                Ok(Value::Bool(match op {
                    BinOp::Lt => ord == Ordering::Less,
                    BinOp::Le => ord != Ordering::Greater,
                    BinOp::Gt => ord == Ordering::Greater,
                    _ => ord != Ordering::Less,
                }))
            }
            BinOp::And | BinOp::Or => match (&l, &r) {
                (Value::Bool(a), Value::Bool(b)) => {
                    Ok(Value::Bool(if op == BinOp::And { *a && *b } else { *a || *b }))
                }
                _ => type_error(op, &l, &r),
            },
        }
    }

    fn add(&mut self, l: Value, r: Value) -> Result<Value> {
        match (l, r) {
            (Value::Text(a), r) => {
                let cap = self.ctx.print_cap();
                if a.len() > cap {
                    return Err(self.ctx.cap_error(cap));
                }
                let mut s = a;
                if !r.append_display_within(&mut s, cap) {
                    return Err(self.ctx.cap_error(cap));
                }
                Ok(Value::Text(s))
            }
            (l, Value::Text(b)) => {
                let cap = self.ctx.print_cap();
                let mut s = match l.display_text_within(cap) {
                    Some(s) if b.len() <= cap - s.len() => s,
                    _ => return Err(self.ctx.cap_error(cap)),
                };
                s.push_str(&b);
                Ok(Value::Text(s))
            }
            (l, r) => match (l.as_f64(), r.as_f64()) {
                (Some(a), Some(b)) => decimal(a + b),
                _ => type_error(BinOp::Add, &l, &r),
            },
        }
    }
}

#[inline]
pub(crate) fn int_op(op: BinOp, a: i64, b: i64) -> Result<Value> {
    Ok(match op {
        BinOp::Add => Value::Int(a.checked_add(b).ok_or_else(overflow)?),
        BinOp::Sub => Value::Int(a.checked_sub(b).ok_or_else(overflow)?),
        BinOp::Mul => Value::Int(a.checked_mul(b).ok_or_else(overflow)?),
        BinOp::Div => {
            if b == 0 {
                return fail("Division by zero");
            }
            // `i64::MIN / -1` (and its remainder) overflow: checked, never a panic.
            match a.checked_rem(b) {
                Some(0) => Value::Int(a.checked_div(b).ok_or_else(overflow)?),
                Some(_) => Value::Dec(a as f64 / b as f64),
                None => return Err(overflow()),
            }
        }
        BinOp::Rem => {
            if b == 0 {
                return fail("Division by zero");
            }
            Value::Int(a.checked_rem(b).unwrap_or(0))
        }
        BinOp::Eq => Value::Bool(a == b),
        BinOp::Ne => Value::Bool(a != b),
        BinOp::Lt => Value::Bool(a < b),
        BinOp::Le => Value::Bool(a <= b),
        BinOp::Gt => Value::Bool(a > b),
        BinOp::Ge => Value::Bool(a >= b),
        BinOp::And | BinOp::Or => return type_error(op, &Value::Int(a), &Value::Int(b)),
        BinOp::In | BinOp::NotIn => {
            return fail(format!("'{}' needs a list on its right, not NUMBER", op.symbol()))
        }
    })
}

fn dec_op(op: BinOp, a: f64, b: f64) -> Result<Value> {
    decimal(match op {
        BinOp::Mul => a * b,
        BinOp::Div if b == 0.0 => return fail("Division by zero"),
        BinOp::Div => a / b,
        BinOp::Rem if b == 0.0 => return fail("Division by zero"),
        _ => a % b,
    })
}

/// A Decimal result: past the double range (or not a number) is a runtime error, as Number
/// overflow is (chosen: Java would carry `Infinity` on).
#[inline]
pub(crate) fn decimal(d: f64) -> Result<Value> {
    if d.is_finite() {
        return Ok(Value::Dec(d));
    }
    Err(if d.is_nan() {
        RuntimeError::new("Decimal result is not a number")
    } else {
        RuntimeError::new("Decimal overflow")
    })
}

fn sub(l: Value, r: Value) -> Result<Value> {
    match (&l, &r) {
        (Value::Date(a) | Value::DateTime(a), Value::Date(b) | Value::DateTime(b)) => {
            Ok(Value::Int((*a - *b).num_milliseconds()))
        }
        _ => match (l.as_f64(), r.as_f64()) {
            (Some(a), Some(b)) => decimal(a - b),
            _ => type_error(BinOp::Sub, &l, &r),
        },
    }
}

#[cold]
fn type_error(op: BinOp, l: &Value, r: &Value) -> Result<Value> {
    Err(RuntimeError::new(format!(
        "Left expression is of type {} and right expression is of type {} and operator {} is not valid",
        l.ty().name(),
        r.ty().name(),
        op.symbol()
    )))
}
