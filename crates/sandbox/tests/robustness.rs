//! `handle` and the parsers never panic, whatever they are given.

mod support;

use dg_sandbox::{Body, MockRules, Request, Sandbox};
use support::Fixture;

const STATE: &str = r#"{"bigin": {"Contacts": [{"id": "1", "Last_Name": "A", "Lookup": {"id": "2"}}]},
  "crm": {"Leads": [{"id": "3", "Last_Name": "B", "Tags": [1, {"name": null}]}]},
  "books": {"contacts": [{"contact_id": "4", "contact_name": "C", "contact_persons": []}]}}"#;

fn urls() -> Vec<String> {
    let mut urls: Vec<String> = [
        "",
        " ",
        "not a url",
        "https://",
        "https://www.zohoapis.com",
        "https://www.zohoapis.com/",
        "https://www.zohoapis.com/bigin",
        "https://www.zohoapis.com/bigin/v9/Contacts",
        "https://www.zohoapis.com/crm/vX/Leads",
        "https://books.zoho.com/api",
        "https://books.zoho.com/api/v3",
        "https://books.zoho.com/api/v3/",
        "http://[::1]/crm/v2/Leads",
        "https://www.zohoapis.com/%FF%FE/v2",
        "https://www.zohoapis.com/bigin/v2/%00/%2F%2F",
    ]
    .iter()
    .map(|url| url.to_string())
    .collect();
    let bases = [
        "https://www.zohoapis.com/bigin/v2",
        "https://www.zohoapis.com.cn/crm/v2.1",
        "https://www.zohoapis.sa/books/v3",
        "https://books.zoho.jp/api/v3",
    ];
    let paths = [
        "/Contacts",
        "/Leads",
        "/contacts",
        "/invoices",
        "/Contacts/1",
        "/Leads/3",
        "/contacts/4",
        "/Contacts/search",
        "/Contacts/1/Accounts",
        "/Contacts/1/Nope",
        "/contacts/4/contactpersons",
        "/contacts/4/active",
        "/organizations",
        "/Contacts/%E2%9C%93",
        "/a/b/c/d/e",
        "/Contacts/../../etc",
        "/coql",
    ];
    let queries = [
        "",
        "?page=0",
        "?page=-1&per_page=99999999999999999999999",
        "?per_page=abc",
        "?page=18446744073709551615",
        "?criteria=",
        "?criteria=((((",
        "?criteria=(a:equals:b))))",
        "?criteria=(a:between:)",
        "?criteria=(Lookup:in:,,,)",
        "?criteria=(Tags:greater_than:NaN)",
        "?email=&phone=&word=",
        "?phone=%2B",
        "?ids=,,,",
        "?ids=1,1,1",
        "?fields=,,&sort_by=Tags&sort_order=desc",
        "?organization_id=",
        "?organization_id=%00",
        "?filter_by=Status.",
        "?filter_by=",
        "?search_text=%",
        "?JSONString=[",
        "?sort_column=contact_persons&sort_order=D",
        "?email_contains=&status=",
    ];
    for base in bases {
        for path in paths {
            for query in queries {
                urls.push(format!("{base}{path}{query}"));
            }
        }
    }
    urls
}

fn bodies() -> Vec<Body> {
    let texts = [
        "",
        "null",
        "[]",
        "{}",
        "{\"data\":null}",
        "{\"data\":{}}",
        "{\"data\":[]}",
        "{\"data\":[1,\"x\",null]}",
        "{\"data\":[{\"id\":[1]}]}",
        "{\"data\":[{\"id\":\"1\",\"Last_Name\":null}]}",
        "{\"contact_persons\":5}",
        "{\"contact_persons\":[1]}",
        "{\"contact_name\":\"\"}",
        "{\"JSONString\":7}",
        "JSONString=%7B",
        "\u{0}\u{ffff}",
        "{\"data\":[{\"Last_Name\":\"x\",\"Created_By\":{}}]}",
        "{\"select_query\":\"select Tags, Last_Name.x from Leads where Tags > 1 order by Tags\"}",
        "{\"select_query\":\"select Tags, COUNT(Tags), MAX(Tags), SUM(Tags) from Leads group by Tags\"}",
        "{\"select_query\":\"select id from Leads where (((( limit 1, 99999999999999999999\"}",
        "{\"select_query\":\"select id from Leads where Tags like '%%%' or Tags between 'a' and 1\"}",
        "{\"select_query\":[],\"include_meta\":{}}",
        "select_query=select+id+from+Leads",
    ];
    let mut bodies: Vec<Body> = texts.iter().map(|text| Body::Text(text.to_string())).collect();
    bodies.push(Body::None);
    bodies.push(Body::Form(Vec::new()));
    bodies.push(Body::Form(vec![(
        "JSONString".into(),
        "{\"contact_persons\":[{\"contact_person_id\":{}}]}".into(),
    )]));
    bodies.push(Body::Form(vec![("organization_id".into(), "nope".into())]));
    bodies.push(Body::Form(vec![("a".into(), "b".into())]));
    bodies
}

#[test]
fn handle_never_panics() {
    let mut fixture = Fixture::new(STATE);
    let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "", "get", "OPTIONS"];
    let urls = urls();
    let bodies = bodies();
    let mut count = 0usize;
    for (index, url) in urls.iter().enumerate() {
        let method = methods[index % methods.len()];
        for (body_index, body) in bodies.iter().enumerate() {
            let method =
                if body_index % 3 == 0 { method } else { methods[body_index % methods.len()] };
            let response = fixture.send(method, url, body.clone());
            assert!((100..600).contains(&response.status));
            if !response.body.is_empty() {
                serde_json::from_str::<serde_json::Value>(&response.text()).expect("JSON body");
            }
            count += 1;
        }
    }
    assert!(count > 10_000);
    // The state still saves and loads after all that.
    let saved = fixture.sandbox.to_json();
    assert_eq!(Sandbox::from_json(&saved).unwrap().to_json(), saved);
}

#[test]
fn odd_headers_never_panic() {
    let mut sandbox = Sandbox::from_json(STATE).unwrap();
    for value in
        ["", " ", "Zoho-oauthtoken", "Zoho-oauthtoken ", "\u{0}", "Zoho-oauthtoken\tx", "x y z"]
    {
        let request = Request {
            method: "GET".into(),
            url: "https://www.zohoapis.com/crm/v2/Leads".into(),
            headers: vec![("Authorization".into(), value.into()), ("".into(), "".into())],
            body: Body::None,
        };
        assert_eq!(sandbox.handle(&request).status, 401);
    }
}

#[test]
fn parsers_never_panic() {
    let inputs = [
        "",
        "{",
        "}",
        "[",
        "\"",
        "{\"bigin\":",
        "{\"bigin\":{\"X\":[{\"id\":1e400}]}}",
        "{\"rules\":[{\"url\":\"*\"}]}",
        "{\"books\":{\"organization_id\":\"\"}}",
        "{\"books\":{\"x\":[{\"x_id\":{}}]}}",
        "\u{feff}{}",
    ];
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for input in inputs.iter().copied().chain([deep.as_str()]) {
        let _ = Sandbox::from_json(input);
        let _ = MockRules::from_json(input);
    }
}
