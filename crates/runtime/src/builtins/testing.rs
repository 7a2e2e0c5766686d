//! Shared helpers for the builtin tables' unit tests: call a builtin through the
//! real dispatcher on a fresh context.

use crate::ctx::Ctx;
use crate::error::Result;
use crate::{Limits, RecordingHost, Value};

/// Calls builtin `name` with `args` (receiver first) with the given limits, zone and seed.
pub(crate) fn invoke(
    limits: Limits,
    zone: &str,
    seed: u64,
    name: &str,
    args: &[Value],
) -> Result<Value> {
    let mut host = RecordingHost::default();
    let mut ctx = Ctx::new(&mut host, limits, zone.into(), seed);
    let cands = super::lookup(name).unwrap_or_else(|| panic!("{name} is not a builtin"));
    super::call(&mut ctx, name, cands, args)
}

/// Calls builtin `name` with default limits, UTC and seed 1.
pub(crate) fn call(name: &str, args: &[Value]) -> Result<Value> {
    invoke(Limits::default(), "UTC", 1, name, args)
}

/// The result of a call that must succeed, as `info` prints it.
pub(crate) fn ok(name: &str, args: &[Value]) -> String {
    match call(name, args) {
        Ok(v) => v.to_display(),
        Err(e) => panic!("{name}{args:?} failed: {}", e.message()),
    }
}

/// The error message of a call that must fail.
pub(crate) fn err(name: &str, args: &[Value]) -> String {
    match call(name, args) {
        Ok(v) => panic!("{name}{args:?} should fail, gave {}", v.to_display()),
        Err(e) => e.message().to_string(),
    }
}
