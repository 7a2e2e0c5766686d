//! Redirects to another origin (scheme, host or port) carry no credential of any kind: not
//! the connection's (header, query parameter or form field), not the caller's
//! `Authorization` / `Proxy-Authorization` / `Cookie`, not URL user info. Two loopback
//! servers on different ports play the two hosts.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::Ordering;

use crate::common::{clock, Fake, Recorded};
use dg_connections::{
    Body, ConnectionError, Method, NewConnection, OutgoingRequest, Registry, SecretString,
};

const CALLER_HEADERS: [(&str, &str); 4] = [
    ("Authorization", "Bearer CALLER-TOKEN-7f3a"),
    ("Proxy-Authorization", "Basic CALLER-PROXY-7f3a"),
    ("Cookie", "sid=CALLER-COOKIE-7f3a"),
    ("X-Trace", "kept-7f3a"),
];

fn with_caller_headers(mut req: OutgoingRequest) -> OutgoingRequest {
    for (k, v) in CALLER_HEADERS {
        req = req.header(k, v);
    }
    req
}

/// No credential-bearing header, and no canary anywhere in the request.
fn assert_bare(r: &Recorded, canaries: &[&str]) {
    for h in ["authorization", "proxy-authorization", "cookie"] {
        assert_eq!(r.header(h), None, "{h} followed the redirect: {r:?}");
    }
    let all = format!("{r:?}");
    for c in canaries {
        assert!(!all.contains(c), "{c} followed the redirect: {r:?}");
    }
}

#[tokio::test]
async fn caller_credentials_do_not_follow_a_redirect_to_another_port() {
    let (a, b) = (Fake::start().await, Fake::start().await);
    assert_ne!(a.addr.port(), b.addr.port());
    let reg = Registry::in_memory().with_clock(clock());

    // Not vacuous: sent directly, B does see the caller's headers.
    let direct =
        with_caller_headers(OutgoingRequest::get(&format!("{}/api/direct", b.base)).unwrap());
    reg.send(None, direct).await.unwrap();
    assert_eq!(b.requests()[0].header("cookie"), Some("sid=CALLER-COOKIE-7f3a"));

    let canaries = ["CALLER-TOKEN-7f3a", "CALLER-PROXY-7f3a", "CALLER-COOKIE-7f3a", "URL-PW-7f3a"];
    *a.state.redirect_target.lock().unwrap() = format!("{}/api/landed", b.base);
    for status in [301, 302, 303, 307, 308] {
        a.state.redirect_status.store(status, Ordering::SeqCst);
        let url = format!("http://user:URL-PW-7f3a@127.0.0.1:{}/redirect", a.addr.port());
        let resp = reg.send(None, with_caller_headers(OutgoingRequest::get(&url).unwrap())).await;
        assert_eq!(resp.unwrap().status().as_u16(), 200, "{status}");
        let landed = b.requests().pop().unwrap();
        assert_eq!(landed.path, "/api/landed");
        assert_bare(&landed, &canaries);
        assert_eq!(landed.header("x-trace"), Some("kept-7f3a"), "other headers are kept");
    }

    // User info written into the Location itself is dropped too.
    a.state.redirect_status.store(302, Ordering::SeqCst);
    *a.state.redirect_target.lock().unwrap() =
        format!("http://who:LOCATION-PW-7f3a@127.0.0.1:{}/api/userinfo", b.addr.port());
    reg.send(None, OutgoingRequest::get(&format!("{}/redirect", a.base)).unwrap()).await.unwrap();
    let landed = b.requests().pop().unwrap();
    assert_eq!(landed.path, "/api/userinfo");
    assert_bare(&landed, &["LOCATION-PW-7f3a"]);

    // A same-origin redirect keeps them.
    *a.state.redirect_target.lock().unwrap() = "/api/same".into();
    let req = with_caller_headers(OutgoingRequest::get(&format!("{}/redirect", a.base)).unwrap());
    reg.send(None, req).await.unwrap();
    let same = a.requests().pop().unwrap();
    assert_eq!(same.path, "/api/same");
    assert_eq!(same.header("cookie"), Some("sid=CALLER-COOKIE-7f3a"));
    assert_eq!(same.header("authorization"), Some("Bearer CALLER-TOKEN-7f3a"));
}

