//! Canary secrets never show up in output, errors, Debug or panics; credentials never reach
//! a host outside the service's allow-list, also across redirects.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use crate::common::{clock, Fake, RefreshMode, CLIENT_ID, CLIENT_SECRET};
use clap::Parser;
use dg_connections::cli::{run_with, CliContext, ConnectionsCommand};
use dg_connections::{ConnectionError, NewConnection, OutgoingRequest, Registry, SecretString};

const CANARY_KEY: &str = "CANARY-apikey-93f1e2";
const CANARY_PW: &str = "CANARY-password-93f1e2";
const CANARY_RT: &str = "CANARY-refresh-93f1e2";
const CANARY_AT: &str = "CANARYAT";

fn assert_clean(what: &str, text: &str) {
    for canary in [CANARY_KEY, CANARY_PW, CANARY_RT, CANARY_AT, CLIENT_SECRET] {
        assert!(!text.contains(canary), "{what} leaks {canary}:\n{text}");
    }
}

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: ConnectionsCommand,
}

fn cli(root: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let argv = std::iter::once("connections").chain(args.iter().copied());
    let cmd = match Cli::try_parse_from(argv) {
        Ok(c) => c.cmd,
        Err(e) => return (2, String::new(), e.to_string()),
    };
    let (mut input, mut out, mut err) =
        (Cursor::new(stdin.as_bytes().to_vec()), Vec::new(), Vec::new());
    let mut ctx = CliContext {
        root: Some(root.to_path_buf()),
        stdin: &mut input,
        stdout: &mut out,
        stderr: &mut err,
        interactive: false,
        clock: Some(clock()),
    };
    let code = run_with(cmd, &mut ctx);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

#[test]
fn canaries_never_appear_in_cli_output() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(Fake::start());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("home");
    let svc_file = dir.path().join("fake.toml");
    std::fs::write(&svc_file, fake.oauth_service("fake", "authorization_code", "post")).unwrap();
    let keyed = dir.path().join("keyed.toml");
    let b = &fake.base;
    std::fs::write(&keyed, format!("name = \"keyed\"\nauth = \"api_key\"\nbase_url = \"{b}\"\n[[api_key]]\nname = \"key\"\nin = \"query\"\n")).unwrap();
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, format!("name = \"plain\"\nauth = \"basic\"\nbase_url = \"{b}\"\n"))
        .unwrap();

    let mut transcript = String::new();
    let mut step = |args: &[&str], stdin: &str, expect: i32| {
        let (code, out, err) = cli(&root, args, stdin);
        assert_eq!(code, expect, "{args:?}: {out}{err}");
        transcript.push_str(&format!("$ {args:?}\n{out}{err}"));
        out
    };
    for f in [&svc_file, &keyed, &plain] {
        step(&["service", "add", f.to_str().unwrap()], "", 0);
    }
    step(
        &["add", "oa", "--service", "fake", "--client-id", CLIENT_ID, "--client-secret-stdin"],
        &format!("{CLIENT_SECRET}\n"),
        0,
    );
    step(&["authorize", "oa", "--refresh-token-stdin"], &format!("{CANARY_RT}\n"), 0);
    step(&["add", "k", "--service", "keyed"], "", 0);
    step(&["authorize", "k", "--stdin"], &format!("{CANARY_KEY}\n"), 0);
    step(&["add", "b", "--service", "plain"], "", 0);
    step(&["authorize", "b", "--stdin"], &format!("someone\n{CANARY_PW}\n"), 0);
    step(&["list"], "", 0);
    let json = step(&["list", "--json"], "", 0);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), 3);
    let oa = parsed.as_array().unwrap().iter().find(|c| c["link"] == "oa").unwrap();
    assert_eq!(oa["secrets"]["refresh_token"], "********");
    assert_eq!(oa["status"], "authorized");
    for link in ["oa", "k", "b"] {
        step(&["show", link], "", 0);
        step(&["show", link, "--json"], "", 0);
    }
    step(&["refresh", "oa"], "", 0);
    *fake.state.refresh_mode.lock().unwrap() = RefreshMode::InvalidGrant;
    step(&["refresh", "oa"], "", 1);
    let shown = step(&["show", "oa"], "", 0);
    assert!(
        shown.contains("needs re-authorization") || shown.contains("needs_reauthorization"),
        "{shown}"
    );
    assert!(shown.contains("dg connections authorize oa"), "{shown}");
    step(&["services", "--json"], "", 0);
    assert_clean("CLI transcript", &transcript);
    // Not vacuous: the secrets are stored, in a file only the user can read.
    let secrets = std::fs::read_to_string(root.join("connection-secrets.toml")).unwrap();
    assert!(
        secrets.contains(CANARY_KEY) && secrets.contains(CANARY_PW) && secrets.contains(CANARY_RT)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(root.join("connection-secrets.toml")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_clean(
        "connections.toml",
        &std::fs::read_to_string(root.join("connections.toml")).unwrap(),
    );
    let (code, out, err) = cli(&root, &["logout", "oa", "--revoke"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert_clean("logout --revoke", &format!("{out}{err}"));
    assert_eq!(*fake.state.revoked.lock().unwrap(), [CANARY_RT]);
    let secrets = std::fs::read_to_string(root.join("connection-secrets.toml")).unwrap();
    assert!(!secrets.contains(CANARY_RT) && secrets.contains(CLIENT_SECRET), "{secrets}");
}

#[tokio::test]
async fn canaries_never_appear_in_debug_errors_or_panics() {
    let fake = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    reg.add_service_toml(
        &fake.oauth_service("fake", "authorization_code", "post"),
        Path::new("f.toml"),
    )
    .unwrap();
    reg.add_connection(NewConnection {
        link: "oa".into(),
        service: "fake".into(),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(SecretString::from(CLIENT_SECRET)),
        ..Default::default()
    })
    .unwrap();
    reg.import_refresh_token("oa", SecretString::from(CANARY_RT)).await.unwrap();
    let req = reg
        .apply("oa", OutgoingRequest::get(&format!("{}/api/x", fake.base)).unwrap())
        .await
        .unwrap();
    assert!(format!("{:?}", req.final_headers()).contains(CANARY_AT), "not vacuous");
    let pending = reg.start_authorization("oa", "http://127.0.0.1:9/callback").unwrap();
    let mut dump =
        format!("{reg:?}\n{:?}\n{req:?}\n{pending:?}\n{:?}", reg.connections(), reg.services());

    *fake.state.refresh_mode.lock().unwrap() = RefreshMode::InvalidGrant;
    let err = reg.refresh("oa").await.unwrap_err();
    dump.push_str(&format!("{err}\n{err:?}\n"));
    let err = reg
        .apply("oa", OutgoingRequest::get("https://elsewhere.example/x").unwrap())
        .await
        .unwrap_err();
    dump.push_str(&format!("{err}\n{err:?}\n"));
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        panic!("registry state: {reg:?} {req:?}")
    }))
    .unwrap_err();
    dump.push_str(payload.downcast_ref::<String>().unwrap());
    assert_clean("Debug/error/panic output", &dump);
}

