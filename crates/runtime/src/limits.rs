//! Execution limits (Decision 13). All configurable by embedders and the CLI.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Executed statements per run, counted as Zoho counts them (each `for each`
    /// pass counts; a task block counts once). `None` = unlimited.
    pub max_statements: Option<u64>,
    /// Nested user-function calls.
    pub max_call_depth: usize,
    /// Total bytes of `info` output per run.
    pub max_info_bytes: usize,
    /// `invokeurl` wait before "socket timeout error".
    pub http_timeout: Duration,
    /// Largest HTTP response accepted.
    pub max_response_bytes: usize,
    /// Largest text value a builtin may build (guards `repeat`, `leftpad`, `+`).
    pub max_text_bytes: usize,
    /// Most elements a list or map may hold.
    pub max_collection_len: usize,
    /// Most bytes the run may hold on the heap beyond what was in use when it started, as the
    /// interpreter's memory probe measures it (see [`crate::alloc`]). `None` = unlimited.
    pub max_memory_bytes: Option<usize>,
    /// Wall-clock time a run may take (Zoho CRM stops a function after one minute).
    /// `None` = unlimited.
    pub max_time: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_statements: Some(200_000),
            max_call_depth: 75,
            max_info_bytes: 500 * 1024,
            http_timeout: Duration::from_secs(40),
            max_response_bytes: 15 * 1024 * 1024,
            max_text_bytes: 64 * 1024 * 1024,
            max_collection_len: 10_000_000,
            max_memory_bytes: Some(256 * 1024 * 1024),
            max_time: Some(Duration::from_secs(60)),
        }
    }
}

impl Limits {
    /// No statement, memory or time limit and generous sizes: for benchmarks and trusted
    /// batch jobs. Call depth stays bounded (recursion needs stack), and so does one text
    /// (1 GB), so that a runaway script still fails with an error rather than an abort.
    pub fn unlimited() -> Limits {
        Limits {
            max_statements: None,
            max_info_bytes: usize::MAX,
            max_text_bytes: 1 << 30,
            max_collection_len: usize::MAX,
            max_memory_bytes: None,
            max_time: None,
            ..Limits::default()
        }
    }
}
