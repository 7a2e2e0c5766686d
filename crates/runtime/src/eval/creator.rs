//! Zoho Creator at run time: fetches, record collections, aggregates, writes through
//! records, `insert into`, `delete from`, `input`, form actions and page output.
//!
//! A fetch returns an ordinary LIST of KEY-VALUE records, so `for each`, `size()` and
//! printing work unchanged. The machine remembers which lists are record collections and
//! which maps are records (and of which form) in a side table keyed by the allocation, so
//! `coll.Field`, `coll.Field = x` and `rec.Field = x` reach the host's records. Each entry
//! holds a weak reference, which pins the address while the entry lives; dead entries are
//! pruned as the table grows.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use rustc_hash::FxHashMap;

use super::Machine;
use crate::creator::{Criteria, Fetch, FormAction};
use crate::error::{fail, Result, RuntimeError};
use crate::ir::{CritIr, Expr, FetchIr, RecordFn};
use crate::value::{ListRef, MapData, MapRef};
use crate::Value;

enum Held {
    List(#[allow(dead_code)] Weak<crate::value::ListCell>),
    Map(#[allow(dead_code)] Weak<RefCell<MapData>>),
}

impl Held {
    fn alive(&self) -> bool {
        match self {
            Held::List(w) => w.strong_count() > 0,
            Held::Map(w) => w.strong_count() > 0,
        }
    }
}

/// Per-run Creator state of the machine.
#[derive(Default)]
pub(crate) struct CreatorState {
    /// Allocation address → (form, the weak reference pinning the address).
    tags: FxHashMap<usize, (Rc<str>, Held)>,
    prune_at: usize,
    /// The rendered page, when the running file is a Creator page.
    pub page: String,
}

fn list_key(l: &ListRef) -> usize {
    Rc::as_ptr(l) as *const () as usize
}

fn map_key(m: &MapRef) -> usize {
    Rc::as_ptr(m) as *const () as usize
}

impl CreatorState {
    fn remember(&mut self, key: usize, form: Rc<str>, held: Held) {
        if self.tags.len() >= self.prune_at.max(1024) {
            self.tags.retain(|_, (_, h)| h.alive());
            self.prune_at = self.tags.len() * 2;
        }
        self.tags.insert(key, (form, held));
    }

    fn form_of_list(&self, l: &ListRef) -> Option<Rc<str>> {
        self.tags.get(&list_key(l)).map(|(f, _)| f.clone())
    }

    fn form_of_map(&self, m: &MapRef) -> Option<Rc<str>> {
        self.tags.get(&map_key(m)).map(|(f, _)| f.clone())
    }
}

fn id_key() -> Value {
    Value::text("ID")
}

impl Machine<'_, '_> {
    fn fetch_request(&mut self, f: &FetchIr, frame: &mut [Value]) -> Result<Fetch> {
        let criteria = self.criteria(&f.criteria, frame)?;
        let range = match &f.range {
            None => None,
            Some((from, to)) => {
                let bound = |m: &mut Self, e: &Expr, frame: &mut [Value]| match m.eval(e, frame)? {
                    Value::Int(n) => Ok(n),
                    other => Err(RuntimeError::new(format!(
                        "`range from … to …` needs numbers, not {}",
                        other.ty().name()
                    ))
                    .at(e.span)),
                };
                Some((bound(self, from, frame)?, bound(self, to, frame)?))
            }
        };
        Ok(Fetch {
            form: f.form.to_string(),
            criteria,
            sort: f.sort.as_ref().map(|(field, desc)| (field.to_string(), *desc)),
            range,
        })
    }

    fn criteria(&mut self, c: &CritIr, frame: &mut [Value]) -> Result<Criteria> {
        Ok(match c {
            CritIr::All => Criteria::All,
            CritIr::And(items) | CritIr::Or(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.criteria(item, frame)?);
                }
                if matches!(c, CritIr::And(_)) {
                    Criteria::And(out)
                } else {
                    Criteria::Or(out)
                }
            }
            CritIr::Not(inner) => Criteria::Not(Box::new(self.criteria(inner, frame)?)),
            CritIr::Compare(field, op, e) => {
                Criteria::Compare { field: field.to_string(), op: *op, value: self.eval(e, frame)? }
            }
            CritIr::Text(field, op, e) => {
                Criteria::Text { field: field.to_string(), op: *op, value: self.eval(e, frame)? }
            }
            CritIr::Empty(field) => Criteria::Empty { field: field.to_string() },
        })
    }

