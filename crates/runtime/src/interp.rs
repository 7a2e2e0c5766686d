//! The embedding API: compile a [`Script`] once, run it with an [`Interpreter`].

use dg_syntax::ast::Comment;
use dg_syntax::{Code, Diagnostic, LineIndex, Span};

use crate::compile::{compile, Compiled, Unit};
use crate::ctx::Ctx;
use crate::error::RuntimeError;
use crate::eval::Machine;
use crate::ir::Function;
use crate::{Host, Limits, Value};

/// One source file of a [`Project`]: its text, comments and diagnostics.
pub struct SourceFile {
    path: String,
    source: String,
    lines: LineIndex,
    /// Offset of this file in the project's span space.
    base: u32,
    comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
    /// A Creator page (HTML with `<% … %>` Deluge): running it renders the page.
    page: bool,
}

impl SourceFile {
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Syntax errors, resolution errors and warnings, in source order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The file's comments (a side table; see `dg_syntax::Parsed::comments`).
    pub fn comments(&self) -> &[Comment] {
        &self.comments
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Whether the file is a Creator page (see `dg_syntax::page::is_page`); its run's
    /// result is the rendered HTML.
    pub fn is_page(&self) -> bool {
        self.page
    }

    /// 1-based line and column of a byte offset into this file.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.lines.line_col(&self.source, offset)
    }
}

/// How diagnostics are filtered: warnings a project silences.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Warning codes never reported (from `dg.toml`'s `[check] allow = [...]`).
    pub allow: Vec<Code>,
    /// Only diagnostics are wanted (`dg check`): no code is kept, which halves the memory a
    /// huge file needs; such a project cannot run.
    pub check_only: bool,
}

/// Several files parsed and resolved together, ready to run any number of times: every
/// function any file defines is callable from every file.
pub struct Project {
    files: Vec<SourceFile>,
    compiled: Compiled,
    check_only: bool,
    /// Check-only projects keep their syntax trees (they hold no code, and the trees were
    /// alive while checking anyway), so that a process that exits right after checking can
    /// skip freeing them node by node (`dg check` forgets its projects). Empty otherwise: a
    /// project that runs keeps its IR, not its trees.
    #[allow(dead_code)] // held for when it is freed, never read
    trees: Vec<dg_syntax::ast::Program>,
}

/// Largest total size of a project's sources (spans are 32-bit offsets).
const MAX_PROJECT_BYTES: usize = 1 << 31;

