//! Authorization flows end to end against the loopback fake server.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::common::{clock, Fake, CLIENT_ID, CLIENT_SECRET, NOW};
use dg_connections::{
    AuthState, ConnectionError, LoopbackListener, NewConnection, OutgoingRequest, Registry,
    SecretString,
};

fn oauth_conn(link: &str, service: &str) -> NewConnection {
    NewConnection {
        link: link.into(),
        service: service.into(),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(SecretString::from(CLIENT_SECRET)),
        ..Default::default()
    }
}

/// Plays the browser: GET the authorization URL and follow the redirect to the loopback
/// listener.
fn browse(url: dg_connections::Url) -> tokio::task::JoinHandle<u16> {
    tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status().as_u16()).unwrap_or(0) })
}

#[tokio::test]
async fn authorization_code_with_pkce_end_to_end() {
    let fake = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    reg.add_service_toml(
        &fake.oauth_service("fake", "authorization_code", "post"),
        Path::new("fake.toml"),
    )
    .unwrap();
    reg.add_connection(oauth_conn("fake_conn", "fake")).unwrap();

    let listener = LoopbackListener::bind(0).await.unwrap();
    let pending = reg.start_authorization("fake_conn", listener.redirect_uri()).unwrap();
    assert!(pending.url.as_str().contains("code_challenge="));
    assert!(pending.url.as_str().contains("scope=read"));
    let browser = browse(pending.url.clone());
    let redirect = listener.wait(Duration::from_secs(10)).await.unwrap();
    assert_eq!(browser.await.unwrap(), 200, "the browser sees the 'you may close this tab' page");
    let conn = reg.finish_authorization(&pending, &redirect).await.unwrap();
    assert_eq!(conn.state, AuthState::Authorized);
    assert_eq!(conn.granted_scopes, ["read", "write"]);
    let expires = conn.token_expires_at.unwrap();
    assert_eq!(expires, NOW + 3600, "absolute expiry from a string expires_in");
    assert_eq!(fake.state.code_exchanges.load(std::sync::atomic::Ordering::SeqCst), 1);

    // The stored token is used, and the same redirect cannot be replayed (code is single-use).
    let req = reg
        .apply("fake_conn", OutgoingRequest::get(&format!("{}/api/me", fake.base)).unwrap())
        .await
        .unwrap();
    let auth = req.final_headers().into_iter().find(|(k, _)| k == "Authorization").unwrap().1;
    assert!(auth.starts_with("Bearer at-"), "{auth}");
    assert!(reg.finish_authorization(&pending, &redirect).await.is_err());
}

#[tokio::test]
async fn state_mismatch_and_provider_error_are_refused() {
    let fake = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    reg.add_service_toml(
        &fake.oauth_service("fake", "authorization_code", "post"),
        Path::new("f.toml"),
    )
    .unwrap();
    reg.add_connection(oauth_conn("c", "fake")).unwrap();
    let pending = reg.start_authorization("c", "http://127.0.0.1:9/callback").unwrap();
    let err = reg
        .finish_authorization(&pending, "http://127.0.0.1:9/callback?code=x&state=evil")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("state"), "{err}");
    let err = reg
        .finish_authorization(&pending, "http://127.0.0.1:9/callback?error=access_denied&state=x")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("access_denied"), "{err}");
    assert_eq!(reg.connection("c").unwrap().state, AuthState::NotAuthorized);
}

#[tokio::test]
async fn pasted_code_is_accepted() {
    let fake = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    reg.add_service_toml(
        &fake.oauth_service("fake", "authorization_code", "basic"),
        Path::new("f.toml"),
    )
    .unwrap();
    reg.add_connection(oauth_conn("c", "fake")).unwrap();
    let pending = reg.start_authorization("c", "http://127.0.0.1:9/callback").unwrap();
    // Play the browser without following the redirect: read the Location by hand.
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = client.get(pending.url.clone()).send().await.unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let code = dg_connections::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let conn = reg.finish_authorization(&pending, &format!("  {code}\n")).await.unwrap();
    assert_eq!(conn.state, AuthState::Authorized);
}

