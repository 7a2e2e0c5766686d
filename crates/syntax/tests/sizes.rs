//! The syntax tree's node sizes: `dg check` holds whole projects' trees, so a node that
//! grows is a memory regression (see the note at the top of `ast.rs`).

use dg_syntax::ast::{Expr, Ident, Stmt, TaskEntry};
use std::mem::size_of;

#[test]
fn nodes_stay_small() {
    assert_eq!(size_of::<Ident>(), 32);
    assert!(size_of::<Expr>() <= 48, "Expr is {} bytes", size_of::<Expr>());
    assert!(size_of::<Stmt>() <= 64, "Stmt is {} bytes", size_of::<Stmt>());
    assert!(size_of::<TaskEntry>() <= 80, "TaskEntry is {} bytes", size_of::<TaskEntry>());
}
