//! `dg test [PATH]`: runs the cases of `*.dgtest.toml` files offline against the
//! sandbox and mock rules, and compares a readable snapshot of each run with the
//! stored one (`snapshots/<file>/<case>.snap` beside the case file).

use clap::Args;
use dg_runtime::value::from_json;
use dg_runtime::{CheckOptions, Entry, Interpreter, Project, Value};
use serde::Deserialize;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::run::make_host;

#[derive(Args)]
pub struct TestArgs {
    /// A `.dgtest.toml` file, or a directory searched for them (default: current directory).
    path: Option<PathBuf>,
    /// Accept the current results as the new snapshots.
    #[arg(long)]
    update: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    /// The script under test, relative to the test file.
    script: String,
    /// The function to run when the script defines several.
    function: Option<String>,
    /// The fixed clock, `2024-01-15T10:30:00` by default.
    now: Option<String>,
    /// More files of the project (e.g. `thisapp.` functions), relative to the test file.
    #[serde(default)]
    include: Vec<String>,
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    args: toml::Table,
    /// Sandbox state file, relative to the test file (empty sandbox when absent).
    sandbox: Option<String>,
    /// Mock rules file, relative to the test file.
    mock: Option<String>,
    /// A Creator form event instead of a function: the form's link name…
    form: Option<String>,
    /// …the event (`on_add_validate`, `on_add_success`, `on_edit_validate`,
    /// `on_edit_success`, `on_load`, `on_user_input`, `on_delete_validate`)…
    event: Option<String>,
    /// …the field whose `on_user_input` runs (shown in the snapshot)…
    field: Option<String>,
    /// …and the submitted record, read and written by the script as `input`.
    input: Option<toml::Table>,
    /// Fixed return values of functions no project file defines: name → value.
    #[serde(default)]
    stubs: toml::Table,
}

