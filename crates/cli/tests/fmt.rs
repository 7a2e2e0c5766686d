//! `dg fmt` end to end: stdin, files, directories, `dg.toml`, `--check`, `--diff`, errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn dg(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dg"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dg starts");
    if let Some(input) = stdin {
        // dg may finish (a usage error, say) before it reads its input: a closed pipe is fine.
        if let Err(e) = child.stdin.take().expect("stdin").write_all(input) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("dg finishes")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dg-fmt-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("parent dir");
    }
    std::fs::write(path, text).expect("write file");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read file")
}

const UGLY: &str = "if (x>1) { info \"big\"; } // why\n";
const PRETTY: &str = "if(x > 1)\n{\n\tinfo \"big\";\n} // why\n";

#[test]
fn stdin_to_stdout() {
    let dir = scratch("stdin");
    let o = dg(&dir, &["fmt", "-"], Some(UGLY.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), PRETTY);
    let o = dg(&dir, &["fmt", "--check", "-"], Some(UGLY.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o), "<stdin>\n");
    let o = dg(&dir, &["fmt", "--check", "-"], Some(PRETTY.as_bytes()));
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o), "");
}

#[test]
fn directories_check_then_write() {
    let dir = scratch("dirs");
    write(&dir.join("a.dg"), UGLY);
    write(&dir.join("sub/b.deluge"), UGLY);
    write(&dir.join("sub/c.ds"), PRETTY);
    write(&dir.join("sub/notes.txt"), UGLY);
    write(&dir.join(".hidden/d.dg"), UGLY);

    let o = dg(&dir, &["fmt", "--check"], None);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let listed = out(&o);
    assert!(listed.contains("a.dg") && listed.contains("b.deluge"), "{listed}");
    assert!(!listed.contains("c.ds") && !listed.contains("d.dg") && !listed.contains("notes"));
    assert_eq!(read(&dir.join("a.dg")), UGLY, "--check writes nothing");

    let o = dg(&dir, &["fmt"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(read(&dir.join("a.dg")), PRETTY);
    assert_eq!(read(&dir.join("sub/b.deluge")), PRETTY);
    assert_eq!(read(&dir.join("sub/notes.txt")), UGLY);
    assert_eq!(read(&dir.join(".hidden/d.dg")), UGLY);

    let o = dg(&dir, &["fmt", "--check", "."], None);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
}

#[test]
fn diff_shows_the_change_and_writes_nothing() {
    let dir = scratch("diff");
    write(&dir.join("a.dg"), UGLY);
    let o = dg(&dir, &["fmt", "--diff", "a.dg"], None);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let diff = out(&o);
    assert!(diff.contains("--- a.dg") && diff.contains("+++ a.dg (formatted)"), "{diff}");
    assert!(diff.contains("-if (x>1) { info \"big\"; } // why"), "{diff}");
    assert!(diff.contains("+if(x > 1)"), "{diff}");
    assert_eq!(read(&dir.join("a.dg")), UGLY);
}

#[test]
fn dg_toml_format_table_applies_below_it() {
    let dir = scratch("toml");
    write(
        &dir.join("dg.toml"),
        "[project]\nname = \"x\"\n\n[format]\nindent = 2\nline_width = 40\n",
    );
    write(&dir.join("src/a.dg"), "if (x) { r = zoho.crm.updateRecord(\"Deals\", id, m); }");
    let o = dg(&dir.join("src"), &["fmt", "a.dg"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        read(&dir.join("src/a.dg")),
        "if(x)\n{\n  r = zoho.crm.updateRecord(\n    \"Deals\",\n    id,\n    m\n  );\n}\n"
    );

    write(&dir.join("dg.toml"), "[format]\nindent = \"spaces\"\n");
    let o = dg(&dir, &["fmt", "src/a.dg"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("dg.toml: [format] indent must be"), "{}", err(&o));
}

#[test]
fn syntax_errors_are_reported_and_the_file_left_alone() {
    let dir = scratch("broken");
    let broken = "x = 1\ny = ;\n";
    write(&dir.join("bad.dg"), broken);
    write(&dir.join("good.dg"), UGLY);
    let o = dg(&dir, &["fmt", "bad.dg", "good.dg"], None);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("missing `;`") && e.contains("bad.dg"), "{e}");
    assert!(e.contains("bad.dg has syntax errors; not formatted"), "{e}");
    assert_eq!(read(&dir.join("bad.dg")), broken);
    assert_eq!(read(&dir.join("good.dg")), PRETTY, "other files are still formatted");

    let o = dg(&dir, &["fmt", "missing.dg"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("cannot read missing.dg"), "{}", err(&o));
}