#[tokio::test]
async fn the_connection_credential_does_not_follow_wherever_it_sits() {
    let (a, b) = (Fake::start().await, Fake::start().await);
    let mut reg = Registry::in_memory().with_clock(clock());
    let service = format!(
        "name = \"spread\"\nauth = \"api_key\"\nallowed_hosts = [\"127.0.0.1:{}\"]\n\
         [[api_key]]\nname = \"X-Key\"\nin = \"header\"\n\
         [[api_key]]\nname = \"key\"\nin = \"query\"\n\
         [[api_key]]\nname = \"token\"\nin = \"form\"\n",
        a.addr.port()
    );
    reg.add_service_toml(&service, Path::new("spread.toml")).unwrap();
    reg.add_connection(NewConnection {
        link: "s".into(),
        service: "spread".into(),
        ..Default::default()
    })
    .unwrap();
    let keys = [("X-Key", "CANARY-H-51c2"), ("key", "CANARY-Q-51c2"), ("token", "CANARY-F-51c2")];
    reg.set_api_keys(
        "s",
        keys.iter()
            .map(|(k, v)| (k.to_string(), SecretString::from(*v)))
            .collect::<BTreeMap<_, _>>(),
    )
    .unwrap();

    // 307 keeps method and body; A echoes its query (with the query credential) into Location.
    a.state.redirect_status.store(307, Ordering::SeqCst);
    a.state.redirect_echo_query.store(true, Ordering::SeqCst);
    *a.state.redirect_target.lock().unwrap() = format!("{}/api/landed?page=2", b.base);
    let mut post = OutgoingRequest::parse(Method::POST, &format!("{}/redirect", a.base)).unwrap();
    post.body = Body::Form(vec![("a".into(), "1".into())]);
    let post = with_caller_headers(post);
    let resp = reg.send(Some("s"), post).await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let landed = b.requests().pop().unwrap();
    assert_eq!((landed.method.as_str(), landed.path.as_str()), ("POST", "/api/landed"));
    assert_bare(&landed, &["CANARY-H-51c2", "CANARY-Q-51c2", "CANARY-F-51c2", "CALLER-TOKEN-7f3a"]);
    assert_eq!(landed.header("x-key"), None);
    assert!(landed.query.contains("page=2") && !landed.query.contains("key="), "{}", landed.query);
    assert_eq!(
        landed.body, "a=1",
        "the caller's form survives a 307, the credential field does not"
    );

    // Not vacuous: on A itself all three were sent.
    *a.state.redirect_target.lock().unwrap() = "/api/home".into();
    let mut post = OutgoingRequest::parse(Method::POST, &format!("{}/redirect", a.base)).unwrap();
    post.body = Body::Form(vec![("a".into(), "1".into())]);
    reg.send(Some("s"), post).await.unwrap();
    let home = a.requests().pop().unwrap();
    assert_eq!(home.header("x-key"), Some("CANARY-H-51c2"));
    assert!(home.query.contains("key=CANARY-Q-51c2"), "{}", home.query);
    assert!(home.body.contains("token=CANARY-F-51c2"), "{}", home.body);
}

#[tokio::test]
async fn user_info_in_the_url_of_a_connection_request_is_an_error() {
    let a = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    let service = format!(
        "name = \"plain\"\nauth = \"basic\"\nallowed_hosts = [\"127.0.0.1:{}\"]\n",
        a.addr.port()
    );
    reg.add_service_toml(&service, Path::new("p.toml")).unwrap();
    reg.add_connection(NewConnection {
        link: "b".into(),
        service: "plain".into(),
        ..Default::default()
    })
    .unwrap();
    reg.set_basic("b", SecretString::from("user"), SecretString::from("CONN-PW-2b9e")).unwrap();
    let url = format!("http://me:URL-PW-2b9e@127.0.0.1:{}/api/x", a.addr.port());
    for link in ["b"] {
        let err = reg.send(Some(link), OutgoingRequest::get(&url).unwrap()).await.unwrap_err();
        assert!(matches!(err, ConnectionError::Invalid(_)), "{err:?}");
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(msg.contains("user:password@") && msg.contains("nothing was sent"), "{msg}");
        assert!(!msg.contains("URL-PW-2b9e") && !msg.contains("CONN-PW-2b9e"), "{msg}");
    }
    assert!(a.requests().is_empty(), "nothing reached the server");
    // Without user info the same request goes out with exactly one Authorization header.
    let url = format!("{}/api/x", a.base);
    reg.send(Some("b"), OutgoingRequest::get(&url).unwrap()).await.unwrap();
    let got = a.requests().pop().unwrap();
    assert_eq!(got.headers.iter().filter(|(k, _)| k == "authorization").count(), 1);
}
