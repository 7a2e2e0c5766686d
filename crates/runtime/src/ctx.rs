//! Per-run state shared by the evaluator and the builtins.

use regex::Regex;
use rustc_hash::FxHashMap;
use std::time::Instant;

use crate::error::{fail, Result, RuntimeError};
use crate::{Host, Limits};

pub struct Ctx<'h> {
    pub(crate) host: &'h mut dyn Host,
    pub(crate) limits: Limits,
    /// IANA name or `GMT`/`UTC`; the zone `now()` and `unixEpoch()` use by default.
    pub(crate) time_zone: String,
    regexes: FxHashMap<(String, bool), Regex>,
    rng: u64,
    pub(crate) statements: u64,
    /// The statement count at which the evaluator next checks its limits and budgets.
    pub(crate) next_check: u64,
    pub(crate) info_bytes: usize,
    /// Live heap bytes of this thread (see [`crate::alloc`]).
    memory_probe: fn() -> usize,
    /// The probe's reading above which the run is over its memory budget (`usize::MAX`: none).
    memory_cap: usize,
    /// When the run's wall-clock budget ends.
    deadline: Option<Instant>,
    /// Bytes scanned by builtins since the deadline was last checked.
    scanned: usize,
}

/// How many statements run between two checks of the memory and time budgets.
pub(crate) const BUDGET_CHECK_EVERY: u64 = 256;

/// The statement count of the next check after `statements`: the next budget check, or the
/// statement that passes the statement limit if that comes first.
pub(crate) fn next_check(statements: u64, max_statements: Option<u64>) -> u64 {
    let next = statements.saturating_add(BUDGET_CHECK_EVERY);
    match max_statements {
        Some(max) => next.min(max.saturating_add(1)),
        None => next,
    }
}

/// Bytes a builtin may scan between two deadline checks.
const SCAN_CHECK_BYTES: usize = 32 << 20;

/// Most memory one compiled regular expression may take.
pub(crate) const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// A pattern for a message: at most 60 characters.
fn shorten(p: &str) -> String {
    match p.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &p[..i]),
        None => p.to_string(),
    }
}

/// `n` bytes for messages: whole MB when exact, else bytes.
pub(crate) fn show_bytes(n: usize) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

