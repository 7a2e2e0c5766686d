//! The `dg` binary end to end: the CLI contract other tools rely on.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn dg(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dg"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("DG_HOME", std::env::temp_dir().join("dg-cli-test-home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dg starts");
    if let Some(input) = stdin {
        // dg may finish (a usage error, say) before it reads its input: a closed pipe is fine.
        if let Err(e) = child.stdin.take().expect("stdin").write_all(input) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("dg finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_prints_info_then_result() {
    let o = dg(&["run", "-"], Some(b"info \"a\";\ninfo {1, 2};\nreturn {\"k\": 2.0};\n"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "a\n1,2\n{\"k\":2.0}\n");
}

#[test]
fn run_passes_args_to_function_parameters() {
    let src =
        b"string standalone.f(map contact, int n) { info contact.get(\"id\"); return n * 2; }";
    let o =
        dg(&["run", "-", "--arg", "contact={\"id\":\"7\"}", "--arg", "n=5", "--json"], Some(src));
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v, serde_json::json!({"info": ["7"], "result": 10, "error": null, "effects": []}));
}

#[test]
fn bare_script_sees_args_as_variables_and_text_fallback() {
    let o =
        dg(&["run", "-", "--arg", "name=Ada Lovelace", "--json"], Some(b"return name.length();"));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["result"], 12);
}

#[test]
fn json_keeps_types_and_key_order() {
    let o = dg(
        &["run", "-", "--json"],
        Some(b"return {\"z\": 1, \"a\": 2.0, \"l\": [true, null, \"x\"], \"d\": '01-Jan-2020'};"),
    );
    assert_eq!(
        stdout(&o).trim(),
        r#"{"info":[],"result":{"z":1,"a":2.0,"l":[true,null,"x"],"d":"01-Jan-2020"},"error":null,"effects":[]}"#
    );
}

#[test]
fn runtime_error_exits_1_with_location() {
    let o = dg(&["run", "-", "--json"], Some(b"info 1;\nx = {1}.get(3);\n"));
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["info"], serde_json::json!(["1"]));
    assert_eq!(v["error"]["kind"], "runtime");
    assert_eq!(v["error"]["line"], 2);
    assert_eq!(v["error"]["column"], 5);
    let o = dg(&["run", "-"], Some(b"info 1;\nx = {1}.get(3);\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Given index 3 is greater than the list size"), "{}", stderr(&o));
    assert!(stderr(&o).contains("<stdin>") || stderr(&o).contains("-:2:5"), "{}", stderr(&o));
}

#[test]
fn syntax_error_exits_2_and_limit_is_reported() {
    let o = dg(&["run", "-", "--json"], Some(b"x = = 1;"));
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["error"]["kind"], "syntax");
    assert_eq!(v["error"]["line"], 1);
    let o = dg(
        &["run", "-", "--json", "--max-statements", "10"],
        Some(b"for each i in {1,2,3,4,5,6,7,8,9,10,11} { x = i; }"),
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["error"]["kind"], "limit");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(dg(&["run", "/nonexistent/file.dg"], None).status.code(), Some(2));
    assert_eq!(dg(&["run", "-", "--arg", "novalue"], Some(b"")).status.code(), Some(2));
    assert_eq!(dg(&["frobnicate"], None).status.code(), Some(2));
    let two = b"void a.x() { } void a.y() { }";
    let o = dg(&["run", "-"], Some(two));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--function"));
    let o = dg(&["run", "-", "--function", "a.y"], Some(two));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn check_reports_json_diagnostics_and_exit_codes() {
    let o = dg(&["check", "-"], Some(b"info 1;"));
    assert_eq!(o.status.code(), Some(0));
    let o = dg(&["check", "-", "--json"], Some(b"a = 1\nb = 2;"));
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json array");
    assert_eq!(v[0]["line"], 1);
    assert_eq!(v[0]["severity"], "error");
    assert!(v[0]["message"].as_str().unwrap_or("").contains("missing `;`"));
    assert_eq!(dg(&["check"], None).status.code(), Some(2));
}