impl Project {
    /// Parses and resolves `(path, source)` pairs. Files are taken in the order given (the
    /// first definition of a function is the one that runs). Never fails: problems are in
    /// each file's diagnostics.
    pub fn new(files: Vec<(String, String)>, options: &CheckOptions) -> Project {
        let mut sources = Vec::with_capacity(files.len());
        let mut parsed = Vec::with_capacity(files.len());
        let mut base = 0usize;
        for (path, source) in files {
            let page = dg_syntax::page::is_page(&path, &source);
            let mut p =
                if page { dg_syntax::page::parse(&source) } else { dg_syntax::parse(&source) };
            if base + source.len() >= MAX_PROJECT_BYTES {
                p = dg_syntax::Parsed::default();
                p.diagnostics.push(Diagnostic::new(
                    Code::SourceTooLarge,
                    "the project's sources are larger than 2 GB together",
                    Span::new(0, 0),
                ));
            }
            let lines = LineIndex::new(&source);
            let file_base = base as u32;
            base = (base + source.len() + 1).min(MAX_PROJECT_BYTES);
            sources.push(SourceFile {
                path,
                source,
                lines,
                base: file_base,
                comments: std::mem::take(&mut p.comments),
                diagnostics: Vec::new(),
                page,
            });
            parsed.push(p);
        }
        let units: Vec<Unit<'_>> = sources
            .iter()
            .zip(&parsed)
            .map(|(f, p)| Unit {
                path: &f.path,
                program: &p.program,
                lines: &f.lines,
                source: &f.source,
                base: f.base,
            })
            .collect();
        let compiled = compile(&units, options.check_only);
        drop(units);
        let mut trees = Vec::new();
        for (file, p) in sources.iter_mut().zip(parsed) {
            file.diagnostics = p.diagnostics;
            if options.check_only {
                trees.push(p.program);
            }
        }
        let syntax_failed: Vec<bool> = sources.iter().map(SourceFile::has_errors).collect();
        for (file, d) in &compiled.diagnostics {
            // Names assigned in statements that did not parse look undefined: not news.
            if syntax_failed[*file as usize]
                && matches!(d.code, Code::UndefinedVariable | Code::UnassignedVariable)
            {
                continue;
            }
            sources[*file as usize].diagnostics.push(d.clone());
        }
        for file in &mut sources {
            let allowed = line_allows(&file.source, &file.comments);
            file.diagnostics.retain(|d| {
                d.is_error()
                    || !(options.allow.contains(&d.code)
                        || allowed.iter().any(|(line_end, code)| {
                            *code == d.code && suppresses(&file.source, *line_end, d.span.start)
                        }))
            });
            file.diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        }
        Project { files: sources, compiled, check_only: options.check_only, trees }
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The index of a file by its path as given.
    pub fn file_index(&self, path: &str) -> Option<usize> {
        self.files.iter().position(|f| f.path == path)
    }

    /// Whether any file has an error.
    pub fn has_errors(&self) -> bool {
        self.files.iter().any(SourceFile::has_errors)
    }

    /// Every function of the project: qualified name and defining file.
    pub fn functions(&self) -> Vec<(&str, usize)> {
        self.compiled.functions.iter().map(|f| (f.name.as_str(), f.file as usize)).collect()
    }

    /// Qualified names of the functions one file defines.
    pub fn functions_of(&self, file: usize) -> Vec<&str> {
        self.compiled
            .functions
            .iter()
            .filter(|f| f.file as usize == file)
            .map(|f| f.name.as_str())
            .collect()
    }

    /// Whether a file has top-level statements.
    pub fn has_statements(&self, file: usize) -> bool {
        self.compiled.mains.get(file).is_some_and(Option::is_some)
    }

    /// Parameter names of a function, by qualified or short name (case-insensitive),
    /// preferring the given file's own functions.
    pub fn params(&self, file: usize, function: &str) -> Option<&[String]> {
        self.function_index(file, function).map(|i| self.compiled.functions[i].params.as_slice())
    }

    /// Maps a project-global span to its file and the file-local span.
    pub(crate) fn locate(&self, span: Span) -> (usize, Span) {
        let i = self.files.partition_point(|f| f.base <= span.start).saturating_sub(1);
        let base = self.files.get(i).map_or(0, |f| f.base);
        (
            i,
            Span {
                start: span.start - base,
                end: span.end.saturating_sub(base).max(span.start - base),
            },
        )
    }

    fn function_index(&self, file: usize, name: &str) -> Option<usize> {
        let funcs = &self.compiled.functions;
        let exact = |f: &Function| f.name.eq_ignore_ascii_case(name);
        let short =
            |f: &Function| f.name.rsplit('.').next().is_some_and(|n| n.eq_ignore_ascii_case(name));
        let own = |f: &Function| f.file as usize == file;
        funcs
            .iter()
            .position(|f| own(f) && exact(f))
            .or_else(|| funcs.iter().position(|f| own(f) && short(f)))
            .or_else(|| funcs.iter().position(exact))
            .or_else(|| funcs.iter().position(short))
    }
}

/// `// dg-allow: code-name, other` comments: the end of each such comment's line and the
/// codes it names. A comment on its own line covers the next line; at the end of a line, its
/// own line.
fn line_allows(src: &str, comments: &[Comment]) -> Vec<(usize, Code)> {
    let mut out = Vec::new();
    for c in comments {
        let text = &src[c.span.range()];
        let body =
            text.trim_start_matches('/').trim_start_matches('*').trim_end_matches("*/").trim();
        let Some(list) = body.strip_prefix("dg-allow:") else { continue };
        for name in list.split(',') {
            if let Some(code) = Code::parse(name.trim()) {
                out.push((c.span.start as usize, code));
            }
        }
    }
    out
}

/// Does an allow comment starting at `comment_at` cover a diagnostic at `at`?
fn suppresses(src: &str, comment_at: usize, at: u32) -> bool {
    let at = at as usize;
    let line_start = |i: usize| src[..i.min(src.len())].rfind('\n').map_or(0, |n| n + 1);
    let comment_line = line_start(comment_at);
    let own_line = src[comment_line..comment_at].trim().is_empty();
    let diag_line = line_start(at);
    if diag_line == comment_line {
        return true;
    }
    // A comment alone on its line covers the line after it.
    own_line && src[..diag_line.saturating_sub(1)].len() >= comment_line && {
        let prev_line = line_start(diag_line.saturating_sub(1));
        prev_line == comment_line
    }
}

/// A parsed and resolved source file, ready to run any number of times: a [`Project`] of one.
pub struct Script {
    project: Project,
}

impl Script {
    /// Parses and resolves `source`. Never fails: problems are in [`Script::diagnostics`].
    pub fn new(source: impl Into<String>) -> Script {
        Script::named("<script>", source)
    }

