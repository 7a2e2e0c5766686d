//! Bigin and CRM record APIs: envelopes, search, writes, errors.

mod support;

use serde_json::{json, Value};
use support::{body, Fixture};

const BIGIN: &str = "https://www.zohoapis.com/bigin/v2";
const CRM: &str = "https://www.zohoapis.eu/crm/v2";

fn fixture() -> Fixture {
    Fixture::new(
        &json!({
            "bigin": {
                "Contacts": [
                    {"id": "100", "Last_Name": "Lovelace", "First_Name": "Ada", "Email": "ada@example.com",
                     "Phone": "+1 (555) 010-0001", "Account_Name": {"name": "Engines", "id": "900"}},
                    {"id": "101", "Last_Name": "Hopper", "Email": "grace@example.com", "Mobile": "555 0100 02"},
                    {"id": "102", "Last_Name": "Byron", "Email": "byron@example.com"}
                ],
                "Accounts": [{"id": "900", "Account_Name": "Engines"}]
            },
            "crm": {"Leads": [{"id": "200", "Last_Name": "Turing", "Company": "Bletchley"}]}
        })
        .to_string(),
    )
}

#[test]
fn get_by_id_is_wrapped_in_data() {
    let mut f = fixture();
    let response = f.get(&format!("{BIGIN}/Contacts/100"));
    assert_eq!(response.status, 200);
    assert_eq!(response.header("Content-Type"), Some("application/json;charset=UTF-8"));
    let data = body(&response)["data"].clone();
    assert_eq!(data.as_array().unwrap().len(), 1);
    assert_eq!(data[0]["Email"], "ada@example.com");
    let crm = body(&f.get(&format!("{CRM}/Leads/200")));
    assert_eq!(crm["data"][0]["Company"], "Bletchley");
}

#[test]
fn missing_record_is_204_no_content() {
    let mut f = fixture();
    for url in [format!("{BIGIN}/Contacts/999"), format!("{CRM}/Leads/999")] {
        let response = f.get(&url);
        assert_eq!((response.status, response.text().as_ref()), (204, ""), "{url}");
    }
}

#[test]
fn search_by_criteria_email_phone_word() {
    let mut f = fixture();
    let cases = [
        ("criteria=(Email:equals:ADA@example.com)", vec!["100"]),
        ("criteria=((Last_Name:starts_with:h)or(Last_Name:equals:Byron))", vec!["101", "102"]),
        ("criteria=(Account_Name.id:equals:900)", vec!["100"]),
        ("email=grace@example.com", vec!["101"]),
        ("phone=15550100001", vec!["100"]),
        ("phone=555010002", vec!["101"]),
        ("word=engines", vec!["100"]),
    ];
    for (query, ids) in cases {
        let response = f.get(&format!("{BIGIN}/Contacts/search?{query}"));
        assert_eq!(response.status, 200, "{query}");
        let found: Vec<Value> =
            body(&response)["data"].as_array().unwrap().iter().map(|r| r["id"].clone()).collect();
        assert_eq!(found, ids.iter().map(|id| json!(id)).collect::<Vec<_>>(), "{query}");
    }
    let info =
        body(&f.get(&format!("{BIGIN}/Contacts/search?email=ada@example.com")))["info"].clone();
    assert_eq!(info, json!({"per_page": 200, "count": 1, "page": 1, "more_records": false}));
}

#[test]
fn search_without_matches_is_204_and_bad_criteria_is_400() {
    let mut f = fixture();
    let none =
        f.get(&format!("{BIGIN}/Contacts/search?criteria=(Email:equals:nobody@example.com)"));
    assert_eq!((none.status, none.text().as_ref()), (204, ""));
    let bad = f.get(&format!("{BIGIN}/Contacts/search?criteria=(Email:like:x)"));
    assert_eq!(bad.status, 400);
    assert_eq!(body(&bad)["code"], "INVALID_QUERY");
    let missing = f.get(&format!("{BIGIN}/Contacts/search"));
    assert_eq!(body(&missing)["code"], "REQUIRED_PARAM_MISSING");
}

