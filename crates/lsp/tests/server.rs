//! The server end to end over an in-memory connection: every feature through real requests.

mod common;

use std::sync::Arc;

use common::{codes, pos, uri, write, Client};
use serde_json::{json, Value};

fn labels(items: &Value) -> Vec<String> {
    let items = if items.is_array() { items } else { &items["items"] };
    items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

fn completion(c: &mut Client, uri: &str, line: u32, character: u32) -> Value {
    c.ok("textDocument/completion", pos(uri, line, character))
}

#[test]
fn diagnostics_follow_incremental_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("a.dg"));
    let mut c = Client::start(dg_lsp::Options::default());
    c.open(&u, "x = \"héllo😀\"\ninfo x;\n");
    let d = c.diagnostics(&u, 1);
    assert_eq!(codes(&d), ["E0101"]);
    // The missing `;` is reported at the end of line 0: after 13 UTF-16 units (`é` is one,
    // `😀` two).
    assert_eq!(d[0]["range"]["start"], json!({ "line": 0, "character": 13 }));
    assert!(d[0]["message"].as_str().unwrap().contains("[missing-semicolon]"));
    // Insert the `;` with a range edit at that UTF-16 position.
    c.change(
        &u,
        2,
        json!([{ "range": { "start": { "line": 0, "character": 13 }, "end": { "line": 0, "character": 13 } }, "text": ";" }]),
    );
    assert_eq!(codes(&c.diagnostics(&u, 2)), Vec::<String>::new());
    // A typo in a method: E0201-style unknown function with a did-you-mean help.
    c.change(
        &u,
        3,
        json!([{ "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 7 } }, "text": "info x.lenght();" }]),
    );
    let d = c.diagnostics(&u, 3);
    assert_eq!(codes(&d), ["E0201"]);
    assert_eq!(d[0]["data"]["help"], "did you mean `length`?");
    c.shutdown();
}

#[test]
fn quick_fixes() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("a.dg"));
    let mut c = Client::start(dg_lsp::Options::default());
    let text = "s = \"abc\";\nif (s = \"abc\") { info s.lenght(); }\ninfo s\ninfo 1;\n";
    c.open(&u, text);
    let d = c.diagnostics(&u, 1);
    let mut got = codes(&d);
    got.sort();
    assert_eq!(got, ["E0101", "E0201", "W0101"]);
    let actions = c.ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": u },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 3, "character": 0 } },
            "context": { "diagnostics": d }
        }),
    );
    let mut fixes: Vec<(String, String, Value)> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let edit = &a["edit"]["changes"][&u][0];
            (
                a["title"].as_str().unwrap().to_string(),
                edit["newText"].as_str().unwrap().to_string(),
                edit["range"].clone(),
            )
        })
        .collect();
    fixes.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(fixes.len(), 3, "{fixes:?}");
    assert_eq!(fixes[0].0, "Insert `;`");
    assert_eq!(fixes[0].2["start"], json!({ "line": 2, "character": 6 }));
    assert_eq!(fixes[1].0, "Replace `=` with `==`");
    assert_eq!(fixes[1].2["start"], json!({ "line": 1, "character": 6 }));
    assert_eq!((fixes[2].0.as_str(), fixes[2].1.as_str()), ("Replace with `length`", "length"));
    c.shutdown();
}

