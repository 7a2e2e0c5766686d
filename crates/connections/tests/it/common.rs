//! A fake OAuth 2 authorization server and API on 127.0.0.1 (axum), shared by the tests.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use base64::Engine as _;
use sha2::Digest as _;

pub const CLIENT_ID: &str = "client-123";
pub const CLIENT_SECRET: &str = "client-secret-456";
/// The time of every test's clock (2027-01-15T08:00:00Z).
pub const NOW: i64 = 1_800_000_000;

/// A clock standing at [`NOW`].
pub fn clock() -> std::sync::Arc<dyn dg_connections::Clock> {
    std::sync::Arc::new(dg_connections::FixedClock::new(NOW))
}

/// One request the fake API received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// How the token endpoint answers refresh requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshMode {
    /// 200 with a new access token, `expires_in` as a string, no new refresh token.
    Ok,
    /// 400 `invalid_grant`, echoing the refresh token in the description.
    InvalidGrant,
    /// 200 carrying `{"error":"invalid_code"}` (Zoho style).
    ErrorIn200,
    /// 500 `server_error` with [`FakeState::error_description`].
    ServerError,
}

#[derive(Debug)]
pub struct FakeState {
    pub refreshes: AtomicUsize,
    pub code_exchanges: AtomicUsize,
    pub client_credentials: AtomicUsize,
    pub refresh_delay_ms: AtomicU64,
    pub refresh_mode: Mutex<RefreshMode>,
    /// code -> (code_challenge, redirect_uri)
    pub codes: Mutex<HashMap<String, (String, String)>>,
    /// (path, authorization header, raw query) of every API hit.
    pub api_hits: Mutex<Vec<(String, Option<String>, String)>>,
    /// Extra query parameters appended to the authorization redirect.
    pub redirect_extra: Mutex<String>,
    /// Extra JSON fields of code-exchange answers.
    pub token_extra: Mutex<serde_json::Map<String, serde_json::Value>>,
    /// Where `/redirect` sends the client.
    pub redirect_target: Mutex<String>,
    /// Tokens received by `/revoke` (form body or query).
    pub revoked: Mutex<Vec<String>>,
    /// The API answers 401 to an Authorization header containing this token.
    pub rejected_token: Mutex<Option<String>>,
    /// Every API request in full.
    pub requests: Mutex<Vec<Recorded>>,
    /// Status of `/redirect` answers (302 unless set).
    pub redirect_status: AtomicU16,
    /// `/redirect` appends its own query string to the target.
    pub redirect_echo_query: AtomicBool,
    /// `error_description` of failed refreshes (InvalidGrant, ServerError) when set.
    pub error_description: Mutex<Option<String>>,
    next: AtomicUsize,
}

pub struct Fake {
    pub addr: SocketAddr,
    pub base: String,
    pub state: Arc<FakeState>,
}

impl Fake {
    pub async fn start() -> Fake {
        let state = Arc::new(FakeState {
            refreshes: AtomicUsize::new(0),
            code_exchanges: AtomicUsize::new(0),
            client_credentials: AtomicUsize::new(0),
            refresh_delay_ms: AtomicU64::new(0),
            refresh_mode: Mutex::new(RefreshMode::Ok),
            codes: Mutex::new(HashMap::new()),
            api_hits: Mutex::new(Vec::new()),
            redirect_extra: Mutex::new(String::new()),
            token_extra: Mutex::new(serde_json::Map::new()),
            redirect_target: Mutex::new(String::new()),
            rejected_token: Mutex::new(None),
            revoked: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            redirect_status: AtomicU16::new(302),
            redirect_echo_query: AtomicBool::new(false),
            error_description: Mutex::new(None),
            next: AtomicUsize::new(1),
        });
        let app = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/oauth/v2/auth", get(authorize))
            .route("/oauth/v2/token", post(token))
            .route("/redirect", any(redirect))
            .route("/revoke", post(revoke))
            .fallback(api)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Fake { addr, base: format!("http://{addr}"), state }
    }

    /// A custom OAuth service description pointing at this server.
    pub fn oauth_service(&self, name: &str, grant: &str, client_auth: &str) -> String {
        let b = &self.base;
        format!(
            "name = \"{name}\"\nauth = \"oauth2\"\nbase_url = \"{b}/api\"\nscopes = [\"read\", \"write\"]\n\
             default_scopes = [\"read\"]\n\n[oauth2]\ngrant = \"{grant}\"\nauthorization_url = \"{b}/authorize\"\n\
             token_url = \"{b}/token\"\nrevoke_url = \"{b}/revoke\"\nclient_auth = \"{client_auth}\"\n"
        )
    }

    pub fn hits(&self) -> Vec<(String, Option<String>, String)> {
        self.state.api_hits.lock().unwrap().clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }
}

