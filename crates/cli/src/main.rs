//! `dg`: run and check Zoho Deluge scripts outside Zoho.

mod check;
mod fmt_cmd;
mod form_event;
mod run;
mod test_cmd;
mod trigger;

use clap::{Parser, Subcommand};

/// mimalloc, counted per thread so the interpreter can enforce its memory budget
/// (`--max-memory`; see `dg_runtime::alloc`).
#[global_allocator]
static GLOBAL: dg_runtime::alloc::Counting<mimalloc::MiMalloc> =
    dg_runtime::alloc::Counting(mimalloc::MiMalloc);
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "dg", version, about = "Run, check and test Zoho Deluge scripts outside Zoho")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a script: `info` lines to stdout, the returned value last.
    Run(run::RunArgs),
    /// Parse and check scripts without running them.
    Check(check::CheckArgs),
    /// Format scripts in the house style (in place; `--check` to only report).
    Fmt(fmt_cmd::FmtArgs),
    /// Run the snapshot test cases of *.dgtest.toml files against the sandbox.
    Test(test_cmd::TestArgs),
    /// Make a folder a dg project: writes its dg.toml.
    Init {
        /// The folder (default: the current one).
        path: Option<std::path::PathBuf>,
        /// The project's name (default: the folder's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Serve the Language Server Protocol over stdin/stdout, for editors (see docs/lsp.md).
    Lsp,
    /// Manage connections: the services scripts call and their credentials.
    Connections {
        #[command(subcommand)]
        command: dg_connections::cli::ConnectionsCommand,
    },
}

fn main() -> ExitCode {
    // Deep scripts recurse: give the interpreter a big stack of its own. Everything, argument
    // parsing included, happens on that thread, so the main thread's allocator heap stays
    // untouched: each thread's heap pages are first-touch page faults, and an empty script's
    // start-up time follows its page-fault count (docs/benchmarks.md, "Start-up").
    let worker =
        std::thread::Builder::new().name("dg".into()).stack_size(256 * 1024 * 1024).spawn(command);
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("dg: internal error (this is a bug; please report it)");
            70
        }
    };
    ExitCode::from(code)
}

/// Parses the command line and runs the command; the process exit code.
fn command() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::check(args),
        Command::Fmt(args) => fmt_cmd::fmt(args),
        Command::Test(args) => test_cmd::test(args),
        Command::Lsp => dg_lsp::stdio(),
        Command::Connections { command } => {
            u8::try_from(dg_connections::cli::run(command)).unwrap_or(1)
        }
        Command::Init { path, name } => init(path, name),
    }
}

/// `dg init [PATH] [--name NAME]`: writes PATH/dg.toml, never over an existing one.
fn init(path: Option<std::path::PathBuf>, name: Option<String>) -> u8 {
    let dir = path.unwrap_or_else(|| std::path::PathBuf::from("."));
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        return 2;
    }
    let file = dir.join(dg_project::CONFIG_FILE);
    if file.exists() {
        eprintln!("error: {} already exists", file.display());
        return 2;
    }
    let name = name.unwrap_or_else(|| {
        std::fs::canonicalize(&dir)
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "deluge".into())
    });
    match std::fs::write(&file, dg_project::Config::template(&name)) {
        Ok(()) => {
            println!(
                "wrote {}: every .dg, .deluge and .ds file under {} is now one project",
                file.display(),
                dir.display()
            );
            0
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", file.display());
            1
        }
    }
}

/// Reads a script file, or stdin for `-`. Errors are user-facing text.
fn read_source(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}
