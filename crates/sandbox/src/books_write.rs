//! The Books v3 API: create, update, delete, contact status, contact persons.
//!
//! Payloads come from a `JSONString` form field (what Deluge sends for
//! `parameters: {"JSONString": map.toString()}`), a `JSONString` query parameter, a JSON
//! body, or plain form fields.

use serde_json::{json, Map, Value};

use crate::books::{find, text_of};
use crate::books_modules::{capitalised, BooksModule};
use crate::counters::Counters;
use crate::envelope::{books_error, books_invalid_value, json_response};
use crate::modules::{id_text, position_by_id, Record};
use crate::route::Call;
use crate::sandbox::BooksState;
use crate::{Body, Response};

/// Fields the sandbox maintains itself on every Books record.
const TIME_FIELDS: [&str; 2] = ["created_time", "last_modified_time"];

/// POST `/{module}`: 201 `{"code":0,"message":"The contact has been added.","contact":{…}}`.
pub(crate) fn create(
    books: &mut BooksState,
    counters: &mut Counters,
    module: &BooksModule,
    call: &Call<'_>,
) -> Response {
    let payload = match payload(call) {
        Ok(payload) => payload,
        Err(response) => return response,
    };
    if let Some(missing) =
        module.mandatory.iter().find(|field| text_of(&payload, field).trim().is_empty())
    {
        return books_invalid_value(missing);
    }
    if let Some(response) = duplicate_name(books, module, &payload, None) {
        return response;
    }
    let mut record = Map::new();
    record.insert(module.id_key.clone(), Value::String(counters.id()));
    for (key, value) in payload {
        if key != module.id_key && !TIME_FIELDS.contains(&key.as_str()) {
            record.insert(key, value);
        }
    }
    let existing = books.modules.records(&module.path).len();
    fill_defaults(&mut record, module, existing);
    if let Err(response) = settle_persons(&mut record, &[], counters) {
        return response;
    }
    let time = counters.books_time();
    record.insert("created_time".to_string(), Value::String(time.clone()));
    record.insert("last_modified_time".to_string(), Value::String(time));
    books.modules.records_mut(&module.path).push(record.clone());
    saved(201, &module.created_message(), module, record)
}

/// PUT `/{module}/{id}`: fields are merged; `contact_persons`, when sent, replaces the
/// list (persons with a known `contact_person_id` are merged into that person).
pub(crate) fn update(
    books: &mut BooksState,
    counters: &mut Counters,
    module: &BooksModule,
    id: &str,
    call: &Call<'_>,
) -> Response {
    let payload = match payload(call) {
        Ok(payload) => payload,
        Err(response) => return response,
    };
    let Some(current) = find(books, module, id).cloned() else {
        return books_error(404, 1002, &module.missing_message());
    };
    if let Some(blank) = module
        .mandatory
        .iter()
        .find(|field| payload.contains_key(**field) && text_of(&payload, field).trim().is_empty())
    {
        return books_invalid_value(blank);
    }
    if let Some(response) = duplicate_name(books, module, &payload, Some(id)) {
        return response;
    }
    let old_persons =
        current.get("contact_persons").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut record = current;
    for (key, value) in payload {
        if key != module.id_key && !TIME_FIELDS.contains(&key.as_str()) {
            record.insert(key, value);
        }
    }
    if let Err(response) = settle_persons(&mut record, &old_persons, counters) {
        return response;
    }
    record.insert("last_modified_time".to_string(), Value::String(counters.books_time()));
    store(books, module, id, record.clone());
    saved(200, &module.saved_message(), module, record)
}

/// DELETE `/{module}/{id}`: `{"code":0,"message":"The contact has been deleted."}`.
pub(crate) fn delete(books: &mut BooksState, module: &BooksModule, id: &str) -> Response {
    let records = books.modules.records_mut(&module.path);
    match position_by_id(records, &module.id_key, id) {
        Some(index) => {
            records.remove(index);
            json_response(200, &json!({"code": 0, "message": module.deleted_message()}))
        }
        None => books_error(404, 1002, &module.missing_message()),
    }
}

/// POST `/contacts/{id}/active|inactive` (`The contact has been marked as active.`) and
/// POST `/{module}/{id}/status/{status}` (`Invoice status has been changed to Sent.`).
pub(crate) fn mark_status(
    books: &mut BooksState,
    counters: &mut Counters,
    module: &BooksModule,
    id: &str,
    status: &str,
) -> Response {
    let Some(mut record) = find(books, module, id).cloned() else {
        return books_error(404, 1002, &module.missing_message());
    };
    let status = status.to_ascii_lowercase();
    record.insert("status".to_string(), Value::String(status.clone()));
    record.insert("last_modified_time".to_string(), Value::String(counters.books_time()));
    store(books, module, id, record);
    let message = if module.path == "contacts" {
        format!("The {} has been marked as {status}.", module.label)
    } else {
        format!(
            "{} status has been changed to {}.",
            capitalised(&module.label),
            capitalised(&status)
        )
    };
    json_response(200, &json!({"code": 0, "message": message}))
}

