//! `dg_catalog`: documentation of what Deluge code can call, as data.
//!
//! - [`builtins`] / [`builtin`]: every builtin function `dg` implements
//!   (`dg_runtime::builtin_names()`), with Zoho-style signatures, a one-line
//!   description, the Zoho help link and the value family. A test keeps this
//!   table and the runtime's tables in step.
//! - [`tasks`] / [`task`]: Zoho's `zoho.<product>.<task>(…)` integration tasks
//!   with their parameters, argument counts, return type and help link;
//!   [`products`] names the product namespaces covered, and [`suggest_task`]
//!   offers the closest task for a misspelt name.
//!
//! Both tables are TOML files under `data/`, embedded in the binary and parsed
//! once on first use. Lookups are case-insensitive, as Deluge names are.

mod builtins;
mod distance;
mod tasks;

pub use builtins::{builtin, builtins, BuiltinDoc, BuiltinForm, Family};
pub use distance::edit_distance;
pub use tasks::{products, suggest_task, task, tasks, TaskDoc, TaskParam};
