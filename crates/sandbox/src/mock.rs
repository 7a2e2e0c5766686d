//! Mock rules: canned responses for URLs no fake serves.
//!
//! ```json
//! {"rules": [{"method": "GET", "url": "https://api.example.com/v1/*", "status": 200,
//!             "headers": {"content-type": "application/json"}, "body": {"ok": true},
//!             "times": 1}]}
//! ```

use std::cell::Cell;

use base64::Engine;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::{Request, Response, SandboxError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rules: Vec<RuleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    method: Option<String>,
    url: String,
    status: Option<u16>,
    headers: Option<IndexMap<String, String>>,
    body: Option<Value>,
    body_base64: Option<String>,
    times: Option<u32>,
}

/// One rule, ready to answer.
#[derive(Debug, Clone)]
struct Rule {
    method: Option<String>,
    url: String,
    response: Response,
    times: Option<u32>,
    used: Cell<u32>,
}

/// Canned responses for other URLs, from a rules file. The first rule whose method and URL
/// pattern match answers; a rule with `times` answers that many times, then is skipped.
#[derive(Debug, Clone, Default)]
pub struct MockRules {
    rules: Vec<Rule>,
}

impl MockRules {
    /// Reads `{"rules": [{"method"?, "url", "status"?, "headers"?, "body"?, "times"?}]}`.
    ///
    /// - `method`: optional, any method when absent; compared case-insensitively.
    /// - `url`: the whole URL, `*` matching any run of characters. A pattern without `?`
    ///   is matched against the URL without its query string.
    /// - `status`: default 200, must be 100–599.
    /// - `headers`: an object of text values; `content-type` defaults to
    ///   `application/json` for a JSON body and `text/plain` for a text body.
    /// - `body`: a JSON value (sent as compact JSON) or a text (sent as is).
    /// - `body_base64`: binary content in Base64 (a file download); `content-type`
    ///   defaults to `application/octet-stream`. Not together with `body`.
    /// - `times`: how many requests the rule answers.
    ///
    /// Errors give the line and column, or the rule's index.
    pub fn from_json(text: &str) -> Result<MockRules, SandboxError> {
        let file: RulesFile =
            serde_json::from_str(text).map_err(|err| SandboxError::from_json_error(&err))?;
        let rules = file
            .rules
            .into_iter()
            .enumerate()
            .map(|(index, spec)| build_rule(index, spec))
            .collect::<Result<_, _>>()?;
        Ok(MockRules { rules })
    }

    /// The response of the first matching rule, or `None`.
    pub fn respond(&self, request: &Request) -> Option<Response> {
        let method = request.method.trim();
        let url = request.url.trim();
        let rule = self.rules.iter().find(|rule| {
            rule.times.is_none_or(|times| rule.used.get() < times)
                && rule.method.as_deref().is_none_or(|want| want.eq_ignore_ascii_case(method))
                && url_matches(&rule.url, url)
        })?;
        rule.used.set(rule.used.get().saturating_add(1));
        Some(rule.response.clone())
    }

    /// How many rules the file had.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn build_rule(index: usize, spec: RuleSpec) -> Result<Rule, SandboxError> {
    let invalid = |message: &str| SandboxError::Invalid {
        path: format!("rules[{index}]"),
        message: message.to_string(),
    };
    let status = spec.status.unwrap_or(200);
    if !(100..=599).contains(&status) {
        return Err(invalid("status must be between 100 and 599"));
    }
    if spec.url.trim().is_empty() {
        return Err(invalid("url must not be empty"));
    }
    let (body, default_type) = match (spec.body, spec.body_base64) {
        (Some(_), Some(_)) => return Err(invalid("give either body or body_base64, not both")),
        (None, Some(encoded)) => {
            let clean: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .map_err(|err| invalid(&format!("body_base64 is not valid Base64 ({err})")))?;
            (bytes, Some("application/octet-stream"))
        }
        (None, None) => (Vec::new(), None),
        (Some(Value::String(text)), None) => (text.into_bytes(), Some("text/plain")),
        (Some(value), None) => (value.to_string().into_bytes(), Some("application/json")),
    };
    let mut headers: Vec<(String, String)> = spec.headers.unwrap_or_default().into_iter().collect();
    let has_type = headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    if let (false, Some(content_type)) = (has_type, default_type) {
        headers.push(("content-type".to_string(), content_type.to_string()));
    }
    Ok(Rule {
        method: spec
            .method
            .map(|method| method.trim().to_string())
            .filter(|m| !m.is_empty() && m != "*"),
        url: spec.url.trim().to_string(),
        response: Response { status, headers, body },
        times: spec.times,
        used: Cell::new(0),
    })
}

/// Whether `url` matches `pattern` (`*` = any run of characters).
fn url_matches(pattern: &str, url: &str) -> bool {
    let target =
        if pattern.contains('?') { url } else { url.split(['?', '#']).next().unwrap_or(url) };
    glob(pattern.as_bytes(), target.as_bytes())
}

/// Iterative `*` matching with backtracking to the last star (linear-ish, no recursion).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matching() {
        assert!(glob(b"https://a/*", b"https://a/b/c"));
        assert!(glob(b"*", b""));
        assert!(glob(b"a*b*c", b"aXXbYYc"));
        assert!(!glob(b"a*b", b"a/c"));
        assert!(!glob(b"abc", b"abcd"));
        assert!(glob(b"*.json", b"x.y.json"));
    }

    #[test]
    fn query_is_ignored_unless_the_pattern_has_one() {
        assert!(url_matches("https://a/b", "https://a/b?x=1"));
        assert!(!url_matches("https://a/b?y=*", "https://a/b?x=1"));
        assert!(url_matches("https://a/b?x=*", "https://a/b?x=1"));
    }
}
