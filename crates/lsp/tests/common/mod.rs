//! An LSP client over an in-memory `lsp_server::Connection` to `dg_lsp::run` on a thread.
#![allow(dead_code)]

use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

pub struct Client {
    conn: Connection,
    server: Option<JoinHandle<()>>,
    next: i32,
    /// The latest `publishDiagnostics` per URI, in arrival order.
    pub published: Vec<(String, Value)>,
}

pub fn uri(path: &Path) -> String {
    url::Url::from_file_path(path).unwrap().to_string()
}

impl Client {
    pub fn start(options: dg_lsp::Options) -> Client {
        let (server, conn) = Connection::memory();
        let handle = std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || dg_lsp::run(server, options).expect("server ends cleanly"))
            .unwrap();
        let mut c = Client { conn, server: Some(handle), next: 1, published: Vec::new() };
        let init = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {
                    "textDocument": { "completion": { "completionItem": { "snippetSupport": true } } }
                },
                "initializationOptions": { "debounceMs": 20 }
            }),
        );
        let caps = &init.result.as_ref().expect("initialize answers")["capabilities"];
        assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
        c.notify("initialized", json!({}));
        c
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(method.into(), params)))
            .unwrap();
    }

    fn recv(&mut self, deadline: Instant) -> Option<Message> {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = self.conn.receiver.recv_timeout(left).ok()?;
        if let Message::Notification(n) = &msg {
            if n.method == "textDocument/publishDiagnostics" {
                let uri = n.params["uri"].as_str().unwrap_or("").to_string();
                self.published.push((uri, n.params.clone()));
            }
        }
        Some(msg)
    }

    pub fn request(&mut self, method: &str, params: Value) -> Response {
        let id = RequestId::from(self.next);
        self.next += 1;
        self.conn
            .sender
            .send(Message::Request(Request::new(id.clone(), method.into(), params)))
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match self.recv(deadline) {
                Some(Message::Response(r)) if r.id == id => return r,
                Some(_) => {}
                None => panic!("no answer to {method} within 20 s"),
            }
        }
    }

    /// The result of a request that must succeed.
    pub fn ok(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.error.is_none(), "{method} failed: {:?}", r.error);
        r.result.unwrap_or(Value::Null)
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "deluge", "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    /// Waits for diagnostics of `uri` that satisfy `pred`; returns them.
    pub fn diagnostics_where(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some((_, p)) = self.published.iter().rev().find(|(u, _)| u == uri) {
                if pred(p) {
                    return p["diagnostics"].clone();
                }
            }
            if self.recv(deadline).is_none() {
                panic!("no matching diagnostics for {uri}; got {:?}", self.published);
            }
        }
    }

    /// Waits for diagnostics of `uri` for document version `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Value {
        self.diagnostics_where(uri, |p| p["version"] == version)
    }

    pub fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.error.is_none());
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().expect("server thread ends without panicking");
    }
}

pub fn pos(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// Codes of a diagnostics array.
pub fn codes(diags: &Value) -> Vec<String> {
    diags.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
}

pub fn write(dir: &Path, rel: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}
