//! What a run did, in order: `info` lines, HTTP exchanges (credentials redacted),
//! mails. `dg test` snapshots its rendering.

use std::fmt::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Info(String),
    Request(Exchange),
    Mail(String),
    /// A Creator form action (`alert`, `cancel submit`, `set input.F = …`, …).
    Form(dg_runtime::creator::FormAction),
    /// A Creator record statement (`insert into`, `delete from`, a field update).
    Record(String),
    /// A stubbed function answered (`dg test` `[case.stubs]`).
    Stub(String),
}

/// One HTTP exchange as recorded: never holds a credential.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    /// Request headers; credential-bearing ones are `[redacted]`.
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub connection: Option<String>,
    /// Where the answer came from: `sandbox`, `mock`, `network`.
    pub served_by: &'static str,
    pub status: Option<u16>,
    pub error: Option<String>,
}

const SECRET_HEADERS: &[&str] =
    &["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token"];

/// Replaces the value of credential-bearing headers.
pub fn redact(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            if SECRET_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s)) {
                let scheme = v.split_once(' ').map(|(s, _)| format!("{s} ")).unwrap_or_default();
                (k.clone(), format!("{scheme}[redacted]"))
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    pub events: Vec<Event>,
}

impl Transcript {
    pub fn info_lines(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Info(l) => Some(l.clone()),
                _ => None,
            })
            .collect()
    }

    /// The form actions of the run, in order.
    pub fn form_actions(&self) -> Vec<&dg_runtime::creator::FormAction> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Form(a) => Some(a),
                _ => None,
            })
            .collect()
    }

    pub fn requests(&self) -> impl Iterator<Item = &Exchange> {
        self.events.iter().filter_map(|e| match e {
            Event::Request(x) => Some(x),
            _ => None,
        })
    }

    /// A readable, deterministic text of the whole run.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for e in &self.events {
            match e {
                Event::Info(l) => {
                    let _ = writeln!(out, "info  {l}");
                }
                Event::Mail(m) => {
                    let _ = writeln!(out, "mail  {m}");
                }
                Event::Form(a) => {
                    let _ = writeln!(out, "form  {}", a.describe());
                }
                Event::Record(r) => {
                    let _ = writeln!(out, "data  {r}");
                }
                Event::Stub(s) => {
                    let _ = writeln!(out, "stub  {s}");
                }
                Event::Request(x) => {
                    let via = x
                        .connection
                        .as_deref()
                        .map(|c| format!("  (connection {c})"))
                        .unwrap_or_default();
                    let _ = writeln!(out, "http  {} {}{via}", x.method, x.url);
                    for (k, v) in &x.headers {
                        let _ = writeln!(out, "      {k}: {v}");
                    }
                    if !x.body.is_empty() {
                        let _ = writeln!(out, "      body: {}", x.body);
                    }
                    match (&x.status, &x.error) {
                        (Some(s), _) => {
                            let _ = writeln!(out, "      → {s} ({})", x.served_by);
                        }
                        (None, Some(e)) => {
                            let _ = writeln!(out, "      → error: {e}");
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }
}
