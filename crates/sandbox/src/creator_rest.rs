//! The Creator REST API v2 / v2.1 over the sandbox's Creator application:
//! `…/{owner}/{app}/report/{report}[/{id}]` (GET, PATCH, DELETE) and
//! `…/{owner}/{app}/form/{form}` (POST), with Creator's `{"code": 3000, …}` envelopes.

use serde_json::{json, Value};

use crate::counters::Counters;
use crate::creator::{
    display, CompareOp, CreatorApp, CreatorError, CreatorRecord, Criteria, Fetch, TextOp,
};
use crate::envelope::json_response;
use crate::route::Call;
use crate::{Body, Response};

/// Most records one call reads or writes (documented: codes 3950, 3960, 3970).
const MAX_RECORDS: usize = 200;

fn error(status: u16, code: u32, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

/// 401 code 1030 (documented: invalid or missing OAuth token).
pub(crate) fn invalid_token() -> Response {
    error(401, 1030, "Invalid OAuthtoken")
}

fn creator_error(err: &CreatorError) -> Response {
    match err {
        CreatorError::UnknownForm(_) => error(404, 2893, &err.to_string()),
        CreatorError::NoRecord { .. } => error(404, 3100, "No Data Available"),
        CreatorError::UnknownField { .. }
        | CreatorError::SystemField(_)
        | CreatorError::Mandatory { .. } => json_response(
            400,
            &json!({"code": 3002, "error": [err.to_string()], "message": "Data sent is not valid"}),
        ),
    }
}

/// Answers one Creator call; `segments` are `[owner, app, "report"|"form", name, id?]`.
pub(crate) fn handle(app: &mut CreatorApp, counters: &mut Counters, call: &Call<'_>) -> Response {
    let seg: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    let (owner, name, kind, target, id) = match seg.as_slice() {
        [owner, name, kind, target] => (*owner, *name, *kind, *target, None),
        [owner, name, kind, target, id] => (*owner, *name, *kind, *target, Some(*id)),
        _ => {
            return json_response(
                404,
                &json!({"code": 1000, "message": format!("Invalid API URL format: {} {}", call.method, call.path)}),
            )
        }
    };
    if !owner.eq_ignore_ascii_case(&app.owner) {
        return error(404, 1040, &format!("No account named '{owner}' found"));
    }
    if !name.eq_ignore_ascii_case(&app.app) {
        return error(404, 2892, &format!("No application named '{name}' found"));
    }
    match (call.method.as_str(), kind, id) {
        ("POST", "form", None) => add(app, counters, target, call),
        (_, "report", _) => {
            let Some(form) = report_form(app, target) else {
                return error(404, 2894, &format!("No report named '{target}' found"));
            };
            match (call.method.as_str(), id) {
                ("GET", None) => list(app, &form, call),
                ("GET", Some(id)) => match app.by_id(&form, &json!(id)) {
                    Ok(record) => json_response(200, &json!({"code": 3000, "data": out(&record)})),
                    Err(err) => creator_error(&err),
                },
                ("PATCH" | "PUT", Some(id)) => update_one(app, counters, &form, id, call),
                ("PATCH" | "PUT", None) => update_many(app, counters, &form, call),
                ("DELETE", Some(id)) => {
                    let fetch = Fetch {
                        form: form.clone(),
                        criteria: Criteria::Compare {
                            field: "ID".into(),
                            op: CompareOp::Eq,
                            value: json!(id),
                        },
                        sort: None,
                        range: None,
                    };
                    match app.delete(&fetch) {
                        Ok(gone) if gone.is_empty() => error(404, 3100, "No Data Available"),
                        Ok(_) => json_response(
                            200,
                            &json!({"code": 3000, "data": {"ID": id}, "message": "Data Deleted Successfully"}),
                        ),
                        Err(err) => creator_error(&err),
                    }
                }
                ("DELETE", None) => delete_many(app, &form, call),
                _ => method_not_allowed(call),
            }
        }
        _ => method_not_allowed(call),
    }
}

fn method_not_allowed(call: &Call<'_>) -> Response {
    json_response(
        404,
        &json!({"code": 1000, "message": format!("Invalid API URL format: {} {}", call.method, call.path)}),
    )
}

/// A report's form: the form of the same name, `All_<Form>` or `<Form>_Report`.
fn report_form(app: &CreatorApp, report: &str) -> Option<String> {
    let names = app.form_names();
    let find = |n: &str| names.iter().find(|f| f.eq_ignore_ascii_case(n)).map(|f| f.to_string());
    find(report)
        .or_else(|| {
            report
                .get(..4)
                .filter(|p| p.eq_ignore_ascii_case("all_"))
                .and_then(|_| find(&report[4..]))
        })
        .or_else(|| {
            let n = report.len();
            report
                .get(n.saturating_sub(7)..)
                .filter(|s| s.eq_ignore_ascii_case("_report"))
                .and_then(|_| find(&report[..n - 7]))
        })
}

/// A record as the API shows it: `ID` as text, other values as stored.
fn out(record: &CreatorRecord) -> Value {
    let mut m = record.clone();
    if let Some(id) = m.get_mut("ID") {
        *id = Value::String(display(id));
    }
    Value::Object(m)
}

/// The JSON body of a request (text, or a form field `data`).
fn body_json(call: &Call<'_>) -> Option<Value> {
    match &call.request.body {
        Body::Text(t) => serde_json::from_str(t).ok(),
        Body::Form(_) => call
            .form_field("data")
            .and_then(|d| serde_json::from_str::<Value>(d).ok())
            .map(|d| json!({"data": d})),
        Body::None | Body::Multipart(_) => None,
    }
}

fn criteria_param(text: Option<&str>) -> Result<Criteria, Response> {
    match text.map(str::trim) {
        None | Some("") => Ok(Criteria::All),
        Some(t) => parse_criteria(t)
            .map_err(|reason| error(400, 3330, &format!("Invalid criteria: {reason}"))),
    }
}

fn list(app: &CreatorApp, form: &str, call: &Call<'_>) -> Response {
    let criteria = match criteria_param(call.param("criteria")) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let number = |name: &str, default: i64| match call.param(name) {
        None => Ok(default),
        Some(v) => v.trim().parse::<i64>().map_err(|_| v.to_string()),
    };
    let (from, limit) = match (number("from", 1), number("limit", MAX_RECORDS as i64)) {
        (Ok(f), Ok(l)) => (f.max(1), l),
        (Err(v), _) | (_, Err(v)) => {
            return error(400, 1000, &format!("Invalid parameter value '{v}'"))
        }
    };
    if !(1..=MAX_RECORDS as i64).contains(&limit) {
        return error(400, 3970, "Maximum limit for fetching records is 200");
    }
    let fetch = Fetch {
        form: form.to_string(),
        criteria,
        sort: None,
        range: Some((from, from.saturating_add(limit - 1))),
    };
    match app.fetch(&fetch) {
        Ok(records) if records.is_empty() => error(404, 3100, "No Data Available"),
        Ok(records) => json_response(
            200,
            &json!({"code": 3000, "data": records.iter().map(out).collect::<Vec<_>>()}),
        ),
        Err(err) => creator_error(&err),
    }
}

fn add(app: &mut CreatorApp, counters: &mut Counters, form: &str, call: &Call<'_>) -> Response {
    let Some(body) = body_json(call) else {
        return error(400, 1000, "The body must be JSON: {\"data\": {…}}");
    };
    let (records, many) = match body.get("data") {
        Some(Value::Object(m)) => (vec![m.clone()], false),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items {
                let Value::Object(m) = item else {
                    return error(400, 1000, "Every entry of \"data\" must be an object");
                };
                out.push(m.clone());
            }
            (out, true)
        }
        _ => return error(400, 1000, "The body needs \"data\": an object or a list of objects"),
    };
    if records.len() > MAX_RECORDS {
        return error(400, 3950, "Maximum limit for adding records is 200");
    }
    let mut results = Vec::new();
    for record in &records {
        let entry = match app.insert(form, record, counters) {
            Ok(id) => {
                json!({"code": 3000, "data": {"ID": id.to_string()}, "message": "Data Added Successfully"})
            }
            Err(CreatorError::UnknownForm(f)) => {
                return error(404, 2893, &CreatorError::UnknownForm(f).to_string())
            }
            Err(err) => {
                json!({"code": 3002, "error": [err.to_string()], "message": "Data sent is not valid"})
            }
        };
        results.push(entry);
    }
    if many {
        json_response(200, &json!({"result": results}))
    } else {
        let status = if results[0]["code"] == 3000 { 200 } else { 400 };
        json_response(status, &results[0])
    }
}

