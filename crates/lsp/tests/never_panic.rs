//! Half-typed and random documents through didOpen/didChange and every request: each request
//! is answered without an internal error, and diagnostics keep coming.

mod common;

use common::{pos, uri, Client};
use serde_json::{json, Value};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "if (",
    "x = ",
    "m = Map();",
    "m.",
    "zoho.",
    "zoho.crm.",
    "standalone.",
    "invokeurl\n[\n",
    "sendmail [",
    "url: ",
    "connection: \"",
    "]",
    "}",
    "{",
    "(",
    ")",
    ";",
    "\n",
    "\"",
    "'",
    "/*",
    "*/",
    "//",
    "for each i in ",
    "info ",
    "é",
    "😀",
    "\u{200B}",
    "\r\n",
    "string f(int a",
    "int standalone.g(map m)\n{\n",
    "return ",
    ".",
    ",",
    ":",
    "=",
    "==",
    "toUpperCase(",
    "x",
    "1.5",
    "'01-Jan-2020'",
    "try { } catch (e) {",
    "else",
    "while (",
    "\t",
    " ",
    "List:String()",
    "a.b.c.d(",
    "put(\"k\"",
    "[1,2",
    "!",
    "&&",
    "{\"a\": ",
    "insert into F [",
    "delete from F[",
];

fn random_doc(rng: &mut Rng) -> String {
    let n = rng.below(60);
    (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

/// A position anywhere, including past the ends of lines and of the document.
fn random_pos(rng: &mut Rng, text: &str) -> (u32, u32) {
    let lines = text.split('\n').count() as u32;
    (rng.below(lines as usize + 2) as u32, rng.below(40) as u32)
}

fn every_request(c: &mut Client, u: &str, line: u32, ch: u32) {
    let p = pos(u, line, ch);
    let doc = json!({ "textDocument": { "uri": u } });
    let range =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": line, "character": ch } });
    let diag = json!({ "range": range, "code": "W0101", "message": "x", "data": { "help": "did you mean `y`?" } });
    let diag2 = json!({ "range": range, "code": "E0101", "message": "x\nhelp: did you mean `z`?" });
    let requests: Vec<(&str, Value)> = vec![
        ("textDocument/hover", p.clone()),
        ("textDocument/completion", p.clone()),
        ("textDocument/signatureHelp", p.clone()),
        ("textDocument/definition", p.clone()),
        (
            "textDocument/references",
            json!({ "textDocument": { "uri": u }, "position": p["position"], "context": { "includeDeclaration": true } }),
        ),
        ("textDocument/prepareRename", p.clone()),
        (
            "textDocument/rename",
            json!({ "textDocument": { "uri": u }, "position": p["position"], "newName": "renamed" }),
        ),
        ("textDocument/documentSymbol", doc.clone()),
        ("workspace/symbol", json!({ "query": "" })),
        (
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
        ),
        ("textDocument/foldingRange", doc.clone()),
        ("textDocument/semanticTokens/full", doc.clone()),
        (
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": u }, "range": range, "context": { "diagnostics": [diag, diag2] } }),
        ),
    ];
    for (method, params) in requests {
        let r = c.request(method, params);
        if let Some(e) = &r.error {
            assert_ne!(
                e.code,
                lsp_server::ErrorCode::InternalError as i32,
                "{method} at {line}:{ch} failed: {}",
                e.message
            );
        }
    }
}

#[test]
fn random_and_half_typed_documents_never_break_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("fuzz.dg"));
    let mut c = Client::start(dg_lsp::Options::default());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut text = random_doc(&mut rng);
    c.open(&u, &text);
    let mut version = 1;
    for round in 0..150 {
        version += 1;
        // A range edit at a random (possibly out-of-range, possibly reversed) place, or a
        // whole-document replacement.
        let insert = random_doc(&mut rng);
        let change = if round % 10 == 0 {
            text = insert.clone();
            json!([{ "text": insert }])
        } else {
            let (l1, c1) = random_pos(&mut rng, &text);
            let (l2, c2) = random_pos(&mut rng, &text);
            let mut t = text.clone();
            dg_lsp::apply_changes(
                &mut t,
                vec![lsp_types::TextDocumentContentChangeEvent {
                    range: Some(lsp_types::Range::new(
                        lsp_types::Position::new(l1, c1),
                        lsp_types::Position::new(l2, c2),
                    )),
                    range_length: None,
                    text: insert.clone(),
                }],
            );
            text = t;
            json!([{ "range": { "start": { "line": l1, "character": c1 }, "end": { "line": l2, "character": c2 } }, "text": insert }])
        };
        c.change(&u, version, change);
        let (line, ch) = random_pos(&mut rng, &text);
        every_request(&mut c, &u, line, ch);
    }
    // The worker is still alive and caught up with the last version.
    let edited = c.diagnostics(&u, version);
    // And the server's text is the one the client computed: a fresh document opened with that
    // text gets the same diagnostics.
    let fresh = uri(&tmp.path().join("fresh.dg"));
    c.open(&fresh, &text);
    let reopened = c.diagnostics(&fresh, 1);
    // (Related locations name the document: compare without them.)
    let strip = |d: Value| -> Vec<Value> {
        let mut all = d.as_array().unwrap().clone();
        all.iter_mut().for_each(|d| {
            d.as_object_mut().unwrap().remove("relatedInformation");
        });
        all
    };
    assert_eq!(strip(edited), strip(reopened), "the edited document's text is the client's");
    c.shutdown();
}

#[test]
fn every_prefix_of_a_real_script_is_served() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("typing.dg"));
    let script = "string standalone.greet(map contact)\n{\n\t// Say hello.\n\tname = contact.get(\"First_Name\");\n\tif (name = null) { name = \"there\"; }\n\tr = invokeurl\n\t[\n\t\turl: \"https://x.test/\" + name\n\t\ttype: GET\n\t\tconnection: \"books\"\n\t];\n\tinfo r.toUpperCase();\n\treturn \"Hi \" + name;\n}\n";
    let mut c = Client::start(dg_lsp::Options::default());
    c.open(&u, "");
    // Type it one character at a time, asking everything every few characters.
    let chars: Vec<char> = script.chars().collect();
    let (mut line, mut col) = (0u32, 0u32);
    for (i, ch) in chars.iter().enumerate() {
        let at = json!({ "line": line, "character": col });
        c.change(
            &u,
            i as i32 + 2,
            json!([{ "range": { "start": at, "end": at }, "text": ch.to_string() }]),
        );
        if *ch == '\n' {
            line += 1;
            col = 0;
        } else {
            col += ch.len_utf16() as u32;
        }
        if i % 7 == 0 {
            every_request(&mut c, &u, line, col);
        }
    }
    let d = c.diagnostics(&u, chars.len() as i32 + 1);
    assert_eq!(common::codes(&d), ["W0101"], "the typed script is the real one");
    c.shutdown();
}
