//! How long re-checking a 2,000-line document takes (the goal: under 50 ms after an edit, on
//! a 2-core machine). Ignored by default; run with
//! `cargo test -p dg_lsp --test perf -- --ignored --nocapture`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// A realistic 2,000-line file: functions with maps, loops, task blocks and comments.
fn big_script() -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.lines().count() < 2000 {
        out.push_str(&format!(
            "// Sync number {i}.\nmap standalone.sync{i}(map contact, int n)\n{{\n\tresult = Map();\n\tname = contact.get(\"First_Name\");\n\tif (name == null || name.length() == 0)\n\t{{\n\t\tname = \"there\";\n\t}}\n\tfor each item in {{1, 2, 3}}\n\t{{\n\t\tresult.put(\"k\" + item, name.toUpperCase() + n);\n\t}}\n\tr = invokeurl\n\t[\n\t\turl: \"https://example.test/\" + name\n\t\ttype: GET\n\t\tconnection: \"books\"\n\t];\n\tinfo r;\n\treturn result;\n}}\n\n"
        ));
        i += 1;
    }
    out
}

#[test]
#[ignore = "a timing measurement; run it by name"]
fn a_2000_line_document_is_rechecked_within_50_ms() {
    let text = big_script();
    let lines = text.lines().count();
    let dir = tempfile::tempdir().unwrap();
    let uri: lsp_types::Uri =
        url::Url::from_file_path(dir.path().join("big.dg")).unwrap().as_str().parse().unwrap();
    let files = dg_lsp::Files::default();
    let mut open = HashMap::new();
    let mut doc =
        dg_lsp::FileText { uri: uri.clone(), path: None, text: Arc::new(text), version: Some(1) };
    open.insert(uri.clone(), doc.clone());
    // Warm up once (builtin tables, allocator).
    let first = dg_lsp::check_document(&files, &doc, &open);
    assert_eq!(first[0].diagnostics.len(), 0, "{:?}", first[0].diagnostics.first());
    let mut times = Vec::new();
    for round in 0..10 {
        // An edit: one more statement, as typing would add.
        let mut t = String::clone(&doc.text);
        t.insert_str(t.len() / 2, &format!("x{round} = 1;\n"));
        doc.text = Arc::new(t);
        let start = Instant::now();
        let published = dg_lsp::check_document(&files, &doc, &open);
        times.push(start.elapsed());
        assert_eq!(published.len(), 1);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!("{lines} lines: median {median:?}, max {:?}", times[times.len() - 1]);
    assert!(median.as_millis() < 50, "median {median:?}");
}
