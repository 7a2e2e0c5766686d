//! Bigin/CRM upsert: POST `/{module}/upsert` (what `zoho.crm.upsert` calls).
//!
//! Body `{"data":[{…}], "duplicate_check_fields":["Email"]}`. A record whose duplicate-check
//! fields all equal (ignoring case) those of an existing record updates it; otherwise it is
//! inserted. Success entries carry `"action":"insert"|"update"` and `"duplicate_field"`.

use serde_json::Value;

use crate::criteria::field_texts;
use crate::modules::Record;
use crate::records_write::{
    apply_update, as_object, data_of, insert, is_blank, mandatory_fields, mandatory_missing,
    request_body, respond, Write,
};
use crate::Response;

/// POST `/{module}/upsert`.
pub(crate) fn upsert(ctx: Write<'_, '_>) -> Response {
    let body = match request_body(ctx.call) {
        Ok(body) => body,
        Err(response) => return response,
    };
    if let Err(response) = crate::records_write::check_trigger(&body) {
        return response;
    }
    let entries = match data_of(&body) {
        Ok(entries) => entries,
        Err(response) => return response,
    };
    let check_fields = duplicate_check_fields(&body, ctx.module);
    let mandatory = mandatory_fields(ctx.service, ctx.module);
    let results = entries
        .into_iter()
        .map(|entry| {
            let fields = as_object(entry)?;
            let records = ctx.store.records_mut(ctx.module);
            let existing = find_duplicate(records, &fields, &check_fields);
            let (mut result, action, field) = match existing {
                Some((index, field)) => {
                    let record = records.get_mut(index).ok_or_else(|| mandatory_missing("id"))?;
                    (apply_update(record, ctx.counters, ctx.module, fields), "update", Some(field))
                }
                None => {
                    if let Some(missing) =
                        mandatory.iter().find(|name| is_blank(fields.get(**name)))
                    {
                        return Err(mandatory_missing(missing));
                    }
                    (insert(ctx.store, ctx.counters, ctx.module, fields), "insert", None)
                }
            };
            if let Value::Object(map) = &mut result {
                map.insert("duplicate_field".to_string(), field.map_or(Value::Null, Value::String));
                map.insert("action".to_string(), Value::String(action.to_string()));
            }
            Ok(result)
        })
        .collect();
    respond(results, 200)
}

/// The body's `duplicate_check_fields`, else the module's usual unique field.
fn duplicate_check_fields(body: &Value, module: &str) -> Vec<String> {
    let given: Vec<String> = body
        .get("duplicate_check_fields")
        .and_then(Value::as_array)
        .map(|fields| fields.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if !given.is_empty() {
        return given;
    }
    let default = match module {
        "Leads" | "Contacts" => "Email",
        "Accounts" => "Account_Name",
        "Deals" | "Pipelines" => "Deal_Name",
        "Products" => "Product_Name",
        "Vendors" => "Vendor_Name",
        "Campaigns" => "Campaign_Name",
        _ => return Vec::new(),
    };
    vec![default.to_string()]
}

/// The first record matching `fields` on one of the check fields (tried in order), and the
/// field that matched.
fn find_duplicate(
    records: &[Record],
    fields: &Record,
    check_fields: &[String],
) -> Option<(usize, String)> {
    check_fields.iter().find_map(|field| {
        let wanted = field_texts(fields, field);
        let wanted = wanted.first()?;
        records
            .iter()
            .position(|record| {
                field_texts(record, field).iter().any(|have| have.eq_ignore_ascii_case(wanted))
            })
            .map(|index| (index, field.clone()))
    })
}
