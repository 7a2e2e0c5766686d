//! text builtins.

#[allow(unused_imports)]
use super::{b, Builtin};

pub(crate) static TABLE: &[Builtin] = &[];
