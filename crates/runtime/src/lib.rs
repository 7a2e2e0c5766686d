//! The Deluge runtime: values, the evaluator, builtins and the [`Host`] trait
//! through which every side effect passes. This crate does no IO.
//!
//! ```
//! use dg_runtime::{Entry, Interpreter, RecordingHost, Script, Value};
//!
//! let script = Script::new("string greet(string name) { info \"hi \" + name; return name.length(); }");
//! assert!(!script.has_errors());
//! let mut host = RecordingHost::default();
//! let args = vec![("name".to_string(), Value::from("Ada"))];
//! let outcome = Interpreter::new().run(&script, Entry::Auto, args, &mut host);
//! assert!(outcome.error.is_none());
//! assert_eq!(host.info, ["hi Ada"]);
//! assert_eq!(outcome.result.to_display(), "3");
//! ```

pub mod alloc;
mod builtins;
mod compile;
pub mod creator;
mod ctx;
mod error;
mod eval;
mod host;
mod interp;
mod ir;
mod limits;
mod suggest;
pub mod value;

pub use builtins::names as builtin_names;
// For the language server: methods by receiver type, and their usual spelling.
pub use builtins::{display_name as builtin_display_name, names_for as builtin_names_for};
pub use error::{ErrorKind, Result, RuntimeError};
pub use host::{Host, HttpBody, HttpRequest, HttpResponse, MultipartPart, RecordingHost};
pub use interp::{
    CheckOptions, Entry, Failure, FailureKind, Interpreter, Outcome, Project, Script, SourceFile,
};
pub use limits::Limits;
pub use value::{Type, Value};

// Unit tests measure memory like the `dg` command does.
#[cfg(test)]
#[global_allocator]
static TEST_ALLOCATOR: alloc::Counting<std::alloc::System> = alloc::Counting(std::alloc::System);
