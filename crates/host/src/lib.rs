//! The `dg` host: how scripts reach the world.
//!
//! * **Real mode**: `invokeurl` and integration tasks go over HTTPS (reqwest, one
//!   client and runtime per host), authenticated by the connection registry; a
//!   credential is only sent to its service's hosts, redirects to other hosts drop it.
//! * **Offline mode** (`--sandbox` and/or `--mock`): Zoho calls are served by the
//!   in-process [`dg_sandbox::Sandbox`], other URLs by mock rules; a request nothing
//!   serves is an error showing the request. Nothing leaves the process.
//!
//! Every run keeps a [`Transcript`] (info lines, requests with credentials redacted,
//! mails) for `dg test` snapshots.

pub mod creator;
mod net;
pub mod tasks;
mod tasks_more;
mod transcript;

use chrono::NaiveDateTime;
use dg_connections::Registry;
use dg_runtime::value::{to_json, to_json_string};
use dg_runtime::{Host, HttpBody, HttpRequest, HttpResponse, Value};
use dg_sandbox::{MockRules, Sandbox};
use std::collections::BTreeSet;
use std::io::Write;

pub use transcript::{redact, Event, Exchange, Transcript};

/// Where requests go.
pub enum Mode {
    /// The network, authenticated through the registry (opened from `DG_HOME` or the
    /// config directory on first use when `None`, so runs without HTTP never read it).
    Real(Option<Box<Registry>>),
    /// The sandbox and mock rules only.
    Offline { sandbox: Option<Box<Sandbox>>, mocks: Option<MockRules> },
}

pub struct DgHost {
    mode: Mode,
    /// Print `info` lines to stdout as they happen.
    pub echo_info: bool,
    /// A fixed clock; else the system clock (UTC).
    pub now: Option<NaiveDateTime>,
    /// The user `zoho.loginuserid` and friends report.
    pub user: String,
    pub transcript: Transcript,
    /// Notes for the user (sandbox connections provisioned, …), printed on stderr by the CLI.
    pub notes: Vec<String>,
    provisioned: BTreeSet<String>,
    net: Option<net::Net>,
    /// Fixed return values of `thisapp.`/`standalone.` functions no project file defines
    /// (`dg test` `[case.stubs]`), by qualified name (case-insensitive).
    pub stubs: Vec<(String, Value)>,
    /// CRM writes that asked for `trigger: ["workflow"]` and succeeded, oldest first;
    /// `dg test` fires the project's rules for them.
    pub workflow_events: Vec<WorkflowEvent>,
}

/// A record written with `trigger: ["workflow"]`: the workflow rules of its module may run.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowEvent {
    pub module: String,
    /// `create` or `edit`.
    pub event: &'static str,
    pub id: String,
    /// The fields the write set.
    pub changed: Vec<String>,
}

impl DgHost {
    pub fn new(mode: Mode) -> DgHost {
        DgHost {
            mode,
            echo_info: false,
            now: None,
            user: "user@example.com".into(),
            transcript: Transcript::default(),
            notes: Vec::new(),
            provisioned: BTreeSet::new(),
            net: None,
            stubs: Vec::new(),
            workflow_events: Vec::new(),
        }
    }

    /// The sandbox, in offline mode with one, for changes (`dg test` form submissions).
    pub fn sandbox_mut(&mut self) -> Option<&mut Sandbox> {
        match &mut self.mode {
            Mode::Offline { sandbox: Some(s), .. } => Some(s),
            _ => None,
        }
    }

    /// The sandbox, in offline mode with one.
    pub fn sandbox(&self) -> Option<&Sandbox> {
        match &self.mode {
            Mode::Offline { sandbox: Some(s), .. } => Some(s),
            _ => None,
        }
    }

