//! COQL error answers: Zoho's `{"code","details","message","status":"error"}` envelope.
//!
//! Codes, messages and `details` keys follow Zoho's v8 OpenAPI description of
//! `POST /coql` where it has an example; `docs/sandbox.md` ("COQL") says which are confirmed
//! and which are chosen.

use serde_json::{json, Value};

use super::Span;
use crate::envelope::zoho_error;
use crate::Response;

/// Longest `near` excerpt in a syntax error, in characters.
const NEAR_CHARS: usize = 40;

/// A COQL request that cannot be answered with records.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CoqlError {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) message: &'static str,
    pub(crate) details: Value,
}

impl CoqlError {
    fn new(code: &'static str, message: &'static str, details: Value) -> CoqlError {
        CoqlError { status: 400, code, message, details }
    }

    /// The error response.
    pub(crate) fn response(&self) -> Response {
        zoho_error(self.status, self.code, self.message, self.details.clone())
    }

    /// `SYNTAX_ERROR` "unexpected token" at `span` of `query`: 1-based `line` and `column`
    /// (in characters), the text `near` it and a `reason` in plain words.
    pub(crate) fn syntax(query: &str, span: Span, reason: &str) -> CoqlError {
        let start = span.start.min(query.len());
        let before = query.get(..start).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
        let text = query.get(start..span.end.min(query.len())).unwrap_or_default();
        let near = if text.is_empty() {
            "end of query".to_string()
        } else {
            text.chars().take(NEAR_CHARS).collect()
        };
        CoqlError::new(
            "SYNTAX_ERROR",
            "unexpected token",
            json!({"line": line, "column": column, "near": near, "reason": reason}),
        )
    }

    /// `SYNTAX_ERROR` "missing clause": the query has no `clause` (`from`), or nothing
    /// after the keyword.
    pub(crate) fn missing_clause(clause: &str) -> CoqlError {
        CoqlError::new("SYNTAX_ERROR", "missing clause", json!({"clause": clause}))
    }

    /// `SYNTAX_ERROR` "operator not supported" (`not`, `=` with `null`, ...).
    pub(crate) fn operator_not_supported(operator: &str) -> CoqlError {
        CoqlError::new("SYNTAX_ERROR", "operator not supported", json!({"operator": operator}))
    }

