//! The Books v3 API: one organization, routing and the read side.
//!
//! GET `/organizations`, `/{module}`, `/{module}/{id}`; writes are in `books_write`.

use serde_json::{json, Value};

use crate::books_modules::{capitalised, BooksModule};
use crate::books_write;
use crate::counters::Counters;
use crate::criteria::compare;
use crate::envelope::{books_error, books_invalid_url, books_invalid_value, json_response};
use crate::modules::{position_by_id, Record};
use crate::route::Call;
use crate::sandbox::BooksState;
use crate::Response;

/// Books' page size default and limit.
const MAX_PER_PAGE: usize = 200;

/// List parameters that are not field filters.
const RESERVED_PARAMS: [&str; 8] = [
    "organization_id",
    "page",
    "per_page",
    "search_text",
    "filter_by",
    "sort_column",
    "sort_order",
    "JSONString",
];

/// Fields a list can be filtered on: `field=value` (exact, case-insensitive),
/// `field_startswith=…` and `field_contains=…`.
const FILTER_FIELDS: [&str; 21] = [
    "contact_name",
    "company_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "contact_type",
    "customer_id",
    "customer_name",
    "vendor_id",
    "vendor_name",
    "status",
    "invoice_number",
    "estimate_number",
    "salesorder_number",
    "reference_number",
    "name",
    "sku",
    "item_name",
    "description",
];

/// Answers a Books request whose path (after the version) is `call.segments`.
pub(crate) fn handle(books: &mut BooksState, counters: &mut Counters, call: &Call<'_>) -> Response {
    let segments: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    if call.method == "GET" && segments == ["organizations"] {
        return organizations(books);
    }
    if let Some(requested) = requested_organization(call) {
        if requested != books.organization_id {
            let message =
                format!("This user is not associated with the CompanyID/CompanyName:{requested}.");
            return books_error(401, 6041, &message);
        }
    }
    let Some((&path, rest)) = segments.split_first() else {
        return books_invalid_url(call);
    };
    let path = path.to_ascii_lowercase();
    let known = books.modules.find_name(&path).is_some();
    let Some(module) = BooksModule::lookup(&path, !known) else {
        return books_invalid_url(call);
    };
    let is_contacts = module.path == "contacts";
    match (call.method.as_str(), rest) {
        ("GET", []) => list(books, &module, call),
        ("GET", [id]) => get(books, &module, id),
        ("GET", [id, "contactpersons"]) if is_contacts => contact_persons(books, &module, id),
        ("POST", []) => books_write::create(books, counters, &module, call),
        ("PUT", [id]) => books_write::update(books, counters, &module, id, call),
        ("DELETE", [id]) => books_write::delete(books, &module, id),
        ("POST", [id, status @ ("active" | "inactive")]) if is_contacts => {
            books_write::mark_status(books, counters, &module, id, status)
        }
        ("POST", [id, "status", status]) if !is_contacts && !status.is_empty() => {
            books_write::mark_status(books, counters, &module, id, status)
        }
        _ => books_invalid_url(call),
    }
}

/// `organization_id` from the query, a form field or the
/// `X-com-zoho-books-organizationid` header; blank counts as absent (the default).
fn requested_organization<'a>(call: &'a Call<'_>) -> Option<&'a str> {
    call.param("organization_id")
        .or_else(|| call.form_field("organization_id"))
        .or_else(|| call.header("X-com-zoho-books-organizationid"))
        .map(str::trim)
        .filter(|id| !id.is_empty())
}

fn organizations(books: &BooksState) -> Response {
    let organization = json!({
        "organization_id": books.organization_id,
        "name": "Sandbox Organization",
        "is_default_org": true,
        "currency_code": "USD",
        "time_zone": "Etc/UTC",
    });
    json_response(200, &json!({"code": 0, "message": "success", "organizations": [organization]}))
}

/// GET `/{module}/{id}`; missing → 404 code 1002 `<Label> does not exist.`
fn get(books: &BooksState, module: &BooksModule, id: &str) -> Response {
    match find(books, module, id) {
        Some(record) => json_response(
            200,
            &json!({"code": 0, "message": "success", (module.singular.as_str()): record}),
        ),
        None => books_error(404, 1002, &module.missing_message()),
    }
}

fn contact_persons(books: &BooksState, module: &BooksModule, id: &str) -> Response {
    match find(books, module, id) {
        Some(record) => {
            let persons = record.get("contact_persons").cloned().unwrap_or(json!([]));
            json_response(
                200,
                &json!({"code": 0, "message": "success", "contact_persons": persons}),
            )
        }
        None => books_error(404, 1002, &module.missing_message()),
    }
}

pub(crate) fn find<'a>(
    books: &'a BooksState,
    module: &BooksModule,
    id: &str,
) -> Option<&'a Record> {
    let records = books.modules.records(&module.path);
    position_by_id(records, &module.id_key, id).and_then(|index| records.get(index))
}

