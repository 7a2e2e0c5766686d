//! CRM beyond plain records: organization variables (`GET /settings/variables`), lead
//! conversion (`POST /Leads/{id}/actions/convert`) and many-to-many relations
//! (`PUT`/`DELETE /{module}/{id}/{related_list}/{related_id}`).
//!
//! Their state lives beside the CRM modules in the state file, under the reserved keys
//! `org_variables` (name → value) and `relations` (a list of links with relation fields).

use serde_json::{json, Map, Value};

use crate::counters::Counters;
use crate::envelope::{json_response, no_content, zoho_error, zoho_error_value, zoho_invalid_url};
use crate::modules::{id_text, position_by_id, Modules, Record};
use crate::records::related_module;
use crate::records_write::{
    apply_update, as_object, data_entries, insert, is_blank, mandatory_fields, mandatory_missing,
    respond,
};
use crate::route::Call;
use crate::{Response, Service};

/// State-file key of the organization variables.
pub(crate) const ORG_VARIABLES_KEY: &str = "org_variables";
/// State-file key of the relation links.
pub(crate) const RELATIONS_KEY: &str = "relations";

/// CRM state that is not a module's records.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CrmExtras {
    /// Organization variables by API name, in the order given.
    pub(crate) org_variables: Map<String, Value>,
    /// Links made by "update related record": one record of each side plus the relation's
    /// own fields (`Member_Status`, `list_price`, ...).
    pub(crate) relations: Vec<Relation>,
}

/// One link between two CRM records.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Relation {
    pub(crate) parent_module: String,
    pub(crate) parent_id: String,
    pub(crate) related_module: String,
    pub(crate) related_id: String,
    pub(crate) fields: Map<String, Value>,
}

impl Relation {
    /// The other side's id when one side is (`module`, `id`) and the other is in `other`.
    fn other_side(&self, module: &str, id: &str, other: &str) -> Option<&str> {
        if self.parent_module == module && self.parent_id == id && self.related_module == other {
            Some(&self.related_id)
        } else if self.related_module == module
            && self.related_id == id
            && self.parent_module == other
        {
            Some(&self.parent_id)
        } else {
            None
        }
    }

    fn to_value(&self) -> Value {
        json!({
            "parent_module": self.parent_module,
            "parent_id": self.parent_id,
            "related_module": self.related_module,
            "related_id": self.related_id,
            "fields": Value::Object(self.fields.clone()),
        })
    }
}

impl CrmExtras {
    /// Adds the non-empty parts to a CRM state object.
    pub(crate) fn save_into(&self, crm: &mut Map<String, Value>) {
        if !self.org_variables.is_empty() {
            crm.insert(ORG_VARIABLES_KEY.to_string(), Value::Object(self.org_variables.clone()));
        }
        if !self.relations.is_empty() {
            let list = self.relations.iter().map(Relation::to_value).collect();
            crm.insert(RELATIONS_KEY.to_string(), Value::Array(list));
        }
    }

    /// The ids of `other`-module records linked to (`module`, `id`), with the link's fields.
    pub(crate) fn linked<'a>(
        &'a self,
        module: &'a str,
        id: &'a str,
        other: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Map<String, Value>)> + 'a {
        self.relations
            .iter()
            .filter_map(move |link| link.other_side(module, id, other).map(|o| (o, &link.fields)))
    }
}

/// `org_variables`: an object of API name → text, number or boolean.
pub(crate) fn read_variables(value: Value) -> Result<Map<String, Value>, String> {
    let Value::Object(map) = value else {
        return Err("crm.org_variables must be an object of variable name → value".into());
    };
    for (name, value) in &map {
        if name.trim().is_empty() {
            return Err("crm.org_variables: a variable name must not be empty".into());
        }
        if !matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null) {
            return Err(format!(
                "crm.org_variables.{name}: a value must be a text, a number or a boolean"
            ));
        }
    }
    Ok(map)
}

/// `relations`: a list of `{"parent_module", "parent_id", "related_module", "related_id",
/// "fields"?}`.
pub(crate) fn read_relations(value: Value) -> Result<Vec<Relation>, String> {
    let Value::Array(items) = value else {
        return Err("crm.relations must be a list".into());
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let bad = |what: &str| format!("crm.relations[{index}]: {what}");
            let Value::Object(map) = item else { return Err(bad("must be an object")) };
            let text = |key: &str| {
                id_text(map.get(key))
                    .ok_or_else(|| bad(&format!("{key} must be a text or a number")))
            };
            let fields = match map.get("fields") {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(fields)) => fields.clone(),
                Some(_) => return Err(bad("fields must be an object")),
            };
            Ok(Relation {
                parent_module: text("parent_module")?,
                parent_id: text("parent_id")?,
                related_module: text("related_module")?,
                related_id: text("related_id")?,
                fields,
            })
        })
        .collect()
}