fn update_one(
    app: &mut CreatorApp,
    counters: &mut Counters,
    form: &str,
    id: &str,
    call: &Call<'_>,
) -> Response {
    let Some(Value::Object(values)) = body_json(call).and_then(|b| b.get("data").cloned()) else {
        return error(400, 1000, "The body needs \"data\": an object of field values");
    };
    match app.update(form, &json!(id), &values, counters) {
        Ok(_) => json_response(
            200,
            &json!({"code": 3000, "data": {"ID": id}, "message": "Data Updated Successfully"}),
        ),
        Err(err) => creator_error(&err),
    }
}

fn update_many(
    app: &mut CreatorApp,
    counters: &mut Counters,
    form: &str,
    call: &Call<'_>,
) -> Response {
    let body = body_json(call).unwrap_or(Value::Null);
    let Some(Value::Object(values)) = body.get("data").cloned() else {
        return error(400, 1000, "The body needs \"data\": an object of field values");
    };
    let criteria = match criteria_param(
        body.get("criteria").and_then(Value::as_str).or(call.param("criteria")),
    ) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let fetch = Fetch { form: form.to_string(), criteria, sort: None, range: None };
    let found = match app.fetch(&fetch) {
        Ok(found) => found,
        Err(err) => return creator_error(&err),
    };
    if found.is_empty() {
        return error(404, 3100, "No Data Available");
    }
    let mut results = Vec::new();
    for record in found.iter().take(MAX_RECORDS) {
        let id = record.get("ID").cloned().unwrap_or(Value::Null);
        if let Err(err) = app.update(form, &id, &values, counters) {
            return creator_error(&err);
        }
        results.push(json!({"code": 3000, "data": {"ID": display(&id)}, "message": "Data Updated Successfully"}));
    }
    json_response(200, &json!({"result": results, "more_records": found.len() > MAX_RECORDS}))
}

