//! `dg lsp` as an editor runs it: the real binary, JSON-RPC framing over its stdin/stdout.

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

struct Lsp {
    child: Child,
    stdin: ChildStdin,
    messages: mpsc::Receiver<Message>,
    next: i32,
    notifications: Vec<Notification>,
}

fn uri(path: &Path) -> String {
    // Paths from tempfile are absolute; no characters need escaping on the test machines.
    format!("file://{}", path.display())
}

impl Lsp {
    fn start(home: &Path) -> Lsp {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dg"))
            .arg("lsp")
            .env("DG_HOME", home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dg lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Ok(Some(msg)) = Message::read(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Lsp { child, stdin, messages: rx, next: 1, notifications: Vec::new() }
    }

    fn send(&mut self, msg: Message) {
        msg.write(&mut self.stdin).expect("write to dg lsp");
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(method.into(), params)));
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        let id = RequestId::from(self.next);
        self.next += 1;
        self.send(Message::Request(Request::new(id.clone(), method.into(), params)));
        loop {
            match self.messages.recv_timeout(Duration::from_secs(20)).expect("an answer") {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.notifications.push(n),
                _ => {}
            }
        }
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.error.is_none(), "{method}: {:?}", r.error);
        r.result.unwrap_or(Value::Null)
    }

    /// The next diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        loop {
            if let Some(n) = self.notifications.iter().find(|n| {
                n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && n.params["version"] == version
            }) {
                return n.params["diagnostics"].as_array().unwrap().clone();
            }
            let msg = self.messages.recv_timeout(Duration::from_secs(20)).expect("diagnostics");
            if let Message::Notification(n) = msg {
                self.notifications.push(n);
            }
        }
    }
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

#[test]
fn dg_lsp_over_stdio() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let home = root.join("home");
    // A connection in the registry: its link name is offered after `connection:`.
    let added = Command::new(env!("CARGO_BIN_EXE_dg"))
        .args(["connections", "add", "mail", "--service", "sendgrid"])
        .env("DG_HOME", &home)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));

    let proj = root.join("proj");
    std::fs::create_dir_all(proj.join("lib")).unwrap();
    std::fs::write(proj.join("dg.toml"), "[project]\nname = \"p\"\n").unwrap();
    std::fs::write(
        proj.join("lib/util.dg"),
        "// Doubles n.\nint standalone.twice(int n)\n{\n\treturn n * 2;\n}\n",
    )
    .unwrap();
    let main = proj.join("main.dg");
    let text = "x = standalone.twice(2)\ninfo x;\nr = invokeurl\n[\n\turl: \"https://a.test\"\n\tconnection: \"\n];\n";
    std::fs::write(&main, text).unwrap();
    let (um, ul) = (uri(&main), uri(&proj.join("lib/util.dg")));

    let mut lsp = Lsp::start(&home);
    let init =
        lsp.result("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    assert_eq!(init["serverInfo"]["name"], "dg");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    lsp.notify("initialized", json!({}));
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": um, "languageId": "deluge", "version": 1, "text": text } }),
    );
    let d = lsp.diagnostics(&um, 1);
    let codes: Vec<&str> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"E0101"), "{d:?}");
    // Fix the missing `;` and close the text literal.
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": um, "version": 2 }, "contentChanges": [
            { "range": { "start": { "line": 0, "character": 23 }, "end": { "line": 0, "character": 23 } }, "text": ";" },
            { "range": { "start": { "line": 5, "character": 14 }, "end": { "line": 5, "character": 14 } }, "text": "\"" }
        ] }),
    );
    assert_eq!(lsp.diagnostics(&um, 2), Vec::<Value>::new());

    let hover = lsp.result("textDocument/hover", at(&um, 0, 16));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Doubles n."), "{hover}");
    let def = lsp.result("textDocument/definition", at(&um, 0, 16));
    assert_eq!(def[0]["uri"], ul.as_str());
    assert_eq!(def[0]["range"]["start"], json!({ "line": 1, "character": 15 }));
    let links = lsp.result("textDocument/completion", at(&um, 5, 14));
    let labels: Vec<&str> =
        links.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["mail"]);
    let rename = lsp.result(
        "textDocument/rename",
        json!({ "textDocument": { "uri": um }, "position": { "line": 1, "character": 5 }, "newName": "y" }),
    );
    assert_eq!(rename["changes"][&um].as_array().unwrap().len(), 2);
    let fmt = lsp.result(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": um }, "options": { "tabSize": 4, "insertSpaces": false } }),
    );
    // dg fmt's formatter: one edit replacing the document with its formatted text.
    let edits = fmt.as_array().expect("edits");
    assert_eq!(edits.len(), 1, "{fmt}");
    let text = edits[0]["newText"].as_str().unwrap_or("");
    assert!(text.contains("r = invokeurl\n[\n\turl :"), "{text}");

    let r = lsp.request("shutdown", Value::Null);
    assert!(r.error.is_none());
    lsp.notify("exit", Value::Null);
    let status = lsp.child.wait().unwrap();
    assert!(status.success(), "dg lsp exits 0 after shutdown + exit: {status:?}");
}
