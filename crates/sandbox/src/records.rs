//! The Bigin and CRM record APIs (same shapes): routing and the read side.
//!
//! GET `/{module}`, `/{module}/{id}`, `/{module}/search`, `/{module}/{id}/{related}`; the
//! writes are in `records_write`.

use serde_json::{json, Map, Value};

use crate::counters::Counters;
use crate::criteria::{self, compare, field_texts};
use crate::crm_extra::{self, CrmExtras};
use crate::envelope::{
    json_response, no_content, zoho_error, zoho_invalid_module, zoho_invalid_param,
    zoho_invalid_url, zoho_param_missing,
};
use crate::modules::{id_text, position_by_id, Modules, Record};
use crate::route::Call;
use crate::{coql, records_upsert, records_write};
use crate::{Response, Service};

/// Zoho's page size limit and default.
const MAX_PER_PAGE: usize = 200;

const BIGIN_MODULES: [&str; 8] =
    ["Contacts", "Accounts", "Pipelines", "Products", "Tasks", "Events", "Calls", "Notes"];

#[rustfmt::skip]
const CRM_MODULES: [&str; 18] = [
    "Leads", "Contacts", "Accounts", "Deals", "Campaigns", "Tasks", "Cases", "Events", "Calls",
    "Solutions", "Products", "Vendors", "Price_Books", "Quotes", "Sales_Orders",
    "Purchase_Orders", "Invoices", "Notes",
];

/// Answers a Bigin or CRM request whose path (after the version) is `call.segments`.
pub(crate) fn handle(
    store: &mut Modules,
    mut extra: Option<&mut CrmExtras>,
    counters: &mut Counters,
    service: Service,
    call: &Call<'_>,
) -> Response {
    let segments: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    let Some((&module_arg, rest)) = segments.split_first() else {
        return zoho_invalid_url(call);
    };
    if service == Service::Crm && module_arg == "coql" && rest.is_empty() {
        return match call.method.as_str() {
            "POST" => coql::handle(store, call),
            method => zoho_error(
                400,
                "INVALID_REQUEST_METHOD",
                "The http request method type is not a valid one",
                json!({"method": method}),
            ),
        };
    }
    if let (Some(extra), "settings", ["variables", more @ ..]) =
        (extra.as_deref(), module_arg, rest)
    {
        return crm_extra::variables(extra, more, call);
    }
    let Some(module) = resolve_module(store, service, module_arg) else {
        return zoho_invalid_module(module_arg);
    };
    if let (true, "Leads", [id, "actions", "convert"]) = (extra.is_some(), module.as_str(), rest) {
        return crm_extra::convert_lead(store, counters, id, call);
    }
    if let (Some(extra), "PUT" | "DELETE", [id, relation, tail @ ..]) =
        (extra.as_deref_mut(), call.method.as_str(), rest)
    {
        if tail.len() <= 1 {
            let related_id = tail.first().copied();
            return crm_extra::relation_write(
                store, extra, service, &module, id, relation, related_id, call,
            );
        }
    }
    let extra = extra.as_deref();
    let ctx = records_write::Write { store, counters, service, module: &module, call };
    match (call.method.as_str(), rest) {
        ("GET", []) => list(ctx.store, &module, call),
        ("GET", ["search"]) => search(ctx.store, &module, call),
        ("GET", [id]) => get(ctx.store, &module, id, call),
        ("GET", [id, relation]) => related(ctx.store, extra, service, &module, id, relation, call),
        ("POST", []) => records_write::create(ctx),
        ("POST", ["upsert"]) => records_upsert::upsert(ctx),
        ("PUT", []) => records_write::update(ctx, None),
        ("PUT", [id]) => records_write::update(ctx, Some(id)),
        ("DELETE", []) => records_write::delete(ctx, None),
        ("DELETE", [id]) => records_write::delete(ctx, Some(id)),
        (method, [] | [_] | [_, _]) if !matches!(method, "GET" | "POST" | "PUT" | "DELETE") => {
            zoho_error(
                400,
                "INVALID_REQUEST_METHOD",
                "The http request method type is not a valid one",
                json!({"method": method}),
            )
        }
        _ => zoho_invalid_url(call),
    }
}

