//! The request handlers: each takes a [`View`] (the document's project, parsed) and a
//! position, and returns the LSP answer. None of them may panic on any text.

use std::collections::HashMap;

use dg_runtime::Type;
use dg_syntax::ast::{Comment, CommentKind, Expr, ExprKind, Function};
use dg_syntax::token::{lex, LexError, Token};
use dg_syntax::Span;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind,
    CompletionTextEdit, DocumentSymbol, Documentation, FoldingRange, FoldingRangeKind, Hover,
    HoverContents, InsertTextFormat, Location, MarkupContent, MarkupKind, ParameterInformation,
    ParameterLabel, Position, Range, SemanticToken, SemanticTokenType, SignatureHelp,
    SignatureInformation, SymbolInformation, SymbolKind, TextEdit, WorkspaceEdit,
};

use crate::adapters::{Doc, DocsLookup};
use crate::text::LineIndex;
use crate::walk::{self, call_sites, target_at, Scope, Target, Visit};
use crate::workspace::{FileView, View};

/// Keys of `invokeurl [ … ]`.
pub const INVOKEURL_KEYS: &[&str] = &[
    "url",
    "type",
    "parameters",
    "body",
    "headers",
    "connection",
    "content-type",
    "files",
    "detailed",
    "response-format",
    "response-decoding",
];

/// Keys of `sendmail [ … ]`.
pub const SENDMAIL_KEYS: &[&str] =
    &["from", "to", "cc", "bcc", "reply to", "subject", "message", "content type", "attachments"];

/// Statement keywords offered where a statement may start.
const KEYWORDS: &[&str] = &[
    "if",
    "else",
    "for each",
    "while",
    "try",
    "catch",
    "return",
    "info",
    "break",
    "continue",
    "invokeurl",
    "sendmail",
    "true",
    "false",
    "null",
];

/// A project function, found in one of the project's files.
pub struct FnDef<'v> {
    pub file: &'v FileView,
    pub func: &'v Function,
}

/// Every function of the view's files, in file order.
pub fn functions(view: &View) -> Vec<FnDef<'_>> {
    view.files
        .iter()
        .flat_map(|file| file.parsed.program.functions.iter().map(move |func| FnDef { file, func }))
        .collect()
}

/// The function a call written `name` calls, preferring the document's own file.
fn find_function<'v>(view: &'v View, name: &str) -> Option<FnDef<'v>> {
    let all = functions(view);
    let cur = view.doc().uri.clone();
    let mut best: Option<FnDef<'v>> = None;
    for d in all {
        if walk::calls(name, &d.func.qualified_name()) {
            if d.file.uri == cur {
                return Some(d);
            }
            best.get_or_insert(d);
        }
    }
    best
}

/// `string standalone.f(map m, int n)`.
pub fn header(f: &Function) -> String {
    let params: Vec<String> =
        f.params.iter().map(|p| format!("{} {}", p.ty.name, p.name.name)).collect();
    format!("{} {}({})", f.ret.name, f.qualified_name(), params.join(", "))
}

/// The comments right above a function (nothing but blank space between them and it).
pub fn leading_comment(src: &str, comments: &[Comment], f: &Function) -> Option<String> {
    let mut start = f.ret.span.start.min(f.span.start) as usize;
    let mut parts: Vec<String> = Vec::new();
    for c in comments.iter().rev() {
        if c.span.end as usize > start {
            continue;
        }
        let between = src.get(c.span.end as usize..start)?;
        if !between.trim().is_empty() || between.matches('\n').count() > 1 {
            break;
        }
        let raw = src.get(c.span.range())?;
        let body = match c.kind {
            CommentKind::Line => raw.trim_start_matches('/').trim().to_string(),
            CommentKind::Block => raw
                .trim_start_matches("/*")
                .trim_end_matches("*/")
                .lines()
                .map(|l| l.trim().trim_start_matches('*').trim())
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string(),
        };
        parts.push(body);
        start = c.span.start as usize;
    }
    parts.reverse();
    let text = parts.join("\n");
    (!text.trim().is_empty()).then_some(text)
}

/// The type of a literal or constructor, when it is plain from the text.
pub fn literal_type(e: &Expr) -> Option<Type> {
    Some(match &e.kind {
        ExprKind::Text(_) => Type::Text,
        ExprKind::Int(_) => Type::Int,
        ExprKind::Dec(_) => Type::Dec,
        ExprKind::Bool(_) => Type::Bool,
        ExprKind::List(_) => Type::List,
        ExprKind::Map(_) => Type::Map,
        ExprKind::Date(d) if d.contains(':') && d.contains(['-', '/']) => Type::DateTime,
        ExprKind::Date(d) if d.contains(':') => Type::Time,
        ExprKind::Date(_) => Type::Date,
        ExprKind::TypedCtor(t) if t.ctor.is("list") => Type::List,
        ExprKind::TypedCtor(t) if t.ctor.is("map") => Type::Map,
        ExprKind::Call(c) if c.args.is_empty() && c.name.is("map") => Type::Map,
        ExprKind::Call(c) if c.name.is("list") => Type::List,
        ExprKind::Call(c) if c.name.is("collection") => return None,
        _ => return None,
    })
}

