//! The parser does work proportional to its input on every input: for each family of
//! hostile or half-typed inputs, the work at 4n is within 5× the work at n. Work is counted
//! in token look-ups (deterministic, unlike wall time on a shared machine); lookahead memory
//! must stay bounded. Each family also has to parse in bounded wall time at its largest size,
//! with a generous bound that only an exponential or quadratic parser could miss.

use dg_syntax::parse_counting;
use std::time::{Duration, Instant};

fn check_family(name: &str, make: impl Fn(usize) -> String, n: usize) {
    let small = make(n);
    let large = make(4 * n);
    let (_, w1) = parse_counting(&small);
    let started = Instant::now();
    let (parsed, w4) = parse_counting(&large);
    let took = started.elapsed();
    let ratio = w4.steps as f64 / w1.steps.max(1) as f64;
    assert!(
        ratio <= 5.0,
        "{name}: work grew {ratio:.1}× from n={n} ({} steps) to 4n ({} steps)",
        w1.steps,
        w4.steps
    );
    assert!(w4.max_lookahead <= 32, "{name}: lookahead grew to {}", w4.max_lookahead);
    assert!(took < Duration::from_secs(5), "{name}: {} bytes took {took:?}", large.len());
    // A parse always yields something, and errors are few: one per real problem, not one
    // per token.
    let lines = large.lines().count();
    assert!(
        parsed.diagnostics.len() <= 2 * lines + 2,
        "{name}: {} diagnostics for {lines} lines",
        parsed.diagnostics.len()
    );
}

#[test]
fn unclosed_blocks() {
    check_family("unclosed if blocks", |n| "if (true) {\n".repeat(n), 50);
    check_family("unclosed for blocks", |n| "for each x in list {\n".repeat(n), 50);
    check_family("unclosed functions", |n| "void f() {\n if (a) {\n".repeat(n), 30);
    check_family("unclosed try", |n| "try {\n".repeat(n), 50);
    check_family("more than the nesting limit", |n| "if (true) {\n".repeat(n), 300);
}

#[test]
fn unclosed_brackets() {
    check_family("unclosed parens", |n| format!("x = {};", "f(".repeat(n)), 50);
    check_family("unclosed lists", |n| format!("x = {};", "[1, ".repeat(n)), 50);
    check_family("unclosed maps", |n| format!("x = {};", "{\"a\": ".repeat(n)), 50);
    check_family("deep parens past the limit", |n| "(".repeat(n), 1000);
    check_family("closers only", |n| ")]}".repeat(n), 1000);
}

#[test]
fn operator_chains() {
    check_family("unary minus chain", |n| format!("x = {}1;", "-".repeat(n)), 1000);
    check_family("unary not chain", |n| format!("x = {}true;", "!".repeat(n)), 1000);
    check_family("dangling unary chain", |n| format!("x = {}", "-".repeat(n)), 1000);
    check_family("binary chain", |n| format!("x = 1{};", " + 1".repeat(n)), 1000);
    check_family("binary chain past the limit", |n| format!("x = 1{};", " * 2".repeat(n)), 2000);
    check_family("dangling operators", |n| format!("x = 1{}", " +".repeat(n)), 1000);
    check_family("method chain", |n| format!("x = a{};", ".b()".repeat(n)), 1000);
}

#[test]
fn nested_literals() {
    check_family("nested maps", |n| format!("m = {}1{};", "{\"a\": ".repeat(n), "}".repeat(n)), 50);
    check_family("nested calls", |n| format!("x = {}1{};", "f(".repeat(n), ")".repeat(n)), 50);
}

#[test]
fn many_statements_and_long_lines() {
    check_family("statements", |n| "x = x + 1;\ninfo x;\n".repeat(n), 2000);
    check_family("missing semicolons", |n| "x = 1\ny = 2\n".repeat(n), 2000);
    check_family("junk lines", |n| "= = ) ] } ,\n".repeat(n), 2000);
    check_family("long line", |n| format!("x = \"{}\";", "a".repeat(n)), 10_000);
    check_family("long list", |n| format!("x = {{{}}};", "1, ".repeat(n)), 2000);
    check_family(
        "task blocks",
        |n| "r = invokeurl [ url: u type: GET headers: h ];\n".repeat(n),
        500,
    );
    check_family("unclosed task", |n| format!("r = invokeurl [ {}", "url: u ".repeat(n)), 500);
    check_family("task key words", |n| format!("r = x [ {} ];", "a ".repeat(n)), 500);
    check_family("half-typed statements", |n| "if (a == \nx = f(a, \nm.\n".repeat(n), 500);
}
