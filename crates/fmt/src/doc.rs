//! A small Wadler/Prettier-style document and its renderer.
//!
//! The printer turns the syntax tree into a [`Doc`]; [`render`] lays it out. A [`Doc::Group`]
//! is printed on one line when it fits in the remaining width, else its line breaks are taken.
//! A [`Doc::Fill`] packs as many parts per line as fit (used for operator chains). Every
//! decision looks ahead at most one line width of text, so rendering is linear in the size of
//! the document (times the line width), whatever the input.

/// A layout document.
#[derive(Debug)]
pub(crate) enum Doc {
    /// Text; may contain line breaks (block comments, multi-line literals), printed verbatim.
    Text(String),
    /// A `//` comment: nothing may follow it on its line, and it forces enclosing groups to
    /// break. It does not count towards the line width (a trailing comment never makes code
    /// wrap).
    LineComment(String),
    /// A block comment printed after code on its line: it does not count towards the width.
    TrailingBlock(String),
    /// A space when flat, a line break when broken.
    Line,
    /// Nothing when flat, a line break when broken.
    SoftLine,
    /// Always a line break.
    HardLine,
    Concat(Vec<Doc>),
    /// Line breaks inside are indented one more level.
    Indent(Box<Doc>),
    /// Flat if it fits and holds no forced break; the flag is computed by [`render`].
    Group(Box<Doc>, bool),
    /// `content, separator, content, …`: each separator breaks only when the next content
    /// does not fit on the current line.
    Fill(Vec<Doc>),
}

pub(crate) fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub(crate) fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

pub(crate) fn indent(d: Doc) -> Doc {
    Doc::Indent(Box::new(d))
}

pub(crate) fn group(d: Doc) -> Doc {
    Doc::Group(Box::new(d), false)
}

/// Layout settings for [`render`].
pub(crate) struct Layout<'a> {
    pub width: usize,
    /// One level of indentation (`"\t"` or spaces).
    pub unit: &'a str,
    /// Columns one level of indentation counts for.
    pub unit_cols: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Flat,
    Break,
}

#[derive(Clone, Copy)]
enum Item<'a> {
    Doc(&'a Doc),
    /// The remaining parts of a [`Doc::Fill`].
    Fill(&'a [Doc]),
}

#[derive(Clone, Copy)]
struct Cmd<'a> {
    indent: usize,
    mode: Mode,
    item: Item<'a>,
}

/// Marks every group that contains a forced break (a hard line or a line comment); returns
/// whether `doc` contains one. The printer flattens operator and call chains, so the document
/// is about as deep as the source's bracket nesting (which the parser caps), and this
/// recursion stays shallow.
fn mark_forced(doc: &mut Doc) -> bool {
    match doc {
        Doc::Concat(parts) | Doc::Fill(parts) => {
            let mut any = false;
            for p in parts {
                any |= mark_forced(p);
            }
            any
        }
        Doc::Indent(d) => mark_forced(d),
        Doc::Group(d, forced) => {
            *forced = mark_forced(d);
            *forced
        }
        Doc::HardLine | Doc::LineComment(_) => true,
        Doc::Text(_) | Doc::TrailingBlock(_) | Doc::Line | Doc::SoftLine => false,
    }
}

/// Renders `doc`; the result has no trailing whitespace on any line.
pub(crate) fn render(mut doc: Doc, layout: &Layout<'_>) -> String {
    mark_forced(&mut doc);
    let mut r = Renderer { out: String::new(), col: 0, after_line_comment: false, layout };
    r.run(&doc);
    r.out
}

struct Renderer<'l> {
    out: String,
    /// Current column (indentation counted in `unit_cols` per level).
    col: usize,
    /// A `//` comment ends the current line: the next text must start a new one.
    after_line_comment: bool,
    layout: &'l Layout<'l>,
}

