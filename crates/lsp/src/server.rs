//! The request loop: documents in, answers out. Every request handler runs under
//! `catch_unwind`, so a bug answers that request with an error instead of ending the server.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::Sender;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, FoldingRangeRequest, Formatting,
    GotoDefinition, HoverRequest, PrepareRenameRequest, References, Rename, Request as _,
    SemanticTokensFullRequest, SignatureHelpRequest, WorkspaceSymbolRequest,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, DocumentSymbolResponse,
    FoldingRangeProviderCapability, GotoDefinitionResponse, HoverProviderCapability,
    InitializeParams, OneOf, PrepareRenameResponse, RenameOptions, SemanticTokens,
    SemanticTokensFullOptions, SemanticTokensLegend, SemanticTokensOptions,
    SemanticTokensServerCapabilities, ServerCapabilities, ServerInfo, SignatureHelpOptions,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
    WorkspaceSymbolResponse,
};
use serde_json::Value;

use crate::adapters::{CatalogDocs, DgFormatter, DocsLookup, Formatter};
use crate::diagnostics::{self, Event};
use crate::features;
use crate::text::apply_changes;
use crate::workspace::{canonical, uri_to_path, FileText, Files};

/// How the server is put together: the seams for documentation and formatting, and the
/// quiet period before re-checking.
#[derive(Clone)]
pub struct Options {
    pub docs: Arc<dyn DocsLookup>,
    pub formatter: Arc<dyn Formatter>,
    /// Quiet time after an edit before diagnostics are recomputed. The client can override
    /// it with `initializationOptions: { "debounceMs": N }`.
    pub debounce: Duration,
    /// Connection link names offered after `connection:` (default: read from the
    /// connection registry under `DG_HOME`, names only).
    pub links: Arc<dyn Fn() -> Vec<String> + Send + Sync>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            docs: Arc::new(CatalogDocs),
            formatter: Arc::new(DgFormatter),
            debounce: Duration::from_millis(150),
            links: Arc::new(registry_links),
        }
    }
}

/// Link names of the connection registry's connections, never any secret. Nothing when the
/// registry folder does not exist (it is not created) or cannot be read.
pub fn registry_links() -> Vec<String> {
    let Ok(root) = dg_connections::Registry::default_root() else { return Vec::new() };
    if !root.is_dir() {
        return Vec::new();
    }
    match dg_connections::Registry::open(&root) {
        Ok(reg) => reg.connections().into_iter().map(|c| c.link).collect(),
        Err(_) => Vec::new(),
    }
}

/// The capabilities `dg lsp` announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "[".into(), "\"".into(), ":".into()]),
            ..CompletionOptions::default()
        }),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".into(), ",".into()]),
            retrigger_characters: None,
            work_done_progress_options: Default::default(),
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: features::TOKEN_TYPES.to_vec(),
                    token_modifiers: Vec::new(),
                },
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: Default::default(),
            },
        )),
        ..ServerCapabilities::default()
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Serves one client over `connection` until `shutdown` + `exit` (or the connection closes).
pub fn run(connection: Connection, mut options: Options) -> Result<(), BoxError> {
    let (id, params) = connection.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let snippets = init
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.snippet_support)
        .unwrap_or(false);
    if let Some(ms) = init
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("debounceMs"))
        .and_then(Value::as_u64)
    {
        options.debounce = Duration::from_millis(ms.min(10_000));
    }
    let result = lsp_types::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "dg".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;

    let files = Files::default();
    let (events_tx, events_rx) = crossbeam_channel::unbounded();
    let worker = {
        let (out, files, debounce) = (connection.sender.clone(), files.clone(), options.debounce);
        std::thread::Builder::new()
            .name("dg-lsp-check".into())
            .stack_size(64 * 1024 * 1024)
            .spawn(move || diagnostics::worker(events_rx, out, files, debounce))?
    };
    let mut server = Server {
        files,
        open: HashMap::new(),
        events: events_tx,
        out: connection.sender.clone(),
        options,
        snippets,
    };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    break;
                }
                let resp = server.request(req);
                connection.sender.send(Message::Response(resp))?;
            }
            Message::Notification(n) => server.notification(n),
            Message::Response(_) => {}
        }
    }
    drop(server);
    let _ = worker.join();
    Ok(())
}

