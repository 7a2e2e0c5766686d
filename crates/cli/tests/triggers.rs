//! `dg test` trigger, button and schedule cases and workflow rules: the error cases (the
//! working ones are fixtures/projects/crm_org/tests, checked by projects.rs).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dg_test(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dg"))
        .args(["test", &path.to_string_lossy()])
        .env("NO_COLOR", "1")
        .env("DG_HOME", std::env::temp_dir().join("dg-cli-test-home"))
        .output()
        .expect("dg runs")
}

fn out(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

const STEP: &str = "void standalone.step(int dealId, int n)\n{\n\tzoho.crm.updateRecord(\"Deals\",dealId,{\"Step\":n + 1},{\"trigger\":{\"workflow\"}});\n}\n";

fn project(name: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dg-triggers-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("dg.toml"), "[project]\n").expect("toml");
    std::fs::write(dir.join("step.dg"), STEP).expect("script");
    std::fs::write(dir.join("t.dgtest.toml"), test).expect("test");
    dir.join("t.dgtest.toml")
}

const HEAD: &str = "script = \"step.dg\"\n";

#[test]
fn a_trigger_on_an_unknown_module_is_a_clear_error() {
    let t = project(
        "unknown",
        &format!("{HEAD}[[case]]\nname = \"x\"\ntrigger = {{ module = \"Dealz\", event = \"create\", record = {{ Deal_Name = \"a\" }} }}\nargs = {{ dealId = \"${{record.id}}\", n = 1 }}\n"),
    );
    let o = dg_test(&t);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains("case 'x': trigger: CRM has no module 'Dealz'"), "{}", out(&o));
}

#[test]
fn bad_events_records_and_placeholders_are_clear_errors() {
    for (case, message) in [
        ("trigger = { module = \"Deals\", event = \"update\" }", "event 'update' is not one of"),
        ("trigger = { module = \"Deals\", event = \"edit\", record = { Deal_Name = \"a\" } }", "an edit needs record.id"),
        ("trigger = { module = \"Deals\", event = \"create\", record = { Deal_Name = \"a\" } }", "mandatory field Stage"),
        ("button = { module = \"Deals\", record_id = 1 }", "button: Deals has no record with id 1"),
        ("schedule = { at = \"monday\" }", "schedule: at 'monday'"),
        ("args = { dealId = \"${record.id}\" }", "args use ${record.…} but the case has no trigger or button"),
        ("button = { module = \"Deals\", record_id = 1 }\nschedule = { at = \"2026-01-05T09:00:00\" }", "one of trigger, button and schedule"),
    ] {
        let t = project("bad", &format!("{HEAD}[[case]]\nname = \"x\"\n{case}\n"));
        let o = dg_test(&t);
        assert_eq!(o.status.code(), Some(1), "{case}: {}", out(&o));
        assert!(out(&o).contains(message), "{case}: {}", out(&o));
    }
    let t = project(
        "rule",
        &format!("{HEAD}[[rule]]\nname = \"r\"\nmodule = \"Nope\"\nevent = \"edit\"\nfunction = \"standalone.step\"\n[[case]]\nname = \"x\"\n"),
    );
    assert!(out(&dg_test(&t)).contains("rule 'r': CRM has no module 'Nope'"));
}

#[test]
fn a_long_chain_of_rules_stops_at_the_depth_limit() {
    let mut test = String::from(HEAD);
    for n in 1..=8 {
        test.push_str(&format!(
            "[[rule]]\nname = \"step {n}\"\nmodule = \"Deals\"\nevent = \"edit\"\nwhen = {{ Step = \"{n}\" }}\nfunction = \"standalone.step\"\nargs = {{ dealId = \"${{record.id}}\", n = {n} }}\n"
        ));
    }
    test.push_str("[[case]]\nname = \"chain\"\ntrigger = { module = \"Deals\", event = \"create\", record = { Deal_Name = \"a\", Stage = \"New\" } }\nargs = { dealId = \"${record.id}\", n = 0 }\n");
    let t = project("depth", &test);
    let o = dg_test(&t);
    let text = out(&o);
    assert!(text.contains("## workflow error\nworkflow depth limit: more than 5 rules"), "{text}");
    assert!(text.contains("'step 1' (Deals 5000000000001) → 'step 2'"), "{text}");
    assert!(text.contains("\"Step\": 6"), "{text}");
}
