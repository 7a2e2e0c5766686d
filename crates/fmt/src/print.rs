//! Syntax tree + comment table → [`Doc`].
//!
//! Comments are placed by position. A cursor walks the comment table in source order; before
//! a statement, list item or task entry is printed, the comments that start before it are
//! printed as its *leading* comments (on their own lines); after it, the comments on the same
//! line are its *trailing* comments. A comment inside a construct with no such slot (`a./*c*/b`)
//! is printed at the next slot, after the statement at the latest, so no comment is ever
//! dropped and comments always come out in source order.
//!
//! Literals are printed from the source text (the tree holds unescaped text), so strings,
//! dates and numbers keep exactly the spelling they were written with.

use dg_syntax::ast::{
    BinOp, Block, Comment, CommentKind, Expr, ExprKind, Function, If, Loop, Param, Program, Range,
    Sort, Stmt, StmtKind, Task, Try, UnOp, While,
};
use dg_syntax::token::Token;
use dg_syntax::Span;
use logos::Logos;

use crate::doc::{concat, group, indent, text, Doc};

/// Keys Zoho's editor writes with a space before the colon (`url :"…"`, `type :GET`).
fn key_separator(task: &str, key: &str) -> &'static str {
    let spaced = if task.eq_ignore_ascii_case("invokeurl") {
        matches!(key, "url" | "type")
    } else if task.eq_ignore_ascii_case("sendmail") {
        matches!(key, "from" | "to" | "subject" | "message")
    } else {
        false
    };
    if spaced {
        " :"
    } else {
        ":"
    }
}

fn prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 3,
        BinOp::And => 4,
        BinOp::Eq | BinOp::Ne => 5,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::In | BinOp::NotIn => 6,
        BinOp::Add | BinOp::Sub => 7,
        BinOp::Mul | BinOp::Div | BinOp::Rem => 8,
    }
}

fn binary_prec(e: &Expr) -> Option<u8> {
    match &e.kind {
        ExprKind::Binary(op, ..) => Some(prec(*op)),
        _ => None,
    }
}

/// A function or a statement at one level of a statement list.
#[derive(Clone, Copy)]
enum Entry<'a> {
    Func(&'a Function),
    Stmt(&'a Stmt),
}

impl Entry<'_> {
    fn span(self) -> Span {
        match self {
            Entry::Func(f) => f.span,
            Entry::Stmt(s) => s.span,
        }
    }
}

/// One element of a bracketed, comma-separated list.
#[derive(Clone, Copy)]
enum ListItem<'a> {
    Expr(&'a Expr),
    Entry(&'a Expr, &'a Expr),
    Param(&'a Param),
}

impl ListItem<'_> {
    fn span(self) -> Span {
        match self {
            ListItem::Expr(e) => e.span,
            ListItem::Entry(k, v) => k.span.to(v.span),
            ListItem::Param(p) => p.ty.span.to(p.name.span),
        }
    }
}

pub(crate) struct Printer<'s> {
    src: &'s str,
    comments: &'s [Comment],
    /// The next comment not printed yet.
    next: usize,
    /// End of the last comment printed.
    printed_end: u32,
}

