use super::*;
use crate::ast::*;

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
    assert!(d[0].message.contains("nested"));
}