fn delete_many(app: &mut CreatorApp, form: &str, call: &Call<'_>) -> Response {
    let body = body_json(call).unwrap_or(Value::Null);
    let text = call.param("criteria").or_else(|| body.get("criteria").and_then(Value::as_str));
    if text.is_none_or(|t| t.trim().is_empty()) {
        return error(400, 1000, "The criteria parameter is mandatory for deleting records");
    }
    let criteria = match criteria_param(text) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let fetch = Fetch {
        form: form.to_string(),
        criteria,
        sort: None,
        range: Some((1, MAX_RECORDS as i64)),
    };
    let more = app
        .fetch(&Fetch { range: None, ..fetch.clone() })
        .map(|all| all.len() > MAX_RECORDS)
        .unwrap_or(false);
    match app.delete(&fetch) {
        Ok(gone) if gone.is_empty() => error(404, 3100, "No Data Available"),
        Ok(gone) => json_response(
            200,
            &json!({
                "result": gone.iter().map(|r| json!({"code": 3000, "data": {"ID": display(&r["ID"])}, "message": "Data Deleted Successfully"})).collect::<Vec<_>>(),
                "more_records": more
            }),
        ),
        Err(err) => creator_error(&err),
    }
}

// ---- the REST criteria text: `Name == "x" && (Amount > 10 || Status != null)` ----

struct P<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

