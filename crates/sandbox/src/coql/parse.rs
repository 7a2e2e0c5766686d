//! Recursive-descent parser from COQL tokens to [`Query`].
//!
//! Grammar (keywords case-insensitive):
//!
//! ```text
//! query   = SELECT item {"," item} FROM name [WHERE cond] [GROUP BY field {"," field}]
//!           [ORDER BY key {"," key}] [LIMIT count [("," count) | (OFFSET count)]] [OFFSET count]
//! item    = column [AS (name | text)]
//! column  = func "(" field ")" | field
//! field   = part {"." part}             part = identifier | quoted text
//! key     = column [ASC | DESC]
//! cond    = term [(AND | OR) term]      (a third criterion needs brackets, as Zoho documents)
//! term    = "(" cond ")" | field test
//! test    = ("=" | "!=" | "<>" | "<" | "<=" | ">" | ">=") value
//!         | [NOT] LIKE text | [NOT] IN "(" value {"," value} ")"
//!         | [NOT] BETWEEN value AND value | IS [NOT] NULL
//! value   = text | ["-"] number | TRUE | FALSE
//! ```
//!
//! Bounds checked while parsing, so no input makes the parser deep or slow: brackets nested
//! at most [`MAX_DEPTH`], at most [`MAX_CRITERIA`] criteria, [`MAX_IN_VALUES`] values per
//! `in`, [`MAX_COLUMNS`] selected columns.

use super::ast::{CmpOp, Column, Cond, Count, Field, Func, Lit, Literal, Name, OrderKey, Query};
use super::ast::{SelectItem, Test};
use super::error::CoqlError;
use super::lex::{lex, Tok, Token};
use super::Span;

/// Zoho: at most 25 criteria in the WHERE clause.
pub(crate) const MAX_CRITERIA: usize = 25;
/// Zoho: `in` / `not in` take at most 50 values.
pub(crate) const MAX_IN_VALUES: usize = 50;
/// Zoho: at most 50 columns in the select list.
pub(crate) const MAX_COLUMNS: usize = 50;
/// Deepest bracket nesting accepted in `where` (keeps the recursion shallow).
pub(crate) const MAX_DEPTH: usize = 32;

/// Words that cannot be field names unless quoted.
const RESERVED: [&str; 20] = [
    "select", "from", "where", "and", "or", "not", "order", "group", "by", "limit", "offset", "as",
    "asc", "desc", "in", "like", "between", "is", "null", "having",
];

/// Parses one COQL query.
pub(crate) fn parse(query: &str) -> Result<Query, CoqlError> {
    let tokens = lex(query)?;
    let mut parser = Parser { query, tokens, pos: 0, depth: 0, criteria: 0 };
    parser.query()
}