async fn authorize(
    State(st): State<Arc<FakeState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if q.get("response_type").map(String::as_str) != Some("code")
        || q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || q.get("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let n = st.next.fetch_add(1, Ordering::SeqCst);
    let code = format!("code-{n}");
    let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
    let challenge = q.get("code_challenge").cloned().unwrap_or_default();
    st.codes.lock().unwrap().insert(code.clone(), (challenge, redirect_uri.clone()));
    let state = q.get("state").cloned().unwrap_or_default();
    let extra = st.redirect_extra.lock().unwrap().clone();
    let location = format!("{redirect_uri}?code={code}&state={state}{extra}");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn client_ok(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let expect = base64::engine::general_purpose::STANDARD
            .encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
        return auth == format!("Basic {expect}");
    }
    form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
}

fn json(status: StatusCode, v: serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

async fn token(
    State(st): State<Arc<FakeState>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !client_ok(&headers, &form) {
        return json(StatusCode::UNAUTHORIZED, serde_json::json!({"error": "invalid_client"}));
    }
    let n = st.next.fetch_add(1, Ordering::SeqCst);
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            st.code_exchanges.fetch_add(1, Ordering::SeqCst);
            let code = form.get("code").cloned().unwrap_or_default();
            let Some((challenge, redirect_uri)) = st.codes.lock().unwrap().remove(&code) else {
                return json(StatusCode::OK, serde_json::json!({"error": "invalid_code"}));
            };
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(verifier.as_bytes()));
            let redirect_ok = form.get("redirect_uri").cloned().unwrap_or_default() == redirect_uri;
            if !(challenge.is_empty() || computed == challenge) || !redirect_ok {
                return json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"error": "invalid_grant", "error_description": "PKCE or redirect_uri mismatch"}),
                );
            }
            let mut body = serde_json::json!({
                "access_token": format!("at-{n}-CANARYAT"), "refresh_token": "rt-1",
                "expires_in": "3600", "token_type": "Bearer", "scope": "read write"
            });
            if let serde_json::Value::Object(map) = &mut body {
                map.extend(st.token_extra.lock().unwrap().clone());
            }
            json(StatusCode::OK, body)
        }
        Some("refresh_token") => {
            st.refreshes.fetch_add(1, Ordering::SeqCst);
            let delay = st.refresh_delay_ms.load(Ordering::SeqCst);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            let rt = form.get("refresh_token").cloned().unwrap_or_default();
            match *st.refresh_mode.lock().unwrap() {
                RefreshMode::Ok => json(
                    StatusCode::OK,
                    serde_json::json!({
                        "access_token": format!("at-{n}-CANARYAT"), "expires_in": "3600", "token_type": "Bearer"
                    }),
                ),
                RefreshMode::InvalidGrant => {
                    let desc = st.error_description.lock().unwrap().clone();
                    json(
                        StatusCode::BAD_REQUEST,
                        serde_json::json!({
                            "error": "invalid_grant",
                            "error_description": desc.unwrap_or_else(|| format!("token {rt} is revoked"))
                        }),
                    )
                }
                RefreshMode::ServerError => {
                    let desc = st.error_description.lock().unwrap().clone().unwrap_or_default();
                    json(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        serde_json::json!({"error": "server_error", "error_description": desc}),
                    )
                }
                RefreshMode::ErrorIn200 => {
                    json(StatusCode::OK, serde_json::json!({"error": "invalid_code"}))
                }
            }
        }
        Some("client_credentials") => {
            st.client_credentials.fetch_add(1, Ordering::SeqCst);
            json(
                StatusCode::OK,
                serde_json::json!({"access_token": format!("cc-{n}"), "expires_in": 3600}),
            )
        }
        _ => json(StatusCode::BAD_REQUEST, serde_json::json!({"error": "unsupported_grant_type"})),
    }
}

async fn revoke(
    State(st): State<Arc<FakeState>>,
    Query(q): Query<HashMap<String, String>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    match form.get("token").or(q.get("token")) {
        Some(t) => {
            st.revoked.lock().unwrap().push(t.clone());
            (StatusCode::OK, "").into_response()
        }
        None => (StatusCode::BAD_REQUEST, "").into_response(),
    }
}

async fn redirect(State(st): State<Arc<FakeState>>, uri: Uri) -> Response {
    let mut target = st.redirect_target.lock().unwrap().clone();
    if st.redirect_echo_query.load(Ordering::SeqCst) {
        if let Some(q) = uri.query() {
            target.push(if target.contains('?') { '&' } else { '?' });
            target.push_str(q);
        }
    }
    let status = StatusCode::from_u16(st.redirect_status.load(Ordering::SeqCst))
        .unwrap_or(StatusCode::FOUND);
    (status, [(header::LOCATION, target)]).into_response()
}

async fn api(
    State(st): State<Arc<FakeState>>,
    method: axum::http::Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let query = uri.query().unwrap_or_default().to_string();
    st.requests.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: query.clone(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    st.api_hits.lock().unwrap().push((uri.path().to_string(), auth.clone(), query));
    let rejected = st.rejected_token.lock().unwrap().clone();
    if rejected.is_some_and(|r| auth.is_some_and(|a| a.contains(&r))) {
        return (StatusCode::UNAUTHORIZED, "{\"code\":\"INVALID_TOKEN\"}").into_response();
    }
    (StatusCode::OK, "ok").into_response()
}

/// Runs the helper binary with `args` (under `umask 000` when asked, through `sh`), killing
/// it after `timeout`: returns (exit code, stdout, stderr), or panics on a timeout, so a
/// deadlock fails the test instead of hanging it.
pub fn run_helper(
    args: &[&str],
    envs: &[(&str, &str)],
    umask_000: bool,
    timeout: Duration,
) -> (Option<i32>, String, String) {
    use std::io::Read as _;
    let helper = env!("CARGO_BIN_EXE_dg_connections_helper");
    let mut cmd = if umask_000 {
        let mut c = std::process::Command::new("sh");
        c.args(["-c", "umask 000 && exec \"$0\" \"$@\"", helper]);
        c
    } else {
        std::process::Command::new(helper)
    };
    cmd.args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("helper starts");
    let deadline = std::time::Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("helper {args:?} still running after {timeout:?} (deadlock?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (mut out, mut err) = (String::new(), String::new());
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (status.code(), out, err)
}
