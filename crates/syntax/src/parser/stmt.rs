//! Statements, blocks, function definitions and whole programs.

use super::{Parser, STATEMENT_WORDS};
use crate::ast::{
    Block, Call, Expr, ExprKind, Function, Ident, If, Loop, Name, Param, Program, Stmt, StmtKind,
    Try, While,
};
use crate::token::Token;
use crate::{Code, Diagnostic, Span};

/// Zoho Creator form-script actions (they act on the form being edited).
const FORM_ACTIONS: &[&str] = &[
    "alert", "cancel", "hide", "show", "disable", "enable", "clear", "reload", "select", "deselect",
];

/// Keywords that start a statement; recovery stops at one that begins a line.
pub(crate) const STATEMENT_STARTS: &[&str] =
    &["if", "for", "while", "try", "info", "return", "break", "continue", "delete"];

fn mk(kind: StmtKind, span: Span) -> Stmt {
    Stmt { kind, span }
}

/// Task blocks (`sendmail [ … ]`) may stand without a trailing `;`.
fn ends_with_task(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Task(_) | ExprKind::Insert(_))
}

impl<'s> Parser<'s> {
    pub(crate) fn program(&mut self) -> Program {
        let mut program = Program::default();
        while !self.at_eof() {
            if self.at_function_header() {
                if let Some(f) = self.function() {
                    program.functions.push(f);
                }
                continue;
            }
            if self.at(&Token::RBrace) {
                let span = self.bump().1;
                self.report(
                    Diagnostic::new(Code::UnexpectedToken, "unexpected `}`", span)
                        .with_label("no block is open here")
                        .with_help("remove it, or look for a missing `{` above"),
                );
                continue;
            }
            if let Some(s) = self.statement() {
                program.stmts.push(s);
            }
        }
        program.functions.shrink_to_fit();
        program.stmts.shrink_to_fit();
        program
    }

    /// `type name(` or `type ns.name(` at the start of a statement.
    fn at_function_header(&mut self) -> bool {
        let first_ok = matches!(self.peek(), Some(Token::Ident(w))
            if !STATEMENT_WORDS.iter().any(|s| w.eq_ignore_ascii_case(s))
                && !FORM_ACTIONS.iter().any(|s| w.eq_ignore_ascii_case(s)));
        if !first_ok || !matches!(self.peek_n(1), Some(Token::Ident(_))) {
            return false;
        }
        match self.peek_n(2) {
            Some(Token::LParen) => true,
            Some(Token::Dot) => {
                matches!(self.peek_n(3), Some(Token::Ident(_))) && self.at_n(4, &Token::LParen)
            }
            _ => false,
        }
    }

    fn function(&mut self) -> Option<Function> {
        let ret = self.ident()?;
        let first = self.ident()?;
        let (namespace, name) = if self.eat(&Token::Dot).is_some() {
            (Some(first), self.ident()?)
        } else {
            (None, first)
        };
        let open = self.bump().1; // `(`
        let mut params = Vec::new();
        while !self.at(&Token::RParen) && !self.at_eof() && !self.at(&Token::LBrace) {
            let Some(ty) = self.ident() else {
                self.unexpected("a parameter such as `string name`");
                break;
            };
            match self.ident() {
                Some(pname) => params.push(Param { ty, name: pname }),
                None => {
                    let span = ty.span;
                    self.report(
                        Diagnostic::new(
                            Code::BadFunctionHeader,
                            format!("parameter `{}` has no type", ty.name),
                            span,
                        )
                        .with_label("type missing")
                        .with_help(format!(
                            "Deluge parameters are typed: `string {0}`, `int {0}`, `map {0}`…",
                            ty.name
                        )),
                    );
                }
            }
            if self.eat(&Token::Comma).is_none() {
                break;
            }
        }
        self.expect_close(open, Token::RParen);
        if ret.is("function") {
            self.report(
                Diagnostic::new(
                    Code::BadFunctionHeader,
                    "`function` is not a Deluge return type",
                    ret.span,
                )
                .with_label("not a type")
                .with_help("declare the return type: `void f(…)`, `string f(…)`, `map f(…)`…"),
            );
        }
        let body = if self.at(&Token::LBrace) {
            self.block()
        } else {
            self.unexpected("`{` to start the function body");
            Block { stmts: Box::default(), span: Span { start: self.prev_end, end: self.prev_end } }
        };
        params.shrink_to_fit();
        let span = ret.span.to(body.span);
        Some(Function { ret, namespace, name, params, body, span })
    }

