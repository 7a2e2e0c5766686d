//! One test per construct and per comment position. Every case also checks that the output
//! means the same program and formats to itself.

use super::*;

fn fmt_with(src: &str, options: &Options) -> String {
    let out = match format(src, options) {
        Ok(out) => out,
        Err(d) => panic!("syntax error in {src:?}: {d:?}"),
    };
    assert!(same_program(src, &out), "program changed:\n{src}\n---\n{out}");
    assert_eq!(format(&out, options).as_deref(), Ok(out.as_str()), "not idempotent:\n{out}");
    out
}

fn fmt(src: &str) -> String {
    fmt_with(src, &Options::default())
}

fn narrow(src: &str, width: usize) -> String {
    fmt_with(src, &Options { line_width: width, ..Options::default() })
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("// only\n\n\n/* two */"), "// only\n\n/* two */\n");
}

#[test]
fn statements_and_spacing() {
    assert_eq!(fmt("x=1+2*3;info x;return;"), "x = 1 + 2 * 3;\ninfo x;\nreturn;\n");
    assert_eq!(fmt("a.b = -c;m.put(\"k\",v);"), "a.b = -c;\nm.put(\"k\", v);\n");
    assert_eq!(fmt("l = {1,2};m={\"a\":1};e={};"), "l = {1, 2};\nm = {\"a\": 1};\ne = {};\n");
    assert_eq!(fmt("x = [ 1 , 2 ];"), "x = [1, 2];\n");
    assert_eq!(fmt("c = Collection(\"a\":1);"), "c = Collection(\"a\": 1);\n");
    assert_eq!(fmt("l = List:String();"), "l = List:String();\n");
    assert_eq!(fmt("x = 1;;"), "x = 1;\n;\n");
    assert_eq!(fmt("ok = !(a && b);"), "ok = !(a && b);\n");
}

#[test]
fn keywords_lower_case_names_as_written() {
    assert_eq!(
        fmt("IF (TRUE) { INFO NULL; } ELSE { Info MyVar.TOSTRING(); }"),
        "if(true)\n{\n\tinfo null;\n}\nelse\n{\n\tinfo MyVar.TOSTRING();\n}\n"
    );
    assert_eq!(fmt("For Each v In {1} { info v; }"), "for each v in {1}\n{\n\tinfo v;\n}\n");
}

#[test]
fn literals_are_printed_as_written() {
    let src =
        "a = \"tab\\t \\\"q\\\" \\\\\";\nb = '01-Jan-2024';\nc = 'text';\nd = 1.50;\ne = 007;\n";
    assert_eq!(fmt(src), src);
    assert_eq!(fmt("x = (\"in parens\");"), "x = \"in parens\";\n");
    assert_eq!(fmt("x = \"multi\nline\";"), "x = \"multi\nline\";\n");
}

#[test]
fn parentheses_kept_on_operands_dropped_around_values() {
    assert_eq!(fmt("x = (a + b) * c;"), "x = (a + b) * c;\n");
    assert_eq!(fmt("x = a + (b * c);"), "x = a + (b * c);\n");
    assert_eq!(fmt("x = a - (b - c);"), "x = a - (b - c);\n");
    assert_eq!(fmt("x = ((a));info (x);"), "x = a;\ninfo x;\n");
    assert_eq!(fmt("if((a == b)) { }"), "if(a == b)\n{\n}\n");
    assert_eq!(fmt("x = (a + b).toString();"), "x = (a + b).toString();\n");
    assert_eq!(fmt("x = -(-y);"), "x = -(-y);\n");
    assert_eq!(fmt("x = - -y;"), "x = --y;\n");
}

#[test]
fn control_flow() {
    let src = "if(a){x=1;}else if(b){x=2;}else{x=3;}";
    assert_eq!(
        fmt(src),
        "if(a)\n{\n\tx = 1;\n}\nelse if(b)\n{\n\tx = 2;\n}\nelse\n{\n\tx = 3;\n}\n"
    );
    assert_eq!(fmt("if (a) info 1;"), "if(a)\n{\n\tinfo 1;\n}\n");
    assert_eq!(
        fmt("for each index i in l { continue; }"),
        "for each index i in l\n{\n\tcontinue;\n}\n"
    );
    assert_eq!(fmt("while (n > 0) { break; }"), "while(n > 0)\n{\n\tbreak;\n}\n");
    assert_eq!(
        fmt("try { x = 1; } catch (err) { info err; }"),
        "try\n{\n\tx = 1;\n}\ncatch (err)\n{\n\tinfo err;\n}\n"
    );
    assert_eq!(fmt("if (a = b) { }"), "if(a == b)\n{\n}\n");
}

