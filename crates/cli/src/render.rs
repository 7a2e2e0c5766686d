//! The one place diagnostics are rendered (ariadne, byte offsets).

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};
use dg_syntax::{Diagnostic, Severity, Span};
use std::io::IsTerminal;

/// Colour only on a terminal and when `NO_COLOR` is unset.
pub fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn clamp(src: &str, span: Span) -> std::ops::Range<usize> {
    let mut start = (span.start as usize).min(src.len());
    let mut end = (span.end as usize).clamp(start, src.len());
    while !src.is_char_boundary(start) {
        start -= 1;
    }
    while !src.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// Renders one diagnostic as text (what `dg check` prints on stderr).
pub fn render(path: &str, src: &str, d: &Diagnostic, colour: bool) -> String {
    let range = clamp(src, d.span);
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let colour_of = if d.severity == Severity::Error { Color::Red } else { Color::Yellow };
    let mut report = Report::build(kind, (path, range.clone()))
        .with_config(Config::new().with_index_type(IndexType::Byte).with_color(colour))
        .with_message(&d.message)
        .with_label(
            Label::new((path, range))
                .with_message(d.label.clone().unwrap_or_else(|| d.message.clone()))
                .with_color(colour_of),
        );
    if let Some(help) = &d.help {
        report = report.with_help(help);
    }
    let mut out = Vec::new();
    if report.finish().write((path, Source::from(src)), &mut out).is_err() {
        return format!("{path}: {}\n", d.message);
    }
    String::from_utf8_lossy(&out).into_owned()
}