#[test]
fn list_pages_sorts_and_projects() {
    let mut f = fixture();
    let page = body(
        &f.get(&format!("{BIGIN}/Contacts?per_page=2&page=1&sort_by=Last_Name&fields=Last_Name")),
    );
    assert_eq!(
        page["data"],
        json!([{"id": "102", "Last_Name": "Byron"}, {"id": "101", "Last_Name": "Hopper"}])
    );
    assert_eq!(page["info"]["more_records"], true);
    let last = body(&f.get(&format!("{BIGIN}/Contacts?per_page=2&page=2")));
    assert_eq!(last["info"], json!({"per_page": 2, "count": 1, "page": 2, "more_records": false}));
    assert_eq!(f.get(&format!("{BIGIN}/Contacts?page=9")).status, 204);
    assert_eq!(f.get(&format!("{BIGIN}/Products")).status, 204, "empty known module");
    assert_eq!(body(&f.get(&format!("{BIGIN}/Contacts?per_page=0")))["code"], "INVALID_DATA");
}

#[test]
fn create_update_delete() {
    let mut f = fixture();
    let url = format!("{BIGIN}/Contacts");
    let created =
        f.send_json("POST", &url, json!({"data": [{"First_Name": "Alan", "Last_Name": "Turing"}]}));
    assert_eq!(created.status, 201);
    let entry = body(&created)["data"][0].clone();
    assert_eq!(entry["code"], "SUCCESS");
    assert_eq!(entry["message"], "record added");
    assert_eq!(entry["status"], "success");
    assert_eq!(entry["details"]["id"], "5000000000001");
    assert_eq!(entry["details"]["Created_Time"], "2024-01-15T10:30:00+00:00");
    assert_eq!(
        entry["details"]["Created_By"],
        json!({"name": "Sandbox User", "id": "5000000000000"})
    );
    let keys: Vec<&str> =
        entry["details"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["Modified_Time", "Modified_By", "Created_Time", "id", "Created_By"]);
    let stored = body(&f.get(&format!("{url}/5000000000001")))["data"][0].clone();
    assert_eq!(stored["Full_Name"], "Alan Turing");

    let updated = f.send_json(
        "PUT",
        &format!("{url}/5000000000001"),
        json!({"data": [{"Email": "alan@example.com"}]}),
    );
    assert_eq!(updated.status, 200);
    let entry = body(&updated)["data"][0].clone();
    assert_eq!(entry["message"], "record updated");
    assert_eq!(entry["details"]["Modified_Time"], "2024-01-15T10:30:01+00:00");

    let bulk = f.send_json(
        "PUT",
        &url,
        json!({"data": [{"id": "101", "Phone": "1"}, {"id": "nope", "Phone": "2"}]}),
    );
    assert_eq!(bulk.status, 207);
    let entries = body(&bulk)["data"].clone();
    assert_eq!(entries[0]["code"], "SUCCESS");
    assert_eq!(
        entries[1],
        json!({"code": "INVALID_DATA", "details": {"id": "nope"},
        "message": "the id given seems to be invalid", "status": "error"})
    );

    let deleted = f.send("DELETE", &format!("{url}?ids=101,102"), dg_sandbox::Body::None);
    assert_eq!(deleted.status, 200);
    assert_eq!(
        body(&deleted)["data"][1],
        json!({"code": "SUCCESS", "details": {"id": "102"},
        "message": "record deleted", "status": "success"})
    );
    assert_eq!(f.get(&format!("{url}/101")).status, 204);
    let again = f.send("DELETE", &format!("{url}/101"), dg_sandbox::Body::None);
    assert_eq!(again.status, 400);
}