/// The stored or built-in module matching `name` case-insensitively (Bigin also accepts
/// its v1 name `Deals` for `Pipelines`).
pub(crate) fn resolve_module(store: &Modules, service: Service, name: &str) -> Option<String> {
    if let Some(stored) = store.find_name(name) {
        return Some(stored.to_string());
    }
    let known: &[&str] = match service {
        Service::Bigin if name.eq_ignore_ascii_case("Deals") => return resolve_pipelines(store),
        Service::Bigin => &BIGIN_MODULES,
        _ => &CRM_MODULES,
    };
    known.iter().find(|known| known.eq_ignore_ascii_case(name)).map(|known| known.to_string())
}

fn resolve_pipelines(store: &Modules) -> Option<String> {
    Some(store.find_name("Pipelines").unwrap_or("Pipelines").to_string())
}

/// GET `/{module}`: `page`, `per_page`, `fields`, `sort_by`, `sort_order`.
fn list(store: &Modules, module: &str, call: &Call<'_>) -> Response {
    let converted = match converted_param(call) {
        Ok(converted) => converted,
        Err(response) => return response,
    };
    let mut records: Vec<&Record> =
        store.records(module).iter().filter(|record| converted(record)).collect();
    let descending = match call.param("sort_order").map(str::trim) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return zoho_invalid_param("sort_order", other),
    };
    if let Some(field) = call.param("sort_by").filter(|field| !field.is_empty()) {
        records.sort_by(|a, b| {
            let order = compare(&sort_key(a, field), &sort_key(b, field));
            if descending {
                order.reverse()
            } else {
                order
            }
        });
    }
    page_of(records, call)
}

/// The `converted` parameter of lists and searches (`false` by default, `true`, `both`):
/// which leads to show, by their `$converted` flag.
fn converted_param(call: &Call<'_>) -> Result<fn(&Record) -> bool, Response> {
    fn is_converted(record: &Record) -> bool {
        record.get("$converted") == Some(&Value::Bool(true))
    }
    match call.param("converted").map(str::trim) {
        None | Some("false") => Ok(|record| !is_converted(record)),
        Some("true") => Ok(is_converted),
        Some("both") => Ok(|_| true),
        Some(other) => Err(zoho_invalid_param("converted", other)),
    }
}

fn sort_key(record: &Record, field: &str) -> String {
    field_texts(record, field).into_iter().next().unwrap_or_default()
}

/// GET `/{module}/{id}`: `{"data":[record]}`, or 204 when there is no such record.
fn get(store: &Modules, module: &str, id: &str, call: &Call<'_>) -> Response {
    let records = store.records(module);
    match position_by_id(records, "id", id).and_then(|index| records.get(index)) {
        Some(record) => {
            let fields = fields_param(call);
            json_response(200, &json!({"data": [project(record, &fields)]}))
        }
        None => no_content(),
    }
}

/// GET `/{module}/search` with `criteria`, `email`, `phone` or `word`; 204 when nothing
/// matches.
fn search(store: &Modules, module: &str, call: &Call<'_>) -> Response {
    let converted = match converted_param(call) {
        Ok(converted) => converted,
        Err(response) => return response,
    };
    let records = store.records(module).iter().filter(|record| converted(record));
    let found: Vec<&Record> = if let Some(text) = call.param("criteria") {
        match criteria::parse(text) {
            Ok(criteria) => records.filter(|record| criteria.matches(record)).collect(),
            Err(reason) => {
                return zoho_error(
                    400,
                    "INVALID_QUERY",
                    "invalid query formed",
                    json!({"reason": reason, "criteria": text}),
                )
            }
        }
    } else if let Some(email) = call.param("email") {
        records.filter(|record| matches_email(record, email)).collect()
    } else if let Some(phone) = call.param("phone") {
        records.filter(|record| matches_phone(record, phone)).collect()
    } else if let Some(word) = call.param("word") {
        records.filter(|record| matches_word(record, word)).collect()
    } else {
        return zoho_param_missing("criteria");
    };
    page_of(found, call)
}

/// The module behind a related list of record `module/id`, or Zoho's error when the parent
/// record or the relation does not exist (shared by related-list reads and relation writes).
pub(crate) fn related_module(
    store: &Modules,
    service: Service,
    module: &str,
    id: &str,
    related: &str,
) -> Result<String, Response> {
    if position_by_id(store.records(module), "id", id).is_none() {
        return Err(zoho_error(
            400,
            "INVALID_DATA",
            "the related id given seems to be invalid",
            json!({"id": id}),
        ));
    }
    resolve_module(store, service, related).ok_or_else(|| {
        zoho_error(
            400,
            "INVALID_DATA",
            "the relation name given seems to be invalid",
            json!({"api_name": related}),
        )
    })
}

