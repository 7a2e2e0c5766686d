//! The requests /work/shared/seed/bigin_books_sync.dg makes, in both branches: the Books
//! contact is missing (create) or present (update).

mod support;

use serde_json::{json, Value};
use support::{body, json_string_form, Fixture};

const BIGIN_CONTACT: &str = "https://www.zohoapis.com/bigin/v2/Contacts/4000000000100";
const BOOKS_SEARCH: &str = "https://books.zoho.com/api/v3/contacts?search_text=ada%40example.com";

fn state(books_contacts: Value) -> String {
    json!({
        "bigin": {"Contacts": [{
            "id": "4000000000100",
            "First_Name": "Ada",
            "Last_Name": "Lovelace",
            "Full_Name": "Ada Lovelace",
            "Email": "ada@example.com",
            "Phone": "+44 20 7946 0000",
            "Mobile": "+44 7700 900000"
        }]},
        "books": {"organization_id": "XXXXXXX", "contacts": books_contacts}
    })
    .to_string()
}

/// The Bigin read and Books search every run makes; returns the contact details map.
fn read_and_search(fixture: &mut Fixture) -> (Value, Value) {
    let bigin = fixture.get(BIGIN_CONTACT);
    assert_eq!(bigin.status, 200);
    let details = body(&bigin)["data"][0].clone();
    assert_eq!(details["Full_Name"], "Ada Lovelace");
    let search = fixture.get(BOOKS_SEARCH);
    assert_eq!(search.status, 200);
    (details, body(&search))
}

/// The contact map the seed builds (same keys, same order).
fn seed_contact(details: &Value) -> Value {
    let person = json!({
        "last_name": details["Full_Name"],
        "mobile": details["Mobile"],
        "phone": details["Phone"],
        "email": details["Email"],
        "is_primary_contact": true
    });
    json!({
        "contact_name": details["Full_Name"],
        "email": details["Email"],
        "phone": details["Phone"],
        "mobile": details["Mobile"],
        "contact_persons": [person]
    })
}

#[test]
fn missing_books_contact_is_created() {
    let mut fixture = Fixture::new(&state(json!([
        {"contact_id": "460000000001", "contact_name": "Grace Hopper", "email": "grace@example.com"}
    ])));
    let (details, search) = read_and_search(&mut fixture);
    assert_eq!(search["code"], 0);
    assert_eq!(search["contacts"], json!([]));
    assert_eq!(search["page_context"]["has_more_page"], false);

    let create = fixture.send(
        "POST",
        "https://books.zoho.com/api/v3/contacts?organization_id=XXXXXXX",
        json_string_form(&seed_contact(&details)),
    );
    assert_eq!(create.status, 201);
    let created = body(&create);
    assert_eq!(created["code"], 0);
    assert_eq!(created["message"], "The contact has been added.");
    let contact = &created["contact"];
    assert_eq!(contact["contact_id"], "5000000000001");
    assert_eq!(contact["contact_name"], "Ada Lovelace");
    assert_eq!(contact["created_time"], "2024-01-15T10:30:00+0000");

    let saved: Value = serde_json::from_str(&fixture.sandbox.to_json()).unwrap();
    let contacts = saved["books"]["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2);
    let ada = &contacts[1];
    assert_eq!(ada["email"], "ada@example.com");
    assert_eq!(ada["phone"], "+44 20 7946 0000");
    assert_eq!(ada["mobile"], "+44 7700 900000");
    let persons = ada["contact_persons"].as_array().unwrap();
    assert_eq!(persons.len(), 1);
    assert_eq!(persons[0]["contact_person_id"], "5000000000002");
    assert_eq!(persons[0]["is_primary_contact"], true);
    assert_eq!(persons[0]["last_name"], "Ada Lovelace");
    assert_eq!(ada["primary_contact_id"], "5000000000002");

    // A second search now finds the new contact.
    let again = body(&fixture.get(BOOKS_SEARCH));
    assert_eq!(again["contacts"][0]["contact_id"], "5000000000001");
}

#[test]
fn existing_books_contact_is_updated_and_others_untouched() {
    let grace = json!({"contact_id": "460000000001", "contact_name": "Grace Hopper",
        "email": "grace@example.com", "custom_note": "keep me"});
    let old_ada = json!({"contact_id": "460000000002", "contact_name": "A. Lovelace",
        "company_name": "Analytical Engines", "email": "ADA@example.com", "phone": "old",
        "contact_persons": [{"contact_person_id": "460000000003", "last_name": "Old",
            "is_primary_contact": true}]});
    let mut fixture = Fixture::new(&state(json!([grace.clone(), old_ada])));
    let (details, search) = read_and_search(&mut fixture);
    let found = search["contacts"].as_array().unwrap();
    assert_eq!(found.len(), 1, "search_text matches email case-insensitively");
    let id = found[0]["contact_id"].as_str().unwrap().to_string();
    assert_eq!(id, "460000000002");

    let url = format!("https://books.zoho.com/api/v3/contacts/{id}?organization_id=XXXXXXX");
    let update = fixture.send("PUT", &url, json_string_form(&seed_contact(&details)));
    assert_eq!(update.status, 200);
    let updated = body(&update);
    assert_eq!(updated["message"], "Contact information has been saved.");
    let contact = &updated["contact"];
    assert_eq!(contact["contact_name"], "Ada Lovelace");
    assert_eq!(contact["phone"], "+44 20 7946 0000");
    assert_eq!(contact["company_name"], "Analytical Engines", "fields not sent are kept");
    assert_eq!(contact["contact_persons"].as_array().unwrap().len(), 1);

    let saved: Value = serde_json::from_str(&fixture.sandbox.to_json()).unwrap();
    let contacts = saved["books"]["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2, "no contact was created");
    assert_eq!(contacts[0], grace, "the other contact is untouched");
    assert_eq!(contacts[1]["contact_name"], "Ada Lovelace");
}

#[test]
fn runs_are_reproducible() {
    let run = || {
        let mut fixture = Fixture::new(&state(json!([])));
        let (details, _) = read_and_search(&mut fixture);
        let url = "https://books.zoho.com/api/v3/contacts?organization_id=XXXXXXX";
        fixture.send("POST", url, json_string_form(&seed_contact(&details)));
        fixture.sandbox.to_json()
    };
    assert_eq!(run(), run());
}

#[test]
fn the_seed_placeholder_organization_is_refused_unless_the_state_uses_it() {
    let mut fixture = Fixture::new(&state(json!([])).replace("XXXXXXX", "10234695"));
    let response = fixture.send(
        "POST",
        "https://books.zoho.com/api/v3/contacts?organization_id=XXXXXXX",
        json_string_form(&json!({"contact_name": "X"})),
    );
    assert_eq!(response.status, 401);
    assert_eq!(
        body(&response),
        json!({"code": 6041, "message": "This user is not associated with the CompanyID/CompanyName:XXXXXXX."})
    );
}
