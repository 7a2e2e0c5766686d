//! The CLI's host: `info` to stdout as it happens (or collected for `--json`),
//! the wall clock in the chosen zone.

use chrono::NaiveDateTime;
use dg_runtime::Host;
use std::io::Write;

pub struct CliHost {
    /// Collect `info` lines instead of printing them.
    pub collect: bool,
    pub lines: Vec<String>,
    /// A fixed clock (`--now`), else the system clock in UTC.
    pub now: Option<NaiveDateTime>,
}

impl Host for CliHost {
    fn info(&mut self, line: &str) {
        if self.collect {
            self.lines.push(line.to_string());
        } else {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
        }
    }

    fn now(&mut self) -> NaiveDateTime {
        self.now.unwrap_or_else(|| chrono::Utc::now().naive_utc())
    }
}