/// The type of a parameter declared `ty`.
fn param_type(ty: &str) -> Option<Type> {
    Some(match ty.to_ascii_lowercase().as_str() {
        "string" | "text" => Type::Text,
        "int" | "number" | "bigint" | "long" => Type::Int,
        "decimal" | "float" => Type::Dec,
        "bool" | "boolean" => Type::Bool,
        "list" => Type::List,
        "map" | "key-value" => Type::Map,
        "date" => Type::Date,
        "datetime" => Type::DateTime,
        _ => return None,
    })
}

/// The inferred type of a variable of a scope: its parameter type, else its first
/// assignment's when that is a literal.
fn var_type(scope: &Scope<'_>, name: &str) -> Option<Type> {
    if let Some(p) = scope.function.and_then(|f| f.params.iter().find(|p| p.name.name == name)) {
        return param_type(&p.ty.name);
    }
    scope.first_assignment(name).and_then(|(_, e)| literal_type(e))
}

fn markdown(value: String) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
        range: None,
    }
}

fn doc_markdown(doc: &Doc) -> String {
    let mut out = format!("```deluge\n{}\n```", doc.signature.as_deref().unwrap_or(&doc.name));
    if let Some(s) = &doc.summary {
        out.push_str(&format!("\n\n{s}"));
    }
    if let Some(l) = &doc.link {
        out.push_str(&format!("\n\n[Zoho help]({l})"));
    }
    out
}

fn function_markdown(d: &FnDef<'_>) -> String {
    let mut out = format!("```deluge\n{}\n```", header(d.func));
    if let Some(c) = leading_comment(&d.file.text, &d.file.parsed.comments, d.func) {
        out.push_str(&format!("\n\n{c}"));
    }
    let line = d.file.lines.position(&d.file.text, d.func.span.start as usize).line + 1;
    let file = d.file.path.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy());
    match file {
        Some(f) => out.push_str(&format!("\n\ndefined in `{f}`, line {line}")),
        None => out.push_str(&format!("\n\ndefined at line {line}")),
    }
    out
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.range()).unwrap_or("")
}

pub fn hover(view: &View, pos: Position, docs: &dyn DocsLookup) -> Option<Hover> {
    let doc = view.doc();
    let offset = doc.lines.offset(&doc.text, pos);
    let program = &doc.parsed.program;
    let target = target_at(program, offset)?;
    let (value, span) = match target {
        Target::Var(id) => {
            let scope = Scope::at(program, offset);
            let mut out = format!("```deluge\n{}\n```", id.name);
            if let Some(p) =
                scope.function.and_then(|f| f.params.iter().find(|p| p.name.name == id.name))
            {
                out.push_str(&format!("\n\nparameter `{} {}`", p.ty.name, p.name.name));
            } else if let Some((at, value)) = scope.first_assignment(&id.name) {
                let line = doc.lines.position(&doc.text, at.span.start as usize).line + 1;
                let mut shown = slice(&doc.text, value.span).to_string();
                if shown.chars().count() > 60 {
                    shown = shown.chars().take(57).collect::<String>() + "…";
                }
                out.push_str(&format!("\n\nassigned on line {line}: `{} = {shown}`", id.name));
            } else {
                let line = doc.lines.position(&doc.text, id.span.start as usize).line + 1;
                out.push_str(&format!("\n\nassigned on line {line}"));
            }
            if let Some(t) = var_type(&scope, &id.name) {
                out.push_str(&format!("\n\ntype: {}", t.name()));
            }
            (out, id.span)
        }
        Target::Definition(f) => {
            let d = find_function(view, &f.qualified_name())?;
            (function_markdown(&d), f.name.span)
        }
        Target::Call { name, span, .. } => match find_function(view, &name) {
            Some(d) => (function_markdown(&d), span),
            None => (doc_markdown(&docs.builtin(&name).or_else(|| docs.task(&name))?), span),
        },
        Target::Method { name, .. } => (doc_markdown(&docs.builtin(&name.name)?), name.span),
        Target::Zoho { path, span } => {
            let d = docs.task(&path).or_else(|| docs.builtin(&path))?;
            (doc_markdown(&d), span)
        }
    };
    let mut h = markdown(value);
    h.range = Some(doc.lines.range(&doc.text, span));
    Some(h)
}

