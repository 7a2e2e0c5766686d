//! Integration tasks beyond the record basics: the rest of `zoho.crm.*` (org variables,
//! lead conversion, bulk writes, related records) and the common tasks of Desk, Inventory,
//! Projects, Sheet, Writer and WorkDrive as REST calls (docs/sandbox.md, "Other products").

use dg_runtime::value::{parse_json, to_json_string, MapData};
use dg_runtime::Value;

use crate::tasks::{
    data_body, map_pairs, page_query, plan_books, split_connection, text, PlanExtra, Planned,
    PlannedBody, Product, Shape, WorkflowWrite,
};

fn planned(
    product: Product,
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    body: PlannedBody,
    connection: Option<String>,
    shape: Shape,
) -> Planned {
    Planned { product, method, path, query, body, connection, shape, extra: PlanExtra::default() }
}

fn map_arg<'a>(args: &'a [Value], i: usize, what: &str, task: &str) -> Result<&'a Value, String> {
    args.get(i)
        .filter(|v| matches!(v, Value::Map(_)))
        .ok_or(format!("{task}: the {what} (argument {}) must be a map", i + 1))
}

fn list_arg<'a>(args: &'a [Value], i: usize, what: &str, task: &str) -> Result<&'a Value, String> {
    args.get(i)
        .filter(|v| matches!(v, Value::List(_)))
        .ok_or(format!("{task}: the {what} (argument {}) must be a list of maps", i + 1))
}

/// Plans the CRM tasks `tasks.rs` does not: `None` hands the task back to the record
/// planner.
pub(crate) fn plan_crm(task: &str, op: &str, args: &[Value]) -> Result<Option<Planned>, String> {
    let crm = |method, path: String, body, conn, shape| {
        planned(Product::Crm, method, path, vec![], body, conn, shape)
    };
    Ok(Some(match op {
        "getorgvariable" => {
            let (args, conn) = split_connection(args, 1);
            let name = text(args, 0, "variable name", task)?;
            let mut p = crm(
                "GET",
                "/crm/v2/settings/variables".into(),
                PlannedBody::None,
                conn,
                Shape::Variable,
            );
            p.extra.pick = Some(name);
            p
        }
        "convertlead" => {
            let (args, conn) = split_connection(args, 2);
            let id = text(args, 0, "lead id", task)?;
            let values = match args.get(1) {
                Some(v @ Value::Map(_)) => v.clone(),
                None | Some(Value::Null) => Value::empty_map(),
                Some(_) => return Err(format!("{task}: the values (argument 2) must be a map")),
            };
            let body = PlannedBody::Json(data_body(&values, None));
            crm("POST", format!("/crm/v2/Leads/{id}/actions/convert"), body, conn, Shape::First)
        }
        "bulkcreate" | "bulkupdate" => {
            let (args, conn) = split_connection(args, 2);
            let module = text(args, 0, "module", task)?;
            let Value::List(rows) = list_arg(args, 1, "records", task)? else { unreachable!() };
            if rows.borrow().iter().any(|row| !matches!(row, Value::Map(_))) {
                return Err(format!("{task}: every record of the list must be a map"));
            }
            let mut body = MapData::default();
            body.insert(Value::from("data"), Value::List(rows.clone()));
            if let Some(Value::Map(opts)) = args.get(2) {
                for (k, v) in opts.borrow().iter() {
                    body.insert(k.clone(), v.clone());
                }
            }
            let body = PlannedBody::Json(to_json_string(&Value::map(body)));
            let method = if op == "bulkcreate" { "POST" } else { "PUT" };
            crm(method, format!("/crm/v2/{module}"), body, conn, Shape::Body)
        }
        "updaterelatedrecord" => {
            let (args, conn) = split_connection(args, 5);
            let relation = text(args, 0, "relation name", task)?;
            let related_id = text(args, 1, "related record id", task)?;
            let module = text(args, 2, "parent module", task)?;
            let id = text(args, 3, "parent record id", task)?;
            let values = map_arg(args, 4, "values", task)?;
            let body = PlannedBody::Json(data_body(values, None));
            crm(
                "PUT",
                format!("/crm/v2/{module}/{id}/{relation}/{related_id}"),
                body,
                conn,
                Shape::First,
            )
        }
        "searchrecords" => {
            // An empty criteria with `email`/`phone`/`word` in the query map searches by
            // those instead (what the REST search takes); else the usual plan.
            let (rest, conn) = split_connection(args, 2);
            let empty = matches!(rest.get(1), Some(Value::Text(t)) if t.trim().is_empty());
            if !empty {
                return Ok(None);
            }
            let module = text(rest, 0, "module", task)?;
            let mut query = page_query(rest, 2);
            query.extend(map_pairs(rest.get(4)));
            if !query.iter().any(|(k, _)| matches!(k.as_str(), "email" | "phone" | "word")) {
                return Err(format!(
                    "{task}: the criteria is empty; give a criteria such as (Email:equals:a@b.com) or an email, phone or word key in the query map"
                ));
            }
            planned(
                Product::Crm,
                "GET",
                format!("/crm/v2/{module}/search"),
                query,
                PlannedBody::None,
                conn,
                Shape::List,
            )
        }
        _ => return Ok(None),
    }))
}

