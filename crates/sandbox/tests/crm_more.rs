//! CRM beyond records: org variables, lead conversion, related-record links, converted
//! leads in lists, trigger lists, SalesIQ sessions, and the methods `dg test` uses.

mod support;

use dg_sandbox::{Body, Sandbox};
use serde_json::{json, Value};
use support::{body, Fixture};

const CRM: &str = "https://www.zohoapis.com/crm/v2";

fn fixture() -> Fixture {
    Fixture::new(
        &json!({
            "crm": {
                "Leads": [
                    {"id": "200", "First_Name": "Alan", "Last_Name": "Turing", "Company": "Bletchley",
                     "Email": "alan@example.com", "Lead_Source": "Web Site", "Designation": "Analyst"},
                    {"id": "201", "Last_Name": "Hopper", "Email": "grace@example.com"}
                ],
                "Accounts": [{"id": "300", "Account_Name": "Existing Co"}],
                "Campaigns": [{"id": "400", "Campaign_Name": "Webinar"}],
                "org_variables": {"api_key": "k-1", "cap": 15, "on": true}
            }
        })
        .to_string(),
    )
}

#[test]
fn org_variables_are_listed_and_found_by_name() {
    let mut f = fixture();
    let all = body(&f.get(&format!("{CRM}/settings/variables")));
    let vars = all["variables"].as_array().unwrap();
    assert_eq!(vars.len(), 3);
    assert_eq!(vars[0]["api_name"], "api_key");
    assert_eq!(vars[0]["value"], "k-1");
    assert_eq!(vars[1]["type"], "integer");
    assert_eq!(vars[2]["type"], "checkbox");
    let one = body(&f.get(&format!("{CRM}/settings/variables/CAP")));
    assert_eq!(one["variables"][0]["value"], 15);
    assert_eq!(f.get(&format!("{CRM}/settings/variables/nope")).status, 204);
    let r = f.send_json("POST", &format!("{CRM}/settings/variables"), json!({}));
    assert_eq!(body(&r)["code"], "INVALID_REQUEST_METHOD");
    assert_eq!(f.get(&format!("{CRM}/settings/variables/a/b")).status, 404);
    // They are saved with the state and read back.
    let again = Sandbox::from_json(&f.sandbox.to_json()).unwrap();
    assert_eq!(again.to_json(), f.sandbox.to_json());
    assert!(f.sandbox.to_json().contains("\"org_variables\""));
}

#[test]
fn bad_org_variables_and_relations_are_state_errors() {
    for state in [
        json!({"crm": {"org_variables": []}}),
        json!({"crm": {"org_variables": {"x": {"nested": 1}}}}),
        json!({"crm": {"relations": {}}}),
        json!({"crm": {"relations": [{"parent_module": "Leads"}]}}),
        json!({"salesiq": {"visitor": 3}}),
        json!({"salesiq": {"sessions": {"v": 1}}}),
    ] {
        assert!(Sandbox::from_json(&state.to_string()).is_err(), "{state}");
    }
}

#[test]
fn convert_lead_creates_contact_account_and_deal() {
    let mut f = fixture();
    let url = format!("{CRM}/Leads/200/actions/convert");
    let deal = json!({"Deal_Name": "Bombe", "Stage": "Qualification", "Amount": 100});
    let r = f.send_json("POST", &url, json!({"data": [{"Deals": deal, "assign_to": "77"}]}));
    assert_eq!(r.status, 200);
    let ids = body(&r)["data"][0].clone();
    let (contact, account, deal) = (
        ids["Contacts"].as_str().unwrap().to_string(),
        ids["Accounts"].as_str().unwrap().to_string(),
        ids["Deals"].as_str().unwrap().to_string(),
    );
    let c = body(&f.get(&format!("{CRM}/Contacts/{contact}")))["data"][0].clone();
    assert_eq!(c["Full_Name"], "Alan Turing");
    assert_eq!(c["Title"], "Analyst");
    assert_eq!(c["Account_Name"], json!({"name": "Bletchley", "id": account}));
    assert_eq!(c["Owner"], json!({"id": "77"}));
    let d = body(&f.get(&format!("{CRM}/Deals/{deal}")))["data"][0].clone();
    assert_eq!(d["Contact_Name"]["id"], contact.as_str());
    assert_eq!(d["Lead_Source"], "Web Site");
    // The lead is flagged, hidden from lists and searches unless asked for.
    let lead = body(&f.get(&format!("{CRM}/Leads/200")))["data"][0].clone();
    assert_eq!(lead["$converted"], true);
    assert_eq!(body(&f.get(&format!("{CRM}/Leads")))["data"].as_array().unwrap().len(), 1);
    let converted = body(&f.get(&format!("{CRM}/Leads?converted=true")));
    assert_eq!(converted["data"][0]["id"], "200");
    assert_eq!(f.get(&format!("{CRM}/Leads/search?email=alan@example.com")).status, 204);
    let both = f.get(&format!("{CRM}/Leads/search?email=alan@example.com&converted=both"));
    assert_eq!(both.status, 200);
    assert_eq!(body(&f.get(&format!("{CRM}/Leads?converted=maybe")))["code"], "INVALID_DATA");
    // Converting again is an error entry.
    let again = f.send_json("POST", &url, json!({"data": [{}]}));
    assert_eq!(
        (again.status, body(&again)["data"][0]["code"].clone()),
        (400, json!("ID_ALREADY_CONVERTED"))
    );
}