/// GET `/{module}/{id}/{related}`: records of `related` with a lookup to the parent.
fn related(
    store: &Modules,
    extra: Option<&CrmExtras>,
    service: Service,
    module: &str,
    id: &str,
    related: &str,
    call: &Call<'_>,
) -> Response {
    let related_module = match related_module(store, service, module, id, related) {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let mut found: Vec<Record> = store
        .records(&related_module)
        .iter()
        .filter(|record| links_to(record, id))
        .cloned()
        .collect();
    // Links made by "update related record" (either side), with the link's own fields.
    if let Some(extra) = extra {
        for (other_id, fields) in extra.linked(module, id, &related_module) {
            let records = store.records(&related_module);
            let Some(record) = position_by_id(records, "id", other_id).map(|i| &records[i]) else {
                continue;
            };
            if found.iter().any(|r| id_text(r.get("id")).as_deref() == Some(other_id)) {
                continue;
            }
            let mut copy = record.clone();
            copy.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
            found.push(copy);
        }
    }
    page_of(found.iter().collect(), call)
}

/// Whether a field of `record` is a lookup (`{"id": …}`) to `id`.
fn links_to(record: &Record, id: &str) -> bool {
    record.iter().any(|(key, value)| {
        key != "id" && value.is_object() && id_text(value.get("id")).as_deref() == Some(id)
    })
}

fn matches_email(record: &Record, email: &str) -> bool {
    record.iter().any(|(key, value)| {
        key.to_ascii_lowercase().contains("email")
            && value.as_str().is_some_and(|text| text.eq_ignore_ascii_case(email.trim()))
    })
}

fn matches_phone(record: &Record, phone: &str) -> bool {
    let wanted = digits(phone);
    !wanted.is_empty()
        && record.iter().any(|(key, value)| {
            let key = key.to_ascii_lowercase();
            (key.contains("phone") || key.contains("mobile"))
                && value.as_str().is_some_and(|text| digits(text) == wanted)
        })
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn matches_word(record: &Record, word: &str) -> bool {
    let word = word.trim().to_lowercase();
    !word.is_empty()
        && record.iter().any(|(key, _)| {
            field_texts(record, key).iter().any(|text| text.to_lowercase().contains(&word))
        })
}

/// One page of `records` as `{"data":[…],"info":{…}}`, or 204 when the page is empty.
pub(crate) fn page_of(records: Vec<&Record>, call: &Call<'_>) -> Response {
    let page = match number_param(call, "page", 1, usize::MAX) {
        Ok(page) => page,
        Err(response) => return response,
    };
    let per_page = match number_param(call, "per_page", MAX_PER_PAGE, MAX_PER_PAGE) {
        Ok(per_page) => per_page,
        Err(response) => return response,
    };
    let start = (page - 1).saturating_mul(per_page);
    let fields = fields_param(call);
    let data: Vec<Value> =
        records.iter().skip(start).take(per_page).map(|record| project(record, &fields)).collect();
    if data.is_empty() {
        return no_content();
    }
    let more_records = records.len() > start.saturating_add(data.len());
    let info = json!({"per_page": per_page, "count": data.len(), "page": page, "more_records": more_records});
    json_response(200, &json!({"data": data, "info": info}))
}

/// A positive whole number parameter, at most `max`.
fn number_param(
    call: &Call<'_>,
    name: &str,
    default: usize,
    max: usize,
) -> Result<usize, Response> {
    match call.param(name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(number) if (1..=max).contains(&number) => Ok(number),
            _ => Err(zoho_invalid_param(name, text)),
        },
    }
}

/// The `fields` parameter as a list of field names (empty: all fields).
fn fields_param(call: &Call<'_>) -> Vec<String> {
    call.param("fields")
        .map(|text| {
            text.split(',')
                .map(str::trim)
                .filter(|field| !field.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The record with only `id` and the listed fields (all fields when none are listed).
fn project(record: &Record, fields: &[String]) -> Value {
    if fields.is_empty() {
        return Value::Object(record.clone());
    }
    let kept: Map<String, Value> = record
        .iter()
        .filter(|(key, _)| *key == "id" || fields.iter().any(|field| field == *key))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Value::Object(kept)
}