/// Marks CRM creates and updates whose options map asks for `trigger: ["workflow"]`.
pub(crate) fn with_workflow(mut p: Planned) -> Planned {
    let PlannedBody::Json(body) = &p.body else { return p };
    if !matches!(p.method, "POST" | "PUT") || p.path.ends_with("/convert") {
        return p;
    }
    let Ok(Value::Map(body)) = parse_json(body) else { return p };
    let body = body.borrow();
    let asks = match body.get(&Value::from("trigger")) {
        Some(Value::List(l)) => {
            l.borrow().iter().any(|t| t.to_display().eq_ignore_ascii_case("workflow"))
        }
        Some(Value::Text(t)) => t.eq_ignore_ascii_case("workflow"),
        _ => false,
    };
    if !asks {
        return p;
    }
    let segments: Vec<&str> = p.path.trim_start_matches('/').split('/').collect();
    // crm / v2 / Module [/ id]
    let (module, path_id) = match segments.as_slice() {
        [_, _, module] => (module.to_string(), None),
        [_, _, module, id] => (module.to_string(), Some(id.to_string())),
        _ => return p,
    };
    let rows = match body.get(&Value::from("data")) {
        Some(Value::List(rows)) => rows
            .borrow()
            .iter()
            .map(|row| match row {
                Value::Map(m) => {
                    let m = m.borrow();
                    let id = path_id
                        .clone()
                        .or_else(|| m.get(&Value::from("id")).map(Value::to_display));
                    let fields = m.keys().map(Value::to_display).filter(|k| k != "id").collect();
                    (id, fields)
                }
                _ => (None, Vec::new()),
            })
            .collect(),
        _ => Vec::new(),
    };
    drop(body);
    p.extra.workflow = Some(WorkflowWrite { module, create: p.method == "POST", rows });
    p
}

/// [`Shape::Variable`]: the value of the variable `name` in a Variables API answer.
pub(crate) fn variable_value(name: &str, status: u16, body: &str) -> Value {
    if body.trim().is_empty() {
        return Value::Null;
    }
    let Ok(parsed) = parse_json(body) else {
        return Value::map_from([
            ("code", Value::Int(status as i64)),
            ("message", Value::text(body)),
        ]);
    };
    let Value::Map(m) = &parsed else { return parsed };
    let variables = m.borrow().get(&Value::from("variables")).cloned();
    let Some(Value::List(list)) = variables else { return parsed };
    let found = list.borrow().iter().find_map(|v| {
        let Value::Map(v) = v else { return None };
        let v = v.borrow();
        let api_name = v.get(&Value::from("api_name")).map(Value::to_display)?;
        if !api_name.eq_ignore_ascii_case(name) {
            return None;
        }
        Some(match v.get(&Value::from("value")) {
            None | Some(Value::Null) => Value::Null,
            Some(value) => Value::text(value.to_display()),
        })
    });
    found.unwrap_or(Value::Null)
}

/// Plans `zoho.<product>.<op>` for the products besides Bigin, Books, CRM and Creator.
pub(crate) fn plan_product(
    task: &str,
    product: &str,
    op: &str,
    args: &[Value],
) -> Result<Planned, String> {
    let unsupported = || {
        Err(format!(
            "{task} is not supported outside Zoho yet (dg maps the common Desk, Inventory, Projects, Sheet, Writer and WorkDrive tasks; see docs/sandbox.md)"
        ))
    };
    match product {
        "inventory" => {
            let op = match op {
                "getrecordsbyid" | "getrecordbyid" => "getrecordsbyid",
                other => other,
            };
            if !matches!(op, "createrecord" | "getrecords" | "getrecordsbyid" | "updaterecord") {
                return unsupported();
            }
            let mut p = plan_books(task, op, args)?;
            p.product = Product::Inventory;
            p.path = p.path.replacen("/books/v3", Product::Inventory.base_path(), 1);
            Ok(p)
        }
        "desk" => plan_desk(task, op, args).unwrap_or_else(unsupported),
        "projects" => plan_projects(task, op, args).unwrap_or_else(unsupported),
        "sheet" => plan_sheet(task, op, args).unwrap_or_else(unsupported),
        "writer" => plan_writer(task, op, args).unwrap_or_else(unsupported),
        "workdrive" => plan_workdrive(task, op, args).unwrap_or_else(unsupported),
        _ => unsupported(),
    }
}

