//! Per-run state shared by the evaluator and the builtins.

use regex::Regex;
use rustc_hash::FxHashMap;

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
    pub(crate) info_bytes: usize,
}

impl<'h> Ctx<'h> {
    pub(crate) fn new(
        host: &'h mut dyn Host,
        limits: Limits,
        time_zone: String,
        seed: u64,
    ) -> Ctx<'h> {
        Ctx {
            host,
            limits,
            time_zone,
            regexes: FxHashMap::default(),
            rng: seed | 1,
            statements: 0,
            info_bytes: 0,
        }
    }

    /// A compiled regex, cached per run (`replaceAll` in a loop compiles once).
    /// Deluge uses Java regex syntax; the common subset is the same.
    pub(crate) fn regex(&mut self, pattern: &str, ignore_case: bool) -> Result<&Regex> {
        let key = (pattern.to_string(), ignore_case);
        if !self.regexes.contains_key(&key) {
            let re = regex::RegexBuilder::new(pattern)
                .case_insensitive(ignore_case)
                .size_limit(1 << 22)
                .build()
                .map_err(|e| {
                    RuntimeError::new(format!("invalid regular expression '{pattern}': {e}"))
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
            return Err(RuntimeError::limit(format!(
                "text of {len} bytes exceeds the limit of {} bytes",
                self.limits.max_text_bytes
            )));
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
