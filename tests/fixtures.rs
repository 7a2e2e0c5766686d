//! Snapshot tests over `fixtures/`: every `.dg` under `fixtures/eval` and
//! `fixtures/builtins` runs with a recording host; its info output, result and
//! error are snapshotted. A trailing `/* expect … */` block is also asserted.

use dg_runtime::{Interpreter, RecordingHost, Script};
use std::fmt::Write;

/// The exact expected output written at the end of a fixture, if any.
fn expected_block(src: &str) -> Option<String> {
    let start = src.rfind("/* expect")?;
    let body = &src[start + "/* expect".len()..];
    let end = body.rfind("*/")?;
    let body = body[..end].strip_prefix('\n').unwrap_or(&body[..end]);
    Some(body.trim_end_matches('\n').to_string())
}

/// Output as the expect block writes it: info lines, then `error: …` if any.
fn observed(src: &str) -> (String, String) {
    let script = Script::new(src);
    let mut host = RecordingHost::default();
    let outcome = Interpreter::new().run(&script, dg_runtime::Entry::Auto, vec![], &mut host);
    let mut lines = host.info.clone();
    let mut snapshot = String::new();
    let _ = writeln!(snapshot, "## info");
    for l in &host.info {
        let _ = writeln!(snapshot, "{l}");
    }
    if !outcome.result.is_null() {
        let _ = writeln!(snapshot, "## result\n{}", outcome.result.to_display());
    }
    if let Some(err) = &outcome.error {
        lines.push(format!("error: {}", err.message));
        let _ = writeln!(
            snapshot,
            "## error\n{} at {}:{}: {}",
            err.kind.as_str(),
            err.line,
            err.column,
            err.message
        );
    }
    (lines.join("\n"), snapshot)
}

fn check_dir(dir: &str) {
    let mut failures = Vec::new();
    let pattern = format!("{dir}/**/*.dg");
    let snapshot_path = format!("snapshots/{dir}");
    insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true, snapshot_path => snapshot_path}, {
        insta::glob!("../fixtures", &pattern, |path| {
            let src = std::fs::read_to_string(path).unwrap_or_default().replace("\r\n", "\n");
            let (lines, snapshot) = observed(&src);
            if let Some(expected) = expected_block(&src) {
                if lines != expected {
                    failures.push(format!("{}:\n--- expected\n{expected}\n--- got\n{lines}", path.display()));
                }
            }
            insta::assert_snapshot!(snapshot);
        });
    });
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ from their expect block:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn eval_fixtures() {
    check_dir("eval");
}

#[test]
fn builtin_fixtures() {
    check_dir("builtins");
}
