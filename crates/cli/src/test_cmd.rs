//! `dg test [PATH]`: runs the cases of `*.dgtest.toml` files offline against the
//! sandbox and mock rules, and compares a readable snapshot of each run with the
//! stored one (`snapshots/<file>/<case>.snap` beside the case file).

use clap::Args;
use dg_runtime::value::from_json;
use dg_runtime::{Entry, Interpreter, Project, Value};
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
    /// Workflow rules a write with `trigger: ["workflow"]` may fire.
    #[serde(default, rename = "rule")]
    rules: Vec<crate::trigger::Rule>,
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
    /// A CRM workflow trigger: the record change applied before the function runs.
    trigger: Option<crate::trigger::TriggerSpec>,
    /// A CRM button on a record.
    button: Option<crate::trigger::ButtonSpec>,
    /// A scheduled run at a fixed time.
    schedule: Option<crate::trigger::ScheduleSpec>,
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
    let mut total = Counts::default();
    for file in &files {
        match run_file(file, args.update) {
            Ok(c) => {
                total.passed += c.passed;
                total.failed += c.failed;
                total.new += c.new;
            }
            Err(msg) => {
                eprintln!("error: {}: {msg}", file.display());
                total.failed += 1;
            }
        }
    }
    if total.new > 0 {
        println!(
            "{} case(s) have no snapshot yet: review the output above and run `dg test --update` to record them",
            total.new
        );
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    u8::from(total.failed > 0 || total.new > 0)
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

/// What one `.dgtest.toml` file's cases came to.
#[derive(Default)]
struct Counts {
    passed: usize,
    failed: usize,
    /// Cases without a stored snapshot (not failures: nothing to compare with yet).
    new: usize,
}

fn run_file(file: &Path, update: bool) -> Result<Counts, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let spec: TestFile = toml::from_str(&text).map_err(|e| e.to_string())?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let script_path = dir.join(&spec.script);
    let (loaded, entry_file) = load_case_project(&script_path, dir, &spec.include)?;
    let now_text = spec.now.as_deref().unwrap_or("2024-01-15T10:30:00");
    let now = chrono::NaiveDateTime::parse_from_str(now_text, "%Y-%m-%dT%H:%M:%S")
        .map_err(|e| format!("now '{now_text}': {e}"))?;
    let stem = file
        .file_name()
        .map(|n| n.to_string_lossy().replace(".dgtest.toml", ""))
        .unwrap_or_default();
    let snap_dir = dir.join("snapshots").join(&stem);
    // Two names that map to one snapshot file would overwrite each other.
    let mut slugs: Vec<(String, &str)> = Vec::new();
    for case in &spec.cases {
        let slug = slug(&case.name);
        if let Some((_, other)) = slugs.iter().find(|(s, _)| *s == slug) {
            return Err(format!(
                "cases '{other}' and '{}' share the snapshot file {slug}.snap: rename one",
                case.name
            ));
        }
        slugs.push((slug, &case.name));
    }
    let mut counts = Counts::default();
    for case in &spec.cases {
        let rel =
            |p: &Option<String>| p.as_ref().map(|p| dir.join(p).to_string_lossy().into_owned());
        let sandbox = rel(&case.sandbox).unwrap_or_default();
        let mock = rel(&case.mock);
        let snapshot =
            run_case(&loaded.project, entry_file, &spec, case, &sandbox, mock.as_deref(), now)?;
        let path = snap_dir.join(format!("{}.snap", slug(&case.name)));
        let stored = std::fs::read_to_string(&path).ok();
        let label = format!("{} › {}", file.display(), case.name);
        if stored.as_deref() == Some(snapshot.as_str()) {
            println!("ok    {label}");
            counts.passed += 1;
        } else if update {
            std::fs::create_dir_all(&snap_dir)
                .map_err(|e| format!("cannot create {}: {e}", snap_dir.display()))?;
            crate::run::write_atomic(&path.to_string_lossy(), &snapshot)?;
            println!("saved {label} → {}", path.display());
            counts.passed += 1;
        } else {
            match stored {
                None => {
                    counts.new += 1;
                    println!("NEW   {label}: no snapshot yet\n{snapshot}");
                }
                Some(old) => {
                    counts.failed += 1;
                    println!("FAIL  {label}: differs from {}", path.display());
                    let diff = similar::TextDiff::from_lines(&old, &snapshot);
                    print!("{}", diff.unified_diff().context_radius(3).header("stored", "now"));
                }
            }
        }
    }
    // Snapshots of cases that no longer exist.
    if let Ok(entries) = std::fs::read_dir(&snap_dir) {
        let mut stale: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "snap"))
            .filter(|p| {
                let stem =
                    p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                !slugs.iter().any(|(s, _)| *s == stem)
            })
            .collect();
        stale.sort();
        for p in stale {
            if update {
                std::fs::remove_file(&p)
                    .map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
                println!("removed {} (its case no longer exists)", p.display());
            } else {
                println!(
                    "STALE {}: no case has this name any more (--update removes it)",
                    p.display()
                );
            }
        }
    }
    Ok(counts)
}