    /// The sandbox that holds the Creator app, or why there is none.
    /// `thisapp.permissions.<name>(…)`, answered from the sandbox state's
    /// `creator.permissions` for the run's user (`zoho.loginuserid`); recorded in the
    /// transcript.
    fn permission(&mut self, name: &str, args: &[Value]) -> Result<Value, String> {
        let Mode::Offline { sandbox: Some(sandbox), .. } = &self.mode else {
            return Err(format!(
                "thisapp.permissions.{name} asks Zoho Creator about the app's users; dg answers it from the sandbox only: add --sandbox STATE.json with creator.permissions (see docs/creator.md)"
            ));
        };
        let texts: Vec<String> = args.iter().map(Value::to_display).collect();
        let answer = sandbox.creator().permission(name, &texts, &self.user);
        let shown: Vec<String> = args.iter().map(to_json_string).collect();
        let outcome = match &answer {
            Ok(v) => creator::json_to_value(v).to_display(),
            Err(e) => format!("error: {e}"),
        };
        self.transcript.events.push(Event::Record(format!(
            "thisapp.permissions.{name}({}) → {outcome}",
            shown.join(", ")
        )));
        answer.map(|v| creator::json_to_value(&v))
    }

    /// Records the successful rows of a write that asked for workflow rules.
    fn note_workflow(&mut self, write: &tasks::WorkflowWrite, body: &str) {
        let Ok(serde_json::Value::Object(parsed)) = serde_json::from_str(body) else { return };
        let Some(serde_json::Value::Array(entries)) = parsed.get("data") else { return };
        for (i, entry) in entries.iter().enumerate() {
            if entry.get("status").and_then(|s| s.as_str()) != Some("success") {
                continue;
            }
            let (row_id, changed) = write.rows.get(i).cloned().unwrap_or_default();
            let id = match entry.pointer("/details/id") {
                Some(serde_json::Value::String(id)) => id.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => match row_id {
                    Some(id) => id,
                    None => continue,
                },
            };
            let event = if write.create { "create" } else { "edit" };
            self.transcript
                .events
                .push(Event::Record(format!("workflow trigger: {} {id} {event}", write.module)));
            self.workflow_events.push(WorkflowEvent {
                module: write.module.clone(),
                event,
                id,
                changed,
            });
        }
    }

    /// `zoho.salesiq.visitorsession.get(portal, key)` / `.set(portal, map)`: the sandbox's
    /// store for the current visitor (`salesiq` in the state).
    fn visitor_session(&mut self, task: &str, op: &str, args: &[Value]) -> Result<Value, String> {
        let Mode::Offline { sandbox: Some(sandbox), .. } = &mut self.mode else {
            return Err(format!(
                "{task} works inside a SalesIQ chat only; dg answers it from the sandbox: add --sandbox STATE.json (see docs/sandbox.md#salesiq)"
            ));
        };
        let portal = match args.first() {
            Some(Value::Null) | None => return Err(format!("{task}: the portal name is missing")),
            Some(v) => v.to_display(),
        };
        let data = match (op, args.get(1)) {
            ("get", Some(key @ (Value::Text(_) | Value::Int(_)))) => {
                let key = key.to_display();
                let mut data = serde_json::Map::new();
                if let Some(value) = sandbox.visitor_session_get(&key) {
                    data.insert(key, value);
                }
                data
            }
            ("set", Some(Value::Map(_))) => {
                let Some(serde_json::Value::Object(values)) = args.get(1).map(to_json) else {
                    return Err(format!("{task}: the session data must be a map"));
                };
                sandbox.visitor_session_set(&values);
                values
            }
            ("get", _) => return Err(format!("{task}: the key (argument 2) must be text")),
            ("set", _) => {
                return Err(format!("{task}: the session data (argument 2) must be a map"))
            }
            _ => return Err(format!("{task} is not supported outside Zoho yet")),
        };
        let answer = serde_json::json!({
            "url": format!("/api/v2/{portal}/visitorsessions"),
            "object": "session",
            "data": data,
        });
        self.transcript.events.push(Event::Record(format!(
            "salesiq visitor {}: {op} {}",
            sandbox.visitor(),
            answer["data"]
        )));
        Ok(dg_runtime::value::from_json(&answer))
    }