struct Parser<'q> {
    query: &'q str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    criteria: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|token| &token.tok)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|token| &token.tok)
    }

    /// The span of the current token, or an empty span at the end of the query.
    fn here(&self) -> Span {
        self.tokens
            .get(self.pos)
            .map_or(Span::new(self.query.len(), self.query.len()), |token| token.span)
    }

    fn bump(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    fn error(&self, reason: &str) -> CoqlError {
        CoqlError::syntax(self.query, self.here(), reason)
    }

    /// Whether the current token is the keyword `word`.
    fn at_keyword(&self, word: &str) -> bool {
        self.keyword_at(0, word)
    }

    fn keyword_at(&self, ahead: usize, word: &str) -> bool {
        matches!(self.peek_at(ahead), Some(Tok::Ident(name)) if name.eq_ignore_ascii_case(word))
    }

    /// Consumes the keyword `word` when it is next.
    fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.at_keyword(word);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_keyword(&mut self, word: &str) -> Result<(), CoqlError> {
        if self.eat_keyword(word) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{word}`")))
        }
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        let found = self.peek() == Some(tok);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), CoqlError> {
        if self.eat(tok) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    fn query(&mut self) -> Result<Query, CoqlError> {
        if !self.eat_keyword("select") {
            return Err(if self.peek().is_none() {
                CoqlError::missing_clause("select")
            } else {
                self.error("a query starts with `select`; only select queries are supported")
            });
        }
        let columns = self.select_list()?;
        if !self.eat_keyword("from") {
            return Err(if self.peek().is_none() {
                CoqlError::missing_clause("from")
            } else {
                self.error("expected `,` or `from` after a selected column")
            });
        }
        let module = self.name("a module name")?;
        let filter = if self.eat_keyword("where") { Some(self.cond()?) } else { None };
        let mut group_by = Vec::new();
        if self.at_keyword("group") {
            self.pos += 1;
            self.expect_keyword("by")?;
            group_by.push(self.field()?);
            while self.eat(&Tok::Comma) {
                group_by.push(self.field()?);
            }
        }
        let mut order_by = Vec::new();
        if self.at_keyword("order") {
            self.pos += 1;
            self.expect_keyword("by")?;
            order_by.push(self.order_key()?);
            while self.eat(&Tok::Comma) {
                order_by.push(self.order_key()?);
            }
        }
        let (mut limit, mut offset) = (None, None);
        if self.eat_keyword("limit") {
            let first = self.count(CountOf::Limit)?;
            if self.eat(&Tok::Comma) {
                offset = Some(first);
                limit = Some(self.count(CountOf::Limit)?);
            } else {
                limit = Some(first);
            }
        }
        if offset.is_none() && self.eat_keyword("offset") {
            offset = Some(self.count(CountOf::Offset)?);
        }
        if let Some(limit) = limit {
            if limit.value == 0 {
                return Err(CoqlError::limit_not_positive());
            }
        }
        if self.peek().is_some() {
            return Err(self.error("unexpected text after the query"));
        }
        Ok(Query { columns, module, filter, group_by, order_by, limit, offset })
    }

    fn select_list(&mut self) -> Result<Vec<SelectItem>, CoqlError> {
        let mut items = vec![self.select_item()?];
        while self.eat(&Tok::Comma) {
            items.push(self.select_item()?);
            if items.len() > MAX_COLUMNS {
                return Err(CoqlError::limit_exceeded("select", items.len(), MAX_COLUMNS));
            }
        }
        Ok(items)
    }

    fn select_item(&mut self) -> Result<SelectItem, CoqlError> {
        if self.peek() == Some(&Tok::Star) {
            return Err(self.error("`*` is not supported; list the fields to select"));
        }
        let column = self.column()?;
        let alias = if self.eat_keyword("as") { Some(self.name("an alias")?) } else { None };
        Ok(SelectItem { column, alias })
    }

    /// A field or `FUNC(field)`.
    fn column(&mut self) -> Result<Column, CoqlError> {
        let is_call =
            matches!(self.peek(), Some(Tok::Ident(_))) && self.peek_at(1) == Some(&Tok::LParen);
        if !is_call {
            return self.field().map(Column::Field);
        }
        let Some(Token { tok: Tok::Ident(name), span: start }) = self.bump() else {
            return Err(self.error("expected a function name"));
        };
        self.pos += 1; // "("
        if self.peek() == Some(&Tok::Star) {
            return Err(self.error("`*` is not supported; count a field such as `COUNT(id)`"));
        }
        let field = self.field()?;
        let end = self.here();
        self.expect(&Tok::RParen, "`)` after the function's field")?;
        let Some(func) = Func::from_name(&name) else {
            return Err(CoqlError::unsupported_function(&format!("{name}({})", field.text())));
        };
        Ok(Column::Aggregate { func, field, span: start.to(end) })
    }

    /// `part {"." part}`.
    fn field(&mut self) -> Result<Field, CoqlError> {
        let first = self.name("a field name")?;
        let mut span = first.span;
        let mut path = vec![first.text];
        while self.eat(&Tok::Dot) {
            let part = self.name("a field name after `.`")?;
            span = span.to(part.span);
            path.push(part.text);
        }
        Ok(Field { path, span })
    }

    /// An identifier that is not a reserved word, or quoted text.
    fn name(&mut self, what: &str) -> Result<Name, CoqlError> {
        let span = self.here();
        match self.peek() {
            Some(Tok::Ident(text)) if !is_reserved(text) => {
                let text = text.clone();
                self.pos += 1;
                Ok(Name { text, span })
            }
            Some(Tok::Text(text)) => {
                let text = text.clone();
                self.pos += 1;
                Ok(Name { text, span })
            }
            Some(Tok::Ident(_)) => {
                Err(self.error(&format!("expected {what}; quote a reserved word used as a name")))
            }
            _ => Err(self.error(&format!("expected {what}"))),
        }
    }

    fn order_key(&mut self) -> Result<OrderKey, CoqlError> {
        let column = self.column()?;
        let descending = if self.eat_keyword("desc") {
            true
        } else {
            self.eat_keyword("asc");
            false
        };
        Ok(OrderKey { column, descending })
    }

    /// A whole number for `limit` or `offset`.
    fn count(&mut self, of: CountOf) -> Result<Count, CoqlError> {
        let span = self.here();
        let invalid = |text: &str| match of {
            CountOf::Limit => CoqlError::invalid_limit(text),
            CountOf::Offset => CoqlError::invalid_offset(text),
        };
        match self.peek() {
            Some(Tok::Number(digits)) if !digits.contains('.') => {
                let value = digits.parse::<u64>().unwrap_or(u64::MAX);
                self.pos += 1;
                Ok(Count { value, span })
            }
            Some(Tok::Minus) if of == CountOf::Limit => Err(CoqlError::limit_not_positive()),
            Some(Tok::Minus) => {
                let end = self.tokens.get(self.pos + 1).map_or(span, |next| next.span);
                Err(invalid(&self.query[span.to(end).range()]))
            }
            Some(_) => Err(invalid(&self.query[span.range()])),
            None => Err(self.error("expected a number")),
        }
    }

    /// `term [(and | or) term]`; a third criterion at the same level needs brackets.
    fn cond(&mut self) -> Result<Cond, CoqlError> {
        let left = self.term()?;
        let combined = if self.eat_keyword("and") {
            Cond::And(Box::new(left), Box::new(self.term()?))
        } else if self.eat_keyword("or") {
            Cond::Or(Box::new(left), Box::new(self.term()?))
        } else {
            return Ok(left);
        };
        if self.at_keyword("and") || self.at_keyword("or") {
            return Err(self
                .error("more than two criteria must be grouped with brackets: ((A and B) and C)"));
        }
        Ok(combined)
    }

    fn term(&mut self) -> Result<Cond, CoqlError> {
        if self.peek() == Some(&Tok::LParen) {
            if self.depth >= MAX_DEPTH {
                return Err(self.error(&format!("brackets nested deeper than {MAX_DEPTH}")));
            }
            self.pos += 1;
            self.depth += 1;
            let inner = self.cond()?;
            self.depth -= 1;
            self.expect(&Tok::RParen, "`)`")?;
            return Ok(inner);
        }
        if self.at_keyword("not") {
            return Err(CoqlError::operator_not_supported("not"));
        }
        let field = self.field()?;
        let test = self.test()?;
        self.criteria += 1;
        if self.criteria > MAX_CRITERIA {
            return Err(CoqlError::limit_exceeded("where", self.criteria, MAX_CRITERIA));
        }
        let span = field.span.to(Span::new(self.previous_end(), self.previous_end()));
        Ok(Cond::Test { field, test, span })
    }

    fn previous_end(&self) -> usize {
        self.pos.checked_sub(1).and_then(|at| self.tokens.get(at)).map_or(0, |t| t.span.end)
    }

    fn test(&mut self) -> Result<Test, CoqlError> {
        let op = match self.peek() {
            Some(Tok::Eq) => Some(CmpOp::Eq),
            Some(Tok::Ne) => Some(CmpOp::Ne),
            Some(Tok::Lt) => Some(CmpOp::Lt),
            Some(Tok::Le) => Some(CmpOp::Le),
            Some(Tok::Gt) => Some(CmpOp::Gt),
            Some(Tok::Ge) => Some(CmpOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 1;
            if self.at_keyword("null") {
                return Err(self.error("test for empty fields with `is null` or `is not null`"));
            }
            return Ok(Test::Compare(op, self.value()?));
        }
        if self.eat_keyword("is") {
            let negated = self.eat_keyword("not");
            self.expect_keyword("null")?;
            return Ok(Test::Null { negated });
        }
        let negated = self.eat_keyword("not");
        if self.eat_keyword("like") {
            let pattern = self.value()?;
            if !matches!(pattern.value, Lit::Text(_)) {
                return Err(CoqlError::syntax(
                    self.query,
                    pattern.span,
                    "`like` takes quoted text such as '%son'",
                ));
            }
            return Ok(Test::Like { negated, pattern });
        }
        if self.eat_keyword("in") {
            self.expect(&Tok::LParen, "`(` after `in`")?;
            let mut values = vec![self.value()?];
            while self.eat(&Tok::Comma) {
                values.push(self.value()?);
                if values.len() > MAX_IN_VALUES {
                    return Err(CoqlError::limit_exceeded("in", values.len(), MAX_IN_VALUES));
                }
            }
            self.expect(&Tok::RParen, "`,` or `)` in the list of values")?;
            return Ok(Test::In { negated, values });
        }
        if self.eat_keyword("between") {
            let low = self.value()?;
            self.expect_keyword("and")?;
            let high = self.value()?;
            return Ok(Test::Between { negated, low, high });
        }
        if negated {
            return Err(CoqlError::operator_not_supported("not"));
        }
        Err(self.error("expected an operator: = != < <= > >= like in between is"))
    }

    /// Quoted text, a number (optionally negative), `true` or `false`.
    fn value(&mut self) -> Result<Literal, CoqlError> {
        let start = self.here();
        let value = match self.peek() {
            Some(Tok::Text(text)) => Lit::Text(text.clone()),
            Some(Tok::Number(digits)) => Lit::Number(parse_number(digits)),
            Some(Tok::Minus) => match self.peek_at(1) {
                Some(Tok::Number(digits)) => {
                    let value = Lit::Number(-parse_number(digits));
                    self.pos += 1;
                    value
                }
                _ => return Err(self.error("expected a number after `-`")),
            },
            Some(Tok::Ident(word)) if word.eq_ignore_ascii_case("true") => Lit::Bool(true),
            Some(Tok::Ident(word)) if word.eq_ignore_ascii_case("false") => Lit::Bool(false),
            _ => return Err(self.error("expected a value: quoted text, a number, true or false")),
        };
        self.pos += 1;
        let span = start.to(Span::new(self.previous_end(), self.previous_end()));
        Ok(Literal { value, raw: self.query[span.range()].to_string(), span })
    }
}

fn parse_number(digits: &str) -> f64 {
    digits.parse::<f64>().unwrap_or(f64::MAX)
}

fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|reserved| reserved.eq_ignore_ascii_case(word))
}

/// Which number [`Parser::count`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountOf {
    Limit,
    Offset,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at(query: &str, span: Span) -> &str {
        &query[span.range()]
    }

    #[test]
    fn builds_the_ast_with_spans() {
        let q = "SELECT Last_Name, Account_Name.Account_Name AS 'Account', sum(Amount) FROM Deals \
                 WHERE (Stage = 'Won' OR Amount between 1 and -2.5) AND Owner is not null \
                 GROUP BY Last_Name ORDER BY Amount DESC, Last_Name LIMIT 5, 10";
        let query = parse(q).unwrap();
        assert_eq!(query.columns.len(), 3);
        let Column::Field(path) = &query.columns[1].column else { panic!("field") };
        assert_eq!(path.path, ["Account_Name", "Account_Name"]);
        assert_eq!(text_at(q, path.span), "Account_Name.Account_Name");
        assert_eq!(query.columns[1].alias.as_ref().map(|a| a.text.as_str()), Some("Account"));
        let Column::Aggregate { func, span, .. } = &query.columns[2].column else {
            panic!("aggregate")
        };
        assert_eq!((*func, text_at(q, *span)), (Func::Sum, "sum(Amount)"));
        assert_eq!((query.module.text.as_str(), text_at(q, query.module.span)), ("Deals", "Deals"));
        let Some(Cond::And(left, right)) = &query.filter else { panic!("and") };
        let Cond::Or(stage, between) = left.as_ref() else { panic!("or") };
        let Cond::Test { span, test: Test::Compare(CmpOp::Eq, value), .. } = stage.as_ref() else {
            panic!("compare")
        };
        assert_eq!((text_at(q, *span), &value.value), ("Stage = 'Won'", &Lit::Text("Won".into())));
        let Cond::Test { test: Test::Between { low, high, negated: false }, .. } = between.as_ref()
        else {
            panic!("between")
        };
        assert_eq!(
            (&low.value, &high.value, high.raw.as_str()),
            (&Lit::Number(1.0), &Lit::Number(-2.5), "-2.5")
        );
        assert!(matches!(right.as_ref(), Cond::Test { test: Test::Null { negated: true }, .. }));
        assert_eq!(query.group_by[0].path, ["Last_Name"]);
        assert_eq!(query.order_by.iter().map(|k| k.descending).collect::<Vec<_>>(), [true, false]);
        assert_eq!(
            (query.offset.map(|c| c.value), query.limit.map(|c| c.value)),
            (Some(5), Some(10))
        );
    }

    #[test]
    fn limit_forms() {
        let limits = |q: &str| {
            let query = parse(q).unwrap();
            (query.limit.map(|c| c.value), query.offset.map(|c| c.value))
        };
        assert_eq!(limits("select a from b"), (None, None));
        assert_eq!(limits("select a from b limit 7"), (Some(7), None));
        assert_eq!(limits("select a from b limit 7 offset 3"), (Some(7), Some(3)));
        assert_eq!(limits("select a from b limit 3, 7"), (Some(7), Some(3)));
        assert_eq!(limits("select a from b offset 3"), (None, Some(3)));
    }

    #[test]
    fn in_lists_and_quoted_names() {
        let query =
            parse("select 'Order', \"from\" from Deals where 'Order' not in ('a', 2, true)")
                .unwrap();
        let Column::Field(first) = &query.columns[0].column else { panic!("field") };
        assert_eq!(first.path, ["Order"]);
        let Some(Cond::Test { field, test: Test::In { negated: true, values }, .. }) =
            &query.filter
        else {
            panic!("in")
        };
        assert_eq!(field.path, ["Order"]);
        let kinds: Vec<&Lit> = values.iter().map(|v| &v.value).collect();
        assert_eq!(kinds, [&Lit::Text("a".into()), &Lit::Number(2.0), &Lit::Bool(true)]);
    }
}