impl<'h> Ctx<'h> {
    pub(crate) fn new(
        host: &'h mut dyn Host,
        limits: Limits,
        time_zone: String,
        seed: u64,
    ) -> Ctx<'h> {
        let first_check = next_check(0, limits.max_statements);
        // A TEXT records its length in 32 bits (value/text.rs): no setting lifts that.
        let limits = Limits {
            max_text_bytes: limits.max_text_bytes.min(crate::value::Text::MAX_LEN),
            ..limits
        };
        Ctx {
            host,
            limits,
            time_zone,
            regexes: FxHashMap::default(),
            rng: seed | 1,
            statements: 0,
            next_check: first_check,
            info_bytes: 0,
            memory_probe: crate::alloc::live_bytes,
            memory_cap: usize::MAX,
            deadline: None,
            scanned: 0,
        }
        .with_memory_probe(crate::alloc::live_bytes)
    }

    /// Measures memory with `probe` and starts the memory and time budgets now.
    pub(crate) fn with_memory_probe(mut self, probe: fn() -> usize) -> Ctx<'h> {
        self.memory_probe = probe;
        self.memory_cap = match self.limits.max_memory_bytes {
            Some(max) => probe().saturating_add(max),
            None => usize::MAX,
        };
        self.deadline = self.limits.max_time.and_then(|t| Instant::now().checked_add(t));
        self
    }

    /// The periodic check of the memory and time budgets (every [`BUDGET_CHECK_EVERY`]
    /// statements).
    #[inline(never)]
    pub(crate) fn check_budgets(&self) -> Result<()> {
        self.check_memory()?;
        self.check_deadline()
    }

    /// Fails when the run holds more memory than its budget.
    #[inline]
    pub(crate) fn check_memory(&self) -> Result<()> {
        if self.memory_cap != usize::MAX && (self.memory_probe)() > self.memory_cap {
            return Err(self.memory_error());
        }
        Ok(())
    }

    /// Parses JSON text, stopping with the memory limit error when the values it builds take
    /// the run past its budget.
    pub(crate) fn parse_json(
        &self,
        text: &str,
    ) -> Result<std::result::Result<crate::Value, String>> {
        if self.memory_cap == usize::MAX {
            return Ok(crate::value::parse_json(text));
        }
        let over = || (self.memory_probe)() > self.memory_cap;
        match crate::value::parse_json_within(text, &over) {
            Ok(v) => Ok(Ok(v)),
            Err(crate::value::JsonError::Invalid(e)) => Ok(Err(e)),
            Err(crate::value::JsonError::OutOfMemory) => Err(self.memory_error()),
        }
    }

    /// Fails unless `bytes` more fit in the memory budget (call before a large allocation).
    pub(crate) fn reserve(&self, bytes: usize) -> Result<()> {
        if self.memory_cap != usize::MAX
            && (self.memory_probe)().saturating_add(bytes) > self.memory_cap
        {
            return Err(self.memory_error());
        }
        Ok(())
    }

    /// Fails unless a text of `bytes` bytes is within the text limit and the memory budget.
    pub(crate) fn reserve_text(&self, bytes: usize) -> Result<()> {
        self.check_text_len(bytes)?;
        self.reserve(bytes)
    }

    /// Fails unless a FILE of `bytes` bytes is within the text size limit (files share it) and
    /// the memory budget.
    pub(crate) fn reserve_file(&self, bytes: usize) -> Result<()> {
        if bytes > self.limits.max_text_bytes {
            let max = show_bytes(self.limits.max_text_bytes);
            return Err(RuntimeError::limit(format!(
                "a file of {bytes} bytes exceeds the size limit of {max} (files share the text size limit)"
            )));
        }
        self.reserve(bytes)
    }

    /// The longest a text that is `len` bytes long now may grow to: the text limit, or less
    /// when the memory budget has less room.
    #[inline]
    pub(crate) fn text_cap(&self, len: usize) -> usize {
        let room = match self.memory_cap {
            usize::MAX => usize::MAX,
            cap => cap.saturating_sub((self.memory_probe)()),
        };
        self.limits.max_text_bytes.min(len.saturating_add(room))
    }

    /// The most bytes one new printed value may take now.
    pub(crate) fn print_cap(&self) -> usize {
        self.text_cap(0)
    }

    /// The error for a text that did not fit in `cap` (from [`Ctx::text_cap`]).
    #[cold]
    pub(crate) fn cap_error(&self, cap: usize) -> RuntimeError {
        if cap < self.limits.max_text_bytes {
            return self.memory_error();
        }
        self.text_error(None)
    }

    /// Prints `v` as `info` and `toString` do, within the text limit and the memory budget.
    pub(crate) fn display(&self, v: &crate::Value) -> Result<String> {
        if let crate::Value::Text(s) = v {
            self.reserve(s.len())?;
            return Ok(s.to_string());
        }
        let cap = self.print_cap();
        v.display_within(cap).ok_or_else(|| self.cap_error(cap))
    }

    /// [`Ctx::display`] as a TEXT value: a text is shared, anything else printed in place.
    pub(crate) fn display_value(&self, v: &crate::Value) -> Result<crate::Value> {
        if let crate::Value::Text(s) = v {
            return Ok(crate::Value::Text(s.clone()));
        }
        let cap = self.print_cap();
        match v.display_text_within(cap) {
            Some(t) => Ok(crate::Value::Text(t)),
            None => Err(self.cap_error(cap)),
        }
    }

    #[cold]
    fn memory_error(&self) -> RuntimeError {
        let max = self.limits.max_memory_bytes.unwrap_or(usize::MAX);
        RuntimeError::limit(format!(
            "the script uses more than {} of memory (memory limit; dg run --max-memory)",
            show_bytes(max)
        ))
    }

    #[cold]
    fn text_error(&self, len: Option<usize>) -> RuntimeError {
        let max = show_bytes(self.limits.max_text_bytes);
        RuntimeError::limit(match len {
            Some(len) => format!("a text of {len} bytes exceeds the text size limit of {max}"),
            None => format!("the text would exceed the text size limit of {max}"),
        })
    }

    /// Fails when the run is past its wall-clock budget.
    pub(crate) fn check_deadline(&self) -> Result<()> {
        match self.deadline {
            Some(d) if Instant::now() >= d => Err(RuntimeError::limit(format!(
                "the script ran longer than {} s (time limit; dg run --max-time)",
                self.limits.max_time.map(|t| t.as_secs_f64()).unwrap_or(0.0)
            ))),
            _ => Ok(()),
        }
    }

    /// Counts `bytes` of builtin work (scanning a text or a list) and checks the deadline
    /// once enough has accumulated, so a loop of scans over a huge text stops in time.
    #[inline]
    pub(crate) fn scanned(&mut self, bytes: usize) -> Result<()> {
        self.scanned = self.scanned.saturating_add(bytes);
        if self.scanned >= SCAN_CHECK_BYTES {
            self.scanned = 0;
            self.check_deadline()?;
        }
        Ok(())
    }

    /// A compiled regex, cached per run (`replaceAll` in a loop compiles once).
    /// Deluge uses Java regex syntax; the common subset is the same.
    pub(crate) fn regex(&mut self, pattern: &str, ignore_case: bool) -> Result<&Regex> {
        let key = (pattern.to_string(), ignore_case);
        if !self.regexes.contains_key(&key) {
            let re = regex::RegexBuilder::new(pattern)
                .case_insensitive(ignore_case)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| match e {
                    regex::Error::CompiledTooBig(_) => RuntimeError::limit(format!(
                        "the regular expression '{}' is too big: it compiles past the regex \
                         size limit of {} (repetition counts multiply its size)",
                        shorten(pattern),
                        show_bytes(REGEX_SIZE_LIMIT)
                    )),
                    e => RuntimeError::new(format!("invalid regular expression '{pattern}': {e}")),
                })?;
            if self.regexes.len() > 256 {
                self.regexes.clear();
            }
            self.regexes.insert(key.clone(), re);
        }
        Ok(&self.regexes[&key])
    }

    /// Deterministic pseudo-random numbers (xorshift64*), seeded by the embedder.
    pub(crate) fn next_random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Fails when a text of `len` bytes would exceed the configured limit.
    pub(crate) fn check_text_len(&self, len: usize) -> Result<()> {
        if len > self.limits.max_text_bytes {
            return Err(self.text_error((len != usize::MAX).then_some(len)));
        }
        Ok(())
    }

    /// Fails when a collection of `len` elements would exceed the configured limit.
    pub(crate) fn check_collection_len(&self, len: usize) -> Result<()> {
        if len > self.limits.max_collection_len {
            return Err(RuntimeError::limit(format!(
                "collection of {len} elements exceeds the limit of {}",
                self.limits.max_collection_len
            )));
        }
        Ok(())
    }

    /// The current date-time from the host clock.
    pub(crate) fn now(&mut self) -> chrono::NaiveDateTime {
        self.host.now()
    }

    #[allow(dead_code)]
    pub(crate) fn unsupported<T>(&self, what: &str) -> Result<T> {
        fail(format!("{what} is not supported outside Zoho"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No setting lets a text outgrow what its 32-bit length can record.
    #[test]
    fn text_limit_is_capped_at_what_a_text_can_hold() {
        let mut host = crate::RecordingHost::default();
        let limits = Limits { max_text_bytes: usize::MAX, ..Limits::default() };
        let ctx = Ctx::new(&mut host, limits, "UTC".into(), 1);
        assert_eq!(ctx.limits.max_text_bytes, crate::value::Text::MAX_LEN);
        assert!(ctx.check_text_len(crate::value::Text::MAX_LEN + 1).is_err());
    }
}
