//! Token stream → [`Program`]: a hand-written recursive-descent parser with a Pratt loop for
//! operators. Never panics, never fails outright: it always returns a (possibly partial)
//! program, the comments (a side table placed by span) and the diagnostics it found.
//!
//! **Linear time on every input.** Tokens are pulled from the lexer on demand; every loop
//! consumes a token or ends; lookahead is bounded (a task key is a run of words); recovery
//! skips forward and never re-parses. Prefix operators are collected iteratively, and
//! nesting is capped at [`MAX_NESTING`], so recursion depth is bounded whatever the input.

mod expr;
mod stmt;

use std::collections::VecDeque;

use logos::Logos;

use crate::ast::{Comment, CommentKind, Program};
use crate::token::{LexError, Token};
use crate::{Code, Diagnostic, Span};

/// Deepest bracket or block nesting accepted; deeper input is one error, skipped.
pub const MAX_NESTING: usize = 256;
/// Most operators accepted in one statement (guards recursion depth downstream).
pub const MAX_OPERATORS_PER_STATEMENT: usize = 4096;
/// Largest source text accepted (bytes).
pub const MAX_SOURCE_BYTES: usize = 64 * 1024 * 1024;

/// The result of parsing one source text.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub program: Program,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Lexes and parses a whole file.
pub fn parse(src: &str) -> Parsed {
    parse_counting(src).0
}

/// Work done by one parse, for tests that prove linear growth without timing anything.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseWork {
    /// Token look-ups (peeks and bumps): the parser's unit of time.
    pub steps: u64,
    /// Deepest lookahead buffer: extra memory beyond the tree.
    pub max_lookahead: usize,
}

/// [`parse`], also returning the work it did.
#[doc(hidden)]
pub fn parse_counting(src: &str) -> (Parsed, ParseWork) {
    if src.len() > MAX_SOURCE_BYTES {
        let d = Diagnostic::new(
            Code::SourceTooLarge,
            format!("source text is larger than {} MB", MAX_SOURCE_BYTES / (1024 * 1024)),
            Span::new(0, 0),
        )
        .with_help("split the script into several files");
        return (Parsed { diagnostics: vec![d], ..Parsed::default() }, ParseWork::default());
    }
    let mut p = Parser::new(src);
    let program = p.program();
    let work = p.work;
    let mut diagnostics = p.diags;
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics.dedup_by(|a, b| a.span == b.span && a.code == b.code);
    (Parsed { program, comments: p.comments, diagnostics }, work)
}

/// Words that start statements and so cannot be used as function return types.
pub(crate) const STATEMENT_WORDS: &[&str] = &[
    "if", "else", "for", "while", "try", "catch", "info", "return", "break", "continue", "delete",
    "insert", "true", "false", "null",
];

/// A token with its span; `None` kind is the end of input.
type Tok<'s> = (Token<'s>, Span);

