//! JSON text → collections: `toMap`, `toJSONList`, `getJSON` on TEXT.
//! Reference: <https://www.zoho.com/deluge/help/functions/getjson-and-get.html>

use super::arg;
use crate::builtins::arg_text;
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::Value;

/// Parses the receiver as JSON; the error names the function and the problem.
fn parse(ctx: &Ctx<'_>, args: &[Value], name: &str) -> Result<Value> {
    let text = arg_text(args, 0)?;
    match ctx.parse_json(&text)? {
        Ok(v) => Ok(v),
        Err(e) => fail(format!("{name}: the text is not valid JSON ({e})")),
    }
}

/// `text.toMap()`: a JSON object text → Map (blank text → empty map).
pub(super) fn to_map(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    if arg_text(args, 0)?.trim().is_empty() {
        return Ok(Value::empty_map());
    }
    match parse(ctx, args, "toMap")? {
        m @ Value::Map(_) => Ok(m),
        other => fail(format!("toMap: the JSON text is not an object but {}", json_kind(&other))),
    }
}

/// `text.toJSONList()`: a JSON array text → List of its elements (objects become
/// maps, so `getJSON` works on them).
pub(super) fn to_json_list(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match parse(ctx, args, "toJSONList")? {
        l @ Value::List(_) => Ok(l),
        other => {
            fail(format!("toJSONList: the JSON text is not an array but {}", json_kind(&other)))
        }
    }
}

/// `text.getJSON(key)`: parses the JSON object text and returns the value of
/// `key` (null when absent); objects come back as maps, so calls chain.
pub(super) fn get_json(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    match parse(ctx, args, "getJSON")? {
        Value::Map(m) => Ok(m.borrow().get(arg(args, 1)).cloned().unwrap_or(Value::Null)),
        other => fail(format!("getJSON: the JSON text is not an object but {}", json_kind(&other))),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "an array",
        Value::Map(_) => "an object",
        Value::Text(_) => "a string",
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, err, show, t};

    #[test]
    fn to_map_parses_objects() {
        let m = call("toMap", &[t(r#"{"ID":"TEST-1001","n":[1,2.5,true,null]}"#)]).unwrap();
        assert_eq!(show("get", &[m.clone(), t("ID")]), "TEST-1001");
        assert_eq!(m.to_display(), r#"{"ID":"TEST-1001","n":[1,2.5,true,null]}"#);
        assert_eq!(show("toMap", &[t("  ")]), "{}");
        assert!(err("toMap", &[t("{\"a\":")]).starts_with("toMap: the text is not valid JSON"));
        assert!(err("toMap", &[t("[1]")]).contains("not an object but an array"));
    }

    #[test]
    fn to_json_list_parses_arrays() {
        let l = call("toJSONList", &[t(r#"[{"a":1},{"a":2}]"#)]).unwrap();
        assert_eq!(show("size", std::slice::from_ref(&l)), "2");
        let first = call("get", &[l, crate::Value::Int(1)]).unwrap();
        assert_eq!(show("getJSON", &[first, t("a")]), "2");
        assert!(err("toJSONList", &[t(r#"{"a":1}"#)]).contains("not an array but an object"));
        assert!(err("toJSONList", &[t("nope")]).contains("not valid JSON"));
    }

    #[test]
    fn get_json_chains_on_text() {
        let text = t(r#"{"response" : {"employee": {"id" : "EMP-001", "role" : "Developer"}}}"#);
        let r = call("getJSON", &[text.clone(), t("response")]).unwrap();
        let e = call("getJSON", &[r, t("employee")]).unwrap();
        assert_eq!(show("getJSON", &[e, t("id")]), "EMP-001");
        assert!(call("getJSON", &[text, t("missing")]).unwrap().is_null());
        assert!(err("getJSON", &[t("[1,2]"), t("a")]).contains("not an object but an array"));
        assert!(err("getJSON", &[t("5"), t("a")]).contains("but a number"));
        assert!(err("getJSON", &[t("\"s\""), t("a")]).contains("but a string"));
        assert!(err("getJSON", &[t("{"), t("a")]).contains("not valid JSON"));
    }
}
