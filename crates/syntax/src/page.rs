//! Zoho Creator pages: HTML with Deluge in `<%{ … }%>` blocks, `<% … %>` fragments and
//! `<%= expr %>` outputs.
//!
//! A page is parsed as one program: the code of every tag in order, with each HTML chunk and
//! each `<%= %>` turned into a [`StmtKind::PageOutput`] statement where it stands, so a loop
//! or an `if` may open in one tag and close in another. The parser runs over a generated
//! Deluge text (code copied verbatim, outputs as marker calls); every span of the tree and
//! of the diagnostics is then mapped back into the page, so errors point into the page.

use crate::ast::{Block, Expr, ExprKind, Function, Ident, Program, Stmt, StmtKind};
use crate::{Code, Diagnostic, Parsed, Span};

const TEXT_MARK: &str = "__dg_page_text";
const OUT_MARK: &str = "__dg_page_out";

/// Whether a file is a Creator page: it starts with `<%{`, or its name ends in `.page`,
/// `.html` or `.htm` and it contains `<%`.
pub fn is_page(path: &str, source: &str) -> bool {
    let start = source.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("<%{") {
        return true;
    }
    let lower = path.to_ascii_lowercase();
    [".page", ".html", ".htm"].iter().any(|ext| lower.ends_with(ext)) && source.contains("<%")
}

/// One piece of the generated text and where it came from.
#[derive(Debug, Clone, Copy)]
struct Piece {
    gen: (u32, u32),
    orig: (u32, u32),
    /// Copied byte for byte (positions map one to one); else glue, mapped to `orig`.
    verbatim: bool,
}

struct Map {
    pieces: Vec<Piece>,
}

impl Map {
    fn pos(&self, g: u32, end: bool) -> u32 {
        let i = if end {
            self.pieces.partition_point(|p| p.gen.1 < g)
        } else {
            self.pieces.partition_point(|p| p.gen.1 <= g)
        };
        let Some(p) = self.pieces.get(i.min(self.pieces.len().saturating_sub(1))) else {
            return 0;
        };
        if p.verbatim {
            (p.orig.0 + g.saturating_sub(p.gen.0)).min(p.orig.1)
        } else if end {
            p.orig.1
        } else {
            p.orig.0
        }
    }

    fn span(&self, s: Span) -> Span {
        let start = self.pos(s.start, false);
        let end = self.pos(s.end, true).max(start);
        Span { start, end }
    }
}

/// Parses a page. Never panics; the program's spans and the diagnostics are offsets into
/// `source`.
pub fn parse(source: &str) -> Parsed {
    if source.len() > crate::MAX_SOURCE_BYTES {
        return crate::parse(source);
    }
    let mut gen = String::with_capacity(source.len() + 64);
    let mut pieces = Vec::new();
    let mut texts: Vec<(String, Span)> = Vec::new();
    let mut diagnostics = Vec::new();
    let bytes = source.as_bytes();
    let mut i = 0usize;
    let glue = |gen: &mut String, pieces: &mut Vec<Piece>, text: &str, orig: (usize, usize)| {
        let start = gen.len() as u32;
        gen.push_str(text);
        pieces.push(Piece {
            gen: (start, gen.len() as u32),
            orig: (orig.0 as u32, orig.1 as u32),
            verbatim: false,
        });
    };
    let verbatim = |gen: &mut String, pieces: &mut Vec<Piece>, from: usize, to: usize| {
        let start = gen.len() as u32;
        gen.push_str(&source[from..to]);
        pieces.push(Piece {
            gen: (start, gen.len() as u32),
            orig: (from as u32, to as u32),
            verbatim: true,
        });
    };
    while i < bytes.len() {
        let open = source[i..].find("<%").map(|o| i + o);
        let text_end = open.unwrap_or(bytes.len());
        if text_end > i {
            let n = texts.len();
            texts.push((source[i..text_end].to_string(), Span::new(i, text_end)));
            glue(&mut gen, &mut pieces, &format!(" {TEXT_MARK}({n});\n"), (i, text_end));
        }
        let Some(open) = open else { break };
        let (kind, code_start) = match bytes.get(open + 2) {
            Some(b'{') => (b'{', open + 3),
            Some(b'=') => (b'=', open + 3),
            _ => (b' ', open + 2),
        };
        let close_tok = if kind == b'{' { "}%>" } else { "%>" };
        let (code_end, next) = match source[code_start..].find(close_tok) {
            Some(c) => (code_start + c, code_start + c + close_tok.len()),
            None => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnclosedDelimiter,
                        format!("this page tag is never closed with `{close_tok}`"),
                        Span::new(open, code_start),
                    )
                    .with_label("opened here"),
                );
                (bytes.len(), bytes.len())
            }
        };
        if kind == b'=' {
            let code = source[code_start..code_end].trim_end();
            let code = code.strip_suffix(';').unwrap_or(code);
            let end = code_start + code.len();
            glue(&mut gen, &mut pieces, &format!(" {OUT_MARK}("), (open, code_start));
            verbatim(&mut gen, &mut pieces, code_start, end);
            glue(&mut gen, &mut pieces, ");\n", (end, next));
        } else {
            glue(&mut gen, &mut pieces, " ", (open, code_start));
            verbatim(&mut gen, &mut pieces, code_start, code_end);
            glue(&mut gen, &mut pieces, "\n", (code_end, next));
        }
        i = next;
    }
    if gen.len() > crate::MAX_SOURCE_BYTES {
        return crate::parse(source);
    }
    let mut parsed = crate::parse(&gen);
    let map = Map { pieces };
    let mut fix = Fixer { map: &map, texts: &texts };
    fix.program(&mut parsed.program);
    for c in &mut parsed.comments {
        c.span = map.span(c.span);
    }
    for d in &mut parsed.diagnostics {
        d.span = map.span(d.span);
        for r in &mut d.related {
            r.span = map.span(r.span);
        }
    }
    diagnostics.append(&mut parsed.diagnostics);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    parsed.diagnostics = diagnostics;
    parsed
}

