//! Scripts run against the sandbox (and mock rules): every request, `info` line,
//! error and the final state are snapshotted. Pragmas on the first lines:
//! `// sandbox: STATE.json`, `// mock: RULES.json`, `// args: {json}` (paths relative to the script),
//! `// max-response-bytes: N` (the invokeurl response cap, 15 MB by default).

use dg_host::{DgHost, Mode};
use dg_runtime::value::from_json;
use dg_runtime::{Entry, Interpreter, Script};
use dg_sandbox::{MockRules, Sandbox};
use std::fmt::Write;
use std::path::Path;

fn pragma<'a>(src: &'a str, name: &str) -> Option<&'a str> {
    let prefix = format!("// {name}:");
    src.lines()
        .take_while(|l| l.starts_with("//"))
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .map(str::trim)
}

fn run(path: &Path) -> String {
    let src = std::fs::read_to_string(path).unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("."));
    let read =
        |p: &str| std::fs::read_to_string(dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let sandbox = match pragma(&src, "sandbox") {
        Some(p) => Sandbox::from_json(&read(p)).unwrap_or_else(|e| panic!("{p}: {e}")),
        None => Sandbox::new(),
    };
    let mocks = pragma(&src, "mock")
        .map(|p| MockRules::from_json(&read(p)).unwrap_or_else(|e| panic!("{p}: {e}")));
    let args = match pragma(&src, "args") {
        Some(json) => match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::Object(m)) => {
                m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()
            }
            _ => panic!("args pragma must be a JSON object"),
        },
        None => Vec::new(),
    };
    let mut host = DgHost::new(Mode::Offline { sandbox: Some(Box::new(sandbox)), mocks });
    host.now = chrono::NaiveDate::from_ymd_opt(2024, 1, 15).and_then(|d| d.and_hms_opt(10, 30, 0));
    let mut interpreter = Interpreter::new();
    if let Some(n) = pragma(&src, "max-response-bytes") {
        interpreter.limits.max_response_bytes = n.parse().expect("max-response-bytes: a number");
    }
    let outcome = interpreter.run(&Script::new(src.as_str()), Entry::Auto, args, &mut host);
    let mut out = String::new();
    let _ = writeln!(out, "## transcript\n{}", host.transcript.render());
    if let Some(err) = &outcome.error {
        let _ = writeln!(
            out,
            "## error\n{} at {}:{}: {}\n",
            err.kind.as_str(),
            err.line,
            err.column,
            err.message
        );
    }
    for note in &host.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if let Some(s) = host.sandbox() {
        let _ = writeln!(out, "\n## sandbox state\n{}", s.to_json().trim_end());
    }
    out
}

#[test]
fn sandbox_scripts() {
    insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true, snapshot_path => "snapshots/sandbox"}, {
        insta::glob!("../fixtures", "sandbox/scripts/*.dg", |path| {
            insta::assert_snapshot!(run(path));
        });
    });
}