/// `GET /settings/variables[/{id or api name}]`.
pub(crate) fn variables(extra: &CrmExtras, rest: &[&str], call: &Call<'_>) -> Response {
    if call.method != "GET" {
        return zoho_error(
            400,
            "INVALID_REQUEST_METHOD",
            "The http request method type is not a valid one",
            json!({"method": call.method}),
        );
    }
    let all: Vec<Value> = extra
        .org_variables
        .iter()
        .enumerate()
        .map(|(index, (name, value))| variable_json(index, name, value))
        .collect();
    let chosen: Vec<Value> = match rest {
        [] => all,
        [wanted] => all
            .into_iter()
            .filter(|v| {
                v["id"].as_str() == Some(wanted)
                    || v["api_name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            })
            .collect(),
        _ => return zoho_invalid_url(call),
    };
    if chosen.is_empty() {
        return no_content();
    }
    json_response(200, &json!({ "variables": chosen }))
}

/// One variable as the Variables API shows it. Ids are `4600000000` + position (chosen).
fn variable_json(index: usize, name: &str, value: &Value) -> Value {
    let kind = match value {
        Value::Bool(_) => "checkbox",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "double",
        _ => "text",
    };
    json!({
        "api_name": name,
        "name": name,
        "description": null,
        "id": format!("46000000{:05}", index + 1),
        "type": kind,
        "value": value,
        "variable_group": {"api_name": "General", "name": "General", "id": "4600000000000"},
    })
}

/// Lead fields copied to the new account (lead field, account field).
const ACCOUNT_MAP: [(&str, &str); 11] = [
    ("Company", "Account_Name"),
    ("Phone", "Phone"),
    ("Fax", "Fax"),
    ("Website", "Website"),
    ("Industry", "Industry"),
    ("No_of_Employees", "Employees"),
    ("Annual_Revenue", "Annual_Revenue"),
    ("Street", "Billing_Street"),
    ("City", "Billing_City"),
    ("State", "Billing_State"),
    ("Country", "Billing_Country"),
];

/// Lead fields copied to the new contact.
const CONTACT_MAP: [(&str, &str); 16] = [
    ("Salutation", "Salutation"),
    ("First_Name", "First_Name"),
    ("Last_Name", "Last_Name"),
    ("Email", "Email"),
    ("Secondary_Email", "Secondary_Email"),
    ("Phone", "Phone"),
    ("Mobile", "Mobile"),
    ("Fax", "Fax"),
    ("Designation", "Title"),
    ("Lead_Source", "Lead_Source"),
    ("Email_Opt_Out", "Email_Opt_Out"),
    ("Street", "Mailing_Street"),
    ("City", "Mailing_City"),
    ("State", "Mailing_State"),
    ("Zip_Code", "Mailing_Zip"),
    ("Country", "Mailing_Country"),
];

fn copy_fields(lead: &Record, map: &[(&str, &str)]) -> Record {
    let mut out = Map::new();
    for (from, to) in map {
        if let Some(value) = lead.get(*from).filter(|v| !is_blank(Some(v))) {
            out.insert((*to).to_string(), value.clone());
        }
    }
    out
}

fn lookup(id: &str, name: Option<&Value>) -> Value {
    json!({"name": name.cloned().unwrap_or(Value::Null), "id": id})
}

/// The id of an existing record given as `"123"`, `123` or `{"id": "123"}`.
fn given_id(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(map) => id_text(map.get("id")),
        other => id_text(Some(other)),
    }
}

/// `POST /Leads/{id}/actions/convert` with `{"data":[{"overwrite"?, "notify_lead_owner"?,
/// "notify_new_entity_owner"?, "Accounts"?, "Contacts"?, "assign_to"?, "Deals"?}]}`.
///
/// Creates a contact (and an account when the lead has a `Company`), or links the ones
/// given by id (updating them from the lead when `overwrite` is true), creates a deal when
/// `Deals` carries its fields, and flags the lead `$converted`. Answers
/// `{"data":[{"Contacts":id,"Deals":id|null,"Accounts":id|null}]}`.
pub(crate) fn convert_lead(
    store: &mut Modules,
    counters: &mut Counters,
    lead_id: &str,
    call: &Call<'_>,
) -> Response {
    if call.method != "POST" {
        return zoho_error(
            400,
            "INVALID_REQUEST_METHOD",
            "The http request method type is not a valid one",
            json!({"method": call.method}),
        );
    }
    let entries = match data_entries(call) {
        Ok(entries) => entries,
        Err(response) => return response,
    };
    let result = entries
        .into_iter()
        .next()
        .ok_or_else(|| mandatory_missing("data"))
        .and_then(as_object)
        .and_then(|options| convert(store, counters, lead_id, &options));
    respond(vec![result], 200)
}

fn convert(
    store: &mut Modules,
    counters: &mut Counters,
    lead_id: &str,
    options: &Record,
) -> Result<Value, Value> {
    let invalid_id = |id: &str, api_name: &str| {
        zoho_error_value(
            "INVALID_DATA",
            "the id given seems to be invalid",
            json!({"api_name": api_name, "id": id}),
        )
    };
    let lead = position_by_id(store.records("Leads"), "id", lead_id)
        .and_then(|index| store.records("Leads").get(index))
        .cloned()
        .ok_or_else(|| invalid_id(lead_id, "id"))?;
    if lead.get("$converted") == Some(&Value::Bool(true)) {
        return Err(zoho_error_value(
            "ID_ALREADY_CONVERTED",
            "id already converted",
            json!({"id": lead_id}),
        ));
    }
    let overwrite = options.get("overwrite") == Some(&Value::Bool(true));
    let owner = given_id(options.get("assign_to")).map(|id| json!({"id": id}));
    let account_given = given_id(options.get("Accounts"));
    let contact_given = given_id(options.get("Contacts"));
    for (id, module) in [(&account_given, "Accounts"), (&contact_given, "Contacts")] {
        if let Some(id) = id {
            if position_by_id(store.records(module), "id", id).is_none() {
                return Err(invalid_id(id, module));
            }
        }
    }
    let deal_fields = match options.get("Deals") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) if map.is_empty() => None,
        Some(Value::Object(map)) => Some(map.clone()),
        Some(_) => {
            return Err(zoho_error_value(
                "INVALID_DATA",
                "invalid data",
                json!({"api_name": "Deals", "expected_data_type": "jsonobject"}),
            ))
        }
    };
    if let Some(deal) = &deal_fields {
        if let Some(missing) =
            mandatory_fields(Service::Crm, "Deals").iter().find(|f| is_blank(deal.get(**f)))
        {
            return Err(mandatory_missing(missing));
        }
    }
    let with_owner = |mut fields: Record| {
        if let Some(owner) = &owner {
            fields.insert("Owner".to_string(), owner.clone());
        }
        fields
    };
    let new_id = |entry: Value| entry["details"]["id"].as_str().unwrap_or_default().to_string();

    // The account: the one given, else a new one when the lead names a company.
    let account = match account_given {
        Some(id) => {
            if overwrite {
                update_from_lead(
                    store,
                    counters,
                    "Accounts",
                    &id,
                    copy_fields(&lead, &ACCOUNT_MAP),
                );
            }
            Some(id)
        }
        None if !is_blank(lead.get("Company")) => Some(new_id(insert(
            store,
            counters,
            "Accounts",
            with_owner(copy_fields(&lead, &ACCOUNT_MAP)),
        ))),
        None => None,
    };
    let account_name = account.as_ref().and_then(|id| {
        let records = store.records("Accounts");
        position_by_id(records, "id", id).and_then(|i| records[i].get("Account_Name").cloned())
    });
    let account_lookup = account.as_ref().map(|id| lookup(id, account_name.as_ref()));

    let mut contact_fields = copy_fields(&lead, &CONTACT_MAP);
    if let Some(lookup) = &account_lookup {
        contact_fields.insert("Account_Name".to_string(), lookup.clone());
    }
    let contact = match contact_given {
        Some(id) => {
            if overwrite {
                update_from_lead(store, counters, "Contacts", &id, contact_fields);
            }
            id
        }
        None => new_id(insert(store, counters, "Contacts", with_owner(contact_fields))),
    };
    let contact_name = {
        let records = store.records("Contacts");
        position_by_id(records, "id", &contact)
            .and_then(|i| records[i].get("Full_Name").or(records[i].get("Last_Name")).cloned())
    };

    let deal = deal_fields.map(|mut fields| {
        if let Some(lookup) = &account_lookup {
            fields.entry("Account_Name").or_insert_with(|| lookup.clone());
        }
        fields.entry("Contact_Name").or_insert_with(|| lookup(&contact, contact_name.as_ref()));
        if let Some(source) = lead.get("Lead_Source").filter(|v| !is_blank(Some(v))) {
            fields.entry("Lead_Source").or_insert_with(|| source.clone());
        }
        new_id(insert(store, counters, "Deals", with_owner(fields)))
    });

    let leads = store.records_mut("Leads");
    if let Some(record) = position_by_id(leads, "id", lead_id).and_then(|i| leads.get_mut(i)) {
        record.insert("$converted".to_string(), Value::Bool(true));
        record.insert(
            "$converted_detail".to_string(),
            json!({"Contacts": contact, "Accounts": account, "Deals": deal}),
        );
    }
    Ok(json!({"Contacts": contact, "Deals": deal, "Accounts": account}))
}