#[test]
fn mandatory_fields_are_checked() {
    let mut f = fixture();
    let response =
        f.send_json("POST", &format!("{BIGIN}/Contacts"), json!({"data": [{"First_Name": "No"}]}));
    assert_eq!(response.status, 400);
    assert_eq!(
        body(&response)["data"][0],
        json!({"code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": "Last_Name"}, "message": "required field not found", "status": "error"})
    );
    let crm = f.send_json("POST", &format!("{CRM}/Deals"), json!({"data": [{"Deal_Name": "D"}]}));
    assert_eq!(body(&crm)["data"][0]["details"]["api_name"], "Stage");
}

#[test]
fn related_records_follow_lookups() {
    let mut f = fixture();
    let response = f.get(&format!("{BIGIN}/Accounts/900/Contacts"));
    assert_eq!(response.status, 200);
    assert_eq!(body(&response)["data"][0]["id"], "100");
    let missing = f.get(&format!("{BIGIN}/Accounts/1/Contacts"));
    assert_eq!(body(&missing)["message"], "the related id given seems to be invalid");
}

#[test]
fn unknown_modules_routes_and_bodies() {
    let mut f = fixture();
    let module = f.get(&format!("{BIGIN}/Widgets"));
    assert_eq!((module.status, body(&module)["code"].clone()), (400, json!("INVALID_MODULE")));
    let route = f.get(&format!("{CRM}/Leads/1/2/3"));
    assert_eq!(route.status, 404);
    assert_eq!(body(&route)["details"], json!({"method": "GET", "path": "/crm/v2/Leads/1/2/3"}));
    let not_json = f.send("POST", &format!("{CRM}/Leads"), dg_sandbox::Body::Text("{oops".into()));
    assert_eq!((not_json.status, body(&not_json)["code"].clone()), (400, json!("INVALID_DATA")));
    let no_data = f.send_json("POST", &format!("{CRM}/Leads"), json!({"Last_Name": "x"}));
    assert_eq!(body(&no_data)["code"], "MANDATORY_NOT_FOUND");
    let patch = f.send("PATCH", &format!("{CRM}/Leads"), dg_sandbox::Body::None);
    assert_eq!(body(&patch)["code"], "INVALID_REQUEST_METHOD");
}

#[test]
fn bigin_v1_and_deals_alias_reach_pipelines() {
    let mut f = fixture();
    let created = f.send_json(
        "POST",
        "https://www.zohoapis.in/bigin/v1/Deals",
        json!({"data": [{"Deal_Name": "Big", "Stage": "Qualification"}]}),
    );
    assert_eq!(created.status, 201);
    let saved: Value = serde_json::from_str(&f.sandbox.to_json()).unwrap();
    assert_eq!(saved["bigin"]["Pipelines"][0]["Deal_Name"], "Big");
}

#[test]
fn upsert_updates_duplicates_and_inserts_the_rest() {
    let mut f = fixture();
    let url = format!("{CRM}/Leads/upsert");
    let response = f.send_json(
        "POST",
        &url,
        json!({"data": [{"Last_Name": "Turing", "Company": "NPL"}, {"Last_Name": "Clarke", "Email": "j@c.uk"}],
               "duplicate_check_fields": ["Last_Name"]}),
    );
    assert_eq!(response.status, 200);
    let entries = body(&response)["data"].clone();
    assert_eq!(
        (entries[0]["action"].clone(), entries[0]["duplicate_field"].clone()),
        (json!("update"), json!("Last_Name"))
    );
    assert_eq!(entries[0]["details"]["id"], "200");
    assert_eq!(
        (entries[1]["action"].clone(), entries[1]["duplicate_field"].clone()),
        (json!("insert"), Value::Null)
    );
    assert_eq!(body(&f.get(&format!("{CRM}/Leads/200")))["data"][0]["Company"], "NPL");
    let by_email = f.send_json("POST", &url, json!({"data": [{"Email": "J@C.UK", "Phone": "1"}]}));
    assert_eq!(body(&by_email)["data"][0]["action"], "update", "Leads check Email by default");
    let missing = f.send_json("POST", &url, json!({"data": [{"Phone": "2"}]}));
    assert_eq!(body(&missing)["data"][0]["code"], "MANDATORY_NOT_FOUND");
}