    /// `{ statements }`, reporting an unclosed `{` at the brace that opened it.
    pub(crate) fn block(&mut self) -> Block {
        let open = self.bump().1;
        if !self.enter(open) {
            self.skip_group();
            return Block {
                stmts: Box::default(),
                span: Span { start: open.start, end: self.prev_end },
            };
        }
        let mut stmts = Vec::new();
        while !self.at(&Token::RBrace) && !self.at_eof() {
            if let Some(s) = self.statement() {
                stmts.push(s);
            }
        }
        let end = self.expect_close(open, Token::RBrace);
        self.leave();
        Block { stmts: stmts.into_boxed_slice(), span: Span { start: open.start, end } }
    }

    /// The body of `if`/`for`/`while`: a block, or one statement.
    fn body(&mut self) -> Block {
        if self.at(&Token::LBrace) {
            return self.block();
        }
        match self.statement() {
            Some(s) => Block { span: s.span, stmts: Box::new([s]) },
            None => Block {
                stmts: Box::default(),
                span: Span { start: self.prev_end, end: self.prev_end },
            },
        }
    }

    /// One statement, or `None` when nothing usable was there (after reporting it). Always
    /// consumes at least one token unless at `}` or the end.
    pub(crate) fn statement(&mut self) -> Option<Stmt> {
        self.ops = 0;
        let before = self.peek_span().start;
        let saved_mark = std::mem::replace(&mut self.stmt_mark, self.diags.len());
        let stmt = self.statement_inner();
        self.stmt_mark = saved_mark;
        if self.peek_span().start == before && !self.at_eof() && !self.at(&Token::RBrace) {
            // No progress: drop one token so the caller's loop always advances.
            self.bump();
        }
        stmt
    }