impl<'s> Printer<'s> {
    pub(crate) fn new(src: &'s str, comments: &'s [Comment]) -> Printer<'s> {
        Printer { src, comments, next: 0, printed_end: 0 }
    }

    // ---- source helpers ----

    fn slice(&self, span: Span) -> &'s str {
        self.src.get(span.range()).unwrap_or("")
    }

    fn has_newline(&self, from: u32, to: u32) -> bool {
        from < to && self.slice(Span { start: from, end: to }).contains('\n')
    }

    /// At least one empty line between `from` and `to`.
    fn blank_line(&self, from: u32, to: u32) -> bool {
        from < to && self.slice(Span { start: from, end: to }).matches('\n').nth(1).is_some()
    }

    /// The spans of the significant tokens between `from` and `to` (comments skipped).
    fn tokens(&self, from: u32, to: u32) -> impl Iterator<Item = (Token<'s>, Span)> + 's {
        let start = from as usize;
        let slice = self.src.get(start..(to as usize).max(start)).unwrap_or("");
        let mut lexer = Token::lexer(slice);
        std::iter::from_fn(move || loop {
            let tok = lexer.next()?;
            let r = lexer.span();
            match tok {
                Ok(Token::LineComment | Token::BlockComment) => continue,
                Ok(t) => return Some((t, Span::new(start + r.start, start + r.end))),
                Err(_) => return None,
            }
        })
    }

    /// Start of the first token between `from` and `to` matching `want`.
    fn find(&self, from: u32, to: u32, want: impl Fn(&Token<'_>) -> bool) -> Option<u32> {
        self.tokens(from, to).find(|(t, _)| want(t)).map(|(_, s)| s.start)
    }

    /// Is `e` wrapped in parentheses in the source? (The tree keeps the inner expression
    /// with a span that covers them.)
    fn parenthesized(&self, e: &Expr) -> bool {
        let first = match &e.kind {
            ExprKind::Field(b, _) | ExprKind::Index(b, _) => b.span,
            ExprKind::Method(m) => m.recv.span,
            ExprKind::Sort(s) => s.base.span,
            ExprKind::Range(r) => r.base.span,
            ExprKind::Binary(_, l, _) => l.span,
            ExprKind::Pair(k, _) => k.span,
            _ => return self.src.as_bytes().get(e.span.start as usize) == Some(&b'('),
        };
        e.span.start < first.start
    }

    // ---- comments ----

    fn comment_text(&self, c: Comment) -> &'s str {
        let t = self.slice(c.span);
        match c.kind {
            CommentKind::Line => t.trim_end(),
            CommentKind::Block => t,
        }
    }

    fn mark_printed(&mut self, c: Comment) {
        self.next += 1;
        self.printed_end = self.printed_end.max(c.span.end);
    }

    /// Every comment not printed yet that starts before `pos`.
    fn take_before(&mut self, pos: u32) -> Vec<Comment> {
        let mut out = Vec::new();
        while let Some(&c) = self.comments.get(self.next) {
            if c.span.start >= pos {
                break;
            }
            self.mark_printed(c);
            out.push(c);
        }
        out
    }

    /// Comments after `after` on the same line and before `limit` (plus any not printed yet
    /// that start before `after`): trailing comments. Stops after a `//` comment.
    fn take_trailing(&mut self, after: u32, limit: u32) -> Vec<Comment> {
        let mut out = Vec::new();
        let mut prev = after;
        while let Some(&c) = self.comments.get(self.next) {
            if c.span.start >= limit || self.has_newline(prev, c.span.start) {
                break;
            }
            self.mark_printed(c);
            out.push(c);
            prev = prev.max(c.span.end);
            if c.kind == CommentKind::Line {
                break;
            }
        }
        out
    }

    /// A comment on its own line (or before code on the same line, for a block comment).
    fn own_line(&self, c: Comment) -> Doc {
        let t = self.comment_text(c).to_string();
        match c.kind {
            CommentKind::Line => Doc::LineComment(t),
            CommentKind::Block => Doc::Text(t),
        }
    }

    /// A comment after code on its line.
    fn trailing(&self, c: Comment) -> Doc {
        let t = format!(" {}", self.comment_text(c));
        match c.kind {
            CommentKind::Line => Doc::LineComment(t),
            CommentKind::Block => Doc::TrailingBlock(t),
        }
    }

    fn push_trailing(&self, parts: &mut Vec<Doc>, cs: Vec<Comment>) {
        parts.extend(cs.into_iter().map(|c| self.trailing(c)));
    }

    // ---- statements ----

    pub(crate) fn program(&mut self, program: &Program) -> Doc {
        let mut entries: Vec<Entry<'_>> = program
            .functions
            .iter()
            .map(Entry::Func)
            .chain(program.stmts.iter().map(Entry::Stmt))
            .collect();
        entries.sort_by_key(|e| e.span().start);
        self.lines(&entries, u32::MAX).unwrap_or_else(|| concat(Vec::new()))
    }

    /// Statements (and functions) one per line with their comments; blank lines between them
    /// kept (at most one), a blank line forced around function definitions. Comments before
    /// `end` that follow the last entry are printed too. `None` when there is nothing at all.
    fn lines(&mut self, entries: &[Entry<'_>], end: u32) -> Option<Doc> {
        let mut parts = Vec::new();
        let mut last_end: Option<u32> = None;
        let mut prev_func = false;
        for (i, &entry) in entries.iter().enumerate() {
            let span = entry.span();
            let is_func = matches!(entry, Entry::Func(_));
            let mut force_blank = prev_func || is_func;
            for c in self.take_before(span.start) {
                self.separate(&mut parts, last_end, c.span.start, force_blank);
                force_blank = false;
                parts.push(self.own_line(c));
                last_end = Some(c.span.end);
            }
            self.separate(&mut parts, last_end, span.start, force_blank);
            parts.push(match entry {
                Entry::Func(f) => self.function(f),
                Entry::Stmt(s) => self.stmt(s),
            });
            let limit = entries.get(i + 1).map_or(end, |e| e.span().start);
            let trailing = self.take_trailing(span.end, limit);
            self.push_trailing(&mut parts, trailing);
            last_end = Some(span.end.max(self.printed_end));
            prev_func = is_func;
        }
        for c in self.take_before(end) {
            self.separate(&mut parts, last_end, c.span.start, std::mem::take(&mut prev_func));
            parts.push(self.own_line(c));
            last_end = Some(c.span.end);
        }
        (!parts.is_empty()).then(|| concat(parts))
    }

    /// The line break(s) before an entry or comment starting at `start`.
    fn separate(&self, parts: &mut Vec<Doc>, last_end: Option<u32>, start: u32, force: bool) {
        if let Some(last) = last_end {
            parts.push(Doc::HardLine);
            if force || self.blank_line(last, start) {
                parts.push(Doc::HardLine);
            }
        }
    }

    fn block(&mut self, b: &Block) -> Doc {
        let entries: Vec<Entry<'_>> = b.stmts.iter().map(Entry::Stmt).collect();
        match self.lines(&entries, b.span.end) {
            None => concat(vec![text("{"), Doc::HardLine, text("}")]),
            Some(inner) => concat(vec![
                text("{"),
                indent(concat(vec![Doc::HardLine, inner])),
                Doc::HardLine,
                text("}"),
            ]),
        }
    }

    /// Comments between a header (`if(…)`, `try`, `catch (e)`) and its block go after the
    /// header; then the block on the next line.
    fn header_then_block(&mut self, parts: &mut Vec<Doc>, body: &Block) {
        let cs = self.take_before(body.span.start);
        self.push_trailing(parts, cs);
        parts.push(Doc::HardLine);
        parts.push(self.block(body));
    }

    /// After a block that another clause (`else`, `catch`) follows: comments on the `}` line
    /// stay there, the others go on their own lines before the clause.
    fn between_clauses(&mut self, parts: &mut Vec<Doc>, prev_end: u32, next_start: u32) {
        let trailing = self.take_trailing(prev_end, next_start);
        self.push_trailing(parts, trailing);
        for c in self.take_before(next_start) {
            parts.push(Doc::HardLine);
            parts.push(self.own_line(c));
        }
        parts.push(Doc::HardLine);
    }

    fn function(&mut self, f: &Function) -> Doc {
        let mut head = format!("{} ", f.ret.name);
        if let Some(ns) = &f.namespace {
            head.push_str(&ns.name);
            head.push('.');
        }
        head.push_str(&f.name.name);
        let items: Vec<ListItem<'_>> = f.params.iter().map(ListItem::Param).collect();
        let from = f.params.last().map_or(f.name.span.end, |p| p.name.span.end);
        let close = self.find(from, f.body.span.start, |t| *t == Token::RParen);
        let close = close.unwrap_or(f.body.span.start);
        let mut parts = vec![text(head), self.delimited("(", ")", &items, close)];
        self.header_then_block(&mut parts, &f.body);
        concat(parts)
    }

    fn stmt(&mut self, s: &Stmt) -> Doc {
        let mut parts = Vec::new();
        match &s.kind {
            StmtKind::Assign { target, value } => {
                parts.push(self.expr(target));
                parts.push(text(" = "));
                parts.push(self.expr(value));
                parts.push(text(";"));
            }
            StmtKind::Expr(e) if matches!(e.kind, ExprKind::Null) && self.slice(e.span) == ";" => {
                parts.push(text(";"));
            }
            StmtKind::Expr(e) => {
                parts.push(self.expr(e));
                let task = matches!(e.kind, ExprKind::Task(_) | ExprKind::Insert(_));
                // A task block may stand without `;` (Zoho writes `sendmail [ … ]` so); keep
                // the author's choice there, add the `;` everywhere else.
                if !task || self.slice(s.span).ends_with(';') {
                    parts.push(text(";"));
                }
            }
            StmtKind::Info(e) => {
                parts.push(text("info "));
                parts.push(self.expr(e));
                parts.push(text(";"));
            }
            StmtKind::Return(value) => {
                parts.push(text("return"));
                if let Some(v) = value {
                    parts.push(text(" "));
                    parts.push(self.expr(v));
                }
                parts.push(text(";"));
            }
            StmtKind::Break => parts.push(text("break;")),
            StmtKind::Continue => parts.push(text("continue;")),
            StmtKind::If(i) => {
                let If { branches, otherwise } = &**i;
                let mut prev_end = None;
                for (cond, body) in branches.iter() {
                    match prev_end {
                        None => parts.push(text("if(")),
                        Some(end) => {
                            self.between_clauses(&mut parts, end, cond.span.start);
                            parts.push(text("else if("));
                        }
                    }
                    parts.push(self.expr(cond));
                    parts.push(text(")"));
                    self.header_then_block(&mut parts, body);
                    prev_end = Some(body.span.end);
                }
                if let (Some(body), Some(end)) = (otherwise, prev_end) {
                    self.between_clauses(&mut parts, end, body.span.start);
                    parts.push(text("else"));
                    self.header_then_block(&mut parts, body);
                }
            }
            StmtKind::ForEach(l) | StmtKind::ForIndex(l) => {
                let Loop { var, iter, body } = &**l;
                let index = matches!(s.kind, StmtKind::ForIndex(_));
                let kw = if index { "for each index " } else { "for each " };
                parts.push(text(format!("{kw}{} in ", var.name)));
                parts.push(self.expr(iter));
                self.header_then_block(&mut parts, body);
            }
            StmtKind::While(w) => {
                let While { cond, body } = &**w;
                parts.push(text("while("));
                parts.push(self.expr(cond));
                parts.push(text(")"));
                self.header_then_block(&mut parts, body);
            }
            StmtKind::Try(t) => {
                let Try { body, var, handler } = &**t;
                parts.push(text("try"));
                self.header_then_block(&mut parts, body);
                let next = var.as_ref().map_or(handler.span.start, |v| v.span.start);
                self.between_clauses(&mut parts, body.span.end, next);
                match var {
                    Some(v) => parts.push(text(format!("catch ({})", v.name))),
                    None => parts.push(text("catch")),
                }
                self.header_then_block(&mut parts, handler);
            }
            StmtKind::Delete(e) => {
                parts.push(text("delete from "));
                parts.push(self.expr(e));
                parts.push(text(";"));
            }
            StmtKind::FormAction(action, operand) => {
                // `alert(Field, "message")` keeps its call form.
                let call = matches!(operand.as_deref(), Some(Expr { kind: ExprKind::Call(c), .. })
                    if c.name.name.eq_ignore_ascii_case(&action.name));
                if !call {
                    parts.push(text(action.name.to_string()));
                }
                if let Some(e) = operand.as_ref().filter(|_| call) {
                    parts.push(self.expr(e));
                } else if let Some(e) = operand {
                    parts.push(text(" "));
                    parts.push(self.expr(e));
                }
                parts.push(text(";"));
            }
            // Never reached: files with syntax errors are refused. Keep the text as written.
            // Page output only comes from Creator pages, which `format` never parses.
            StmtKind::Error | StmtKind::PageOutput(_) => parts.push(text(self.slice(s.span))),
        }
        // Comments left inside the statement (`x = a./*c*/b;`) follow it.
        let rest = self.take_before(s.span.end);
        self.push_trailing(&mut parts, rest);
        concat(parts)
    }

    // ---- expressions ----

    /// An expression in a position where parentheses are never needed (a statement's value,
    /// an argument, a list item, a condition): the author's redundant outer parentheses go.
    fn expr(&mut self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Null => text("null"),
            ExprKind::Bool(b) => text(if *b { "true" } else { "false" }),
            ExprKind::Int(_) | ExprKind::Dec(_) | ExprKind::Text(_) | ExprKind::Date(_) => {
                self.literal(e)
            }
            ExprKind::Var(id) => text(id.name.clone()),
            ExprKind::List(items) => {
                let items: Vec<ListItem<'_>> = items.iter().map(ListItem::Expr).collect();
                self.collection(e, &items)
            }
            ExprKind::Map(pairs) => {
                let items: Vec<ListItem<'_>> =
                    pairs.iter().map(|(k, v)| ListItem::Entry(k, v)).collect();
                self.collection(e, &items)
            }
            ExprKind::Call(c) => {
                let args_doc = self.call_args(c.name.span.end, &c.args, e.span.end);
                concat(vec![text(c.name.name.to_string()), args_doc])
            }
            ExprKind::TypedCtor(t) => {
                let args_doc = self.call_args(t.elem.span.end, &t.args, e.span.end);
                concat(vec![text(format!("{}:{}", t.ctor.name, t.elem.name)), args_doc])
            }
            ExprKind::Field(..)
            | ExprKind::Method(..)
            | ExprKind::Index(..)
            | ExprKind::Sort(_)
            | ExprKind::Range(_) => self.postfix_chain(e),
            ExprKind::Unary(..) => self.unary(e),
            ExprKind::Binary(..) => self.binary_chain(e),
            ExprKind::Pair(k, v) => {
                let k = self.expr(k);
                let v = self.expr(v);
                concat(vec![k, text(": "), v])
            }
            ExprKind::Task(t) => self.task(t, e.span.end, false),
            ExprKind::Insert(t) => self.task(t, e.span.end, true),
            ExprKind::Error => text(self.slice(e.span)),
        }
    }

    /// An operand: parenthesized when the source had parentheses or when precedence needs.
    fn operand(&mut self, e: &Expr, needs_parens: bool) -> Doc {
        let d = self.expr(e);
        if needs_parens || self.parenthesized(e) {
            concat(vec![text("("), d, text(")")])
        } else {
            d
        }
    }

    /// A literal exactly as written (inside any parentheses around it).
    fn literal(&self, e: &Expr) -> Doc {
        if !self.parenthesized(e) {
            return text(self.slice(e.span));
        }
        let tok = self.tokens(e.span.start, e.span.end).find(|(t, _)| *t != Token::LParen);
        text(self.slice(tok.map_or(e.span, |(_, s)| s)))
    }

    fn unary(&mut self, e: &Expr) -> Doc {
        let mut ops = String::new();
        let mut cur = e;
        while let ExprKind::Unary(op, inner) = &cur.kind {
            if !std::ptr::eq(cur, e) && self.parenthesized(cur) {
                break;
            }
            ops.push(match op {
                UnOp::Neg => '-',
                UnOp::Plus => '+',
                UnOp::Not => '!',
            });
            cur = inner;
        }
        let needs = matches!(cur.kind, ExprKind::Binary(..));
        let operand = self.operand(cur, needs);
        concat(vec![text(ops), operand])
    }

    /// `a + b - c …`: one run of operators of the same precedence, packed onto lines.
    fn binary_chain(&mut self, e: &Expr) -> Doc {
        let Some(p) = binary_prec(e) else { return self.expr(e) };
        let mut rights: Vec<(BinOp, &Expr)> = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary(op, l, r) = &cur.kind {
            if prec(*op) != p || (!std::ptr::eq(cur, e) && self.parenthesized(cur)) {
                break;
            }
            rights.push((*op, r));
            cur = l;
        }
        let first = cur;
        let left_needs = binary_prec(first).is_some_and(|q| q < p)
            || matches!(first.kind, ExprKind::Range { .. });
        let mut parts = vec![self.operand(first, left_needs)];
        for &(op, r) in rights.iter().rev() {
            let mut sep = vec![text(format!(" {}", op.symbol()))];
            let mut hard = false;
            for c in self.take_before(r.span.start) {
                hard |= c.kind == CommentKind::Line;
                sep.push(self.trailing(c));
            }
            sep.push(if hard { Doc::HardLine } else { Doc::Line });
            parts.push(concat(sep));
            let right_needs = binary_prec(r).is_some_and(|q| q <= p);
            parts.push(self.operand(r, right_needs));
        }
        indent(Doc::Fill(parts))
    }

    /// `base.field.method(args)[index] sort by F range from a to b`, flattened.
    fn postfix_chain(&mut self, e: &Expr) -> Doc {
        let mut ops: Vec<&Expr> = Vec::new();
        let mut cur = e;
        loop {
            let root = std::ptr::eq(cur, e);
            let base = match &cur.kind {
                ExprKind::Range(r) if root => &r.base,
                ExprKind::Field(b, _) | ExprKind::Index(b, _) => &**b,
                ExprKind::Method(m) => &m.recv,
                ExprKind::Sort(s) => &s.base,
                _ => break,
            };
            if !root && self.parenthesized(cur) {
                break;
            }
            ops.push(cur);
            cur = base;
        }
        let needs =
            matches!(cur.kind, ExprKind::Binary(..) | ExprKind::Unary(..) | ExprKind::Range(_));
        let mut parts = vec![self.operand(cur, needs)];
        for op in ops.into_iter().rev() {
            match &op.kind {
                ExprKind::Field(_, name) => parts.push(text(format!(".{}", name.name))),
                ExprKind::Method(m) => {
                    parts.push(text(format!(".{}", m.name.name)));
                    parts.push(self.call_args(m.name.span.end, &m.args, op.span.end));
                }
                ExprKind::Index(_, index) => {
                    parts.push(text("["));
                    parts.push(self.expr(index));
                    parts.push(text("]"));
                }
                ExprKind::Sort(s) => {
                    let Sort { field, desc, .. } = &**s;
                    let dir = if *desc {
                        " desc"
                    } else if op.span.end > field.span.end {
                        " asc"
                    } else {
                        ""
                    };
                    parts.push(text(format!(" sort by {}{dir}", field.name)));
                }
                ExprKind::Range(r) => {
                    let Range { from, to, .. } = &**r;
                    parts.push(text(" range from "));
                    parts.push(self.expr(from));
                    parts.push(text(" to "));
                    parts.push(self.expr(to));
                }
                _ => {}
            }
        }
        concat(parts)
    }

    /// `(a, b)` of a call whose name ends at `after`; `end` is the end of the call.
    fn call_args(&mut self, after: u32, args: &[Expr], end: u32) -> Doc {
        let from = args.last().map_or(after, |a| a.span.end);
        let close = self.find(from, end, |t| *t == Token::RParen).unwrap_or(end);
        let items: Vec<ListItem<'_>> = args.iter().map(ListItem::Expr).collect();
        self.delimited("(", ")", &items, close)
    }

    /// A `{…}` or `[…]` literal, with the bracket the author used.
    fn collection(&mut self, e: &Expr, items: &[ListItem<'_>]) -> Doc {
        let open = self
            .tokens(e.span.start, e.span.end)
            .find(|(t, _)| matches!(t, Token::LBrace | Token::LBracket));
        let (open_text, close_text, close_tok) = match open {
            Some((Token::LBracket, _)) => ("[", "]", Token::RBracket),
            _ => ("{", "}", Token::RBrace),
        };
        let from = items.last().map_or(open.map_or(e.span.start, |(_, s)| s.end), |i| i.span().end);
        let close = self.find(from, e.span.end, |t| *t == close_tok).unwrap_or(e.span.end);
        self.delimited(open_text, close_text, items, close)
    }

    fn list_item(&mut self, item: ListItem<'_>) -> Doc {
        match item {
            ListItem::Expr(e) => self.expr(e),
            ListItem::Entry(k, v) => {
                let k = self.expr(k);
                let v = self.expr(v);
                concat(vec![k, text(": "), v])
            }
            ListItem::Param(p) => text(format!("{} {}", p.ty.name, p.name.name)),
        }
    }

    /// `open item, item close` on one line if it fits, else one item per line, indented.
    /// `close` is the position of the closing bracket (comments before it belong inside).
    fn delimited(
        &mut self,
        open: &str,
        close_text: &str,
        items: &[ListItem<'_>],
        close: u32,
    ) -> Doc {
        let mut parts = vec![Doc::SoftLine];
        for (i, &item) in items.iter().enumerate() {
            let span = item.span();
            for c in self.take_before(span.start) {
                parts.push(self.own_line(c));
                parts.push(match c.kind {
                    CommentKind::Line => Doc::HardLine,
                    CommentKind::Block => text(" "),
                });
            }
            parts.push(self.list_item(item));
            let last = i + 1 == items.len();
            if !last {
                parts.push(text(","));
            }
            let limit = items.get(i + 1).map_or(close, |n| n.span().start);
            let trailing = self.take_trailing(span.end, limit);
            let ends_line = trailing.last().is_some_and(|c| c.kind == CommentKind::Line);
            self.push_trailing(&mut parts, trailing);
            if !last {
                parts.push(if ends_line { Doc::HardLine } else { Doc::Line });
            }
        }
        for c in self.take_before(close) {
            if items.is_empty() && parts.len() == 1 {
                parts.push(self.own_line(c));
            } else {
                parts.push(Doc::HardLine);
                parts.push(self.own_line(c));
            }
        }
        if parts.len() == 1 {
            return text(format!("{open}{close_text}"));
        }
        group(concat(vec![text(open), indent(concat(parts)), Doc::SoftLine, text(close_text)]))
    }

    /// `name` / `insert into Form`, then `[`, one `key: value` per line, `]`.
    fn task(&mut self, t: &Task, end: u32, insert: bool) -> Doc {
        let head =
            if insert { format!("insert into {}", t.name.name) } else { t.name.name.to_string() };
        let mut inner = Vec::new();
        for (i, entry) in t.entries.iter().enumerate() {
            for c in self.take_before(entry.key_span.start) {
                inner.push(Doc::HardLine);
                inner.push(self.own_line(c));
            }
            inner.push(Doc::HardLine);
            let sep = if insert { " = " } else { key_separator(&t.name.name, &entry.key) };
            inner.push(text(format!("{}{sep}", self.key_text(entry.key_span))));
            inner.push(self.task_value(&entry.value));
            let limit = t.entries.get(i + 1).map_or(end, |n| n.key_span.start);
            let trailing = self.take_trailing(entry.value.span.end, limit);
            self.push_trailing(&mut inner, trailing);
        }
        let from = t.entries.last().map_or(t.name.span.end, |e| e.value.span.end);
        let close = self.find(from, end, |t| *t == Token::RBracket).unwrap_or(end);
        for c in self.take_before(close) {
            inner.push(Doc::HardLine);
            inner.push(self.own_line(c));
        }
        concat(vec![
            text(head),
            Doc::HardLine,
            text("["),
            indent(concat(inner)),
            Doc::HardLine,
            text("]"),
        ])
    }

    /// A task key as written, spacing normalised: `reply to`, `response-format`.
    fn key_text(&self, span: Span) -> String {
        let mut out = String::new();
        for (tok, s) in self.tokens(span.start, span.end) {
            match tok {
                Token::Minus => out.push('-'),
                _ => {
                    if !out.is_empty() && !out.ends_with('-') {
                        out.push(' ');
                    }
                    out.push_str(self.slice(s));
                }
            }
        }
        out
    }

    /// Does `e` stand for several comma- or colon-separated parts (no brackets in the source)?
    fn is_bare_list(e: &Expr) -> Option<&[Expr]> {
        match &e.kind {
            ExprKind::List(items)
                if items.first().is_some_and(|f| f.span.start == e.span.start) =>
            {
                Some(items)
            }
            _ => None,
        }
    }

    /// A task value: an expression, `a, b, c`, or a tagged attachment (`file:x`,
    /// `template:Name:Form as PDF`).
    fn task_value(&mut self, v: &Expr) -> Doc {
        if let Some(items) = Self::is_bare_list(v) {
            let mut parts = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    parts.push(text(", "));
                }
                parts.push(self.task_value(item));
            }
            return concat(parts);
        }
        if let ExprKind::Pair(tag, spec) = &v.kind {
            if let ExprKind::Var(tag) = &tag.kind {
                let mut parts = vec![text(format!("{}:", tag.name))];
                match Self::is_bare_list(spec) {
                    Some(spec_parts) => {
                        for (i, part) in spec_parts.iter().enumerate() {
                            if i > 0 {
                                let prev = spec_parts[i - 1].span.end;
                                let is_as = self.tokens(prev, part.span.start).any(
                                    |(t, _)| matches!(t, Token::Ident(w) if w.eq_ignore_ascii_case("as")),
                                );
                                parts.push(text(if is_as { " as " } else { ":" }));
                            }
                            parts.push(self.expr(part));
                        }
                    }
                    None => parts.push(self.expr(spec)),
                }
                return concat(parts);
            }
        }
        self.expr(v)
    }
}