    /// [`Script::new`], with the name diagnostics and failures show for the file.
    pub fn named(path: impl Into<String>, source: impl Into<String>) -> Script {
        let files = vec![(path.into(), source.into())];
        Script { project: Project::new(files, &CheckOptions::default()) }
    }

    fn file(&self) -> &SourceFile {
        &self.project.files[0]
    }

    pub fn source(&self) -> &str {
        self.file().source()
    }

    /// Syntax errors, unknown functions, and warnings such as never-assigned variables.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.file().diagnostics()
    }

    pub fn has_errors(&self) -> bool {
        self.file().has_errors()
    }

    /// Qualified names of the functions the file defines.
    pub fn functions(&self) -> Vec<&str> {
        self.project.functions_of(0)
    }

    /// Parameter names of a function, by qualified name (case-insensitive).
    pub fn params(&self, function: &str) -> Option<&[String]> {
        self.project.params(0, function)
    }

    /// Whether the file has top-level statements.
    pub fn has_statements(&self) -> bool {
        self.project.has_statements(0)
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.file().line_col(offset)
    }

    /// The script as a project of one file.
    pub fn project(&self) -> &Project {
        &self.project
    }
}

/// Which code of a file to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry<'a> {
    /// Top-level statements if there are any, else the file's only function.
    Auto,
    /// A function by (qualified or short) name.
    Function(&'a str),
}

/// Why a run failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The file has syntax errors (nothing ran).
    Syntax,
    /// The file parsed but has checking errors: unknown functions, wrong argument counts…
    /// (nothing ran).
    Check,
    /// A runtime error stopped the script.
    Runtime,
    /// A limit stopped the script.
    Limit,
    /// The call itself was wrong: unknown function, missing or unknown argument.
    Usage,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Syntax => "syntax",
            FailureKind::Check => "check",
            FailureKind::Runtime => "runtime",
            FailureKind::Limit => "limit",
            FailureKind::Usage => "usage",
        }
    }
}

/// A located failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    /// The project file the location is in (index into [`Project::files`]).
    pub file: Option<usize>,
    /// Byte span within that file.
    pub span: Option<Span>,
    /// 1-based; 0 when the failure has no location.
    pub line: u32,
    pub column: u32,
}

/// What a run produced. `info` lines went to the host as they happened.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The returned value (`null` when nothing was returned).
    pub result: Value,
    pub error: Option<Failure>,
    /// Statements executed.
    pub statements: u64,
}

/// Runs scripts. Cheap to create; holds only configuration.
#[derive(Debug, Clone)]
pub struct Interpreter {
    pub limits: Limits,
    /// Time zone for `unixEpoch()` and friends (`UTC`, `GMT`, IANA names).
    pub time_zone: String,
    /// Seed for `randomNumber`.
    pub seed: u64,
    /// Free the script's values when a run ends (default). A one-shot process such as the
    /// `dg` command sets this to `false` and lets the OS reclaim them at exit, which is much
    /// faster for scripts that build large lists and maps. Embedders keep it `true`.
    pub reclaim_memory: bool,
    /// Live heap bytes, read to enforce `Limits::max_memory_bytes`. The default reads the
    /// counter of [`crate::alloc::Counting`], which the process must install as its global
    /// allocator (the `dg` command does); without it the memory budget is not enforced.
    pub memory_probe: fn() -> usize,
}