#[test]
fn convert_lead_links_existing_records_and_checks_input() {
    let mut f = fixture();
    let url = format!("{CRM}/Leads/201/actions/convert");
    // An unknown account id, a deal without its mandatory fields: nothing is created.
    for options in
        [json!({"Accounts": "999"}), json!({"Deals": {"Deal_Name": "x"}}), json!({"Deals": 3})]
    {
        let r = f.send_json("POST", &url, json!({"data": [options]}));
        assert_eq!(r.status, 400, "{options}");
    }
    assert_eq!(f.get(&format!("{CRM}/Contacts")).status, 204);
    let r = f.send_json(
        "POST",
        &url,
        json!({"data": [{"Accounts": {"id": "300"}, "overwrite": true}]}),
    );
    let ids = body(&r)["data"][0].clone();
    assert_eq!(ids["Accounts"], "300");
    let c = body(&f.get(&format!("{CRM}/Contacts/{}", ids["Contacts"].as_str().unwrap())));
    assert_eq!(c["data"][0]["Account_Name"], json!({"name": "Existing Co", "id": "300"}));
    // Unknown lead, wrong method.
    let r = f.send_json("POST", &format!("{CRM}/Leads/1/actions/convert"), json!({"data": [{}]}));
    assert_eq!(body(&r)["data"][0]["code"], "INVALID_DATA");
    let r = f.get(&format!("{CRM}/Leads/200/actions/convert"));
    assert_eq!(body(&r)["code"], "INVALID_REQUEST_METHOD");
}

#[test]
fn related_links_carry_their_fields_both_ways() {
    let mut f = fixture();
    let r = f.send_json(
        "PUT",
        &format!("{CRM}/Leads/201/Campaigns/400"),
        json!({"data": [{"Member_Status": "Invited"}]}),
    );
    assert_eq!(body(&r)["data"][0]["message"], "relation updated");
    let members = body(&f.get(&format!("{CRM}/Campaigns/400/Leads")));
    assert_eq!(members["data"][0]["id"], "201");
    assert_eq!(members["data"][0]["Member_Status"], "Invited");
    let campaigns = body(&f.get(&format!("{CRM}/Leads/201/Campaigns")));
    assert_eq!(campaigns["data"][0]["Campaign_Name"], "Webinar");
    // Updating again merges; a body-less PUT links; bad ids are per-entry errors.
    let r = f.send_json(
        "PUT",
        &format!("{CRM}/Campaigns/400/Leads"),
        json!({"data": [{"id": "201", "Member_Status": "Attended"}, {"id": "999"}]}),
    );
    assert_eq!(r.status, 207);
    let members = body(&f.get(&format!("{CRM}/Campaigns/400/Leads")));
    assert_eq!(members["data"][0]["Member_Status"], "Attended");
    let r = f.send("PUT", &format!("{CRM}/Leads/200/Campaigns/400"), Body::None);
    assert_eq!(r.status, 200);
    assert!(f.sandbox.to_json().contains("\"relations\""));
    let r = f.send("DELETE", &format!("{CRM}/Campaigns/400/Leads?ids=201,200"), Body::None);
    assert_eq!(r.status, 200);
    assert_eq!(f.get(&format!("{CRM}/Campaigns/400/Leads")).status, 204);
    for (url, code) in [
        (format!("{CRM}/Leads/999/Campaigns/400"), "INVALID_DATA"),
        (format!("{CRM}/Leads/201/Nothing/400"), "INVALID_DATA"),
        (format!("{CRM}/Leads/201/Campaigns"), "REQUIRED_PARAM_MISSING"),
    ] {
        let method = if url.ends_with("Campaigns") { "DELETE" } else { "PUT" };
        let r = f.send(method, &url, Body::None);
        assert_eq!(body(&r)["code"], code, "{url}");
    }
}