#[test]
fn garbage_and_deep_nesting_get_diagnostics_not_crashes() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let o = dg(&["check", "-"], Some(&garbage));
    assert_eq!(o.status.code(), Some(1));
    let text_garbage = "(){}[]'\"\\ ;;; 1.2.3 info info ==== ->".repeat(200);
    let o = dg(&["check", "-"], Some(text_garbage.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let deep = format!("x = {}1{};", "(".repeat(50_000), ")".repeat(50_000));
    let o = dg(&["check", "-"], Some(deep.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nested deeper"), "{}", stderr(&o));
    let list = format!("x = {}1{};", "{".repeat(50_000), "}".repeat(50_000));
    let o = dg(&["run", "-"], Some(list.as_bytes()));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn connections_services_lists_the_catalog() {
    let o = dg(&["connections", "services", "--json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json array");
    let services = v.as_array().expect("array");
    assert!(services.len() >= 50, "{} services", services.len());
    assert!(services.iter().all(|s| s["name"].is_string() && s["auth"].is_string()));
}

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn seed_script_creates_then_updates_in_the_sandbox() {
    let out = std::env::temp_dir().join(format!("dg-seed-{}.json", std::process::id()));
    let out_s = out.to_string_lossy().into_owned();
    let o = dg(
        &[
            "run",
            &repo("scripts/bigin_books_sync.dg"),
            "--sandbox",
            &repo("fixtures/sandbox/books_without_contact.json"),
            "--sandbox-out",
            &out_s,
            "--arg",
            r#"contact={"Contacts.ID":"4876876000000624001"}"#,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("Created Contact: {\"code\":0,\"message\":\"The contact has been added.\""),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("served by the sandbox"), "{}", stderr(&o));
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("state written")).expect("json");
    let contacts = state["books"]["contacts"].as_array().expect("contacts");
    assert_eq!(contacts.len(), 2);
    let ada = &contacts[1];
    assert_eq!(ada["contact_name"], "Ada Lovelace");
    assert_eq!(ada["email"], "ada@example.com");
    assert_eq!(ada["mobile"], "+44 7700 900001");
    assert_eq!(ada["contact_persons"].as_array().map(Vec::len), Some(1));
    assert_eq!(ada["contact_persons"][0]["is_primary_contact"], true);
    assert_eq!(contacts[0]["contact_name"], "Grace Hopper", "other records untouched");

    let o = dg(
        &[
            "run",
            &repo("scripts/bigin_books_sync.dg"),
            "--sandbox",
            &repo("fixtures/sandbox/books_with_contact.json"),
            "--sandbox-out",
            &out_s,
            "--arg",
            r#"contact={"Contacts.ID":"4876876000000624001"}"#,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(
        "Updated Contact: {\"code\":0,\"message\":\"Contact information has been saved.\""
    ));
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("state")).expect("json");
    let contacts = state["books"]["contacts"].as_array().expect("contacts");
    assert_eq!(contacts.len(), 2, "updated in place, nothing created");
    assert_eq!(contacts[1]["contact_id"], "460000000026050");
    assert_eq!(contacts[1]["contact_name"], "Ada Lovelace");
    assert_eq!(contacts[1]["company_name"], "Analytical Engines Ltd", "fields not sent are kept");
    let _ = std::fs::remove_file(out);
}

#[test]
fn offline_runs_never_reach_the_network() {
    let o = dg(
        &["run", "-", "--sandbox"],
        Some(b"r = invokeurl [ url: \"https://api.example.com/x\" ];"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing serves GET https://api.example.com/x"), "{}", stderr(&o));
}

#[test]
fn dg_test_passes_on_the_shipped_cases() {
    let o = dg(&["test", &repo("scripts")], None);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("4 passed, 0 failed"), "{}", stdout(&o));
}

#[test]
fn dg_test_shows_a_diff_and_fails_when_behaviour_changes() {
    let dir = std::env::temp_dir().join(format!("dg-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("snapshots/t")).expect("dir");
    std::fs::write(dir.join("s.dg"), "info \"hello \" + name;").expect("script");
    std::fs::write(
        dir.join("t.dgtest.toml"),
        "script = \"s.dg\"\n[[case]]\nname = \"greets\"\nargs = { name = \"Ada\" }\n",
    )
    .expect("case");
    let d = dir.to_string_lossy().into_owned();
    let o = dg(&["test", &d], None);
    assert_eq!(o.status.code(), Some(1), "a new snapshot is not a pass");
    let o = dg(&["test", &d, "--update"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(std::fs::read_to_string(dir.join("snapshots/t/greets.snap"))
        .expect("snap")
        .contains("info  hello Ada"));
    std::fs::write(dir.join("s.dg"), "info \"bye \" + name;").expect("script");
    let o = dg(&["test", &d], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("-info  hello Ada") && stdout(&o).contains("+info  bye Ada"),
        "{}",
        stdout(&o)
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// 100 distinct 60 MB texts (6 GB) against the default 256 MB budget: a limit error on the
/// line that builds them, quickly, instead of the OS killing the process.
#[test]
fn default_memory_budget_stops_many_big_texts() {
    let src = b"t = \"a\".repeat(60000000);\nl = List();\nfor each c in (\"x,\".repeat(99) + \"x\").toList(\",\")\n{\n\tl.add(t + c);\n}\ninfo l.size();\n";
    let start = std::time::Instant::now();
    let o = dg(&["run", "--json", "-"], Some(src));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["error"]["kind"], "limit");
    assert_eq!(v["error"]["line"], 5);
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("more than 256 MB of memory (memory limit"), "{msg}");
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
}

/// The audit's case: a list of 30 references to one 60 MB text printed with toString().
#[test]
fn to_string_of_a_huge_list_is_a_limit_error() {
    let mut src = String::from("t = \"a\".repeat(60000000);\nl = List();\n");
    src.push_str(&"l.add(t);\n".repeat(30));
    src.push_str("s = l.toString();\n");
    let o = dg(&["run", "-"], Some(src.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("text size limit of 64 MB"), "{err}");
}

#[test]
fn max_memory_and_max_time_flags() {
    let src = b"t = \"a\".repeat(6000000);\nl = List();\nfor each c in (\"x,\".repeat(99) + \"x\").toList(\",\")\n{\n\tl.add(t + c);\n}\n";
    let o = dg(&["run", "--max-memory", "32MB", "-"], Some(src));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("more than 32 MB of memory"), "{}", stderr(&o));
    // --no-limits lifts the budget.
    let o = dg(&["run", "--no-limits", "-"], Some(src));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let endless = b"n = 0;\nwhile (true)\n{\n\tn = n + 1;\n}\n";
    let o = dg(&["run", "--no-limits", "--max-time", "0.2", "-"], Some(endless));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ran longer than 0.2 s (time limit"), "{}", stderr(&o));

    for bad in [["--max-memory", "lots"], ["--max-memory", "0"], ["--max-time", "-1"]] {
        let o = dg(&["run", bad[0], bad[1], "-"], Some(b"info 1;"));
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
    }
}