#[tokio::test]
async fn client_credentials_grant() {
    let fake = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    reg.add_service_toml(
        &fake.oauth_service("cc", "client_credentials", "basic"),
        Path::new("cc.toml"),
    )
    .unwrap();
    reg.add_connection(oauth_conn("cc_conn", "cc")).unwrap();
    let err = reg
        .apply("cc_conn", OutgoingRequest::get(&format!("{}/api/x", fake.base)).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectionError::NotAuthorized { .. }), "{err}");
    reg.authorize_client_credentials("cc_conn").await.unwrap();
    let req = reg
        .apply("cc_conn", OutgoingRequest::get(&format!("{}/api/x", fake.base)).unwrap())
        .await
        .unwrap();
    assert!(req
        .final_headers()
        .iter()
        .any(|(k, v)| k == "Authorization" && v.starts_with("Bearer cc-")));
    assert_eq!(fake.state.client_credentials.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn api_key_basic_and_bearer_services() {
    let fake = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    let b = &fake.base;
    let svc = format!(
        "name = \"keyed\"\nauth = \"api_key\"\nbase_url = \"{b}/api\"\n\
         [[api_key]]\nname = \"X-Api-Key\"\nin = \"header\"\n\
         [[api_key]]\nname = \"token\"\nin = \"query\"\n\
         [[api_key]]\nname = \"sig\"\nin = \"form\"\n"
    );
    reg.add_service_toml(&svc, Path::new("keyed.toml")).unwrap();
    reg.add_service_toml(
        &format!("name = \"plain\"\nauth = \"basic\"\nbase_url = \"{b}\"\n"),
        Path::new("p.toml"),
    )
    .unwrap();
    reg.add_service_toml(
        &format!("name = \"tok\"\nauth = \"bearer\"\nbase_url = \"{b}\"\ncredential = {{ name = \"X-Token\", prefix = \"T \" }}\n"),
        Path::new("t.toml"),
    )
    .unwrap();
    for (link, service) in [("k", "keyed"), ("p", "plain"), ("t", "tok")] {
        reg.add_connection(NewConnection {
            link: link.into(),
            service: service.into(),
            ..Default::default()
        })
        .unwrap();
    }
    let mut keys = BTreeMap::new();
    keys.insert("X-Api-Key".to_string(), SecretString::from("k1"));
    keys.insert("token".to_string(), SecretString::from("k2"));
    assert!(reg.set_api_keys("k", keys.clone()).is_err(), "all values are required");
    keys.insert("sig".to_string(), SecretString::from("k3"));
    reg.set_api_keys("k", keys).unwrap();
    reg.set_basic("p", SecretString::from("user"), SecretString::from("pass")).unwrap();
    reg.set_bearer("t", SecretString::from("tt")).unwrap();

    let mut req = OutgoingRequest::get(&format!("{b}/api/x?a=1")).unwrap();
    req.method = dg_connections::Method::POST;
    req.body = dg_connections::Body::Form(vec![("f".into(), "v".into())]);
    let req = reg.apply("k", req).await.unwrap();
    assert!(req.final_headers().contains(&("X-Api-Key".into(), "k1".into())));
    assert_eq!(req.final_url().query(), Some("a=1&token=k2"));
    assert_eq!(
        req.final_body(),
        dg_connections::Body::Form(vec![("f".into(), "v".into()), ("sig".into(), "k3".into())])
    );

    let req = reg.apply("p", OutgoingRequest::get(&format!("{b}/y")).unwrap()).await.unwrap();
    assert!(req.final_headers().contains(&("Authorization".into(), "Basic dXNlcjpwYXNz".into())));
    let req = reg.apply("t", OutgoingRequest::get(&format!("{b}/y")).unwrap()).await.unwrap();
    assert!(req.final_headers().contains(&("X-Token".into(), "T tt".into())));

    // The real request reaches the server with the credential.
    let resp = reg
        .send(Some("p"), OutgoingRequest::get(&format!("{b}/api/hello")).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(fake.hits().last().unwrap().1.as_deref(), Some("Basic dXNlcjpwYXNz"));
}

#[tokio::test]
async fn zoho_data_centre_header_and_api_domain() {
    let fake = Fake::start().await;
    *fake.state.redirect_extra.lock().unwrap() =
        "&location=eu&accounts-server=https%3A%2F%2Faccounts.zoho.eu".into();
    {
        let mut extra = fake.state.token_extra.lock().unwrap();
        extra.insert("api_domain".into(), "https://www.zohoapis.eu".into());
        extra.insert("scope".into(), "ZohoBooks.fullaccess.all".into());
    }
    let reg = Registry::in_memory()
        .with_clock(clock())
        .with_endpoint_override("https://accounts.zoho.com", &fake.base)
        .with_endpoint_override("https://accounts.zoho.eu", &fake.base);
    let mut new = oauth_conn("books", "zoho_books");
    new.scopes = vec!["ZohoBooks.fullaccess.all".into()];
    reg.add_connection(new).unwrap();
    let pending = reg.start_authorization("books", "http://127.0.0.1:8765/callback").unwrap();
    let url = pending.url.as_str();
    assert!(url.starts_with(&format!("{}/oauth/v2/auth?", fake.base)), "{url}");
    assert!(url.contains("access_type=offline") && url.contains("scope=ZohoBooks.fullaccess.all"));
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = client.get(pending.url.clone()).send().await.unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let conn = reg.finish_authorization(&pending, &location).await.unwrap();
    assert_eq!(conn.dc.as_deref(), Some("eu"), "accounts-server selects the data centre");
    assert_eq!(conn.config.get("api_domain").map(String::as_str), Some("https://www.zohoapis.eu"));

    let req = OutgoingRequest::get("https://www.zohoapis.eu/books/v3/invoices?organization_id=1")
        .unwrap();
    let req = reg.apply("books", req.require_scope("ZohoBooks.invoices.READ")).await.unwrap();
    let auth = req.final_headers().into_iter().find(|(k, _)| k == "Authorization").unwrap().1;
    assert!(auth.starts_with("Zoho-oauthtoken at-"), "{auth}");
    assert!(reg.is_host_allowed("books", &"https://books.zoho.eu/api".parse().unwrap()).unwrap());
    // The US host is not this connection's data centre.
    let err = reg
        .apply("books", OutgoingRequest::get("https://www.zohoapis.com/books/v3/x").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectionError::HostNotAllowed { .. }), "{err}");
    let err = reg
        .apply(
            "books",
            OutgoingRequest::get("https://www.zohoapis.eu/crm/v8/Leads")
                .unwrap()
                .require_scope("ZohoCRM.modules.READ"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectionError::ScopeMissing { .. }), "{err}");
    let svc =
        reg.service_for_url(&"https://www.zohoapis.eu/books/v3/invoices".parse().unwrap()).unwrap();
    assert_eq!(svc.name, "zoho_books");
}

#[tokio::test]
async fn self_client_code_exchange() {
    let fake = Fake::start().await;
    fake.state.codes.lock().unwrap().insert("console-code".into(), (String::new(), String::new()));
    let mut reg = Registry::in_memory().with_clock(clock());
    reg.add_service_toml(
        &fake.oauth_service("fake", "authorization_code", "post"),
        Path::new("f.toml"),
    )
    .unwrap();
    reg.add_connection(oauth_conn("c", "fake")).unwrap();
    let err = reg.exchange_code("c", SecretString::from("wrong-code"), None).await.unwrap_err();
    assert!(err.to_string().contains("invalid_code"), "{err}");
    let conn = reg.exchange_code("c", SecretString::from("console-code"), None).await.unwrap();
    assert_eq!(conn.state, AuthState::Authorized);

    // Revocation sends the refresh token (RFC 7009 form) and forgets the credentials.
    assert!(reg.revoke("c").await.unwrap());
    assert_eq!(*fake.state.revoked.lock().unwrap(), ["rt-1"]);
    assert_eq!(reg.connection("c").unwrap().state, AuthState::NotAuthorized);
    assert!(!reg.revoke("c").await.unwrap(), "nothing left to revoke");
}

#[test]
fn blocking_api_for_synchronous_hosts() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(Fake::start());
    let mut reg = Registry::in_memory().with_clock(clock());
    reg.add_service_toml(
        &format!("name = \"plain\"\nauth = \"basic\"\nbase_url = \"{}\"\n", fake.base),
        Path::new("p.toml"),
    )
    .unwrap();
    reg.add_connection(NewConnection {
        link: "b".into(),
        service: "plain".into(),
        ..Default::default()
    })
    .unwrap();
    reg.set_basic("b", SecretString::from("user"), SecretString::from("pass")).unwrap();
    let reply = reg
        .send_blocking(Some("b"), OutgoingRequest::get(&format!("{}/api/sync", fake.base)).unwrap())
        .unwrap();
    assert_eq!((reply.status, reply.body.as_slice()), (200, &b"ok"[..]));
    assert_eq!(fake.hits().last().unwrap().1.as_deref(), Some("Basic dXNlcjpwYXNz"));
    let req = reg
        .apply_blocking("b", OutgoingRequest::get(&format!("{}/x", fake.base)).unwrap())
        .unwrap();
    assert!(req.has_credential());
    // From async code the blocking API refuses instead of panicking, and dropping the registry
    // there is fine.
    rt.block_on(async move {
        let err = reg
            .apply_blocking("b", OutgoingRequest::get("http://127.0.0.1:9/").unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("async"), "{err}");
        drop(reg);
    });
}
