//! `dg run FILE`: run a script or one of its functions.

use clap::Args;
use dg_cli::render;
use dg_runtime::value::{from_json, to_json};
use dg_runtime::{Entry, FailureKind, Interpreter, Limits, Script, Value};

use dg_host::{DgHost, Mode};
use dg_sandbox::{MockRules, Sandbox};

#[derive(Args)]
pub struct RunArgs {
    /// The script (`-` reads standard input). In a folder with a `dg.toml`, every function
    /// of the project is callable.
    file: Option<String>,
    /// An argument: NAME=VALUE. VALUE is read as JSON when it is valid JSON, else as text.
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    args: Vec<String>,
    /// Print one JSON object {"info", "result", "error"} instead of plain output.
    #[arg(long)]
    json: bool,
    /// The function to run when the file defines several.
    #[arg(long, value_name = "NAME")]
    function: Option<String>,
    /// Lift the statement, memory and time limits and the size limits (for benchmarks and
    /// batch jobs). See docs/limits.md.
    #[arg(long)]
    no_limits: bool,
    /// Most statements to execute (default 200000, Zoho's limit).
    #[arg(long, value_name = "N")]
    max_statements: Option<u64>,
    /// Most memory the script's values may take, e.g. 512MB or 2GB (default 256MB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<usize>,
    /// Most wall-clock seconds the run may take, e.g. 120 or 0.5 (default 60, Zoho CRM's limit).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    max_time: Option<std::time::Duration>,
    /// Fix the clock, e.g. 2024-01-31T10:00:00 (makes runs reproducible).
    #[arg(long, value_name = "DATETIME")]
    now: Option<String>,
    /// Time zone for unixEpoch() and friends (default UTC).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    tz: String,
    /// Serve Zoho Bigin, Books and CRM calls from the offline sandbox, starting from
    /// STATE.json (or empty). Nothing leaves the process. Write it as --sandbox=STATE.json
    /// or after FILE.
    #[arg(long, value_name = "STATE.json", num_args = 0..=1, default_missing_value = "")]
    sandbox: Option<String>,
    /// Write the sandbox's final state to this file.
    #[arg(long, value_name = "OUT.json", requires = "sandbox")]
    sandbox_out: Option<String>,
    /// Serve other URLs from mock rules (method + URL pattern → response). Implies offline.
    #[arg(long, value_name = "RULES.json")]
    mock: Option<String>,
    /// The user zoho.loginuserid reports.
    #[arg(long, value_name = "EMAIL", default_value = "user@example.com")]
    user: String,
    /// For a Creator page: write the rendered page to an HTML file in a temporary folder and
    /// print its path; on a terminal, also open it with xdg-open when there is one.
    #[arg(long, conflicts_with = "json")]
    open: bool,
}

/// Builds the host for `dg run` / `dg test`: offline when a sandbox or mock rules
/// are given, else real HTTP through the connection registry.
pub fn make_host(sandbox: Option<&str>, mock: Option<&str>) -> Result<DgHost, String> {
    if sandbox.is_none() && mock.is_none() {
        return Ok(DgHost::new(Mode::Real(None)));
    }
    let sandbox = match sandbox {
        None => None,
        Some("") => Some(Box::new(Sandbox::new())),
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            Some(Box::new(Sandbox::from_json(&text).map_err(|e| format!("{path}: {e}"))?))
        }
    };
    let mocks = match mock {
        None => None,
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            Some(MockRules::from_json(&text).map_err(|e| format!("{path}: {e}"))?)
        }
    };
    Ok(DgHost::new(Mode::Offline { sandbox, mocks }))
}

/// Writes a file atomically (temporary file, then rename).
pub fn write_atomic(path: &str, text: &str) -> Result<(), String> {
    let tmp = format!("{path}.tmp-{}", std::process::id());
    std::fs::write(&tmp, text).map_err(|e| format!("cannot write {tmp}: {e}"))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {path}: {e}"))
}

/// A size: a number of bytes with an optional unit KB, MB or GB (powers of 1024; `K`, `M`,
/// `G` and lower case work too).
pub fn parse_size(raw: &str) -> Result<usize, String> {
    let t = raw.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: usize = num.parse().map_err(|_| format!("'{raw}' is not a size (e.g. 512MB)"))?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" => 10,
        "M" | "MB" => 20,
        "G" | "GB" => 30,
        _ => return Err(format!("'{raw}': unknown unit (use KB, MB or GB)")),
    };
    match n.checked_mul(1 << shift) {
        Some(0) | None => Err(format!("'{raw}' is not a usable size")),
        Some(bytes) => Ok(bytes),
    }
}

