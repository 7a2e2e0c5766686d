//! `dg fmt [--check] [--diff] [PATH…|-]`: formats Deluge files in place (see docs/format.md).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::Args;
use dg_cli::render;
use dg_fmt::{Indent, Options};

/// File extensions formatted when a directory is given.
const EXTENSIONS: &[&str] = &["dg", "deluge", "ds"];

#[derive(Args)]
pub struct FmtArgs {
    /// Files or directories to format (directories: every .dg, .deluge and .ds file below,
    /// hidden directories and `target` skipped); `-` formats standard input to standard output.
    /// Default: the current directory.
    paths: Vec<String>,
    /// Write nothing; list the files that would change and exit 1 if there are any.
    #[arg(long)]
    check: bool,
    /// Write nothing; print a unified diff of every change and exit 1 if there are any.
    #[arg(long)]
    diff: bool,
}

pub fn fmt(args: FmtArgs) -> u8 {
    let mut run = Run { check: args.check || args.diff, diff: args.diff, ..Run::default() };
    let paths = if args.paths.is_empty() { vec![".".to_string()] } else { args.paths };
    for path in &paths {
        if path == "-" {
            run.stdin();
            continue;
        }
        let p = Path::new(path);
        if p.is_dir() {
            let mut files = Vec::new();
            if let Err(e) = collect(p, &mut files) {
                eprintln!("error: cannot read directory {path}: {e}");
                run.failed = true;
            }
            for f in files {
                run.file(&f);
            }
        } else {
            run.file(p);
        }
    }
    if run.failed {
        2
    } else {
        u8::from(run.check && run.changed)
    }
}

#[derive(Default)]
struct Run {
    check: bool,
    diff: bool,
    /// Some file changed (was written, or would be in check mode).
    changed: bool,
    /// Some file could not be read, parsed or written.
    failed: bool,
    /// Options found for each directory, so `dg.toml` is read once per directory.
    options: HashMap<PathBuf, Result<Options, String>>,
}

impl Run {
    fn stdin(&mut self) {
        let src = match crate::read_source("-") {
            Ok(src) => src,
            Err(msg) => return self.fail(&msg),
        };
        let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let Some(out) = self.format("<stdin>", &dir, &src) else { return };
        if self.check {
            if out != src {
                self.changed = true;
                if self.diff {
                    print!("{}", unified_diff("<stdin>", &src, &out));
                } else {
                    println!("<stdin>");
                }
            }
        } else {
            print!("{out}");
        }
    }

    fn file(&mut self, path: &Path) {
        let name = path.display().to_string();
        let src = match crate::read_source(&name) {
            Ok(src) => src,
            Err(msg) => return self.fail(&msg),
        };
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let Some(out) = self.format(&name, dir, &src) else { return };
        if out == src {
            return;
        }
        self.changed = true;
        if self.diff {
            print!("{}", unified_diff(&name, &src, &out));
        } else if self.check {
            println!("{name}");
        } else if let Err(e) = std::fs::write(path, &out) {
            self.fail(&format!("cannot write {name}: {e}"));
        }
    }

    /// The formatted text, or `None` after reporting why there is none.
    fn format(&mut self, name: &str, dir: &Path, src: &str) -> Option<String> {
        let options = match self.options_for(dir) {
            Ok(o) => o,
            Err(msg) => {
                self.fail(&msg);
                return None;
            }
        };
        match dg_fmt::format(src, &options) {
            Ok(out) if dg_fmt::same_program(src, &out) => Some(out),
            Ok(_) => {
                self.fail(&format!(
                    "{name}: formatting would change the program; left unchanged (this is a bug in dg fmt, please report it)"
                ));
                None
            }
            Err(diagnostics) => {
                let colour = render::use_colour();
                for d in &diagnostics {
                    eprint!("{}", render::render(name, src, d, colour));
                }
                eprintln!("error: {name} has syntax errors; not formatted");
                self.failed = true;
                None
            }
        }
    }

    fn fail(&mut self, msg: &str) {
        eprintln!("error: {msg}");
        self.failed = true;
    }

    /// Options from the nearest `dg.toml` at or above `dir` (defaults without one).
    fn options_for(&mut self, dir: &Path) -> Result<Options, String> {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if let Some(found) = self.options.get(&dir) {
            return found.clone();
        }
        let found = match find_config(&dir) {
            Some(path) => read_config(&path),
            None => Ok(Options::default()),
        };
        self.options.insert(dir, found.clone());
        found
    }
}

fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join("dg.toml")).find(|p| p.is_file())
}

/// Reads the `[format]` table of a `dg.toml`; other tables are not this command's business.
pub(crate) fn read_config(path: &Path) -> Result<Options, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let table: toml::Table = text.parse().map_err(|e| format!("{name}: invalid TOML: {e}"))?;
    parse_format_table(&table).map_err(|e| format!("{name}: [format] {e}"))
}

fn parse_format_table(table: &toml::Table) -> Result<Options, String> {
    let mut options = Options::default();
    let Some(format) = table.get("format") else { return Ok(options) };
    let format = format.as_table().ok_or("must be a table")?;
    for (key, value) in format {
        match key.as_str() {
            "indent" => {
                options.indent = match value {
                    toml::Value::String(s) if s == "tab" => Indent::Tab,
                    toml::Value::Integer(n) if (1..=16).contains(n) => {
                        Indent::Spaces(u8::try_from(*n).unwrap_or(4))
                    }
                    _ => {
                        return Err(format!(
                            "indent must be \"tab\" or a number of spaces from 1 to 16, not {value}"
                        ))
                    }
                }
            }
            "line_width" => {
                options.line_width = match value {
                    toml::Value::Integer(n) if (20..=1000).contains(n) => {
                        usize::try_from(*n).unwrap_or(100)
                    }
                    _ => {
                        return Err(format!(
                            "line_width must be a number from 20 to 1000, not {value}"
                        ))
                    }
                }
            }
            other => return Err(format!("unknown key `{other}` (known: indent, line_width)")),
        }
    }
    Ok(options)
}

/// Every Deluge file below `dir`, sorted; hidden directories and `target` are skipped.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                collect(&path, out)?;
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            out.push(path);
        }
    }
    Ok(())
}

fn unified_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Options, String> {
        parse_format_table(&text.parse::<toml::Table>().map_err(|e| e.to_string())?)
    }

    #[test]
    fn format_table_defaults_and_values() {
        assert_eq!(parse("[project]\nname = \"x\"\n"), Ok(Options::default()));
        assert_eq!(
            parse("[format]\nindent = 2\nline_width = 80\n"),
            Ok(Options { indent: Indent::Spaces(2), line_width: 80 })
        );
        assert_eq!(parse("[format]\nindent = \"tab\"\n").map(|o| o.indent), Ok(Indent::Tab));
    }

    #[test]
    fn format_table_rejects_bad_values() {
        assert!(parse("[format]\nindent = \"spaces\"\n").unwrap_err().contains("indent"));
        assert!(parse("[format]\nindent = 0\n").is_err());
        assert!(parse("[format]\nline_width = 5\n").unwrap_err().contains("line_width"));
        assert!(parse("[format]\nwidth = 80\n").unwrap_err().contains("unknown key `width`"));
        assert!(parse("format = 1\n").is_err());
    }
}