/// GET `/{module}` with `search_text`, `filter_by`, field filters, `sort_column`,
/// `sort_order`, `page`, `per_page`.
fn list(books: &BooksState, module: &BooksModule, call: &Call<'_>) -> Response {
    let filter = match status_filter(module, call.param("filter_by")) {
        Ok(filter) => filter,
        Err(response) => return response,
    };
    let (page, per_page) = match (number(call, "page", 1), number(call, "per_page", MAX_PER_PAGE)) {
        (Ok(page), Ok(per_page)) => (page, per_page.min(MAX_PER_PAGE)),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let search = call.param("search_text").map(str::to_lowercase);
    let mut found: Vec<&Record> = books
        .modules
        .records(&module.path)
        .iter()
        .filter(|record| {
            filter
                .as_deref()
                .is_none_or(|status| status_of(module, record).eq_ignore_ascii_case(status))
        })
        .filter(|record| search.as_deref().is_none_or(|text| matches_search(record, text)))
        .filter(|record| matches_filters(record, call))
        .collect();
    let sort_column = call.param("sort_column").filter(|column| !column.is_empty());
    if let Some(column) = sort_column {
        found.sort_by(|a, b| compare(&text_of(a, column), &text_of(b, column)));
        if call.param("sort_order") == Some("D") {
            found.reverse();
        }
    }
    let start = (page - 1).saturating_mul(per_page);
    let items: Vec<Value> = found
        .iter()
        .skip(start)
        .take(per_page)
        .map(|record| Value::Object((*record).clone()))
        .collect();
    let page_context = json!({
        "page": page,
        "per_page": per_page,
        "has_more_page": found.len() > start.saturating_add(items.len()),
        "report_name": capitalised(&module.path),
        "applied_filter": call.param("filter_by").unwrap_or("Status.All"),
        "sort_column": sort_column.unwrap_or("created_time"),
        "sort_order": call.param("sort_order").unwrap_or("A"),
    });
    json_response(
        200,
        &json!({"code": 0, "message": "success", (module.path.as_str()): items, "page_context": page_context}),
    )
}

/// `filter_by=Status.X`: `None` for all records, `Some(status)` to keep one status.
/// Contacts accept `Status.All|Active|Inactive` only; anything else is Books code 2.
fn status_filter(
    module: &BooksModule,
    filter_by: Option<&str>,
) -> Result<Option<String>, Response> {
    let Some(filter) = filter_by.map(str::trim).filter(|filter| !filter.is_empty()) else {
        return Ok(None);
    };
    let status = filter.strip_prefix("Status.").filter(|status| !status.is_empty());
    let allowed = match status {
        Some(status) if module.path == "contacts" => {
            ["All", "Active", "Inactive"].iter().any(|known| known.eq_ignore_ascii_case(status))
        }
        Some(_) => true,
        None => false,
    };
    match status {
        Some(status) if allowed && status.eq_ignore_ascii_case("All") => Ok(None),
        Some(status) if allowed => Ok(Some(status.to_string())),
        _ => Err(books_invalid_value("filter_by")),
    }
}

fn number(call: &Call<'_>, name: &str, default: usize) -> Result<usize, Response> {
    match call.param(name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(number) if number >= 1 => Ok(number),
            _ => Err(books_invalid_value(name)),
        },
    }
}

/// A record's `status`; contacts without one are active (what Books creates).
fn status_of(module: &BooksModule, record: &Record) -> String {
    match text_of(record, "status") {
        status if status.is_empty() && module.path == "contacts" => "active".to_string(),
        status => status,
    }
}

/// `search_text`: a case-insensitive substring of a `…name`, `…_number` or `email` field.
fn matches_search(record: &Record, text: &str) -> bool {
    record.iter().any(|(key, value)| {
        (key.ends_with("name") || key.ends_with("_number") || key == "email")
            && value.as_str().is_some_and(|field| field.to_lowercase().contains(text))
    })
}

/// Field filters: `email=…`, `contact_name_startswith=…`, `company_name_contains=…`.
fn matches_filters(record: &Record, call: &Call<'_>) -> bool {
    call.query.iter().all(|(key, wanted)| {
        if RESERVED_PARAMS.contains(&key.as_str()) {
            return true;
        }
        let wanted = wanted.to_lowercase();
        let (field, test): (&str, fn(&str, &str) -> bool) =
            if let Some(field) = key.strip_suffix("_startswith") {
                (field, |have, want| have.starts_with(want))
            } else if let Some(field) = key.strip_suffix("_contains") {
                (field, |have, want| have.contains(want))
            } else {
                (key.as_str(), |have, want| have == want)
            };
        !FILTER_FIELDS.contains(&field) || test(&text_of(record, field).to_lowercase(), &wanted)
    })
}

/// A field as text (`""` when missing).
pub(crate) fn text_of(record: &Record, field: &str) -> String {
    match record.get(field) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::Bool(flag)) => flag.to_string(),
        _ => String::new(),
    }
}
