//! The Bigin and CRM record APIs: POST (create), PUT (update) and DELETE.
//!
//! Every write answers `{"data":[entry, …]}`, one entry per record, each either a success
//! (`"code":"SUCCESS"`) or an error object. HTTP status: 201 (POST) / 200 when all
//! succeed, 400 when all fail, 207 when some do.

use serde_json::{json, Map, Value};

use crate::counters::{owner_ref, user_ref, Counters};
use crate::envelope::{json_response, zoho_error, zoho_error_value, zoho_param_missing};
use crate::modules::{id_text, position_by_id, Modules, Record};
use crate::route::Call;
use crate::{Body, Response, Service};

/// Zoho's limit on records per write call.
const MAX_RECORDS: usize = 100;

/// Fields the sandbox maintains itself; values sent for them are ignored.
const SYSTEM_FIELDS: [&str; 5] =
    ["id", "Created_Time", "Created_By", "Modified_Time", "Modified_By"];

/// Everything a write needs.
pub(crate) struct Write<'a, 'c> {
    pub(crate) store: &'a mut Modules,
    pub(crate) counters: &'a mut Counters,
    pub(crate) service: Service,
    pub(crate) module: &'a str,
    pub(crate) call: &'a Call<'c>,
}

/// POST `/{module}` with `{"data":[{…}, …]}`.
pub(crate) fn create(ctx: Write<'_, '_>) -> Response {
    let entries = match data_entries(ctx.call) {
        Ok(entries) => entries,
        Err(response) => return response,
    };
    let mandatory = mandatory_fields(ctx.service, ctx.module);
    let results = entries
        .into_iter()
        .map(|entry| {
            let fields = as_object(entry)?;
            if let Some(missing) = mandatory.iter().find(|field| is_blank(fields.get(**field))) {
                return Err(mandatory_missing(missing));
            }
            Ok(insert(ctx.store, ctx.counters, ctx.module, fields))
        })
        .collect();
    respond(results, 201)
}

/// PUT `/{module}/{id}` (one record) or PUT `/{module}` (ids inside `data`).
pub(crate) fn update(ctx: Write<'_, '_>, path_id: Option<&str>) -> Response {
    let entries = match data_entries(ctx.call) {
        Ok(entries) => entries,
        Err(response) => return response,
    };
    let mandatory = mandatory_fields(ctx.service, ctx.module);
    let results = entries
        .into_iter()
        .map(|entry| {
            let fields = as_object(entry)?;
            let id = match path_id {
                Some(id) => id.to_string(),
                None => id_text(fields.get("id")).ok_or_else(|| mandatory_missing("id"))?,
            };
            if let Some(blank) = mandatory
                .iter()
                .find(|field| fields.contains_key(**field) && is_blank(fields.get(**field)))
            {
                return Err(mandatory_missing(blank));
            }
            let records = ctx.store.records_mut(ctx.module);
            let index = position_by_id(records, "id", &id).ok_or_else(|| invalid_id(&id))?;
            let record = records.get_mut(index).ok_or_else(|| invalid_id(&id))?;
            Ok(apply_update(record, ctx.counters, ctx.module, fields))
        })
        .collect();
    respond(results, 200)
}

/// DELETE `/{module}/{id}` or DELETE `/{module}?ids=a,b`.
pub(crate) fn delete(ctx: Write<'_, '_>, path_id: Option<&str>) -> Response {
    let ids: Vec<String> = match path_id {
        Some(id) => vec![id.to_string()],
        None => match ctx.call.param("ids") {
            Some(text) => text
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_string)
                .collect(),
            None => return zoho_param_missing("ids"),
        },
    };
    if ids.is_empty() {
        return zoho_param_missing("ids");
    }
    if ids.len() > MAX_RECORDS {
        return limit_exceeded();
    }
    let records = ctx.store.records_mut(ctx.module);
    let results = ids
        .iter()
        .map(|id| {
            let index = position_by_id(records, "id", id).ok_or_else(|| invalid_id(id))?;
            records.remove(index);
            Ok(success("record deleted", json!({"id": id})))
        })
        .collect();
    respond(results, 200)
}

/// Adds a record and returns its success entry.
pub(crate) fn insert(
    store: &mut Modules,
    counters: &mut Counters,
    module: &str,
    fields: Record,
) -> Value {
    let id = counters.id();
    let time = counters.zoho_time();
    let mut record = Map::new();
    record.insert("id".to_string(), Value::String(id.clone()));
    for (key, value) in fields {
        if !SYSTEM_FIELDS.contains(&key.as_str()) {
            record.insert(key, value);
        }
    }
    record.entry("Owner").or_insert_with(owner_ref);
    record.insert("Created_By".to_string(), user_ref());
    record.insert("Created_Time".to_string(), Value::String(time.clone()));
    record.insert("Modified_By".to_string(), user_ref());
    record.insert("Modified_Time".to_string(), Value::String(time));
    fill_full_name(&mut record, module);
    let details = write_details(&record);
    store.records_mut(module).push(record);
    success("record added", details)
}

/// Merges `fields` into `record` and returns the success entry.
pub(crate) fn apply_update(
    record: &mut Record,
    counters: &mut Counters,
    module: &str,
    fields: Record,
) -> Value {
    for (key, value) in fields {
        if !SYSTEM_FIELDS.contains(&key.as_str()) {
            record.insert(key, value);
        }
    }
    record.insert("Modified_By".to_string(), user_ref());
    record.insert("Modified_Time".to_string(), Value::String(counters.zoho_time()));
    fill_full_name(record, module);
    success("record updated", write_details(record))
}