type Plan = Option<Result<Planned, String>>;

/// Desk: `https://desk.zoho.{dc}/api/v1/{module}` with the organization in the `orgId`
/// header; module names are lower-cased (`Tickets` → `tickets`).
fn plan_desk(task: &str, op: &str, args: &[Value]) -> Plan {
    let run = || -> Result<Planned, String> {
        let required = match op {
            "getrecords" | "create" | "getrecordbyid" | "searchrecords" => 3,
            "update" => 4,
            _ => 2,
        };
        let (args, conn) = split_connection(args, required);
        let org = text(args, 0, "organization id", task)?;
        let module = text(args, 1, "module", task)?.to_ascii_lowercase();
        let base = format!("/api/v1/{module}");
        let range = |from: usize| {
            let mut q = Vec::new();
            for (i, key) in [(from, "from"), (from + 1, "limit")] {
                if let Some(Value::Int(n)) = args.get(i) {
                    q.push((key.to_string(), n.to_string()));
                }
            }
            q
        };
        let mut p = match op {
            "getrecords" => {
                let mut query = range(2);
                query.extend(map_pairs(args.get(4)));
                planned(Product::Desk, "GET", base, query, PlannedBody::None, conn, Shape::Body)
            }
            "getrecordbyid" => {
                let id = text(args, 2, "record id", task)?;
                let path = format!("{base}/{id}");
                planned(Product::Desk, "GET", path, vec![], PlannedBody::None, conn, Shape::Body)
            }
            "create" => {
                let body = PlannedBody::Json(to_json_string(map_arg(args, 2, "record", task)?));
                planned(Product::Desk, "POST", base, vec![], body, conn, Shape::Body)
            }
            "update" => {
                let id = text(args, 2, "record id", task)?;
                let body = PlannedBody::Json(to_json_string(map_arg(args, 3, "record", task)?));
                let path = format!("{base}/{id}");
                planned(Product::Desk, "PATCH", path, vec![], body, conn, Shape::Body)
            }
            "searchrecords" => {
                let mut query = map_pairs(Some(map_arg(args, 2, "criteria", task)?));
                query.extend(range(3));
                let path = format!("{base}/search");
                planned(Product::Desk, "GET", path, query, PlannedBody::None, conn, Shape::Body)
            }
            _ => unreachable!(),
        };
        p.extra.headers.push(("orgId".into(), org));
        Ok(p)
    };
    matches!(op, "getrecords" | "getrecordbyid" | "create" | "update" | "searchrecords").then(run)
}

/// Projects: `https://projectsapi.zoho.{dc}/restapi/portal/{portal}/projects/{project}/{module}/`
/// (the REST API the tasks wrap), form fields for writes.
fn plan_projects(task: &str, op: &str, args: &[Value]) -> Plan {
    let run = || -> Result<Planned, String> {
        let required = match op {
            "update" => 5,
            "create" => 4,
            _ => 3,
        };
        let (args, conn) = split_connection(args, required);
        let portal = text(args, 0, "portal", task)?;
        let project = text(args, 1, "project id", task)?;
        let module = text(args, 2, "module", task)?.to_ascii_lowercase();
        let base = format!("/restapi/portal/{portal}/projects/{project}/{module}");
        let form = |i: usize| -> Result<PlannedBody, String> {
            Ok(PlannedBody::Form(map_pairs(Some(map_arg(args, i, "data map", task)?))))
        };
        let p = |method, path, query, body| {
            planned(Product::Projects, method, path, query, body, conn.clone(), Shape::Body)
        };
        Ok(match op {
            "create" => p("POST", format!("{base}/"), vec![], form(3)?),
            "update" => {
                let id = text(args, 3, "record id", task)?;
                p("POST", format!("{base}/{id}/"), vec![], form(4)?)
            }
            "getrecordbyid" => {
                let id = text(args, 3, "record id", task)?;
                p("GET", format!("{base}/{id}/"), vec![], PlannedBody::None)
            }
            _ => {
                let query = match args.get(3) {
                    Some(m @ Value::Map(_)) => map_pairs(Some(m)),
                    _ => {
                        let mut q = Vec::new();
                        for (i, key) in [(3, "index"), (4, "range")] {
                            if let Some(Value::Int(n)) = args.get(i) {
                                q.push((key.to_string(), n.to_string()));
                            }
                        }
                        q
                    }
                };
                p("GET", format!("{base}/"), query, PlannedBody::None)
            }
        })
    };
    matches!(op, "create" | "update" | "getrecordbyid" | "getrecords").then(run)
}

