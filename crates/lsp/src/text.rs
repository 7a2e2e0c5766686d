//! Byte offsets ↔ LSP positions (line, UTF-16 code unit), and incremental edits.
//!
//! Every conversion clamps: a position past the end of a line means the end of that line, a
//! line past the end means the end of the text, and an offset inside a character moves to its
//! start. Clients send stale or odd positions; none of them may panic.

use dg_syntax::Span;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Line starts of one text, for position conversions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, len: text.len() }
    }

    /// The byte offset of an LSP position (UTF-16 columns), clamped to the text.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else { return self.len.min(text.len()) };
        let end = self.starts.get(line + 1).map_or(text.len(), |&s| s - 1).min(text.len());
        let Some(line_text) = text.get(start..end) else { return start.min(text.len()) };
        let mut units = 0u32;
        for (i, c) in line_text.char_indices() {
            let next = units + c.len_utf16() as u32;
            // At the character, or inside its surrogate pair: its start.
            if next > pos.character {
                return start + i;
            }
            units = next;
        }
        // Past the end of the line: the end of its text, before a `\r\n`'s `\r` too.
        start + line_text.strip_suffix('\r').unwrap_or(line_text).len()
    }

    /// The LSP position of a byte offset, clamped to the text.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let col = text.get(start..offset).map_or(0, utf16_len);
        Position::new(line as u32, col as u32)
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.start as usize), self.position(text, span.end as usize))
    }

    /// The byte span of an LSP range (start and end ordered).
    pub fn span(&self, text: &str, range: Range) -> Span {
        let a = self.offset(text, range.start);
        let b = self.offset(text, range.end);
        Span::new(a.min(b), a.max(b))
    }
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Applies `didChange` events in order: a range edit replaces that range, an event without a
/// range replaces the whole text.
pub fn apply_changes(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let index = LineIndex::new(text);
                let span = index.span(text, range);
                text.replace_range(span.range(), &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn utf16_columns_round_trip() {
        let text = "a = \"é😀x\";\r\nb = 1;\n";
        let idx = LineIndex::new(text);
        // `x` is after a 2-byte é (1 unit) and a 4-byte emoji (2 units).
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, x), pos(0, 8));
        assert_eq!(idx.offset(text, pos(0, 8)), x);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(idx.offset(text, pos(0, 7)), text.find('😀').unwrap());
        // An offset inside a character moves to its start.
        assert_eq!(idx.position(text, x - 1), pos(0, 6));
        assert_eq!(idx.offset(text, pos(1, 0)), text.find('b').unwrap());
        // Past the end of a line and of the text clamp.
        assert_eq!(idx.offset(text, pos(1, 99)), text.len() - 1);
        assert_eq!(idx.offset(text, pos(9, 0)), text.len());
        assert_eq!(idx.position(text, 999), pos(2, 0));
    }

    #[test]
    fn range_edits_apply_in_order() {
        let mut text = String::from("info \"héllo\";\nx = 1\n");
        apply_changes(
            &mut text,
            vec![
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(pos(1, 5), pos(1, 5))),
                    range_length: None,
                    text: ";".into(),
                },
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(pos(0, 7), pos(0, 11))),
                    range_length: None,
                    text: "ey".into(),
                },
            ],
        );
        assert_eq!(text, "info \"hey\";\nx = 1;\n");
        // A reversed or out-of-range range never panics.
        apply_changes(
            &mut text,
            vec![TextDocumentContentChangeEvent {
                range: Some(Range::new(pos(40, 2), pos(0, 3))),
                range_length: None,
                text: "!".into(),
            }],
        );
        assert_eq!(text, "inf!");
        apply_changes(
            &mut text,
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "x".into(),
            }],
        );
        assert_eq!(text, "x");
    }
}
