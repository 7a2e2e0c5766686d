//! The real (non-sandbox) path against a loopback server: the request a script
//! builds reaches the server with the registry's credential, and the credential
//! never goes to a host outside its service.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use dg_connections::{NewConnection, Registry, SecretString};
use dg_host::{DgHost, Mode};
use dg_runtime::{Interpreter, Script};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: String,
}

/// Starts a server on 127.0.0.1 that records every request and answers JSON.
fn server() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send addr");
            let app = axum::Router::new().fallback(
                move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                    let log = log.clone();
                    async move {
                        let h = |n: &str| {
                            headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_string)
                        };
                        log.lock().expect("lock").push(Seen {
                            method: method.to_string(),
                            uri: uri.to_string(),
                            authorization: h("authorization"),
                            content_type: h("content-type"),
                            body: String::from_utf8_lossy(&body).into_owned(),
                        });
                        ([("content-type", "application/json")], r#"{"ok":true,"items":[1,2]}"#)
                    }
                },
            );
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("server address");
    (format!("127.0.0.1:{}", addr.port()), seen)
}

fn registry(host: &str) -> Registry {
    let mut registry = Registry::in_memory();
    let service = format!(
        "name = \"loopback_api\"\nauth = \"bearer\"\nbase_url = \"http://{host}/api\"\nallowed_hosts = [\"{host}\"]\n"
    );
    registry.add_service_toml(&service, std::path::Path::new("loopback.toml")).expect("service");
    registry
        .add_connection(NewConnection {
            link: "loop".into(),
            service: "loopback_api".into(),
            scopes: vec![],
            dc: None,
            client_id: None,
            client_secret: None,
            config: Default::default(),
            replace: false,
        })
        .expect("connection");
    registry.set_bearer("loop", SecretString::from("canary-token-123")).expect("token");
    registry
}

fn run(registry: Registry, src: &str) -> (DgHost, dg_runtime::Outcome) {
    let mut host = DgHost::new(Mode::Real(Some(Box::new(registry))));
    let outcome =
        Interpreter::new().run(&Script::new(src), dg_runtime::Entry::Auto, vec![], &mut host);
    (host, outcome)
}

#[test]
fn invokeurl_sends_method_query_body_and_credential() {
    let (host, seen) = server();
    let src = format!(
        r#"
        params = Map();
        params.put("q", "a b");
        r = invokeurl [ url: "http://{host}/api/items" type: GET parameters: params connection: "loop" ];
        info r.get("items");
        form = {{"JSONString": {{"name": "Ada"}}.toString()}};
        p = invokeurl [ url: "http://{host}/api/items?x=1" type: POST parameters: form connection: "loop" ];
        j = invokeurl [ url: "http://{host}/api/json" type: PUT body: {{"k": 1}} connection: "loop" detailed: true ];
        info j.get("responseCode");
        "#
    );
    let (dg, outcome) = run(registry(&host), &src);
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(dg.transcript.info_lines(), ["1,2", "200"]);
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 3);
    assert_eq!((seen[0].method.as_str(), seen[0].uri.as_str()), ("GET", "/api/items?q=a+b"));
    assert_eq!(seen[0].authorization.as_deref(), Some("Bearer canary-token-123"));
    assert_eq!(seen[1].method, "POST");
    assert_eq!(seen[1].uri, "/api/items?x=1");
    assert_eq!(seen[1].content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(seen[1].body, "JSONString=%7B%22name%22%3A%22Ada%22%7D");
    assert_eq!(seen[2].method, "PUT");
    assert_eq!(seen[2].content_type.as_deref(), Some("application/json"));
    assert_eq!(seen[2].body, r#"{"k":1}"#);
    // The transcript never holds the credential.
    let rendered = dg.transcript.render();
    assert!(!rendered.contains("canary-token-123"), "{rendered}");
}

#[test]
fn credential_is_never_sent_to_another_host() {
    let (host, seen) = server();
    let (other, other_seen) = server();
    let src = format!(r#"r = invokeurl [ url: "http://{other}/steal" connection: "loop" ];"#);
    let (_, outcome) = run(registry(&host), &src);
    let err = outcome.error.expect("refused");
    assert!(err.message.contains("loop"), "{}", err.message);
    assert!(!err.message.contains("canary-token-123"));
    assert!(other_seen.lock().expect("lock").is_empty(), "nothing reached the other host");
    assert!(seen.lock().expect("lock").is_empty());
}

#[test]
fn requests_without_connection_go_out_unauthenticated() {
    let (host, seen) = server();
    let src = format!(r#"r = getUrl("http://{host}/public"); info r;"#);
    let (dg, outcome) = run(registry(&host), &src);
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(dg.transcript.info_lines(), [r#"{"ok":true,"items":[1,2]}"#]);
    assert_eq!(seen.lock().expect("lock")[0].authorization, None);
}

#[test]
fn response_format_and_decoding_are_honoured() {
    let (host, _seen) = server();
    let src = format!(
        r#"
        raw = invokeurl [ url: "http://{host}/api/x" response-format: TEXT ];
        info raw.length() > 0 && raw.startsWith("{{");
        parsed = invokeurl [ url: "http://{host}/api/x" response-decoding: "ISO-8859-1" ];
        info parsed.get("ok");
        "#
    );
    let (dg, outcome) = run(registry(&host), &src);
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(dg.transcript.info_lines(), ["true", "true"]);
    let (_, outcome) = run(
        registry(&host),
        &format!(r#"x = invokeurl [ url: "http://{host}/" response-decoding: "klingon" ];"#),
    );
    assert!(outcome.error.expect("unknown charset").message.contains("response-decoding"));
}

#[test]
fn sendmail_outside_the_sandbox_is_recorded_not_sent() {
    let (host, _seen) = server();
    let (dg, outcome) = run(
        registry(&host),
        r#"sendmail [ from: "a@example.com" to: "b@example.com" subject: "s" message: "m" ]"#,
    );
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert!(dg.transcript.render().contains("mail  {\"from\":\"a@example.com\""));
    assert!(dg.notes.iter().any(|n| n.contains("not sent")));
}