/// The project of the script under test (its `dg.toml` folder, or the script alone), plus the
/// files the case file's `include` names when they are outside any project.
fn load_case_project(
    script: &Path,
    dir: &Path,
    include: &[String],
) -> Result<(dg_project::Loaded, usize), String> {
    let mut paths = vec![script.to_path_buf()];
    paths.extend(include.iter().map(|i| dir.join(i)));
    let projects = dg_project::load_paths(&paths).map_err(|e| e.to_string())?;
    if projects.len() > 1 {
        return Err("the script and its `include` files belong to different projects: put them under one dg.toml".into());
    }
    let loaded = projects.into_iter().next().ok_or("nothing to test")?;
    if let Some((path, msg)) = loaded.unreadable.first() {
        return Err(format!("{path}: {msg}"));
    }
    let canonical = std::fs::canonicalize(script).ok();
    let index = loaded
        .project
        .files()
        .iter()
        .position(|f| std::fs::canonicalize(f.path()).ok() == canonical)
        .ok_or_else(|| format!("{}: not part of its project", script.display()))?;
    Ok((loaded, index))
}

fn run_case(
    project: &Project,
    file: usize,
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
    let started = crate::trigger::start(
        &mut host,
        case.trigger.as_ref(),
        case.button.as_ref(),
        case.schedule.as_ref(),
        &spec.rules,
    )
    .map_err(|e| format!("case '{}': {e}", case.name))?;
    if let Some(started) = &started {
        args = crate::trigger::fill_args(&args, started.record.as_ref())
            .map_err(|e| format!("case '{}': args: {e}", case.name))?;
    } else if crate::trigger::uses_record(&args) {
        return Err(format!(
            "case '{}': args use ${{record.…}} but the case has no trigger or button",
            case.name
        ));
    }
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
    if let Some(started) = &started {
        let _ = writeln!(out, "{}", started.header(&args));
    }
    let before = match &form {
        Some(ev) => {
            let input = ev.prepare(&mut host)?;
            args.push(("input".into(), input));
            let _ = writeln!(out, "{}", ev.header());
            Some(host.sandbox().cloned())
        }
        None => None,
    };
    let outcome = Interpreter::new().run_project(project, file, entry, args.clone(), &mut host);
    let workflow = crate::trigger::fire_rules(project, file, &spec.rules, &mut host);
    let _ = writeln!(out, "## transcript\n{}", host.transcript.render());
    if let Err(e) = workflow {
        let _ = writeln!(out, "## workflow error\n{e}\n");
    }
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
        let place = match (f.file, f.span) {
            (Some(i), Some(_)) if i != file => {
                format!(" in {}, line {}, column {}", project.files()[i].path(), f.line, f.column)
            }
            (_, Some(_)) => format!(" at line {}, column {}", f.line, f.column),
            _ => String::new(),
        };
        let _ = writeln!(out, "## error\n{} error{place}: {}\n", f.kind.as_str(), f.message);
    }
    if let Some(s) = host.sandbox() {
        let _ = writeln!(out, "## sandbox state\n{}", s.to_json().trim_end());
    }
    Ok(out)
}
