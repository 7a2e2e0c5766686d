//! Expressions: literals, names, calls, method chains, task blocks, Creator fetch clauses and
//! operators (a Pratt loop; prefix operators are gathered iteratively).

use super::Parser;
use crate::ast::{
    BinOp, Call, Expr, ExprKind, Ident, Method, Name, Range, Sort, Task, TaskEntry, TypedCtor, UnOp,
};
use crate::token::Token;
use crate::{Code, Diagnostic, Span};

fn mk(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

/// Longest task key accepted, in words (`reply to`, `response-format`, `content type`).
const MAX_KEY_WORDS: usize = 8;

/// Words that tag an attachment spec in a task value: `file:input.Upload`, `template:T:Form`.
const TAG_WORDS: &[&str] = &["file", "template", "view"];

impl<'s> Parser<'s> {
    pub(crate) fn expr(&mut self) -> Expr {
        self.expr_bp(0)
    }

    /// The binary operator ahead and its precedence (higher binds tighter).
    fn binop(&mut self) -> Option<(BinOp, u8)> {
        let in_condition = self.in_condition;
        if self.at_word("in") {
            return Some((BinOp::In, 6));
        }
        if self.at_word("not") && self.at_word_n(1, "in") {
            return Some((BinOp::NotIn, 6));
        }
        Some(match self.peek()? {
            Token::OrOr => (BinOp::Or, 3),
            Token::AndAnd => (BinOp::And, 4),
            Token::EqEq => (BinOp::Eq, 5),
            Token::Assign if in_condition => (BinOp::Eq, 5),
            Token::NotEq => (BinOp::Ne, 5),
            Token::Lt => (BinOp::Lt, 6),
            Token::Le => (BinOp::Le, 6),
            Token::Gt => (BinOp::Gt, 6),
            Token::Ge => (BinOp::Ge, 6),
            Token::Plus => (BinOp::Add, 7),
            Token::Minus => (BinOp::Sub, 7),
            Token::Star => (BinOp::Mul, 8),
            Token::Slash => (BinOp::Div, 8),
            Token::Percent => (BinOp::Rem, 8),
            _ => return None,
        })
    }

    fn expr_bp(&mut self, min: u8) -> Expr {
        let mut prefixes: Vec<(UnOp, Span)> = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Token::Minus) => UnOp::Neg,
                Some(Token::Plus) => UnOp::Plus,
                Some(Token::Bang) => UnOp::Not,
                _ => break,
            };
            let span = self.bump().1;
            if !self.count_op(span) {
                return mk(ExprKind::Error, span);
            }
            prefixes.push((op, span));
        }
        let mut lhs = self.postfix();
        for (op, span) in prefixes.into_iter().rev() {
            let span = span.to(lhs.span);
            lhs = mk(ExprKind::Unary(op, Box::new(lhs)), span);
        }
        while let Some((op, prec)) = self.binop() {
            let lbp = prec * 2;
            if lbp < min {
                break;
            }
            let (tok, mut span) = self.bump();
            if op == BinOp::NotIn {
                span = span.to(self.bump().1);
            }
            if matches!(tok, Token::Assign) {
                self.warn(
                    Diagnostic::new(Code::AssignInCondition, "`=` used as a comparison", span)
                        .with_label("Zoho reads this `=` as `==`")
                        .with_help("write `==` to compare"),
                );
            }
            if !self.count_op(span) {
                return lhs;
            }
            let rhs = self.expr_bp(lbp + 1);
            let span = lhs.span.to(rhs.span);
            lhs = mk(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span);
        }
        lhs
    }

    /// An atom followed by `.name`, `.name(args)`, `[index]`, `sort by …` and `range from …`.
    fn postfix(&mut self) -> Expr {
        let mut e = self.atom();
        loop {
            // Only a name can start `sort by` / `range from`: look further only then.
            let word = matches!(self.peek(), Some(Token::Ident(_)));
            let sort = word && self.at_word("sort") && self.at_word_n(1, "by");
            let range = word && self.at_word("range") && self.at_word_n(1, "from");
            match self.peek() {
                Some(Token::Dot) => {
                    let dot = self.bump().1;
                    if !self.count_op(dot) {
                        return e;
                    }
                    let Some(name) = self.ident() else {
                        self.unexpected("a name after `.`");
                        return e;
                    };
                    e = if self.at(&Token::LParen) {
                        let (args, end) = self.call_args();
                        let span = Span { start: e.span.start, end };
                        mk(ExprKind::Method(Box::new(Method { recv: e, name, args })), span)
                    } else {
                        let span = e.span.to(name.span);
                        mk(ExprKind::Field(Box::new(e), name), span)
                    };
                }
                Some(Token::LBracket) => {
                    let open = self.bump().1;
                    if !self.enter(open) {
                        self.skip_group();
                        return mk(ExprKind::Error, e.span.to(open));
                    }
                    let saved = std::mem::replace(&mut self.in_condition, false);
                    let index = self.expr();
                    self.in_condition = saved;
                    let end = self.expect_close(open, Token::RBracket);
                    self.leave();
                    let span = Span { start: e.span.start, end };
                    e = mk(ExprKind::Index(Box::new(e), Box::new(index)), span);
                }
                Some(Token::Ident(_)) if sort => {
                    self.bump();
                    self.bump();
                    let Some(field) = self.ident() else {
                        self.unexpected("a field name after `sort by`");
                        return e;
                    };
                    let mut end = field.span.end;
                    let mut desc = false;
                    if self.at_word("desc") || self.at_word("asc") {
                        desc = self.at_word("desc");
                        end = self.bump().1.end;
                    }
                    let span = Span { start: e.span.start, end };
                    e = mk(ExprKind::Sort(Box::new(Sort { base: e, field, desc })), span);
                }
                Some(Token::Ident(_)) if range => {
                    self.bump();
                    self.bump();
                    let from = self.expr();
                    if !self.at_word("to") {
                        self.unexpected("`to`");
                        return e;
                    }
                    self.bump();
                    let to = self.expr();
                    let span = e.span.to(to.span);
                    e = mk(ExprKind::Range(Box::new(Range { base: e, from, to })), span);
                }
                _ => return e,
            }
        }
    }

    fn atom(&mut self) -> Expr {
        match self.peek() {
            Some(Token::Int(_) | Token::Dec(_) | Token::Text(_) | Token::Date(_)) => {
                let (tok, span) = self.bump();
                let kind = match tok {
                    Token::Int(n) => ExprKind::Int(n),
                    Token::Dec(n) => ExprKind::Dec(n),
                    Token::Text(s) => ExprKind::Text(s),
                    Token::Date(s) => ExprKind::Date(Name::from(s)),
                    _ => ExprKind::Error,
                };
                mk(kind, span)
            }
            Some(Token::Ident(_)) => self.name_expr(),
            Some(Token::LParen) => self.paren(),
            Some(Token::LBrace | Token::LBracket) => self.collection(),
            _ => {
                self.unexpected("an expression");
                let span = self.peek_span();
                if !matches!(
                    self.peek(),
                    None | Some(
                        Token::Semi
                            | Token::RBrace
                            | Token::RParen
                            | Token::RBracket
                            | Token::Comma
                    )
                ) {
                    self.bump();
                }
                mk(ExprKind::Error, span)
            }
        }
    }

    /// Everything that starts with a name: literals, typed constructors, `insert into`, task
    /// blocks, calls and variables.
    fn name_expr(&mut self) -> Expr {
        let Some(Token::Ident(word)) = self.peek() else { unreachable_name() };
        let word = *word;
        let literal = if word.eq_ignore_ascii_case("true") {
            Some(ExprKind::Bool(true))
        } else if word.eq_ignore_ascii_case("false") {
            Some(ExprKind::Bool(false))
        } else if word.eq_ignore_ascii_case("null") {
            Some(ExprKind::Null)
        } else {
            None
        };
        if let Some(kind) = literal {
            let span = self.bump().1;
            return mk(kind, span);
        }
        if (word.eq_ignore_ascii_case("list") || word.eq_ignore_ascii_case("map"))
            && self.at_n(1, &Token::Colon)
            && matches!(self.peek_n(2), Some(Token::Ident(_)))
            && self.at_n(3, &Token::LParen)
        {
            let ctor = self.ident().unwrap_or_else(|| missing_ident(self.prev_end));
            self.bump();
            let elem = self.ident().unwrap_or_else(|| missing_ident(self.prev_end));
            let (args, end) = self.call_args();
            let span = Span { start: ctor.span.start, end };
            return mk(ExprKind::TypedCtor(Box::new(TypedCtor { ctor, elem, args })), span);
        }
        if word.eq_ignore_ascii_case("insert") && self.at_word_n(1, "into") {
            let start = self.bump().1.start;
            self.bump();
            let Some(name) = self.ident() else {
                self.unexpected("a form name after `insert into`");
                return mk(ExprKind::Error, Span { start, end: self.prev_end });
            };
            if !self.at(&Token::LBracket) {
                self.unexpected("`[` with the record's fields");
                return mk(ExprKind::Error, Span { start, end: self.prev_end });
            }
            let (entries, end) = self.task_entries(true);
            return mk(ExprKind::Insert(Box::new(Task { name, entries })), Span { start, end });
        }
        let name = self.ident().unwrap_or_else(|| missing_ident(self.prev_end));
        let task = self.at(&Token::LBracket) && self.is_task_key(1, false);
        match self.peek() {
            Some(Token::LBracket) if task => {
                let (entries, end) = self.task_entries(false);
                let span = Span { start: name.span.start, end };
                mk(ExprKind::Task(Box::new(Task { name, entries })), span)
            }
            Some(Token::LParen) => {
                let (args, end) = self.call_args();
                let span = Span { start: name.span.start, end };
                mk(ExprKind::Call(Box::new(Call { name, args })), span)
            }
            _ => {
                let span = name.span;
                mk(ExprKind::Var(name), span)
            }
        }
    }

    fn paren(&mut self) -> Expr {
        let open = self.bump().1;
        if !self.enter(open) {
            self.skip_group();
            return mk(ExprKind::Error, Span { start: open.start, end: self.prev_end });
        }
        let saved = std::mem::replace(&mut self.in_condition, false);
        let inner = self.expr();
        self.in_condition = saved;
        if self.at(&Token::Comma) {
            let span = self.peek_span();
            self.report(
                Diagnostic::new(Code::UnexpectedToken, "unexpected `,`", span)
                    .with_label("expected `)`")
                    .with_help("parentheses hold one value; join texts with `+`"),
            );
        }
        let end = self.expect_close(open, Token::RParen);
        self.leave();
        Expr { kind: inner.kind, span: Span { start: open.start, end } }
    }

    /// `(a, b, key: value)`; returns the arguments and the end of the `)`.
    pub(crate) fn call_args(&mut self) -> (Box<[Expr]>, u32) {
        let open = self.bump().1;
        if !self.enter(open) {
            self.skip_group();
            return (Box::default(), self.prev_end);
        }
        let saved = std::mem::replace(&mut self.in_condition, false);
        let mut args = Vec::new();
        while !self.at(&Token::RParen) && !self.at_eof() {
            let arg = self.expr();
            let arg = if self.eat(&Token::Colon).is_some() {
                let value = self.expr();
                let span = arg.span.to(value.span);
                mk(ExprKind::Pair(Box::new(arg), Box::new(value)), span)
            } else {
                arg
            };
            args.push(arg);
            if self.eat(&Token::Comma).is_none() {
                break;
            }
        }
        self.in_condition = saved;
        let end = self.expect_close(open, Token::RParen);
        self.leave();
        (args.into_boxed_slice(), end)
    }

    /// `{…}` / `[…]`: a list, or a map when the items are `key: value`.
    fn collection(&mut self) -> Expr {
        let (open_tok, open) = self.bump();
        let is_brace = matches!(open_tok, Token::LBrace);
        let close = if is_brace { Token::RBrace } else { Token::RBracket };
        if !self.enter(open) {
            self.skip_group();
            return mk(ExprKind::Error, Span { start: open.start, end: self.prev_end });
        }
        let saved = std::mem::replace(&mut self.in_condition, false);
        let mut items: Vec<(Expr, Option<Expr>)> = Vec::new();
        while !self.at(&close) && !self.at_eof() {
            let key = self.expr();
            let value = self.eat(&Token::Colon).map(|_| self.expr());
            items.push((key, value));
            if self.eat(&Token::Comma).is_none() {
                break;
            }
        }
        self.in_condition = saved;
        let end = self.expect_close(open, close);
        self.leave();
        let span = Span { start: open.start, end };
        let n_pairs = items.iter().filter(|(_, v)| v.is_some()).count();
        if items.is_empty() {
            let kind = if is_brace {
                ExprKind::Map(Box::default())
            } else {
                ExprKind::List(Box::default())
            };
            return mk(kind, span);
        }
        if n_pairs == items.len() {
            let pairs = items.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect();
            return mk(ExprKind::Map(pairs), span);
        }
        if n_pairs > 0 {
            self.report(
                Diagnostic::new(
                    Code::MixedCollection,
                    "a literal mixes `key: value` pairs and plain values",
                    span,
                )
                .with_label("mixed literal"),
            );
        }
        mk(ExprKind::List(items.into_iter().map(|(k, _)| k).collect()), span)
    }

    /// Does a task key (`url:`, `reply to:`, `content-type:`, and `Field =` in `insert
    /// into`) start `n` tokens ahead? A key is one word (dashes allowed) or one of the
    /// multi-word keys Zoho's tasks have, so `to: a, b reply to: c` reads `reply to` as the
    /// key and `b` as a value. Looks at most a few words ahead.
    fn is_task_key(&mut self, n: usize, allow_eq: bool) -> bool {
        // The words so far, and the first few of them as written when not dashed: enough to
        // recognise the multi-word keys, with no allocation.
        let mut count = 0usize;
        let mut plain: [Option<&'s str>; KEY_PHRASE_WORDS] = [None; KEY_PHRASE_WORDS];
        let mut i = n;
        let mut dashed = false;
        for _ in 0..MAX_KEY_WORDS {
            match self.peek_n(i) {
                Some(Token::Ident(w)) => {
                    if dashed {
                        // `content-type`: the last word grows a dash and is no longer plain.
                        if let Some(last) = plain.get_mut(count - 1) {
                            *last = None;
                        }
                        dashed = false;
                    } else {
                        if let Some(slot) = plain.get_mut(count) {
                            *slot = Some(*w);
                        }
                        count += 1;
                    }
                    i += 1;
                }
                Some(Token::Minus) if count > 0 && !dashed => {
                    dashed = true;
                    i += 1;
                }
                Some(Token::Colon) if !dashed => return is_key_phrase(count, &plain),
                Some(Token::Assign) if !dashed => return allow_eq && count == 1,
                _ => return false,
            }
        }
        false
    }

    fn is_tag(&mut self, n: usize) -> bool {
        matches!(self.peek_n(n), Some(Token::Ident(w)) if TAG_WORDS.iter().any(|t| w.eq_ignore_ascii_case(t)))
            && self.at_n(n + 1, &Token::Colon)
    }

    /// `[ key: value … ]` (or `Field = value` with `allow_eq`); returns the entries and the
    /// end of the `]`.
    fn task_entries(&mut self, allow_eq: bool) -> (Box<[TaskEntry]>, u32) {
        let open = self.bump().1;
        if !self.enter(open) {
            self.skip_group();
            return (Box::default(), self.prev_end);
        }
        let mut entries = Vec::new();
        while !self.at(&Token::RBracket) && !self.at_eof() {
            if !self.is_task_key(0, allow_eq) {
                let expected =
                    if allow_eq { "a field such as `Name = …`" } else { "a key such as `url:`" };
                self.unexpected(expected);
                let before = self.peek_span().start;
                self.skip_to_task_key(allow_eq);
                if self.peek_span().start == before {
                    // A `;` or `}` inside the block: the `]` is missing; stop here.
                    break;
                }
                continue;
            }
            let mut key = Name::default();
            let mut key_span = self.peek_span();
            loop {
                match self.bump() {
                    (Token::Ident(w), span) => {
                        if !key.is_empty() && !key.ends_with('-') {
                            key.push(' ');
                        }
                        key.push_str(w);
                        key_span.end = span.end;
                    }
                    (Token::Minus, _) => key.push('-'),
                    _ => break, // the `:` or `=`
                }
            }
            let value = self.task_value(allow_eq);
            entries.push(TaskEntry { key, key_span, value });
            self.eat(&Token::Comma);
        }
        let end = self.expect_close(open, Token::RBracket);
        self.leave();
        (entries.into_boxed_slice(), end)
    }

    /// Skips junk inside a task block up to the next key or the closing `]`.
    fn skip_to_task_key(&mut self, allow_eq: bool) {
        while let Some(tok) = self.peek() {
            match tok {
                Token::RBracket | Token::Semi | Token::RBrace => return,
                Token::LParen | Token::LBracket | Token::LBrace => {
                    self.bump();
                    self.skip_group();
                }
                _ => {
                    self.bump();
                    if self.is_task_key(0, allow_eq) {
                        return;
                    }
                }
            }
        }
    }

    /// One entry's value; `a, b, c` (up to the next key) makes a list.
    fn task_value(&mut self, allow_eq: bool) -> Expr {
        let first = self.tagged_value();
        if !self.at(&Token::Comma) {
            return first;
        }
        let mut items = vec![first];
        while self.at(&Token::Comma)
            && (self.is_tag(1) || !self.is_task_key(1, allow_eq))
            && !matches!(self.peek_n(1), Some(Token::RBracket) | None)
        {
            self.bump();
            items.push(self.tagged_value());
        }
        if items.len() == 1 {
            return items.pop().unwrap_or_else(|| mk(ExprKind::Error, Span::default()));
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        mk(ExprKind::List(items.into_boxed_slice()), span)
    }

    /// `file:expr`, `template:Name:Form as PDF`, `view:Name as PDF` (sendmail attachments) as a
    /// `Pair(tag, spec)`; the spec is a list when it has several parts. Otherwise an expression.
    fn tagged_value(&mut self) -> Expr {
        if !self.is_tag(0) {
            return self.expr();
        }
        let tag = self.ident().unwrap_or_else(|| missing_ident(self.prev_end));
        self.bump();
        let mut parts = vec![self.expr()];
        while self.eat(&Token::Colon).is_some() {
            parts.push(self.expr());
        }
        if self.at_word("as") {
            self.bump();
            if let Some(format) = self.ident() {
                let span = format.span;
                parts.push(mk(ExprKind::Var(format), span));
            } else {
                self.unexpected("a format such as `PDF`");
            }
        }
        let spec = if parts.len() == 1 {
            parts.pop().unwrap_or_else(|| mk(ExprKind::Error, Span::default()))
        } else {
            let span = parts[0].span.to(parts[parts.len() - 1].span);
            mk(ExprKind::List(parts.into_boxed_slice()), span)
        };
        let span = tag.span.to(spec.span);
        let tag_span = tag.span;
        mk(ExprKind::Pair(Box::new(mk(ExprKind::Var(tag), tag_span)), Box::new(spec)), span)
    }
}

/// Task keys of more than one word, as Zoho's tasks spell them.
const MULTI_WORD_KEYS: &[[&str; KEY_PHRASE_WORDS]] =
    &[["reply", "to"], ["content", "type"], ["response", "format"], ["response", "decoding"]];

/// Words in each of [`MULTI_WORD_KEYS`].
const KEY_PHRASE_WORDS: usize = 2;

/// Is a run of `count` words a key? One word (dashes allowed) always is; several words only
/// when they spell a multi-word key (`plain` holds the first words as written, `None` for a
/// dashed one).
fn is_key_phrase(count: usize, plain: &[Option<&str>; KEY_PHRASE_WORDS]) -> bool {
    match count {
        0 => false,
        1 => true,
        KEY_PHRASE_WORDS => MULTI_WORD_KEYS.iter().any(|k| {
            k.iter().zip(plain).all(|(a, b)| b.is_some_and(|b| b.eq_ignore_ascii_case(a)))
        }),
        _ => false,
    }
}

fn missing_ident(at: u32) -> Ident {
    Ident { name: Name::default(), span: Span { start: at, end: at } }
}

#[cold]
fn unreachable_name() -> ! {
    unreachable!("name_expr is only called at a name")
}
