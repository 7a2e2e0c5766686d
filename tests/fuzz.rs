//! Property tests over hostile input: token soups and mutated fixtures go through parsing,
//! checking and a sandboxed run. Nothing may panic, hang or grow without bound. CI runs a
//! bounded number of cases; `scripts/fuzz.sh` runs many more (`DG_FUZZ_CASES`, and
//! `PROPTEST_RNG_SEED` for a different seed per process).

use dg_host::{DgHost, Mode};
use dg_runtime::{CheckOptions, Entry, Interpreter, Limits, Project};
use dg_sandbox::Sandbox;
use proptest::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};

fn cases() -> u32 {
    std::env::var("DG_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(512)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() }
}

/// Pieces real and broken Deluge is made of.
const PIECES: &[&str] = &[
    "if",
    "else",
    "for each",
    "index",
    "in",
    "while",
    "try",
    "catch",
    "info",
    "return",
    "break",
    "continue",
    "delete from",
    "insert into",
    "sort by",
    "range from",
    "to",
    "true",
    "false",
    "null",
    "x",
    "y",
    "m",
    "list",
    "input.Name",
    "zoho.crm.getRecordById",
    "zoho.currentdate",
    "standalone.f",
    "thisapp.g",
    "Map()",
    "List()",
    "Collection()",
    "List:String()",
    "invokeurl",
    "sendmail",
    "url",
    "type",
    "GET",
    "POST",
    "connection",
    "\"crm\"",
    "headers",
    "parameters",
    "file:",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ":",
    ".",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "!",
    "&&",
    "||",
    "0",
    "1",
    "-1",
    "9223372036854775807",
    "99999999999999999999",
    "2.5",
    "1e5",
    "\"text\"",
    "\"unterminated",
    "'01-Jan-2024'",
    "'2024-13-45'",
    "'success'",
    "''",
    "'",
    "\"",
    "/*",
    "*/",
    "// c\n",
    "\n",
    "\t",
    " ",
    "\u{200B}",
    "\u{FEFF}",
    "“quoted”",
    "‘",
    "é",
    "🙂",
    "\\",
    "?",
    "#",
    "$",
    "@",
    "<%",
    "%>",
    "void f(string a)",
    "map standalone.h(map a, int b)",
    "x.get(",
    "m.put(\"k\",",
    ".toString()",
    ".length()",
    ".subString(0, 2)",
    ".toList(\",\")",
    "ifnull(",
    "if(",
    "a = ",
    "return x;",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => "[ -~]{0,8}",
            1 => any::<char>().prop_map(|c| c.to_string()),
        ],
        0..200,
    )
    .prop_map(|parts| parts.join(" "))
}

fn fixture_sources() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "fixtures/syntax/ok",
        "fixtures/eval",
        "fixtures/sandbox/scripts",
        "fixtures/projects",
        "scripts",
    ] {
        for entry in walk(&root.join(dir)) {
            if entry.extension().is_some_and(|e| e == "dg") {
                if let Ok(text) = std::fs::read_to_string(&entry) {
                    out.push(text);
                }
            }
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Duplicate(usize, usize),
    Insert(usize, String),
    Truncate(usize),
    Swap(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 0usize..80).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        (any::<usize>(), prop::sample::select(PIECES))
            .prop_map(|(a, p)| Mutation::Insert(a, p.to_string())),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

fn boundary(s: &str, i: usize) -> usize {
    let mut i = if s.is_empty() { 0 } else { i % (s.len() + 1) };
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(src: &str, muts: &[Mutation]) -> String {
    let mut s = src.to_string();
    for m in muts {
        match m {
            Mutation::Delete(a, n) => {
                let a = boundary(&s, *a);
                let b = boundary(&s, a + n);
                if b >= a {
                    s.replace_range(a..b, "");
                }
            }
            Mutation::Duplicate(a, n) => {
                let a = boundary(&s, *a);
                let b = boundary(&s, a + n).max(a);
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
            Mutation::Insert(a, p) => {
                let a = boundary(&s, *a);
                s.insert_str(a, p);
            }
            Mutation::Truncate(a) => {
                let a = boundary(&s, *a);
                s.truncate(a);
            }
            Mutation::Swap(a, b) => {
                let (a, b) = (boundary(&s, *a), boundary(&s, *b));
                let (a, b) = (a.min(b), a.max(b));
                let piece = s[a..b].to_string();
                let rev: String = piece.lines().rev().collect::<Vec<_>>().join("\n");
                s.replace_range(a..b, &rev);
            }
        }
    }
    s
}

/// Parses, checks and (when it checks clean) runs `src` against an empty sandbox with small
/// limits; returns nothing, but panics are failures and the whole must finish quickly.
fn exercise(src: &str) {
    let started = Instant::now();
    let parsed = dg_syntax::parse(src);
    for d in &parsed.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end as usize <= src.len(),
            "span out of range: {d:?}"
        );
    }
    for c in &parsed.comments {
        assert!(c.span.end as usize <= src.len());
    }
    let project = Project::new(vec![("fuzz.dg".into(), src.to_string())], &CheckOptions::default());
    let file = &project.files()[0];
    for d in file.diagnostics() {
        let _ = file.line_col(d.span.start);
    }
    if !file.has_errors() {
        let limits =
            Limits { max_statements: Some(5_000), max_call_depth: 20, ..Limits::default() };
        let interp = Interpreter::with_limits(limits);
        let mut host =
            DgHost::new(Mode::Offline { sandbox: Some(Box::new(Sandbox::new())), mocks: None });
        let entry = match project.functions_of(0).first() {
            Some(f) if !project.has_statements(0) => Entry::Function(f),
            _ => Entry::Auto,
        };
        let _ = interp.run_project(&project, 0, entry, Vec::new(), &mut host);
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?} on {} bytes",
        started.elapsed(),
        src.len()
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn token_soups_never_crash(src in soup()) {
        exercise(&src);
    }

    #[test]
    fn mutated_fixtures_never_crash(pick in any::<prop::sample::Index>(), muts in prop::collection::vec(mutation(), 1..6)) {
        let sources = fixture_sources();
        prop_assume!(!sources.is_empty());
        let src = apply(&sources[pick.index(sources.len())], &muts);
        exercise(&src);
    }

    #[test]
    fn arbitrary_bytes_never_crash(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let src = String::from_utf8_lossy(&bytes);
        exercise(&src);
    }
}
