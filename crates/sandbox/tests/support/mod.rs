//! Helpers shared by the integration tests.
#![allow(dead_code)]

use dg_sandbox::{Body, Request, Response, Sandbox, Service};
use serde_json::Value;

/// A sandbox from `state` with one token per service, as the CLI would set it up.
pub struct Fixture {
    pub sandbox: Sandbox,
    pub bigin: String,
    pub books: String,
    pub crm: String,
}

impl Fixture {
    pub fn new(state: &str) -> Fixture {
        let mut sandbox = Sandbox::from_json(state).expect("state parses");
        let bigin = sandbox.issue_token("bigin_conn", Service::Bigin);
        let books = sandbox.issue_token("books_conn", Service::Books);
        let crm = sandbox.issue_token("crm_conn", Service::Crm);
        Fixture { sandbox, bigin, books, crm }
    }

    /// Sends a request with the token of the service the URL belongs to.
    pub fn send(&mut self, method: &str, url: &str, body: Body) -> Response {
        let token = match Sandbox::service_for_url(url) {
            Some(Service::Bigin) => self.bigin.clone(),
            Some(Service::Books) => self.books.clone(),
            Some(Service::Crm) => self.crm.clone(),
            Some(Service::Creator) | None => String::new(),
        };
        self.sandbox.handle(&request(method, url, Some(&token), body))
    }

    pub fn get(&mut self, url: &str) -> Response {
        self.send("GET", url, Body::None)
    }

    /// Sends `json` as a raw JSON body.
    pub fn send_json(&mut self, method: &str, url: &str, json: Value) -> Response {
        self.send(method, url, Body::Text(json.to_string()))
    }
}

pub fn request(method: &str, url: &str, token: Option<&str>, body: Body) -> Request {
    let headers = token
        .map(|token| vec![("Authorization".to_string(), format!("Zoho-oauthtoken {token}"))])
        .unwrap_or_default();
    Request { method: method.to_string(), url: url.to_string(), headers, body }
}

/// The response body as JSON (panics with the body when it is not JSON).
pub fn body(response: &Response) -> Value {
    serde_json::from_str(&response.text())
        .unwrap_or_else(|err| panic!("not JSON ({err}): {:?}", response.text()))
}

/// A form body with one `JSONString` field, as Deluge sends `parameters: {"JSONString": …}`.
pub fn json_string_form(json: &Value) -> Body {
    Body::Form(vec![("JSONString".to_string(), json.to_string())])
}
