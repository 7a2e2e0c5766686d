//! Expressions: literals, names, calls, method chains, task blocks, operators.

use chumsky::pratt::{infix, left, prefix};
use chumsky::prelude::*;

use super::{ident, kw, P};
use crate::ast::{BinOp, Expr, ExprKind, Task, TaskEntry, UnOp};
use crate::token::Token;
use crate::Span;

fn mk(kind: ExprKind, span: SimpleSpan) -> Expr {
    Expr { kind, span: Span::from(span) }
}

fn literal<'t, 's: 't>() -> P<'t, 's, Expr> {
    select_ref! {
        Token::Int(n) = e => mk(ExprKind::Int(*n), e.span()),
        Token::Dec(n) = e => mk(ExprKind::Dec(*n), e.span()),
        Token::Text(s) = e => mk(ExprKind::Text(s.clone()), e.span()),
        Token::Date(s) = e => mk(ExprKind::Date((*s).to_string()), e.span()),
        Token::Ident(s) = e if s.eq_ignore_ascii_case("true") => mk(ExprKind::Bool(true), e.span()),
        Token::Ident(s) = e if s.eq_ignore_ascii_case("false") => mk(ExprKind::Bool(false), e.span()),
        Token::Ident(s) = e if s.eq_ignore_ascii_case("null") => mk(ExprKind::Null, e.span()),
    }
    .labelled("value")
    .boxed()
}

/// `key:` or `key =` of a task entry; keys may hold `-` or spaces (`content type`).
fn task_key<'t, 's: 't>(allow_eq: bool) -> P<'t, 's, (String, Span)> {
    let word = select_ref! { Token::Ident(s) => *s };
    let sep = if allow_eq {
        just(Token::Colon).or(just(Token::Assign)).ignored().boxed()
    } else {
        just(Token::Colon).ignored().boxed()
    };
    word.then(just(Token::Minus).or_not().then(word).repeated().collect::<Vec<_>>())
        .map_with(|(first, rest), e| {
            let mut key = first.to_string();
            for (dash, w) in rest {
                key.push(if dash.is_some() { '-' } else { ' ' });
                key.push_str(w);
            }
            (key, Span::from(e.span()))
        })
        .then_ignore(sep)
        .labelled("task key")
        .boxed()
}

fn task_entries<'t, 's: 't>(expr: P<'t, 's, Expr>, allow_eq: bool) -> P<'t, 's, Vec<TaskEntry>> {
    // `to: "a@x.com", "b@x.com"`: several comma-separated values make a list.
    let more = just(Token::Comma).ignore_then(expr.clone().and_is(task_key(allow_eq).not()));
    let value = expr.then(more.repeated().collect::<Vec<_>>()).map_with(|(first, rest), e| {
        if rest.is_empty() {
            first
        } else {
            let mut items = vec![first];
            items.extend(rest);
            mk(ExprKind::List(items), e.span())
        }
    });
    task_key(allow_eq)
        .then(value)
        .then_ignore(just(Token::Comma).or_not())
        .map(|((key, key_span), value)| TaskEntry { key, key_span, value })
        .repeated()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBracket), just(Token::RBracket))
        .boxed()
}

fn call_args<'t, 's: 't>(expr: P<'t, 's, Expr>) -> P<'t, 's, Vec<Expr>> {
    expr.clone()
        .then(just(Token::Colon).ignore_then(expr).or_not())
        .map_with(|(a, b), e| match b {
            Some(v) => mk(ExprKind::Pair(Box::new(a), Box::new(v)), e.span()),
            None => a,
        })
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .labelled("arguments")
        .boxed()
}

/// `{…}` / `[…]`: a list, or a map when the items are `key: value`.
fn collection<'t, 's: 't>(expr: P<'t, 's, Expr>) -> P<'t, 's, Expr> {
    let item = expr.clone().then(just(Token::Colon).ignore_then(expr).or_not());
    let items = item.separated_by(just(Token::Comma)).allow_trailing().collect::<Vec<_>>();
    let braces =
        items.clone().delimited_by(just(Token::LBrace), just(Token::RBrace)).map(|i| (true, i));
    let brackets =
        items.delimited_by(just(Token::LBracket), just(Token::RBracket)).map(|i| (false, i));
    braces
        .or(brackets)
        .validate(|(is_brace, items), e, emitter| {
            let span = e.span();
            let n_pairs = items.iter().filter(|(_, v)| v.is_some()).count();
            if items.is_empty() {
                let kind = if is_brace { ExprKind::Map(vec![]) } else { ExprKind::List(vec![]) };
                return mk(kind, span);
            }
            if n_pairs == items.len() {
                let pairs = items.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect();
                return mk(ExprKind::Map(pairs), span);
            }
            if n_pairs > 0 {
                emitter.emit(Rich::custom(
                    span,
                    "a literal mixes `key: value` pairs and plain values",
                ));
            }
            mk(ExprKind::List(items.into_iter().map(|(k, _)| k).collect()), span)
        })
        .boxed()
}