    /// `INVALID_QUERY` for a field the module does not have, naming the clause.
    pub(crate) fn invalid_column(column: &str, clause: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_QUERY",
            "column given seems to be invalid",
            json!({"column_name": column, "clause": clause}),
        )
    }

    /// `INVALID_QUERY` "invalid operator found" for an operator the field's type refuses.
    pub(crate) fn invalid_operator(column: &str, operator: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_QUERY",
            "Invalid query formed",
            json!({"reason": "invalid operator found", "column_name": column, "operator": operator}),
        )
    }

    /// `INVALID_QUERY` "Invalid query formed" with a `reason` and the column concerned.
    pub(crate) fn invalid_query(reason: &str, column: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_QUERY",
            "Invalid query formed",
            json!({"reason": reason, "column_name": column}),
        )
    }

    /// `INVALID_QUERY` "value given seems to be invalid for the column".
    pub(crate) fn invalid_value(column: &str, value: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_QUERY",
            "value given seems to be invalid for the column",
            json!({"column_name": column, "value": value}),
        )
    }

    /// `INVALID_QUERY` for a `limit` that is not a whole number.
    pub(crate) fn invalid_limit(text: &str) -> CoqlError {
        CoqlError::new("INVALID_QUERY", "limit given seems to be invalid", json!({"limit": text}))
    }

    /// `INVALID_QUERY` for an `offset` that is not a whole number.
    pub(crate) fn invalid_offset(text: &str) -> CoqlError {
        CoqlError::new("INVALID_QUERY", "offset given seems to be invalid", json!({"offset": text}))
    }

    /// `INVALID_DATA` for `limit 0` (or a negative limit).
    pub(crate) fn limit_not_positive() -> CoqlError {
        CoqlError::new("INVALID_DATA", "limit should be greater than 0", json!({}))
    }

    /// `LIMIT_EXCEEDED`: `clause` (`"limit"`, `"where"`, `"in"`, ...) has `given` items
    /// (or rows, or characters) where `maximum` are allowed.
    pub(crate) fn limit_exceeded(clause: &str, given: usize, maximum: usize) -> CoqlError {
        CoqlError::new(
            "LIMIT_EXCEEDED",
            "limit exceeded",
            json!({"clause": clause, "given": given, "maximum": maximum}),
        )
    }

    /// `DUPLICATE_DATA` for a column given twice in one clause.
    pub(crate) fn duplicate_column(column: &str) -> CoqlError {
        CoqlError::new("DUPLICATE_DATA", "duplicate select column", json!({"column_name": column}))
    }

    /// `DUPLICATE_DATA` for a column given twice in `group by` or `order by`.
    pub(crate) fn duplicate_in(column: &str, clause: &str) -> CoqlError {
        CoqlError::new(
            "DUPLICATE_DATA",
            "duplicate column",
            json!({"column_name": column, "clause": clause}),
        )
    }

    /// `DUPLICATE_DATA` for the same aggregate of the same column given twice.
    pub(crate) fn duplicate_aggregate(column: &str, aggregate: &str) -> CoqlError {
        CoqlError::new(
            "DUPLICATE_DATA",
            "duplicate aggregate function",
            json!({"column_name": column, "aggregate": aggregate}),
        )
    }

    /// `INVALID_ALIAS` for `as ''`.
    pub(crate) fn empty_alias(column: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_ALIAS",
            "alias name cannot be an empty string",
            json!({"column_name": column, "alias": ""}),
        )
    }

    /// `DUPLICATE_ALIAS` for one alias naming several columns.
    pub(crate) fn duplicate_alias(alias: &str, columns: &[String]) -> CoqlError {
        CoqlError::new(
            "DUPLICATE_ALIAS",
            "same alias cannot refer more than one column",
            json!({"referred_columns": columns, "alias": alias}),
        )
    }

    /// `INVALID_QUERY` for an alias equal to another selected column's name.
    pub(crate) fn alias_is_column(column: &str, alias: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_QUERY",
            "column name or property name given in select columns without alias name cannot be an alias name for other select columns",
            json!({"column_name": column, "alias": alias}),
        )
    }

    /// `INVALID_DATA` for a function other than `COUNT`, `SUM`, `MAX`, `MIN`, `AVG`.
    pub(crate) fn unsupported_function(column: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_DATA",
            "invalid data",
            json!({"reason": "unsupported aggregate function", "column": column}),
        )
    }

    /// `INVALID_MODULE` for a module the CRM does not have.
    pub(crate) fn invalid_module() -> CoqlError {
        CoqlError::new("INVALID_MODULE", "the given module is not supported in api", json!({}))
    }

    /// `MANDATORY_NOT_FOUND` for a body without `select_query`.
    pub(crate) fn select_query_missing() -> CoqlError {
        CoqlError::new(
            "MANDATORY_NOT_FOUND",
            "mandatory key not found",
            json!({"api_name": "select_query"}),
        )
    }

    /// `INVALID_DATA` for a body key of the wrong type or value.
    pub(crate) fn invalid_body(api_name: &str, json_path: &str, expected: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_DATA",
            "invalid data",
            json!({"expected_data_type": expected, "api_name": api_name, "json_path": json_path}),
        )
    }

    /// `INVALID_DATA` for an `include_meta` entry other than `"fields"`.
    pub(crate) fn unsupported_meta(json_path: &str) -> CoqlError {
        CoqlError::new(
            "INVALID_DATA",
            "invalid data",
            json!({"api_name": "include_meta", "json_path": json_path, "supported_values": ["fields"]}),
        )
    }
}
