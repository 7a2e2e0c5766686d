//! Token stream → [`Program`], with error recovery. Never panics, never fails outright:
//! it always returns a (possibly partial) program and the diagnostics it found.

mod expr;
mod stmt;

use chumsky::error::{RichPattern, RichReason};
use chumsky::input::{Input as _, MappedInput};
use chumsky::prelude::*;

use crate::ast::Program;
use crate::token::{lex, LexError, Token};
use crate::{Diagnostic, Span};

pub(crate) type In<'t, 's> = MappedInput<'t, Token<'s>, SimpleSpan, &'t [(Token<'s>, SimpleSpan)]>;
pub(crate) type Ex<'t, 's> = extra::Err<Rich<'t, Token<'s>, SimpleSpan>>;
pub(crate) type P<'t, 's, O> = Boxed<'t, 't, In<'t, 's>, O, Ex<'t, 's>>;

/// Deepest bracket nesting accepted before parsing is refused.
pub const MAX_NESTING: usize = 256;
/// Most operators accepted in one statement (guards recursion depth downstream).
pub const MAX_OPERATORS_PER_STATEMENT: usize = 4096;

/// The result of parsing one source text.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub program: Program,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Lexes and parses a whole file.
pub fn parse(src: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    if src.len() >= u32::MAX as usize {
        diagnostics.push(Diagnostic::error("source text is larger than 4 GiB", Span::new(0, 0)));
        return Parsed { program: Program::default(), diagnostics };
    }
    let mut lex_errors_swallowing = Vec::new();
    let tokens: Vec<(Token<'_>, SimpleSpan)> = lex(src)
        .into_iter()
        .filter_map(|(tok, span)| match tok {
            Token::Error(e) => {
                if matches!(e, LexError::UnterminatedString | LexError::UnterminatedComment) {
                    lex_errors_swallowing.push(span.start);
                }
                diagnostics.push(Diagnostic::error(e.message(), span).with_label(e.message()));
                None
            }
            Token::BlockComment => None,
            tok => Some((tok, SimpleSpan::from(span.range()))),
        })
        .collect();
    if let Some(diag) = check_shape(&tokens) {
        diagnostics.push(diag);
        return Parsed { program: Program::default(), diagnostics };
    }
    let eoi = SimpleSpan::from(src.len()..src.len());
    let (program, errors) =
        stmt::program().parse(tokens.as_slice().split_token_span(eoi)).into_output_errors();
    // A lexing error usually causes a parse error at the same place: report it once. An
    // unterminated literal swallows the rest of the file, so parse errors from the start of
    // its line on are consequences, not news.
    let lex_error_spans: Vec<Span> = diagnostics.iter().map(|d| d.span).collect();
    let swallowed_from = lex_errors_swallowing
        .iter()
        .map(|&start| src[..start as usize].rfind('\n').map_or(0, |i| i + 1) as u32)
        .min();
    for err in errors {
        let mut diag = rich_to_diagnostic(&err);
        relocate_missing_semicolon(src, &tokens, &err, &mut diag);
        let dup = swallowed_from.is_some_and(|from| diag.span.start >= from)
            || lex_error_spans.iter().any(|s| s.end >= diag.span.start && s.start <= diag.span.end);
        if !dup {
            diagnostics.push(diag);
        }
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics.dedup_by(|a, b| a.span == b.span);
    Parsed { program: program.unwrap_or_default(), diagnostics }
}

/// Refuses inputs whose shape would make later recursive passes too deep.
fn check_shape(tokens: &[(Token<'_>, SimpleSpan)]) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut operators = 0usize;
    for (tok, span) in tokens {
        match tok {
            Token::LParen | Token::LBrace | Token::LBracket => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(
                        Diagnostic::error(
                            format!("brackets nested deeper than {MAX_NESTING} levels"),
                            Span::from(*span),
                        )
                        .with_label("too deep"),
                    );
                }
            }
            Token::RParen | Token::RBrace | Token::RBracket => depth = depth.saturating_sub(1),
            Token::Semi => operators = 0,
            Token::Plus
            | Token::Minus
            | Token::Star
            | Token::Slash
            | Token::Percent
            | Token::EqEq
            | Token::NotEq
            | Token::Lt
            | Token::Le
            | Token::Gt
            | Token::Ge
            | Token::AndAnd
            | Token::OrOr
            | Token::Bang
            | Token::Dot => {
                operators += 1;
                if operators > MAX_OPERATORS_PER_STATEMENT {
                    return Some(
                        Diagnostic::error(
                            format!(
                                "statement has more than {MAX_OPERATORS_PER_STATEMENT} operators"
                            ),
                            Span::from(*span),
                        )
                        .with_help("split the expression over several statements"),
                    );
                }
            }
            _ => {}
        }
    }
    None
}

/// "expected `;`" at the first token of the next line reads better as "missing `;`"
/// at the end of the previous token.
fn relocate_missing_semicolon(
    src: &str,
    tokens: &[(Token<'_>, SimpleSpan)],
    err: &Rich<'_, Token<'_>, SimpleSpan>,
    diag: &mut Diagnostic,
) {
    let expects_semi = err.expected().any(|p| match p {
        RichPattern::Token(t) => **t == Token::Semi,
        RichPattern::Label(l) => l == "`;`",
        _ => false,
    });
    if !expects_semi {
        return;
    }
    let start = err.span().start;
    let Some(prev) = tokens.iter().rev().find(|(_, s)| s.end <= start) else { return };
    let gap = src.get(prev.1.end..start).unwrap_or("");
    if start < src.len() && !gap.contains('\n') {
        return;
    }
    *diag = Diagnostic::error(
        "missing `;` at the end of this statement",
        Span::new(prev.1.end, prev.1.end),
    )
    .with_label("expected `;` here")
    .with_help("every statement ends with `;`");
}

fn pattern_text(p: &RichPattern<'_, Token<'_>>) -> String {
    match p {
        RichPattern::Token(t) => format!("`{}`", &**t),
        RichPattern::Label(l) => l.to_string(),
        RichPattern::Identifier(i) => format!("`{i}`"),
        RichPattern::Any => "something".into(),
        RichPattern::SomethingElse => "something else".into(),
        RichPattern::EndOfInput => "end of input".into(),
        _ => "something".into(),
    }
}

fn rich_to_diagnostic(err: &Rich<'_, Token<'_>, SimpleSpan>) -> Diagnostic {
    let span = Span::from(*err.span());
    match err.reason() {
        RichReason::ExpectedFound { expected, found } => {
            let found_text = match found {
                Some(t) => match &**t {
                    Token::Text(_) | Token::Date(_) => t.to_string(),
                    t => format!("`{t}`"),
                },
                None => "end of input".into(),
            };
            let mut exp: Vec<String> = expected.iter().map(pattern_text).collect();
            exp.sort();
            exp.dedup();
            let label = match exp.len() {
                0 => format!("unexpected {found_text}"),
                1 => format!("expected {}", exp[0]),
                _ => format!("expected one of {}", exp.join(", ")),
            };
            let mut diag =
                Diagnostic::error(format!("unexpected {found_text}"), span).with_label(label);
            if found.is_none() || exp.iter().any(|e| e == "`;`") {
                diag = diag.with_help("every statement ends with `;`");
            }
            diag
        }
        RichReason::Custom(msg) => Diagnostic::error(msg.clone(), span).with_label(msg.clone()),
    }
}

// ---- helpers shared by the grammar modules ----

/// A case-insensitive keyword (Deluge keywords are plain identifiers to the lexer).
pub(crate) fn kw<'t, 's: 't>(word: &'static str) -> P<'t, 's, ()> {
    select_ref! { Token::Ident(s) if s.eq_ignore_ascii_case(word) => () }.labelled(word).boxed()
}

/// Words that start statements and so cannot be used as function return types.
pub(crate) const STATEMENT_WORDS: &[&str] = &[
    "if", "else", "for", "while", "try", "catch", "info", "return", "break", "continue", "delete",
    "insert", "true", "false", "null",
];

pub(crate) fn ident<'t, 's: 't>() -> P<'t, 's, crate::ast::Ident> {
    select_ref! { Token::Ident(s) = e => crate::ast::Ident { name: (*s).to_string(), span: Span::from(e.span()) } }
        .labelled("name")
        .boxed()
}

#[cfg(test)]
mod tests;
