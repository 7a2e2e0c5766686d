//! Zoho Creator for the `dg` host: Deluge record statements against the sandbox's Creator
//! app (values converted between Deluge and the state's JSON), and the `zoho.creator.*`
//! integration tasks as Creator REST v2 / v2.1 calls.

use dg_runtime::creator::{CompareOp, Criteria, Fetch, TextOp};
use dg_runtime::value::{from_json, to_json, to_json_string};
use dg_runtime::Value;
use dg_sandbox::Sandbox;
use serde_json::Value as J;

use crate::tasks::{Planned, PlannedBody, Product, Shape};

/// Creator's date and date-time texts (`15-Jan-2024`, `15-Jan-2024 10:30:00`).
const DATE: &str = "%d-%b-%Y";
const DATE_TIME: &str = "%d-%b-%Y %H:%M:%S";

/// A Deluge value as stored: dates in Creator's text format, the rest as JSON.
pub fn value_to_json(v: &Value) -> J {
    match v {
        Value::Date(d) => J::String(d.format(DATE).to_string()),
        Value::DateTime(d) => J::String(d.format(DATE_TIME).to_string()),
        other => to_json(other),
    }
}

/// A stored value as Deluge sees it: Creator date texts become dates.
pub fn json_to_value(j: &J) -> Value {
    if let J::String(s) = j {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, DATE_TIME) {
            return Value::DateTime(d);
        }
        if let Ok(d) = chrono::NaiveDate::parse_from_str(s, DATE) {
            if let Some(d) = d.and_hms_opt(0, 0, 0) {
                return Value::Date(d);
            }
        }
    }
    from_json(j)
}

fn record_to_value(r: &dg_sandbox::CreatorRecord) -> Value {
    Value::map(r.iter().map(|(k, v)| (Value::text(k.as_str()), json_to_value(v))).collect())
}

fn criteria(c: &Criteria) -> dg_sandbox::Criteria {
    use dg_sandbox::Criteria as S;
    match c {
        Criteria::All => S::All,
        Criteria::And(items) => S::And(items.iter().map(criteria).collect()),
        Criteria::Or(items) => S::Or(items.iter().map(criteria).collect()),
        Criteria::Not(inner) => S::Not(Box::new(criteria(inner))),
        Criteria::Compare { field, op, value } => S::Compare {
            field: field.clone(),
            op: match op {
                CompareOp::Eq => dg_sandbox::CompareOp::Eq,
                CompareOp::Ne => dg_sandbox::CompareOp::Ne,
                CompareOp::Lt => dg_sandbox::CompareOp::Lt,
                CompareOp::Le => dg_sandbox::CompareOp::Le,
                CompareOp::Gt => dg_sandbox::CompareOp::Gt,
                CompareOp::Ge => dg_sandbox::CompareOp::Ge,
                CompareOp::In => dg_sandbox::CompareOp::In,
                CompareOp::NotIn => dg_sandbox::CompareOp::NotIn,
            },
            value: value_to_json(value),
        },
        Criteria::Text { field, op, value } => S::Text {
            field: field.clone(),
            op: match op {
                TextOp::Contains => dg_sandbox::TextOp::Contains,
                TextOp::NotContains => dg_sandbox::TextOp::NotContains,
                TextOp::StartsWith => dg_sandbox::TextOp::StartsWith,
                TextOp::EndsWith => dg_sandbox::TextOp::EndsWith,
            },
            value: value_to_json(value),
        },
        Criteria::Empty { field } => S::Empty { field: field.clone() },
    }
}

fn sandbox_fetch(f: &Fetch) -> dg_sandbox::Fetch {
    dg_sandbox::Fetch {
        form: f.form.clone(),
        criteria: criteria(&f.criteria),
        sort: f.sort.clone(),
        range: f.range,
    }
}

pub(crate) fn fetch(sandbox: &Sandbox, f: &Fetch) -> Result<Vec<Value>, String> {
    let records = sandbox.creator_fetch(&sandbox_fetch(f)).map_err(|e| e.to_string())?;
    Ok(records.iter().map(record_to_value).collect())
}

pub(crate) fn insert(
    sandbox: &mut Sandbox,
    form: &str,
    fields: &[(String, Value)],
) -> Result<Value, String> {
    let map = fields.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect();
    sandbox.creator_insert(form, &map).map(Value::Int).map_err(|e| e.to_string())
}

pub(crate) fn update(
    sandbox: &mut Sandbox,
    form: &str,
    id: &Value,
    field: &str,
    value: &Value,
) -> Result<(), String> {
    let mut map = serde_json::Map::new();
    map.insert(field.to_string(), value_to_json(value));
    sandbox.creator_update(form, &value_to_json(id), &map).map(|_| ()).map_err(|e| e.to_string())
}

