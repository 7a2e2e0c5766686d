//! Every builtin and every operator on extreme values (i64::MIN/MAX, -1, 0, NaN, ±∞, huge
//! decimals, dates at chrono's ends, huge and negative lengths as numbers and as text): a
//! result or a runtime error, never a panic, a hang or an allocation past the limits.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use super::{lookup, tables, Builtin, Recv};
use crate::ctx::Ctx;
use crate::{Entry, Interpreter, Limits, RecordingHost, Script, Value};

fn extremes() -> Vec<Value> {
    let day = |y, m, d| {
        Value::Date(NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap())
    };
    vec![
        Value::Int(i64::MIN),
        Value::Int(i64::MIN + 1),
        Value::Int(-1),
        Value::Int(0),
        Value::Int(1),
        Value::Int(2),
        Value::Int(i64::MAX),
        Value::Int(1 << 40),
        Value::Int(-(1 << 40)),
        Value::Dec(f64::NAN),
        Value::Dec(f64::INFINITY),
        Value::Dec(f64::NEG_INFINITY),
        Value::Dec(f64::MAX),
        Value::Dec(f64::MIN),
        Value::Dec(f64::MIN_POSITIVE),
        Value::Dec(5e-324),
        Value::Dec(-0.0),
        Value::Dec(0.5),
        Value::Dec(-2.5),
        Value::Dec(9.3e18),
        Value::Dec(-9.3e18),
        Value::Dec(1e21),
        Value::text(""),
        Value::text("9223372036854775808"),
        Value::text("-9223372036854775809"),
        Value::text("-1"),
        Value::text("1e400"),
        Value::text("NaN"),
        Value::text("abc"),
        Value::text("ΐß"),
        Value::Null,
        Value::Bool(true),
        Value::Date(NaiveDateTime::MAX),
        Value::Date(NaiveDateTime::MIN),
        Value::DateTime(NaiveDateTime::MAX),
        day(2020, 2, 29),
        Value::Time(NaiveTime::MIN),
        Value::list(vec![Value::Int(i64::MAX), Value::Int(i64::MAX)]),
        Value::list(vec![Value::Int(i64::MIN), Value::Dec(f64::MAX), Value::Dec(f64::MAX)]),
        Value::list(Vec::new()),
        Value::map_from([("a", Value::Int(i64::MIN))]),
    ]
}

/// Small text and memory limits so that a builtin asked for a gigantic result fails fast.
fn limits() -> Limits {
    Limits {
        max_statements: Some(10_000),
        max_text_bytes: 1 << 20,
        max_collection_len: 100_000,
        max_memory_bytes: Some(256 << 20),
        max_time: Some(Duration::from_secs(20)),
        ..Limits::default()
    }
}

/// Calls `b` with `args` through the real dispatcher; a panic fails with the call spelled out.
fn call(b: &Builtin, args: &[Value]) {
    let mut host = RecordingHost::default();
    let mut ctx = Ctx::new(&mut host, limits(), "UTC".into(), 7);
    let cands = lookup(b.name).expect("listed builtin");
    let res = catch_unwind(AssertUnwindSafe(|| super::call(&mut ctx, b.name, cands, args)));
    assert!(res.is_ok(), "{}({args:?}) panicked", b.name);
}

fn accepts(b: &Builtin, v: &Value) -> bool {
    b.recv == Recv::None || b.recv.accepts(v)
}

/// Every number, conversion and date builtin, receiver × first argument exhaustively; the
/// remaining arguments (when the arity needs them) are plain values.
#[test]
fn numeric_and_date_builtins_on_extreme_values() {
    let values = extremes();
    for table in [super::number::TABLE, super::convert::TABLE, super::date::TABLE] {
        for b in table {
            let fixed = [Value::Int(1), Value::text("UTC")];
            for r in values.iter().filter(|v| accepts(b, v)) {
                let extra = b.max.min(3) as usize;
                if b.min == 0 {
                    call(b, std::slice::from_ref(r));
                }
                if extra == 0 {
                    continue;
                }
                for a in &values {
                    let mut args = vec![r.clone(), a.clone()];
                    args.extend(fixed.iter().take((b.min as usize).saturating_sub(1)).cloned());
                    call(b, &args);
                }
            }
        }
    }
}

/// Text-length arguments: huge, negative and non-numeric counts for every text builtin.
#[test]
fn text_builtins_on_extreme_counts() {
    let values = extremes();
    let receivers = [Value::text("abc"), Value::text(""), Value::text("ΐß a,b")];
    for b in super::text::TABLE.iter().chain(super::collection::TABLE) {
        for r in receivers.iter().filter(|v| accepts(b, v)) {
            if b.min == 0 {
                call(b, std::slice::from_ref(r));
            }
            for a in values.iter().take(if b.max == 0 { 0 } else { values.len() }) {
                call(b, &[r.clone(), a.clone()]);
                if b.max >= 2 {
                    call(b, &[r.clone(), a.clone(), a.clone()]);
                    call(b, &[r.clone(), Value::Int(0), a.clone()]);
                }
            }
        }
    }
}