pub fn definition(view: &View, pos: Position) -> Vec<Location> {
    let doc = view.doc();
    let offset = doc.lines.offset(&doc.text, pos);
    let program = &doc.parsed.program;
    match target_at(program, offset) {
        Some(Target::Var(id)) => {
            let scope = Scope::at(program, offset);
            let first = scope.mentions().into_iter().find(|(m, def)| *def && m.name == id.name);
            first
                .map(|(m, _)| Location::new(doc.uri.clone(), doc.lines.range(&doc.text, m.span)))
                .into_iter()
                .collect()
        }
        Some(Target::Call { name, .. }) => find_function(view, &name)
            .map(|d| {
                Location::new(
                    d.file.uri.clone(),
                    d.file.lines.range(&d.file.text, d.func.name.span),
                )
            })
            .into_iter()
            .collect(),
        Some(Target::Definition(f)) => {
            vec![Location::new(doc.uri.clone(), doc.lines.range(&doc.text, f.name.span))]
        }
        _ => Vec::new(),
    }
}

/// Every mention of the variable at `offset` in its function, or `None` if there is no
/// variable there.
fn variable_mentions(view: &View, offset: usize) -> Option<(String, Vec<Span>)> {
    let program = &view.doc().parsed.program;
    let Some(Target::Var(id)) = target_at(program, offset) else { return None };
    let scope = Scope::at(program, offset);
    let spans =
        scope.mentions().into_iter().filter(|(m, _)| m.name == id.name).map(|(m, _)| m.span);
    Some((id.name.to_string(), spans.collect()))
}

pub fn references(view: &View, pos: Position, include_declaration: bool) -> Vec<Location> {
    let doc = view.doc();
    let offset = doc.lines.offset(&doc.text, pos);
    if let Some((_, spans)) = variable_mentions(view, offset) {
        return spans
            .into_iter()
            .map(|s| Location::new(doc.uri.clone(), doc.lines.range(&doc.text, s)))
            .collect();
    }
    let name = match target_at(&doc.parsed.program, offset) {
        Some(Target::Call { name, .. }) => name,
        Some(Target::Definition(f)) => f.qualified_name(),
        _ => return Vec::new(),
    };
    let Some(def) = find_function(view, &name) else { return Vec::new() };
    let qualified = def.func.qualified_name();
    let mut out = Vec::new();
    if include_declaration {
        out.push(Location::new(
            def.file.uri.clone(),
            def.file.lines.range(&def.file.text, def.func.name.span),
        ));
    }
    for f in &view.files {
        for s in call_sites(&f.parsed.program, &qualified) {
            out.push(Location::new(f.uri.clone(), f.lines.range(&f.text, s)));
        }
    }
    out
}

/// Is `name` a plain Deluge identifier?
fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The range of the variable at `pos`, if it can be renamed.
pub fn prepare_rename(view: &View, pos: Position) -> Option<Range> {
    let doc = view.doc();
    let offset = doc.lines.offset(&doc.text, pos);
    let Some(Target::Var(id)) = target_at(&doc.parsed.program, offset) else { return None };
    Some(doc.lines.range(&doc.text, id.span))
}

/// Renames a local variable everywhere in its function. `Err` explains a refusal.
pub fn rename(view: &View, pos: Position, new_name: &str) -> Result<WorkspaceEdit, String> {
    let doc = view.doc();
    let offset = doc.lines.offset(&doc.text, pos);
    if !is_ident(new_name) {
        return Err(format!("`{new_name}` is not a valid variable name"));
    }
    let Some((old, spans)) = variable_mentions(view, offset) else {
        return Err("only local variables can be renamed".into());
    };
    let scope = Scope::at(&doc.parsed.program, offset);
    if new_name != old && scope.defines(new_name) {
        return Err(format!("`{new_name}` is already a variable of this function"));
    }
    let edits = spans
        .into_iter()
        .map(|s| TextEdit::new(doc.lines.range(&doc.text, s), new_name.to_string()))
        .collect();
    let mut changes = HashMap::new();
    changes.insert(doc.uri.clone(), edits);
    Ok(WorkspaceEdit::new(changes))
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Range,
    selection_range: Range,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children,
    }
}

/// Functions with their variables, and the top level's variables.
pub fn document_symbols(file: &FileView) -> Vec<DocumentSymbol> {
    let r = |s: Span| file.lines.range(&file.text, s);
    let vars = |scope: &Scope<'_>| -> Vec<DocumentSymbol> {
        scope
            .variables()
            .into_iter()
            .map(|id| {
                symbol(
                    id.name.to_string(),
                    None,
                    SymbolKind::VARIABLE,
                    r(id.span),
                    r(id.span),
                    None,
                )
            })
            .collect()
    };
    let program = &file.parsed.program;
    let mut out: Vec<DocumentSymbol> = program
        .functions
        .iter()
        .map(|f| {
            let children = vars(&Scope::of(f));
            symbol(
                f.qualified_name(),
                Some(header(f)),
                SymbolKind::FUNCTION,
                r(f.span),
                r(f.name.span),
                Some(children),
            )
        })
        .collect();
    out.extend(vars(&Scope::new(None, &program.stmts)));
    out.sort_by_key(|s| (s.range.start.line, s.range.start.character));
    out
}