pub(crate) fn delete(sandbox: &mut Sandbox, f: &Fetch) -> Result<usize, String> {
    sandbox.creator_delete(&sandbox_fetch(f)).map(|gone| gone.len()).map_err(|e| e.to_string())
}

// ---- zoho.creator.* tasks ----

fn text(args: &[Value], i: usize, what: &str, task: &str) -> Result<String, String> {
    match args.get(i) {
        Some(Value::Null) | None => {
            Err(format!("{task}: the {what} (argument {}) is missing", i + 1))
        }
        Some(Value::Map(_) | Value::List(_)) => {
            Err(format!("{task}: the {what} (argument {}) must be text", i + 1))
        }
        Some(v) => Ok(v.to_display()),
    }
}

fn seg(s: &str) -> String {
    percent_encode(s)
}

fn percent_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

/// The connection: the text argument at `at` (its documented place), if given.
fn connection(args: &[Value], at: usize) -> Option<String> {
    match args.get(at) {
        Some(Value::Text(t)) if !t.is_empty() => Some(t.to_string()),
        _ => None,
    }
}

/// The map argument at `at`, unless it is the connection (given early) or null.
fn options(args: &[Value], at: usize) -> Option<&Value> {
    args.get(at).filter(|v| matches!(v, Value::Map(_)))
}

fn data_body(data: &Value, extra: Option<&Value>) -> String {
    let mut body = dg_runtime::value::MapData::default();
    body.insert(Value::text("data"), data.clone());
    if let Some(Value::Map(m)) = extra {
        for (k, v) in m.borrow().iter() {
            body.insert(k.clone(), v.clone());
        }
    }
    to_json_string(&Value::map(body))
}

