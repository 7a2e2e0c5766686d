//! The embedding API: compile a [`Script`] once, run it with an [`Interpreter`].

use dg_syntax::{Diagnostic, LineIndex, Span};

use crate::compile::{compile, Compiled};
use crate::ctx::Ctx;
use crate::error::RuntimeError;
use crate::eval::Machine;
use crate::{Host, Limits, Value};

/// A parsed and resolved source file, ready to run any number of times.
pub struct Script {
    source: String,
    lines: LineIndex,
    compiled: Compiled,
    diagnostics: Vec<Diagnostic>,
}

impl Script {
    /// Parses and resolves `source`. Never fails: problems are in [`Script::diagnostics`].
    pub fn new(source: impl Into<String>) -> Script {
        let source = source.into();
        let lines = LineIndex::new(&source);
        let parsed = dg_syntax::parse(&source);
        let compiled = compile(&parsed.program);
        let mut diagnostics = parsed.diagnostics;
        if !diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.extend(compiled.diagnostics.iter().cloned());
        }
        diagnostics.sort_by_key(|d| d.span.start);
        Script { source, lines, compiled, diagnostics }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Syntax errors, unknown functions, and warnings such as never-assigned variables.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Qualified names of the functions the file defines.
    pub fn functions(&self) -> Vec<&str> {
        self.compiled.functions.iter().map(|f| f.name.as_str()).collect()
    }

    /// Parameter names of a function, by qualified name (case-insensitive).
    pub fn params(&self, function: &str) -> Option<&[String]> {
        self.function_index(function).map(|i| self.compiled.functions[i].params.as_slice())
    }

    /// Whether the file has top-level statements.
    pub fn has_statements(&self) -> bool {
        self.compiled.main.is_some()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.lines.line_col(&self.source, offset)
    }

    fn function_index(&self, name: &str) -> Option<usize> {
        let funcs = &self.compiled.functions;
        funcs.iter().position(|f| f.name.eq_ignore_ascii_case(name)).or_else(|| {
            funcs.iter().position(|f| {
                f.name.rsplit('.').next().is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
        })
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
    /// The file has syntax or resolution errors (nothing ran).
    Syntax,
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
        let fail = |kind, message: String, span: Option<Span>| {
            let (line, column) = span.map(|s| script.line_col(s.start)).unwrap_or((0, 0));
            Outcome {
                result: Value::Null,
                error: Some(Failure { kind, message, span, line, column }),
                statements: 0,
            }
        };
        if let Some(d) = script.diagnostics.iter().find(|d| d.is_error()) {
            return fail(FailureKind::Syntax, d.message.clone(), Some(d.span));
        }
        let function = match entry {
            Entry::Function(name) => match script.function_index(name) {
                Some(i) => Some(i),
                None => {
                    return fail(
                        FailureKind::Usage,
                        format!("the file defines no function '{name}'"),
                        None,
                    )
                }
            },
            Entry::Auto if script.compiled.main.is_some() => None,
            Entry::Auto => match script.compiled.functions.len() {
                1 => Some(0),
                0 => return Outcome { result: Value::Null, error: None, statements: 0 },
                _ => {
                    return fail(
                        FailureKind::Usage,
                        format!(
                            "the file defines several functions ({}); choose one with --function",
                            script.functions().join(", ")
                        ),
                        None,
                    )
                }
            },
        };
        let ctx = Ctx::new(host, self.limits.clone(), self.time_zone.clone(), self.seed)
            .with_memory_probe(self.memory_probe);
        let mut machine =
            Machine::new(ctx, &script.compiled.functions, &script.source, &script.lines);
        machine.reclaim_memory = self.reclaim_memory;
        let res = match function {
            Some(i) => {
                let f = &script.compiled.functions[i];
                let mut values = vec![Value::Null; f.params.len()];
                let mut given = vec![false; f.params.len()];
                for (name, value) in args {
                    match f.params.iter().position(|p| *p == name) {
                        Some(p) => {
                            values[p] = value;
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
                                None,
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
                        None,
                    );
                }
                machine.call_function(f, values, Span::default())
            }
            None => {
                machine.globals = args.into_iter().collect();
                let main = script.compiled.main.as_ref();
                match main {
                    Some(main) => machine.call_function(main, Vec::new(), Span::default()),
                    None => Ok(Value::Null),
                }
            }
        };
        let statements = machine.ctx.statements;
        match res {
            Ok(result) => Outcome { result, error: None, statements },
            Err(err) => {
                let mut out = fail(kind_of(&err), err.message().to_string(), err.span());
                out.statements = statements;
                out
            }
        }
    }
}

fn kind_of(err: &RuntimeError) -> FailureKind {
    match err.kind() {
        crate::ErrorKind::Runtime => FailureKind::Runtime,
        crate::ErrorKind::Limit => FailureKind::Limit,
    }
}
