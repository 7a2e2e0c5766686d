//! Token lifecycle: single-flight refresh in process and across processes, kept refresh
//! tokens, non-standard error answers, invalid_grant.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::common::{clock, run_helper, Fake, RefreshMode, CLIENT_ID, CLIENT_SECRET, NOW};
use dg_connections::{
    AuthState, ConnectionError, NewConnection, OAuthTokens, OutgoingRequest, Registry, SecretString,
};

/// Adds service `fake` and an authorized connection `c` whose access token expired.
fn expired_connection(reg: &mut Registry, fake: &Fake) {
    reg.add_service_toml(
        &fake.oauth_service("fake", "authorization_code", "post"),
        Path::new("fake.toml"),
    )
    .unwrap();
    reg.add_connection(NewConnection {
        link: "c".into(),
        service: "fake".into(),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(SecretString::from(CLIENT_SECRET)),
        ..Default::default()
    })
    .unwrap();
    reg.set_oauth_tokens(
        "c",
        OAuthTokens {
            access_token: SecretString::from("old-access"),
            refresh_token: Some(SecretString::from("rt-1")),
            expires_at: Some(NOW - 10),
        },
    )
    .unwrap();
}

fn auth_header(req: &OutgoingRequest) -> String {
    req.final_headers()
        .into_iter()
        .find(|(k, _)| k == "Authorization")
        .map(|(_, v)| v)
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_requests_cause_one_refresh() {
    let fake = Fake::start().await;
    fake.state.refresh_delay_ms.store(200, Ordering::SeqCst);
    let mut reg = Registry::in_memory().with_clock(clock());
    expired_connection(&mut reg, &fake);
    let reg = Arc::new(reg);
    let url = format!("{}/api/x", fake.base);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (reg, url) = (reg.clone(), url.clone());
            tokio::spawn(async move { reg.apply("c", OutgoingRequest::get(&url).unwrap()).await })
        })
        .collect();
    let mut headers = Vec::new();
    for t in tasks {
        headers.push(auth_header(&t.await.unwrap().unwrap()));
    }
    assert_eq!(fake.state.refreshes.load(Ordering::SeqCst), 1);
    assert!(headers.iter().all(|h| h == &headers[0] && h.starts_with("Bearer at-")), "{headers:?}");
    // The refresh answer had no refresh_token: the old one is kept and still works.
    reg.refresh("c").await.unwrap();
    assert_eq!(fake.state.refreshes.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn two_processes_sharing_a_store_refresh_once() {
    let fake = Fake::start().await;
    fake.state.refresh_delay_ms.store(400, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let mut reg = Registry::open(dir.path()).unwrap().with_clock(clock());
    expired_connection(&mut reg, &fake);
    drop(reg);
    let helper = env!("CARGO_BIN_EXE_dg_connections_helper");
    let url = format!("{}/api/x", fake.base);
    let children: Vec<_> = (0..2)
        .map(|_| {
            tokio::process::Command::new(helper)
                .args(["apply", dir.path().to_str().unwrap(), "c", &url, &NOW.to_string()])
                .output()
        })
        .collect();
    for child in children {
        let out = child.await.unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "ok",
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(fake.state.refreshes.load(Ordering::SeqCst), 1);
    // Both saw the refreshed token; the store holds it with the old refresh token.
    let reg = Registry::open(dir.path()).unwrap().with_clock(clock());
    let req = reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap();
    assert!(auth_header(&req).starts_with("Bearer at-"));
    assert_eq!(fake.state.refreshes.load(Ordering::SeqCst), 1);
    reg.refresh("c").await.unwrap();
    assert_eq!(
        fake.state.refreshes.load(Ordering::SeqCst),
        2,
        "the kept refresh token still refreshes"
    );
}

#[tokio::test]
async fn invalid_grant_marks_needs_reauthorization() {
    let fake = Fake::start().await;
    *fake.state.refresh_mode.lock().unwrap() = RefreshMode::InvalidGrant;
    let dir = tempfile::tempdir().unwrap();
    let mut reg = Registry::open(dir.path()).unwrap().with_clock(clock());
    expired_connection(&mut reg, &fake);
    let url = format!("{}/api/x", fake.base);
    let err = reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap_err();
    assert!(matches!(err, ConnectionError::NeedsReauthorization { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("dg connections authorize c"), "{msg}");
    assert!(msg.contains("invalid_grant"), "{msg}");
    assert!(!msg.contains("rt-1"), "the echoed refresh token is redacted: {msg}");
    // Persisted: a new process sees the state and does not call the token endpoint again.
    let reg = Registry::open(dir.path()).unwrap().with_clock(clock());
    assert!(matches!(reg.connection("c").unwrap().state, AuthState::NeedsReauthorization { .. }));
    let err = reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap_err();
    assert!(matches!(err, ConnectionError::NeedsReauthorization { .. }));
    assert_eq!(fake.state.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn http_200_carrying_an_error_is_an_error() {
    let fake = Fake::start().await;
    *fake.state.refresh_mode.lock().unwrap() = RefreshMode::ErrorIn200;
    let mut reg = Registry::in_memory().with_clock(clock());
    expired_connection(&mut reg, &fake);
    let err = reg.refresh("c").await.unwrap_err();
    assert!(matches!(err, ConnectionError::NeedsReauthorization { .. }), "{err:?}");
    assert!(err.to_string().contains("invalid_code"));
}

#[tokio::test]
async fn fresh_tokens_are_not_refreshed_and_unreachable_servers_are_reported() {
    let fake = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    expired_connection(&mut reg, &fake);
    reg.set_oauth_tokens(
        "c",
        OAuthTokens {
            access_token: SecretString::from("fresh"),
            refresh_token: Some(SecretString::from("rt-1")),
            expires_at: Some(NOW + 3600),
        },
    )
    .unwrap();
    let req = reg
        .apply("c", OutgoingRequest::get(&format!("{}/api/x", fake.base)).unwrap())
        .await
        .unwrap();
    assert_eq!(auth_header(&req), "Bearer fresh");
    assert_eq!(fake.state.refreshes.load(Ordering::SeqCst), 0);

    // A token endpoint that does not answer: a Token error, the connection stays authorized,
    // and further calls fail fast during the cool-down instead of hammering the endpoint.
    let mut reg = Registry::in_memory()
        .with_clock(clock())
        .with_endpoint_override(&fake.base, "http://127.0.0.1:9");
    expired_connection(&mut reg, &fake);
    let err = reg.refresh("c").await.unwrap_err();
    assert!(matches!(err, ConnectionError::Token { .. }), "{err:?}");
    assert_eq!(reg.connection("c").unwrap().state, AuthState::Authorized);
    let url = format!("{}/api/x", fake.base);
    let err = reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap_err();
    assert!(matches!(err, ConnectionError::Token { .. }), "{err:?}");
    let err = reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("the next attempt is allowed 30s after"), "{err}");
    // The cool-down runs on the registry's clock: 29 s later still cooling, 30 s later a
    // new attempt is made (and fails the same way, without the cool-down note).
    let fixed = std::sync::Arc::new(dg_connections::FixedClock::new(NOW));
    let mut reg = Registry::in_memory()
        .with_clock(fixed.clone())
        .with_endpoint_override(&fake.base, "http://127.0.0.1:9");
    expired_connection(&mut reg, &fake);
    reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap_err();
    fixed.advance(29);
    let err = reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("29s ago"), "{err}");
    fixed.advance(1);
    let err = reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap_err();
    assert!(matches!(err, ConnectionError::Token { .. }), "{err:?}");
    assert!(!err.to_string().contains("next attempt"), "a new attempt was made: {err}");

    // Inside the refresh margin but not expired: a failed refresh still lets the call through.
    let mut reg = Registry::in_memory()
        .with_clock(clock())
        .with_endpoint_override(&fake.base, "http://127.0.0.1:9");
    expired_connection(&mut reg, &fake);
    reg.set_oauth_tokens(
        "c",
        OAuthTokens {
            access_token: SecretString::from("nearly-expired"),
            refresh_token: Some(SecretString::from("rt-1")),
            expires_at: Some(NOW + 60),
        },
    )
    .unwrap();
    let req = reg.apply("c", OutgoingRequest::get(&url).unwrap()).await.unwrap();
    assert_eq!(auth_header(&req), "Bearer nearly-expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_refreshes_once_and_replays() {
    let fake = Fake::start().await;
    let mut reg = Registry::in_memory().with_clock(clock());
    expired_connection(&mut reg, &fake);
    reg.set_oauth_tokens(
        "c",
        OAuthTokens {
            access_token: SecretString::from("revoked-but-unexpired"),
            refresh_token: Some(SecretString::from("rt-1")),
            expires_at: Some(NOW + 3600),
        },
    )
    .unwrap();
    *fake.state.rejected_token.lock().unwrap() = Some("revoked-but-unexpired".into());
    let reg = Arc::new(reg);
    let url = format!("{}/api/x", fake.base);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (reg, url) = (reg.clone(), url.clone());
            tokio::spawn(
                async move { reg.send(Some("c"), OutgoingRequest::get(&url).unwrap()).await },
            )
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().status().as_u16(), 200);
    }
    assert_eq!(
        fake.state.refreshes.load(Ordering::SeqCst),
        1,
        "one refresh for all rejected callers"
    );
}

/// Adds service `fake` (if missing) and an authorized connection `link` whose access token
/// expired, in the store at `root`.
fn expired_on_disk(root: &Path, fake: &Fake, link: &str) {
    let mut reg = Registry::open(root).unwrap().with_clock(clock());
    if reg.service("fake").is_none() {
        reg.add_service_toml(
            &fake.oauth_service("fake", "authorization_code", "post"),
            Path::new("fake.toml"),
        )
        .unwrap();
    }
    reg.add_connection(NewConnection {
        link: link.into(),
        service: "fake".into(),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(SecretString::from(CLIENT_SECRET)),
        replace: true,
        ..Default::default()
    })
    .unwrap();
    reg.set_oauth_tokens(
        link,
        OAuthTokens {
            access_token: SecretString::from("old-access"),
            refresh_token: Some(SecretString::from("rt-1")),
            expires_at: Some(NOW - 10),
        },
    )
    .unwrap();
}

/// A link named `store` used to share its lock file with the store itself: the refresh
/// called the token endpoint, then hung forever waiting for the lock it held. Link locks now
/// have their own namespace, so such names refresh like any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_named_like_store_locks_refresh() {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/api/x", fake.base);
    let names = ["store", "link_store", "locks", "store_lock", "tmp"];
    for link in names {
        expired_on_disk(dir.path(), &fake, link);
    }
    let root = dir.path().to_str().unwrap().to_string();
    for (i, link) in names.iter().enumerate() {
        let (root, url, now) = (root.clone(), url.clone(), NOW.to_string());
        let link = link.to_string();
        let (code, out, err) = tokio::task::spawn_blocking(move || {
            run_helper(&["apply", &root, &link, &url, &now], &[], false, Duration::from_secs(60))
        })
        .await
        .unwrap();
        assert_eq!((code, out.trim()), (Some(0), "ok"), "{}: {err}", names[i]);
        assert_eq!(fake.state.refreshes.load(Ordering::SeqCst), i + 1);
    }
    // The new tokens were stored: a fresh process uses them without refreshing.
    let reg = Registry::open(dir.path()).unwrap().with_clock(clock());
    for link in names {
        let req = reg.apply(link, OutgoingRequest::get(&url).unwrap()).await.unwrap();
        assert!(auth_header(&req).starts_with("Bearer at-"), "{link}");
    }
    assert_eq!(fake.state.refreshes.load(Ordering::SeqCst), names.len());

    // `dg connections refresh store` (in process) finishes too.
    let (tx, rx) = std::sync::mpsc::channel();
    let root = dir.path().to_path_buf();
    std::thread::spawn(move || {
        let cmd = dg_connections::cli::ConnectionsCommand::Refresh { link: "store".into() };
        let (mut input, mut out, mut err) =
            (std::io::Cursor::new(Vec::new()), Vec::new(), Vec::new());
        let mut ctx = dg_connections::cli::CliContext {
            root: Some(root),
            stdin: &mut input,
            stdout: &mut out,
            stderr: &mut err,
            interactive: false,
            clock: Some(clock()),
        };
        let code = dg_connections::cli::run_with(cmd, &mut ctx);
        let _ = tx.send((code, String::from_utf8_lossy(&out).into_owned()));
    });
    let (code, out) = rx.recv_timeout(Duration::from_secs(60)).expect("refresh store hangs");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("refreshed store"), "{out}");
}

/// Lock files are created 0600 whatever the umask, in `.locks/` as `store.lock` and
/// `link-LINK.lock`.
#[cfg(unix)]
#[tokio::test]
async fn lock_files_are_private_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    expired_on_disk(dir.path(), &fake, "store");
    let locks = dir.path().join(".locks");
    for entry in std::fs::read_dir(&locks).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let (root, url, now) =
        (dir.path().to_str().unwrap().to_string(), format!("{}/api/x", fake.base), NOW.to_string());
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        run_helper(&["apply", &root, "store", &url, &now], &[], true, Duration::from_secs(60))
    })
    .await
    .unwrap();
    assert_eq!((code, out.trim()), (Some(0), "ok"), "{err}");
    let mut names: Vec<String> = std::fs::read_dir(&locks)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["link-store.lock", "store.lock"]);
    for name in &names {
        let mode = std::fs::metadata(locks.join(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}: {mode:o}");
    }
    for file in ["connections.toml", "connection-secrets.toml"] {
        let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}: {mode:o}");
    }
}