    /// `zoho.crm.invokeConnector(name, map)`: answered by a mock rule for
    /// `connector://NAME` (the map as the JSON body); `crm.set` without a rule sets a
    /// sandbox org variable. The answer is `{"status_code": "<status>", "response": "<body>"}`.
    fn invoke_connector(&mut self, args: &[Value]) -> Result<Value, String> {
        let name = match args.first() {
            Some(Value::Null) | None => {
                return Err("zoho.crm.invokeConnector: the connector API name is missing".into())
            }
            Some(v) => v.to_display(),
        };
        let params = args.get(1).cloned().unwrap_or_else(Value::empty_map);
        let url = format!("connector://{name}");
        let body = to_json_string(&params);
        let mut record = Exchange {
            method: "POST".into(),
            url: url.clone(),
            headers: vec![],
            body: body.clone(),
            connection: None,
            served_by: "mock",
            status: None,
            error: None,
        };
        let answered = match &mut self.mode {
            Mode::Offline { sandbox, mocks } => {
                let req = dg_sandbox::Request {
                    method: "POST".into(),
                    url: url.clone(),
                    headers: vec![("Content-Type".into(), "application/json".into())],
                    body: dg_sandbox::Body::Text(body),
                };
                match (mocks.as_ref().and_then(|m| m.respond(&req)), sandbox) {
                    (Some(resp), _) => Ok((resp.status, resp.text().into_owned())),
                    (None, Some(sandbox)) if name.eq_ignore_ascii_case("crm.set") => {
                        record.served_by = "sandbox";
                        crm_set(sandbox, &params)
                    }
                    _ => Err(format!(
                        "zoho.crm.invokeConnector(\"{name}\"): no mock rule answers {url}; add {{\"url\": \"{url}\", \"body\": …}} to the --mock rules (see docs/sandbox.md#connectors)"
                    )),
                }
            }
            Mode::Real(_) => Err(format!(
                "zoho.crm.invokeConnector(\"{name}\"): connectors run inside Zoho only; dg answers them from --mock rules for {url} (see docs/sandbox.md#connectors)"
            )),
        };
        match &answered {
            Ok((status, _)) => record.status = Some(*status),
            Err(e) => record.error = Some(e.clone()),
        }
        self.transcript.events.push(Event::Request(record));
        let (status, body) = answered?;
        Ok(Value::map_from([
            ("status_code", Value::text(status.to_string())),
            ("response", Value::text(body)),
        ]))
    }

    fn creator_sandbox(&mut self, form: &str) -> Result<&mut Sandbox, String> {
        match &mut self.mode {
            Mode::Offline { sandbox: Some(s), .. } => Ok(s),
            _ => Err(format!(
                "the Creator form '{form}' lives in a Zoho Creator app; dg runs Creator record statements against the sandbox only: add --sandbox STATE.json with a \"creator\" part (see docs/creator.md)"
            )),
        }
    }

    fn exchange(&mut self, req: HttpRequest) -> Result<HttpResponse, String> {
        let mut record = Exchange {
            method: req.method.clone(),
            url: redact_url_password(&req.url),
            headers: redact(&req.headers),
            body: body_text(&req.body),
            connection: req.connection.clone(),
            served_by: "",
            status: None,
            error: None,
        };
        let res = match &mut self.mode {
            Mode::Offline { sandbox, mocks } => offline(
                sandbox.as_deref_mut(),
                mocks.as_ref(),
                &req,
                &mut record,
                &mut self.provisioned,
                &mut self.notes,
            ),
            Mode::Real(registry) => {
                record.served_by = "network";
                open_registry(registry).and_then(|registry| {
                    let net = match &mut self.net {
                        Some(n) => n,
                        None => self.net.insert(net::Net::new()?),
                    };
                    net.send(registry, &req)
                })
            }
        };
        match &res {
            Ok(r) => record.status = Some(r.status),
            Err(e) => record.error = Some(e.clone()),
        }
        self.transcript.events.push(Event::Request(record));
        res
    }

    fn api_domain(&self, link: Option<&str>) -> String {
        const DEFAULT: &str = "https://www.zohoapis.com";
        let Mode::Real(Some(registry)) = &self.mode else { return DEFAULT.into() };
        let dc = link.and_then(|l| registry.connection(l)).and_then(|c| c.dc);
        match dc {
            Some(dc) => registry
                .data_centres()
                .iter()
                .find(|d| d.code == dc)
                .map(|d| d.api_domain.clone())
                .unwrap_or_else(|| DEFAULT.into()),
            None => DEFAULT.into(),
        }
    }
}

/// The registry of real mode, opened from `DG_HOME` (or the config directory) on first use.
fn open_registry(slot: &mut Option<Box<Registry>>) -> Result<&Registry, String> {
    if slot.is_none() {
        *slot = Some(Box::new(Registry::open_default().map_err(|e| e.to_string())?));
    }
    slot.as_deref().ok_or_else(|| "the connection registry is not open".to_string())
}

