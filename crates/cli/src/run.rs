//! `dg run FILE`: run a script or one of its functions.

use clap::Args;
use dg_cli::render;
use dg_runtime::value::{from_json, to_json};
use dg_runtime::{Entry, FailureKind, Interpreter, Limits, Script, Value};

use dg_host::{DgHost, Mode};
use dg_sandbox::{MockRules, Sandbox};

#[derive(Args)]
pub struct RunArgs {
    /// The script (`-` reads standard input).
    file: String,
    /// An argument: NAME=VALUE. VALUE is read as JSON when it is valid JSON, else as text.
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    args: Vec<String>,
    /// Print one JSON object {"info", "result", "error"} instead of plain output.
    #[arg(long)]
    json: bool,
    /// The function to run when the file defines several.
    #[arg(long, value_name = "NAME")]
    function: Option<String>,
    /// Lift the statement limit and size limits (for benchmarks and batch jobs).
    #[arg(long)]
    no_limits: bool,
    /// Most statements to execute (default 200000, Zoho's limit).
    #[arg(long, value_name = "N")]
    max_statements: Option<u64>,
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
    let src = crate::read_source(&a.file)?;
    let script = Script::named(a.file.as_str(), src.as_str());
    let mut limits = if a.no_limits { Limits::unlimited() } else { Limits::default() };
    if let Some(n) = a.max_statements {
        limits.max_statements = Some(n);
    }
    let interp = Interpreter {
        limits,
        time_zone: a.tz.clone(),
        reclaim_memory: false,
        ..Interpreter::default()
    };
    let mut host = make_host(a.sandbox.as_deref(), a.mock.as_deref())?;
    host.echo_info = !a.json;
    host.now = now;
    host.user = a.user.clone();
    let entry = match &a.function {
        Some(f) => Entry::Function(f),
        None => Entry::Auto,
    };
    let outcome = interp.run(&script, entry, args, &mut host);
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
        Some(f) if matches!(f.kind, FailureKind::Syntax | FailureKind::Usage) => 2,
        Some(_) => 1,
    };
    if a.json {
        let error = outcome.error.as_ref().map(|f| {
            serde_json::json!({"kind": f.kind.as_str(), "message": f.message, "line": f.line, "column": f.column})
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
        None => {
            if !outcome.result.is_null() {
                println!("{}", outcome.result.to_display());
            }
        }
        Some(f) if f.kind == FailureKind::Syntax => {
            let colour = render::use_colour();
            for d in script.diagnostics().iter().filter(|d| d.is_error()) {
                eprint!("{}", render::render(&a.file, &src, d, colour));
            }
        }
        Some(f) => match f.span {
            Some(span) => {
                let label = format!("{} error here", f.kind.as_str());
                let colour = render::use_colour();
                eprint!(
                    "{}",
                    render::render_failure(&a.file, &src, &f.message, span, &label, colour)
                );
            }
            None => eprintln!("error: {}", f.message),
        },
    }
    Ok(code)
}
