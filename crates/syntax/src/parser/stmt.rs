//! Statements, blocks, function definitions and whole programs.

use chumsky::prelude::*;

use super::expr::expr;
use super::{ident, kw, P, STATEMENT_WORDS};
use crate::ast::{Block, Expr, ExprKind, Function, Param, Program, Stmt, StmtKind};
use crate::token::Token;
use crate::Span;

/// Zoho Creator form-script actions (they act on the form being edited).
const FORM_ACTIONS: &[&str] = &[
    "alert", "cancel", "hide", "show", "disable", "enable", "clear", "reload", "select", "deselect",
];

fn mk(kind: StmtKind, span: SimpleSpan) -> Stmt {
    Stmt { kind, span: Span::from(span) }
}

fn block<'t, 's: 't>(stmt: P<'t, 's, Stmt>) -> P<'t, 's, Block> {
    stmt.repeated()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map_with(|stmts, e| Block { stmts, span: Span::from(e.span()) })
        .recover_with(via_parser(nested_delimiters(
            Token::LBrace,
            Token::RBrace,
            [(Token::LParen, Token::RParen), (Token::LBracket, Token::RBracket)],
            |span: SimpleSpan| Block { stmts: vec![], span: Span::from(span) },
        )))
        .labelled("block")
        .boxed()
}

/// Task blocks (`sendmail [ … ]`) may stand without a trailing `;`.
fn ends_with_task(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Task(_) | ExprKind::Insert(_))
}

pub(crate) fn statement<'t, 's: 't>() -> P<'t, 's, Stmt> {
    recursive(|stmt| {
        let stmt: P<'t, 's, Stmt> = stmt.boxed();
        let expr = expr();
        let block = block(stmt.clone());
        let body =
            block.clone().or(stmt.clone().map(|s| Block { span: s.span, stmts: vec![s] })).boxed();
        let semi = just(Token::Semi).labelled("`;`");
        let cond = expr.clone().delimited_by(just(Token::LParen), just(Token::RParen)).boxed();

        let info = kw("info")
            .ignore_then(expr.clone())
            .then_ignore(semi.clone())
            .map_with(|x, e| mk(StmtKind::Info(x), e.span()));
        let ret = kw("return")
            .ignore_then(expr.clone().or_not())
            .then_ignore(semi.clone())
            .map_with(|x, e| mk(StmtKind::Return(x), e.span()));
        let brk = kw("break").then(semi.clone()).map_with(|_, e| mk(StmtKind::Break, e.span()));
        let cont =
            kw("continue").then(semi.clone()).map_with(|_, e| mk(StmtKind::Continue, e.span()));
        let else_if = kw("else").ignore_then(kw("if")).ignore_then(cond.clone()).then(body.clone());
        let if_ = kw("if")
            .ignore_then(cond.clone())
            .then(body.clone())
            .then(else_if.repeated().collect::<Vec<_>>())
            .then(kw("else").ignore_then(body.clone()).or_not())
            .map_with(|(((c, b), rest), otherwise), e| {
                let mut branches = vec![(c, b)];
                branches.extend(rest);
                mk(StmtKind::If { branches, otherwise }, e.span())
            });
        let loop_var = choice((
            kw("index").ignore_then(ident()).then_ignore(kw("in")).map(|v| (true, v)),
            ident().then_ignore(kw("in")).map(|v| (false, v)),
        ));
        let for_ = kw("for")
            .ignore_then(kw("each"))
            .ignore_then(loop_var)
            .then(expr.clone())
            .then(body.clone())
            .map_with(|(((is_index, var), iter), body), e| {
                let kind = if is_index {
                    StmtKind::ForIndex { var, iter, body }
                } else {
                    StmtKind::ForEach { var, iter, body }
                };
                mk(kind, e.span())
            });
        let while_ = kw("while")
            .ignore_then(cond.clone())
            .then(body.clone())
            .map_with(|(cond, body), e| mk(StmtKind::While { cond, body }, e.span()));
        let try_ = kw("try")
            .ignore_then(block.clone())
            .then_ignore(kw("catch"))
            .then(ident().delimited_by(just(Token::LParen), just(Token::RParen)).or_not())
            .then(block.clone())
            .map_with(|((body, var), handler), e| {
                mk(StmtKind::Try { body, var, handler }, e.span())
            });
        let delete = kw("delete")
            .ignore_then(kw("from"))
            .ignore_then(expr.clone())
            .then_ignore(semi.clone())
            .map_with(|x, e| mk(StmtKind::Delete(x), e.span()));
        // Creator form actions: `alert expr;`, `cancel submit;`, `hide Field;`, `disable Field;`, …
        let action_word = select_ref! { Token::Ident(s) = e if FORM_ACTIONS.iter().any(|w| s.eq_ignore_ascii_case(w)) =>
            crate::ast::Ident { name: (*s).to_string(), span: Span::from(e.span()) } };
        let form_action = action_word
            .then(expr.clone().or_not())
            .then_ignore(semi.clone())
            .map_with(|(word, operand), e| mk(StmtKind::FormAction(word, operand), e.span()));
        // A statement ends with `;`, except that a task block (`sendmail [ … ]`) may omit it.
        let terminated = expr
            .clone()
            .then_ignore(semi.clone())
            .or(expr.clone().filter(ends_with_task).then_ignore(semi.clone().or_not()))
            .boxed();
        let assign =
            expr.clone().then_ignore(just(Token::Assign)).then(terminated.clone()).validate(
                |(target, value), e, emitter| {
                    if !matches!(
                        target.kind,
                        ExprKind::Var(_) | ExprKind::Field(..) | ExprKind::Index(..)
                    ) {
                        emitter.emit(Rich::custom(
                            SimpleSpan::from(target.span.range()),
                            "cannot assign to this expression",
                        ));
                    }
                    mk(StmtKind::Assign { target, value }, e.span())
                },
            );
        let expr_stmt = terminated.map_with(|x, e| mk(StmtKind::Expr(x), e.span()));
        let empty = semi.clone().map_with(|_, e| {
            mk(StmtKind::Expr(Expr { kind: ExprKind::Null, span: Span::from(e.span()) }), e.span())
        });

        choice((
            if_.boxed(),
            for_.boxed(),
            while_.boxed(),
            try_.boxed(),
            info.boxed(),
            ret.boxed(),
            brk.boxed(),
            cont.boxed(),
            delete.boxed(),
            form_action.boxed(),
            assign.boxed(),
            expr_stmt.boxed(),
            empty.boxed(),
        ))
        .recover_with(skip_then_retry_until(
            any().ignored(),
            one_of([Token::Semi, Token::RBrace]).ignored(),
        ))
        .labelled("statement")
        .boxed()
    })
    .boxed()
}