#[test]
fn a_did_you_mean_on_a_whole_call_replaces_the_callee() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("a.dg"));
    let mut c = Client::start(dg_lsp::Options::default());
    c.open(&u, "void standalone.helper(int n)\n{\n\tinfo n;\n}\nstandalone.helpr(1);\n");
    let d = c.diagnostics(&u, 1);
    assert_eq!(codes(&d), ["W0202"]);
    let actions = c.ok(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": d[0]["range"], "context": { "diagnostics": d } }),
    );
    let edit = &actions[0]["edit"]["changes"][&u][0];
    assert_eq!(edit["newText"], "standalone.helper");
    assert_eq!(
        edit["range"],
        json!({ "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 16 } })
    );
    c.shutdown();
}

#[test]
fn a_project_across_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = &std::fs::canonicalize(tmp.path()).unwrap();
    write(root, "dg.toml", "[project]\nname = \"org\"\n");
    let lib = write(
        root,
        "lib/helpers.dg",
        "// Adds one.\n// Used everywhere.\nint standalone.helper(int n, string label)\n{\n\treturn n + 1;\n}\n",
    );
    let main = root.join("main.dg");
    let main_text = "x = standalone.helper(1, \"a\");\ny = standalone.helper(x, \"b\");\ninfo y;\n";
    std::fs::write(&main, main_text).unwrap();
    let (um, ul) = (uri(&main), uri(&lib));
    let mut c = Client::start(dg_lsp::Options::default());
    c.open(&um, main_text);
    // The helper is found in the other (unopened) file: no external-function warning.
    assert_eq!(codes(&c.diagnostics(&um, 1)), Vec::<String>::new());

    let def = c.ok("textDocument/definition", pos(&um, 0, 17));
    let def = &def[0];
    assert_eq!(def["uri"], ul.as_str());
    assert_eq!(def["range"]["start"], json!({ "line": 2, "character": 15 }));

    let hover = c.ok("textDocument/hover", pos(&um, 1, 18));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("int standalone.helper(int n, string label)"), "{text}");
    assert!(text.contains("Adds one.\nUsed everywhere."), "{text}");
    assert!(text.contains("helpers.dg"), "{text}");

    let refs = c.ok(
        "textDocument/references",
        json!({ "textDocument": { "uri": um }, "position": { "line": 0, "character": 17 }, "context": { "includeDeclaration": true } }),
    );
    let mut places: Vec<(String, u64)> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (l["uri"].as_str().unwrap().to_string(), l["range"]["start"]["line"].as_u64().unwrap())
        })
        .collect();
    places.sort();
    assert_eq!(places, [(ul.clone(), 2), (um.clone(), 0), (um.clone(), 1)]);

    let sig = c.ok("textDocument/signatureHelp", pos(&um, 1, 25));
    assert_eq!(sig["signatures"][0]["label"], "int standalone.helper(int n, string label)");
    assert_eq!(sig["activeParameter"], 1);

    let items = completion(&mut c, &um, 2, 0);
    let item =
        items.as_array().unwrap().iter().find(|i| i["label"] == "standalone.helper").unwrap();
    assert_eq!(item["insertTextFormat"], 2);
    assert_eq!(item["textEdit"]["newText"], "standalone.helper(${1:n}, ${2:label})");
    let after_ns = completion(&mut c, &um, 0, 15);
    assert!(labels(&after_ns).contains(&"helper".to_string()));

    let syms = c.ok("workspace/symbol", json!({ "query": "help" }));
    assert_eq!(syms[0]["name"], "standalone.helper");
    assert_eq!(syms[0]["location"]["uri"], ul.as_str());

    // Unsaved text of an open file wins over the disk: renaming the function in the editor
    // breaks the calls in main.dg, which is re-checked too.
    let lib_text = std::fs::read_to_string(&lib).unwrap();
    c.open(&ul, &lib_text);
    c.change(
        &ul,
        2,
        json!([{ "range": { "start": { "line": 2, "character": 15 }, "end": { "line": 2, "character": 21 } }, "text": "helped" }]),
    );
    let d =
        c.diagnostics_where(&um, |p| p["diagnostics"].as_array().is_some_and(|a| !a.is_empty()));
    assert_eq!(codes(&d), ["W0202", "W0202"]);
    assert!(d[0]["data"]["help"].as_str().unwrap().contains("did you mean `standalone.helped`?"));
    c.shutdown();
}