    /// `Form[criteria] …`: asks the host, remembers the collection and its records.
    pub(crate) fn fetch(&mut self, f: &FetchIr, frame: &mut [Value]) -> Result<Value> {
        let request = self.fetch_request(f, frame)?;
        let records = self.ctx.host.creator_fetch(&request).map_err(|m| located(m, f))?;
        self.ctx.check_collection_len(records.len())?;
        let form: Rc<str> = Rc::from(f.form.as_ref());
        for r in &records {
            if let Value::Map(m) = r {
                self.creator.remember(map_key(m), form.clone(), Held::Map(Rc::downgrade(m)));
            }
        }
        let list = Rc::new(crate::value::ListCell::new(records));
        self.creator.remember(list_key(&list), form, Held::List(Rc::downgrade(&list)));
        Ok(Value::List(list))
    }

    /// `coll.Field`: the field of the first record (null when the collection is empty).
    /// `None` when `l` is not a record collection.
    pub(crate) fn collection_field(&self, l: &ListRef, key: &Value) -> Option<Value> {
        self.creator.form_of_list(l)?;
        let first = l.borrow().first().cloned();
        Some(match first {
            Some(Value::Map(m)) => m.borrow().get(key).cloned().unwrap_or_default(),
            _ => Value::Null,
        })
    }

    /// `obj.Field = value`: through the host for fetched records (and the first record of a
    /// collection), else a plain map write.
    pub(crate) fn set_field(&mut self, obj: &Value, key: &Value, value: Value) -> Result<()> {
        let record = match obj {
            Value::List(l) if self.creator.form_of_list(l).is_some() => {
                match l.borrow().first() {
                    Some(first) => first.clone(),
                    // Nothing was fetched: nothing to update.
                    None => return Ok(()),
                }
            }
            other => other.clone(),
        };
        if let Value::Map(m) = &record {
            if let Some(form) = self.creator.form_of_map(m) {
                let id = m.borrow().get(&id_key()).cloned().unwrap_or_default();
                let field = key.to_display();
                self.ctx
                    .host
                    .creator_update(&form, &id, &field, &value)
                    .map_err(RuntimeError::new)?;
                m.borrow_mut().insert(key.clone(), value);
                return Ok(());
            }
        }
        self.set_key(&record, key.clone(), value)
    }

    /// `coll.count()`, `coll.sum(F)`, …, `coll.F.getall()`.
    pub(crate) fn records_fn(
        &mut self,
        coll: Value,
        func: RecordFn,
        field: Option<&str>,
    ) -> Result<Value> {
        let Value::List(l) = &coll else {
            return fail(format!(
                "{}() works on a record collection (`Form[criteria]`), not on a {} value",
                name(func),
                coll.ty().name()
            ));
        };
        if self.creator.form_of_list(l).is_none() {
            return fail(format!(
                "{}() works on a record collection (`Form[criteria]`), not on a plain LIST{}",
                name(func),
                if func == RecordFn::Count { "; use size()" } else { "" }
            ));
        }
        let records = l.borrow().clone();
        let Some(field) = field else {
            return match func {
                RecordFn::Count => Ok(Value::Int(records.len() as i64)),
                _ => fail(format!("{}() needs a field name: {}(Field)", name(func), name(func))),
            };
        };
        let key = Value::text(field);
        let values: Vec<Value> = records
            .iter()
            .filter_map(|r| match r {
                Value::Map(m) => m.borrow().get(&key).cloned(),
                _ => None,
            })
            .filter(|v| !v.is_null())
            .collect();
        match func {
            RecordFn::Count => Ok(Value::Int(values.len() as i64)),
            RecordFn::GetAll => Ok(Value::list(values)),
            RecordFn::Distinct => {
                let mut out: Vec<Value> = Vec::new();
                for v in values {
                    if !out.iter().any(|o| o.loose_eq(&v)) {
                        out.push(v);
                    }
                }
                Ok(Value::list(out))
            }
            RecordFn::Sum | RecordFn::Avg => {
                let mut int_sum: Option<i64> = Some(0);
                let mut dec_sum = 0f64;
                for v in &values {
                    let v = numeric(v, field)?;
                    match v {
                        Value::Int(n) => {
                            int_sum = int_sum.and_then(|s| s.checked_add(n));
                            dec_sum += n as f64;
                        }
                        Value::Dec(d) => {
                            int_sum = None;
                            dec_sum += d;
                        }
                        _ => {}
                    }
                }
                if func == RecordFn::Sum {
                    Ok(match int_sum {
                        Some(n) => Value::Int(n),
                        None => Value::Dec(dec_sum),
                    })
                } else if values.is_empty() {
                    Ok(Value::Null)
                } else {
                    Ok(Value::Dec(dec_sum / values.len() as f64))
                }
            }
            RecordFn::Maximum | RecordFn::Minimum => {
                let mut best: Option<Value> = None;
                for v in values {
                    let v = match &v {
                        Value::Text(_) => numeric(&v, field).unwrap_or(v),
                        _ => v,
                    };
                    best = Some(match best {
                        None => v,
                        Some(b) => {
                            let order = v.compare(&b).ok_or_else(|| {
                                RuntimeError::new(format!(
                                    "{}({field}): cannot compare {} with {}",
                                    name(func),
                                    v.ty().name(),
                                    b.ty().name()
                                ))
                            })?;
                            let better = if func == RecordFn::Maximum {
                                order.is_gt()
                            } else {
                                order.is_lt()
                            };
                            if better {
                                v
                            } else {
                                b
                            }
                        }
                    });
                }
                Ok(best.unwrap_or_default())
            }
        }
    }

