//! Projects end to end: `dg check`, `dg run`, `dg test` and `dg init` on folders with a
//! `dg.toml`, where functions in one file call functions in another.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn dg_in(dir: Option<&Path>, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dg"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("DG_HOME", std::env::temp_dir().join("dg-cli-test-home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().expect("dg starts");
    if let Some(input) = stdin {
        // dg may finish (a usage error, say) before it reads its input: a closed pipe is fine.
        if let Err(e) = child.stdin.take().expect("stdin").write_all(input) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("dg finishes")
}

fn dg(args: &[&str]) -> Output {
    dg_in(None, args, None)
}

fn out(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn repo(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel).to_string_lossy().into_owned()
}

fn temp_project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dg-proj-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

#[test]
fn shipped_projects_check_clean_and_their_tests_pass() {
    for project in ["crm_org", "books_billing"] {
        let path = repo(&format!("fixtures/projects/{project}"));
        let o = dg(&["check", &path]);
        assert_eq!(o.status.code(), Some(0), "{project}: {}", out(&o));
        assert!(out(&o).contains("0 errors, 0 warnings"), "{project}: {}", out(&o));
        let o = dg(&["test", &path]);
        assert_eq!(o.status.code(), Some(0), "{project}: {}", out(&o));
        assert!(out(&o).contains(" passed, 0 failed"), "{project}: {}", out(&o));
    }
}