/// Sheet: `POST https://sheet.zoho.{dc}/api/v2/{resource_id}` with `method=worksheet.records.*`
/// form fields.
fn plan_sheet(task: &str, op: &str, args: &[Value]) -> Plan {
    let run = || -> Result<Planned, String> {
        let required = match op {
            "getrecords" => 3,
            "createrecords" => 4,
            "deleterecords" => 4,
            _ => 5,
        };
        let (args, conn) = split_connection(args, required);
        let resource = text(args, 0, "resource id", task)?;
        let worksheet = text(args, 1, "worksheet name", task)?;
        let method = match op {
            "getrecords" => "worksheet.records.fetch",
            "createrecords" => "worksheet.records.add",
            "updaterecords" => "worksheet.records.update",
            _ => "worksheet.records.delete",
        };
        let mut form =
            vec![("method".to_string(), method.to_string()), ("worksheet_name".into(), worksheet)];
        let options_at = match op {
            "getrecords" => 2,
            "createrecords" => {
                let rows = match args.get(2) {
                    Some(l @ Value::List(_)) => l.clone(),
                    Some(m @ Value::Map(_)) => Value::list(vec![m.clone()]),
                    _ => {
                        return Err(format!(
                            "{task}: the row data (argument 3) must be a map or a list of maps"
                        ))
                    }
                };
                form.push(("json_data".into(), to_json_string(&rows)));
                3
            }
            "updaterecords" => {
                form.push(("criteria".into(), text(args, 2, "criteria", task)?));
                form.push(("data".into(), to_json_string(map_arg(args, 3, "data map", task)?)));
                4
            }
            _ => {
                form.push(("criteria".into(), text(args, 2, "criteria", task)?));
                3
            }
        };
        form.extend(map_pairs(args.get(options_at)));
        Ok(planned(
            Product::Sheet,
            "POST",
            format!("/api/v2/{resource}"),
            vec![],
            PlannedBody::Form(form),
            conn,
            Shape::Body,
        ))
    };
    matches!(op, "getrecords" | "createrecords" | "updaterecords" | "deleterecords").then(run)
}

/// Writer v2 merges: `POST {api}/writer/api/v1/documents/{id}/merge/{email|store}` with
/// `merge_data` and the settings maps as form fields.
fn plan_writer(task: &str, op: &str, args: &[Value]) -> Plan {
    let action = match op {
        "v2.mergeandsend" => "email",
        "v2.mergeandstore" => "store",
        _ => return None,
    };
    Some((|| {
        let (args, conn) = split_connection(args, 4);
        let document = text(args, 0, "document id", task)?;
        let mut form = vec![(
            "merge_data".to_string(),
            to_json_string(map_arg(args, 1, "merge detail", task)?),
        )];
        form.extend(map_pairs(args.get(2)));
        form.extend(map_pairs(args.get(3)));
        Ok(planned(
            Product::Writer,
            "POST",
            format!("/writer/api/v1/documents/{document}/merge/{action}"),
            vec![],
            PlannedBody::Form(form),
            conn,
            Shape::Body,
        ))
    })())
}