#[test]
fn trigger_lists_and_sort_order_are_checked() {
    let mut f = fixture();
    let ok = f.send_json(
        "POST",
        &format!("{CRM}/Leads"),
        json!({"data": [{"Last_Name": "A"}], "trigger": ["workflow", "approval"]}),
    );
    assert_eq!(ok.status, 201);
    let none = f.send_json(
        "POST",
        &format!("{CRM}/Leads"),
        json!({"data": [{"Last_Name": "B"}], "trigger": []}),
    );
    assert_eq!(none.status, 201);
    for trigger in [json!("workflow"), json!(["workflows"]), json!([1])] {
        let r = f.send_json(
            "POST",
            &format!("{CRM}/Leads"),
            json!({"data": [{"Last_Name": "C"}], "trigger": trigger}),
        );
        assert_eq!((r.status, body(&r)["details"]["api_name"].clone()), (400, json!("trigger")));
    }
    let r = f.get(&format!("{CRM}/Leads?sort_by=Last_Name&sort_order=DESC"));
    assert_eq!(body(&r)["details"]["param"], "sort_order");
    let r = f.get(&format!("{CRM}/Leads?sort_by=Last_Name&sort_order=desc&per_page=1&page=1"));
    let b = body(&r);
    assert_eq!(b["data"][0]["Last_Name"], "Turing");
    assert_eq!(b["info"]["more_records"], true);
}

#[test]
fn record_methods_for_triggers() {
    let mut f = fixture();
    let s = &mut f.sandbox;
    assert_eq!(s.crm_module("deals").as_deref(), Some("Deals"));
    assert_eq!(s.crm_module("Nope"), None);
    let id =
        s.crm_insert("Deals", &json!({"Deal_Name": "D", "Stage": "S", "id": "ignored"})).unwrap();
    assert_ne!(id, "ignored");
    assert!(s
        .crm_insert("Deals", &json!({"Deal_Name": "no stage"}))
        .unwrap_err()
        .contains("Stage"));
    s.crm_update("Deals", &id, &json!({"Amount": 5})).unwrap();
    assert_eq!(s.crm_record("Deals", &id).unwrap()["Amount"], 5);
    s.crm_insert_with_id("Leads", "9000000000000000001", &json!({"Last_Name": "X"})).unwrap();
    assert!(s.crm_record("Leads", "9000000000000000001").is_some());
    let next = s.crm_insert("Leads", &json!({"Last_Name": "Y"})).unwrap();
    assert!(next.parse::<u64>().unwrap() > 9_000_000_000_000_000_001);
    assert_eq!(s.crm_delete("Deals", &id).unwrap()["Deal_Name"], "D");
    assert!(s.crm_delete("Deals", &id).is_err());
    assert!(s.crm_update("Nope", "1", &json!({})).unwrap_err().contains("no module"));
}

#[test]
fn visitor_sessions() {
    let mut s =
        Sandbox::from_json(r#"{"salesiq": {"visitor": "v2", "sessions": {"v2": {"size": "M"}}}}"#)
            .unwrap();
    assert_eq!(s.visitor(), "v2");
    assert_eq!(s.visitor_session_get("size"), Some(Value::from("M")));
    let mut values = serde_json::Map::new();
    values.insert("email".into(), Value::from("a@b.c"));
    s.visitor_session_set(&values);
    assert_eq!(s.visitor_session_get("email"), Some(Value::from("a@b.c")));
    assert!(s.to_json().contains("\"salesiq\""));
    assert!(!Sandbox::new().to_json().contains("salesiq"));
    let mut fresh = Sandbox::new();
    assert_eq!(fresh.visitor(), dg_sandbox::DEFAULT_VISITOR);
    fresh.visitor_session_set(&values);
    assert!(fresh.to_json().contains("visitor-1"));
}