/// Project functions whose name contains `query` (case-insensitive; every one for "").
#[allow(deprecated)] // `SymbolInformation::deprecated` must still be written
pub fn workspace_symbols(views: &[View], query: &str) -> Vec<SymbolInformation> {
    let q = query.to_ascii_lowercase();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for view in views {
        for d in functions(view) {
            let name = d.func.qualified_name();
            if !name.to_ascii_lowercase().contains(&q) {
                continue;
            }
            if !seen.insert((d.file.uri.clone(), d.func.name.span)) {
                continue;
            }
            out.push(SymbolInformation {
                name,
                kind: SymbolKind::FUNCTION,
                tags: None,
                deprecated: None,
                location: Location::new(
                    d.file.uri.clone(),
                    d.file.lines.range(&d.file.text, d.func.name.span),
                ),
                container_name: d.file.path.as_ref().map(|p| p.display().to_string()),
            });
        }
    }
    out
}

/// Formatting: the whole text replaced, when the formatter changes it.
pub fn format_edits(file: &FileView, formatted: Option<String>) -> Vec<TextEdit> {
    match formatted {
        Some(new) if new != *file.text => {
            let end = file.lines.position(&file.text, file.text.len());
            vec![TextEdit::new(Range::new(Position::new(0, 0), end), new)]
        }
        _ => Vec::new(),
    }
}

/// Blocks, task blocks, multi-line collections and block comments.
pub fn folding_ranges(file: &FileView) -> Vec<FoldingRange> {
    let line = |off: u32| file.lines.position(&file.text, off as usize).line;
    let mut spans: Vec<(Span, Option<FoldingRangeKind>)> = Vec::new();
    struct V<'s>(&'s mut Vec<(Span, Option<FoldingRangeKind>)>);
    impl<'a> Visit<'a> for V<'_> {
        fn block(&mut self, b: &'a dg_syntax::ast::Block) {
            self.0.push((b.span, None));
        }
        fn expr(&mut self, e: &'a Expr) {
            if matches!(
                e.kind,
                ExprKind::Task(_) | ExprKind::Insert(_) | ExprKind::Map(_) | ExprKind::List(_)
            ) {
                self.0.push((e.span, None));
            }
        }
    }
    let program = &file.parsed.program;
    for f in &program.functions {
        spans.push((f.body.span, None));
        walk::walk_stmts(&mut V(&mut spans), &f.body.stmts);
    }
    walk::walk_stmts(&mut V(&mut spans), &program.stmts);
    for c in &file.parsed.comments {
        if c.kind == CommentKind::Block {
            spans.push((c.span, Some(FoldingRangeKind::Comment)));
        }
    }
    let mut out: Vec<FoldingRange> = spans
        .into_iter()
        .filter_map(|(s, kind)| {
            let (a, b) = (line(s.start), line(s.end));
            (b > a).then(|| FoldingRange {
                start_line: a,
                start_character: None,
                // Keep the closing line (`}` or `]`) visible.
                end_line: if kind.is_some() { b } else { b - 1 },
                end_character: None,
                kind,
                collapsed_text: None,
            })
        })
        .filter(|f| f.end_line > f.start_line || f.kind.is_some())
        .collect();
    out.sort_by_key(|f| (f.start_line, f.end_line));
    out.dedup_by_key(|f| (f.start_line, f.end_line));
    out
}

/// The token types of [`semantic_tokens`], in legend order.
pub const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::METHOD,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::TYPE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::NAMESPACE,
];

const T_KEYWORD: u32 = 0;
const T_VARIABLE: u32 = 1;
const T_FUNCTION: u32 = 2;
const T_METHOD: u32 = 3;
const T_STRING: u32 = 4;
const T_NUMBER: u32 = 5;
const T_COMMENT: u32 = 6;
const T_OPERATOR: u32 = 7;
const T_TYPE: u32 = 8;
const T_PROPERTY: u32 = 9;
const T_NAMESPACE: u32 = 10;

const KEYWORD_WORDS: &[&str] = &[
    "if",
    "else",
    "for",
    "each",
    "in",
    "while",
    "try",
    "catch",
    "return",
    "info",
    "break",
    "continue",
    "true",
    "false",
    "null",
    "void",
    "delete",
    "insert",
    "into",
    "from",
    "sort",
    "by",
    "range",
    "to",
    "invokeurl",
    "sendmail",
];

