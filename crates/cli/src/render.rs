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

/// Renders one diagnostic as text (what `dg check` prints on stderr), with its code.
pub fn render(path: &str, src: &str, d: &Diagnostic, colour: bool) -> String {
    let label = d.label.clone().unwrap_or_else(|| d.message.clone());
    let related: Vec<(Span, &str)> =
        d.related.iter().map(|r| (r.span, r.message.as_str())).collect();
    let code = format!("{} {}", d.code.id(), d.code.name());
    let parts =
        Parts { severity: d.severity, code: Some(&code), message: &d.message, span: d.span };
    build(path, src, parts, &label, d.help.as_deref(), &related, colour)
}

/// Renders an error found while running (no diagnostic code) at its source location.
pub fn render_failure(
    path: &str,
    src: &str,
    message: &str,
    span: Span,
    label: &str,
    colour: bool,
) -> String {
    let parts = Parts { severity: Severity::Error, code: None, message, span };
    build(path, src, parts, label, None, &[], colour)
}

struct Parts<'a> {
    severity: Severity,
    code: Option<&'a str>,
    message: &'a str,
    span: Span,
}

fn build(
    path: &str,
    src: &str,
    parts: Parts<'_>,
    label: &str,
    help: Option<&str>,
    related: &[(Span, &str)],
    colour: bool,
) -> String {
    let range = clamp(src, parts.span);
    let kind = match parts.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let colour_of = if parts.severity == Severity::Error { Color::Red } else { Color::Yellow };
    let mut report = Report::build(kind, (path, range.clone()))
        .with_config(Config::new().with_index_type(IndexType::Byte).with_color(colour))
        .with_message(parts.message)
        .with_label(Label::new((path, range)).with_message(label).with_color(colour_of));
    if let Some(code) = parts.code {
        report = report.with_code(code);
    }
    for (span, message) in related {
        report = report.with_label(
            Label::new((path, clamp(src, *span))).with_message(*message).with_color(Color::Blue),
        );
    }
    if let Some(help) = help {
        report = report.with_help(help);
    }
    let mut out = Vec::new();
    if report.finish().write((path, Source::from(src)), &mut out).is_err() {
        return format!("{path}: {}\n", parts.message);
    }
    String::from_utf8_lossy(&out).into_owned()
}