#[test]
fn functions_are_separated_by_a_blank_line() {
    let src = "void a() { info 1; }\nstring ns.b(int x, map m) { return \"\"; }\nb(1, {});";
    assert_eq!(
        fmt(src),
        "void a()\n{\n\tinfo 1;\n}\n\nstring ns.b(int x, map m)\n{\n\treturn \"\";\n}\n\nb(1, {});\n"
    );
}

#[test]
fn blank_lines_collapse_and_never_open_or_close_a_block() {
    let src = "x = 1;\n\n\n\ny = 2;\nif (x)\n{\n\n  z = 3;\n\n}\n";
    assert_eq!(fmt(src), "x = 1;\n\ny = 2;\nif(x)\n{\n\tz = 3;\n}\n");
}

#[test]
fn task_blocks_one_key_per_line_as_zoho_writes_them() {
    let src = "r = invokeurl [ url: \"https://x\" type: POST parameters: p.toString() \
               headers: h connection: \"c\" response-format : TEXT ];";
    assert_eq!(
        fmt(src),
        "r = invokeurl\n[\n\turl :\"https://x\"\n\ttype :POST\n\tparameters:p.toString()\n\
         \theaders:h\n\tconnection:\"c\"\n\tresponse-format:TEXT\n];\n"
    );
    let mail = "sendmail [ from: zoho.adminuserid to: \"a\", \"b\" reply   to: c subject: \"s\" \
                message: \"m\" Attachments: file:x, template:T:Orders as PDF ]";
    assert_eq!(
        fmt(mail),
        "sendmail\n[\n\tfrom :zoho.adminuserid\n\tto :\"a\", \"b\"\n\treply to:c\n\tsubject :\"s\"\n\
         \tmessage :\"m\"\n\tAttachments:file:x, template:T:Orders as PDF\n]\n"
    );
    assert_eq!(fmt("sendmail [ to: a ];"), "sendmail\n[\n\tto :a\n];\n");
    assert_eq!(
        fmt("id = insert into Log [ Added_User=zoho.loginuser Action = \"x\" ];"),
        "id = insert into Log\n[\n\tAdded_User = zoho.loginuser\n\tAction = \"x\"\n];\n"
    );
}

#[test]
fn creator_syntax() {
    assert_eq!(
        fmt("for each o in Orders[Email == e && Status != \"Closed\"] sort by Added_Time desc { delete from Drafts[ID == o.ID]; }"),
        "for each o in Orders[Email == e && Status != \"Closed\"] sort by Added_Time desc\n{\n\tdelete from Drafts[ID == o.ID];\n}\n"
    );
    assert_eq!(fmt("r = F[x > 1] sort by N asc;"), "r = F[x > 1] sort by N asc;\n");
    assert_eq!(fmt("r = F[x > 1] range from 1 to 10;"), "r = F[x > 1] range from 1 to 10;\n");
    assert_eq!(
        fmt("alert \"bad\";\ncancel submit;\nhide Field;"),
        "alert \"bad\";\ncancel submit;\nhide Field;\n"
    );
}

#[test]
fn long_calls_and_literals_break_one_item_per_line() {
    assert_eq!(
        narrow("r = zoho.crm.updateRecord(\"Deals\", dealId, updateMap);", 30),
        "r = zoho.crm.updateRecord(\n\t\"Deals\",\n\tdealId,\n\tupdateMap\n);\n"
    );
    assert_eq!(
        narrow("m = {\"alpha\": 1, \"beta\": {\"gamma\": 2}};", 24),
        "m = {\n\t\"alpha\": 1,\n\t\"beta\": {\"gamma\": 2}\n};\n"
    );
}

#[test]
fn long_operator_chains_fill_lines() {
    assert_eq!(
        narrow("info \"aaaa\" + bbbb + \"cccc\" + dddd + eeee;", 24),
        "info \"aaaa\" + bbbb +\n\t\"cccc\" + dddd + eeee;\n"
    );
    assert_eq!(narrow("ok = aaaa && bbbb || cccc;", 20), "ok = aaaa && bbbb ||\n\tcccc;\n");
}