impl Renderer<'_> {
    fn run(&mut self, doc: &Doc) {
        let mut stack = vec![Cmd { indent: 0, mode: Mode::Break, item: Item::Doc(doc) }];
        while let Some(cmd) = stack.pop() {
            let Cmd { indent, mode, item } = cmd;
            let doc = match item {
                Item::Doc(d) => d,
                Item::Fill(parts) => {
                    self.fill(indent, parts, &mut stack);
                    continue;
                }
            };
            match doc {
                Doc::Text(s) => self.text(s, indent),
                Doc::TrailingBlock(s) => self.text(s, indent),
                Doc::LineComment(s) => {
                    self.text(s, indent);
                    self.after_line_comment = true;
                }
                Doc::Line if mode == Mode::Flat => self.text(" ", indent),
                Doc::SoftLine if mode == Mode::Flat => {}
                Doc::Line | Doc::SoftLine | Doc::HardLine => self.newline(indent),
                Doc::Concat(parts) => {
                    for p in parts.iter().rev() {
                        stack.push(Cmd { indent, mode, item: Item::Doc(p) });
                    }
                }
                Doc::Indent(d) => stack.push(Cmd { indent: indent + 1, mode, item: Item::Doc(d) }),
                Doc::Group(d, forced) => {
                    let flat = !forced
                        && (mode == Mode::Flat || self.fits(&[(Mode::Flat, Item::Doc(d))], &stack));
                    let mode = if flat { Mode::Flat } else { Mode::Break };
                    stack.push(Cmd { indent, mode, item: Item::Doc(d) });
                }
                Doc::Fill(parts) => stack.push(Cmd { indent, mode, item: Item::Fill(parts) }),
            }
        }
        trim_trailing(&mut self.out);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    /// One content of a fill and the separator after it; pushes the rest back. A separator
    /// breaks unless the next content, and the text of the separator after it (an operator
    /// that ends the line), fit on the current line.
    fn fill<'a>(&mut self, indent: usize, parts: &'a [Doc], stack: &mut Vec<Cmd<'a>>) {
        let Some(content) = parts.first() else { return };
        let flat = |d: &'a Doc| (Mode::Flat, Item::Doc(d));
        // A separator measured in break mode counts only its text before the line break.
        let upto = |d: &'a Doc| (Mode::Break, Item::Doc(d));
        let mut check = vec![flat(content)];
        check.extend(parts.get(1).map(upto));
        let content_mode = if self.fits(&check, &[]) { Mode::Flat } else { Mode::Break };
        match parts {
            [_] => stack.push(Cmd { indent, mode: content_mode, item: Item::Doc(content) }),
            [_, sep] => {
                stack.push(Cmd { indent, mode: content_mode, item: Item::Doc(sep) });
                stack.push(Cmd { indent, mode: content_mode, item: Item::Doc(content) });
            }
            [_, sep, next, ..] => {
                let mut check = vec![flat(content), flat(sep), flat(next)];
                check.extend(parts.get(3).map(upto));
                let sep_mode = if self.fits(&check, &[]) { Mode::Flat } else { Mode::Break };
                stack.push(Cmd { indent, mode: Mode::Break, item: Item::Fill(&parts[2..]) });
                stack.push(Cmd { indent, mode: sep_mode, item: Item::Doc(sep) });
                stack.push(Cmd { indent, mode: content_mode, item: Item::Doc(content) });
            }
            [] => {}
        }
    }

    /// Do `first` (in their modes) and then the rest of the line fit in the remaining width?
    /// Looks at no more than the remaining width of text.
    fn fits(&self, first: &[(Mode, Item<'_>)], rest: &[Cmd<'_>]) -> bool {
        let mut remaining = self.layout.width as isize - self.col as isize;
        if self.after_line_comment {
            return false;
        }
        let mut cmds: Vec<(Mode, Item<'_>)> = first.iter().rev().copied().collect();
        let mut rest_idx = rest.len();
        loop {
            if remaining < 0 {
                return false;
            }
            let (mode, item) = match cmds.pop() {
                Some(c) => c,
                None => {
                    if rest_idx == 0 {
                        return true;
                    }
                    rest_idx -= 1;
                    (rest[rest_idx].mode, rest[rest_idx].item)
                }
            };
            let doc = match item {
                Item::Doc(d) => d,
                Item::Fill(parts) => {
                    if mode == Mode::Break && parts.len() > 1 {
                        // The next content may go on a new line: only the first must fit.
                        cmds.push((mode, Item::Doc(&parts[0])));
                    } else {
                        for p in parts.iter().rev() {
                            cmds.push((mode, Item::Doc(p)));
                        }
                    }
                    continue;
                }
            };
            match doc {
                Doc::Text(s) => match s.split_once('\n') {
                    Some((first_line, _)) => {
                        return remaining >= width(first_line) as isize;
                    }
                    None => remaining -= width(s) as isize,
                },
                Doc::LineComment(_) => return mode == Mode::Break,
                Doc::TrailingBlock(_) => {}
                Doc::Line if mode == Mode::Flat => remaining -= 1,
                Doc::SoftLine if mode == Mode::Flat => {}
                Doc::Line | Doc::SoftLine | Doc::HardLine => return true,
                Doc::Concat(parts) | Doc::Fill(parts) => {
                    for p in parts.iter().rev() {
                        cmds.push((mode, Item::Doc(p)));
                    }
                }
                Doc::Indent(d) => cmds.push((mode, Item::Doc(d))),
                Doc::Group(d, forced) => {
                    let m = if *forced { Mode::Break } else { mode };
                    cmds.push((m, Item::Doc(d)));
                }
            }
        }
    }

    fn text(&mut self, s: &str, indent: usize) {
        if s.is_empty() {
            return;
        }
        let s = if self.after_line_comment {
            // Safety net: code or a comment after a `//` comment would be swallowed by it.
            self.newline(indent);
            s.trim_start_matches(' ')
        } else {
            s
        };
        if s.is_empty() {
            return;
        }
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.col = width(&s[i + 1..]),
            None => self.col += width(s),
        }
    }

    fn newline(&mut self, indent: usize) {
        trim_trailing(&mut self.out);
        self.out.push('\n');
        for _ in 0..indent {
            self.out.push_str(self.layout.unit);
        }
        self.col = indent * self.layout.unit_cols;
        self.after_line_comment = false;
    }
}