/// A positive number of seconds (fractions allowed).
pub fn parse_seconds(raw: &str) -> Result<std::time::Duration, String> {
    match raw.trim().parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() => std::time::Duration::try_from_secs_f64(s)
            .map_err(|_| format!("'{raw}' is too many seconds")),
        _ => Err(format!("'{raw}' is not a positive number of seconds")),
    }
}

fn parse_arg(raw: &str) -> Result<(String, Value), String> {
    let Some((name, value)) = raw.split_once('=') else {
        return Err(format!("--arg '{raw}' must look like NAME=VALUE"));
    };
    if name.is_empty() {
        return Err(format!("--arg '{raw}' has no name"));
    }
    let value = match serde_json::from_str::<serde_json::Value>(value) {
        Ok(j) => from_json(&j),
        Err(_) => Value::text(value),
    };
    Ok((name.to_string(), value))
}

/// The script to run and the sandbox state. `--sandbox script.dg` (the state left out before
/// the script) is read as the script with an empty sandbox, with a note saying so.
fn script_and_sandbox(a: &RunArgs) -> Result<(String, Option<String>), String> {
    match (&a.file, &a.sandbox) {
        (Some(file), sandbox) => Ok((file.clone(), sandbox.clone())),
        (None, Some(state)) if is_script_path(state) => {
            eprintln!(
                "note: `--sandbox {state}` was read as the script {state} with an empty sandbox; \
                 to start from a state file write `--sandbox=STATE.json` or put --sandbox STATE.json after the script"
            );
            Ok((state.clone(), Some(String::new())))
        }
        (None, Some(state)) => Err(format!(
            "no script to run: `--sandbox {state}` took {state} as the sandbox state; \
             write `dg run SCRIPT --sandbox {state}` or `dg run --sandbox={state} SCRIPT`"
        )),
        (None, None) => Err("no script to run: dg run FILE (or - for standard input)".into()),
    }
}

fn is_script_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".dg", ".deluge", ".ds"].iter().any(|ext| lower.ends_with(ext)) || path == "-"
}

/// The project `file` belongs to (its `dg.toml` folder, or the file alone) and the file's
/// index in it.
pub(crate) fn load_project(file: &str) -> Result<(dg_project::Loaded, usize), String> {
    let mut projects =
        dg_project::load_paths(&[std::path::PathBuf::from(file)]).map_err(|e| e.to_string())?;
    let loaded = projects.pop().ok_or_else(|| format!("{file}: nothing to run"))?;
    if let Some((path, msg)) = loaded
        .unreadable
        .iter()
        .find(|(p, _)| std::fs::canonicalize(p).ok() == std::fs::canonicalize(file).ok())
    {
        return Err(format!("{path}: {msg}"));
    }
    let index = *loaded.targets.first().ok_or_else(|| format!("{file}: nothing to run"))?;
    Ok((loaded, index))
}

pub fn run(a: RunArgs) -> u8 {
    match run_inner(a) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            2
        }
    }
}

