//! Builtins called on an empty `Collection()` (`Value::Coll`).
//!
//! A collection created empty is undecided: its first insert makes it index-value (a plain
//! element) or key-value (a `key: value` pair), as Zoho documents for the Collection type.
//! Functions that add something decide it; every other function sees an empty KEY-VALUE
//! (or an empty LIST when only a list form of the function exists) and leaves it undecided.
//! See docs/semantics.md, "Collection".

use std::sync::OnceLock;

use super::both;
use crate::builtins::{b, Builtin, Candidates, Recv};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::Value;

/// `c.insert("k": v, …)`: the row a pair insert compiles to (plain `insert` has its own).
static PAIR_INSERT: Builtin = b!("insert", Collection, 1, 255, both::insert_pairs);

/// The candidates of a `key: value` insert.
pub(crate) fn pair_insert() -> &'static Candidates {
    static CANDS: OnceLock<Candidates> = OnceLock::new();
    CANDS.get_or_init(|| vec![&PAIR_INSERT])
}

/// What a function does to an undecided collection.
enum Effect {
    /// Makes it a list (`true`) or a map (`false`) and runs on that.
    Decide(bool),
    /// Runs on an empty stand-in; the collection stays undecided.
    Read,
}

fn effect(name: &str, cands: &Candidates, args: &[Value]) -> Effect {
    let pair_insert = std::ptr::eq(cands, pair_insert());
    match name {
        "insert" if pair_insert => Effect::Decide(false),
        "insert" if args.len() > 1 => Effect::Decide(true),
        "insertall" | "addall" | "putall" => match args.get(1) {
            Some(Value::List(_)) if name != "putall" => Effect::Decide(true),
            Some(Value::Map(_)) if name != "addall" => Effect::Decide(false),
            _ => Effect::Read,
        },
        "add" => Effect::Decide(true),
        // `update(key, v)` adds a new key (documented); a list index would have to exist.
        "put" | "update" => Effect::Decide(false),
        _ => Effect::Read,
    }
}

/// Calls `name` with `args[0]` a `Collection()` cell.
pub(crate) fn call(
    ctx: &mut Ctx<'_>,
    name: &str,
    cands: &Candidates,
    args: &[Value],
) -> Result<Value> {
    let Some(Value::Coll(cell)) = args.first() else {
        return crate::builtins::call(ctx, name, cands, args);
    };
    let mut args = args.to_vec();
    let decided = cell.borrow().clone();
    if !decided.is_null() {
        args[0] = decided;
        return crate::builtins::call(ctx, name, cands, &args);
    }
    match effect(name, cands, &args) {
        Effect::Decide(list) => {
            let kind = if list { Value::list(Vec::new()) } else { Value::empty_map() };
            *cell.borrow_mut() = kind.clone();
            args[0] = kind;
            crate::builtins::call(ctx, name, cands, &args)
        }
        Effect::Read => {
            let me = args[0].clone();
            match name {
                // A copy of an undecided collection is another undecided collection.
                "duplicate" if args.len() == 1 => return Ok(Value::undecided()),
                // Sorting returns the collection itself.
                "sort" | "sortkey" => return Ok(me),
                _ => {}
            }
            let list_only = cands.iter().all(|b| matches!(b.recv, Recv::List | Recv::None));
            args[0] = if list_only { Value::list(Vec::new()) } else { Value::empty_map() };
            crate::builtins::call(ctx, name, cands, &args)
        }
    }
}