const TYPE_WORDS: &[&str] = &[
    "string",
    "int",
    "bigint",
    "long",
    "decimal",
    "float",
    "bool",
    "boolean",
    "map",
    "list",
    "date",
    "datetime",
    "text",
    "number",
    "collection",
    "key-value",
];

/// Tokens from the lexer, classified by their neighbours: a name before `(` is a function
/// (a method after `.`), after `.` a property, before another name in a header a type.
pub fn semantic_tokens(file: &FileView) -> Vec<SemanticToken> {
    let text = &*file.text;
    let toks = lex(text);
    let mut raw: Vec<(Span, u32)> = Vec::with_capacity(toks.len());
    for (i, (tok, span)) in toks.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| &toks[j].0);
        let next = toks.get(i + 1).map(|t| &t.0);
        let kind = match tok {
            Token::BlockComment | Token::LineComment => T_COMMENT,
            Token::Text(_) | Token::Date(_) => T_STRING,
            Token::Int(_) | Token::Dec(_) => T_NUMBER,
            Token::Ident(name) => {
                let lower = name.to_ascii_lowercase();
                let after_dot = prev == Some(&Token::Dot);
                if next == Some(&Token::LParen) {
                    if after_dot {
                        T_METHOD
                    } else {
                        T_FUNCTION
                    }
                } else if after_dot {
                    T_PROPERTY
                } else if next == Some(&Token::Dot)
                    && matches!(lower.as_str(), "zoho" | "standalone" | "thisapp" | "input")
                {
                    T_NAMESPACE
                } else if TYPE_WORDS.contains(&lower.as_str())
                    && matches!(next, Some(Token::Ident(_)))
                {
                    T_TYPE
                } else if KEYWORD_WORDS.contains(&lower.as_str()) {
                    T_KEYWORD
                } else {
                    T_VARIABLE
                }
            }
            Token::EqEq
            | Token::NotEq
            | Token::Lt
            | Token::Le
            | Token::Gt
            | Token::Ge
            | Token::Plus
            | Token::Minus
            | Token::Star
            | Token::Slash
            | Token::Percent
            | Token::Bang
            | Token::AndAnd
            | Token::OrOr
            | Token::Assign => T_OPERATOR,
            _ => continue,
        };
        raw.push((*span, kind));
    }
    encode_tokens(text, &file.lines, raw)
}

/// Delta-encodes tokens, one per line (multi-line comments and texts are split by line).
fn encode_tokens(text: &str, lines: &LineIndex, raw: Vec<(Span, u32)>) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(raw.len());
    let (mut last_line, mut last_col) = (0u32, 0u32);
    let mut push = |start: Position, len: u32, kind: u32| {
        if len == 0 {
            return;
        }
        let delta_line = start.line - last_line;
        let delta_start =
            if delta_line == 0 { start.character - last_col } else { start.character };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: len,
            token_type: kind,
            token_modifiers_bitset: 0,
        });
        last_line = start.line;
        last_col = start.character;
    };
    for (span, kind) in raw {
        let piece = text.get(span.range()).unwrap_or("");
        let mut at = span.start as usize;
        for line in piece.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            let start = lines.position(text, at);
            let len: usize = content.chars().map(char::len_utf16).sum();
            push(start, len as u32, kind);
            at += line.len();
        }
    }
    out
}

/// Quick fixes for the diagnostics the client sent: `=` → `==` (W0101), a missing `;`
/// (E0101), and a "did you mean `x`?" help (replace the name).
pub fn code_actions(
    file: &FileView,
    diagnostics: &[lsp_types::Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in diagnostics {
        let Some(lsp_types::NumberOrString::String(code)) = &d.code else { continue };
        let span = file.lines.span(&file.text, d.range);
        let current = slice(&file.text, span);
        let help = d
            .data
            .as_ref()
            .and_then(|v| v.get("help"))
            .and_then(|h| h.as_str())
            .map(str::to_string)
            .or_else(|| d.message.lines().find_map(|l| l.strip_prefix("help: ").map(String::from)));
        let (title, new_text, range) = if code == "W0101" && current == "=" {
            ("Replace `=` with `==`".to_string(), "==".to_string(), d.range)
        } else if code == "E0101" {
            let at = file.lines.position(&file.text, span.start as usize);
            ("Insert `;`".to_string(), ";".to_string(), Range::new(at, at))
        } else if let Some(name) = help.as_deref().and_then(did_you_mean) {
            // The span is the name (`lenght`), or a whole call (`standalone.helpr(1)`) whose
            // callee is the part before `(`.
            let callee = current.split('(').next().unwrap_or("").trim_end();
            let is_name = |s: &str| {
                !s.is_empty()
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            };
            if !is_name(callee) || (callee.len() != current.len() && !current.contains('(')) {
                continue;
            }
            let start = span.start as usize;
            let range = file.lines.range(&file.text, Span::new(start, start + callee.len()));
            (format!("Replace with `{name}`"), name.to_string(), range)
        } else {
            continue;
        };
        let mut changes = HashMap::new();
        changes.insert(file.uri.clone(), vec![TextEdit::new(range, new_text)]);
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit::new(changes)),
            command: None,
            is_preferred: Some(true),
            disabled: None,
            data: None,
        }));
    }
    out
}

