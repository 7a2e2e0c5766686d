//! `dg check FILE...`: diagnostics only.

use clap::Args;
use dg_cli::render;
use dg_runtime::Script;
use dg_syntax::Severity;

#[derive(Args)]
pub struct CheckArgs {
    /// Files to check (`-` reads standard input).
    #[arg(required = true)]
    files: Vec<String>,
    /// Print a JSON array of diagnostics instead of rendered reports.
    #[arg(long)]
    json: bool,
}

pub fn check(args: CheckArgs) -> u8 {
    let colour = render::use_colour();
    let mut any_error = false;
    let mut json = Vec::new();
    for path in &args.files {
        let src = match crate::read_source(path) {
            Ok(src) => src,
            Err(msg) => {
                eprintln!("error: {msg}");
                if args.json {
                    json.push(serde_json::json!({"file": path, "severity": "error", "message": msg, "line": 0, "column": 0}));
                }
                any_error = true;
                continue;
            }
        };
        let script = Script::named(path.as_str(), src.as_str());
        for d in script.diagnostics() {
            any_error |= d.is_error();
            if args.json {
                let (line, column) = script.line_col(d.span.start);
                let (end_line, end_column) = script.line_col(d.span.end);
                json.push(serde_json::json!({
                    "file": path,
                    "severity": if d.severity == Severity::Error { "error" } else { "warning" },
                    "code": d.code.id(),
                    "name": d.code.name(),
                    "message": d.message,
                    "line": line,
                    "column": column,
                    "end_line": end_line,
                    "end_column": end_column,
                    "help": d.help,
                }));
            } else {
                eprint!("{}", render::render(path, &src, d, colour));
            }
        }
    }
    if args.json {
        println!("{}", serde_json::Value::Array(json));
    }
    u8::from(any_error)
}
