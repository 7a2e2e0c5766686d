//! STATE.json in and out.

use dg_sandbox::{Sandbox, SandboxError};
use serde_json::{json, Value};

#[test]
fn empty_and_new_save_the_same_full_shape() {
    let expected = "{\n  \"bigin\": {},\n  \"books\": {\n    \"organization_id\": \"10234695\"\n  },\n  \"crm\": {},\n  \"outbox\": []\n}\n";
    assert_eq!(Sandbox::new().to_json(), expected);
    assert_eq!(Sandbox::from_json("{}").unwrap().to_json(), expected);
}

#[test]
fn round_trip_keeps_unknown_fields_and_order() {
    let text = json!({
        "bigin": {"Pipelines": [], "Contacts": [{"id": "7", "zeta": 1, "Alpha": {"nested": [1, 2]}}]},
        "books": {"organization_id": "555", "contacts": [{"contact_id": "9", "contact_name": "X", "cf_custom": null}]},
        "crm": {"Leads": []},
        "outbox": [{"to": "a@b.c"}]
    });
    let sandbox = Sandbox::from_json(&text.to_string()).unwrap();
    let saved = sandbox.to_json();
    let reparsed: Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(reparsed, text);
    let field_order: Vec<&str> =
        reparsed["bigin"]["Contacts"][0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(field_order, ["id", "zeta", "Alpha"]);
    let module_order: Vec<&str> =
        reparsed["bigin"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(module_order, ["Pipelines", "Contacts"]);
    assert_eq!(Sandbox::from_json(&saved).unwrap().to_json(), saved);
}

#[test]
fn ids_become_text_and_missing_ids_are_assigned_after_existing_ones() {
    let text = r#"{"crm": {"Leads": [{"Last_Name": "A"}, {"id": 5000000000050, "Last_Name": "B"}]},
        "books": {"organization_id": 42, "contacts": [{"contact_name": "C", "contact_persons": [{"email": "p@q.r"}]}]}}"#;
    let saved: Value = serde_json::from_str(&Sandbox::from_json(text).unwrap().to_json()).unwrap();
    assert_eq!(saved["crm"]["Leads"][0]["id"], "5000000000051");
    assert_eq!(saved["crm"]["Leads"][1]["id"], "5000000000050");
    assert_eq!(saved["books"]["organization_id"], "42");
    assert_eq!(saved["books"]["contacts"][0]["contact_id"], "5000000000052");
    assert_eq!(
        saved["books"]["contacts"][0]["contact_persons"][0]["contact_person_id"],
        "5000000000053"
    );
}

#[test]
fn outbox_records_mail() {
    let mut sandbox = Sandbox::new();
    sandbox.record_mail(json!({"to": ["a@b.c"], "subject": "Hi"}));
    assert_eq!(sandbox.outbox().len(), 1);
    let saved: Value = serde_json::from_str(&sandbox.to_json()).unwrap();
    assert_eq!(saved["outbox"][0]["subject"], "Hi");
}

fn syntax_error(text: &str) -> (usize, usize, String) {
    match Sandbox::from_json(text) {
        Err(SandboxError::Syntax { line, column, message }) => (line, column, message),
        other => panic!("expected a syntax error for {text:?}, got {other:?}"),
    }
}

#[test]
fn malformed_state_reports_line_and_column() {
    let (line, column, message) =
        syntax_error("{\n  \"bigin\": {\n    \"Contacts\": [\n      {\"id\": 1,}\n    ]\n  }\n}");
    assert_eq!((line, column), (4, 16), "{message}");
    let (line, _, message) = syntax_error("{\n  \"bigin\": {\"Contacts\": \"oops\"}\n}");
    assert_eq!(line, 2);
    assert!(message.contains("invalid type"), "{message}");
    let (line, _, message) = syntax_error("{\"bigim\": {}}");
    assert_eq!(line, 1);
    assert!(message.contains("unknown field `bigim`"), "{message}");
    let (_, _, message) = syntax_error("{\"crm\": {\"Leads\": [], \"Leads\": []}}");
    assert!(message.contains("appears twice"), "{message}");
    let (_, _, message) = syntax_error("{\"books\": {\"organization_id\": true}}");
    assert!(message.contains("organization_id"), "{message}");
    let (_, _, message) = syntax_error("{\"crm\": {\"Leads\": [1]}}");
    assert!(message.contains("expected a map"), "{message}");
    for text in ["", "   ", "[]", "null", "{\"outbox\": {}}", "{\"bigin\": {\"Contacts\": [{]}}"] {
        syntax_error(text);
    }
    let display = Sandbox::from_json("{\n\n  x").unwrap_err().to_string();
    assert!(display.starts_with("line 3, column 3: "), "{display}");
}

#[test]
fn bad_ids_are_reported_by_path() {
    let error =
        Sandbox::from_json(r#"{"bigin": {"Contacts": [{"id": "1"}, {"id": [1]}]}}"#).unwrap_err();
    assert_eq!(
        error,
        SandboxError::Invalid {
            path: "bigin.Contacts[1].id".into(),
            message: "an id must be a text or a number".into()
        }
    );
    let person =
        Sandbox::from_json(r#"{"books": {"contacts": [{"contact_persons": ["x"]}]}}"#).unwrap_err();
    assert!(person.to_string().starts_with("books.contacts[0].contact_persons[0]: "), "{person}");
}