pub fn test(args: TestArgs) -> u8 {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut files = Vec::new();
    if root.is_file() {
        files.push(root.clone());
    } else if root.is_dir() {
        collect(&root, &mut files);
    } else {
        eprintln!("error: {} does not exist", root.display());
        return 2;
    }
    files.sort();
    if files.is_empty() {
        eprintln!("error: no *.dgtest.toml files under {}", root.display());
        return 2;
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &files {
        match run_file(file, args.update) {
            Ok((p, f)) => {
                passed += p;
                failed += f;
            }
            Err(msg) => {
                eprintln!("error: {}: {msg}", file.display());
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    u8::from(failed > 0)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() && !name.starts_with('.') && name != "target" {
            collect(&path, out);
        } else if name.ends_with(".dgtest.toml") {
            out.push(path);
        }
    }
}

fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    s.split('_').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("_")
}

fn run_file(file: &Path, update: bool) -> Result<(usize, usize), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let spec: TestFile = toml::from_str(&text).map_err(|e| e.to_string())?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let script_path = dir.join(&spec.script);
    let src = std::fs::read_to_string(&script_path)
        .map_err(|e| format!("cannot read {}: {e}", script_path.display()))?;
    let mut files = vec![(script_path.to_string_lossy().into_owned(), src)];
    for inc in &spec.include {
        let p = dir.join(inc);
        let text =
            std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        files.push((p.to_string_lossy().into_owned(), text));
    }
    let project = Project::new(files, &CheckOptions::default());
    let now_text = spec.now.as_deref().unwrap_or("2024-01-15T10:30:00");
    let now = chrono::NaiveDateTime::parse_from_str(now_text, "%Y-%m-%dT%H:%M:%S")
        .map_err(|e| format!("now '{now_text}': {e}"))?;
    let stem = file
        .file_name()
        .map(|n| n.to_string_lossy().replace(".dgtest.toml", ""))
        .unwrap_or_default();
    let snap_dir = dir.join("snapshots").join(&stem);
    let (mut passed, mut failed) = (0, 0);
    for case in &spec.cases {
        let rel =
            |p: &Option<String>| p.as_ref().map(|p| dir.join(p).to_string_lossy().into_owned());
        let sandbox = rel(&case.sandbox).unwrap_or_default();
        let mock = rel(&case.mock);
        let snapshot = run_case(&project, &spec, case, &sandbox, mock.as_deref(), now)?;
        let path = snap_dir.join(format!("{}.snap", slug(&case.name)));
        let stored = std::fs::read_to_string(&path).ok();
        let label = format!("{} › {}", file.display(), case.name);
        if stored.as_deref() == Some(snapshot.as_str()) {
            println!("ok    {label}");
            passed += 1;
        } else if update {
            std::fs::create_dir_all(&snap_dir)
                .map_err(|e| format!("cannot create {}: {e}", snap_dir.display()))?;
            crate::run::write_atomic(&path.to_string_lossy(), &snapshot)?;
            println!("saved {label} → {}", path.display());
            passed += 1;
        } else {
            failed += 1;
            match stored {
                None => println!(
                    "NEW   {label}: no snapshot yet (run with --update to accept)\n{snapshot}"
                ),
                Some(old) => {
                    println!("FAIL  {label}: differs from {}", path.display());
                    let diff = similar::TextDiff::from_lines(&old, &snapshot);
                    print!("{}", diff.unified_diff().context_radius(3).header("stored", "now"));
                }
            }
        }
    }
    Ok((passed, failed))
}

fn run_case(
    project: &Project,
    spec: &TestFile,
    case: &Case,
    sandbox: &str,
    mock: Option<&str>,
    now: chrono::NaiveDateTime,
) -> Result<String, String> {
    let mut host = make_host(Some(sandbox), mock)?;
    host.now = Some(now);
    let table = |t: &toml::Table, what: &str| -> Result<Vec<(String, Value)>, String> {
        let json =
            serde_json::to_value(t).map_err(|e| format!("case '{}': {what}: {e}", case.name))?;
        Ok(match json {
            serde_json::Value::Object(m) => {
                m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()
            }
            _ => Vec::new(),
        })
    };
    let mut args = table(&case.args, "args")?;
    host.stubs = table(&case.stubs, "stubs")?;
    let form = crate::form_event::FormEvent::from_case(
        &case.name,
        case.form.as_deref(),
        case.event.as_deref(),
        case.field.as_deref(),
        case.input.as_ref().map(|t| table(t, "input")).transpose()?,
    )?;
    let entry = match &spec.function {
        Some(f) => Entry::Function(f),
        None => Entry::Auto,
    };
    let mut out = String::new();
    let _ = writeln!(out, "# case: {}\n# script: {}\n", case.name, spec.script);
    let before = match &form {
        Some(ev) => {
            let input = ev.prepare(&mut host)?;
            args.push(("input".into(), input));
            let _ = writeln!(out, "{}", ev.header());
            Some(host.sandbox().cloned())
        }
        None => None,
    };
    let outcome = Interpreter::new().run_project(project, 0, entry, args.clone(), &mut host);
    let _ = writeln!(out, "## transcript\n{}", host.transcript.render());
    if let (Some(ev), Some(before)) = (&form, before) {
        let input = args.iter().find(|(k, _)| k == "input").map(|(_, v)| v.clone());
        let _ = writeln!(
            out,
            "{}",
            ev.finish(&mut host, input.unwrap_or_default(), before, outcome.error.is_none())
        );
    }
    if !outcome.result.is_null() {
        let _ = writeln!(out, "## result\n{}\n", outcome.result.to_display());
    }
    if let Some(f) = &outcome.error {
        let _ = writeln!(
            out,
            "## error\n{} error at line {}, column {}: {}\n",
            f.kind.as_str(),
            f.line,
            f.column,
            f.message
        );
    }
    if let Some(s) = host.sandbox() {
        let _ = writeln!(out, "## sandbox state\n{}", s.to_json().trim_end());
    }
    Ok(out)
}
