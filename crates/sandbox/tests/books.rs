//! Books v3: organizations, contacts, generic modules, errors.

mod support;

use dg_sandbox::Body;
use serde_json::{json, Value};
use support::{body, json_string_form, Fixture};

const BOOKS: &str = "https://www.zohoapis.com/books/v3";

fn fixture() -> Fixture {
    Fixture::new(
        &json!({"books": {"contacts": [
            {"contact_id": "1", "contact_name": "Acme Ltd", "company_name": "Acme", "email": "ops@acme.test", "status": "active"},
            {"contact_id": "2", "contact_name": "Globex", "email": "hi@globex.test", "status": "inactive"},
            {"contact_id": "3", "contact_name": "Zeta"}
        ]}})
        .to_string(),
    )
}

#[test]
fn default_organization_and_wrong_organization() {
    let mut f = fixture();
    let orgs = body(&f.get(&format!("{BOOKS}/organizations")));
    assert_eq!(orgs["organizations"][0]["organization_id"], "10234695");
    let ok = f.get(&format!("{BOOKS}/contacts?organization_id=10234695"));
    assert_eq!(ok.status, 200);
    let wrong = f.get(&format!("{BOOKS}/contacts/1?organization_id=999"));
    assert_eq!(wrong.status, 401);
    assert_eq!(
        body(&wrong),
        json!({"code": 6041, "message": "This user is not associated with the CompanyID/CompanyName:999."})
    );
}

