//! Zoho Creator end to end: record statements against the sandbox, form effects in
//! `--json`, pages, form-event test cases, and bad input.

use std::process::{Command, Output};

fn dg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dg"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("DG_HOME", std::env::temp_dir().join("dg-cli-test-home"))
        .output()
        .expect("dg runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn app(path: &str) -> String {
    format!("{}/../../fixtures/projects/creator_app/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("dg-creator-{}-{name}", std::process::id()))
}

#[test]
fn the_creator_app_cases_pass() {
    let o = dg(&["test", &app("tests")]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", out(&o), err(&o));
    assert!(out(&o).contains("19 passed, 0 failed"), "{}", out(&o));
}

#[test]
fn json_output_lists_form_effects() {
    let script = temp("effects.dg");
    std::fs::write(
        &script,
        "input.Status = \"Held\";\nalert \"Check \" + input.Customer;\nhide Discount;\ncancel submit;\nopenUrl(\"https://example.com\", \"new window\");\nreturn input.Status;\n",
    )
    .unwrap();
    let s = script.to_string_lossy();
    let o = dg(&["run", &s, "--json", "--arg", r#"input={"Customer":"Ada"}"#]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["result"], "Held");
    let effects: Vec<String> = v["effects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {}", e["action"], e["field"], e["value"]))
        .collect();
    assert_eq!(
        effects,
        [
            "\"set\" \"Status\" \"Held\"",
            "\"alert\" null \"Check Ada\"",
            "\"hide\" \"Discount\" null",
            "\"cancel submit\" null null",
            "\"openurl\" \"new window\" \"https://example.com\""
        ]
    );
    // Plain runs print them on stderr.
    let o = dg(&["run", &s, "--arg", r#"input={"Customer":"Ada"}"#]);
    assert_eq!(out(&o), "Held\n");
    assert!(
        err(&o).contains("form: alert \"Check Ada\"\nform: hide Discount\nform: cancel submit\n"),
        "{}",
        err(&o)
    );
}

#[test]
fn input_without_a_form_record_is_a_clear_error() {
    let script = temp("noinput.dg");
    std::fs::write(&script, "x = 1;\ninfo input.Customer;\n").unwrap();
    let o = dg(&["run", &script.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("`input.Customer` reads the record of a Creator form event"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains(":2:6"), "{}", err(&o));
}

#[test]
fn pages_render_and_check() {
    let o = dg(&[
        "run",
        &app("pages/orders.page"),
        "--sandbox",
        &app("state.json"),
        "--arg",
        "status=Closed",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("<h1>Orders: Closed</h1>"), "{}", out(&o));
    assert!(out(&o).contains("<tr><td>4002</td><td>80.5</td></tr>"), "{}", out(&o));
    let o = dg(&[
        "run",
        &app("pages/orders.page"),
        "--json",
        "--sandbox",
        &app("state.json"),
        "--arg",
        "status=Open",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert!(v["result"].as_str().unwrap().contains("Total 465 in 3 orders"), "{v}");

    let page = temp("bad.page");
    std::fs::write(&page, "<h1>x</h1>\n<%{\n  a = 1\n  b = 2;\n}%>\n<p><%= a %></p>\n").unwrap();
    let o = dg(&["check", &page.to_string_lossy(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v[0]["name"], "missing-semicolon");
    assert_eq!(v[0]["line"], 3, "{v}");
    let o = dg(&["check", &app("pages/orders.page")]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn creator_errors_are_located_and_keep_the_state() {
    for (script, want) in [
        ("scripts/unknown_field.dg", "form 'Orders' has no field 'Amout'"),
        ("scripts/unknown_form.dg", "the application has no form 'Order'"),
        ("scripts/insert_unknown_field.dg", "form 'Orders' has no field 'Colour'"),
    ] {
        let out_path = temp("out.json");
        let o = dg(&[
            "run",
            &app(script),
            "--sandbox",
            &app("state.json"),
            "--sandbox-out",
            &out_path.to_string_lossy(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{script}");
        assert!(err(&o).contains(want), "{script}: {}", err(&o));
        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
        assert_eq!(saved["creator"]["forms"]["Orders"].as_array().unwrap().len(), 4, "{script}");
    }
    let o = dg(&["run", &app("scripts/unknown_field.dg"), "--sandbox", &app("state.json")]);
    assert!(err(&o).contains("unknown_field.dg:1:14"), "{}", err(&o));
}

#[test]
fn a_malformed_state_is_refused_before_anything_runs() {
    let state = temp("bad-state.json");
    let out_path = temp("never.json");
    std::fs::write(&state, r#"{"creator": {"forms": {"Orders": [{"ID": "x4001"}]}}}"#).unwrap();
    let o = dg(&[
        "run",
        &app("scripts/reports.dg"),
        "--sandbox",
        &state.to_string_lossy(),
        "--sandbox-out",
        &out_path.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("creator.forms.Orders[0].ID: an ID must be a whole number"),
        "{}",
        err(&o)
    );
    assert!(!out_path.exists());
}

#[test]
fn record_statements_need_the_sandbox() {
    let o = dg(&["run", &app("scripts/reports.dg")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("dg runs Creator record statements against the sandbox only"),
        "{}",
        err(&o)
    );
}

#[test]
fn sandbox_out_round_trips_the_creator_state() {
    let out_path = temp("round.json");
    let o = dg(&[
        "run",
        &app("scripts/maintenance.dg"),
        "--sandbox",
        &app("state.json"),
        "--sandbox-out",
        &out_path.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let again = temp("round2.json");
    let o = dg(&[
        "run",
        &app("scripts/unknown_form.dg"),
        "--sandbox",
        &out_path.to_string_lossy(),
        "--sandbox-out",
        &again.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );
}

#[test]
fn open_writes_the_page_to_a_temp_file_without_a_browser() {
    let tmp = temp("open-tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // No xdg-open on the PATH and stdout is a pipe: the run must still succeed.
    let o = Command::new(env!("CARGO_BIN_EXE_dg"))
        .args(["run", &app("pages/orders.page"), "--sandbox", &app("state.json")])
        .args(["--arg", "status=Closed", "--open"])
        .env("NO_COLOR", "1")
        .env("TMPDIR", &tmp)
        .env("PATH", "")
        .output()
        .expect("dg runs");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let path = std::path::PathBuf::from(out(&o).trim());
    assert!(path.starts_with(&tmp), "{}", path.display());
    assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("orders.html"));
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("<h1>Orders: Closed</h1>"), "{html}");
    let o = dg(&["run", &app("scripts/reports.dg"), "--open"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--open renders Creator pages"), "{}", err(&o));
}
