//! Response builders and the error envelopes of each service.
//!
//! Bigin and CRM share one shape, `{"code":"…","details":{…},"message":"…","status":"error"}`,
//! either on its own or as an entry of `{"data":[…]}`; Books answers `{"code":N,"message":"…"}`.

use serde_json::{json, Value};

use crate::route::Call;
use crate::{Request, Response};

/// A JSON response.
pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    Response {
        status,
        headers: vec![("content-type".to_string(), "application/json;charset=UTF-8".to_string())],
        body: body.to_string().into_bytes(),
    }
}

/// `204 No Content` with an empty body (Bigin/CRM reads that find nothing).
pub(crate) fn no_content() -> Response {
    Response { status: 204, headers: Vec::new(), body: Vec::new() }
}

/// A Bigin/CRM error object, usable alone or as an entry of `data`.
pub(crate) fn zoho_error_value(code: &str, message: &str, details: Value) -> Value {
    json!({"code": code, "details": details, "message": message, "status": "error"})
}

/// A Bigin/CRM error response with the error object at the top level.
pub(crate) fn zoho_error(status: u16, code: &str, message: &str, details: Value) -> Response {
    json_response(status, &zoho_error_value(code, message, details))
}

/// 401 for a missing or unknown token (Bigin/CRM).
pub(crate) fn zoho_invalid_token() -> Response {
    zoho_error(401, "INVALID_TOKEN", "invalid oauth token", json!({}))
}

/// 404 for a path no Bigin/CRM route serves; `details` names the method and path.
pub(crate) fn zoho_invalid_url(call: &Call<'_>) -> Response {
    zoho_error(
        404,
        "INVALID_URL_PATTERN",
        "Please check if the URL trying to access is a correct one",
        json!({"method": call.method, "path": call.path}),
    )
}

/// 400 for a module the service does not have.
pub(crate) fn zoho_invalid_module(module: &str) -> Response {
    zoho_error(
        400,
        "INVALID_MODULE",
        "the module name given seems to be invalid",
        json!({"module": module}),
    )
}

/// 400 for a query parameter that is missing.
pub(crate) fn zoho_param_missing(param: &str) -> Response {
    zoho_error(
        400,
        "REQUIRED_PARAM_MISSING",
        "One of the expected parameter is missing",
        json!({"param": param}),
    )
}

/// 400 for a query parameter with a bad value.
pub(crate) fn zoho_invalid_param(param: &str, value: &str) -> Response {
    zoho_error(
        400,
        "INVALID_DATA",
        "the given parameter value is invalid",
        json!({"param": param, "value": value}),
    )
}

/// A Books error response: `{"code":N,"message":"…"}`.
pub(crate) fn books_error(status: u16, code: i64, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

/// 401 for a missing or unknown token (Books code 57).
pub(crate) fn books_unauthorized() -> Response {
    books_error(401, 57, "You are not authorized to perform this operation")
}

/// 404 for a path no Books route serves (Books code 5), naming the method and path.
pub(crate) fn books_invalid_url(call: &Call<'_>) -> Response {
    json_response(
        404,
        &json!({
            "code": 5,
            "message": "Invalid URL Passed",
            "details": {"method": call.method, "path": call.path},
        }),
    )
}

/// Books code 2: `Invalid value passed for <what>`.
pub(crate) fn books_invalid_value(what: &str) -> Response {
    books_error(400, 2, &format!("Invalid value passed for {what}"))
}

/// 404 for a URL no fake serves at all.
pub(crate) fn no_route(request: &Request) -> Response {
    let method = request.method.trim().to_ascii_uppercase();
    json_response(
        404,
        &json!({
            "code": "SANDBOX_NO_ROUTE",
            "message": format!(
                "the sandbox serves Zoho Bigin, Books and CRM only; nothing answers {method} {}",
                request.url
            ),
            "status": "error",
        }),
    )
}
