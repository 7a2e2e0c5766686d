use super::*;
use crate::ast::*;
use crate::{Code, Severity};

fn ok(src: &str) -> Program {
    let p = parse(src);
    assert!(p.diagnostics.is_empty(), "{src}\n{:#?}", p.diagnostics);
    p.program
}

fn errs(src: &str) -> Vec<Diagnostic> {
    let p = parse(src);
    assert!(p.has_errors(), "expected an error for {src}");
    p.diagnostics
}

#[test]
fn precedence_and_methods() {
    let p = ok("x = 1.4+3.6.round(0);");
    let StmtKind::Assign { value, .. } = &p.stmts[0].kind else { panic!() };
    let ExprKind::Binary(BinOp::Add, _, rhs) = &value.kind else { panic!("{value:?}") };
    assert!(matches!(rhs.kind, ExprKind::Method(..)));
}

#[test]
fn task_blocks() {
    let p = ok(r#"r = invokeurl
[
  url :"https://x.test/" + id
  type :GET
  // comment inside
  parameters:params
  content-type: "application/json"
  connection:"conn"
];
sendmail [ from: zoho.adminuserid to: "a@b.c" reply to: "x@y.z" subject: "s" message: "m" ]"#);
    let StmtKind::Assign { value, .. } = &p.stmts[0].kind else { panic!() };
    let ExprKind::Task(t) = &value.kind else { panic!() };
    let keys: Vec<_> = t.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["url", "type", "parameters", "content-type", "connection"]);
    let StmtKind::Expr(e) = &p.stmts[1].kind else { panic!() };
    let ExprKind::Task(t) = &e.kind else { panic!() };
    assert_eq!(t.entries[2].key, "reply to");
    let p = ok(r#"sendmail [ to: "a@x.com", "b@x.com" subject: "s", message: "m" ]"#);
    let StmtKind::Expr(e) = &p.stmts[0].kind else { panic!() };
    let ExprKind::Task(t) = &e.kind else { panic!() };
    assert!(matches!(t.entries[0].value.kind, ExprKind::List(ref l) if l.len() == 2));
    assert_eq!(t.entries.len(), 3);
}

#[test]
fn functions() {
    let p = ok("string standalone.f(map contact, int n) { return contact.get(\"a\"); }\nvoid g() { info 1; }");
    assert_eq!(p.functions.len(), 2);
    assert_eq!(p.functions[0].qualified_name(), "standalone.f");
    assert_eq!(p.functions[0].params.len(), 2);
}

#[test]
fn statements() {
    ok("if (a > 1) { info a; } else if (a == 0) { info 0; } else { info -1; }
        for each index i in {1,2} { continue; }
        for each x in \"a,b\".toList(\",\") { break; }
        try { x = {}.get(1); } catch (e) { info e.message; }
        m = {\"a\": [1, 2], \"b\": {}}; l = List:String(); c = Collection(\"a\": 1);
        rec = insert into Orders [ Name = \"x\" Added_User = zoho.loginuser ];
        r = Orders[ID == 5]; r.Name = \"y\"; delete from Orders[ID == 5];
        d = '01-Jan-2020'; Info \"ok\"; x = if(a > 1, \"y\", \"n\");");
}

#[test]
fn one_typo_one_error() {
    let d = errs("a = 1;\nb = = 2;\nc = 3;\n");
    assert_eq!(d.len(), 1, "{d:#?}");
    let d = errs("a = 1\nb = 2;");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0].message.contains("missing `;`"), "{d:#?}");
}

#[test]
fn unterminated_literal_is_one_error() {
    let d = errs("a = 1;\nb = f(\"x\", \"unterminated);\nc = 2;\n");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].message, "unterminated text literal");
}

#[test]
fn garbage_never_panics() {
    for src in ["\u{0}\u{1}ÿ", "((((", "}}}}", "\"", "'", "a.b.c(", "x = [1,2", "if", "for each"] {
        let _ = parse(src);
    }
    let deep = "(".repeat(50_000);
    let d = errs(&deep);
    assert!(d.iter().any(|d| d.message.contains("nested")), "{d:#?}");
    assert!(d.len() <= 3, "{d:#?}");
}

fn codes(src: &str) -> Vec<(Code, u32)> {
    parse(src).diagnostics.iter().map(|d| (d.code, d.span.start)).collect()
}

#[test]
fn every_missing_semicolon_is_reported() {
    let src = "a = 1\nb = 2\nc = f(a)\ninfo c;\n";
    let d = codes(src);
    assert_eq!(
        d,
        [(Code::MissingSemicolon, 5), (Code::MissingSemicolon, 11), (Code::MissingSemicolon, 20)]
    );
    // The statements themselves are kept, so later passes still check them.
    assert_eq!(parse(src).program.stmts.len(), 4);
    // Before a closing brace too.
    assert_eq!(codes("if (a) { info 1 }"), [(Code::MissingSemicolon, 15)]);
}

#[test]
fn unclosed_delimiters_point_at_the_opener() {
    let p = parse("void f()\n{\n\tif (a)\n\t{\n\t\tinfo 1;\n");
    assert_eq!(p.diagnostics.len(), 1, "{:#?}", p.diagnostics);
    let d = &p.diagnostics[0];
    assert_eq!(d.code, Code::UnclosedDelimiter);
    assert_eq!(d.message, "unclosed `{`");
    assert_eq!(d.span.start, 20, "the innermost open brace");
    let p = parse("x = f(a, b;\ny = 2;");
    assert_eq!(p.diagnostics[0].code, Code::UnexpectedToken);
    assert_eq!(p.diagnostics[0].related[0].message, "to close this `(`");
    assert_eq!(p.program.stmts.len(), 2);
}