impl Default for Interpreter {
    fn default() -> Interpreter {
        Interpreter {
            limits: Limits::default(),
            time_zone: "UTC".into(),
            seed: 0x5eed,
            reclaim_memory: true,
            memory_probe: crate::alloc::live_bytes,
        }
    }
}

impl Interpreter {
    pub fn new() -> Interpreter {
        Interpreter::default()
    }

    pub fn with_limits(limits: Limits) -> Interpreter {
        Interpreter { limits, ..Interpreter::default() }
    }

    /// Compiles and runs a bare script with no arguments.
    pub fn run_source(&self, source: &str, host: &mut dyn Host) -> Outcome {
        self.run(&Script::new(source), Entry::Auto, Vec::new(), host)
    }

    /// Runs `entry` of `script`. For a function, `args` are matched to its
    /// parameters by name; for top-level statements they are variables.
    pub fn run(
        &self,
        script: &Script,
        entry: Entry<'_>,
        args: Vec<(String, Value)>,
        host: &mut dyn Host,
    ) -> Outcome {
        self.run_project(&script.project, 0, entry, args, host)
    }

    /// Runs `entry` of the project file `file`: its top-level statements, its only function,
    /// or the named function of any file (the file's own first). Calls reach every
    /// function of the project. Errors in `file` stop the run before it starts; errors in
    /// other files stop it only when a broken statement is reached.
    pub fn run_project(
        &self,
        project: &Project,
        file: usize,
        entry: Entry<'_>,
        args: Vec<(String, Value)>,
        host: &mut dyn Host,
    ) -> Outcome {
        let fail_at = |kind, message: String, file: Option<usize>, span: Option<Span>| {
            let (line, column) = match (file, span) {
                (Some(f), Some(s)) => project.files[f].line_col(s.start),
                _ => (0, 0),
            };
            Outcome {
                result: Value::Null,
                error: Some(Failure { kind, message, file, span, line, column }),
                statements: 0,
            }
        };
        let fail = |kind, message: String| fail_at(kind, message, None, None);
        if project.check_only {
            return fail(FailureKind::Usage, "this project was loaded for checking only".into());
        }
        let Some(source) = project.files.get(file) else {
            return fail(FailureKind::Usage, format!("the project has no file number {file}"));
        };
        if let Some(d) = source.diagnostics.iter().find(|d| d.is_error()) {
            let kind = if d.code.id() < "E0200" { FailureKind::Syntax } else { FailureKind::Check };
            return fail_at(kind, d.message.clone(), Some(file), Some(d.span));
        }
        let function = match entry {
            Entry::Function(name) => match project.function_index(file, name) {
                Some(i) => Some(i),
                None => {
                    return fail(
                        FailureKind::Usage,
                        format!("the project defines no function '{name}'"),
                    )
                }
            },
            Entry::Auto if project.has_statements(file) => None,
            Entry::Auto => {
                let own: Vec<usize> = (0..project.compiled.functions.len())
                    .filter(|&i| project.compiled.functions[i].file as usize == file)
                    .collect();
                match own.len() {
                    1 => Some(own[0]),
                    0 => return Outcome { result: Value::Null, error: None, statements: 0 },
                    _ => {
                        return fail(
                            FailureKind::Usage,
                            format!(
                            "the file defines several functions ({}); choose one with --function",
                            project.functions_of(file).join(", ")
                        ),
                        )
                    }
                }
            }
        };
        let ctx = Ctx::new(host, self.limits.clone(), self.time_zone.clone(), self.seed)
            .with_memory_probe(self.memory_probe);
        let mut machine = Machine::new(ctx, &project.compiled.functions, project);
        machine.reclaim_memory = self.reclaim_memory;
        let res = match function {
            Some(i) => {
                let f = &project.compiled.functions[i];
                let mut values = vec![Value::Null; f.params.len()];
                let mut given = vec![false; f.params.len()];
                for (name, value) in args {
                    match f.params.iter().position(|p| *p == name) {
                        Some(p) => {
                            values[p] = match coerce_arg(&f.param_types[p], value) {
                                Ok(v) => v,
                                Err(msg) => {
                                    return fail(
                                        FailureKind::Usage,
                                        format!("argument '{name}' of '{}': {msg}", f.name),
                                    )
                                }
                            };
                            given[p] = true;
                        }
                        None => {
                            return fail(
                                FailureKind::Usage,
                                format!(
                                    "function '{}' has no parameter '{name}' (parameters: {})",
                                    f.name,
                                    f.params.join(", ")
                                ),
                            )
                        }
                    }
                }
                if let Some(p) = given.iter().position(|g| !g) {
                    return fail(
                        FailureKind::Usage,
                        format!(
                            "function '{}' needs its argument '{}' (--arg {}=VALUE)",
                            f.name, f.params[p], f.params[p]
                        ),
                    );
                }
                machine.call_function(f, values, Span::default())
            }
            None => {
                machine.globals = args.into_iter().collect();
                match project.compiled.mains[file].as_ref() {
                    Some(main) => machine.call_function(main, Vec::new(), Span::default()),
                    None => Ok(Value::Null),
                }
            }
        };
        let statements = machine.ctx.statements;
        // A page's result is its rendered text.
        let res = match res {
            Ok(_) if function.is_none() && source.page => {
                Ok(Value::text(std::mem::take(&mut machine.creator.page)))
            }
            other => other,
        };
        match res {
            Ok(result) => Outcome { result, error: None, statements },
            Err(err) => {
                let located = err.span().map(|s| project.locate(s));
                let mut out = fail_at(
                    kind_of(&err),
                    err.message().to_string(),
                    located.map(|(f, _)| f),
                    located.map(|(_, s)| s),
                );
                out.statements = statements;
                out
            }
        }
    }
}

