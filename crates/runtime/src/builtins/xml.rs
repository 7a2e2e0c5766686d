//! `executeXPath` on XML (or JSON) text.
//! <https://www.zoho.com/creator/newhelp/script/built-in-functions/built-in-function-xml-execute.html>
//!
//! Zoho returns matched elements as their XML text (`<city>Surat</city>`), attributes wrapped in
//! an element named after them (`/a/@href` → `<href>…</href>`), and `text()` as plain text; several
//! matches are concatenated. JSON input is read as XML under a `/root` element. The supported
//! XPath subset: absolute paths of `/` and `//` steps; a step is a name, `*`, `text()`, `@name` or
//! `@*`, optionally with `[n]` (1-based) or `[name='v']` / `[@name='v']` predicates.

use roxmltree::{Document, Node};

use super::{arg_text, b, Builtin};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::value::{parse_json, Value};

pub(crate) static TABLE: &[Builtin] = &[b!("executexpath", Text, 1, 1, execute_xpath)];

#[derive(Debug, Clone, PartialEq)]
enum Test {
    Name(String),
    AnyElement,
    Text,
    Attr(String),
    AnyAttr,
}

#[derive(Debug, Clone, PartialEq)]
enum Pred {
    Index(usize),
    ChildEquals(String, String),
    AttrEquals(String, String),
}

#[derive(Debug, Clone, PartialEq)]
struct Step {
    descendant: bool,
    test: Test,
    preds: Vec<Pred>,
}

/// One matched item.
enum Hit<'a, 'i> {
    Element(Node<'a, 'i>),
    Text(String),
    Attr(String, String),
}

/// `xml.executeXPath(path)`.
fn execute_xpath(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let src = arg_text(args, 0)?;
    let path = arg_text(args, 1)?;
    let steps = parse_path(&path)?;
    let trimmed = src.trim_start();
    let xml = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match parse_json(&src) {
            Ok(v) => {
                let mut out = String::from("<root>");
                json_to_xml(&v, &mut out, 0);
                out.push_str("</root>");
                out
            }
            Err(e) => return fail(format!("executeXPath: the text is not valid JSON: {e}")),
        }
    } else {
        src.to_string()
    };
    let doc = match Document::parse(&xml) {
        Ok(doc) => doc,
        Err(e) => return fail(format!("executeXPath: the text is not valid XML: {e}")),
    };
    let mut out = String::new();
    for hit in select(&doc, &steps) {
        match hit {
            Hit::Element(n) => out.push_str(&xml[n.range()]),
            Hit::Text(t) => out.push_str(&t),
            Hit::Attr(name, value) => {
                out.push('<');
                out.push_str(&name);
                out.push('>');
                out.push_str(&escape(&value));
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
            }
        }
    }
    Ok(Value::from(out))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn parse_path(path: &str) -> Result<Vec<Step>> {
    let invalid = || fail(format!("executeXPath: invalid XPath '{path}'"));
    let p = path.trim();
    if !p.starts_with('/') {
        return invalid();
    }
    let mut steps = Vec::new();
    let mut rest = p;
    while !rest.is_empty() {
        let descendant = rest.starts_with("//");
        rest = rest.trim_start_matches('/');
        let end = step_end(rest);
        let (raw, tail) = rest.split_at(end);
        if raw.is_empty() {
            return invalid();
        }
        let Some(step) = parse_step(raw, descendant) else { return invalid() };
        steps.push(step);
        rest = tail;
    }
    if steps.is_empty() {
        return invalid();
    }
    Ok(steps)
}

/// Where the step starting at `s` ends: the next `/` outside brackets and quotes.
fn step_end(s: &str) -> usize {
    let (mut depth, mut quote) = (0usize, None::<char>);
    for (i, c) in s.char_indices() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('[', None) => depth += 1,
            (']', None) => depth = depth.saturating_sub(1),
            ('/', None) if depth == 0 => return i,
            _ => {}
        }
    }
    s.len()
}

fn parse_step(raw: &str, descendant: bool) -> Option<Step> {
    let (head, mut preds_text) = match raw.find('[') {
        Some(i) => (&raw[..i], &raw[i..]),
        None => (raw, ""),
    };
    let test = match head {
        "*" => Test::AnyElement,
        "text()" => Test::Text,
        "@*" => Test::AnyAttr,
        h if h.starts_with('@') && is_name(&h[1..]) => Test::Attr(h[1..].to_string()),
        h if is_name(h) => Test::Name(h.to_string()),
        _ => return None,
    };
    let mut preds = Vec::new();
    while !preds_text.is_empty() {
        let close = preds_text.find(']')?;
        let inner = preds_text.get(1..close)?.trim();
        preds.push(parse_pred(inner)?);
        preds_text = &preds_text[close + 1..];
    }
    Some(Step { descendant, test, preds })
}