/// Parses a REST `criteria` text: `field op value` joined by `&&`/`||` (or `and`/`or`),
/// parentheses, `Field.contains("x")` / `startsWith` / `endsWith`; values are quoted text,
/// numbers, `true`/`false`, `null` or single-quoted dates.
pub fn parse_criteria(text: &str) -> Result<Criteria, String> {
    let mut p = P { s: text.as_bytes(), i: 0, depth: 0 };
    let c = p.or()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(format!("unexpected '{}' at {}", &text[p.i..], p.i + 1));
    }
    Ok(c)
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, t: &str) -> bool {
        self.ws();
        if self.s[self.i..].starts_with(t.as_bytes()) {
            self.i += t.len();
            true
        } else {
            false
        }
    }

    fn word(&mut self, w: &str) -> bool {
        self.ws();
        let end = self.i + w.len();
        let at = self.s.get(self.i..end).is_some_and(|x| x.eq_ignore_ascii_case(w.as_bytes()));
        let boundary = self.s.get(end).is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'_');
        if at && boundary {
            self.i = end;
        }
        at && boundary
    }

    fn or(&mut self) -> Result<Criteria, String> {
        let mut items = vec![self.and()?];
        while self.eat("||") || self.word("or") {
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Criteria::Or(items) })
    }

    fn and(&mut self) -> Result<Criteria, String> {
        let mut items = vec![self.atom()?];
        while self.eat("&&") || self.word("and") {
            items.push(self.atom()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Criteria::And(items) })
    }

    fn atom(&mut self) -> Result<Criteria, String> {
        if self.eat("(") {
            self.depth += 1;
            if self.depth > 64 {
                return Err("parentheses nested too deep".into());
            }
            let c = self.or()?;
            if !self.eat(")") {
                return Err("missing ')'".into());
            }
            self.depth -= 1;
            return Ok(c);
        }
        let field = self.ident()?;
        if self.eat(".") {
            let f = self.ident()?;
            let op = match f.to_ascii_lowercase().as_str() {
                "contains" => TextOp::Contains,
                "notcontains" => TextOp::NotContains,
                "startswith" | "starts_with" => TextOp::StartsWith,
                "endswith" | "ends_with" => TextOp::EndsWith,
                other => return Err(format!("unknown function '{other}'")),
            };
            if !self.eat("(") {
                return Err("missing '('".into());
            }
            let value = self.value()?;
            if !self.eat(")") {
                return Err("missing ')'".into());
            }
            return Ok(Criteria::Text { field, op, value });
        }
        let op = if self.eat("==") {
            CompareOp::Eq
        } else if self.eat("!=") {
            CompareOp::Ne
        } else if self.eat("<=") {
            CompareOp::Le
        } else if self.eat(">=") {
            CompareOp::Ge
        } else if self.eat("<") {
            CompareOp::Lt
        } else if self.eat(">") {
            CompareOp::Gt
        } else if self.eat("=") {
            CompareOp::Eq
        } else {
            return Err(format!("expected an operator after '{field}'"));
        };
        let value = self.value()?;
        Ok(Criteria::Compare { field, op, value })
    }

    fn ident(&mut self) -> Result<String, String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_')
        {
            self.i += 1;
        }
        if start == self.i {
            return Err(format!("expected a field name at {}", start + 1));
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        match self.s.get(self.i) {
            Some(q @ (b'"' | b'\'')) => {
                let q = *q;
                self.i += 1;
                let mut out = Vec::new();
                loop {
                    match self.s.get(self.i) {
                        None => return Err("unterminated text".into()),
                        Some(b'\\') if self.s.get(self.i + 1).is_some() => {
                            out.push(self.s[self.i + 1]);
                            self.i += 2;
                        }
                        Some(c) if *c == q => {
                            self.i += 1;
                            break;
                        }
                        Some(c) => {
                            out.push(*c);
                            self.i += 1;
                        }
                    }
                }
                Ok(Value::String(String::from_utf8_lossy(&out).into_owned()))
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                let start = self.i;
                self.i += 1;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.')
                {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                serde_json::from_str::<Value>(t).map_err(|_| format!("bad number '{t}'"))
            }
            _ => {
                if self.word("null") {
                    Ok(Value::Null)
                } else if self.word("true") {
                    Ok(Value::Bool(true))
                } else if self.word("false") {
                    Ok(Value::Bool(false))
                } else {
                    Err(format!("expected a value at {}", self.i + 1))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_text() {
        let c = parse_criteria(
            r#"(Customer == "Ada \"A\"" && Amount >= 10) || Status.contains("pen") or ID != 0"#,
        )
        .unwrap();
        let Criteria::Or(items) = c else { panic!() };
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0],
            Criteria::And(vec![
                Criteria::Compare {
                    field: "Customer".into(),
                    op: CompareOp::Eq,
                    value: json!("Ada \"A\"")
                },
                Criteria::Compare { field: "Amount".into(), op: CompareOp::Ge, value: json!(10) },
            ])
        );
        assert!(parse_criteria("Amount >").is_err());
        assert!(parse_criteria("(Amount > 1").is_err());
        assert!(parse_criteria("Amount > 1 junk").is_err());
        assert!(parse_criteria(&"(".repeat(500)).is_err());
    }
}