fn trim_trailing(out: &mut String) {
    let len = out.trim_end_matches([' ', '\t']).len();
    out.truncate(len);
}

/// Display width of a piece of text: one column per character.
fn width(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(width: usize) -> Layout<'static> {
        Layout { width, unit: "\t", unit_cols: 4 }
    }

    fn call(args: &[&str]) -> Doc {
        let mut parts = vec![Doc::SoftLine];
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                parts.push(text(","));
                parts.push(Doc::Line);
            }
            parts.push(text(*a));
        }
        group(concat(vec![text("f("), indent(concat(parts)), Doc::SoftLine, text(")")]))
    }

    #[test]
    fn group_stays_flat_when_it_fits() {
        assert_eq!(render(call(&["a", "b"]), &layout(20)), "f(a, b)\n");
    }

    #[test]
    fn group_breaks_every_line_when_too_wide() {
        assert_eq!(render(call(&["aaaa", "bbbb"]), &layout(8)), "f(\n\taaaa,\n\tbbbb\n)\n");
    }

    #[test]
    fn line_comment_forces_break_and_ends_its_line() {
        let d =
            group(concat(vec![text("x"), Doc::Line, Doc::LineComment("// c".into()), text("y")]));
        assert_eq!(render(d, &layout(80)), "x\n// c\ny\n");
    }

    #[test]
    fn fill_packs_parts_per_line() {
        let mut parts = Vec::new();
        for i in 0..6 {
            if i > 0 {
                parts.push(concat(vec![text(" +"), Doc::Line]));
            }
            parts.push(text(format!("a{i}")));
        }
        let d = indent(Doc::Fill(parts));
        assert_eq!(render(d, &layout(13)), "a0 + a1 +\n\ta2 + a3 +\n\ta4 + a5\n");
    }
}
