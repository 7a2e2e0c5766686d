//! Tokens, produced by a logos DFA. Strings, dates and block comments are
//! scanned by callbacks so escapes and unterminated literals get precise errors.

use logos::{FilterResult, Lexer, Logos};
use std::fmt;

use crate::Span;

/// Why a piece of input is not a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LexError {
    #[default]
    UnexpectedChar,
    UnterminatedString,
    UnterminatedDate,
    UnterminatedComment,
    NumberTooLarge,
    /// `“` or `‘`: typographic quotes pasted from a document.
    CurlyQuote,
}

impl LexError {
    pub fn message(self) -> &'static str {
        match self {
            LexError::UnexpectedChar => "unexpected character",
            LexError::UnterminatedString => "unterminated text literal",
            LexError::UnterminatedDate => "unterminated date literal",
            LexError::UnterminatedComment => "unterminated block comment",
            LexError::NumberTooLarge => "number literal does not fit in 64 bits",
            LexError::CurlyQuote => "curly quotes are not Deluge quotes",
        }
    }

    /// The diagnostic code of this error.
    pub fn code(self) -> crate::Code {
        use crate::Code;
        match self {
            LexError::UnexpectedChar => Code::UnexpectedChar,
            LexError::UnterminatedString => Code::UnterminatedText,
            LexError::UnterminatedDate => Code::UnterminatedDate,
            LexError::UnterminatedComment => Code::UnterminatedComment,
            LexError::NumberTooLarge => Code::NumberTooLarge,
            LexError::CurlyQuote => Code::CurlyQuote,
        }
    }
}

#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(error = LexError)]
// Zero-width spaces and byte-order marks pasted from Zoho's web editor are whitespace.
#[logos(skip r"[ \t\r\n\f\u{FEFF}\u{A0}\u{200B}]+")]
pub enum Token<'src> {
    /// `/* … */`; the parser moves comments to a side table.
    #[token("/*", block_comment)]
    BlockComment,
    /// `// …` to the end of the line.
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LineComment,
    /// `“` or `‘`: the parser reports it and reads the literal as if straight quotes were used.
    #[token("\u{201C}")]
    #[token("\u{2018}")]
    CurlyOpen,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident(&'src str),
    #[regex(r"[0-9]+", |lex| lex.slice().parse::<i64>().map_err(|_| LexError::NumberTooLarge))]
    Int(i64),
    #[regex(r"[0-9]+\.[0-9]+", |lex| lex.slice().parse::<f64>().map_err(|_| LexError::UnexpectedChar))]
    Dec(f64),
    #[token("\"", text_literal)]
    Text(crate::ast::Name),
    #[token("'", date_literal)]
    Date(&'src str),

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("=")]
    Assign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("!")]
    Bang,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,

    /// Not produced by logos: a lexing error, kept in the stream so the parser can recover.
    Error(LexError),
}

impl Token<'_> {
    /// Does this kind of token carry a value (a name, a literal or an error)?
    pub fn has_payload(&self) -> bool {
        matches!(
            self,
            Token::Ident(_)
                | Token::Int(_)
                | Token::Dec(_)
                | Token::Text(_)
                | Token::Date(_)
                | Token::Error(_)
        )
    }
}

fn block_comment<'s>(lex: &mut Lexer<'s, Token<'s>>) -> FilterResult<(), LexError> {
    match lex.remainder().find("*/") {
        Some(end) => {
            lex.bump(end + 2);
            FilterResult::Emit(())
        }
        None => {
            lex.bump(lex.remainder().len());
            FilterResult::Error(LexError::UnterminatedComment)
        }
    }
}

