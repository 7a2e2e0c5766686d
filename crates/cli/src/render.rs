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
    let line_start = src[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[range.start..].find('\n').map_or(src.len(), |i| range.start + i);
    if line_end - line_start > MAX_SHOWN_LINE {
        return compact(path, src, &parts, label, help, range, line_start, line_end);
    }
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

/// Lines longer than this are shown as a window around the problem, not whole.
const MAX_SHOWN_LINE: usize = 240;

/// A report for a problem on a very long line: the line is cut to a window around the span.
#[allow(clippy::too_many_arguments)]
fn compact(
    path: &str,
    src: &str,
    parts: &Parts<'_>,
    label: &str,
    help: Option<&str>,
    range: std::ops::Range<usize>,
    line_start: usize,
    line_end: usize,
) -> String {
    let line_no = src[..line_start].matches('\n').count() + 1;
    let column = src[line_start..range.start].chars().count() + 1;
    let floor = |mut i: usize| {
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(range.start.saturating_sub(40).max(line_start));
    let to = floor((range.start + 80).min(line_end));
    let (lead, tail) =
        (if from > line_start { "…" } else { "" }, if to < line_end { "…" } else { "" });
    let window = &src[from..to];
    let caret_at = lead.chars().count() + src[from..range.start].chars().count();
    let width = src[range.start..range.end.min(to).max(range.start)].chars().count().max(1);
    let kind = if parts.severity == Severity::Error { "Error" } else { "Warning" };
    let mut out = String::new();
    if let Some(code) = parts.code {
        out.push_str(&format!("[{code}] "));
    }
    out.push_str(&format!("{kind}: {}\n   ╭─[ {path}:{line_no}:{column} ]\n", parts.message));
    out.push_str(&format!("   │ {lead}{window}{tail}\n"));
    out.push_str(&format!("   │ {}{} {label}\n", " ".repeat(caret_at), "^".repeat(width.min(80))));
    if let Some(help) = help {
        out.push_str(&format!("   │ Help: {help}\n"));
    }
    out.push_str("───╯\n");
    out
}