/// The name in a "did you mean `name`?" help.
fn did_you_mean(help: &str) -> Option<&str> {
    let rest = help.split("did you mean `").nth(1)?;
    let name = rest.split('`').next()?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .then_some(name)
}

// ---- completion and signature help: from the tokens before the cursor ----

/// The identifier being typed: its start offset.
fn word_start(text: &str, offset: usize) -> usize {
    let before = &text.as_bytes()[..offset];
    let n = before.iter().rev().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
    offset - n
}

/// Where a completion is asked for.
enum Context {
    /// After `recv.`: the dotted names before the dot (empty when the receiver is not a plain
    /// name, e.g. `f(x).`).
    Member(Vec<String>),
    /// A key of a task block (`invokeurl` / `sendmail`).
    TaskKey(String),
    /// The value of `connection:` in a task block.
    Connection,
    /// Anywhere else: a name.
    Name,
}

fn significant<'s>(tokens: Vec<(Token<'s>, Span)>) -> Vec<(Token<'s>, Span)> {
    tokens
        .into_iter()
        .filter(|(t, _)| !matches!(t, Token::BlockComment | Token::LineComment))
        .collect()
}

/// The innermost unclosed bracket of kind `open` in `toks`, with the index of its token.
fn unclosed(toks: &[(Token<'_>, Span)], open: &Token<'_>, close: &Token<'_>) -> Option<usize> {
    let mut depth = 0usize;
    for (i, (t, _)) in toks.iter().enumerate().rev() {
        if t == close {
            depth += 1;
        } else if t == open {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        } else if matches!(t, Token::Semi | Token::LBrace | Token::RBrace) && *open == Token::LParen
        {
            // A call's arguments never span statements.
            return None;
        }
    }
    None
}

fn context(text: &str, word: usize) -> Context {
    let toks = significant(lex(&text[..word]));
    // Inside a text literal being typed (`connection: "my`), the last token is an error.
    let (toks, in_text) = match toks.last() {
        Some((Token::Error(LexError::UnterminatedString), _)) => (&toks[..toks.len() - 1], true),
        _ => (&toks[..], false),
    };
    if let Some(open) = unclosed(toks, &Token::LBracket, &Token::RBracket) {
        if let Some((Token::Ident(task), _)) = open.checked_sub(1).map(|i| &toks[i]) {
            let task = task.to_ascii_lowercase();
            if task == "invokeurl" || task == "sendmail" {
                let after = &toks[open + 1..];
                let n = after.len();
                if n >= 2
                    && after[n - 1].0 == Token::Colon
                    && matches!(&after[n - 2].0, Token::Ident(k) if k.eq_ignore_ascii_case("connection"))
                {
                    return Context::Connection;
                }
                // At a key: right after `[`, or after a finished `key: value` on a new line.
                let at_line_start =
                    text[..word].rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
                if !in_text && (n == 0 || at_line_start) {
                    return Context::TaskKey(task);
                }
            }
        }
    }
    if in_text {
        return Context::Name;
    }
    if let Some((Token::Dot, _)) = toks.last() {
        let mut path = Vec::new();
        let mut i = toks.len() - 1;
        while i > 0 {
            match &toks[i - 1].0 {
                Token::Ident(name) => path.push(name.to_string()),
                _ => break,
            }
            if i >= 2 && toks[i - 2].0 == Token::Dot {
                i -= 2;
            } else {
                // The chain's root must not itself follow something like `)`.
                i = 0;
            }
        }
        // `f(x).`: a path that ends at a `)`/`]`/literal is not a name path.
        if path.is_empty() {
            return Context::Member(Vec::new());
        }
        path.reverse();
        return Context::Member(path);
    }
    Context::Name
}

fn item(label: String, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem { label, kind: Some(kind), detail, ..CompletionItem::default() }
}

fn function_item(d: &FnDef<'_>, label: String, snippets: bool) -> CompletionItem {
    let mut it = item(label.clone(), CompletionItemKind::FUNCTION, Some(header(d.func)));
    if let Some(c) = leading_comment(&d.file.text, &d.file.parsed.comments, d.func) {
        it.documentation = Some(Documentation::String(c));
    }
    if snippets {
        let params: Vec<String> = d
            .func
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| format!("${{{}:{}}}", i + 1, p.name.name))
            .collect();
        it.insert_text = Some(format!("{label}({})", params.join(", ")));
        it.insert_text_format = Some(InsertTextFormat::SNIPPET);
    } else {
        it.insert_text = Some(format!("{label}("));
    }
    it
}

/// What completes at `pos`. `links` lists connection link names (read lazily: only after
/// `connection:`).
pub fn completion(
    view: &View,
    pos: Position,
    docs: &dyn DocsLookup,
    links: &dyn Fn() -> Vec<String>,
    snippets: bool,
) -> Vec<CompletionItem> {
    let doc = view.doc();
    let text = &*doc.text;
    let offset = doc.lines.offset(text, pos);
    let word = word_start(text, offset);
    let prefix = text[word..offset].to_ascii_lowercase();
    let program = &doc.parsed.program;
    let scope = Scope::at(program, offset);
    let mut out: Vec<CompletionItem> = Vec::new();
    match context(text, word) {
        Context::Connection => {
            for link in links() {
                out.push(item(link, CompletionItemKind::VALUE, Some("connection".into())));
            }
        }
        Context::TaskKey(task) => {
            let keys = if task == "invokeurl" { INVOKEURL_KEYS } else { SENDMAIL_KEYS };
            for k in keys {
                let mut it =
                    item(k.to_string(), CompletionItemKind::PROPERTY, Some(format!("{task} key")));
                it.insert_text = Some(format!("{k}: "));
                out.push(it);
            }
        }
        Context::Member(path) => {
            let root = path.first().map(|s| s.to_ascii_lowercase());
            if root.as_deref() == Some("zoho") {
                // `zoho.crm.` → the rest of each task's name after what is typed.
                let typed = format!("{}.", path.join(".")).to_ascii_lowercase();
                for t in docs.tasks() {
                    if let Some(rest) = t.to_ascii_lowercase().strip_prefix(&typed) {
                        let rest = &t[t.len() - rest.len()..];
                        let label = rest.split('.').next().unwrap_or(rest).to_string();
                        if !out.iter().any(|i: &CompletionItem| i.label == label) {
                            let kind = if label.len() == rest.len() {
                                CompletionItemKind::FUNCTION
                            } else {
                                CompletionItemKind::MODULE
                            };
                            let mut it = item(label.clone(), kind, Some(t.clone()));
                            let params = docs.task_params(&t);
                            if snippets
                                && kind == CompletionItemKind::FUNCTION
                                && !params.is_empty()
                            {
                                // `getRecordById(${1:module_name}, ${2:record_id})`
                                let args: Vec<String> = params
                                    .iter()
                                    .enumerate()
                                    .map(|(i, p)| format!("${{{}:{p}}}", i + 1))
                                    .collect();
                                it.insert_text = Some(format!("{label}({})", args.join(", ")));
                                it.insert_text_format = Some(InsertTextFormat::SNIPPET);
                            }
                            out.push(it);
                        }
                    }
                }
            } else if path.len() == 1 && !scope.defines(&path[0]) {
                // `standalone.` / `thisapp.`: project functions of that namespace.
                let ns = &path[0];
                for d in functions(view) {
                    let f = d.func;
                    let fits =
                        f.namespace.as_ref().is_some_and(|n| n.name.eq_ignore_ascii_case(ns))
                            || ns.eq_ignore_ascii_case("thisapp");
                    if fits {
                        out.push(function_item(&d, f.name.name.to_string(), snippets));
                    }
                }
            }
            if out.is_empty() && root.as_deref() != Some("zoho") {
                let ty = match path.as_slice() {
                    [name] => var_type(&scope, name),
                    _ => None,
                };
                let names: Vec<String> = match ty {
                    Some(t) => dg_runtime::builtin_names_for(t)
                        .into_iter()
                        .map(|n| dg_runtime::builtin_display_name(n).unwrap_or(n).to_string())
                        .collect(),
                    None => docs.builtins(),
                };
                for n in names {
                    let mut it = item(n.clone(), CompletionItemKind::METHOD, None);
                    it.insert_text = Some(format!("{n}("));
                    out.push(it);
                }
            }
        }
        Context::Name => {
            for id in scope.variables() {
                let ty = var_type(&scope, &id.name).map(|t| t.name().to_string());
                out.push(item(id.name.to_string(), CompletionItemKind::VARIABLE, ty));
            }
            for d in functions(view) {
                let label = d.func.qualified_name();
                out.push(function_item(&d, label, snippets));
            }
            for n in docs.builtins() {
                let mut it = item(n.clone(), CompletionItemKind::FUNCTION, Some("builtin".into()));
                it.insert_text = Some(format!("{n}("));
                out.push(it);
            }
            for k in KEYWORDS {
                out.push(item(k.to_string(), CompletionItemKind::KEYWORD, None));
            }
            out.push(item("zoho".into(), CompletionItemKind::MODULE, Some("Zoho tasks".into())));
        }
    }
    // Replace the word being typed (clients filter on it).
    let range = Range::new(doc.lines.position(text, word), pos);
    out.retain(|i| prefix.is_empty() || i.label.to_ascii_lowercase().contains(&prefix));
    for it in &mut out {
        let new_text = it.insert_text.take().unwrap_or_else(|| it.label.clone());
        it.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(range, new_text)));
    }
    out
}

