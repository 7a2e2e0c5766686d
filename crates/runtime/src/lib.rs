//! The Deluge runtime: values, the evaluator, builtins and the [`Host`] trait
//! through which every side effect passes. This crate does no IO.
//!
//! ```
//! use dg_runtime::{Interpreter, RecordingHost};
//! let mut host = RecordingHost::default();
//! let outcome = Interpreter::new().run_source("info 1 + 2;", &mut host);
//! assert!(outcome.error.is_none());
//! assert_eq!(host.info, ["3"]);
//! ```

mod builtins;
mod ctx;
mod error;
mod host;
mod limits;
pub mod value;

pub use error::{ErrorKind, Result, RuntimeError};
pub use host::{Host, HttpBody, HttpRequest, HttpResponse, MultipartPart, RecordingHost};
pub use limits::Limits;
pub use value::{Type, Value};