fn function<'t, 's: 't>(stmt: P<'t, 's, Stmt>) -> P<'t, 's, Function> {
    let ret = ident().filter(|i| !STATEMENT_WORDS.iter().any(|w| i.is(w)));
    let param = ident().then(ident()).map(|(ty, name)| Param { ty, name });
    ret.then(ident())
        .then(just(Token::Dot).ignore_then(ident()).or_not())
        .then(
            param
                .separated_by(just(Token::Comma))
                .collect::<Vec<_>>()
                .delimited_by(just(Token::LParen), just(Token::RParen)),
        )
        .then(block(stmt))
        .map_with(|((((ret, first), second), params), body), e| {
            let (namespace, name) = match second {
                Some(name) => (Some(first), name),
                None => (None, first),
            };
            Function { ret, namespace, name, params, body, span: Span::from(e.span()) }
        })
        .labelled("function definition")
        .boxed()
}

pub(crate) fn program<'t, 's: 't>() -> P<'t, 's, Program> {
    enum Item {
        Function(Function),
        Stmt(Stmt),
    }
    let stmt = statement();
    function(stmt.clone())
        .map(Item::Function)
        .or(stmt.map(Item::Stmt))
        .repeated()
        .collect::<Vec<_>>()
        .then_ignore(end())
        .map(|items| {
            let mut program = Program::default();
            for item in items {
                match item {
                    Item::Function(f) => program.functions.push(f),
                    Item::Stmt(s) => program.stmts.push(s),
                }
            }
            program
        })
        .boxed()
}