struct Fixer<'a> {
    map: &'a Map,
    texts: &'a [(String, Span)],
}

impl Fixer<'_> {
    fn program(&mut self, p: &mut Program) {
        for f in &mut p.functions {
            self.function(f);
        }
        self.stmts(&mut p.stmts);
    }

    fn function(&mut self, f: &mut Function) {
        f.span = self.map.span(f.span);
        self.ident(&mut f.ret);
        if let Some(ns) = &mut f.namespace {
            self.ident(ns);
        }
        self.ident(&mut f.name);
        for p in &mut f.params {
            self.ident(&mut p.ty);
            self.ident(&mut p.name);
        }
        self.block(&mut f.body);
    }

    fn ident(&mut self, id: &mut Ident) {
        id.span = self.map.span(id.span);
    }

    fn block(&mut self, b: &mut Block) {
        b.span = self.map.span(b.span);
        self.stmts(&mut b.stmts);
    }

    fn stmts(&mut self, stmts: &mut [Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    /// The page output a marker call stands for.
    fn marker(&self, e: &Expr) -> Option<Result<usize, ()>> {
        let ExprKind::Call(call) = &e.kind else { return None };
        let crate::ast::Call { name, args } = &**call;
        if name.name == TEXT_MARK {
            match &args[..] {
                [Expr { kind: ExprKind::Int(n), .. }] => Some(Ok(*n as usize)),
                _ => Some(Err(())),
            }
        } else if name.name == OUT_MARK {
            Some(Err(()))
        } else {
            None
        }
    }

    fn stmt(&mut self, s: &mut Stmt) {
        s.span = self.map.span(s.span);
        if let StmtKind::Expr(e) = &mut s.kind {
            match self.marker(e) {
                Some(Ok(n)) => {
                    if let Some((text, span)) = self.texts.get(n) {
                        s.span = *span;
                        s.kind = StmtKind::PageOutput(Expr {
                            kind: ExprKind::Text(text.as_str().into()),
                            span: *span,
                        });
                        return;
                    }
                }
                Some(Err(())) => {
                    if let ExprKind::Call(call) = &mut e.kind {
                        let mut inner = if call.args.len() == 1 {
                            let args = std::mem::take(&mut call.args).into_vec();
                            args.into_iter()
                                .next()
                                .unwrap_or(Expr { kind: ExprKind::Error, span: e.span })
                        } else {
                            Expr { kind: ExprKind::Error, span: e.span }
                        };
                        self.expr(&mut inner);
                        s.kind = StmtKind::PageOutput(inner);
                        return;
                    }
                }
                None => {}
            }
        }
        match &mut s.kind {
            StmtKind::Assign { target, value } => {
                self.expr(target);
                self.expr(value);
            }
            StmtKind::Expr(e)
            | StmtKind::Info(e)
            | StmtKind::Delete(e)
            | StmtKind::PageOutput(e) => self.expr(e),
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Error => {}
            StmtKind::If(i) => {
                let crate::ast::If { branches, otherwise } = &mut **i;
                for (c, b) in branches.iter_mut() {
                    self.expr(c);
                    self.block(b);
                }
                if let Some(b) = otherwise {
                    self.block(b);
                }
            }
            StmtKind::ForEach(l) | StmtKind::ForIndex(l) => {
                let crate::ast::Loop { var, iter, body } = &mut **l;
                self.ident(var);
                self.expr(iter);
                self.block(body);
            }
            StmtKind::While(w) => {
                let crate::ast::While { cond, body } = &mut **w;
                self.expr(cond);
                self.block(body);
            }
            StmtKind::Try(t) => {
                let crate::ast::Try { body, var, handler } = &mut **t;
                self.block(body);
                if let Some(v) = var {
                    self.ident(v);
                }
                self.block(handler);
            }
            StmtKind::FormAction(word, operand) => {
                self.ident(word);
                if let Some(e) = operand {
                    self.expr(e);
                }
            }
        }
    }

    fn task(&mut self, t: &mut crate::ast::Task) {
        self.ident(&mut t.name);
        for en in t.entries.iter_mut() {
            en.key_span = self.map.span(en.key_span);
            self.expr(&mut en.value);
        }
    }

    fn expr(&mut self, e: &mut Expr) {
        e.span = self.map.span(e.span);
        match &mut e.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Dec(_)
            | ExprKind::Text(_)
            | ExprKind::Date(_)
            | ExprKind::Error => {}
            ExprKind::Var(id) => self.ident(id),
            ExprKind::List(items) => items.iter_mut().for_each(|x| self.expr(x)),
            ExprKind::Map(pairs) => {
                for (k, v) in pairs.iter_mut() {
                    self.expr(k);
                    self.expr(v);
                }
            }
            ExprKind::Call(c) => {
                self.ident(&mut c.name);
                c.args.iter_mut().for_each(|x| self.expr(x));
            }
            ExprKind::TypedCtor(t) => {
                self.ident(&mut t.ctor);
                self.ident(&mut t.elem);
                t.args.iter_mut().for_each(|x| self.expr(x));
            }
            ExprKind::Field(r, name) => {
                self.expr(r);
                self.ident(name);
            }
            ExprKind::Method(m) => {
                self.expr(&mut m.recv);
                self.ident(&mut m.name);
                m.args.iter_mut().for_each(|x| self.expr(x));
            }
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) | ExprKind::Pair(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Unary(_, x) => self.expr(x),
            ExprKind::Task(t) | ExprKind::Insert(t) => self.task(t),
            ExprKind::Sort(s) => {
                self.expr(&mut s.base);
                self.ident(&mut s.field);
            }
            ExprKind::Range(r) => {
                self.expr(&mut r.base);
                self.expr(&mut r.from);
                self.expr(&mut r.to);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(stmts: &[Stmt], src: &str, out: &mut Vec<String>) {
        for s in stmts {
            match &s.kind {
                StmtKind::PageOutput(e) => out.push(format!("out {:?}", &src[e.span.range()])),
                StmtKind::ForEach(l) => {
                    out.push("for".into());
                    outputs(&l.body.stmts, src, out);
                    out.push("end".into());
                }
                StmtKind::If(i) => {
                    out.push("if".into());
                    outputs(&i.branches[0].1.stmts, src, out);
                    out.push("end".into());
                }
                _ => out.push(format!("stmt {:?}", &src[s.span.range()])),
            }
        }
    }

    #[test]
    fn detection() {
        assert!(is_page("x.dg", "\n<%{ a = 1; }%>"));
        assert!(is_page("p.html", "<p><%= 1 %></p>"));
        assert!(!is_page("p.html", "<p>plain</p>"));
        assert!(!is_page("x.dg", "info 1;"));
    }

    #[test]
    fn loops_open_and_close_in_different_tags() {
        let src = "<%{\n rows = {1, 2};\n}%><ul>\n<% for each r in rows { %><li><%= r %></li><% } %></ul>";
        let p = parse(src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let mut out = Vec::new();
        outputs(&p.program.stmts, src, &mut out);
        assert_eq!(
            out,
            [
                "stmt \"rows = {1, 2};\"",
                "out \"<ul>\\n\"",
                "for",
                "out \"<li>\"",
                "out \"r\"",
                "out \"</li>\"",
                "end",
                "out \"</ul>\""
            ]
        );
    }

    #[test]
    fn errors_point_into_the_page() {
        let src = "<h1>Hi</h1>\n<%{\n x = 1\n y = 2;\n}%>";
        let p = parse(src);
        let d = &p.diagnostics[0];
        assert_eq!(d.code, Code::MissingSemicolon);
        assert_eq!(&src[..d.span.start as usize].lines().count(), &3);
        let src = "<p><%= name </p>";
        let p = parse(src);
        assert_eq!(p.diagnostics[0].code, Code::UnclosedDelimiter);
        assert_eq!(p.diagnostics[0].span, Span::new(3, 6));
    }
}