#[test]
fn calls_across_files_and_external_functions() {
    let dir = temp_project(
        "calls",
        &[
            ("dg.toml", "[project]\nname = \"t\"\n"),
            ("helpers/total.dg", "int standalone.total(list items)\n{\n\tsum = 0;\n\tfor each i in items\n\t{\n\t\tsum = sum + i;\n\t}\n\treturn sum;\n}\n"),
            ("main.dg", "void standalone.report(list items)\n{\n\tinfo standalone.total(items);\n}\n"),
            ("uses_org.dg", "x = standalone.notInThisRepo(1);\ninfo x;\n"),
            ("typo.dg", "void standalone.bad()\n{\n\tinfo standalone.totl({1});\n}\n"),
        ],
    );
    let d = dir.to_string_lossy().into_owned();
    let main = dir.join("main.dg").to_string_lossy().into_owned();
    let o = dg(&["run", &main, "--arg", "items=[1,2,3]"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "6\n");
    // --function can pick a function of another file.
    let o = dg(&["run", &main, "--function", "standalone.total", "--arg", "items=[4]"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "4\n", "{}", out(&o));
    // Undefined namespaced functions: a warning in check, a clear error when run.
    let o = dg(&["check", &d]);
    assert_eq!(o.status.code(), Some(0), "warnings only: {}", out(&o));
    assert!(out(&o).contains("W0202 external-function"), "{}", out(&o));
    assert!(out(&o).contains("did you mean `standalone.total`?"), "{}", out(&o));
    assert!(out(&o).contains("4 files, 0 errors, 2 warnings"), "{}", out(&o));
    let uses = dir.join("uses_org.dg").to_string_lossy().into_owned();
    let o = dg(&["run", &uses, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["error"]["kind"], "runtime");
    assert!(v["error"]["message"].as_str().unwrap_or("").contains("standalone.notInThisRepo"));
    // A project-wide allow silences the warning.
    std::fs::write(dir.join("dg.toml"), "[check]\nallow = [\"external-function\"]\n")
        .expect("toml");
    let o = dg(&["check", &d]);
    assert!(out(&o).contains("0 errors, 0 warnings"), "{}", out(&o));
}

#[test]
fn duplicates_run_the_first_and_say_so() {
    let dir = temp_project(
        "dups",
        &[
            ("dg.toml", ""),
            ("a_current.dg", "string standalone.stage()\n{\n\treturn \"current\";\n}\n"),
            ("b_rollback.dg", "string standalone.stage()\n{\n\treturn \"rollback\";\n}\n"),
            ("run.dg", "info standalone.stage();\n"),
        ],
    );
    let o = dg(&["check", &dir.to_string_lossy()]);
    assert!(out(&o).contains("W0203 duplicate-function"), "{}", out(&o));
    assert!(out(&o).contains("a_current.dg:1:19) is the one that runs"), "{}", out(&o));
    let o = dg(&["run", &dir.join("run.dg").to_string_lossy()]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "current\n", "{}", out(&o));
}

#[test]
fn usage_errors() {
    // Missing files exit 2 in run and check.
    assert_eq!(dg(&["check", "/nonexistent/x.dg"]).status.code(), Some(2));
    assert_eq!(dg(&["run", "/nonexistent/x.dg"]).status.code(), Some(2));
    // A typed parameter gets a usage error before the run; JSON has null line and column.
    let dir = temp_project("typed", &[("f.dg", "void f(int times)\n{\n\tinfo times;\n}\n")]);
    let f = dir.join("f.dg").to_string_lossy().into_owned();
    let o = dg(&["run", &f, "--arg", "times=two", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["error"]["kind"], "usage");
    assert!(v["error"]["line"].is_null() && v["error"]["column"].is_null(), "{v}");
    assert!(v["error"]["message"].as_str().unwrap_or("").contains("not a whole number"), "{v}");
    let o = dg(&["run", &f, "--arg", "times=3"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "3\n");
    // Checking errors are reported as "check", not "syntax".
    let o = dg_in(None, &["run", "-", "--json"], Some(b"info lenght(\"a\");"));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["error"]["kind"], "check");
    // `--sandbox FILE`: the script is run with an empty sandbox, and a note says so.
    let o = dg(&["run", "--sandbox", &f, "--arg", "times=1"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("--sandbox=STATE.json"), "{}", out(&o));
}

#[test]
fn init_writes_a_project_file_once() {
    let dir = temp_project("init", &[("a.dg", "info 1;\n")]);
    let d = dir.to_string_lossy().into_owned();
    let o = dg(&["init", &d, "--name", "demo"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let text = std::fs::read_to_string(dir.join("dg.toml")).expect("dg.toml");
    assert!(text.contains("name = \"demo\""));
    assert_eq!(dg(&["init", &d]).status.code(), Some(2), "never overwrites");
    let o = dg_in(Some(&dir), &["check", "a.dg"], None);
    assert!(out(&o).contains("1 file, 0 errors, 0 warnings"), "{}", out(&o));
}

#[test]
fn dg_test_reports_clashing_and_stale_snapshots() {
    let dir = temp_project(
        "snaps",
        &[
            ("s.dg", "info \"hi \" + name;\n"),
            ("t.dgtest.toml", "script = \"s.dg\"\n[[case]]\nname = \"Greets Ada\"\nargs = { name = \"Ada\" }\n[[case]]\nname = \"greets ada\"\nargs = { name = \"ada\" }\n"),
        ],
    );
    let d = dir.to_string_lossy().into_owned();
    let o = dg(&["test", &d]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("share the snapshot file greets_ada.snap"), "{}", out(&o));
    std::fs::write(
        dir.join("t.dgtest.toml"),
        "script = \"s.dg\"\n[[case]]\nname = \"greets\"\nargs = { name = \"Ada\" }\n",
    )
    .expect("toml");
    let o = dg(&["test", &d]);
    assert!(
        out(&o).contains("1 case(s) have no snapshot yet")
            && out(&o).contains("0 passed, 0 failed"),
        "{}",
        out(&o)
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(dg(&["test", &d, "--update"]).status.code(), Some(0));
    std::fs::write(dir.join("snapshots/t/gone.snap"), "old").expect("stale");
    let o = dg(&["test", &d]);
    assert!(out(&o).contains("STALE") && out(&o).contains("gone.snap"), "{}", out(&o));
    assert_eq!(o.status.code(), Some(0));
    dg(&["test", &d, "--update"]);
    assert!(!dir.join("snapshots/t/gone.snap").exists());
}
