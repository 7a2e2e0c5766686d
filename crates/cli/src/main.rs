//! `dg`: run and check Zoho Deluge scripts outside Zoho.

mod check;
mod deferred;
mod fmt_cmd;
mod form_event;
mod run;
mod test_cmd;
mod trigger;

use clap::{Parser, Subcommand};
use deferred::Deferred;

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
    Run(Deferred<run::RunArgs>),
    /// Parse and check scripts without running them.
    Check(Deferred<check::CheckArgs>),
    /// Format scripts in the house style (in place; `--check` to only report).
    Fmt(Deferred<fmt_cmd::FmtArgs>),
    /// Run the snapshot test cases of *.dgtest.toml files against the sandbox.
    Test(Deferred<test_cmd::TestArgs>),
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
        command: Deferred<dg_connections::cli::ConnectionsCommand>,
    },
}

fn main() -> ExitCode {
    // Deep scripts recurse: the interpreter runs on a big stack of its own. It is switched to on
    // this thread (`stacker::grow` maps 256 MB, touched only as far as it is used) rather than
    // given a thread: a second thread costs its creation, a wake-up to start and one to join,
    // and a fresh allocator heap, and an empty script's start-up time follows exactly those
    // (docs/benchmarks.md, "Start-up"). The interpreter's own recursion points grow further
    // stacks when this one runs low.
    let code = stacker::grow(INTERPRETER_STACK, || std::panic::catch_unwind(command));
    ExitCode::from(code.unwrap_or_else(|_| {
        eprintln!("dg: internal error (this is a bug; please report it)");
        70
    }))
}

/// The stack the commands run on.
const INTERPRETER_STACK: usize = 256 * 1024 * 1024;

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
        Command::Run(args) => run::run(args.0),
        Command::Check(args) => check::check(args.0),
        Command::Fmt(args) => fmt_cmd::fmt(args.0),
        Command::Test(args) => test_cmd::test(args.0),
        Command::Lsp => dg_lsp::stdio(),
        Command::Connections { command } => {
            u8::try_from(dg_connections::cli::run(command.0)).unwrap_or(1)
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Args, CommandFactory};

    /// The arguments of a built command, each with its long and short names, then its
    /// subcommands' the same way.
    fn shape(cmd: &clap::Command) -> Vec<String> {
        let mut out: Vec<String> = cmd
            .get_arguments()
            .map(|a| {
                format!("{} {:?} {:?} {:?}", a.get_id(), a.get_long(), a.get_short(), a.get_help())
            })
            .collect();
        for sub in cmd.get_subcommands() {
            out.push(format!("sub {} {:?}", sub.get_name(), sub.get_about()));
            out.extend(shape(sub).into_iter().map(|l| format!("  {l}")));
        }
        out
    }

    /// Deferring changes when clap builds a subcommand, not what it holds: every subcommand
    /// of the deferred tree, once built, has exactly the arguments the eager derive gives.
    #[test]
    fn deferred_subcommands_match_the_eager_build() {
        let mut cli = Cli::command();
        let about = |cli: &clap::Command| -> Vec<String> {
            cli.get_subcommands()
                .filter(|s| s.get_name() != "help")
                .map(|s| format!("{} {:?} {:?}", s.get_name(), s.get_about(), s.get_long_about()))
                .collect()
        };
        // The variants' doc comments, set before anything is deferred, survive the build (which
        // only adds clap's own `help` subcommand).
        let described = about(&cli);
        cli.build();
        assert_eq!(about(&cli), described);
        assert!(described.iter().any(|d| d.contains("Manage connections")), "{described:?}");
        let eager: [(&str, clap::Command); 5] = [
            ("run", run::RunArgs::augment_args(clap::Command::new("run"))),
            ("check", check::CheckArgs::augment_args(clap::Command::new("check"))),
            ("fmt", fmt_cmd::FmtArgs::augment_args(clap::Command::new("fmt"))),
            ("test", test_cmd::TestArgs::augment_args(clap::Command::new("test"))),
            (
                "connections",
                <dg_connections::cli::ConnectionsCommand as clap::Subcommand>::augment_subcommands(
                    clap::Command::new("connections"),
                ),
            ),
        ];
        for (name, mut want) in eager {
            want.build();
            let got = cli.find_subcommand(name).expect(name);
            let (got, want) = (shape(got), shape(&want));
            assert!(want.len() > 2, "{name}: {want:?}");
            assert_eq!(got, want, "{name}");
        }
        cli.debug_assert();
    }
}
