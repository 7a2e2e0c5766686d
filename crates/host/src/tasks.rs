//! Zoho integration tasks (`zoho.bigin.*`, `zoho.books.*`, `zoho.crm.*`) as REST
//! calls: which endpoint each maps to, and how its response becomes the value
//! the task returns (Decision 12: Bigin returns the REST envelope, CRM unwraps).

use dg_runtime::value::{parse_json, to_json_string};
use dg_runtime::Value;

/// The product an integration task talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    Bigin,
    Books,
    Crm,
    Creator,
    Desk,
    Inventory,
    Projects,
    Sheet,
    Writer,
    WorkDrive,
}

impl Product {
    /// The catalog service name of the product's default connection.
    pub fn service(self) -> &'static str {
        match self {
            Product::Bigin => "zoho_bigin",
            Product::Books => "zoho_books",
            Product::Crm => "zoho_crm",
            Product::Creator => "zoho_creator",
            Product::Desk => "zoho_desk",
            Product::Inventory => "zoho_inventory",
            Product::Projects => "zoho_projects",
            Product::Sheet => "zoho_sheet",
            Product::Writer => "zoho_writer",
            Product::WorkDrive => "zoho_workdrive",
        }
    }

    pub(crate) fn base_path(self) -> &'static str {
        match self {
            Product::Bigin => "/bigin/v2",
            Product::Books => "/books/v3",
            Product::Crm => "/crm/v2",
            Product::Creator => "/api/v2",
            Product::Desk => "/api/v1",
            Product::Inventory => "/inventory/v1",
            Product::Projects => "/restapi",
            Product::Sheet => "/api/v2",
            Product::Writer => "/writer/api/v1",
            Product::WorkDrive => "/workdrive/api/v1",
        }
    }

    /// The host prefix that replaces `www.zohoapis.` in the API domain for products that
    /// live on their own hosts (`creator.zoho.com`, `desk.zoho.eu`, ...).
    pub fn host_prefix(self) -> Option<&'static str> {
        match self {
            Product::Creator => Some("creator.zoho."),
            Product::Desk => Some("desk.zoho."),
            Product::Projects => Some("projectsapi.zoho."),
            Product::Sheet => Some("sheet.zoho."),
            _ => None,
        }
    }
}

/// How the HTTP response turns into the task's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The JSON body as it is (an empty body is an empty map).
    Body,
    /// `{"data":[rec]}` → `rec` (CRM getRecordById); errors stay maps.
    First,
    /// `{"data":[…]}` → the list; no content → empty list (CRM getRecords/searchRecords).
    List,
    /// `{"data":[{"details":{…}}]}` → the details (CRM createRecord/updateRecord).
    Details,
    /// `{"data":[entry]}` → the whole entry, success or error (CRM attachFile).
    Entry,
    /// `{"variables":[{"api_name","value"},…]}` → the value of the variable named by
    /// [`PlanExtra::pick`] as text, `null` when there is none (CRM getOrgVariable).
    Variable,
}

/// What some plans need beyond the request itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanExtra {
    /// The name [`Shape::Variable`] picks.
    pub pick: Option<String>,
    /// Extra request headers (Desk's `orgId`).
    pub headers: Vec<(String, String)>,
    /// A CRM write that asked for `trigger: ["workflow"]`: the rules it may fire.
    pub workflow: Option<WorkflowWrite>,
}

/// A CRM create or update whose options carry `"trigger": ["workflow"]`.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowWrite {
    pub module: String,
    /// A create (else an edit).
    pub create: bool,
    /// One entry per record written, in order: its id when the request names it (updates)
    /// and the fields it sets.
    pub rows: Vec<(Option<String>, Vec<String>)>,
}

/// A planned REST call.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub product: Product,
    pub method: &'static str,
    /// Path after the API domain, e.g. `/bigin/v2/Contacts/123`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: PlannedBody,
    pub connection: Option<String>,
    pub shape: Shape,
    pub extra: PlanExtra,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlannedBody {
    None,
    Json(String),
    Form(Vec<(String, String)>),
    /// `multipart/form-data` (a file upload).
    Multipart(Vec<dg_runtime::MultipartPart>),
}