/// The URL as recorded: a password in its user info (`user:password@host`) is replaced.
fn redact_url_password(url: &str) -> String {
    match dg_connections::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("redacted"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

fn body_text(body: &HttpBody) -> String {
    match body {
        HttpBody::None => String::new(),
        HttpBody::Text(t) => t.clone(),
        // Decoded, so snapshots stay readable.
        HttpBody::Form(pairs) => {
            pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
        }
        HttpBody::Multipart(parts) => parts
            .iter()
            .map(|p| match (&p.file_name, &p.content_type) {
                (Some(f), Some(t)) => {
                    format!("[part {}: {f}, {t}, {} bytes]", p.name, p.content.len())
                }
                (Some(f), None) => format!("[part {}: {f}, {} bytes]", p.name, p.content.len()),
                _ => format!("[part {}: {} bytes]", p.name, p.content.len()),
            })
            .collect::<Vec<_>>()
            .join(" "),
        HttpBody::Bytes(b) => format!("[{} bytes]", b.len()),
    }
}

/// The mail as recorded: FILE attachments become `{"file_name", "content_type", "size"}`
/// (never their bytes); every other field as the script gave it. Also whether there was a
/// file.
fn mail_json(mail: &Value) -> (serde_json::Value, bool) {
    let mut json = dg_runtime::value::to_json(mail);
    let mut has_files = false;
    if let (Value::Map(m), serde_json::Value::Object(out)) = (mail, &mut json) {
        for (key, value) in m.borrow().iter() {
            if key.as_str().is_some_and(|k| k.eq_ignore_ascii_case("attachments")) {
                let described = describe_files(value, 0);
                has_files |= described != dg_runtime::value::to_json(value);
                out.insert(key.to_display(), described);
            }
        }
    }
    (json, has_files)
}

/// A value with every FILE in it (in lists and `{"file": f}` maps, a few levels deep)
/// described by name, content type and size.
fn describe_files(value: &Value, depth: usize) -> serde_json::Value {
    match value {
        Value::File(f) => serde_json::json!({
            "file_name": f.name(),
            "content_type": f.content_type(),
            "size": f.len(),
        }),
        Value::List(items) if depth < 4 => serde_json::Value::Array(
            items.borrow().iter().map(|v| describe_files(v, depth + 1)).collect(),
        ),
        Value::Map(m) if depth < 4 => serde_json::Value::Object(
            m.borrow()
                .iter()
                .map(|(k, v)| (k.to_display(), describe_files(v, depth + 1)))
                .collect(),
        ),
        other => dg_runtime::value::to_json(other),
    }
}

fn offline(
    sandbox: Option<&mut Sandbox>,
    mocks: Option<&MockRules>,
    req: &HttpRequest,
    record: &mut Exchange,
    provisioned: &mut BTreeSet<String>,
    notes: &mut Vec<String>,
) -> Result<HttpResponse, String> {
    let mut sreq = dg_sandbox::Request {
        method: req.method.clone(),
        url: req.url.clone(),
        headers: req.headers.clone(),
        body: match &req.body {
            HttpBody::None => dg_sandbox::Body::None,
            HttpBody::Text(t) => dg_sandbox::Body::Text(t.clone()),
            HttpBody::Form(f) => dg_sandbox::Body::Form(f.clone()),
            HttpBody::Multipart(parts) => dg_sandbox::Body::Multipart(
                parts
                    .iter()
                    .map(|p| dg_sandbox::Part {
                        name: p.name.clone(),
                        file_name: p.file_name.clone(),
                        content_type: p.content_type.clone(),
                        content: p.content.clone(),
                    })
                    .collect(),
            ),
            HttpBody::Bytes(b) => dg_sandbox::Body::Text(String::from_utf8_lossy(b).into_owned()),
        },
    };
    if let Some(resp) = mocks.and_then(|m| m.respond(&sreq)) {
        record.served_by = "mock";
        return Ok(HttpResponse { status: resp.status, headers: resp.headers, body: resp.body });
    }
    if let (Some(sandbox), Some(service)) = (sandbox, Sandbox::service_for_url(&req.url)) {
        record.served_by = "sandbox";
        if let Some(link) = &req.connection {
            let token = sandbox.issue_token(link, service);
            if provisioned.insert(link.clone()) {
                notes.push(format!(
                    "sandbox: connection '{link}' is served by the sandbox {service:?} fake"
                ));
            }
            sreq.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
            sreq.headers.push(("Authorization".into(), format!("Zoho-oauthtoken {token}")));
        }
        let resp = sandbox.handle(&sreq);
        return Ok(HttpResponse { status: resp.status, headers: resp.headers, body: resp.body });
    }
    Err(format!(
        "offline run: nothing serves {} {} (add a mock rule; the sandbox serves Zoho Bigin, Books and CRM URLs)",
        req.method, req.url
    ))
}

impl Host for DgHost {
    fn info(&mut self, line: &str) {
        if self.echo_info {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
        }
        self.transcript.events.push(Event::Info(line.to_string()));
    }

    fn now(&mut self) -> NaiveDateTime {
        self.now.unwrap_or_else(|| chrono::Utc::now().naive_utc())
    }

    fn http(&mut self, request: HttpRequest) -> Result<HttpResponse, String> {
        self.exchange(request)
    }

    fn send_mail(&mut self, mail: &Value) -> Result<(), String> {
        let (json, has_files) = mail_json(mail);
        // Without files the transcript keeps Deluge's own JSON printing.
        let text = if has_files { json.to_string() } else { to_json_string(mail) };
        self.transcript.events.push(Event::Mail(text));
        match &mut self.mode {
            Mode::Offline { sandbox: Some(s), .. } => {
                s.record_mail(json);
                Ok(())
            }
            Mode::Offline { .. } => Ok(()),
            Mode::Real(_) => {
                self.notes.push(
                    "sendmail: recorded, not sent (dg has no mail transport; --sandbox keeps an outbox)"
                        .into(),
                );
                Ok(())
            }
        }
    }

    fn integration(&mut self, task: &str, args: &[Value]) -> Result<Value, String> {
        if let Some(name) = task.strip_prefix("thisapp.permissions.") {
            return self.permission(name, args);
        }
        if let Some(op) = task.strip_prefix("zoho.salesiq.visitorsession.") {
            return self.visitor_session(task, op, args);
        }
        if matches!(task, "zoho.crm.invokeconnector" | "zoho.crm.v8.invokeconnector") {
            return self.invoke_connector(args);
        }
        let plan = tasks::plan(task, args)?;
        if let Mode::Real(registry) = &mut self.mode {
            open_registry(registry)?;
        }
        let link = plan.connection.clone().unwrap_or_else(|| plan.product.service().to_string());
        let mut domain = self.api_domain(Some(&link));
        if let Some(prefix) = plan.product.host_prefix() {
            // Creator, Desk, Projects and Sheet live on their own hosts
            // (creator.zoho.{dc}, desk.zoho.{dc}, ...), their services' hosts.
            domain = domain.replacen("://www.zohoapis.", &format!("://{prefix}"), 1);
        }
        let mut url = format!("{domain}{}", plan.path);
        if !plan.query.is_empty() {
            url.push('?');
            url.push_str(
                &form_urlencoded::Serializer::new(String::new()).extend_pairs(&plan.query).finish(),
            );
        }
        let (mut headers, body) = match &plan.body {
            tasks::PlannedBody::None => (vec![], HttpBody::None),
            tasks::PlannedBody::Json(j) => (
                vec![("Content-Type".to_string(), "application/json".to_string())],
                HttpBody::Text(j.clone()),
            ),
            tasks::PlannedBody::Form(f) => (vec![], HttpBody::Form(f.clone())),
            tasks::PlannedBody::Multipart(parts) => (vec![], HttpBody::Multipart(parts.clone())),
        };
        headers.extend(plan.extra.headers.iter().cloned());
        let req = HttpRequest {
            method: plan.method.into(),
            url,
            headers,
            body,
            connection: Some(link),
            timeout: std::time::Duration::from_secs(40),
            max_response_bytes: 15 * 1024 * 1024,
        };
        let resp = self.exchange(req)?;
        let body = String::from_utf8_lossy(&resp.body);
        if let Some(write) = &plan.extra.workflow {
            self.note_workflow(write, &body);
        }
        Ok(tasks::shape_response_picking(
            plan.shape,
            plan.extra.pick.as_deref(),
            resp.status,
            &body,
        ))
    }

    fn creator_fetch(&mut self, fetch: &dg_runtime::creator::Fetch) -> Result<Vec<Value>, String> {
        let sandbox = self.creator_sandbox(&fetch.form)?;
        creator::fetch(sandbox, fetch)
    }

    fn creator_insert(&mut self, form: &str, fields: &[(String, Value)]) -> Result<Value, String> {
        let sandbox = self.creator_sandbox(form)?;
        let id = creator::insert(sandbox, form, fields)?;
        let shown: Vec<String> =
            fields.iter().map(|(k, v)| format!("{k}: {}", to_json_string(v))).collect();
        self.transcript.events.push(Event::Record(format!(
            "insert into {form} ID {} {{{}}}",
            id.to_display(),
            shown.join(", ")
        )));
        Ok(id)
    }

    fn creator_update(
        &mut self,
        form: &str,
        id: &Value,
        field: &str,
        value: &Value,
    ) -> Result<(), String> {
        let sandbox = self.creator_sandbox(form)?;
        creator::update(sandbox, form, id, field, value)?;
        self.transcript.events.push(Event::Record(format!(
            "update {form} ID {} {field} = {}",
            id.to_display(),
            to_json_string(value)
        )));
        Ok(())
    }

    fn creator_delete(&mut self, fetch: &dg_runtime::creator::Fetch) -> Result<usize, String> {
        let sandbox = self.creator_sandbox(&fetch.form)?;
        let n = creator::delete(sandbox, fetch)?;
        self.transcript
            .events
            .push(Event::Record(format!("delete from {}: {n} record(s)", fetch.form)));
        Ok(n)
    }

    fn external_function(&mut self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let _ = args;
        let (_, value) = self.stubs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        self.transcript.events.push(Event::Stub(format!("{name}(…) → {}", to_json_string(value))));
        Some(Ok(value.clone()))
    }

    fn form_action(&mut self, action: &dg_runtime::creator::FormAction) -> Result<(), String> {
        self.transcript.events.push(Event::Form(action.clone()));
        Ok(())
    }

    fn system_var(&mut self, name: &str) -> Option<Value> {
        if let (Some(sandbox), "zoho.appname" | "zoho.appuri") = (self.sandbox(), name) {
            let app = sandbox.creator();
            return Some(Value::text(match name {
                "zoho.appname" => app.app().to_string(),
                _ => format!("/{}/{}/", app.owner(), app.app()),
            }));
        }
        match name {
            "zoho.loginuserid" | "zoho.adminuserid" => Some(Value::text(self.user.as_str())),
            "zoho.loginuser" | "zoho.adminuser" => {
                Some(Value::text(self.user.split('@').next().unwrap_or("user")))
            }
            _ => None,
        }
    }
}

/// The built-in `crm.set` connector API: `{"apiname": name, "value": value}` sets an org
/// variable; the answer is Zoho's documented text.
fn crm_set(sandbox: &mut Sandbox, params: &Value) -> Result<(u16, String), String> {
    let Value::Map(m) = params else {
        return Err("zoho.crm.invokeConnector(\"crm.set\"): the parameters must be a map".into());
    };
    let m = m.borrow();
    let name = m.get(&Value::from("apiname")).map(Value::to_display).unwrap_or_default();
    if name.is_empty() {
        return Err("zoho.crm.invokeConnector(\"crm.set\"): the map needs an \"apiname\"".into());
    }
    let value = m.get(&Value::from("value")).map(to_json).unwrap_or(serde_json::Value::Null);
    let shown = match &value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    sandbox.set_org_variable(&name, value);
    let body =
        serde_json::json!({ name.clone(): shown, "message": "New value updated successfully." });
    Ok((200, body.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn recorded_urls_hide_passwords() {
        assert_eq!(
            super::redact_url_password("https://me:S3CRET-pw@api.example.com/x?a=1"),
            "https://me:redacted@api.example.com/x?a=1"
        );
        assert_eq!(
            super::redact_url_password("https://api.example.com/x"),
            "https://api.example.com/x"
        );
        assert_eq!(super::redact_url_password("not a url"), "not a url");
    }
}