fn store(books: &mut BooksState, module: &BooksModule, id: &str, record: Record) {
    let records = books.modules.records_mut(&module.path);
    if let Some(slot) =
        position_by_id(records, &module.id_key, id).and_then(|index| records.get_mut(index))
    {
        *slot = record;
    }
}

fn saved(status: u16, message: &str, module: &BooksModule, record: Record) -> Response {
    json_response(
        status,
        &json!({"code": 0, "message": message, (module.singular.as_str()): record}),
    )
}

/// Books refuses a second contact with the same `contact_name` (code 3062).
fn duplicate_name(
    books: &BooksState,
    module: &BooksModule,
    payload: &Record,
    own_id: Option<&str>,
) -> Option<Response> {
    if module.path != "contacts" {
        return None;
    }
    let name = payload.get("contact_name")?.as_str()?.trim();
    let taken = books.modules.records(&module.path).iter().any(|record| {
        text_of(record, "contact_name").trim().eq_ignore_ascii_case(name)
            && own_id.is_none_or(|own| id_text(record.get(&module.id_key)).as_deref() != Some(own))
    });
    taken.then(|| {
        let message =
            format!("The contact name \"{name}\" already exists. Please specify a different name.");
        books_error(400, 3062, &message)
    })
}

/// Defaults of a new record: contacts are active customers; documents get a number and
/// start as drafts.
fn fill_defaults(record: &mut Record, module: &BooksModule, existing: usize) {
    if module.path == "contacts" {
        record.entry("contact_type").or_insert_with(|| json!("customer"));
        record.entry("status").or_insert_with(|| json!("active"));
    }
    if let Some((field, prefix)) = module.numbering {
        let number = format!("{prefix}{:06}", existing + 1);
        record.entry(field).or_insert_with(|| Value::String(number));
        record.entry("status").or_insert_with(|| json!("draft"));
    }
}

/// Gives every contact person an id (keeping known ones, merging into the old person),
/// keeps exactly one primary person and sets `primary_contact_id`.
fn settle_persons(
    record: &mut Record,
    old: &[Value],
    counters: &mut Counters,
) -> Result<(), Response> {
    let Some(sent) = record.get("contact_persons") else {
        return Ok(());
    };
    let Value::Array(sent) = sent else {
        return Err(books_invalid_value("contact_persons"));
    };
    let mut persons = Vec::new();
    for person in sent {
        let Value::Object(fields) = person else {
            return Err(books_invalid_value("contact_persons"));
        };
        persons.push(settle_person(fields, old, counters));
    }
    let primary = persons
        .iter()
        .position(|person| person.get("is_primary_contact") == Some(&Value::Bool(true)))
        .unwrap_or(0);
    for (index, person) in persons.iter_mut().enumerate() {
        person.insert("is_primary_contact".to_string(), Value::Bool(index == primary));
    }
    if let Some(id) =
        persons.get(primary).and_then(|person| person.get("contact_person_id")).cloned()
    {
        record.insert("primary_contact_id".to_string(), id);
    }
    let list = persons.into_iter().map(Value::Object).collect();
    record.insert("contact_persons".to_string(), Value::Array(list));
    Ok(())
}

fn settle_person(fields: &Record, old: &[Value], counters: &mut Counters) -> Record {
    let known = id_text(fields.get("contact_person_id")).and_then(|id| {
        old.iter()
            .filter_map(Value::as_object)
            .find(|person| id_text(person.get("contact_person_id")).as_deref() == Some(id.as_str()))
    });
    let mut person = match known {
        Some(existing) => existing.clone(),
        None => {
            let mut fresh = Map::new();
            fresh.insert("contact_person_id".to_string(), Value::String(counters.id()));
            fresh
        }
    };
    for (key, value) in fields {
        if key != "contact_person_id" {
            person.insert(key.clone(), value.clone());
        }
    }
    person
}

/// The JSON object a create or update sends.
fn payload(call: &Call<'_>) -> Result<Record, Response> {
    if let Some(text) = call.form_field("JSONString").or_else(|| call.param("JSONString")) {
        return json_object(text);
    }
    match &call.request.body {
        Body::Text(text) if text.trim_start().starts_with('{') => {
            let object = json_object(text)?;
            match object.get("JSONString") {
                Some(Value::String(inner)) if object.len() == 1 => json_object(inner),
                _ => Ok(object),
            }
        }
        Body::Text(text) => {
            let inner = url::form_urlencoded::parse(text.as_bytes())
                .find(|(key, _)| key == "JSONString")
                .map(|(_, value)| value.into_owned());
            match inner {
                Some(inner) => json_object(&inner),
                None => Err(books_invalid_value("JSONString")),
            }
        }
        Body::Form(fields) if !fields.is_empty() => Ok(fields
            .iter()
            .filter(|(key, _)| key != "organization_id")
            .map(|(key, value)| (key.clone(), Value::String(value.clone())))
            .collect()),
        Body::Form(_) | Body::None | Body::Multipart(_) => Err(books_invalid_value("JSONString")),
    }
}

fn json_object(text: &str) -> Result<Record, Response> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(books_invalid_value("JSONString")),
    }
}