pub(crate) struct Parser<'s> {
    src: &'s str,
    lexer: logos::Lexer<'s, Token<'s>>,
    /// Lookahead, filled on demand (comments and lexing errors never enter it).
    buf: VecDeque<Tok<'s>>,
    /// End of the last consumed token.
    prev_end: u32,
    comments: Vec<Comment>,
    diags: Vec<Diagnostic>,
    /// Spans of lexing errors: a parse error overlapping one is not news.
    lex_errors: Vec<Span>,
    /// After an unterminated literal swallowed the rest of the file, parse errors from the
    /// start of its line on are consequences.
    swallowed_from: Option<u32>,
    /// Current bracket/block nesting.
    depth: usize,
    /// Operators seen in the current statement.
    ops: usize,
    /// Parsing an `if`/`else if` condition: `=` compares (with a warning).
    in_condition: bool,
    /// Position of the last reported syntax error: one error per line.
    last_error_at: Option<u32>,
    /// Number of diagnostics when the current statement started.
    stmt_mark: usize,
    /// An unclosed delimiter was reported at the end of input (one is enough).
    eof_reported: bool,
    work: ParseWork,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Parser<'s> {
        Parser {
            src,
            lexer: Token::lexer(src),
            buf: VecDeque::new(),
            prev_end: 0,
            comments: Vec::new(),
            diags: Vec::new(),
            lex_errors: Vec::new(),
            swallowed_from: None,
            depth: 0,
            ops: 0,
            in_condition: false,
            last_error_at: None,
            stmt_mark: 0,
            eof_reported: false,
            work: ParseWork::default(),
        }
    }

    // ---- the token stream ----

    /// Pulls the next significant token from the lexer, recording comments and errors.
    #[inline]
    fn pull(&mut self) -> Option<Tok<'s>> {
        loop {
            let next = self.lexer.next()?;
            let range = self.lexer.span();
            let span = Span::new(range.start, range.end);
            match next {
                Ok(Token::LineComment | Token::BlockComment | Token::CurlyOpen) | Err(_) => {
                    if let Some(tok) = self.pull_special(next, span) {
                        return Some(tok);
                    }
                }
                Ok(tok) => return Some((tok, span)),
            }
        }
    }

    /// [`Parser::pull`] for what is not a plain token: comments go to the side table, curly
    /// quotes and lexing errors are reported. `Some` when a token stands for it.
    #[inline(never)]
    fn pull_special(&mut self, next: Result<Token<'s>, LexError>, span: Span) -> Option<Tok<'s>> {
        match next {
            Ok(Token::LineComment) => {
                self.comments.push(Comment { kind: CommentKind::Line, span });
                None
            }
            Ok(Token::BlockComment) => {
                self.comments.push(Comment { kind: CommentKind::Block, span });
                None
            }
            Ok(Token::CurlyOpen) => self.curly_literal(span),
            Ok(tok) => Some((tok, span)),
            Err(e) => {
                if matches!(e, LexError::UnterminatedString | LexError::UnterminatedComment) {
                    let line_start =
                        self.src[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
                    self.swallowed_from.get_or_insert(line_start as u32);
                }
                if e == LexError::UnterminatedComment {
                    self.comments.push(Comment { kind: CommentKind::Block, span });
                }
                self.lex_errors.push(span);
                let mut d = Diagnostic::new(e.code(), e.message(), span).with_label(e.message());
                if e == LexError::UnexpectedChar {
                    let c = self.src[span.range()].chars().next().unwrap_or(' ');
                    d.message = format!("unexpected character `{}`", c.escape_debug());
                }
                self.diags.push(d);
                None
            }
        }
    }

    /// `“text”` / `‘text’`: one error, then the literal as if it had straight quotes.
    fn curly_literal(&mut self, open: Span) -> Option<Tok<'s>> {
        let double = self.src[open.range()].starts_with('\u{201C}');
        let close = if double { '\u{201D}' } else { '\u{2019}' };
        let rest = &self.src[open.end as usize..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let straight = if double { "\"" } else { "'" };
        let Some(end) = line.find(close) else {
            self.lex_errors.push(open);
            self.diags.push(
                Diagnostic::new(Code::CurlyQuote, "curly quote", open)
                    .with_label("not a Deluge quote")
                    .with_help(format!("use a straight quote `{straight}`")),
            );
            return None;
        };
        let content = &line[..end];
        self.lexer.bump(end + close.len_utf8());
        let span = Span::new(open.start as usize, open.end as usize + end + close.len_utf8());
        self.lex_errors.push(span);
        self.diags.push(
            Diagnostic::new(Code::CurlyQuote, "curly quotes around a literal", span)
                .with_label("typographic quotes")
                .with_help(format!("write {straight}{content}{straight} with straight quotes")),
        );
        let tok = if double { Token::Text(content.into()) } else { Token::Date(content) };
        Some((tok, span))
    }

    /// The `n`-th token ahead (0 = next), or `None` at the end.
    #[inline]
    fn peek_n(&mut self, n: usize) -> Option<&Token<'s>> {
        self.work.steps += 1;
        if n >= self.buf.len() && !self.fill(n) {
            return None;
        }
        self.buf.get(n).map(|(t, _)| t)
    }

    /// Pulls tokens until the `n`-th one ahead is buffered; `false` at the end of input.
    #[inline(never)]
    fn fill(&mut self, n: usize) -> bool {
        while self.buf.len() <= n {
            let Some(tok) = self.pull() else { return false };
            self.buf.push_back(tok);
        }
        self.work.max_lookahead = self.work.max_lookahead.max(self.buf.len());
        true
    }

    fn peek(&mut self) -> Option<&Token<'s>> {
        self.peek_n(0)
    }

    /// The span of the next token, or an empty span at the end of input.
    fn peek_span(&mut self) -> Span {
        if self.peek().is_some() {
            self.buf[0].1
        } else {
            let end = self.src.len();
            Span::new(end, end)
        }
    }

    /// Is the next token `tok`? Meant for tokens without a payload (punctuation), so the
    /// kinds alone are compared.
    fn at(&mut self, tok: &Token<'_>) -> bool {
        self.at_n(0, tok)
    }

    /// [`Parser::at`] for the `n`-th token ahead.
    fn at_n(&mut self, n: usize, tok: &Token<'_>) -> bool {
        debug_assert!(!tok.has_payload());
        self.peek_n(n).is_some_and(|t| std::mem::discriminant(t) == std::mem::discriminant(tok))
    }

    fn at_eof(&mut self) -> bool {
        self.peek().is_none()
    }

    /// Is the `n`-th token ahead the word `word` (case-insensitive)?
    fn at_word_n(&mut self, n: usize, word: &str) -> bool {
        matches!(self.peek_n(n), Some(Token::Ident(s)) if s.eq_ignore_ascii_case(word))
    }

    fn at_word(&mut self, word: &str) -> bool {
        self.at_word_n(0, word)
    }

    fn bump(&mut self) -> Tok<'s> {
        self.work.steps += 1;
        let tok = match self.buf.pop_front() {
            Some(t) => t,
            None => match self.pull() {
                Some(t) => t,
                None => {
                    let end = self.src.len();
                    return (Token::Semi, Span::new(end, end));
                }
            },
        };
        self.prev_end = tok.1.end;
        tok
    }

    fn eat(&mut self, tok: &Token<'_>) -> Option<Span> {
        if self.at(tok) {
            Some(self.bump().1)
        } else {
            None
        }
    }

    /// Is there a line break between the last consumed token and the next one?
    fn newline_before_next(&mut self) -> bool {
        let next = self.peek_span().start as usize;
        let prev = (self.prev_end as usize).min(next);
        next >= self.src.len() || self.src[prev..next].contains('\n')
    }

    // ---- diagnostics ----

    fn describe_next(&mut self) -> String {
        match self.peek() {
            None => "end of input".into(),
            Some(t @ (Token::Text(_) | Token::Date(_))) => t.to_string(),
            Some(t) => format!("`{t}`"),
        }
    }

    /// Records a syntax error unless it is a consequence of an earlier one.
    fn report(&mut self, d: Diagnostic) {
        let at = d.span.start;
        // One syntax error per line: the rest of a broken line is usually its consequence.
        let same_line = self
            .last_error_at
            .is_some_and(|last| last <= at && !self.src[last as usize..at as usize].contains('\n'));
        if self.swallowed_from.is_some_and(|from| at >= from)
            || same_line
            || self
                .lex_errors
                .iter()
                .rev()
                .take(4)
                .any(|s| s.end >= d.span.start && s.start <= d.span.end)
        {
            return;
        }
        self.last_error_at = Some(at);
        self.diags.push(d);
    }

    /// Has the current statement already reported an error?
    fn statement_failed(&self) -> bool {
        self.diags[self.stmt_mark.min(self.diags.len())..].iter().any(Diagnostic::is_error)
    }

    fn warn(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// "unexpected X" at the next token, saying what was expected.
    fn unexpected(&mut self, expected: &str) {
        let found = self.describe_next();
        let span = self.peek_span();
        let mut d = Diagnostic::new(Code::UnexpectedToken, format!("unexpected {found}"), span)
            .with_label(format!("expected {expected}"));
        if self.at_eof() {
            d.message = format!("unexpected end of input, expected {expected}");
        }
        self.report(d);
    }

    /// `close` or a diagnostic naming the opening delimiter; skips to the closer when the
    /// input has junk before it. Returns the end of the construct.
    fn expect_close(&mut self, open: Span, close: Token<'static>) -> u32 {
        if let Some(s) = self.eat(&close) {
            return s.end;
        }
        let open_text = &self.src[open.range()];
        if self.at_eof() {
            if std::mem::replace(&mut self.eof_reported, true) {
                return self.prev_end;
            }
            self.report(
                Diagnostic::new(Code::UnclosedDelimiter, format!("unclosed `{open_text}`"), open)
                    .with_label(format!("this `{open_text}` is never closed"))
                    .with_help(format!("add `{close}` where it ends")),
            );
            return self.prev_end;
        }
        let found = self.describe_next();
        let span = self.peek_span();
        self.report(
            Diagnostic::new(Code::UnexpectedToken, format!("unexpected {found}"), span)
                .with_label(format!("expected `{close}`"))
                .with_related(open, format!("to close this `{open_text}`")),
        );
        self.skip_until_close(&close);
        self.eat(&close).map_or(self.prev_end, |s| s.end)
    }

    /// Skips balanced tokens up to (not past) `close`, or to the end of the statement.
    fn skip_until_close(&mut self, close: &Token<'_>) {
        let mut depth = 0usize;
        while let Some(tok) = self.peek() {
            match tok {
                t if depth == 0 && t == close => return,
                Token::Semi | Token::RBrace if depth == 0 => return,
                Token::LBrace if depth == 0 && *close == Token::RParen => return,
                Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
                Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }

    /// Recovery after a broken statement: skips balanced tokens to the `;` that ends it
    /// (consumed), a `}` that closes the block (not consumed), or a statement keyword that
    /// starts a new line.
    fn skip_statement(&mut self) {
        let mut depth = 0usize;
        let mut first = true;
        loop {
            let keyword_line =
                depth == 0 && !first && self.at_statement_keyword() && self.newline_before_next();
            let Some(tok) = self.peek() else { return };
            match tok {
                Token::Semi if depth == 0 => {
                    self.bump();
                    return;
                }
                Token::RBrace if depth == 0 => return,
                _ if keyword_line => return,
                Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
                Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
                _ => {}
            }
            first = false;
            self.bump();
        }
    }

    fn at_statement_keyword(&mut self) -> bool {
        matches!(self.peek(), Some(Token::Ident(w)) if stmt::STATEMENT_STARTS.iter().any(|k| w.eq_ignore_ascii_case(k)))
    }

    /// Enters one bracket or block level; `false` (after one error) when too deep.
    fn enter(&mut self, at: Span) -> bool {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.depth -= 1;
            self.report(
                Diagnostic::new(
                    Code::TooDeep,
                    format!("brackets nested deeper than {MAX_NESTING} levels"),
                    at,
                )
                .with_label("too deep"),
            );
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Skips a whole delimited group whose opener was just consumed (used when too deep).
    fn skip_group(&mut self) {
        let mut depth = 1usize;
        while let Some(tok) = self.peek() {
            match tok {
                Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
                Token::RParen | Token::RBracket | Token::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        self.bump();
                        return;
                    }
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// Counts one operator of the current statement; `false` once too many.
    fn count_op(&mut self, at: Span) -> bool {
        self.ops += 1;
        if self.ops == MAX_OPERATORS_PER_STATEMENT + 1 {
            self.report(
                Diagnostic::new(
                    Code::TooManyOperators,
                    format!("statement has more than {MAX_OPERATORS_PER_STATEMENT} operators"),
                    at,
                )
                .with_help("split the expression over several statements"),
            );
        }
        self.ops <= MAX_OPERATORS_PER_STATEMENT
    }

    fn ident(&mut self) -> Option<crate::ast::Ident> {
        let name = match self.peek() {
            Some(Token::Ident(name)) => crate::ast::Name::from(*name),
            _ => return None,
        };
        let span = self.bump().1;
        Some(crate::ast::Ident { name, span })
    }
}

#[cfg(test)]
mod tests;
