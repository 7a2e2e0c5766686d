//! COQL tokens with byte spans.
//!
//! Keywords are plain identifiers here and are matched case-insensitively by the parser
//! (COQL keywords are not case-sensitive). Text is quoted with `'` or `"`; inside it a
//! backslash escapes the next character and a doubled quote stands for one quote.

use super::error::CoqlError;
use super::Span;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A name or keyword: letters, digits, `_` and `$`, not starting with a digit.
    Ident(String),
    /// Quoted text, unescaped.
    Text(String),
    /// Digits with an optional fraction (`12`, `1500.50`); the sign is a separate token.
    Number(String),
    Comma,
    Dot,
    LParen,
    RParen,
    Star,
    Minus,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A token and where it is in the query (byte offsets).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// Splits `query` into tokens; the first character that starts no token is a syntax error.
pub(crate) fn lex(query: &str) -> Result<Vec<Token>, CoqlError> {
    let bytes = query.as_bytes();
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(c) = query[pos..].chars().next() {
        let start = pos;
        if c.is_whitespace() {
            pos += c.len_utf8();
            continue;
        }
        let single = |tok: Tok| (tok, start + 1);
        let (tok, end) = match c {
            ',' => single(Tok::Comma),
            '.' => single(Tok::Dot),
            '(' => single(Tok::LParen),
            ')' => single(Tok::RParen),
            '*' => single(Tok::Star),
            '-' => single(Tok::Minus),
            '=' => single(Tok::Eq),
            '!' if bytes.get(pos + 1) == Some(&b'=') => (Tok::Ne, start + 2),
            '<' if bytes.get(pos + 1) == Some(&b'>') => (Tok::Ne, start + 2),
            '<' if bytes.get(pos + 1) == Some(&b'=') => (Tok::Le, start + 2),
            '<' => single(Tok::Lt),
            '>' if bytes.get(pos + 1) == Some(&b'=') => (Tok::Ge, start + 2),
            '>' => single(Tok::Gt),
            '\'' | '"' => text(query, start, c)?,
            '0'..='9' => number(query, start),
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                let end = scan(query, start, |c| c.is_alphanumeric() || c == '_' || c == '$');
                (Tok::Ident(query[start..end].to_string()), end)
            }
            _ => {
                let span = Span::new(start, start + c.len_utf8());
                return Err(CoqlError::syntax(query, span, "unexpected character"));
            }
        };
        tokens.push(Token { tok, span: Span::new(start, end) });
        pos = end;
    }
    Ok(tokens)
}

/// The end of the run of characters from `start` that satisfy `keep`.
fn scan(query: &str, start: usize, keep: impl Fn(char) -> bool) -> usize {
    query[start..].char_indices().find(|&(_, c)| !keep(c)).map_or(query.len(), |(at, _)| start + at)
}

fn number(query: &str, start: usize) -> (Tok, usize) {
    let mut end = scan(query, start, |c| c.is_ascii_digit());
    let bytes = query.as_bytes();
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = scan(query, end + 1, |c| c.is_ascii_digit());
    }
    (Tok::Number(query[start..end].to_string()), end)
}

/// Quoted text from `start` (the opening quote); a backslash escapes the next character
/// and a doubled quote is one quote.
fn text(query: &str, start: usize, quote: char) -> Result<(Tok, usize), CoqlError> {
    let mut out = String::new();
    let mut chars = query[start + 1..].char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\\' {
            if let Some((_, next)) = chars.next() {
                out.push(next);
            }
        } else if c == quote {
            if chars.peek().is_some_and(|&(_, next)| next == quote) {
                chars.next();
                out.push(quote);
            } else {
                return Ok((Tok::Text(out), start + 1 + at + 1));
            }
        } else {
            out.push(c);
        }
    }
    Err(CoqlError::syntax(query, Span::new(start, query.len()), "text is not closed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(query: &str) -> Vec<Tok> {
        lex(query).unwrap().into_iter().map(|token| token.tok).collect()
    }

    #[test]
    fn tokens_and_spans() {
        let tokens = lex("select a.b, COUNT(id) from X where n >= -1.5").unwrap();
        let texts: Vec<&str> = tokens
            .iter()
            .map(|token| &"select a.b, COUNT(id) from X where n >= -1.5"[token.span.range()])
            .collect();
        assert_eq!(
            texts,
            [
                "select", "a", ".", "b", ",", "COUNT", "(", "id", ")", "from", "X", "where", "n",
                ">=", "-", "1.5"
            ]
        );
    }

    #[test]
    fn operators() {
        use Tok::*;
        assert_eq!(kinds("= != <> < <= > >= * ,"), [Eq, Ne, Ne, Lt, Le, Gt, Ge, Star, Comma]);
    }

    #[test]
    fn quoted_text() {
        assert_eq!(kinds(r"'it''s'"), [Tok::Text("it's".into())]);
        assert_eq!(kinds(r"'a\'b'"), [Tok::Text("a'b".into())]);
        assert_eq!(kinds(r#""double 'q'""#), [Tok::Text("double 'q'".into())]);
        assert_eq!(kinds("''"), [Tok::Text(String::new())]);
        assert_eq!(kinds("'Zürich'"), [Tok::Text("Zürich".into())]);
    }

    #[test]
    fn numbers_stop_before_a_dot_without_digits() {
        assert_eq!(kinds("12."), [Tok::Number("12".into()), Tok::Dot]);
        assert_eq!(kinds("007"), [Tok::Number("007".into())]);
    }

    #[test]
    fn errors_are_located() {
        let err = lex("select a from b where c = 'open").unwrap_err();
        assert_eq!(err.details["column"], 27);
        assert_eq!(err.details["near"], "'open");
        let err = lex("select a;").unwrap_err();
        assert_eq!(err.details["column"], 9);
        assert_eq!(err.details["near"], ";");
        let err = lex("select é, ü\n  from ~").unwrap_err();
        assert_eq!(
            (err.details["line"].as_u64(), err.details["column"].as_u64()),
            (Some(2), Some(8))
        );
    }
}
