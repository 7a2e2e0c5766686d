//! Diagnostics as you type: a worker thread re-checks a document's project after a quiet
//! period and publishes diagnostics for every open document of that project.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use dg_runtime::{CheckOptions, Project};
use dg_syntax::Severity;
use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, Uri,
};

use crate::text::LineIndex;
use crate::workspace::{FileText, Files};

/// What the request loop tells the worker.
pub enum Event {
    /// A document was opened or changed: its new text.
    Changed(FileText),
    /// A document was closed: its diagnostics are cleared.
    Closed(Uri),
    /// A file changed on disk: re-check every open document.
    DiskChanged,
}

/// The LSP form of one diagnostic. The code is the id (`E0101`), the message ends with the
/// name (`[missing-semicolon]`) and the help; `data` keeps the name and help for code actions.
pub fn to_lsp(
    d: &dg_syntax::Diagnostic,
    uri: &Uri,
    text: &str,
    lines: &LineIndex,
) -> lsp_types::Diagnostic {
    let mut message = format!("{} [{}]", d.message, d.code.name());
    if let Some(label) = &d.label {
        message.push_str(&format!("\n{label}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(text, r.span)),
            message: r.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: lines.range(text, d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.id().to_string())),
        code_description: None,
        source: Some("dg".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "name": d.code.name(), "help": d.help })),
    }
}

/// Checks the project of `doc` (with the other open documents' texts) and returns the
/// diagnostics of every open document in it.
pub fn check(
    files: &Files,
    doc: &FileText,
    open: &HashMap<Uri, FileText>,
) -> Vec<PublishDiagnosticsParams> {
    let (info, texts) = files.project_texts(doc, open);
    let options = CheckOptions { allow: info.config.allow.clone(), check_only: true };
    let sources = texts
        .iter()
        .map(|t| {
            let name =
                t.path.as_ref().map_or_else(|| t.uri.as_str().into(), |p| p.display().to_string());
            (name, t.text.to_string())
        })
        .collect();
    let project = Project::new(sources, &options);
    let mut out = Vec::new();
    for (t, file) in texts.iter().zip(project.files()) {
        if t.uri != doc.uri && !open.contains_key(&t.uri) {
            continue;
        }
        let lines = LineIndex::new(&t.text);
        let diagnostics =
            file.diagnostics().iter().map(|d| to_lsp(d, &t.uri, &t.text, &lines)).collect();
        out.push(PublishDiagnosticsParams { uri: t.uri.clone(), diagnostics, version: t.version });
    }
    out
}

/// Runs until the event channel closes: waits for `debounce` of quiet after a change, then
/// checks each changed document's project once and publishes.
pub fn worker(events: Receiver<Event>, out: Sender<Message>, files: Files, debounce: Duration) {
    let mut open: HashMap<Uri, FileText> = HashMap::new();
    let mut dirty: HashSet<Uri> = HashSet::new();
    let apply = |ev: Event,
                 open: &mut HashMap<Uri, FileText>,
                 dirty: &mut HashSet<Uri>,
                 out: &Sender<Message>| match ev {
        Event::Changed(f) => {
            dirty.insert(f.uri.clone());
            open.insert(f.uri.clone(), f);
        }
        Event::Closed(uri) => {
            open.remove(&uri);
            dirty.remove(&uri);
            publish(
                out,
                PublishDiagnosticsParams {
                    uri: uri.clone(),
                    diagnostics: Vec::new(),
                    version: None,
                },
            );
            // The project's other documents may have depended on it.
            dirty.extend(open.keys().cloned());
        }
        Event::DiskChanged => dirty.extend(open.keys().cloned()),
    };
    loop {
        let Ok(ev) = events.recv() else { return };
        apply(ev, &mut open, &mut dirty, &out);
        loop {
            match events.recv_timeout(debounce) {
                Ok(ev) => apply(ev, &mut open, &mut dirty, &out),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let mut done: HashSet<Uri> = HashSet::new();
        let mut roots_done: HashSet<Option<PathBuf>> = HashSet::new();
        let mut order: Vec<Uri> = dirty.drain().collect();
        order.sort();
        for uri in order {
            if done.contains(&uri) {
                continue;
            }
            let Some(doc) = open.get(&uri) else { continue };
            let root = files.project_of(doc.path.as_deref()).root;
            if root.is_some() && !roots_done.insert(root) {
                continue;
            }
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| check(&files, doc, &open)));
            match result {
                Ok(params) => {
                    for p in params {
                        done.insert(p.uri.clone());
                        publish(&out, p);
                    }
                }
                Err(_) => log(&out, &format!("dg lsp: checking {} failed (a bug)", uri.as_str())),
            }
        }
    }
}

fn publish(out: &Sender<Message>, params: PublishDiagnosticsParams) {
    let _ = out.send(Message::Notification(Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        params,
    )));
}

/// A `window/logMessage` of type error.
pub fn log(out: &Sender<Message>, message: &str) {
    let params = lsp_types::LogMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: message.to_string(),
    };
    let _ = out.send(Message::Notification(Notification::new(
        <lsp_types::notification::LogMessage as lsp_types::notification::Notification>::METHOD
            .to_string(),
        params,
    )));
}