fn text_literal<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<crate::ast::Name, LexError> {
    let rest = lex.remainder();
    // Find the closing quote first (an escaped one does not close), so that a literal without
    // escapes is copied in one go and one with escapes is allocated once at its final size (a
    // 4 MB literal used to grow by doubling, one character at a time).
    let bytes = rest.as_bytes();
    let mut escaped = false;
    let mut i = 0;
    let end = loop {
        match bytes[i..].iter().position(|&b| b == b'"' || b == b'\\') {
            Some(j) if bytes[i + j] == b'"' => break Some(i + j),
            // Skip the escaped character's first byte (a continuation byte is never `"` or `\`).
            Some(j) if i + j + 2 <= bytes.len() => {
                escaped = true;
                i += j + 2;
            }
            _ => break None,
        }
    };
    let Some(end) = end else {
        lex.bump(rest.len());
        return Err(LexError::UnterminatedString);
    };
    lex.bump(end + 1);
    if !escaped {
        return Ok(crate::ast::Name::from(&rest[..end]));
    }
    let body = &rest[..end];
    let mut out = crate::ast::Name::with_capacity(end);
    let mut run = 0;
    while let Some(j) = body[run..].find('\\') {
        let at = run + j;
        out.push_str(&body[run..at]);
        // The loop above guarantees a character after every backslash inside the literal.
        let e = body[at + 1..].chars().next().unwrap_or('\\');
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '"' | '\\' | '\'' => out.push(e),
            // Unknown escapes stay as written (regex texts like "\d" rely on it).
            other => {
                out.push('\\');
                out.push(other);
            }
        }
        run = at + 1 + e.len_utf8();
    }
    out.push_str(&body[run..]);
    Ok(out)
}

fn date_literal<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<&'s str, LexError> {
    let rest = lex.remainder();
    match rest.find(['\'', '\n']) {
        Some(end) if rest.as_bytes()[end] == b'\'' => {
            lex.bump(end + 1);
            Ok(&rest[..end])
        }
        _ => {
            let end = rest.find('\n').unwrap_or(rest.len());
            lex.bump(end);
            Err(LexError::UnterminatedDate)
        }
    }
}

/// Lexes a whole source text. Errors become [`Token::Error`] tokens.
pub fn lex(src: &str) -> Vec<(Token<'_>, Span)> {
    Token::lexer(src)
        .spanned()
        .map(|(tok, range)| {
            let span = Span::new(range.start, range.end);
            match tok {
                Ok(tok) => (tok, span),
                Err(e) => (Token::Error(e), span),
            }
        })
        .collect()
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Token::BlockComment | Token::LineComment => "comment",
            Token::CurlyOpen => "curly quote",
            Token::Ident(name) => return write!(f, "{name}"),
            Token::Int(n) => return write!(f, "{n}"),
            Token::Dec(n) => return write!(f, "{n}"),
            Token::Text(_) => "text literal",
            Token::Date(_) => "date literal",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Comma => ",",
            Token::Semi => ";",
            Token::Colon => ":",
            Token::Dot => ".",
            Token::Assign => "=",
            Token::EqEq => "==",
            Token::NotEq => "!=",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::Gt => ">",
            Token::Ge => ">=",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Percent => "%",
            Token::Bang => "!",
            Token::AndAnd => "&&",
            Token::OrOr => "||",
            Token::Error(e) => e.message(),
        };
        f.write_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Token<'_>> {
        lex(src).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn numbers_and_methods() {
        assert_eq!(
            kinds("218.5.round(0)"),
            vec![
                Token::Dec(218.5),
                Token::Dot,
                Token::Ident("round"),
                Token::LParen,
                Token::Int(0),
                Token::RParen
            ]
        );
        assert_eq!(kinds("24.isNumber")[..2], [Token::Int(24), Token::Dot]);
    }

    #[test]
    fn strings_dates_comments() {
        assert_eq!(
            kinds(
                r#"/* c */ "a\"b\\n" // x
            '01-Jan-2019'"#
            ),
            vec![
                Token::BlockComment,
                Token::Text("a\"b\\n".into()),
                Token::LineComment,
                Token::Date("01-Jan-2019")
            ]
        );
        assert_eq!(kinds("\"abc"), vec![Token::Error(LexError::UnterminatedString)]);
        // Every escape form, an unknown escape of a multi-byte character, an escaped quote
        // right before the closing one, and escapes at the ends.
        assert_eq!(
            kinds(r#""\tx\\y\'z\d\é\n\"" "\"" "\\""#),
            vec![
                Token::Text("\tx\\y'z\\d\\é\n\"".into()),
                Token::Text("\"".into()),
                Token::Text("\\".into())
            ]
        );
        assert_eq!(kinds(r#""a\""#), vec![Token::Error(LexError::UnterminatedString)]);
        assert_eq!(kinds(r#""a\"#), vec![Token::Error(LexError::UnterminatedString)]);
        assert_eq!(kinds("/* abc"), vec![Token::Error(LexError::UnterminatedComment)]);
        assert_eq!(kinds("99999999999999999999"), vec![Token::Error(LexError::NumberTooLarge)]);
    }
}