fn all_builtins() -> Vec<&'static Builtin> {
    tables()
        .into_iter()
        .flatten()
        // Integration-like builtins with effects are covered by their own tests.
        .filter(|b| !b.name.starts_with("zoho.") || b.name.starts_with("zoho.encryption"))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any builtin, any arity it accepts, any mix of extreme arguments.
    #[test]
    fn any_builtin_on_extreme_arguments(
        pick in 0usize..10_000,
        picks in proptest::collection::vec(0usize..1000, 0..5),
    ) {
        let builtins = all_builtins();
        let b = builtins[pick % builtins.len()];
        let values = extremes();
        let n = picks.len().clamp(b.min as usize + 1, b.max as usize + 1);
        let mut args: Vec<Value> = picks.iter().map(|i| values[i % values.len()].clone()).collect();
        args.resize(n, Value::Int(1));
        call(b, &args);
    }
}

/// Every binary operator and negation on every pair of extreme values, through a script (the
/// evaluator's fast paths for numbers included).
#[test]
fn operators_on_extreme_values() {
    let values: Vec<Value> =
        extremes().into_iter().filter(|v| !matches!(v, Value::Text(_))).collect();
    let interp = Interpreter::with_limits(limits());
    let ops = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">="];
    for op in ops {
        let script = Script::new(format!("return a {op} b;"));
        let literal_rhs = Script::new(format!("return a {op} -1;"));
        for a in &values {
            for b in &values {
                let args = vec![("a".to_string(), a.clone()), ("b".to_string(), b.clone())];
                let mut host = RecordingHost::default();
                let run = catch_unwind(AssertUnwindSafe(|| {
                    interp.run(&script, Entry::Auto, args, &mut host)
                }));
                assert!(run.is_ok(), "{a:?} {op} {b:?} panicked");
            }
            let mut host = RecordingHost::default();
            let args = vec![("a".to_string(), a.clone())];
            let run = catch_unwind(AssertUnwindSafe(|| {
                interp.run(&literal_rhs, Entry::Auto, args, &mut host)
            }));
            assert!(run.is_ok(), "{a:?} {op} -1 panicked");
        }
    }
    let neg = Script::new("return -a;");
    for a in &values {
        let mut host = RecordingHost::default();
        let args = vec![("a".to_string(), a.clone())];
        let run = catch_unwind(AssertUnwindSafe(|| interp.run(&neg, Entry::Auto, args, &mut host)));
        assert!(run.is_ok(), "-{a:?} panicked");
    }
}

/// The audit's panic and its relatives: overflow is the runtime error "Number overflow".
#[test]
fn integer_overflow_is_an_error() {
    let interp = Interpreter::new();
    for src in [
        "info (-9223372036854775807 - 1) / -1;",
        "info (-9223372036854775807 - 1) * -1;",
        "info -(-9223372036854775807 - 1);",
        "info 9223372036854775807 + 1;",
        "info (-9223372036854775807 - 1).abs();",
    ] {
        let mut host = RecordingHost::default();
        let out = interp.run_source(src, &mut host);
        let err = out.error.unwrap_or_else(|| panic!("{src} gave {:?}", host.info));
        assert_eq!(err.message, "Number overflow", "{src}");
    }
    let mut host = RecordingHost::default();
    let out = interp.run_source("info (-9223372036854775807 - 1) % -1;", &mut host);
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(host.info, ["0"]);
}

/// Decimal results past the double range are the runtime error "Decimal overflow", never a
/// printed `Infinity`.
#[test]
fn decimal_overflow_is_an_error() {
    let interp = Interpreter::new();
    for src in [
        "m = \"9\".repeat(308).toDecimal(); info m * 10;",
        "m = \"9\".repeat(308).toDecimal(); info m + m;",
        "m = \"9\".repeat(308).toDecimal(); info -m - m;",
        "m = \"9\".repeat(308).toDecimal(); info m / 0.1;",
        "info \"9\".repeat(400).toDecimal();",
        "m = \"9\".repeat(308).toDecimal(); info {m, m}.sum();",
        "info 10.power(400);",
        "info 1000.0.exp();",
    ] {
        let mut host = RecordingHost::default();
        let out = interp.run_source(src, &mut host);
        let err = out.error.unwrap_or_else(|| panic!("{src} gave {:?}", host.info));
        assert!(
            err.message.contains("overflow") || err.message.contains("finite"),
            "{src}: {}",
            err.message
        );
        assert!(host.info.is_empty(), "{src}: {:?}", host.info);
    }
}

/// A pattern that compiles too big is a limit error naming the regex size limit (not a
/// "syntax error"); a malformed one stays an "invalid regular expression" runtime error.
#[test]
fn too_big_regex_is_a_size_limit_error() {
    for name in ["replaceall", "matches", "replacefirstignorecase"] {
        let b = lookup(name).expect("builtin")[0];
        let mut host = RecordingHost::default();
        let mut ctx = Ctx::new(&mut host, Limits::default(), "UTC".into(), 1);
        let args = [Value::text("aaa"), Value::text("(a{1000}){1000}"), Value::text("b")];
        let n = (b.max as usize + 1).min(args.len());
        let e = super::call(&mut ctx, name, lookup(name).unwrap(), &args[..n]).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Limit, "{name}: {}", e.message());
        assert!(e.message().contains("regex size limit of 4 MB"), "{name}: {}", e.message());
        let bad = [Value::text("aaa"), Value::text("(a"), Value::text("b")];
        let e = super::call(&mut ctx, name, lookup(name).unwrap(), &bad[..n]).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Runtime);
        assert!(e.message().contains("invalid regular expression"), "{}", e.message());
    }
}
