//! Bigin/CRM search criteria: `((Email:equals:a@b.com)or(Last_Name:starts_with:Lo))`.
//!
//! Conditions are `(field:operator:value)`; `and` binds tighter than `or`; parentheses
//! group. `\(`, `\)`, `\,` and `\:` escape those characters in values. At most
//! [`MAX_CONDITIONS`] conditions, as Zoho documents.

use serde_json::Value;

use crate::modules::Record;

/// Zoho's documented limit on conditions in one criteria.
pub(crate) const MAX_CONDITIONS: usize = 10;

/// Deepest parenthesis nesting accepted (keeps the recursive parser's stack small).
const MAX_DEPTH: usize = 32;

const OPERATORS: [&str; 9] = [
    "equals",
    "not_equal",
    "starts_with",
    "in",
    "greater_than",
    "greater_equal",
    "less_than",
    "less_equal",
    "between",
];

/// A parsed criteria.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Criteria {
    Condition { field: String, operator: String, values: Vec<String> },
    And(Box<Criteria>, Box<Criteria>),
    Or(Box<Criteria>, Box<Criteria>),
}

/// Parses criteria text (already URL-decoded); the error says what is wrong.
pub(crate) fn parse(text: &str) -> Result<Criteria, String> {
    let mut parser = Parser { chars: text.chars().collect(), pos: 0, conditions: 0, depth: 0 };
    parser.skip_spaces();
    let criteria = if parser.peek() == Some('(') {
        parser.parse_or()?
    } else {
        let raw = parser.take_until_close();
        parser.condition(&raw)?
    };
    parser.skip_spaces();
    if parser.pos < parser.chars.len() {
        return Err(format!("unexpected text at position {}", parser.pos + 1));
    }
    Ok(criteria)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    conditions: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, wanted: char) -> Result<(), String> {
        self.skip_spaces();
        if self.peek() == Some(wanted) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected '{wanted}' at position {}", self.pos + 1))
        }
    }

    /// `and` or `or` ahead (case-insensitive), consumed when it is `word`.
    fn keyword(&mut self, word: &str) -> bool {
        self.skip_spaces();
        let end = self.pos + word.len();
        let Some(slice) = self.chars.get(self.pos..end) else {
            return false;
        };
        let found: String = slice.iter().collect();
        if found.eq_ignore_ascii_case(word) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn parse_or(&mut self) -> Result<Criteria, String> {
        let mut left = self.parse_and()?;
        while self.keyword("or") {
            let right = self.parse_and()?;
            left = Criteria::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_and(&mut self) -> Result<Criteria, String> {
        let mut left = self.parse_group()?;
        while self.keyword("and") {
            let right = self.parse_group()?;
            left = Criteria::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_group(&mut self) -> Result<Criteria, String> {
        self.expect('(')?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("parentheses nested deeper than {MAX_DEPTH}"));
        }
        self.skip_spaces();
        let inner = if self.peek() == Some('(') {
            self.parse_or()?
        } else {
            let raw = self.take_until_close();
            self.condition(&raw)?
        };
        self.expect(')')?;
        self.depth -= 1;
        Ok(inner)
    }

    /// The raw text up to the next unescaped `)` (escapes kept).
    fn take_until_close(&mut self) -> String {
        let mut raw = String::new();
        while let Some(c) = self.peek() {
            if c == ')' {
                break;
            }
            raw.push(c);
            self.pos += 1;
            if c == '\\' {
                if let Some(next) = self.peek() {
                    raw.push(next);
                    self.pos += 1;
                }
            }
        }
        raw
    }

    fn condition(&mut self, raw: &str) -> Result<Criteria, String> {
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            return Err(format!("more than {MAX_CONDITIONS} conditions"));
        }
        let mut parts = split_unescaped(raw, ':', 3).into_iter();
        let (Some(field), Some(operator), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("condition {raw:?} is not field:operator:value"));
        };
        let field = unescape(field.trim());
        let operator = operator.trim().to_ascii_lowercase();
        if field.is_empty() {
            return Err(format!("condition {raw:?} has no field"));
        }
        if !OPERATORS.contains(&operator.as_str()) {
            return Err(format!("operator {operator:?} is not supported"));
        }
        let values: Vec<String> = if matches!(operator.as_str(), "in" | "between") {
            split_unescaped(&value, ',', usize::MAX)
                .iter()
                .map(|part| unescape(part.trim()))
                .collect()
        } else {
            vec![unescape(value.trim())]
        };
        if operator == "between" && values.len() != 2 {
            return Err("between needs two values".to_string());
        }
        Ok(Criteria::Condition { field, operator, values })
    }
}

