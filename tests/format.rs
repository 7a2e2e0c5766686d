//! `dg fmt` over everything we have: every `.dg` file under `fixtures/` and `scripts/`, and
//! every conformance case that parses. Each is formatted and must
//! - re-parse without errors to the same syntax tree (spans aside),
//! - keep every comment (the same texts in the same order),
//! - format again to itself (idempotence),
//! - for runnable fixtures (`fixtures/eval`, `fixtures/builtins`) and conformance cases, run
//!   with the same output, result, error and statement count before and after.

use std::path::{Path, PathBuf};

use dg_fmt::{format, same_program, Options};
use dg_runtime::{Entry, Interpreter, RecordingHost, Script};
use serde::Deserialize;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn dg_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            dg_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "dg") {
            out.push(path);
        }
    }
}

/// What a run shows to the outside world, minus source positions (they move when formatted).
fn behaviour(src: &str) -> String {
    let script = Script::new(src);
    let mut host = RecordingHost::default();
    let outcome = Interpreter::new().run(&script, Entry::Auto, vec![], &mut host);
    let error = outcome.error.as_ref().map(|e| format!("{:?}: {}", e.kind, e.message));
    format!(
        "info: {:?}\nresult: {}\nerror: {error:?}\nstatements: {}\nrequests: {:?}\nmails: {:?}",
        host.info,
        outcome.result.to_display(),
        outcome.statements,
        host.requests,
        host.mails
    )
}

/// Checks one source; `Ok(false)` when it has syntax errors (and so is not formatted).
fn check(name: &str, src: &str, run: bool, options: &Options) -> Result<bool, String> {
    let Ok(out) = format(src, options) else { return Ok(false) };
    if !same_program(src, &out) {
        let a = dg_syntax::parse(src);
        let b = dg_syntax::parse(&out);
        let ca = dg_fmt::comment_texts(src, &a.comments);
        let cb = dg_fmt::comment_texts(&out, &b.comments);
        let why = if ca != cb {
            format!("comments differ:\n{ca:#?}\nvs\n{cb:#?}")
        } else if b.has_errors() {
            format!("output has syntax errors: {:#?}", b.diagnostics)
        } else {
            "the syntax tree differs".to_string()
        };
        return Err(format!("{name}: formatting changed the program ({why}):\n{out}"));
    }
    match format(&out, options) {
        Ok(again) if again == out => {}
        Ok(again) => {
            return Err(format!("{name}: not idempotent\n--- first\n{out}\n--- second\n{again}"))
        }
        Err(d) => return Err(format!("{name}: output does not parse: {d:?}")),
    }
    // Trailing whitespace only survives inside literals and block comments, which are
    // printed verbatim: such a line is a line of the source.
    let src_lines: std::collections::HashSet<&str> = src.lines().collect();
    if let Some(l) = out.lines().find(|l| l.ends_with([' ', '\t']) && !src_lines.contains(l)) {
        return Err(format!("{name}: trailing whitespace in {l:?}"));
    }
    if run {
        let (before, after) = (behaviour(src), behaviour(&out));
        if before != after {
            return Err(format!(
                "{name}: behaves differently\n--- before\n{before}\n--- after\n{after}"
            ));
        }
    }
    Ok(true)
}

fn check_tree(options: &Options) {
    let mut files = Vec::new();
    dg_files(&root().join("fixtures"), &mut files);
    dg_files(&root().join("scripts"), &mut files);
    assert!(files.len() > 200, "found only {} fixture files", files.len());
    let mut failures = Vec::new();
    let mut formatted = 0;
    for path in &files {
        let rel = path.strip_prefix(root()).unwrap_or(path).display().to_string();
        let src = std::fs::read_to_string(path).unwrap_or_default();
        let run = rel.starts_with("fixtures/eval") || rel.starts_with("fixtures/builtins");
        match check(&rel, &src, run, options) {
            Ok(true) => formatted += 1,
            Ok(false) => {
                // Only files meant to be broken may fail to parse.
                // Files whose point is a syntax error: the error fixtures and the "reported"
                // examples of docs/diagnostics.md.
                let meant_broken = rel.starts_with("fixtures/syntax/err")
                    || (rel.starts_with("fixtures/diagnostics/") && !rel.ends_with(".good.dg"));
                if !meant_broken {
                    failures.push(format!("{rel}: syntax errors"));
                }
            }
            Err(e) => failures.push(e),
        }
    }
    assert!(formatted > 200, "only {formatted} files formatted");
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn every_fixture_formats_to_the_same_program() {
    check_tree(&Options::default());
}

#[test]
fn every_fixture_formats_with_spaces_and_a_narrow_width() {
    // Narrow lines exercise every wrapping path.
    check_tree(&Options { indent: dg_fmt::Indent::Spaces(2), line_width: 40 });
}

#[derive(Deserialize)]
struct Case {
    id: String,
    script: String,
}

#[test]
fn every_conformance_case_formats_to_the_same_behaviour() {
    let text = std::fs::read_to_string(root().join("fixtures/conformance/doc-cases.json"))
        .expect("doc-cases.json is readable");
    let cases: Vec<Case> = serde_json::from_str(&text).expect("doc-cases.json is valid");
    let mut failures = Vec::new();
    let mut formatted = 0;
    for case in &cases {
        for options in [Options::default(), Options { line_width: 30, ..Options::default() }] {
            match check(&case.id, &case.script, true, &options) {
                Ok(true) => formatted += 1,
                Ok(false) => {}
                Err(e) => failures.push(e),
            }
        }
    }
    assert!(formatted >= 150, "only {formatted} conformance formattings");
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn formatted_fixtures_look_like_this() {
    insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true, snapshot_path => "snapshots/format"}, {
        for rel in [
            "scripts/bigin_books_sync.dg",
            "fixtures/syntax/ok/comments_everywhere.dg",
            "fixtures/syntax/ok/sendmail_multiline.dg",
            "fixtures/syntax/ok/creator_forms.dg",
            "fixtures/syntax/ok/keyword_case.dg",
            "fixtures/syntax/ok/nested_literals.dg",
        ] {
            let src = std::fs::read_to_string(root().join(rel)).expect("fixture is readable");
            let out = format(&src, &Options::default()).expect("fixture parses");
            let name = rel.replace('/', "__");
            insta::assert_snapshot!(name, out);
        }
    });
}
