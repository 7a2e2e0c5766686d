//! The sandbox's Creator REST API v2 / v2.1: every route's answer and error envelope,
//! snapshotted from the creator_app fixture state.

use dg_sandbox::{Body, Request, Sandbox, Service};
use std::fmt::Write;

fn exchange(
    sandbox: &mut Sandbox,
    token: &str,
    method: &str,
    url: &str,
    body: Option<&str>,
) -> String {
    let response = sandbox.handle(&Request {
        method: method.into(),
        url: url.into(),
        headers: vec![("Authorization".into(), format!("Zoho-oauthtoken {token}"))],
        body: body.map_or(Body::None, |b| Body::Text(b.into())),
    });
    let shown = serde_json::from_str::<serde_json::Value>(&response.text())
        .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
        .unwrap_or(response.text().into_owned());
    let mut out = format!("{method} {url}\n");
    if let Some(b) = body {
        let _ = writeln!(out, "body: {b}");
    }
    let _ = writeln!(out, "→ {}\n{shown}\n", response.status);
    out
}

#[test]
fn creator_rest_responses() {
    let state = std::fs::read_to_string("fixtures/projects/creator_app/state.json").unwrap();
    let mut sandbox = Sandbox::from_json(&state).unwrap();
    let token = sandbox.issue_token("creator_conn", Service::Creator);
    let v2 = "https://creator.zoho.eu/api/v2/acme/orders_app";
    let api = "https://www.zohoapis.com/creator/v2/data/acme/orders_app";
    let v21 = "https://www.zohoapis.in/creator/v2.1/data/acme/orders_app";
    let mut out = String::new();
    let steps: Vec<(&str, String, Option<&str>)> = vec![
        (
            "GET",
            format!("{v2}/report/All_Orders?criteria=Status%20%3D%3D%20%22Open%22&from=2&limit=2"),
            None,
        ),
        ("GET", format!("{api}/report/Orders/4001"), None),
        ("GET", format!("{v21}/report/Customers_Report?criteria=Name.startsWith(%22G%22)"), None),
        (
            "POST",
            format!("{api}/form/Orders"),
            Some(r#"{"data":{"Customer":3002,"Amount":5,"Status":"New"}}"#),
        ),
        (
            "POST",
            format!("{api}/form/Orders"),
            Some(r#"{"data":[{"Customer":3001,"Amount":6},{"Colour":"red"}]}"#),
        ),
        (
            "PATCH",
            format!("{api}/report/All_Orders/4002"),
            Some(r#"{"data":{"Status":"Reopened"}}"#),
        ),
        (
            "PATCH",
            format!("{api}/report/All_Orders"),
            Some(r#"{"criteria":"Amount < 10","data":{"Status":"Small"}}"#),
        ),
        ("DELETE", format!("{api}/report/All_Orders?criteria=Status%3D%3D%22Small%22"), None),
        ("DELETE", format!("{api}/report/All_Orders/4003"), None),
        // errors
        ("GET", format!("{api}/report/All_Orders/999"), None),
        ("GET", format!("{api}/report/All_Orders?criteria=Amount%20%3E"), None),
        ("GET", format!("{api}/report/All_Orders?limit=500"), None),
        ("GET", format!("{api}/report/All_Orders?criteria=Colour%3D%3D1"), None),
        ("GET", format!("{api}/report/Nope"), None),
        (
            "GET",
            "https://www.zohoapis.com/creator/v2/data/someone/orders_app/report/All_Orders".into(),
            None,
        ),
        ("DELETE", format!("{api}/report/All_Orders"), None),
        ("POST", format!("{api}/form/Orders"), Some("not json")),
        ("PUT", format!("{api}/form/Orders"), None),
    ];
    for (method, url, body) in steps {
        out.push_str(&exchange(&mut sandbox, &token, method, &url, body));
    }
    out.push_str(&exchange(
        &mut sandbox,
        "wrong",
        "GET",
        &format!("{api}/report/All_Orders"),
        None,
    ));
    insta::assert_snapshot!(out);
}