/// Plans `zoho.creator.<op>` / `zoho.creator.v2_1.<op>` (lower case).
pub fn plan(task: &str, op: &str, args: &[Value]) -> Result<Planned, String> {
    let (v21, op) = match op.strip_prefix("v2_1.") {
        Some(rest) => (true, rest),
        None => (false, op),
    };
    let owner = text(args, 0, "owner name", task)?;
    let app = text(args, 1, "application link name", task)?;
    let root = if v21 {
        format!("/api/v2.1/data/{}/{}", seg(&owner), seg(&app))
    } else {
        format!("/api/v2/{}/{}", seg(&owner), seg(&app))
    };
    let planned = |method, path: String, query, body, conn| Planned {
        product: Product::Creator,
        method,
        path,
        query,
        body,
        connection: conn,
        shape: Shape::Body,
        extra: crate::tasks::PlanExtra::default(),
    };
    let map_arg = |i: usize, what: &str| -> Result<Value, String> {
        match args.get(i) {
            Some(v @ Value::Map(_)) => Ok(v.clone()),
            Some(v @ Value::List(_)) if what.contains("values") => Ok(v.clone()),
            _ => Err(format!("{task}: the {what} (argument {}) must be a map", i + 1)),
        }
    };
    match op {
        "createrecord" | "createrecords" => {
            let form = text(args, 2, "form link name", task)?;
            let values = map_arg(3, "input values")?;
            Ok(planned(
                "POST",
                format!("{root}/form/{}", seg(&form)),
                vec![],
                PlannedBody::Json(data_body(&values, options(args, 4))),
                connection(args, 5).or_else(|| connection(args, 4)),
            ))
        }
        "getrecords" if v21 => {
            let report = text(args, 2, "report link name", task)?;
            let mut query = Vec::new();
            if let Some(Value::Map(cfg)) = options(args, 3) {
                for (k, v) in cfg.borrow().iter() {
                    let key = k.to_display();
                    if !v.is_null()
                        && matches!(
                            key.as_str(),
                            "criteria" | "max_records" | "field_config" | "fields"
                        )
                    {
                        query.push((
                            if key == "max_records" { "limit".into() } else { key },
                            v.to_display(),
                        ));
                    }
                }
            }
            Ok(planned(
                "GET",
                format!("{root}/report/{}", seg(&report)),
                query,
                PlannedBody::None,
                connection(args, 4).or_else(|| connection(args, 3)),
            ))
        }
        "getrecords" => {
            let report = text(args, 2, "report link name", task)?;
            let mut query = Vec::new();
            if let Some(c) = args.get(3).filter(|v| !v.is_null()) {
                if !c.to_display().is_empty() {
                    query.push(("criteria".to_string(), c.to_display()));
                }
            }
            if let Some(Value::Int(from)) = args.get(4) {
                query.push(("from".to_string(), from.to_string()));
            }
            if let Some(Value::Int(limit)) = args.get(5) {
                query.push(("limit".to_string(), limit.to_string()));
            }
            Ok(planned(
                "GET",
                format!("{root}/report/{}", seg(&report)),
                query,
                PlannedBody::None,
                connection(args, 6),
            ))
        }
        "getrecordbyid" => {
            let report = text(args, 2, "report link name", task)?;
            let id = text(args, 3, "record ID", task)?;
            Ok(planned(
                "GET",
                format!("{root}/report/{}/{}", seg(&report), seg(&id)),
                vec![],
                PlannedBody::None,
                connection(args, 4).or_else(|| connection(args, 5)),
            ))
        }
        "updaterecord" => {
            let report = text(args, 2, "report link name", task)?;
            let id = text(args, 3, "record ID", task)?;
            let values = map_arg(4, "new values")?;
            Ok(planned(
                "PATCH",
                format!("{root}/report/{}/{}", seg(&report), seg(&id)),
                vec![],
                PlannedBody::Json(data_body(&values, options(args, 5))),
                connection(args, 6).or_else(|| connection(args, 5)),
            ))
        }
        "updaterecords" => {
            let report = text(args, 2, "report link name", task)?;
            let criteria = text(args, 3, "criteria", task)?;
            let values = map_arg(4, "new values")?;
            let mut extra = dg_runtime::value::MapData::default();
            extra.insert(Value::text("criteria"), Value::text(criteria));
            if let Some(Value::Map(m)) = options(args, 5) {
                for (k, v) in m.borrow().iter() {
                    extra.insert(k.clone(), v.clone());
                }
            }
            Ok(planned(
                "PATCH",
                format!("{root}/report/{}", seg(&report)),
                vec![],
                PlannedBody::Json(data_body(&values, Some(&Value::map(extra)))),
                connection(args, 6).or_else(|| connection(args, 5)),
            ))
        }
        "deleterecord" => {
            let report = text(args, 2, "report link name", task)?;
            let id = text(args, 3, "record ID", task)?;
            Ok(planned(
                "DELETE",
                format!("{root}/report/{}/{}", seg(&report), seg(&id)),
                vec![],
                PlannedBody::None,
                connection(args, 4),
            ))
        }
        "deleterecords" => {
            let report = text(args, 2, "report link name", task)?;
            let criteria = text(args, 3, "criteria", task)?;
            Ok(planned(
                "DELETE",
                format!("{root}/report/{}", seg(&report)),
                vec![("criteria".to_string(), criteria)],
                PlannedBody::None,
                connection(args, 4),
            ))
        }
        _ => Err(format!("{task} is not a zoho.creator task dg knows")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(items: Vec<Value>) -> Vec<Value> {
        items
    }

    #[test]
    fn get_records_maps_to_the_report_with_criteria_and_paging() {
        let a = args(vec![
            "acme".into(),
            "orders_app".into(),
            "All_Orders".into(),
            "Amount > 100".into(),
            Value::Int(1),
            Value::Int(50),
            "creator_conn".into(),
        ]);
        let p = plan("zoho.creator.getrecords", "getrecords", &a).unwrap();
        assert_eq!(p.path, "/api/v2/acme/orders_app/report/All_Orders");
        assert_eq!(
            p.query,
            vec![
                ("criteria".to_string(), "Amount > 100".to_string()),
                ("from".to_string(), "1".to_string()),
                ("limit".to_string(), "50".to_string())
            ]
        );
        assert_eq!(p.connection.as_deref(), Some("creator_conn"));
    }

    #[test]
    fn create_record_posts_data_and_v2_1_uses_the_data_path() {
        let values = Value::map_from([("Customer", Value::from("Ada"))]);
        let a = args(vec![
            "acme".into(),
            "orders_app".into(),
            "Orders".into(),
            values,
            Value::empty_map(),
            "c".into(),
        ]);
        let p = plan("zoho.creator.createrecord", "createrecord", &a).unwrap();
        assert_eq!((p.method, p.path.as_str()), ("POST", "/api/v2/acme/orders_app/form/Orders"));
        assert_eq!(p.body, PlannedBody::Json(r#"{"data":{"Customer":"Ada"}}"#.into()));
        let p = plan("zoho.creator.v2_1.createrecord", "v2_1.createrecord", &a).unwrap();
        assert_eq!(p.path, "/api/v2.1/data/acme/orders_app/form/Orders");
        let err = plan("zoho.creator.createrecord", "createrecord", &a[..3]).unwrap_err();
        assert_eq!(err, "zoho.creator.createrecord: the input values (argument 4) must be a map");
    }

    #[test]
    fn dates_round_trip_in_creator_format() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(value_to_json(&Value::Date(d)), J::String("15-Jan-2024".into()));
        assert!(matches!(json_to_value(&J::String("15-Jan-2024".into())), Value::Date(_)));
        assert!(matches!(
            json_to_value(&J::String("15-Jan-2024 10:30:00".into())),
            Value::DateTime(_)
        ));
        assert!(matches!(json_to_value(&J::String("Jan".into())), Value::Text(_)));
    }
}