fn update_from_lead(
    store: &mut Modules,
    counters: &mut Counters,
    module: &str,
    id: &str,
    fields: Record,
) {
    let records = store.records_mut(module);
    if let Some(record) = position_by_id(records, "id", id).and_then(|i| records.get_mut(i)) {
        apply_update(record, counters, module, fields);
    }
}

/// `PUT /{module}/{id}/{related}/{related_id}` (one link, body optional) or
/// `PUT /{module}/{id}/{related}` (ids inside `data`): links the records, keeping the
/// entry's other fields as the relation's fields. `DELETE` with a related id (or `?ids=`)
/// removes links.
#[allow(clippy::too_many_arguments)]
pub(crate) fn relation_write(
    store: &Modules,
    extra: &mut CrmExtras,
    service: Service,
    module: &str,
    id: &str,
    related: &str,
    related_id: Option<&str>,
    call: &Call<'_>,
) -> Response {
    let related_module = match related_module(store, service, module, id, related) {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let exists = |rid: &str| position_by_id(store.records(&related_module), "id", rid).is_some();
    let bad_id = |rid: &str| {
        zoho_error_value("INVALID_DATA", "the id given seems to be invalid", json!({"id": rid}))
    };
    let success = |rid: &str, message: &str| json!({"code": "SUCCESS", "details": {"id": rid}, "message": message, "status": "success"});
    if call.method == "DELETE" {
        let ids: Vec<String> = match related_id {
            Some(rid) => vec![rid.to_string()],
            None => call
                .param("ids")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        };
        if ids.is_empty() {
            return crate::envelope::zoho_param_missing("ids");
        }
        let results = ids
            .iter()
            .map(|rid| {
                let before = extra.relations.len();
                extra.relations.retain(|link| {
                    link.other_side(module, id, &related_module) != Some(rid.as_str())
                });
                if before == extra.relations.len() && !exists(rid) {
                    Err(bad_id(rid))
                } else {
                    Ok(success(rid, "relation removed"))
                }
            })
            .collect();
        return respond(results, 200);
    }
    // PUT: the body is optional for a single link.
    let entries = match (related_id, &call.request.body) {
        (Some(_), crate::Body::None) => vec![Value::Object(Map::new())],
        _ => match data_entries(call) {
            Ok(entries) => entries,
            Err(response) => return response,
        },
    };
    let results = entries
        .into_iter()
        .map(|entry| {
            let mut fields = as_object(entry)?;
            let rid = match related_id {
                Some(rid) => rid.to_string(),
                None => id_text(fields.get("id")).ok_or_else(|| mandatory_missing("id"))?,
            };
            fields.remove("id");
            if !exists(&rid) {
                return Err(bad_id(&rid));
            }
            match extra
                .relations
                .iter_mut()
                .find(|link| link.other_side(module, id, &related_module) == Some(rid.as_str()))
            {
                Some(link) => link.fields.extend(fields),
                None => extra.relations.push(Relation {
                    parent_module: module.to_string(),
                    parent_id: id.to_string(),
                    related_module: related_module.clone(),
                    related_id: rid.clone(),
                    fields,
                }),
            }
            Ok(success(&rid, "relation updated"))
        })
        .collect();
    respond(results, 200)
}