#[tokio::test]
async fn credentials_stay_on_allowed_hosts_even_across_redirects() {
    let (a, other) = (Fake::start().await, Fake::start().await);
    let mut reg = Registry::in_memory().with_clock(clock());
    let allowed = format!("allowed_hosts = [\"127.0.0.1:{}\"]\n", a.addr.port());
    reg.add_service_toml(
        &format!("name = \"plain\"\nauth = \"basic\"\n{allowed}"),
        Path::new("p.toml"),
    )
    .unwrap();
    let keyed = format!("name = \"keyed\"\nauth = \"api_key\"\n{allowed}[[api_key]]\nname = \"key\"\nin = \"query\"\n");
    reg.add_service_toml(&keyed, Path::new("k.toml")).unwrap();
    for (link, service) in [("b", "plain"), ("k", "keyed")] {
        reg.add_connection(NewConnection {
            link: link.into(),
            service: service.into(),
            ..Default::default()
        })
        .unwrap();
    }
    reg.set_basic("b", SecretString::from("user"), SecretString::from(CANARY_PW)).unwrap();
    reg.set_api_keys("k", BTreeMap::from([("key".to_string(), SecretString::from(CANARY_KEY))]))
        .unwrap();

    // Direct use on a foreign host: refused before anything is sent.
    let foreign = format!("{}/api/direct", other.base);
    for link in ["b", "k"] {
        let err = reg.send(Some(link), OutgoingRequest::get(&foreign).unwrap()).await.unwrap_err();
        assert!(matches!(err, ConnectionError::HostNotAllowed { .. }), "{err:?}");
        assert!(err.to_string().contains("credential was not sent"));
    }
    assert!(other.hits().is_empty());
    assert!(!reg.is_host_allowed("b", &foreign.parse().unwrap()).unwrap());

    // Redirect from the allowed host to a foreign one: the hop arrives without credentials.
    *a.state.redirect_target.lock().unwrap() = format!("{}/api/landed", other.base);
    for link in ["b", "k"] {
        let resp = reg
            .send(Some(link), OutgoingRequest::get(&format!("{}/redirect", a.base)).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }
    let hits = other.hits();
    assert_eq!(hits.len(), 2);
    for (path, auth, query) in &hits {
        assert_eq!(path, "/api/landed");
        assert!(auth.is_none(), "credential leaked across redirect: {auth:?}");
        assert!(!query.contains("CANARY"), "{query}");
    }

    // A same-host redirect keeps the credential.
    *a.state.redirect_target.lock().unwrap() = "/api/same".into();
    reg.send(Some("b"), OutgoingRequest::get(&format!("{}/redirect", a.base)).unwrap())
        .await
        .unwrap();
    let last = a.hits().pop().unwrap();
    assert_eq!(last.0, "/api/same");
    assert!(last.1.unwrap().starts_with("Basic "));

    // A POST answered with 303 continues as a body-less GET, without credentials off-host.
    let mut post =
        OutgoingRequest::parse(dg_connections::Method::POST, &format!("{}/x", a.base)).unwrap();
    post.body = dg_connections::Body::Bytes(b"{}".to_vec());
    let post = reg.apply("b", post).await.unwrap();
    let next =
        reg.follow_redirect(Some("b"), post, &format!("{}/y", other.base), 303).await.unwrap();
    assert_eq!(next.method, dg_connections::Method::GET);
    assert_eq!(next.body, dg_connections::Body::Empty);
    assert!(!next.has_credential());

    // Plain http to a non-loopback host is refused even if listed.
    reg.add_service_toml(
        "name = \"web\"\nauth = \"basic\"\nallowed_hosts = [\"api.example.com\"]\n",
        Path::new("w.toml"),
    )
    .unwrap();
    reg.add_connection(NewConnection {
        link: "w".into(),
        service: "web".into(),
        ..Default::default()
    })
    .unwrap();
    reg.set_basic("w", SecretString::from("u"), SecretString::from("p")).unwrap();
    let err = reg
        .apply("w", OutgoingRequest::get("http://api.example.com/x").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectionError::InsecureUrl { .. }), "{err:?}");
}