    /// `insert into Form [ … ]`.
    pub(crate) fn insert(
        &mut self,
        form: &str,
        fields: &[(Box<str>, dg_syntax::Span, Expr)],
        frame: &mut [Value],
    ) -> Result<Value> {
        let mut values = Vec::with_capacity(fields.len());
        for (name, _, e) in fields {
            values.push((name.to_string(), self.eval(e, frame)?));
        }
        match self.ctx.host.creator_insert(form, &values) {
            Ok(id) => Ok(id),
            Err(msg) => {
                // Point at the field the host names, if it names one.
                let span = fields
                    .iter()
                    .find(|(name, _, _)| {
                        msg.contains(&format!("no field '{name}'"))
                            || msg.contains(&format!("field '{name}' is mandatory"))
                    })
                    .map(|(_, span, _)| *span);
                let err = RuntimeError::new(msg);
                Err(match span {
                    Some(s) => err.at(s),
                    None => err,
                })
            }
        }
    }

    /// `delete from Form[criteria];`
    pub(crate) fn delete(&mut self, f: &FetchIr, frame: &mut [Value]) -> Result<()> {
        let request = self.fetch_request(f, frame)?;
        self.ctx.host.creator_delete(&request).map_err(|m| located(m, f))?;
        Ok(())
    }

    /// `input.Field`.
    pub(crate) fn input_field(&self, field: &str) -> Result<Value> {
        match self.globals.get("input") {
            Some(Value::Map(m)) => Ok(m.borrow().get(&Value::text(field)).cloned().unwrap_or_default()),
            _ => fail(format!(
                "`input.{field}` reads the record of a Creator form event, and none is given: run the script as a form event (a `dg test` case with `form` and `event`) or pass --arg 'input={{\"{field}\": …}}'"
            )),
        }
    }

    /// `input.Field = value;`
    pub(crate) fn set_input(&mut self, field: &str, value: Value) -> Result<()> {
        let input = match self.globals.get("input") {
            Some(Value::Map(m)) => m.clone(),
            _ => {
                let m = Rc::new(RefCell::new(MapData::default()));
                self.globals.insert("input".into(), Value::Map(m.clone()));
                m
            }
        };
        input.borrow_mut().insert(Value::text(field), value.clone());
        self.form_action(FormAction {
            action: "set".into(),
            field: Some(field.to_string()),
            value: Some(value),
        })
    }

    pub(crate) fn form_action(&mut self, action: FormAction) -> Result<()> {
        self.ctx.host.form_action(&action).map_err(RuntimeError::new)
    }

    /// Appends page output, within the text size limit.
    pub(crate) fn page_output(&mut self, v: &Value) -> Result<()> {
        let cap = self.ctx.limits.max_text_bytes;
        if v.write_display_within(&mut self.creator.page, cap) {
            Ok(())
        } else {
            self.ctx.check_text_len(cap.saturating_add(1))
        }
    }
}

/// A host error, at the field it names when the fetch mentions that field.
fn located(msg: String, f: &FetchIr) -> RuntimeError {
    let span = f.fields.iter().find(|(name, _)| msg.contains(&format!("no field '{name}'")));
    let err = RuntimeError::new(msg);
    match span {
        Some((_, s)) => err.at(*s),
        None => err,
    }
}

fn numeric(v: &Value, field: &str) -> Result<Value> {
    match v {
        Value::Int(_) | Value::Dec(_) => Ok(v.clone()),
        Value::Text(t) => {
            let t = t.trim();
            if let Ok(n) = t.parse::<i64>() {
                Ok(Value::Int(n))
            } else if let Ok(d) = t.parse::<f64>() {
                Ok(Value::Dec(d))
            } else {
                fail(format!("field '{field}' holds '{t}', which is not a number"))
            }
        }
        other => fail(format!("field '{field}' holds a {} value, not a number", other.ty().name())),
    }
}

fn name(f: RecordFn) -> &'static str {
    match f {
        RecordFn::Count => "count",
        RecordFn::Sum => "sum",
        RecordFn::Avg => "avg",
        RecordFn::Maximum => "maximum",
        RecordFn::Minimum => "minimum",
        RecordFn::Distinct => "distinct",
        RecordFn::GetAll => "getall",
    }
}