    fn statement_inner(&mut self) -> Option<Stmt> {
        let start = self.peek_span().start;
        if let Some(semi) = self.eat(&Token::Semi) {
            return Some(mk(StmtKind::Expr(Expr { kind: ExprKind::Null, span: semi }), semi));
        }
        let assigns = self.at_n(1, &Token::Assign);
        // Statement keywords are short: lower-case them on the stack.
        let mut buf = [0u8; 8];
        let word = match self.peek() {
            Some(Token::Ident(w)) if !assigns && w.len() <= buf.len() => {
                let lower = &mut buf[..w.len()];
                lower.copy_from_slice(w.as_bytes());
                lower.make_ascii_lowercase();
                std::str::from_utf8(lower).unwrap_or("")
            }
            _ => "",
        };
        match word {
            "if" => return Some(self.if_stmt()),
            "for" if self.at_word_n(1, "each") => return Some(self.for_stmt()),
            "while" => return Some(self.while_stmt()),
            "try" if self.at_n(1, &Token::LBrace) => return Some(self.try_stmt()),
            "info" => {
                self.bump();
                let value = self.expr();
                return Some(self.finish(start, StmtKind::Info(value), false));
            }
            "return" => {
                self.bump();
                let value = if self.at(&Token::Semi) || self.at(&Token::RBrace) || self.at_eof() {
                    None
                } else {
                    Some(self.expr())
                };
                return Some(self.finish(start, StmtKind::Return(value), false));
            }
            "break" | "continue" => {
                self.bump();
                let kind = if word == "break" { StmtKind::Break } else { StmtKind::Continue };
                return Some(self.finish(start, kind, false));
            }
            "delete" if self.at_word_n(1, "from") => {
                self.bump();
                self.bump();
                let target = self.expr();
                return Some(self.finish(start, StmtKind::Delete(target), false));
            }
            "else" | "catch" => return self.dangling(),
            w if FORM_ACTIONS.contains(&w)
                && !matches!(self.peek_n(1), Some(Token::Dot | Token::LBracket)) =>
            {
                let action = self.ident()?;
                if w == "alert" && self.at(&Token::LParen) {
                    // `alert(Field, message);` (documented: the message shows below the field),
                    // or `alert(message);`. Two arguments stay a call named `alert`.
                    let (args, end) = self.call_args();
                    let operand = match args.len() {
                        1 => args.into_vec().pop().map(Box::new),
                        _ => Some(Box::new(Expr {
                            kind: ExprKind::Call(Box::new(Call { name: action.clone(), args })),
                            span: Span { start: action.span.start, end },
                        })),
                    };
                    return Some(self.finish(start, StmtKind::FormAction(action, operand), false));
                }
                let operand = if self.at(&Token::Semi) || self.at(&Token::RBrace) || self.at_eof() {
                    None
                } else {
                    Some(Box::new(self.expr()))
                };
                return Some(self.finish(start, StmtKind::FormAction(action, operand), false));
            }
            _ => {}
        }
        let target = self.expr();
        if let Some(eq) = self.eat(&Token::Assign) {
            if !matches!(
                target.kind,
                ExprKind::Var(_) | ExprKind::Field(..) | ExprKind::Index(..) | ExprKind::Error
            ) {
                self.report(
                    Diagnostic::new(
                        Code::InvalidAssignTarget,
                        "cannot assign to this expression",
                        target.span,
                    )
                    .with_label("not a variable, field or index")
                    .with_related(eq, "assignment here"),
                );
            }
            let value = self.expr();
            let optional = ends_with_task(&value);
            return Some(self.finish(
                start,
                StmtKind::Assign { target: Box::new(target), value },
                optional,
            ));
        }
        if matches!(target.kind, ExprKind::Error) && !self.at(&Token::Semi) {
            self.skip_statement();
            return None;
        }
        let optional = ends_with_task(&target);
        Some(self.finish(start, StmtKind::Expr(target), optional))
    }

    /// Ends a statement at its `;`. A missing `;` before a line break, a `}` or the end of
    /// input is reported at the end of the statement and parsing goes on; anything else on
    /// the same line is reported and skipped.
    fn finish(&mut self, start: u32, kind: StmtKind, semi_optional: bool) -> Stmt {
        let span = |end: u32| Span { start, end };
        if let Some(semi) = self.eat(&Token::Semi) {
            return mk(kind, span(semi.end));
        }
        let end = self.prev_end;
        if semi_optional {
            return mk(kind, span(end));
        }
        if self.ops > super::MAX_OPERATORS_PER_STATEMENT || self.statement_failed() {
            self.skip_statement();
            return mk(kind, span(end));
        }
        if self.newline_before_next() || self.at(&Token::RBrace) {
            let at = Span { start: end, end };
            self.report(
                Diagnostic::new(
                    Code::MissingSemicolon,
                    "missing `;` at the end of this statement",
                    at,
                )
                .with_label("expected `;` here")
                .with_help("every statement ends with `;`"),
            );
            return mk(kind, span(end));
        }
        self.unexpected("`;`");
        self.skip_statement();
        mk(kind, span(self.prev_end.max(end)))
    }

    /// A condition in parentheses; `=` compares there (with a warning).
    fn condition(&mut self) -> Expr {
        let Some(open) = self.eat(&Token::LParen) else {
            self.unexpected("`(` before the condition");
            let saved = std::mem::replace(&mut self.in_condition, true);
            let cond = self.expr();
            self.in_condition = saved;
            return cond;
        };
        if !self.enter(open) {
            self.skip_group();
            return Expr { kind: ExprKind::Error, span: open };
        }
        let saved = std::mem::replace(&mut self.in_condition, true);
        let cond = self.expr();
        self.in_condition = saved;
        self.expect_close(open, Token::RParen);
        self.leave();
        cond
    }

