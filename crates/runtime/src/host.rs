//! The `Host` trait: every side effect of a script passes through it.
//! The runtime itself does no IO; the CLI and the sandbox implement hosts.

use chrono::NaiveDateTime;
use std::collections::VecDeque;
use std::time::Duration;

use crate::creator::{Fetch, FormAction};
use crate::Value;

/// An outgoing HTTP request built by `invokeurl`, `getUrl`, `postUrl`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Upper-case method: GET, POST, PUT, PATCH, DELETE.
    pub method: String,
    /// Full URL, query string included.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: HttpBody,
    /// The `connection:` link name, resolved by the host into credentials.
    pub connection: Option<String>,
    pub timeout: Duration,
    /// Responses larger than this must be refused by the host.
    pub max_response_bytes: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HttpBody {
    None,
    /// Raw text body (a `parameters`/`body` given as text).
    Text(String),
    /// `application/x-www-form-urlencoded` fields (a `parameters` map).
    Form(Vec<(String, String)>),
    /// `multipart/form-data` parts (`files`).
    Multipart(Vec<MultipartPart>),
    /// Raw bytes (`body: file`); the file's content type is among the headers.
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MultipartPart {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Everything a script can do to the world. Implementations decide what is
/// real and what is recorded. Calls are synchronous: an async embedder runs the
/// interpreter inside `spawn_blocking`.
pub trait Host {
    /// One `info` line, as it happens.
    fn info(&mut self, line: &str);

    /// The current local date-time in the script's time zone.
    fn now(&mut self) -> NaiveDateTime;

    /// Performs an HTTP request. `Err` is a transport failure (timeout, refused,
    /// host not allowed, …) and becomes a runtime error; HTTP error statuses are `Ok`.
    fn http(&mut self, request: HttpRequest) -> Result<HttpResponse, String> {
        let _ = request;
        Err("outbound HTTP is not available in this host".into())
    }

    /// `sendmail [ … ]`: the task's fields as a map (from, to, subject, message, …).
    fn send_mail(&mut self, mail: &Value) -> Result<(), String> {
        let _ = mail;
        Err("sendmail is not available in this host".into())
    }

    /// An integration task such as `zoho.bigin.getRecordById` (name in lower case,
    /// e.g. `zoho.bigin.getrecordbyid`). API errors come back as `Ok` maps.
    fn integration(&mut self, task: &str, args: &[Value]) -> Result<Value, String> {
        let _ = args;
        Err(format!("{task} is not available in this host"))
    }

    /// System variables such as `zoho.loginuserid` (name in lower case).
    fn system_var(&mut self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }

    /// A call to a `namespace.function(…)` that no file of the project defines (it lives in
    /// the Zoho org or app). `None` means the host has no stand-in either, and the call is a
    /// runtime error naming the function; a test host answers from its stubs.
    fn external_function(&mut self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let _ = (name, args);
        None
    }

    /// Zoho Creator `Form[criteria] …`: the selected records, each a map of field → value
    /// (with `ID`), in order. `Err` (unknown form or field, …) becomes a runtime error.
    fn creator_fetch(&mut self, fetch: &Fetch) -> Result<Vec<Value>, String> {
        Err(format!(
            "fetching records of the Creator form '{}' needs a Creator app: run with --sandbox and a state with a \"creator\" part",
            fetch.form
        ))
    }

    /// `insert into Form [ … ]`: adds a record and returns its new `ID`.
    fn creator_insert(&mut self, form: &str, fields: &[(String, Value)]) -> Result<Value, String> {
        let _ = fields;
        Err(format!(
            "adding a record to the Creator form '{form}' needs a Creator app: run with --sandbox and a state with a \"creator\" part"
        ))
    }

    /// `record.Field = value` on a fetched record of `form` with `id`.
    fn creator_update(
        &mut self,
        form: &str,
        id: &Value,
        field: &str,
        value: &Value,
    ) -> Result<(), String> {
        let _ = (id, field, value);
        Err(format!(
            "updating a record of the Creator form '{form}' needs a Creator app (--sandbox)"
        ))
    }

    /// `delete from Form[criteria]`: removes the selected records; returns how many.
    fn creator_delete(&mut self, fetch: &Fetch) -> Result<usize, String> {
        Err(format!(
            "deleting records of the Creator form '{}' needs a Creator app (--sandbox)",
            fetch.form
        ))
    }

    /// A form action of a Creator form script (`alert`, `cancel submit`, `hide`, …, and `set`
    /// for `input.Field = value`). Hosts record them; `Err` stops the script.
    fn form_action(&mut self, action: &FormAction) -> Result<(), String> {
        let _ = action;
        Ok(())
    }
}

/// A host for tests and embedders: records `info` lines, HTTP requests and
/// mails; answers HTTP from a queue of canned responses; a fixed clock.
#[derive(Debug, Clone)]
pub struct RecordingHost {
    pub info: Vec<String>,
    pub now: NaiveDateTime,
    pub requests: Vec<HttpRequest>,
    pub responses: VecDeque<HttpResponse>,
    pub mails: Vec<Value>,
    /// Form actions (`alert`, `cancel submit`, `set input.F`, …) in order.
    pub actions: Vec<FormAction>,
}

impl Default for RecordingHost {
    fn default() -> RecordingHost {
        RecordingHost {
            info: Vec::new(),
            now: chrono::NaiveDate::from_ymd_opt(2024, 1, 15)
                .and_then(|d| d.and_hms_opt(10, 30, 0))
                .unwrap_or_default(),
            requests: Vec::new(),
            responses: VecDeque::new(),
            mails: Vec::new(),
            actions: Vec::new(),
        }
    }
}

impl Host for RecordingHost {
    fn info(&mut self, line: &str) {
        self.info.push(line.to_string());
    }

    fn now(&mut self) -> NaiveDateTime {
        self.now
    }

    fn http(&mut self, request: HttpRequest) -> Result<HttpResponse, String> {
        let url = request.url.clone();
        self.requests.push(request);
        self.responses.pop_front().ok_or_else(|| format!("no response recorded for {url}"))
    }

    fn send_mail(&mut self, mail: &Value) -> Result<(), String> {
        self.mails.push(mail.clone());
        Ok(())
    }

    fn form_action(&mut self, action: &FormAction) -> Result<(), String> {
        self.actions.push(action.clone());
        Ok(())
    }

    fn system_var(&mut self, name: &str) -> Option<Value> {
        match name {
            "zoho.loginuserid" | "zoho.adminuserid" => Some(Value::from("user@example.com")),
            "zoho.loginuser" | "zoho.adminuser" => Some(Value::from("user")),
            _ => None,
        }
    }
}
