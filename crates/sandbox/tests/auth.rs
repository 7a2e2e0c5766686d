//! Every request needs `Authorization: Zoho-oauthtoken <token issued for that service>`.

mod support;

use dg_sandbox::{Body, Request, Sandbox, Service};
use serde_json::json;
use support::{body, request};

const BIGIN_URL: &str = "https://www.zohoapis.com/bigin/v2/Contacts";
const CRM_URL: &str = "https://www.zohoapis.com/crm/v2/Leads";
const BOOKS_URL: &str = "https://books.zoho.com/api/v3/contacts";

fn invalid_token() -> serde_json::Value {
    json!({"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"})
}

#[test]
fn tokens_are_named_after_service_and_link() {
    let mut sandbox = Sandbox::new();
    assert_eq!(sandbox.issue_token("my_link", Service::Books), "sandbox-books-my_link");
}

#[test]
fn missing_unknown_and_wrong_service_tokens_are_refused() {
    let mut sandbox = Sandbox::new();
    let bigin = sandbox.issue_token("conn", Service::Bigin);
    for (url, token) in [
        (BIGIN_URL, None),
        (BIGIN_URL, Some("sandbox-bigin-other")),
        (CRM_URL, Some(bigin.as_str())),
    ] {
        let response = sandbox.handle(&request("GET", url, token, Body::None));
        assert_eq!(response.status, 401, "{url} {token:?}");
        assert_eq!(body(&response), invalid_token());
    }
    let books = sandbox.handle(&request("GET", BOOKS_URL, Some(&bigin), Body::None));
    assert_eq!(books.status, 401);
    assert_eq!(
        body(&books),
        json!({"code": 57, "message": "You are not authorized to perform this operation"})
    );
}

#[test]
fn header_name_and_scheme_are_case_insensitive_but_required() {
    let mut sandbox = Sandbox::new();
    let token = sandbox.issue_token("conn", Service::Crm);
    let mut send = |name: &str, value: String| {
        sandbox
            .handle(&Request {
                method: "get".into(),
                url: CRM_URL.into(),
                headers: vec![(name.into(), value)],
                body: Body::None,
            })
            .status
    };
    assert_eq!(send("authorization", format!("zoho-oauthtoken {token}")), 204);
    assert_eq!(send("Authorization", format!("Bearer {token}")), 401);
    assert_eq!(send("Authorization", token.clone()), 401);
    assert_eq!(send("X-Other", format!("Zoho-oauthtoken {token}")), 401);
}

#[test]
fn urls_no_fake_serves_get_a_404_naming_them() {
    let mut sandbox = Sandbox::new();
    let response =
        sandbox.handle(&request("DELETE", "https://api.example.com/x", None, Body::None));
    assert_eq!(response.status, 404);
    let error = body(&response);
    assert_eq!(error["code"], "SANDBOX_NO_ROUTE");
    assert!(error["message"].as_str().unwrap().contains("DELETE https://api.example.com/x"));
}