fn parse_pred(inner: &str) -> Option<Pred> {
    if let Ok(n) = inner.parse::<usize>() {
        return (n >= 1).then_some(Pred::Index(n));
    }
    let (lhs, rhs) = inner.split_once('=')?;
    let value = rhs.trim();
    let value = value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))?;
    let lhs = lhs.trim();
    match lhs.strip_prefix('@') {
        Some(a) if is_name(a) => Some(Pred::AttrEquals(a.into(), value.into())),
        None if is_name(lhs) => Some(Pred::ChildEquals(lhs.into(), value.into())),
        _ => None,
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

fn select<'a, 'i>(doc: &'a Document<'i>, steps: &[Step]) -> Vec<Hit<'a, 'i>> {
    let mut context: Vec<Node<'a, 'i>> = vec![doc.root()];
    let last = steps.len() - 1;
    for (i, step) in steps.iter().enumerate() {
        let mut hits = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for node in &context {
            // `//x` is `/descendant-or-self::node()/child::x`: positions count per parent.
            let parents: Vec<Node<'a, 'i>> =
                if step.descendant { node.descendants().collect() } else { vec![*node] };
            for parent in parents {
                match &step.test {
                    Test::Name(_) | Test::AnyElement => {
                        let matching: Vec<Node<'a, 'i>> = parent
                            .children()
                            .filter(|n| n.is_element())
                            .filter(|n| match &step.test {
                                Test::Name(name) => n.tag_name().name() == name,
                                _ => true,
                            })
                            .collect();
                        for n in apply_preds(matching, &step.preds) {
                            if seen.insert(n.id()) {
                                hits.push(Hit::Element(n));
                            }
                        }
                    }
                    Test::Text => {
                        for n in parent.children().filter(|n| n.is_text()) {
                            if seen.insert(n.id()) {
                                hits.push(Hit::Text(n.text().unwrap_or("").to_string()));
                            }
                        }
                    }
                    Test::Attr(name) => {
                        if let Some(v) = parent.attribute(name.as_str()) {
                            if seen.insert(parent.id()) {
                                hits.push(Hit::Attr(name.clone(), v.to_string()));
                            }
                        }
                    }
                    Test::AnyAttr => {
                        if seen.insert(parent.id()) {
                            for a in parent.attributes() {
                                hits.push(Hit::Attr(a.name().to_string(), a.value().to_string()));
                            }
                        }
                    }
                }
            }
        }
        if i == last {
            return hits;
        }
        context = hits
            .into_iter()
            .filter_map(|h| match h {
                Hit::Element(n) => Some(n),
                _ => None,
            })
            .collect();
    }
    Vec::new()
}

fn apply_preds<'a, 'i>(mut nodes: Vec<Node<'a, 'i>>, preds: &[Pred]) -> Vec<Node<'a, 'i>> {
    for p in preds {
        nodes = match p {
            Pred::Index(n) => nodes.get(n - 1).copied().into_iter().collect(),
            Pred::AttrEquals(a, v) => {
                nodes.into_iter().filter(|n| n.attribute(a.as_str()) == Some(v.as_str())).collect()
            }
            Pred::ChildEquals(c, v) => nodes
                .into_iter()
                .filter(|n| {
                    n.children().any(|ch| {
                        ch.is_element()
                            && ch.tag_name().name() == c
                            && ch.text().unwrap_or("").trim() == v.as_str()
                    })
                })
                .collect(),
        };
    }
    nodes
}

/// JSON as Zoho reads it for XPath: keys become elements, arrays repeat their key.
fn json_to_xml(v: &Value, out: &mut String, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Map(m) => {
            for (k, val) in m.borrow().iter() {
                let key = k.to_display();
                let name = if is_name(&key) { key } else { "item".to_string() };
                match val {
                    Value::List(items) => {
                        for item in items.borrow().iter() {
                            element(&name, item, out, depth);
                        }
                    }
                    other => element(&name, other, out, depth),
                }
            }
        }
        Value::List(items) => {
            for item in items.borrow().iter() {
                element("item", item, out, depth);
            }
        }
        Value::Null => {}
        other => out.push_str(&escape(&other.to_display())),
    }
}

fn element(name: &str, v: &Value, out: &mut String, depth: usize) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    json_to_xml(v, out, depth + 1);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{err, ok};
    use crate::Value;

    fn x(src: &str, path: &str) -> String {
        ok("executeXPath", &[Value::from(src), Value::from(path)])
    }

    const CATALOG: &str = "<CATALOG><CD><TITLE>Empire Burlesque</TITLE><ARTIST>Bob Dylan</ARTIST></CD><CD><TITLE>Hide your heart</TITLE><ARTIST>Bonnie Tyler</ARTIST></CD></CATALOG>";

    #[test]
    fn elements_text_and_predicates() {
        assert_eq!(
            x(CATALOG, "/CATALOG/CD/TITLE"),
            "<TITLE>Empire Burlesque</TITLE><TITLE>Hide your heart</TITLE>"
        );
        assert_eq!(x(CATALOG, "/CATALOG/CD[2]/TITLE/text()"), "Hide your heart");
        assert_eq!(x(CATALOG, "//ARTIST[1]/text()"), "Bob DylanBonnie Tyler");
        assert_eq!(
            x(CATALOG, "/CATALOG/CD[ARTIST='Bonnie Tyler']/TITLE/text()"),
            "Hide your heart"
        );
        assert_eq!(x(CATALOG, "/CATALOG/DVD"), "");
    }

    #[test]
    fn attributes_as_zoho_documents() {
        let a = "<a href=\"https://example.com/book.pdf\" target=\"_blank\">Book</a>";
        let href = x(a, "/a/@href");
        assert_eq!(href, "<href>https://example.com/book.pdf</href>");
        assert_eq!(x(&href, "/href/text()"), "https://example.com/book.pdf");
    }

    #[test]
    fn json_is_read_under_root() {
        let json = r#"{"name":"x","address":{"city":"Surat","zip":395007},"tags":["a","b"]}"#;
        assert_eq!(x(json, "/root/address/city"), "<city>Surat</city>");
        assert_eq!(x(json, "/root/tags/text()"), "ab");
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(err("executeXPath", &[Value::from(CATALOG), Value::from("CATALOG")])
            .contains("invalid XPath"));
        assert!(err("executeXPath", &[Value::from(CATALOG), Value::from("/a[")])
            .contains("invalid XPath"));
        assert!(err("executeXPath", &[Value::from("<a><b></a>"), Value::from("/a")])
            .contains("not valid XML"));
    }
}
