//! CRM attachments: upload, list, download, delete, errors, and the state round trip.

mod support;

use dg_sandbox::{Body, Part, Sandbox};
use serde_json::{json, Value};
use support::{body, Fixture};

const LEAD: &str = "4876876000000700001";
const STATE: &str = r#"{"crm": {"Leads": [{"id": "4876876000000700001", "Last_Name": "Turing",
    "Full_Name": "Alan Turing"}]}}"#;

fn url(tail: &str) -> String {
    format!("https://www.zohoapis.com/crm/v2/Leads/{LEAD}/Attachments{tail}")
}

fn file_part(name: &str, content_type: &str, content: &[u8]) -> Body {
    Body::Multipart(vec![Part {
        name: "file".into(),
        file_name: Some(name.into()),
        content_type: Some(content_type.into()),
        content: content.to_vec(),
    }])
}

#[test]
fn upload_list_download_delete() {
    let mut f = Fixture::new(STATE);
    let up = f.send("POST", &url(""), file_part("q1.pdf", "application/pdf", b"%PDF-1.4 \xff"));
    assert_eq!(up.status, 200);
    let entry = &body(&up)["data"][0];
    assert_eq!(entry["code"], "SUCCESS");
    assert_eq!(entry["message"], "attachment uploaded successfully");
    let id = entry["details"]["id"].as_str().unwrap().to_string();
    assert_eq!(entry["details"]["Created_Time"], "2024-01-15T10:30:00+00:00");

    let list = body(&f.get(&url("")));
    assert_eq!(list["data"][0]["File_Name"], "q1.pdf");
    assert_eq!(list["data"][0]["Size"], "10");
    assert_eq!(list["data"][0]["Parent_Id"], json!({"name": "Alan Turing", "id": LEAD}));
    assert_eq!(list["data"][0]["$se_module"], "Leads");
    assert!(list["data"][0].get("content_base64").is_none());
    assert_eq!(list["info"]["count"], 1);

    let down = f.get(&url(&format!("/{id}")));
    assert_eq!(down.status, 200);
    assert_eq!(down.body, b"%PDF-1.4 \xff");
    assert_eq!(down.header("content-type"), Some("application/pdf"));
    assert_eq!(down.header("content-disposition"), Some("attachment; filename=\"q1.pdf\""));

    // The related-list route of another version and a lower-case module name work too.
    let v8 = format!("https://www.zohoapis.eu/crm/v8/leads/{LEAD}/attachments");
    assert_eq!(body(&f.get(&v8))["data"][0]["id"], id.as_str());

    let gone = f.send("DELETE", &url(&format!("/{id}")), Body::None);
    assert_eq!(body(&gone)["data"][0]["message"], "record deleted");
    assert_eq!(f.get(&url("")).status, 204);
    assert_eq!(body(&f.get(&url(&format!("/{id}"))))["code"], "INVALID_DATA");
}

#[test]
fn errors_are_zoho_shaped() {
    let mut f = Fixture::new(STATE);
    let missing = "https://www.zohoapis.com/crm/v2/Leads/999/Attachments";
    let r = f.send("POST", missing, file_part("a.txt", "text/plain", b"x"));
    assert_eq!(r.status, 400);
    assert_eq!(
        body(&r),
        json!({"code": "INVALID_DATA", "details": {"id": "999"},
               "message": "the related id given seems to be invalid", "status": "error"})
    );
    let r = f.send("POST", &url(""), Body::Text("{}".into()));
    assert_eq!((r.status, body(&r)["code"].clone()), (400, json!("REQUIRED_PARAM_MISSING")));
    let r = f.send("PUT", &url(""), Body::None);
    assert_eq!(body(&r)["code"], "INVALID_REQUEST_METHOD");
    let r = f.get("https://www.zohoapis.com/crm/v2/Nope/1/Attachments");
    assert_eq!(body(&r)["code"], "INVALID_MODULE");
    let r = f.send("DELETE", &url("/123"), Body::None);
    assert_eq!(body(&r)["message"], "the id given seems to be invalid");
    // Without a token: the usual 401.
    let r = f.sandbox.handle(&support::request("GET", &url(""), None, Body::None));
    assert_eq!(r.status, 401);
}

#[test]
fn files_over_100_mb_are_refused() {
    let mut f = Fixture::new(STATE);
    let big = vec![0u8; 100 * 1024 * 1024 + 1];
    let r = f.send("POST", &url(""), file_part("big.bin", "application/octet-stream", &big));
    assert_eq!((r.status, body(&r)["code"].clone()), (400, json!("FILE_SIZE_MORE_THAN_ALLOWED")));
}

#[test]
fn attachments_round_trip_through_the_state() {
    let mut f = Fixture::new(STATE);
    f.send("POST", &url(""), file_part("notes.txt", "text/plain", b"hello"));
    let saved = f.sandbox.to_json();
    let parsed: Value = serde_json::from_str(&saved).unwrap();
    let keys: Vec<&str> = parsed.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["bigin", "books", "crm", "crm_attachments", "outbox"]);
    let a = &parsed["crm_attachments"][0];
    assert_eq!(a["content_base64"], "aGVsbG8=");
    assert_eq!(a["content_type"], "text/plain");
    let again = Sandbox::from_json(&saved).unwrap();
    assert_eq!(again.to_json(), saved);
    // Ids handed out after loading stay above the attachment's id.
    let mut g = Fixture::new(&saved);
    let up = g.send("POST", &url(""), file_part("b.txt", "text/plain", b"b"));
    let new_id: u64 = body(&up)["data"][0]["details"]["id"].as_str().unwrap().parse().unwrap();
    assert!(new_id > a["id"].as_str().unwrap().parse::<u64>().unwrap());
}

#[test]
fn bad_attachments_in_the_state_are_reported_by_path() {
    let bad = r#"{"crm_attachments": [{"$se_module": "Leads", "Parent_Id": {"id": "1"},
        "File_Name": "a.txt", "content_base64": "@@"}]}"#;
    let err = Sandbox::from_json(bad).unwrap_err().to_string();
    assert!(err.starts_with("crm_attachments[0].content_base64: not valid Base64"), "{err}");
    let bad = r#"{"crm_attachments": [{"$se_module": "Leads", "File_Name": "a.txt"}]}"#;
    let err = Sandbox::from_json(bad).unwrap_err().to_string();
    assert!(err.starts_with("crm_attachments[0].Parent_Id.id"), "{err}");
    let bad = r#"{"crm_attachments": [7]}"#;
    assert!(Sandbox::from_json(bad).unwrap_err().to_string().contains("must be an object"));
}
