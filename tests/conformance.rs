//! Runs the documented Deluge examples of `fixtures/conformance/doc-cases.json`.

use dg_runtime::{Interpreter, RecordingHost};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    id: String,
    source: String,
    script: String,
    expected: String,
    deviation: Option<String>,
}

fn run_case(case: &Case) -> Result<(), String> {
    let mut host = RecordingHost::default();
    let outcome = Interpreter::new().run_source(&case.script, &mut host);
    let output = host.info.join("\n");
    let expected = case.expected.as_str();
    if expected == "error" || expected.starts_with("error: ") {
        let Some(err) = outcome.error else {
            return Err(format!("expected a runtime error, got output {output:?}"));
        };
        if let Some(msg) = expected.strip_prefix("error: ") {
            if err.message != msg {
                return Err(format!("expected error {msg:?}, got {:?}", err.message));
            }
        }
        return Ok(());
    }
    if let Some(err) = outcome.error {
        return Err(format!(
            "unexpected {:?} error: {} (line {})",
            err.kind, err.message, err.line
        ));
    }
    if output != expected {
        return Err(format!("expected {expected:?}, got {output:?}"));
    }
    Ok(())
}

#[test]
fn documented_examples_behave_as_documented() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/conformance/doc-cases.json"
    ))
    .expect("fixtures/conformance/doc-cases.json is readable");
    let cases: Vec<Case> = serde_json::from_str(&text).expect("doc-cases.json is valid");
    assert_eq!(cases.len(), 100, "the shared conformance set has 100 cases");
    let mut failures = Vec::new();
    for case in &cases {
        let res = run_case(case);
        match (&case.deviation, res) {
            (None, Err(e)) => failures.push(format!("{} ({}): {e}", case.id, case.source)),
            (Some(why), Ok(())) => {
                failures.push(format!("{}: marked as a deviation ({why}) but now passes", case.id))
            }
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