pub(crate) fn text(args: &[Value], i: usize, what: &str, task: &str) -> Result<String, String> {
    match args.get(i) {
        Some(Value::Null) | None => Err(format!("{task}: the {what} is missing")),
        Some(Value::Map(_) | Value::List(_)) => Err(format!("{task}: the {what} must be text")),
        Some(v) => Ok(v.to_display()),
    }
}

pub(crate) fn map_pairs(v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        Some(Value::Map(m)) => m
            .borrow()
            .iter()
            .filter(|(k, _)| !k.to_display().is_empty())
            .map(|(k, v)| (k.to_display(), v.to_display()))
            .collect(),
        Some(Value::Text(s)) => form_urlencoded::parse(s.as_bytes()).into_owned().collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn data_body(record: &Value, options: Option<&Value>) -> String {
    let mut body = dg_runtime::value::MapData::default();
    body.insert(Value::from("data"), Value::list(vec![record.clone()]));
    if let Some(Value::Map(opts)) = options {
        for (k, v) in opts.borrow().iter() {
            body.insert(k.clone(), v.clone());
        }
    }
    to_json_string(&Value::map(body))
}

/// Splits off a trailing connection link name: the last argument when it is text
/// and more arguments were given than the task requires.
pub(crate) fn split_connection(args: &[Value], required: usize) -> (&[Value], Option<String>) {
    match args.split_last() {
        Some((Value::Text(link), rest)) if args.len() > required => (rest, Some(link.to_string())),
        _ => (args, None),
    }
}

pub(crate) fn page_query(args: &[Value], page: usize) -> Vec<(String, String)> {
    let mut q = Vec::new();
    if let Some(Value::Int(p)) = args.get(page) {
        q.push(("page".into(), p.to_string()));
    }
    if let Some(Value::Int(n)) = args.get(page + 1) {
        q.push(("per_page".into(), n.to_string()));
    }
    q
}

/// Plans the REST call for `task` (lower case, e.g. `zoho.bigin.getrecordbyid`).
pub fn plan(task: &str, args: &[Value]) -> Result<Planned, String> {
    let (product, op) = match task.strip_prefix("zoho.") {
        Some(rest) => match rest.split_once('.') {
            Some(("bigin", op)) => (Product::Bigin, op),
            Some(("books", op)) => (Product::Books, op),
            Some(("crm", op)) => (Product::Crm, op),
            Some(("creator", op)) => return crate::creator::plan(task, op, args),
            Some((product, op)) => return crate::tasks_more::plan_product(task, product, op, args),
            None => return Err(format!("{task} is not supported outside Zoho yet")),
        },
        None => return Err(format!("{task} is not an integration task")),
    };
    let op = op.strip_prefix("v8.").unwrap_or(op);
    match product {
        Product::Books => plan_books(task, op, args),
        Product::Crm => match crate::tasks_more::plan_crm(task, op, args)? {
            Some(planned) => Ok(planned),
            None => plan_records(task, product, op, args),
        }
        .map(crate::tasks_more::with_workflow),
        _ => plan_records(task, product, op, args),
    }
}

/// Bigin v2 and CRM v2 share their record API.
fn plan_records(task: &str, product: Product, op: &str, args: &[Value]) -> Result<Planned, String> {
    let base = product.base_path();
    let crm = product == Product::Crm;
    let planned = |method, path: String, query, body, connection, shape: Shape| Planned {
        product,
        method,
        path,
        query,
        body,
        connection,
        shape: if crm { shape } else { Shape::Body },
        extra: PlanExtra::default(),
    };
    match op {
        "getrecordbyid" => {
            let (args, conn) = split_connection(args, 2);
            let module = text(args, 0, "module", task)?;
            let id = text(args, 1, "record id", task)?;
            Ok(planned(
                "GET",
                format!("{base}/{module}/{id}"),
                map_pairs(args.get(2)),
                PlannedBody::None,
                conn,
                Shape::First,
            ))
        }
        "getrecords" => {
            let (args, conn) = split_connection(args, 1);
            let module = text(args, 0, "module", task)?;
            let mut query = page_query(args, 1);
            query.extend(map_pairs(args.get(3)));
            Ok(planned(
                "GET",
                format!("{base}/{module}"),
                query,
                PlannedBody::None,
                conn,
                Shape::List,
            ))
        }
        "searchrecords" => {
            let (args, conn) = split_connection(args, 2);
            let module = text(args, 0, "module", task)?;
            let criteria = text(args, 1, "criteria", task)?;
            let mut query = vec![("criteria".to_string(), criteria)];
            query.extend(page_query(args, 2));
            query.extend(map_pairs(args.get(4)));
            Ok(planned(
                "GET",
                format!("{base}/{module}/search"),
                query,
                PlannedBody::None,
                conn,
                Shape::List,
            ))
        }
        "createrecord" => {
            let (args, conn) = split_connection(args, 2);
            let module = text(args, 0, "module", task)?;
            let record = args
                .get(1)
                .filter(|v| matches!(v, Value::Map(_)))
                .ok_or(format!("{task}: the record must be a map"))?;
            let body = PlannedBody::Json(data_body(record, args.get(2)));
            Ok(planned("POST", format!("{base}/{module}"), vec![], body, conn, Shape::Details))
        }
        "updaterecord" => {
            let (args, conn) = split_connection(args, 3);
            let module = text(args, 0, "module", task)?;
            let id = text(args, 1, "record id", task)?;
            let record = args
                .get(2)
                .filter(|v| matches!(v, Value::Map(_)))
                .ok_or(format!("{task}: the record must be a map"))?;
            let body = PlannedBody::Json(data_body(record, args.get(3)));
            Ok(planned("PUT", format!("{base}/{module}/{id}"), vec![], body, conn, Shape::Details))
        }
        "deleterecord" => {
            let (args, conn) = split_connection(args, 2);
            let module = text(args, 0, "module", task)?;
            let id = text(args, 1, "record id", task)?;
            Ok(planned(
                "DELETE",
                format!("{base}/{module}/{id}"),
                vec![],
                PlannedBody::None,
                conn,
                Shape::Details,
            ))
        }
        "attachfile" => {
            let (args, conn) = split_connection(args, 3);
            let module = text(args, 0, "module", task)?;
            let id = text(args, 1, "record id", task)?;
            let file = match args.get(2) {
                Some(Value::File(f)) => f,
                Some(Value::Null) | None => return Err(format!("{task}: the file is missing")),
                Some(v) => {
                    return Err(format!("{task}: the file must be a FILE, not {}", v.ty().name()))
                }
            };
            let part = dg_runtime::MultipartPart {
                name: "file".into(),
                file_name: Some(file.name()),
                content_type: Some(file.content_type()),
                content: file.bytes().to_vec(),
            };
            Ok(planned(
                "POST",
                format!("{base}/{module}/{id}/Attachments"),
                vec![],
                PlannedBody::Multipart(vec![part]),
                conn,
                Shape::Entry,
            ))
        }
        "getrelatedrecords" => {
            let (args, conn) = split_connection(args, 3);
            let relation = text(args, 0, "relation", task)?;
            let module = text(args, 1, "parent module", task)?;
            let id = text(args, 2, "parent record id", task)?;
            let query = page_query(args, 3);
            Ok(planned(
                "GET",
                format!("{base}/{module}/{id}/{relation}"),
                query,
                PlannedBody::None,
                conn,
                Shape::List,
            ))
        }
        _ => Err(format!("{task} is not supported outside Zoho yet")),
    }
}

pub(crate) fn plan_books(task: &str, op: &str, args: &[Value]) -> Result<Planned, String> {
    let books = |method, path: String, query, body, connection| Planned {
        product: Product::Books,
        method,
        path,
        query,
        body,
        connection,
        shape: Shape::Body,
        extra: PlanExtra::default(),
    };
    let json_string =
        |record: &Value| PlannedBody::Form(vec![("JSONString".into(), to_json_string(record))]);
    match op {
        "createrecord" => {
            let (args, conn) = split_connection(args, 3);
            let module = text(args, 0, "module", task)?.to_ascii_lowercase();
            let org = text(args, 1, "organization id", task)?;
            let record = args
                .get(2)
                .filter(|v| matches!(v, Value::Map(_)))
                .ok_or(format!("{task}: the record must be a map"))?;
            Ok(books(
                "POST",
                format!("/books/v3/{module}"),
                vec![("organization_id".into(), org)],
                json_string(record),
                conn,
            ))
        }
        "getrecords" => {
            // A third text argument with `=` is search criteria, else a connection.
            let (args, conn) = match args {
                [_, _, Value::Text(t)] if !t.contains('=') => split_connection(args, 2),
                _ => split_connection(args, 3),
            };
            let module = text(args, 0, "module", task)?.to_ascii_lowercase();
            let org = text(args, 1, "organization id", task)?;
            let mut query = vec![("organization_id".to_string(), org)];
            query.extend(map_pairs(args.get(2)));
            Ok(books("GET", format!("/books/v3/{module}"), query, PlannedBody::None, conn))
        }
        "getrecordsbyid" => {
            let (args, conn) = split_connection(args, 3);
            let module = text(args, 0, "module", task)?.to_ascii_lowercase();
            let org = text(args, 1, "organization id", task)?;
            let id = text(args, 2, "record id", task)?;
            Ok(books(
                "GET",
                format!("/books/v3/{module}/{id}"),
                vec![("organization_id".into(), org)],
                PlannedBody::None,
                conn,
            ))
        }
        "updaterecord" => {
            let (args, conn) = split_connection(args, 4);
            let module = text(args, 0, "module", task)?.to_ascii_lowercase();
            let org = text(args, 1, "organization id", task)?;
            let id = text(args, 2, "record id", task)?;
            let record = args
                .get(3)
                .filter(|v| matches!(v, Value::Map(_)))
                .ok_or(format!("{task}: the record must be a map"))?;
            Ok(books(
                "PUT",
                format!("/books/v3/{module}/{id}"),
                vec![("organization_id".into(), org)],
                json_string(record),
                conn,
            ))
        }
        "deleterecord" => {
            let (args, conn) = split_connection(args, 3);
            let module = text(args, 0, "module", task)?.to_ascii_lowercase();
            let org = text(args, 1, "organization id", task)?;
            let id = text(args, 2, "record id", task)?;
            Ok(books(
                "DELETE",
                format!("/books/v3/{module}/{id}"),
                vec![("organization_id".into(), org)],
                PlannedBody::None,
                conn,
            ))
        }
        _ => Err(format!("{task} is not supported outside Zoho yet")),
    }
}

/// The value a task returns for an HTTP response body ([`Shape::Variable`] reads the
/// variable named `pick`).
pub fn shape_response_picking(shape: Shape, pick: Option<&str>, status: u16, body: &str) -> Value {
    if shape == Shape::Variable {
        return crate::tasks_more::variable_value(pick.unwrap_or_default(), status, body);
    }
    shape_response(shape, status, body)
}

/// The value a task returns for an HTTP response body.
pub fn shape_response(shape: Shape, status: u16, body: &str) -> Value {
    let parsed = if body.trim().is_empty() { None } else { parse_json(body).ok() };
    let Some(value) = parsed else {
        return match shape {
            Shape::List => Value::list(vec![]),
            _ if body.trim().is_empty() => Value::empty_map(),
            _ => Value::map_from([
                ("code", Value::Int(status as i64)),
                ("message", Value::text(body)),
            ]),
        };
    };
    let first = || -> Option<Value> {
        let Value::Map(m) = &value else { return None };
        let data = m.borrow().get(&Value::from("data")).cloned()?;
        let Value::List(l) = data else { return None };
        let first = l.borrow().first().cloned();
        first
    };
    match shape {
        Shape::Body | Shape::Variable => value,
        Shape::First | Shape::Entry => first().unwrap_or(value),
        Shape::List => match &value {
            Value::Map(m) => match m.borrow().get(&Value::from("data")) {
                Some(list @ Value::List(_)) => list.clone(),
                _ => value.clone(),
            },
            _ => value.clone(),
        },
        Shape::Details => match first() {
            Some(Value::Map(entry)) => {
                let details = entry.borrow().get(&Value::from("details")).cloned();
                let ok = entry.borrow().get(&Value::from("status")).map(|s| s.to_display())
                    == Some("success".into());
                match details {
                    Some(d @ Value::Map(_)) if ok => d,
                    _ => Value::Map(entry),
                }
            }
            _ => value,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::from(s)
    }

    #[test]
    fn bigin_get_by_id_with_query_map_and_connection() {
        let p = plan(
            "zoho.bigin.getrecordbyid",
            &[t("Contacts"), t("42"), Value::empty_map(), t("bigin_conn")],
        )
        .unwrap();
        assert_eq!((p.method, p.path.as_str()), ("GET", "/bigin/v2/Contacts/42"));
        assert_eq!(p.connection.as_deref(), Some("bigin_conn"));
        assert_eq!(p.shape, Shape::Body);
        let p = plan("zoho.bigin.getrecordbyid", &[t("Contacts"), Value::Int(42)]).unwrap();
        assert_eq!(p.connection, None);
    }

    #[test]
    fn books_create_sends_json_string_form() {
        let rec = Value::map_from([("contact_name", t("Ada"))]);
        let p =
            plan("zoho.books.createrecord", &[t("Contacts"), t("123"), rec, t("books")]).unwrap();
        assert_eq!(p.path, "/books/v3/contacts");
        assert_eq!(p.query, vec![("organization_id".to_string(), "123".to_string())]);
        assert_eq!(
            p.body,
            PlannedBody::Form(vec![("JSONString".into(), r#"{"contact_name":"Ada"}"#.into())])
        );
        let p = plan("zoho.books.getrecords", &[t("Contacts"), t("123"), t("email=a@b.c&page=2")])
            .unwrap();
        assert_eq!(p.connection, None);
        assert_eq!(p.query.len(), 3);
        let p = plan("zoho.books.getrecords", &[t("Contacts"), t("123"), t("books_conn")]).unwrap();
        assert_eq!(p.connection.as_deref(), Some("books_conn"));
    }

    #[test]
    fn crm_shapes() {
        let body = r#"{"data":[{"id":"1","Last_Name":"L"}]}"#;
        assert_eq!(
            shape_response(Shape::First, 200, body).to_display(),
            r#"{"id":"1","Last_Name":"L"}"#
        );
        assert_eq!(shape_response(Shape::List, 204, "").to_display(), "");
        let created = r#"{"data":[{"code":"SUCCESS","details":{"id":"9"},"message":"record added","status":"success"}]}"#;
        assert_eq!(shape_response(Shape::Details, 201, created).to_display(), r#"{"id":"9"}"#);
        let failed = r#"{"data":[{"code":"MANDATORY_NOT_FOUND","details":{},"message":"required field not found","status":"error"}]}"#;
        assert!(shape_response(Shape::Details, 400, failed)
            .to_display()
            .contains("MANDATORY_NOT_FOUND"));
    }

    #[test]
    fn crm_attach_file_uploads_one_file_part() {
        let file = Value::file("q1.pdf", None, b"%PDF".to_vec());
        let p = plan("zoho.crm.attachfile", &[t("Leads"), Value::Int(42), file, t("crm")]).unwrap();
        assert_eq!((p.method, p.path.as_str()), ("POST", "/crm/v2/Leads/42/Attachments"));
        assert_eq!(p.connection.as_deref(), Some("crm"));
        let PlannedBody::Multipart(parts) = &p.body else { panic!("{:?}", p.body) };
        assert_eq!(parts[0].name, "file");
        assert_eq!(parts[0].file_name.as_deref(), Some("q1.pdf"));
        assert_eq!(parts[0].content_type.as_deref(), Some("application/pdf"));
        let e = plan("zoho.crm.attachfile", &[t("Leads"), t("42"), t("not a file")]).unwrap_err();
        assert!(e.contains("must be a FILE"), "{e}");
        let ok = r#"{"data":[{"code":"SUCCESS","details":{"id":"9"},"message":"attachment uploaded successfully","status":"success"}]}"#;
        assert!(shape_response(Shape::Entry, 200, ok)
            .to_display()
            .starts_with(r#"{"code":"SUCCESS""#));
    }

    #[test]
    fn bad_arguments_are_messages() {
        assert!(plan("zoho.crm.createrecord", &[t("Leads"), t("not a map"), t("x")]).is_err());
        assert!(plan("zoho.bigin.getrecordbyid", &[t("Contacts")]).is_err());
        assert!(plan("zoho.cliq.posttochannel", &[]).is_err());
    }
}