/// WorkDrive `createFolder`: `POST {api}/workdrive/api/v1/files` (JSON:API body).
fn plan_workdrive(task: &str, op: &str, args: &[Value]) -> Plan {
    (op == "createfolder").then(|| {
        let (args, conn) = split_connection(args, 2);
        let name = text(args, 0, "folder name", task)?;
        let parent = text(args, 1, "parent id", task)?;
        let attributes =
            Value::map_from([("name", Value::text(name)), ("parent_id", Value::text(parent))]);
        let data = Value::map_from([("attributes", attributes), ("type", Value::from("files"))]);
        let body = to_json_string(&Value::map_from([("data", data)]));
        Ok(planned(
            Product::WorkDrive,
            "POST",
            "/workdrive/api/v1/files".into(),
            vec![],
            PlannedBody::Json(body),
            conn,
            Shape::Body,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::plan;

    fn t(s: &str) -> Value {
        Value::from(s)
    }

    #[test]
    fn crm_extras_plan_their_routes() {
        let p = plan("zoho.crm.getorgvariable", &[t("api_key_x")]).unwrap();
        assert_eq!((p.method, p.path.as_str()), ("GET", "/crm/v2/settings/variables"));
        assert_eq!(p.extra.pick.as_deref(), Some("api_key_x"));
        let deal = Value::map_from([("Deal_Name", t("D"))]);
        let p =
            plan("zoho.crm.convertlead", &[t("42"), Value::map_from([("Deals", deal)])]).unwrap();
        assert_eq!(p.path, "/crm/v2/Leads/42/actions/convert");
        assert_eq!(p.body, PlannedBody::Json(r#"{"data":[{"Deals":{"Deal_Name":"D"}}]}"#.into()));
        let rows = Value::list(vec![Value::map_from([("Last_Name", t("A"))])]);
        let opts = Value::map_from([("trigger", Value::list(vec![t("workflow")]))]);
        let p = plan("zoho.crm.bulkcreate", &[t("Leads"), rows, opts, t("crm")]).unwrap();
        assert_eq!((p.method, p.connection.as_deref()), ("POST", Some("crm")));
        let wf = p.extra.workflow.unwrap();
        assert!(wf.create);
        assert_eq!(wf.rows, vec![(None, vec!["Last_Name".to_string()])]);
        let p = plan(
            "zoho.crm.updaterelatedrecord",
            &[t("Campaigns"), t("7"), t("Leads"), t("8"), Value::empty_map()],
        )
        .unwrap();
        assert_eq!((p.method, p.path.as_str()), ("PUT", "/crm/v2/Leads/8/Campaigns/7"));
        assert!(plan("zoho.crm.bulkcreate", &[t("Leads"), t("x")]).is_err());
    }

    #[test]
    fn update_with_workflow_trigger_names_the_record() {
        let opts = Value::map_from([("trigger", Value::list(vec![t("workflow")]))]);
        let rec = Value::map_from([("Stage", t("Won"))]);
        let p = plan("zoho.crm.updaterecord", &[t("Deals"), t("9"), rec.clone(), opts]).unwrap();
        let wf = p.extra.workflow.unwrap();
        assert!(!wf.create);
        assert_eq!(wf.rows, vec![(Some("9".to_string()), vec!["Stage".to_string()])]);
        let p = plan("zoho.crm.updaterecord", &[t("Deals"), t("9"), rec]).unwrap();
        assert!(p.extra.workflow.is_none());
    }

    #[test]
    fn org_variable_values_are_text() {
        let body =
            r#"{"variables":[{"api_name":"Score","value":23},{"api_name":"K","value":null}]}"#;
        assert_eq!(variable_value("score", 200, body), Value::text("23"));
        assert_eq!(variable_value("K", 200, body), Value::Null);
        assert_eq!(variable_value("none", 200, body), Value::Null);
        assert_eq!(variable_value("x", 204, ""), Value::Null);
    }

    #[test]
    fn other_products() {
        let p = plan("zoho.desk.getrecordbyid", &[t("123"), t("Tickets"), t("9")]).unwrap();
        assert_eq!((p.product, p.path.as_str()), (Product::Desk, "/api/v1/tickets/9"));
        assert_eq!(p.extra.headers, vec![("orgId".to_string(), "123".to_string())]);
        let p = plan("zoho.inventory.getrecords", &[t("items"), t("55")]).unwrap();
        assert_eq!(p.path, "/inventory/v1/items");
        let p = plan("zoho.projects.getrecords", &[t("acme"), t("1"), t("Tasks")]).unwrap();
        assert_eq!(p.path, "/restapi/portal/acme/projects/1/tasks/");
        let p = plan("zoho.sheet.getrecords", &[t("r1"), t("Sheet1"), Value::empty_map()]).unwrap();
        assert_eq!(p.path, "/api/v2/r1");
        let err = plan("zoho.desk.deleteattachment", &[]).unwrap_err();
        assert!(err.contains("zoho.desk.deleteattachment is not supported"), "{err}");
        assert!(plan("zoho.workdrive.createfolder", &[t("F"), t("p")]).is_ok());
    }
}
