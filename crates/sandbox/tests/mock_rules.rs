//! Mock rules for URLs the fakes do not serve.

use dg_sandbox::{Body, MockRules, Request, SandboxError};

fn request(method: &str, url: &str) -> Request {
    Request { method: method.into(), url: url.into(), headers: Vec::new(), body: Body::None }
}

const RULES: &str = r#"{"rules": [
  {"method": "POST", "url": "https://api.example.com/v1/orders", "status": 201, "body": {"id": 7}},
  {"method": "GET", "url": "https://api.example.com/v1/once", "body": "first", "times": 1},
  {"url": "https://api.example.com/v1/*", "headers": {"X-Mock": "yes", "Content-Type": "application/json"}, "body": {"ok": true}},
  {"url": "https://search.example.com/q?term=*", "status": 404}
]}"#;

#[test]
fn first_matching_rule_answers() {
    let rules = MockRules::from_json(RULES).unwrap();
    assert_eq!(rules.len(), 4);
    let created = rules.respond(&request("post", "https://api.example.com/v1/orders")).unwrap();
    assert_eq!((created.status, created.text().as_ref()), (201, r#"{"id":7}"#));
    assert_eq!(created.header("content-type"), Some("application/json"));

    let other = rules.respond(&request("GET", "https://api.example.com/v1/orders?page=2")).unwrap();
    assert_eq!((other.status, other.text().as_ref()), (200, r#"{"ok":true}"#));
    assert_eq!(other.header("x-mock"), Some("yes"));
    assert_eq!(other.headers.len(), 2, "no second content-type is added");

    assert!(rules.respond(&request("GET", "https://api.example.com/v2/x")).is_none());
    assert_eq!(
        rules.respond(&request("GET", "https://search.example.com/q?term=x")).unwrap().status,
        404
    );
    assert!(rules.respond(&request("GET", "https://search.example.com/q")).is_none());
}

#[test]
fn times_limits_a_rule() {
    let rules = MockRules::from_json(RULES).unwrap();
    let url = "https://api.example.com/v1/once";
    let first = rules.respond(&request("GET", url)).unwrap();
    assert_eq!(first.text(), "first");
    assert_eq!(first.header("content-type"), Some("text/plain"));
    let second = rules.respond(&request("GET", url)).unwrap();
    assert_eq!(
        second.text(),
        r#"{"ok":true}"#,
        "the wildcard rule answers after the first is used up"
    );
}

#[test]
fn bad_rule_files_are_reported() {
    match MockRules::from_json("{\"rules\": [\n {\"url\": 5}\n]}") {
        Err(SandboxError::Syntax { line, .. }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
    let status = MockRules::from_json(r#"{"rules": [{"url": "x", "status": 999}]}"#).unwrap_err();
    assert_eq!(status.to_string(), "rules[0]: status must be between 100 and 599");
    for text in [
        "",
        "{}",
        r#"{"rules": [{}]}"#,
        r#"{"rules": [{"url": "x", "extra": 1}]}"#,
        r#"{"rules": [{"url": "x", "headers": {"a": 1}}]}"#,
        r#"{"rules": [{"url": "x", "times": -1}]}"#,
    ] {
        assert!(MockRules::from_json(text).is_err(), "{text}");
    }
    assert!(MockRules::from_json(r#"{"rules": []}"#).unwrap().is_empty());
}

#[test]
fn binary_bodies_from_base64() {
    let rules = MockRules::from_json(
        r#"{"rules": [{"url": "https://files.example.com/a.pdf", "body_base64": "JVBE\nRi0="}]}"#,
    )
    .unwrap();
    let r = rules.respond(&request("GET", "https://files.example.com/a.pdf")).unwrap();
    assert_eq!(r.body, b"%PDF-");
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    for (rules, message) in [
        (r#"{"rules": [{"url": "x", "body_base64": "@@"}]}"#, "body_base64 is not valid Base64"),
        (r#"{"rules": [{"url": "x", "body": "a", "body_base64": "YQ=="}]}"#, "not both"),
    ] {
        let err = MockRules::from_json(rules).unwrap_err().to_string();
        assert!(err.starts_with("rules[0]: ") && err.contains(message), "{err}");
    }
}