/// Contacts and Leads carry `Full_Name` = `First_Name Last_Name`, kept in step.
fn fill_full_name(record: &mut Record, module: &str) {
    if !matches!(module, "Contacts" | "Leads") {
        return;
    }
    let part =
        |key: &str| record.get(key).and_then(Value::as_str).unwrap_or_default().trim().to_string();
    let (first, last) = (part("First_Name"), part("Last_Name"));
    if last.is_empty() {
        return;
    }
    let full = if first.is_empty() { last } else { format!("{first} {last}") };
    record.insert("Full_Name".to_string(), Value::String(full));
}

/// `details` of a create/update success entry.
fn write_details(record: &Record) -> Value {
    let field = |key: &str| record.get(key).cloned().unwrap_or(Value::Null);
    json!({
        "Modified_Time": field("Modified_Time"),
        "Modified_By": field("Modified_By"),
        "Created_Time": field("Created_Time"),
        "id": field("id"),
        "Created_By": field("Created_By"),
    })
}

fn success(message: &str, details: Value) -> Value {
    json!({"code": "SUCCESS", "details": details, "message": message, "status": "success"})
}

/// The answer for per-record results: 400 when all failed, 207 when some did.
pub(crate) fn respond(results: Vec<Result<Value, Value>>, all_ok: u16) -> Response {
    let failed = results.iter().filter(|result| result.is_err()).count();
    let status = match failed {
        0 => all_ok,
        n if n == results.len() => 400,
        _ => 207,
    };
    let data: Vec<Value> =
        results.into_iter().map(|result| result.unwrap_or_else(|err| err)).collect();
    json_response(status, &json!({"data": data}))
}

/// The `data` list of the request's JSON body, at most [`MAX_RECORDS`] entries; the
/// body's `trigger`, when present, must be a list of known trigger names.
pub(crate) fn data_entries(call: &Call<'_>) -> Result<Vec<Value>, Response> {
    let body = request_body(call)?;
    check_trigger(&body)?;
    data_of(&body)
}

/// What `trigger` may list in a write (Zoho's insert/update/upsert pages).
pub const TRIGGERS: [&str; 5] =
    ["workflow", "approval", "blueprint", "orchestration", "pathfinder"];

/// `"trigger": ["workflow", …]` is accepted (an empty list runs nothing); anything else is
/// `INVALID_DATA`.
pub(crate) fn check_trigger(body: &Value) -> Result<(), Response> {
    let Some(trigger) = body.get("trigger") else { return Ok(()) };
    let ok = match trigger {
        Value::Array(items) => {
            items.iter().all(|item| item.as_str().is_some_and(|name| TRIGGERS.contains(&name)))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(zoho_error(
            400,
            "INVALID_DATA",
            "invalid data",
            json!({"api_name": "trigger", "expected_data_type": "jsonarray", "allowed": TRIGGERS}),
        ))
    }
}

/// The request body as JSON (a text body; anything else is not JSON).
pub(crate) fn request_body(call: &Call<'_>) -> Result<Value, Response> {
    let text = match &call.request.body {
        Body::Text(text) => text.as_str(),
        Body::None | Body::Form(_) | Body::Multipart(_) => "",
    };
    serde_json::from_str(text).map_err(|_| {
        zoho_error(
            400,
            "INVALID_DATA",
            "the request body must be a JSON object like {\"data\":[{…}]}",
            json!({"expected_data_type": "jsonobject"}),
        )
    })
}

/// The `data` list of a body.
pub(crate) fn data_of(body: &Value) -> Result<Vec<Value>, Response> {
    match body.get("data") {
        Some(Value::Array(entries)) if entries.len() > MAX_RECORDS => Err(limit_exceeded()),
        Some(Value::Array(entries)) if !entries.is_empty() => Ok(entries.clone()),
        Some(_) => Err(zoho_error(
            400,
            "INVALID_DATA",
            "invalid data",
            json!({"api_name": "data", "expected_data_type": "jsonarray"}),
        )),
        None => Err(zoho_error(
            400,
            "MANDATORY_NOT_FOUND",
            "required field not found",
            json!({"api_name": "data"}),
        )),
    }
}

pub(crate) fn as_object(entry: Value) -> Result<Record, Value> {
    match entry {
        Value::Object(map) => Ok(map),
        _ => Err(zoho_error_value(
            "INVALID_DATA",
            "invalid data",
            json!({"expected_data_type": "jsonobject"}),
        )),
    }
}

pub(crate) fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.trim().is_empty(),
        Some(_) => false,
    }
}

pub(crate) fn mandatory_missing(field: &str) -> Value {
    zoho_error_value("MANDATORY_NOT_FOUND", "required field not found", json!({"api_name": field}))
}

fn invalid_id(id: &str) -> Value {
    zoho_error_value("INVALID_DATA", "the id given seems to be invalid", json!({"id": id}))
}

fn limit_exceeded() -> Response {
    zoho_error(
        400,
        "LIMIT_EXCEEDED",
        "the number of records exceeds the limit",
        json!({"limit": MAX_RECORDS}),
    )
}

/// Fields a create must carry, per service and module (the default layouts' required
/// fields).
pub(crate) fn mandatory_fields(service: Service, module: &str) -> &'static [&'static str] {
    match (service, module) {
        (_, "Contacts" | "Leads") => &["Last_Name"],
        (_, "Accounts") => &["Account_Name"],
        (Service::Bigin, "Pipelines") | (Service::Crm, "Deals") => &["Deal_Name", "Stage"],
        (_, "Products") => &["Product_Name"],
        (_, "Tasks" | "Quotes" | "Sales_Orders" | "Purchase_Orders" | "Invoices") => &["Subject"],
        (_, "Events") => &["Event_Title"],
        (_, "Campaigns") => &["Campaign_Name"],
        (_, "Vendors") => &["Vendor_Name"],
        _ => &[],
    }
}