/// Signature help inside a call's parentheses.
pub fn signature_help(view: &View, pos: Position, docs: &dyn DocsLookup) -> Option<SignatureHelp> {
    let doc = view.doc();
    let text = &*doc.text;
    let offset = doc.lines.offset(text, pos);
    let toks = significant(lex(&text[..offset]));
    let open = unclosed(&toks, &Token::LParen, &Token::RParen)?;
    // The callee: `name` or a dotted chain `a.b.name`.
    let mut path: Vec<&str> = Vec::new();
    let mut i = open;
    while i > 0 {
        let Token::Ident(name) = &toks[i - 1].0 else { break };
        path.push(name);
        if i >= 2 && toks[i - 2].0 == Token::Dot {
            i -= 2;
        } else {
            break;
        }
    }
    if path.is_empty() {
        return None;
    }
    path.reverse();
    let mut depth = 0i32;
    let mut active = 0u32;
    for (t, _) in &toks[open + 1..] {
        match t {
            Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => depth -= 1,
            Token::Comma if depth == 0 => active += 1,
            _ => {}
        }
    }
    let full = path.join(".");
    let scope = Scope::at(&doc.parsed.program, offset);
    let is_var_root = scope.defines(path[0]);
    let sig = match (!is_var_root).then(|| find_function(view, &full)).flatten() {
        Some(d) => {
            let params: Vec<ParameterInformation> = d
                .func
                .params
                .iter()
                .map(|p| ParameterInformation {
                    label: ParameterLabel::Simple(format!("{} {}", p.ty.name, p.name.name)),
                    documentation: None,
                })
                .collect();
            SignatureInformation {
                label: header(d.func),
                documentation: leading_comment(&d.file.text, &d.file.parsed.comments, d.func)
                    .map(Documentation::String),
                parameters: Some(params),
                active_parameter: None,
            }
        }
        None => {
            let name =
                if is_var_root || path.len() == 1 { path[path.len() - 1] } else { full.as_str() };
            let found = if name.to_ascii_lowercase().starts_with("zoho.") {
                docs.task(name).or_else(|| docs.builtin(name))
            } else {
                docs.builtin(name)
            };
            let d = found?;
            SignatureInformation {
                label: d.signature.clone().unwrap_or_else(|| format!("{}(…)", d.name)),
                documentation: d.summary.clone().map(Documentation::String),
                parameters: None,
                active_parameter: None,
            }
        }
    };
    Some(SignatureHelp {
        signatures: vec![sig],
        active_signature: Some(0),
        active_parameter: Some(active),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_takes_plain_names_only() {
        assert_eq!(did_you_mean("did you mean `length`?"), Some("length"));
        assert_eq!(
            did_you_mean("did you mean `standalone.f`? Otherwise add the file"),
            Some("standalone.f")
        );
        assert_eq!(did_you_mean("did you mean `a b`?"), None);
        assert_eq!(did_you_mean("write `==` to compare"), None);
    }

    #[test]
    fn leading_comments_of_both_kinds() {
        let src = "// unrelated\n\n/**\n * Sums.\n * Twice.\n */\n// More.\nint f(int a)\n{\n\treturn a;\n}\n";
        let parsed = dg_syntax::parse(src);
        let f = &parsed.program.functions[0];
        assert_eq!(
            leading_comment(src, &parsed.comments, f).as_deref(),
            Some("Sums.\nTwice.\nMore.")
        );
        let bare = dg_syntax::parse("int f()\n{\n\treturn 1;\n}\n");
        assert_eq!(leading_comment("", &bare.comments, &bare.program.functions[0]), None);
    }

    #[test]
    fn literal_types() {
        let p = dg_syntax::parse("a = Map(); b = List:String(); c = '01-Jan-2020'; d = '01-Jan-2020 10:00:00'; e = {1}; f = g();");
        let types: Vec<Option<Type>> = p
            .program
            .stmts
            .iter()
            .map(|s| match &s.kind {
                dg_syntax::ast::StmtKind::Assign { value, .. } => literal_type(value),
                _ => None,
            })
            .collect();
        assert_eq!(
            types,
            [
                Some(Type::Map),
                Some(Type::List),
                Some(Type::Date),
                Some(Type::DateTime),
                Some(Type::List),
                None
            ]
        );
    }
}