#[test]
fn assignment_as_comparison_in_conditions() {
    let p = parse("if(input.Send = true) { info 1; } else if (x = 2) { info 2; }");
    let warns: Vec<_> = p.diagnostics.iter().map(|d| (d.code, d.severity)).collect();
    assert_eq!(warns, [(Code::AssignInCondition, Severity::Warning); 2]);
    let StmtKind::If(i) = &p.program.stmts[0].kind else { panic!() };
    assert!(matches!(i.branches[0].0.kind, ExprKind::Binary(BinOp::Eq, ..)));
    // Outside conditions `=` is still assignment only.
    assert!(parse("x = a = b;").has_errors());
}

#[test]
fn pasted_characters() {
    // Zero-width spaces and byte-order marks are whitespace.
    ok("\u{FEFF}\u{200B}x = 1;\n\u{200B}info x;");
    // Curly quotes: one located error, and the literal still parses.
    let p = parse("url = “https://example.com”;\ninfo url;");
    assert_eq!(p.diagnostics.len(), 1, "{:#?}", p.diagnostics);
    assert_eq!(p.diagnostics[0].code, Code::CurlyQuote);
    assert_eq!(p.program.stmts.len(), 2);
}

#[test]
fn creator_fetch_clauses_and_attachments() {
    let p = ok("r = Orders[Status == \"Open\"] sort by Added_Time desc range from 1 to 10;\n\
                l = Orders[ID != 0].Amount sort by Amount.getall();\n\
                for each o in Orders[Amount > 5] sort by Amount { info o.ID; }");
    let StmtKind::Assign { value, .. } = &p.stmts[0].kind else { panic!() };
    let ExprKind::Range(r) = &value.kind else { panic!("{value:?}") };
    assert!(matches!(&r.base.kind, ExprKind::Sort(s) if s.desc));
    let p = ok("sendmail [ from: zoho.adminuserid to: \"a@x.com\" subject: \"s\" message: \"m\" Attachments :file:doc, file:input.Upload ]");
    let StmtKind::Expr(e) = &p.stmts[0].kind else { panic!() };
    let ExprKind::Task(t) = &e.kind else { panic!() };
    let att = t.get("Attachments").expect("attachments key");
    assert!(
        matches!(&att.value.kind, ExprKind::List(items) if items.len() == 2 && matches!(items[1].kind, ExprKind::Pair(..)))
    );
}

#[test]
fn dialect_mistakes_are_located() {
    assert_eq!(codes("else if (a) { info 1; }")[0].0, Code::DanglingElse);
    assert_eq!(codes("void f(x) { info x; }")[0].0, Code::BadFunctionHeader);
    assert_eq!(codes("function f(string x) { info x; }")[0].0, Code::BadFunctionHeader);
    assert_eq!(codes("info(\"a\", b);")[0].0, Code::UnexpectedToken);
    let d = codes("x = a ? b : c;");
    assert_eq!(d[0].0, Code::UnexpectedChar);
    assert_eq!(d.len(), 1, "one error for the line: {d:?}");
    assert!(parse("DEAL_ID HERE").has_errors());
    assert!(parse("r = invokeurl [ url: u ];.").has_errors());
}

#[test]
fn comments_are_kept_in_a_side_table() {
    let src = "// lead\nx = 1; /* inline */ y = 2; // trailing\n/* unterminated";
    let p = parse(src);
    let texts: Vec<_> = p.comments.iter().map(|c| &src[c.span.range()]).collect();
    assert_eq!(texts, ["// lead", "/* inline */", "// trailing", "/* unterminated"]);
    assert_eq!(p.comments[1].kind, CommentKind::Block);
}

#[test]
fn keywords_as_variable_names() {
    let p = ok("info = 1; show = 2; return info + show;");
    assert_eq!(p.stmts.len(), 3);
    ok("alert \"Saved\"; cancel submit; hide Field_A; reload;");
}

#[test]
fn multi_word_task_keys_are_zohos() {
    let p = ok("sendmail [ to: a, b reply to: c subject: \"s\" content type: \"html\" ]");
    let StmtKind::Expr(e) = &p.stmts[0].kind else { panic!() };
    let ExprKind::Task(t) = &e.kind else { panic!() };
    let keys: Vec<_> = t.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["to", "reply to", "subject", "content type"]);
    assert!(matches!(&t.entries[0].value.kind, ExprKind::List(l) if l.len() == 2));
    // An unknown multi-word key is an error that recovers at the next key.
    let d = errs("r = invokeurl [ my url: \"x\" type: GET ];");
    assert_eq!(d.len(), 1, "{d:#?}");
}

#[test]
fn task_block_cut_by_a_semicolon_ends() {
    // Found by the fuzzer: junk then `;` inside `insert into … [` looped forever.
    for src in
        ["x = insert into Orders [ 1 ; ]", "sendmail [ \"a\" } ]", "r = invokeurl [ url: u ( ; ]"]
    {
        let p = parse(src);
        assert!(p.has_errors(), "{src}");
    }
}

#[test]
fn in_and_not_in_are_comparisons() {
    let p = ok("r = Orders[Status in {\"Open\", \"Hold\"} && Customer not in names];\nfor each x in list { info x in other; }");
    let StmtKind::Assign { value, .. } = &p.stmts[0].kind else { panic!() };
    let ExprKind::Index(_, crit) = &value.kind else { panic!("{value:?}") };
    let ExprKind::Binary(BinOp::And, l, r) = &crit.kind else { panic!("{crit:?}") };
    assert!(matches!(l.kind, ExprKind::Binary(BinOp::In, ..)));
    assert!(matches!(r.kind, ExprKind::Binary(BinOp::NotIn, ..)));
}
