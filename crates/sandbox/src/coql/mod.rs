//! CRM COQL: `POST /crm/{version}/coql` with `{"select_query": "select … from …"}`.
//!
//! `lex` → `parse` (an AST with byte spans) → `plan` (names, operators and limits checked
//! against the module's records) → `eval` (filter, group, sort, page). Errors are Zoho's
//! envelopes (`error`). `docs/sandbox.md` ("COQL") lists what is confirmed from Zoho's
//! documentation and what is chosen.

mod ast;
mod compare;
mod error;
mod eval;
mod lex;
mod parse;
mod plan;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::envelope::{json_response, no_content};
use crate::modules::Modules;
use crate::records::resolve_module;
use crate::route::Call;
use crate::{Body, Response, Service};
use error::CoqlError;

/// Rows per query when the query has no `limit` (Zoho: 200).
pub(crate) const DEFAULT_LIMIT: u64 = 200;
/// Largest `limit` (Zoho's overview: 2000 per call).
pub(crate) const MAX_LIMIT: u64 = 2000;
/// Longest `select_query` accepted, in bytes (a sandbox bound; Zoho documents none).
pub(crate) const MAX_QUERY_BYTES: usize = 100_000;

/// A byte range in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// From the start of `self` to the end of `other`.
    pub(crate) fn to(self, other: Span) -> Span {
        Span { start: self.start, end: other.end.max(self.start) }
    }

    pub(crate) fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// Answers `POST …/coql` from the CRM records (any other method is refused by the caller).
pub(crate) fn handle(store: &Modules, call: &Call<'_>) -> Response {
    match answer(store, call) {
        Ok(Some(body)) => json_response(200, &body),
        Ok(None) => no_content(),
        Err(error) => error.response(),
    }
}

fn answer(store: &Modules, call: &Call<'_>) -> Result<Option<Value>, CoqlError> {
    let query = select_query(call)?;
    run(store, &query, max_reach(&call.path))
}

/// Runs one query text; `reach` is the largest `offset + limit` the API version allows.
pub(crate) fn run(store: &Modules, text: &str, reach: u64) -> Result<Option<Value>, CoqlError> {
    if text.len() > MAX_QUERY_BYTES {
        return Err(CoqlError::limit_exceeded("select_query", text.len(), MAX_QUERY_BYTES));
    }
    let query = parse::parse(text)?;
    let limit = query.limit.map_or(DEFAULT_LIMIT, |count| count.value);
    if limit > MAX_LIMIT {
        return Err(CoqlError::limit_exceeded("limit", to_usize(limit), to_usize(MAX_LIMIT)));
    }
    let offset = query.offset.map_or(0, |count| count.value);
    let end = offset.saturating_add(limit);
    if end > reach {
        return Err(CoqlError::limit_exceeded("offset", to_usize(end), to_usize(reach)));
    }
    let module = resolve_module(store, Service::Crm, &query.module.text)
        .ok_or_else(CoqlError::invalid_module)?;
    let records = store.records(&module);
    let plan = plan::plan(&query, &plan::Schema::new(records))?;
    let page = eval::Page { offset: to_usize(offset), limit: to_usize(limit) };
    Ok(eval::run(store, records, &plan, page))
}

fn to_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Zoho: `offset + limit` reaches at most 100,000 rows from v7 on, 10,000 before.
fn max_reach(path: &str) -> u64 {
    let version = path.split('/').find_map(|segment| segment.strip_prefix('v'));
    let major = version
        .and_then(|v| v.split('.').next())
        .and_then(|major| major.parse::<u32>().ok())
        .unwrap_or(2);
    if major >= 7 {
        100_000
    } else {
        10_000
    }
}

/// The `select_query` of the body: a JSON object (sent as JSON, or as the text of
/// `map.toString()` with any content type), a urlencoded text, or form fields. An
/// `include_meta` key is checked (`["fields"]`) and otherwise ignored.
fn select_query(call: &Call<'_>) -> Result<String, CoqlError> {
    let object = match &call.request.body {
        Body::None | Body::Multipart(_) => return Err(CoqlError::select_query_missing()),
        Body::Text(text) => match serde_json::from_str::<Value>(text.trim()) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return Err(CoqlError::invalid_body("body", "$", "jsonobject")),
            Err(_) => form_object(url::form_urlencoded::parse(text.trim().as_bytes()).into_owned())
                .ok_or_else(|| CoqlError::invalid_body("body", "$", "jsonobject"))?,
        },
        Body::Form(fields) => {
            form_object(fields.iter().cloned()).ok_or_else(CoqlError::select_query_missing)?
        }
    };
    if let Some(meta) = object.get("include_meta") {
        check_include_meta(meta)?;
    }
    match object.get("select_query") {
        None | Some(Value::Null) => Err(CoqlError::select_query_missing()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(CoqlError::invalid_body("select_query", "$.select_query", "text")),
    }
}

/// Form fields as an object: `select_query=…` fields, or one field whose name is the JSON
/// text (what a form content type makes of a JSON body).
fn form_object(
    fields: impl Iterator<Item = (String, String)>,
) -> Option<serde_json::Map<String, Value>> {
    let fields: Vec<(String, String)> = fields.collect();
    if let Some((_, query)) = fields.iter().find(|(key, _)| key == "select_query") {
        let mut object = serde_json::Map::new();
        object.insert("select_query".into(), Value::String(query.clone()));
        return Some(object);
    }
    fields.iter().find_map(|(key, value)| {
        let text = if value.is_empty() { key.clone() } else { format!("{key}={value}") };
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(object)) => Some(object),
            _ => None,
        }
    })
}

fn check_include_meta(meta: &Value) -> Result<(), CoqlError> {
    let Value::Array(entries) = meta else {
        return Err(CoqlError::invalid_body("include_meta", "$.include_meta", "jsonarray"));
    };
    for (index, entry) in entries.iter().enumerate() {
        if entry.as_str() != Some("fields") {
            return Err(CoqlError::unsupported_meta(&format!("$.include_meta[{index}]")));
        }
    }
    Ok(())
}