    fn if_stmt(&mut self) -> Stmt {
        let start = self.bump().1.start;
        let cond = self.condition();
        let body = self.body();
        let mut end = body.span.end;
        let mut branches = vec![(cond, body)];
        let mut otherwise = None;
        while self.at_word("else") {
            self.bump();
            if self.at_word("if") {
                self.bump();
                let cond = self.condition();
                let body = self.body();
                end = body.span.end;
                branches.push((cond, body));
            } else {
                let body = self.body();
                end = body.span.end;
                otherwise = Some(body);
                break;
            }
        }
        let branches = branches.into_boxed_slice();
        mk(StmtKind::If(Box::new(If { branches, otherwise })), Span { start, end })
    }

    fn for_stmt(&mut self) -> Stmt {
        let start = self.bump().1.start;
        self.bump(); // each
        let is_index = self.at_word("index") && matches!(self.peek_n(1), Some(Token::Ident(_)));
        if is_index {
            self.bump();
        }
        let var = match self.ident() {
            Some(v) if !v.is("in") => v,
            _ => {
                self.unexpected("a loop variable");
                Ident {
                    name: Name::default(),
                    span: Span { start: self.prev_end, end: self.prev_end },
                }
            }
        };
        if self.at_word("in") {
            self.bump();
        } else {
            self.unexpected("`in`");
        }
        let iter = self.expr();
        let body = self.body();
        let span = Span { start, end: body.span.end };
        let parts = Box::new(Loop { var, iter, body });
        let kind = if is_index { StmtKind::ForIndex(parts) } else { StmtKind::ForEach(parts) };
        mk(kind, span)
    }

    fn while_stmt(&mut self) -> Stmt {
        let start = self.bump().1.start;
        let cond = self.condition();
        let body = self.body();
        let span = Span { start, end: body.span.end };
        mk(StmtKind::While(Box::new(While { cond, body })), span)
    }

    fn try_stmt(&mut self) -> Stmt {
        let start = self.bump().1.start;
        let body = self.block();
        let mut var = None;
        let handler = if self.at_word("catch") {
            self.bump();
            if let Some(open) = self.eat(&Token::LParen) {
                var = self.ident();
                if var.is_none() {
                    self.unexpected("a variable name");
                }
                self.expect_close(open, Token::RParen);
            }
            if self.at(&Token::LBrace) {
                self.block()
            } else {
                self.unexpected("`{` to start the catch block");
                Block {
                    stmts: Box::default(),
                    span: Span { start: self.prev_end, end: self.prev_end },
                }
            }
        } else {
            self.unexpected("`catch` after the try block");
            Block { stmts: Box::default(), span: Span { start: self.prev_end, end: self.prev_end } }
        };
        let span = Span { start, end: handler.span.end.max(body.span.end) };
        mk(StmtKind::Try(Box::new(Try { body, var, handler })), span)
    }

    /// `else …` or `catch …` with nothing to attach to: one error, then the rest is parsed
    /// (and checked) as if it stood alone.
    fn dangling(&mut self) -> Option<Stmt> {
        let (tok, span) = self.bump();
        let word = tok.to_string();
        let owner = if word.eq_ignore_ascii_case("else") { "if" } else { "try" };
        self.report(
            Diagnostic::new(Code::DanglingElse, format!("`{word}` without `{owner}`"), span)
                .with_label(format!("no `{owner}` before this"))
                .with_help(format!("`{word}` must follow the block of an `{owner}`")),
        );
        if word.eq_ignore_ascii_case("else") && self.at_word("if") {
            self.bump();
            self.condition();
        } else if let Some(open) = self.eat(&Token::LParen) {
            self.ident();
            self.expect_close(open, Token::RParen);
        }
        if self.at(&Token::LBrace) {
            let block = self.block();
            return Some(mk(StmtKind::Error, Span { start: span.start, end: block.span.end }));
        }
        None
    }
}