fn run_inner(a: RunArgs) -> Result<u8, String> {
    let args = a.args.iter().map(|s| parse_arg(s)).collect::<Result<Vec<_>, _>>()?;
    let now = match &a.now {
        Some(s) => Some(
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                .map_err(|e| format!("--now '{s}': {e} (expected e.g. 2024-01-31T10:00:00)"))?,
        ),
        None => None,
    };
    let (file_arg, sandbox) = script_and_sandbox(&a)?;
    let loaded;
    let script;
    let (project, entry_file) = if file_arg == "-" {
        script = Script::named("<stdin>", crate::read_source("-")?);
        (script.project(), 0)
    } else {
        loaded = load_project(&file_arg)?;
        (&loaded.0.project, loaded.1)
    };
    if a.open && !project.files()[entry_file].is_page() {
        return Err(format!(
            "--open renders Creator pages; {file_arg} is not one (a page starts with `<%{{` or is a .page/.html file with `<%` tags)"
        ));
    }
    let mut limits = if a.no_limits { Limits::unlimited() } else { Limits::default() };
    if let Some(n) = a.max_statements {
        limits.max_statements = Some(n);
    }
    if let Some(n) = a.max_memory {
        limits.max_memory_bytes = Some(n);
    }
    if let Some(t) = a.max_time {
        limits.max_time = Some(t);
    }
    let interp = Interpreter {
        limits,
        time_zone: a.tz.clone(),
        reclaim_memory: false,
        ..Interpreter::default()
    };
    let mut host = make_host(sandbox.as_deref(), a.mock.as_deref())?;
    host.echo_info = !a.json;
    host.now = now;
    host.user = a.user.clone();
    let entry = match &a.function {
        Some(f) => Entry::Function(f),
        None => Entry::Auto,
    };
    let outcome = interp.run_project(project, entry_file, entry, args, &mut host);
    for note in &host.notes {
        eprintln!("{note}");
    }
    let effects = host.transcript.form_actions();
    if !a.json {
        // Form actions (alert, cancel submit, hide, input.F = …) go to stderr, like notes.
        for e in &effects {
            eprintln!("form: {}", e.describe());
        }
    }
    if let (Some(out), Some(sandbox)) = (&a.sandbox_out, host.sandbox()) {
        write_atomic(out, &sandbox.to_json())?;
    }
    let code = match &outcome.error {
        None => 0,
        Some(f)
            if matches!(f.kind, FailureKind::Syntax | FailureKind::Check | FailureKind::Usage) =>
        {
            2
        }
        Some(_) => 1,
    };
    if a.json {
        let error = outcome.error.as_ref().map(|f| {
            let located = f.span.is_some();
            let file = f.file.map(|i| project.files()[i].path());
            serde_json::json!({
                "kind": f.kind.as_str(),
                "message": f.message,
                "file": file,
                "line": located.then_some(f.line),
                "column": located.then_some(f.column),
            })
        });
        let effects: Vec<serde_json::Value> = effects
            .iter()
            .map(|e| {
                serde_json::json!({"action": e.action, "field": e.field, "value": e.value.as_ref().map(to_json)})
            })
            .collect();
        let out = serde_json::json!({"info": host.transcript.info_lines(), "result": to_json(&outcome.result), "error": error, "effects": effects});
        println!("{out}");
        return Ok(code);
    }
    match &outcome.error {
        None if a.open => {
            let path = write_page(&file_arg, &outcome.result.to_display())?;
            println!("{}", path.display());
            open_in_browser(&path);
        }
        None => {
            if !outcome.result.is_null() {
                println!("{}", outcome.result.to_display());
            }
        }
        Some(f) if matches!(f.kind, FailureKind::Syntax | FailureKind::Check) => {
            let colour = render::use_colour();
            let file = &project.files()[entry_file];
            for d in file.diagnostics().iter().filter(|d| d.is_error()) {
                eprint!("{}", render::render(file.path(), file.source(), d, colour));
            }
        }
        Some(f) => match (f.span, f.file) {
            (Some(span), Some(i)) => {
                let label = format!("{} error here", f.kind.as_str());
                let colour = render::use_colour();
                let file = &project.files()[i];
                eprint!(
                    "{}",
                    render::render_failure(
                        file.path(),
                        file.source(),
                        &f.message,
                        span,
                        &label,
                        colour
                    )
                );
            }
            _ => eprintln!("error: {}", f.message),
        },
    }
    Ok(code)
}

/// Writes a rendered page to `<temp>/dg-pages-<pid>/<name>.html` and returns the path.
fn write_page(file_arg: &str, html: &str) -> Result<std::path::PathBuf, String> {
    let stem = std::path::Path::new(file_arg)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && *s != "-")
        .unwrap_or("page");
    let dir = std::env::temp_dir().join(format!("dg-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("{stem}.html"));
    std::fs::write(&path, html).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Opens `path` with xdg-open when standard output is a terminal and xdg-open is on the
/// PATH; otherwise (pipes, CI, no browser) does nothing. Never fails the run.
fn open_in_browser(path: &std::path::Path) {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return;
    }
    let found = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("xdg-open").is_file()));
    if !found {
        return;
    }
    let _ = std::process::Command::new("xdg-open")
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

#[cfg(test)]
mod tests {
    use super::{parse_seconds, parse_size};
    use std::time::Duration;

    #[test]
    fn sizes_and_seconds() {
        assert_eq!(parse_size("512MB"), Ok(512 << 20));
        assert_eq!(parse_size("2gb"), Ok(2 << 30));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size(" 3 MB "), Ok(3 << 20));
        for bad in ["", "MB", "0", "1TB", "-5MB", "1.5GB", "99999999999999999999GB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_seconds("120"), Ok(Duration::from_secs(120)));
        for bad in ["", "0", "-1", "NaN", "inf", "1e300", "ten"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
