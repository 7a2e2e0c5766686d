//! Task blocks: `invokeurl`, `sendmail`, and the legacy `getUrl`/`postUrl`.
//! They build requests and hand them to the host; the runtime sends nothing itself.

use super::Machine;
use crate::error::{fail, Result, RuntimeError};
use crate::host::{HttpBody, HttpRequest, HttpResponse, MultipartPart};
use crate::ir::Task;
use crate::value::{
    disposition_file_name, is_text_content_type, parse_json, to_json_string, url_file_name,
};
use crate::Value;

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

impl Machine<'_, '_> {
    pub(crate) fn task(&mut self, t: &Task, frame: &mut [Value]) -> Result<Value> {
        let mut fields = Vec::with_capacity(t.entries.len());
        for (k, e) in &t.entries {
            fields.push((k.as_str(), self.eval(e, frame)?));
        }
        let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
        match t.name.as_str() {
            "invokeurl" => {
                let request = self.invokeurl_request(&get)?;
                let detailed = matches!(get("detailed"), Some(Value::Bool(true)));
                let decoding =
                    get("response-decoding").filter(|v| !v.is_null()).map(Value::to_display);
                let encoding = match decoding {
                    None => encoding_rs::UTF_8,
                    Some(label) => encoding_rs::Encoding::for_label(label.trim().as_bytes())
                        .ok_or_else(|| {
                            RuntimeError::new(format!(
                                "invokeurl: unknown response-decoding '{label}'"
                            ))
                        })?,
                };
                // `response-format: TEXT` keeps JSON bodies as text; anything else parses JSON.
                let parse = !get("response-format")
                    .is_some_and(|v| v.to_display().eq_ignore_ascii_case("text"));
                let url = request.url.clone();
                let response = self.send(request)?;
                let body = response_body(&response, &url, parse, encoding);
                Ok(response_value(&response, body, detailed))
            }
            "sendmail" => {
                let mail = Value::map_from(fields.iter().map(|(k, v)| (*k, v.clone())));
                self.ctx.host.send_mail(&mail).map_err(RuntimeError::new)?;
                Ok(Value::Null)
            }
            other => fail(format!("the `{other}` task is not supported outside Zoho")),
        }
    }

    fn invokeurl_request<'v>(
        &self,
        get: &dyn Fn(&str) -> Option<&'v Value>,
    ) -> Result<HttpRequest> {
        let mut url = match get("url") {
            Some(Value::Text(s)) if !s.is_empty() => s.to_string(),
            Some(Value::Null) | None => return fail("invokeurl: `url` is null"),
            Some(v) => v.to_display(),
        };
        let method = match get("type") {
            None | Some(Value::Null) => "GET".to_string(),
            Some(v) => v.to_display().to_ascii_uppercase(),
        };
        if !METHODS.contains(&method.as_str()) {
            return fail(format!(
                "invokeurl: unknown request type '{method}' (use GET, POST, PUT, PATCH or DELETE)"
            ));
        }
        let mut headers = Vec::new();
        match get("headers") {
            None | Some(Value::Null) => {}
            Some(Value::Map(m)) => {
                for (k, v) in m.borrow().iter() {
                    headers.push((k.to_display(), v.to_display()));
                }
            }
            Some(v) => {
                return fail(format!("invokeurl: `headers` must be a map, not {}", v.ty().name()))
            }
        }
        if let Some(ct) = get("content-type").filter(|v| !v.is_null()) {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            headers.push(("Content-Type".into(), ct.to_display()));
        }
        let mut body = HttpBody::None;
        match get("parameters") {
            None | Some(Value::Null) => {}
            Some(Value::Map(m)) => {
                let pairs: Vec<(String, String)> =
                    m.borrow().iter().map(|(k, v)| (k.to_display(), v.to_display())).collect();
                if method == "GET" || method == "DELETE" {
                    append_query(&mut url, &pairs);
                } else {
                    body = HttpBody::Form(pairs);
                }
            }
            Some(v) => body = HttpBody::Text(v.to_display()),
        }
        match get("body") {
            None | Some(Value::Null) => {}
            Some(Value::Map(_) | Value::List(_)) => {
                let v = get("body").cloned().unwrap_or_default();
                body = HttpBody::Text(to_json_string(&v));
                if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
            }
            Some(Value::File(f)) => {
                if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
                    headers.push(("Content-Type".into(), f.content_type()));
                }
                body = HttpBody::Bytes(f.bytes().to_vec());
            }
            Some(v) => body = HttpBody::Text(v.to_display()),
        }
        if let Some(files) = get("files").filter(|v| !v.is_null()) {
            body = HttpBody::Multipart(multipart_parts(files)?);
        }
        let connection = match get("connection") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.to_display()),
        };
        Ok(HttpRequest {
            method,
            url,
            headers,
            body,
            connection,
            timeout: self.ctx.limits.http_timeout,
            max_response_bytes: self.ctx.limits.max_response_bytes,
        })
    }

    fn send(&mut self, request: HttpRequest) -> Result<HttpResponse> {
        let max = request.max_response_bytes;
        let response = self.ctx.host.http(request).map_err(RuntimeError::new)?;
        if response.body.len() > max {
            return Err(RuntimeError::limit(format!(
                "the response of {} bytes exceeds the limit of {max} bytes",
                response.body.len()
            )));
        }
        Ok(response)
    }

    /// `getUrl(url[, headers][, simple])`, `postUrl(url, body[, headers][, simple])`.
    pub(crate) fn legacy_http(&mut self, post: bool, args: &[Value]) -> Result<Value> {
        let url = match args.first() {
            Some(Value::Text(s)) => s.to_string(),
            _ => return fail("the URL must be text"),
        };
        let mut rest = &args[1..];
        let mut body = HttpBody::None;
        if post {
            body = match rest.first() {
                Some(Value::Map(m)) => HttpBody::Form(
                    m.borrow().iter().map(|(k, v)| (k.to_display(), v.to_display())).collect(),
                ),
                Some(Value::Null) | None => HttpBody::None,
                Some(v) => HttpBody::Text(v.to_display()),
            };
            rest = &rest[1..];
        }
        let mut headers = Vec::new();
        let mut simple = true;
        for a in rest {
            match a {
                Value::Map(m) => {
                    headers =
                        m.borrow().iter().map(|(k, v)| (k.to_display(), v.to_display())).collect()
                }
                Value::Bool(b) => simple = *b,
                _ => {}
            }
        }
        let request = HttpRequest {
            method: if post { "POST" } else { "GET" }.into(),
            url,
            headers,
            body,
            connection: None,
            timeout: self.ctx.limits.http_timeout,
            max_response_bytes: self.ctx.limits.max_response_bytes,
        };
        let response = self.send(request)?;
        let (text, _, _) = encoding_rs::UTF_8.decode(&response.body);
        Ok(response_value(&response, Value::text(text.as_ref()), !simple))
    }
}