/// Checks an argument given from outside (the command line, a test case) against the
/// parameter's declared type. Numbers and booleans given to a text parameter become text;
/// text that holds a number is accepted by a number parameter. `Err` says why not.
fn coerce_arg(ty: &str, value: Value) -> std::result::Result<Value, String> {
    let shown = || value.to_display();
    match ty {
        "string" | "text" => Ok(match value {
            Value::Int(_) | Value::Dec(_) | Value::Bool(_) => Value::text(value.to_display()),
            v => v,
        }),
        "int" | "number" | "long" | "bigint" => match &value {
            Value::Int(_) | Value::Null => Ok(value),
            Value::Text(t) => t.trim().parse::<i64>().map(Value::Int).map_err(|_| {
                format!("the parameter is {ty}, and '{}' is not a whole number", shown())
            }),
            _ => Err(format!("the parameter is {ty}, not {}", value.ty().name())),
        },
        "decimal" | "float" | "double" => match &value {
            Value::Int(n) => Ok(Value::Dec(*n as f64)),
            Value::Dec(_) | Value::Null => Ok(value),
            Value::Text(t) => {
                t.trim().parse::<f64>().ok().filter(|d| d.is_finite()).map(Value::Dec).ok_or_else(
                    || format!("the parameter is {ty}, and '{}' is not a number", shown()),
                )
            }
            _ => Err(format!("the parameter is {ty}, not {}", value.ty().name())),
        },
        "bool" | "boolean" => match &value {
            Value::Bool(_) | Value::Null => Ok(value),
            Value::Text(t) if t.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::Text(t) if t.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(format!("the parameter is {ty}, and '{}' is not true or false", shown())),
        },
        "map" | "key-value" => match &value {
            Value::Map(_) | Value::Null => Ok(value),
            _ => Err(format!(
                "the parameter is a map, not {} (give JSON such as {{\"a\":1}})",
                value.ty().name()
            )),
        },
        "list" => match &value {
            Value::List(_) | Value::Null => Ok(value),
            _ => Err(format!(
                "the parameter is a list, not {} (give JSON such as [1,2])",
                value.ty().name()
            )),
        },
        "date" | "datetime" | "date-time" | "time" => match &value {
            Value::Text(t) => crate::builtins::date::parse_text(t)
                .ok_or_else(|| format!("the parameter is {ty}, and '{t}' is not a date")),
            _ => Ok(value),
        },
        _ => Ok(value),
    }
}

fn kind_of(err: &RuntimeError) -> FailureKind {
    match err.kind() {
        crate::ErrorKind::Runtime => FailureKind::Runtime,
        crate::ErrorKind::Limit => FailureKind::Limit,
    }
}