/// `dg lsp`: serves over stdin/stdout with the default [`Options`]. Returns the process exit
/// code.
pub fn stdio() -> u8 {
    stdio_with(Options::default())
}

/// [`stdio`] with other seams (a docs catalog, a formatter).
pub fn stdio_with(options: Options) -> u8 {
    let (connection, io) = Connection::stdio();
    let result = run(connection, options);
    let joined = io.join();
    match (result, joined) {
        (Ok(()), Ok(())) => 0,
        (Err(e), _) => {
            eprintln!("dg lsp: {e}");
            1
        }
        (_, Err(e)) => {
            eprintln!("dg lsp: {e}");
            1
        }
    }
}

struct Server {
    files: Files,
    open: HashMap<Uri, FileText>,
    events: Sender<Event>,
    /// For log messages.
    out: Sender<Message>,
    options: Options,
    snippets: bool,
}

/// Why a request is answered with an error.
struct Failure {
    code: ErrorCode,
    message: String,
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }
}

fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, Failure> {
    serde_json::from_value(v).map_err(|e| Failure::new(ErrorCode::InvalidParams, e.to_string()))
}

impl Server {
    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| self.notification_inner(n)));
        if result.is_err() {
            diagnostics::log(&self.out, &format!("dg lsp: handling {method} failed (a bug)"));
        }
    }

    fn notification_inner(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let doc = p.text_document;
                let path = uri_to_path(&doc.uri).map(|p| canonical(&p));
                let f = FileText {
                    uri: doc.uri.clone(),
                    path,
                    text: Arc::new(doc.text),
                    version: Some(doc.version),
                };
                self.open.insert(doc.uri, f.clone());
                let _ = self.events.send(Event::Changed(f));
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Some(f) = self.open.get_mut(&p.text_document.uri) else { return };
                let mut text = String::clone(&f.text);
                apply_changes(&mut text, p.content_changes);
                f.text = Arc::new(text);
                f.version = Some(p.text_document.version);
                let _ = self.events.send(Event::Changed(f.clone()));
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                else {
                    return;
                };
                self.open.remove(&p.text_document.uri);
                self.files.forget(&p.text_document.uri);
                let _ = self.events.send(Event::Closed(p.text_document.uri));
            }
            DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
                let _ = self.events.send(Event::DiskChanged);
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.dispatch(req))) {
            Ok(Ok(result)) => Response::new_ok(id, result),
            Ok(Err(f)) => Response::new_err(id, f.code as i32, f.message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("dg lsp: {method} failed (a bug in dg; please report it)"),
            ),
        }
    }

    /// The document a request is about, as an open document or from disk.
    fn file(&self, uri: &Uri) -> Option<FileText> {
        if let Some(f) = self.open.get(uri) {
            return Some(f.clone());
        }
        let path = canonical(&uri_to_path(uri)?);
        let text = self.files.read(&path)?;
        Some(FileText { uri: uri.clone(), path: Some(path), text, version: None })
    }

    fn dispatch(&mut self, req: Request) -> Result<Value, Failure> {
        let to = |v: Result<Value, serde_json::Error>| {
            v.map_err(|e| Failure::new(ErrorCode::InternalError, e.to_string()))
        };
        let docs = self.options.docs.clone();
        match req.method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(req.params)?;
                let pos = p.text_document_position_params;
                let Some(f) = self.file(&pos.text_document.uri) else { return Ok(Value::Null) };
                let view = self.files.view(&f, &self.open);
                to(serde_json::to_value(features::hover(&view, pos.position, docs.as_ref())))
            }
            Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(req.params)?;
                let pos = p.text_document_position;
                let Some(f) = self.file(&pos.text_document.uri) else { return Ok(Value::Null) };
                let view = self.files.view(&f, &self.open);
                let links = self.options.links.clone();
                let items = features::completion(
                    &view,
                    pos.position,
                    docs.as_ref(),
                    &move || links(),
                    self.snippets,
                );
                to(serde_json::to_value(lsp_types::CompletionResponse::Array(items)))
            }
            SignatureHelpRequest::METHOD => {
                let p: lsp_types::SignatureHelpParams = params(req.params)?;
                let pos = p.text_document_position_params;
                let Some(f) = self.file(&pos.text_document.uri) else { return Ok(Value::Null) };
                let view = self.files.view(&f, &self.open);
                to(serde_json::to_value(features::signature_help(
                    &view,
                    pos.position,
                    docs.as_ref(),
                )))
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(req.params)?;
                let pos = p.text_document_position_params;
                let Some(f) = self.file(&pos.text_document.uri) else { return Ok(Value::Null) };
                let view = self.files.view(&f, &self.open);
                let locs = features::definition(&view, pos.position);
                to(serde_json::to_value(GotoDefinitionResponse::Array(locs)))
            }
            References::METHOD => {
                let p: lsp_types::ReferenceParams = params(req.params)?;
                let pos = p.text_document_position;
                let Some(f) = self.file(&pos.text_document.uri) else { return Ok(Value::Null) };
                let view = self.files.view(&f, &self.open);
                to(serde_json::to_value(features::references(
                    &view,
                    pos.position,
                    p.context.include_declaration,
                )))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(req.params)?;
                let Some(f) = self.file(&p.text_document.uri) else { return Ok(Value::Null) };
                let file = self.files.parse(&f);
                to(serde_json::to_value(DocumentSymbolResponse::Nested(
                    features::document_symbols(&file),
                )))
            }
            WorkspaceSymbolRequest::METHOD => {
                let p: lsp_types::WorkspaceSymbolParams = params(req.params)?;
                // One view per project of the open documents.
                let mut views = Vec::new();
                let mut roots = Vec::new();
                for f in self.open.values() {
                    let root = self.files.project_of(f.path.as_deref()).root;
                    if root.is_some() && roots.contains(&root) {
                        continue;
                    }
                    roots.push(root);
                    views.push(self.files.view(f, &self.open));
                }
                let symbols = features::workspace_symbols(&views, &p.query);
                to(serde_json::to_value(WorkspaceSymbolResponse::Flat(symbols)))
            }
            PrepareRenameRequest::METHOD => {
                let p: lsp_types::TextDocumentPositionParams = params(req.params)?;
                let Some(f) = self.file(&p.text_document.uri) else { return Ok(Value::Null) };
                let view = self.files.view(&f, &self.open);
                let range = features::prepare_rename(&view, p.position);
                to(serde_json::to_value(range.map(PrepareRenameResponse::Range)))
            }
            Rename::METHOD => {
                let p: lsp_types::RenameParams = params(req.params)?;
                let pos = p.text_document_position;
                let Some(f) = self.file(&pos.text_document.uri) else { return Ok(Value::Null) };
                let view = self.files.view(&f, &self.open);
                match features::rename(&view, pos.position, &p.new_name) {
                    Ok(edit) => to(serde_json::to_value(edit)),
                    Err(msg) => Err(Failure::new(ErrorCode::InvalidRequest, msg)),
                }
            }
            Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(req.params)?;
                let Some(f) = self.file(&p.text_document.uri) else { return Ok(Value::Null) };
                let config = self.files.project_of(f.path.as_deref()).config;
                let file = self.files.parse(&f);
                let formatted = self.options.formatter.format(&file.text, &config.format);
                to(serde_json::to_value(features::format_edits(&file, formatted)))
            }
            FoldingRangeRequest::METHOD => {
                let p: lsp_types::FoldingRangeParams = params(req.params)?;
                let Some(f) = self.file(&p.text_document.uri) else { return Ok(Value::Null) };
                let file = self.files.parse(&f);
                to(serde_json::to_value(features::folding_ranges(&file)))
            }
            SemanticTokensFullRequest::METHOD => {
                let p: lsp_types::SemanticTokensParams = params(req.params)?;
                let Some(f) = self.file(&p.text_document.uri) else { return Ok(Value::Null) };
                let file = self.files.parse(&f);
                let data = features::semantic_tokens(&file);
                to(serde_json::to_value(SemanticTokens { result_id: None, data }))
            }
            CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(req.params)?;
                let Some(f) = self.file(&p.text_document.uri) else { return Ok(Value::Null) };
                let file = self.files.parse(&f);
                to(serde_json::to_value(features::code_actions(&file, &p.context.diagnostics)))
            }
            other => Err(Failure::new(
                ErrorCode::MethodNotFound,
                format!("dg lsp does not handle {other}"),
            )),
        }
    }
}