#[test]
fn hover_and_completion_of_variables_and_builtins() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("a.dg"));
    let mut c = Client::start(dg_lsp::Options::default());
    let text = "m = Map();\nname = \"Ada\";\nm.put(\"k\", name);\ninfo name.toUpperCase();\nm.\n";
    c.open(&u, text);
    let h = c.ok("textDocument/hover", pos(&u, 2, 0));
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(v.contains("assigned on line 1: `m = Map()`") && v.contains("type: KEY-VALUE"), "{v}");
    let h = c.ok("textDocument/hover", pos(&u, 3, 12));
    assert!(h["contents"]["value"].as_str().unwrap().contains("toUpperCase"), "{h}");

    // After `m.`: map methods only.
    let methods = labels(&completion(&mut c, &u, 4, 2));
    assert!(methods.iter().any(|m| m == "put"), "{methods:?}");
    assert!(!methods.iter().any(|m| m == "toUpperCase"), "{methods:?}");
    // After `name.` (text): text methods.
    c.change(&u, 2, json!([{ "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 2 } }, "text": "name.to" }]));
    let methods = labels(&completion(&mut c, &u, 4, 7));
    assert!(methods.iter().any(|m| m == "toUpperCase"), "{methods:?}");
    assert!(!methods.iter().any(|m| m == "put"), "{methods:?}");
    // A bare name: variables, builtins, keywords.
    c.change(&u, 3, json!([{ "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 7 } }, "text": "na" }]));
    let names = labels(&completion(&mut c, &u, 4, 2));
    assert!(names.contains(&"name".to_string()), "{names:?}");
    // zoho.
    c.change(&u, 4, json!([{ "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 2 } }, "text": "x = zoho." }]));
    let tasks = labels(&completion(&mut c, &u, 4, 9));
    assert!(tasks.contains(&"encryption".to_string()), "{tasks:?}");
    assert!(tasks.contains(&"crm".to_string()), "{tasks:?}");
    // zoho.crm.: the catalog's tasks, with their required arguments as a snippet.
    c.change(&u, 5, json!([{ "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 9 } }, "text": "x = zoho.crm." }]));
    let items = completion(&mut c, &u, 4, 13);
    let get = items
        .as_array()
        .or_else(|| items["items"].as_array())
        .and_then(|a| a.iter().find(|i| i["label"] == "getRecordById"))
        .cloned()
        .unwrap_or_else(|| panic!("no getRecordById in {items}"));
    let insert = get["textEdit"]["newText"].as_str().or(get["insertText"].as_str()).unwrap_or("");
    assert_eq!(get["insertTextFormat"], 2, "a snippet: {get}");
    assert!(insert.starts_with("getRecordById(${1:") && insert.contains("${2:"), "{get}");
    c.shutdown();
}

#[test]
fn task_block_keys_and_connection_links() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("a.dg"));
    let options = dg_lsp::Options {
        links: Arc::new(|| vec!["books".to_string(), "crm_prod".to_string()]),
        ..dg_lsp::Options::default()
    };
    let mut c = Client::start(options);
    let text = "r = invokeurl\n[\n\turl: \"https://x.test\"\n\tconn\n];\nsendmail\n[\n\tfrom: zoho.adminuserid\n\t\n]\n";
    c.open(&u, text);
    let keys = labels(&completion(&mut c, &u, 3, 5));
    assert_eq!(keys, ["connection"]);
    let all = labels(&completion(&mut c, &u, 3, 1));
    assert_eq!(all.len(), 11, "every invokeurl key: {all:?}");
    let mail = labels(&completion(&mut c, &u, 8, 1));
    assert!(
        mail.contains(&"reply to".to_string()) && mail.contains(&"subject".to_string()),
        "{mail:?}"
    );
    assert!(!mail.contains(&"url".to_string()));
    c.change(&u, 2, json!([{ "range": { "start": { "line": 3, "character": 1 }, "end": { "line": 3, "character": 5 } }, "text": "connection: \"cr" }]));
    let links = labels(&completion(&mut c, &u, 3, 16));
    assert_eq!(links, ["crm_prod"]);
    c.shutdown();
}

#[test]
fn rename_symbols_folding_tokens_and_formatting() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("a.dg"));
    let mut c = Client::start(dg_lsp::Options::default());
    let text = "/* a\n   block */\nvoid f(int count)\n{\n\ttotal = count;\n\tfor each i in {1, 2}\n\t{\n\t\ttotal = total + i;\n\t}\n\tinfo total;\n}\n";
    c.open(&u, text);
    let edit = c.ok(
        "textDocument/rename",
        json!({ "textDocument": { "uri": u }, "position": { "line": 7, "character": 11 }, "newName": "sum" }),
    );
    let edits = edit["changes"][&u].as_array().unwrap();
    let lines: Vec<u64> =
        edits.iter().map(|e| e["range"]["start"]["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [4, 7, 7, 9]);
    assert!(edits.iter().all(|e| e["newText"] == "sum"));
    let bad = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": u }, "position": { "line": 7, "character": 11 }, "newName": "count" }),
    );
    assert!(bad.error.unwrap().message.contains("already a variable"));
    let prep = c.ok("textDocument/prepareRename", pos(&u, 2, 0));
    assert_eq!(prep, Value::Null, "a type name cannot be renamed");

    let syms = c.ok("textDocument/documentSymbol", json!({ "textDocument": { "uri": u } }));
    assert_eq!(syms[0]["name"], "f");
    let vars: Vec<&str> = syms[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(vars, ["count", "total", "i"]);

    let folds = c.ok("textDocument/foldingRange", json!({ "textDocument": { "uri": u } }));
    let folds: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["startLine"].as_u64().unwrap(), f["endLine"].as_u64().unwrap()))
        .collect();
    assert_eq!(folds, [(0, 1), (3, 9), (6, 7)]);

    let tokens = c.ok("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": u } }));
    let data = tokens["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    // First token: the block comment's first line (type 6 = comment), 4 units long.
    assert_eq!(&data[..5], &[json!(0), json!(0), json!(4), json!(6), json!(0)]);

    let fmt = c.ok(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": u }, "options": { "tabSize": 4, "insertSpaces": false } }),
    );
    assert_eq!(fmt, json!([]), "no formatter wired: no edits");
    c.shutdown();
}

struct Upper;
impl dg_lsp::Formatter for Upper {
    fn format(&self, source: &str, _: &dg_project::FormatConfig) -> Option<String> {
        Some(source.replace("info", "INFO"))
    }
}

#[test]
fn a_wired_formatter_replaces_the_document() {
    let tmp = tempfile::tempdir().unwrap();
    let u = uri(&tmp.path().join("a.dg"));
    let options = dg_lsp::Options { formatter: Arc::new(Upper), ..dg_lsp::Options::default() };
    let mut c = Client::start(options);
    c.open(&u, "info 1;\ninfo 2;");
    let fmt = c.ok(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": u }, "options": { "tabSize": 4, "insertSpaces": false } }),
    );
    assert_eq!(fmt[0]["newText"], "INFO 1;\nINFO 2;");
    assert_eq!(fmt[0]["range"]["end"], json!({ "line": 1, "character": 7 }));
    c.shutdown();
}

#[test]
fn unknown_methods_and_documents_are_answered() {
    let mut c = Client::start(dg_lsp::Options::default());
    let r = c.request("textDocument/noSuchThing", json!({}));
    assert_eq!(r.error.unwrap().code, lsp_server::ErrorCode::MethodNotFound as i32);
    let r = c.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(r.error.unwrap().code, lsp_server::ErrorCode::InvalidParams as i32);
    let r = c.ok("textDocument/hover", pos("file:///no/such/file.dg", 0, 0));
    assert_eq!(r, Value::Null);
    c.shutdown();
}