#[test]
fn list_filters() {
    let mut f = fixture();
    let ids = |f: &mut Fixture, query: &str| -> Vec<Value> {
        let response = f.get(&format!("{BOOKS}/contacts?{query}"));
        assert_eq!(response.status, 200, "{query}");
        body(&response)["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["contact_id"].clone())
            .collect()
    };
    assert_eq!(ids(&mut f, "search_text=ACME"), [json!("1")]);
    assert_eq!(ids(&mut f, "search_text=globex.TEST"), [json!("2")]);
    assert_eq!(ids(&mut f, "email=HI@globex.test"), [json!("2")]);
    assert_eq!(ids(&mut f, "contact_name_startswith=glo"), [json!("2")]);
    // `field=value` is equality ignoring case (docs/sandbox.md), not a substring match: part
    // of an address, a prefix or a longer text finds nothing.
    assert_eq!(ids(&mut f, "email=globex.test"), Vec::<Value>::new());
    assert_eq!(ids(&mut f, "email=hi@globex"), Vec::<Value>::new());
    assert_eq!(ids(&mut f, "email=hi@globex.test.org"), Vec::<Value>::new());
    assert_eq!(ids(&mut f, "contact_name=Acme"), Vec::<Value>::new());
    assert_eq!(ids(&mut f, "contact_name=acme LTD"), [json!("1")]);
    assert_eq!(ids(&mut f, "company_name_contains=CM"), [json!("1")]);
    assert_eq!(ids(&mut f, "contact_name_startswith=ltd"), Vec::<Value>::new());
    assert_eq!(
        ids(&mut f, "filter_by=Status.Active"),
        [json!("1"), json!("3")],
        "no status = active"
    );
    assert_eq!(ids(&mut f, "filter_by=Status.Inactive"), [json!("2")]);
    assert_eq!(
        ids(&mut f, "filter_by=Status.All&sort_column=contact_name&sort_order=D"),
        [json!("3"), json!("2"), json!("1")]
    );
    assert_eq!(ids(&mut f, "per_page=1&page=2"), [json!("2")]);
    assert_eq!(ids(&mut f, "unknown_param=1"), [json!("1"), json!("2"), json!("3")]);
    let listed = body(&f.get(&format!("{BOOKS}/contacts?per_page=1")));
    assert_eq!(listed["page_context"]["has_more_page"], true);
    assert_eq!(listed["page_context"]["per_page"], 1);

    let bad = f.get(&format!("{BOOKS}/contacts?filter_by=Status.Sideways"));
    assert_eq!(bad.status, 400);
    assert_eq!(body(&bad), json!({"code": 2, "message": "Invalid value passed for filter_by"}));
}

#[test]
fn module_paths_ignore_case() {
    let mut f =
        Fixture::new(r#"{"books": {"Contacts": [{"contact_id": "1", "contact_name": "A"}]}}"#);
    let listed = body(&f.get(&format!("{BOOKS}/Contacts")));
    assert_eq!(listed["contacts"][0]["contact_id"], "1");
    let saved: Value = serde_json::from_str(&f.sandbox.to_json()).unwrap();
    assert!(saved["books"]["contacts"].is_array(), "module keys are lower-cased on load");
}

#[test]
fn get_and_missing_contact() {
    let mut f = fixture();
    let found = body(&f.get(&format!("{BOOKS}/contacts/1")));
    assert_eq!((found["code"].clone(), found["message"].clone()), (json!(0), json!("success")));
    assert_eq!(found["contact"]["contact_name"], "Acme Ltd");
    let missing = f.get(&format!("{BOOKS}/contacts/404"));
    assert_eq!(missing.status, 404);
    assert_eq!(body(&missing), json!({"code": 1002, "message": "Contact does not exist."}));
}

#[test]
fn create_from_json_body_and_duplicate_names() {
    let mut f = fixture();
    let url = format!("{BOOKS}/contacts");
    let created = f.send_json(
        "POST",
        &url,
        json!({"contact_name": "Initech", "contact_persons": [
        {"first_name": "Bill"}, {"first_name": "Peter", "is_primary_contact": true}]}),
    );
    assert_eq!(created.status, 201);
    let contact = body(&created)["contact"].clone();
    assert_eq!(contact["status"], "active");
    assert_eq!(contact["contact_type"], "customer");
    assert_eq!(contact["contact_persons"][0]["is_primary_contact"], false);
    assert_eq!(contact["primary_contact_id"], contact["contact_persons"][1]["contact_person_id"]);

    let duplicate = f.send("POST", &url, json_string_form(&json!({"contact_name": "acme ltd"})));
    assert_eq!((duplicate.status, body(&duplicate)["code"].clone()), (400, json!(3062)));
    let unnamed = f.send("POST", &url, json_string_form(&json!({"email": "x@y.z"})));
    assert_eq!(
        body(&unnamed),
        json!({"code": 2, "message": "Invalid value passed for contact_name"})
    );
    let broken = f.send("POST", &url, Body::Form(vec![("JSONString".into(), "{not json".into())]));
    assert_eq!(body(&broken)["message"], "Invalid value passed for JSONString");
    let urlencoded = f.send(
        "POST",
        &url,
        Body::Text("JSONString=%7B%22contact_name%22%3A%22Umbrella%22%7D".into()),
    );
    assert_eq!(urlencoded.status, 201);
}

#[test]
fn update_merges_contact_persons_by_id() {
    let mut f = fixture();
    let url = format!("{BOOKS}/contacts");
    let created = body(&f.send(
        "POST",
        &url,
        json_string_form(&json!({"contact_name": "Hooli",
        "contact_persons": [{"first_name": "Gavin", "phone": "1"}]})),
    ));
    let id = created["contact"]["contact_id"].as_str().unwrap().to_string();
    let person_id = created["contact"]["contact_persons"][0]["contact_person_id"].clone();
    let update = json!({"contact_persons": [{"contact_person_id": person_id, "phone": "2"}, {"first_name": "Richard"}]});
    let updated = body(&f.send("PUT", &format!("{url}/{id}"), json_string_form(&update)));
    let persons = updated["contact"]["contact_persons"].as_array().unwrap().clone();
    assert_eq!(persons.len(), 2);
    assert_eq!(persons[0]["first_name"], "Gavin", "known person merged");
    assert_eq!(persons[0]["phone"], "2");
    assert_eq!(persons[0]["is_primary_contact"], true);
    assert_eq!(updated["contact"]["contact_name"], "Hooli");
    let none = f.send("PUT", &format!("{url}/777"), json_string_form(&json!({"phone": "1"})));
    assert_eq!(none.status, 404);
}

#[test]
fn generic_modules_and_delete() {
    let mut f = Fixture::new("{}");
    let url = format!("{BOOKS}/invoices");
    let created =
        f.send_json("POST", &url, json!({"customer_id": "1", "line_items": [{"rate": 10}]}));
    assert_eq!(created.status, 201);
    let invoice = body(&created);
    assert_eq!(invoice["message"], "The invoice has been created.");
    assert_eq!(invoice["invoice"]["invoice_number"], "INV-000001");
    assert_eq!(invoice["invoice"]["status"], "draft");
    let id = invoice["invoice"]["invoice_id"].as_str().unwrap().to_string();
    let listed = body(&f.get(&url));
    assert_eq!(listed["invoices"][0]["invoice_id"], id.as_str());
    let saved = body(&f.send_json("PUT", &format!("{url}/{id}"), json!({"status": "sent"})));
    assert_eq!(saved["message"], "Invoice information has been saved.");
    let sent = body(&f.send("POST", &format!("{url}/{id}/status/sent"), Body::None));
    assert_eq!(sent, json!({"code": 0, "message": "Invoice status has been changed to Sent."}));
    assert_eq!(body(&f.get(&format!("{url}/{id}")))["invoice"]["status"], "sent");
    let deleted = body(&f.send("DELETE", &format!("{url}/{id}"), Body::None));
    assert_eq!(deleted, json!({"code": 0, "message": "The invoice has been deleted."}));
    assert_eq!(f.get(&format!("{url}/{id}")).status, 404);
    let payment = body(&f.send_json(
        "POST",
        &format!("{BOOKS}/customerpayments"),
        json!({"customer_id": "1"}),
    ));
    assert!(payment["payment"]["payment_id"].is_string());
}

#[test]
fn unknown_paths_name_method_and_path() {
    let mut f = fixture();
    let response = f.send("PATCH", "https://books.zoho.eu/api/v3/widgets/1", Body::None);
    assert_eq!(response.status, 404);
    let error = body(&response);
    assert_eq!(error["code"], 5);
    assert_eq!(error["details"], json!({"method": "PATCH", "path": "/api/v3/widgets/1"}));
    let active = f.send("POST", &format!("{BOOKS}/contacts/2/active"), Body::None);
    assert_eq!(
        body(&active),
        json!({"code": 0, "message": "The contact has been marked as active."})
    );
}