#[test]
fn indentation_with_spaces() {
    let o = Options { indent: Indent::Spaces(2), line_width: 100 };
    assert_eq!(fmt_with("if(a){if(b){x=1;}}", &o), "if(a)\n{\n  if(b)\n  {\n    x = 1;\n  }\n}\n");
}

#[test]
fn comments_leading_trailing_and_dangling() {
    let src = "// lead\nx = 1; // trail\n/* block */ y = 2; /* after */\nif (x)\n{\n\t// only comment\n}\n// end\n";
    assert_eq!(
        fmt(src),
        "// lead\nx = 1; // trail\n/* block */\ny = 2; /* after */\nif(x)\n{\n\t// only comment\n}\n// end\n"
    );
}

#[test]
fn comments_around_else_and_catch() {
    let src = "if (a) {\n} // done\n// other\nelse {\n}\ntry { } // t\ncatch (e) /* h */ { }";
    assert_eq!(
        fmt(src),
        "if(a)\n{\n} // done\n// other\nelse\n{\n}\ntry\n{\n} // t\ncatch (e) /* h */\n{\n}\n"
    );
}

#[test]
fn comments_in_lists_force_one_item_per_line() {
    let src =
        "m = {\"a\": 1, // first\n\"b\": 2\n// dangling\n};\nf(/* none */);\nf(a /* x */, b);";
    assert_eq!(
        fmt(src),
        "m = {\n\t\"a\": 1, // first\n\t\"b\": 2\n\t// dangling\n};\nf(/* none */);\nf(a, /* x */ b);\n"
    );
    assert_eq!(fmt("f( // why\n a);"), "f(\n\t// why\n\ta\n);\n");
}

#[test]
fn comments_in_operator_chains_and_odd_places() {
    assert_eq!(fmt("info x /* between */ + 1;"), "info x + /* between */ 1;\n");
    assert_eq!(fmt("x = a + // why\n b;"), "x = a + // why\n\tb;\n");
    assert_eq!(fmt("x = a./*c*/b;"), "x = a.b; /*c*/\n");
    assert_eq!(fmt("x = 1 // one\n// two\n;"), "x = 1; // one\n// two\n");
}

#[test]
fn comments_in_task_blocks() {
    let src =
        "r = invokeurl\n[\n// which\nurl: \"u\" /* inline */\ntype: GET // verb\n/* end */\n];";
    assert_eq!(
        fmt(src),
        "r = invokeurl\n[\n\t// which\n\turl :\"u\" /* inline */\n\ttype :GET // verb\n\t/* end */\n];\n"
    );
}

#[test]
fn comments_between_functions_and_at_end_of_file() {
    let src = "// about a\nvoid a() {}\n// about b\nvoid b() {\n} // after b\n/* eof */";
    assert_eq!(
        fmt(src),
        "// about a\nvoid a()\n{\n}\n\n// about b\nvoid b()\n{\n} // after b\n\n/* eof */\n"
    );
}

#[test]
fn syntax_errors_are_refused() {
    let err = format("x = ;\ninfo 1", &Options::default()).unwrap_err();
    assert!(err.iter().any(Diagnostic::is_error));
}

#[test]
fn crlf_bom_and_zero_width_spaces() {
    assert_eq!(fmt("\u{feff}x = 1;\r\n\u{200b}y = 2; // c\r\n"), "x = 1;\ny = 2; // c\n");
}

#[test]
fn hostile_inputs_are_linear_and_do_not_overflow() {
    // Long flat chains, deep brackets and long method chains.
    let n = 4000;
    let chain = format!("x = {};", vec!["a"; n].join(" + "));
    let out = fmt(&chain);
    assert!(out.lines().all(|l| l.len() <= 100));
    let dots = format!("x = a{};", ".b()".repeat(n));
    fmt(&dots);
    let deep = format!("x = {}1{};", "(".repeat(200), ")".repeat(200));
    assert_eq!(fmt(&deep), "x = 1;\n");
    let nested = format!("x = {}1{};", "f(".repeat(200), ")".repeat(200));
    fmt(&nested);
    let unary = format!("x = {}y;", "!".repeat(n));
    fmt(&unary);
}

#[test]
fn same_program_notices_changes() {
    assert!(same_program("x = 1; // c", "x = 1;\n// c\n"));
    assert!(!same_program("x = 1; // c", "x = 1;"));
    assert!(!same_program("x = 1;", "x = 2;"));
    assert!(!same_program("x = \"a\";", "x = \"b\";"));
    assert!(!same_program("x = 1;", "x = ;"));
}