/// Every 8-character window of `secret` found in `text`.
fn fragments(text: &str, secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    chars.windows(8).map(|w| w.iter().collect::<String>()).filter(|w| text.contains(w)).collect()
}

/// A token endpoint echoing a secret anywhere in a long `error_description` (start, middle,
/// end, straddling the 200-character cut): no 8-character piece of it reaches `refresh`'s
/// stderr, `connections.toml`, `show`, `show --json` or `list --json`. (The description used
/// to be cut before it was redacted, so the start of a secret near the cut survived.)
#[test]
fn secrets_echoed_in_long_token_errors_never_survive_anywhere() {
    const AT: &str = "AT-long-access-token-0123456789abcdef";
    const RT: &str = "RT-long-refresh-token-fedcba9876543210";
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(Fake::start());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("home");
    let mut reg = Registry::open(&root).unwrap().with_clock(clock());
    reg.add_service_toml(
        &fake.oauth_service("fake", "authorization_code", "post"),
        Path::new("f.toml"),
    )
    .unwrap();
    reg.add_connection(NewConnection {
        link: "oa".into(),
        service: "fake".into(),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(SecretString::from(CLIENT_SECRET)),
        ..Default::default()
    })
    .unwrap();
    drop(reg);
    let mut checked = 0;
    for mode in [RefreshMode::InvalidGrant, RefreshMode::ServerError] {
        *fake.state.refresh_mode.lock().unwrap() = mode;
        for secret in [AT, RT, CLIENT_SECRET] {
            let n = secret.len();
            for pos in [0, 100, 201 - n, 200 - n / 2, 196, 199, 200, 250, 399 - n] {
                Registry::open(&root)
                    .unwrap()
                    .with_clock(clock())
                    .set_oauth_tokens(
                        "oa",
                        dg_connections::OAuthTokens {
                            access_token: SecretString::from(AT),
                            refresh_token: Some(SecretString::from(RT)),
                            expires_at: Some(crate::common::NOW - 10),
                        },
                    )
                    .unwrap();
                let filler = "y".repeat(400 - n);
                let desc = format!("{}{secret}{}", &filler[..pos], &filler[pos..]);
                *fake.state.error_description.lock().unwrap() = Some(desc);
                let (code, out, err) = cli(&root, &["refresh", "oa"], "");
                assert_eq!(code, 1, "{out}{err}");
                assert!(err.contains("yyyy"), "the description is shown, cut: {err}");
                let mut seen = format!("{out}{err}");
                for args in [&["show", "oa"][..], &["show", "oa", "--json"], &["list", "--json"]] {
                    let (code, out, err) = cli(&root, args, "");
                    assert_eq!(code, 0, "{args:?}: {err}");
                    seen.push_str(&out);
                    seen.push_str(&err);
                }
                seen.push_str(&std::fs::read_to_string(root.join("connections.toml")).unwrap());
                for s in [AT, RT, CLIENT_SECRET] {
                    let leaks = fragments(&seen, s);
                    assert!(leaks.is_empty(), "{mode:?}, {secret} at {pos}: {leaks:?} in\n{seen}");
                }
                if mode == RefreshMode::InvalidGrant {
                    assert!(
                        seen.contains("needs_reauthorization"),
                        "the reason was stored: {seen}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 54);
}