fn append_query(url: &mut String, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    url.push(if url.contains('?') { '&' } else { '?' });
    url.push_str(&query);
}

/// The parts of a `files:` value: a FILE, a map, or a list of them. A FILE is sent under its
/// `setParamName` name (default `file`) with its name and content type; a map is
/// `{"paramName":…, "content":…, "fileName"?, "contentType"?, "stringPart"?}` whose content
/// may be a FILE, or `{"file": f}` (the `file:f` spec form).
fn multipart_parts(files: &Value) -> Result<Vec<MultipartPart>> {
    let items = match files {
        Value::List(l) => l.borrow().clone(),
        other => vec![other.clone()],
    };
    let mut parts = Vec::new();
    for item in items {
        match &item {
            Value::File(f) => parts.push(file_part(f, f.param_name())),
            Value::Map(m) => {
                let m = m.borrow();
                let get = |k: &str| m.get(&Value::from(k)).filter(|v| !v.is_null());
                if let (1, Some(Value::File(f))) = (m.len(), get("file")) {
                    parts.push(file_part(f, f.param_name()));
                    continue;
                }
                let Some(name) = get("paramName").map(Value::to_display) else {
                    return fail("invokeurl: each `files` part needs a \"paramName\"");
                };
                match get("content") {
                    Some(Value::File(f)) => {
                        let mut part = file_part(f, Some(name));
                        if let Some(n) = get("fileName") {
                            part.file_name = Some(n.to_display());
                        }
                        if let Some(t) = get("contentType") {
                            part.content_type = Some(t.to_display());
                        }
                        parts.push(part);
                    }
                    content => parts.push(MultipartPart {
                        name,
                        file_name: get("fileName").map(Value::to_display),
                        content_type: get("contentType").map(Value::to_display),
                        content: content.map(Value::to_display).unwrap_or_default().into_bytes(),
                    }),
                }
            }
            Value::Null => {}
            other => {
                return fail(format!(
                    "invokeurl: `files` holds FILE values or part maps, not {}",
                    other.ty().name()
                ))
            }
        }
    }
    Ok(parts)
}

fn file_part(f: &crate::value::File, name: Option<String>) -> MultipartPart {
    MultipartPart {
        name: name.unwrap_or_else(|| "file".into()),
        file_name: Some(f.name()),
        content_type: Some(f.content_type()),
        content: f.bytes().to_vec(),
    }
}

/// The body a script sees: a FILE when the content type is not text, JSON or XML (named
/// by `Content-Disposition`, else the URL's last path segment); otherwise JSON becomes a map
/// or list (unless `parse` is off) and other text stays text.
fn response_body(
    response: &HttpResponse,
    url: &str,
    parse: bool,
    encoding: &'static encoding_rs::Encoding,
) -> Value {
    let header = |name: &str| {
        response.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    };
    let content_type = header("content-type");
    if !is_text_content_type(content_type) && !response.body.is_empty() {
        let name = header("content-disposition")
            .and_then(disposition_file_name)
            .or_else(|| url_file_name(url))
            .unwrap_or_else(|| "file".into());
        return Value::file(name, content_type.map(str::to_string), response.body.clone());
    }
    let (text, _, _) = encoding.decode(&response.body);
    if parse {
        body_value(&text)
    } else {
        Value::text(text.as_ref())
    }
}

/// `detailed` wraps the body with the status code and headers.
fn response_value(response: &HttpResponse, body: Value, detailed: bool) -> Value {
    if !detailed {
        return body;
    }
    let headers = Value::map_from(
        response.headers.iter().map(|(k, v)| (k.as_str(), Value::text(v.as_str()))),
    );
    Value::map_from([
        ("responseCode", Value::Int(response.status as i64)),
        ("responseHeader", headers),
        ("responseText", body),
    ])
}

fn body_value(text: &str) -> Value {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(v) = parse_json(text) {
            return v;
        }
    }
    Value::text(text)
}