/// Splits at unescaped `sep`, into at most `limit` parts (escapes kept).
fn split_unescaped(text: &str, sep: char, limit: usize) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let last = parts.len() - 1;
        if c == '\\' {
            parts[last].push(c);
            if let Some(next) = chars.next() {
                parts[last].push(next);
            }
        } else if c == sep && parts.len() < limit {
            parts.push(String::new());
        } else {
            parts[last].push(c);
        }
    }
    parts
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Criteria {
    /// Whether `record` satisfies the criteria. Text comparisons ignore case; empty and
    /// missing fields match nothing (Zoho: "nulls are not matched").
    pub(crate) fn matches(&self, record: &Record) -> bool {
        match self {
            Criteria::And(left, right) => left.matches(record) && right.matches(record),
            Criteria::Or(left, right) => left.matches(record) || right.matches(record),
            Criteria::Condition { field, operator, values } => {
                let texts = field_texts(record, field);
                condition_holds(&texts, operator, values)
            }
        }
    }
}

fn condition_holds(texts: &[String], operator: &str, values: &[String]) -> bool {
    let first = values.first().map(String::as_str).unwrap_or_default();
    let any = |test: &dyn Fn(&str) -> bool| texts.iter().any(|text| test(text));
    match operator {
        "equals" => any(&|text| text.eq_ignore_ascii_case(first)),
        "not_equal" => !any(&|text| text.eq_ignore_ascii_case(first)),
        "starts_with" => any(&|text| text.to_lowercase().starts_with(&first.to_lowercase())),
        "in" => any(&|text| values.iter().any(|value| text.eq_ignore_ascii_case(value))),
        "greater_than" => any(&|text| compare(text, first).is_gt()),
        "greater_equal" => any(&|text| compare(text, first).is_ge()),
        "less_than" => any(&|text| compare(text, first).is_lt()),
        "less_equal" => any(&|text| compare(text, first).is_le()),
        "between" => {
            let last = values.last().map(String::as_str).unwrap_or_default();
            any(&|text| compare(text, first).is_ge() && compare(text, last).is_le())
        }
        _ => false,
    }
}

/// Numbers compare as numbers, anything else as text (ISO dates sort correctly as text).
pub(crate) fn compare(left: &str, right: &str) -> std::cmp::Ordering {
    match (left.trim().parse::<f64>(), right.trim().parse::<f64>()) {
        (Ok(a), Ok(b)) => a.total_cmp(&b),
        _ => left.to_lowercase().cmp(&right.to_lowercase()),
    }
}

/// The texts a field holds: `Account_Name.id` walks into lookups; a lookup object stands
/// for its `id` and `name`; lists give every element.
pub(crate) fn field_texts(record: &Record, field: &str) -> Vec<String> {
    let mut parts = field.split('.');
    let first = parts.next().unwrap_or_default();
    let mut value = record.get(first);
    for part in parts {
        value = value.and_then(|inner| inner.get(part));
    }
    let mut out = Vec::new();
    if let Some(value) = value {
        push_texts(value, &mut out);
    }
    out
}

fn push_texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) if !text.is_empty() => out.push(text.clone()),
        Value::Number(number) => out.push(number.to_string()),
        Value::Bool(flag) => out.push(flag.to_string()),
        Value::Object(map) => {
            for key in ["id", "name"] {
                if let Some(inner) = map.get(key) {
                    push_texts(inner, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| push_texts(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(value: Value) -> Record {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn parses_and_matches_nested_criteria() {
        let rec = record(json!({"Email": "Ada@Example.com", "Last_Name": "Lovelace", "Age": 36,
            "Account_Name": {"name": "Analytical", "id": "77"}}));
        let yes = [
            "(Email:equals:ada@example.com)",
            "Email:equals:ada@example.com",
            "((Email:equals:x)or(Last_Name:starts_with:love))",
            "((Email:equals:ada@example.com) AND (Age:greater_than:30))",
            "(Account_Name.id:equals:77)",
            "(Account_Name:equals:Analytical)",
            "(Age:between:30,40)",
            "(Last_Name:in:Byron,Lovelace)",
            "((Email:equals:x)or(Age:less_than:40)and(Last_Name:equals:Lovelace))",
        ];
        for text in yes {
            assert!(parse(text).unwrap().matches(&rec), "{text}");
        }
        let no = [
            "(Email:equals:ada)",
            "(Phone:equals:1)",
            "((Age:less_than:30)and(Email:starts_with:a))",
        ];
        for text in no {
            assert!(!parse(text).unwrap().matches(&rec), "{text}");
        }
    }

    #[test]
    fn escapes_in_values() {
        let rec = record(json!({"Last_Name": "Burns,B (jr)"}));
        let criteria = parse(r"(Last_Name:equals:Burns\,B \(jr\))").unwrap();
        assert!(criteria.matches(&rec));
    }

    #[test]
    fn rejects_malformed_criteria() {
        for text in [
            "",
            "(",
            "(Email)",
            "(Email:like:x)",
            "((Email:equals:x)",
            "(a:equals:b))",
            "(a:equals:b) xor (c:equals:d)",
            "(:equals:x)",
            "(a:between:1)",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        let many = ["(a:equals:b)"; 11].join("and");
        assert!(parse(&format!("({many})")).is_err());
        let deep = format!("{}a:equals:b{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(parse(&deep).unwrap_err().contains("nested deeper"));
        let ok = format!("{}a:equals:b{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }
}