pub(crate) fn expr<'t, 's: 't>() -> P<'t, 's, Expr> {
    recursive(|expr| {
        let expr = expr.boxed();
        let typed_ctor = select_ref! { Token::Ident(s) = e if s.eq_ignore_ascii_case("list") || s.eq_ignore_ascii_case("map") =>
            crate::ast::Ident { name: (*s).to_string(), span: Span::from(e.span()) } }
        .then_ignore(just(Token::Colon))
        .then(ident())
        .then(call_args(expr.clone()))
        .map_with(|((ctor, elem), args), e| {
            mk(ExprKind::TypedCtor { ctor, elem, args }, e.span())
        });
        let insert = kw("insert")
            .ignore_then(kw("into"))
            .ignore_then(ident())
            .then(task_entries(expr.clone(), true))
            .map_with(|(name, entries), e| {
                mk(ExprKind::Insert(Box::new(Task { name, entries })), e.span())
            });
        let task = ident().then(task_entries(expr.clone(), false)).map_with(|(name, entries), e| {
            mk(ExprKind::Task(Box::new(Task { name, entries })), e.span())
        });
        let call = ident()
            .then(call_args(expr.clone()))
            .map_with(|(name, args), e| mk(ExprKind::Call(name, args), e.span()));
        let var = ident().map_with(|name, e| mk(ExprKind::Var(name), e.span()));
        let paren = expr
            .clone()
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map_with(|inner, e| Expr { kind: inner.kind, span: Span::from(e.span()) });

        let atom = choice((
            literal(),
            typed_ctor.boxed(),
            insert.boxed(),
            task.boxed(),
            call.boxed(),
            var.boxed(),
            paren.boxed(),
            collection(expr.clone()),
        ))
        .recover_with(via_parser(nested_delimiters(
            Token::LParen,
            Token::RParen,
            [(Token::LBracket, Token::RBracket), (Token::LBrace, Token::RBrace)],
            |span| mk(ExprKind::Error, span),
        )))
        .labelled("expression")
        .boxed();

        enum Post {
            Member(crate::ast::Ident, Option<Vec<Expr>>),
            Index(Expr),
        }
        let member = just(Token::Dot)
            .ignore_then(ident())
            .then(call_args(expr.clone()).or_not())
            .map(|(name, args)| Post::Member(name, args));
        let index = expr
            .clone()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(Post::Index);
        let postfix = atom.foldl_with(member.or(index).repeated(), |recv, post, e| {
            let kind = match post {
                Post::Member(name, Some(args)) => ExprKind::Method(Box::new(recv), name, args),
                Post::Member(name, None) => ExprKind::Field(Box::new(recv), name),
                Post::Index(i) => ExprKind::Index(Box::new(recv), Box::new(i)),
            };
            mk(kind, e.span())
        });

        let bin = |op: BinOp| {
            move |l: Expr, _, r: Expr, e: &mut chumsky::input::MapExtra<'t, '_, _, _>| {
                mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), e.span())
            }
        };
        let un = |op: UnOp| {
            move |_, x: Expr, e: &mut chumsky::input::MapExtra<'t, '_, _, _>| {
                mk(ExprKind::Unary(op, Box::new(x)), e.span())
            }
        };
        postfix
            .pratt((
                prefix(10, just(Token::Minus), un(UnOp::Neg)),
                prefix(10, just(Token::Plus), un(UnOp::Plus)),
                prefix(10, just(Token::Bang), un(UnOp::Not)),
                infix(left(8), just(Token::Star), bin(BinOp::Mul)),
                infix(left(8), just(Token::Slash), bin(BinOp::Div)),
                infix(left(8), just(Token::Percent), bin(BinOp::Rem)),
                infix(left(7), just(Token::Plus), bin(BinOp::Add)),
                infix(left(7), just(Token::Minus), bin(BinOp::Sub)),
                infix(left(6), just(Token::Lt), bin(BinOp::Lt)),
                infix(left(6), just(Token::Le), bin(BinOp::Le)),
                infix(left(6), just(Token::Gt), bin(BinOp::Gt)),
                infix(left(6), just(Token::Ge), bin(BinOp::Ge)),
                infix(left(5), just(Token::EqEq), bin(BinOp::Eq)),
                infix(left(5), just(Token::NotEq), bin(BinOp::Ne)),
                infix(left(4), just(Token::AndAnd), bin(BinOp::And)),
                infix(left(3), just(Token::OrOr), bin(BinOp::Or)),
            ))
            .boxed()
    })
    .boxed()
}
