//! In-process fakes of the Zoho Bigin v2, Books v3, CRM v2 and Creator v2 REST APIs, and
//! the Creator application Deluge record statements (`Form[criteria]`, `insert into`, …)
//! work on.
//!
//! `dg run FILE --sandbox [STATE.json]` routes the HTTP requests that `invokeurl` and the
//! `zoho.bigin.*` / `zoho.books.*` / `zoho.crm.*` integration tasks make to a [`Sandbox`]
//! instead of the network. The sandbox knows nothing about Deluge: it is a pure,
//! synchronous and deterministic fake of the REST APIs. Ids come from a counter and
//! timestamps from a fixed clock, so a run is reproducible byte for byte.
//!
//! ```
//! use dg_sandbox::{Body, Request, Sandbox, Service};
//!
//! let mut sandbox = Sandbox::from_json(
//!     r#"{"bigin": {"Contacts": [{"id": "42", "Last_Name": "Lovelace"}]}}"#,
//! ).unwrap();
//! let token = sandbox.issue_token("bigin_conn", Service::Bigin);
//! let response = sandbox.handle(&Request {
//!     method: "GET".into(),
//!     url: "https://www.zohoapis.eu/bigin/v2/Contacts/42".into(),
//!     headers: vec![("Authorization".into(), format!("Zoho-oauthtoken {token}"))],
//!     body: Body::None,
//! });
//! assert_eq!(response.status, 200);
//! assert!(response.text().contains("Lovelace"));
//! ```
//!
//! `docs/sandbox.md` describes the state format, the routes, the error envelopes and which
//! behaviours are confirmed from Zoho's documentation and which are the project's choices.

#![warn(missing_docs)]

mod attachments;
mod books;
mod books_modules;
mod books_write;
mod coql;
mod counters;
mod creator;
mod creator_rest;
mod criteria;
mod crm_extra;
mod envelope;
mod mock;
mod modules;
mod records;
mod records_upsert;
mod records_write;
mod route;
mod salesiq;
mod sandbox;
mod state;

pub use creator::{
    CompareOp, CreatorApp, CreatorError, CreatorRecord, Criteria, Fetch, TextOp, DEFAULT_APP,
    DEFAULT_OWNER, SYSTEM_FIELDS,
};
pub use creator_rest::parse_criteria;
pub use mock::MockRules;
pub use salesiq::DEFAULT_VISITOR;
pub use sandbox::Sandbox;

/// One of the Zoho services the sandbox fakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// Zoho Bigin, REST API v1/v2 under `https://www.zohoapis.{dc}/bigin/`.
    Bigin,
    /// Zoho Books, REST API v3 under `https://www.zohoapis.{dc}/books/v3/` or the older
    /// `https://books.zoho.{dc}/api/v3/`.
    Books,
    /// Zoho CRM, REST API v2 (any `v*` version segment) under `https://www.zohoapis.{dc}/crm/`.
    Crm,
    /// Zoho Creator, REST API v2/v2.1 under `https://www.zohoapis.{dc}/creator/v2/data/` or
    /// `https://creator.zoho.{dc}/api/v2/`.
    Creator,
}

impl Service {
    /// The lower-case name used in tokens and messages: `bigin`, `books` or `crm`.
    pub fn name(self) -> &'static str {
        match self {
            Service::Bigin => "bigin",
            Service::Books => "books",
            Service::Crm => "crm",
            Service::Creator => "creator",
        }
    }
}

/// An HTTP request as the Deluge host layer builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, `PUT`, `DELETE`, ... (any case).
    pub method: String,
    /// The full URL, query string included.
    pub url: String,
    /// Header names and values; names are compared case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Body,
}

/// The body of a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// A raw body, typically JSON text (`map.toString()` in Deluge).
    Text(String),
    /// Form fields (`application/x-www-form-urlencoded`), already decoded.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` parts (`invokeurl` `files:`, `zoho.crm.attachFile`).
    Multipart(Vec<Part>),
}

/// One part of a [`Body::Multipart`] request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The form field name (`file` for an attachment upload).
    pub name: String,
    /// The file name, for a file part.
    pub file_name: Option<String>,
    /// The part's content type.
    pub content_type: Option<String>,
    /// The content.
    pub content: Vec<u8>,
}

/// An HTTP response from a fake service or a mock rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// Header names and values (`content-type` for every non-empty body).
    pub headers: Vec<(String, String)>,
    /// The body: JSON text from the fakes, a file's bytes for an attachment download, empty
    /// for `204 No Content`.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text (UTF-8; invalid bytes become U+FFFD).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Why a state file or a mock-rule file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxError {
    /// The text is not valid JSON or a value has the wrong type; `line` and `column` are
    /// 1-based and point at (or just after) the offending value.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The JSON is well formed but a value is not acceptable; `path` names it
    /// (`bigin.Contacts[2].id`).
    #[error("{path}: {message}")]
    Invalid {
        /// Where the value is, as a dotted path with list indexes.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl SandboxError {
    /// Converts a serde_json error, moving its position out of the message.
    pub(crate) fn from_json_error(err: &serde_json::Error) -> SandboxError {
        let text = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
        SandboxError::Syntax { line: err.line(), column: err.column(), message }
    }
}
