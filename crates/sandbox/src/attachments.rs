//! CRM attachments: files attached to records (`zoho.crm.attachFile`, the Attachments
//! related list).
//!
//! Routes (any CRM version): `POST /{module}/{id}/Attachments` (multipart, part `file`),
//! `GET /{module}/{id}/Attachments` (the list, without content), `GET
//! /{module}/{id}/Attachments/{attachment_id}` (the bytes, with their content type and a
//! `Content-Disposition` naming the file) and `DELETE /{module}/{id}/Attachments/{attachment_id}`.
//! In the state file they are the list `crm_attachments`, content in Base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::counters::{owner_ref, user_ref, Counters};
use crate::envelope::{json_response, zoho_error, zoho_invalid_module, zoho_param_missing};
use crate::modules::{id_text, position_by_id, Modules, Record};
use crate::records::{page_of, resolve_module};
use crate::route::Call;
use crate::{Body, Response, SandboxError, Service};

/// Zoho's upload limit ("Maximum allowed file size: 100 MB", upload-attachment page).
const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;

/// Fields whose text names a record, tried in order for `Parent_Id.name`.
const NAME_FIELDS: [&str; 9] = [
    "Full_Name",
    "Deal_Name",
    "Account_Name",
    "Product_Name",
    "Campaign_Name",
    "Vendor_Name",
    "Subject",
    "Last_Name",
    "Name",
];

/// One file attached to a CRM record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Attachment {
    id: String,
    /// The parent's module, as the sandbox names it (`Leads`).
    module: String,
    parent_id: String,
    parent_name: Option<String>,
    file_name: String,
    content_type: String,
    content: Vec<u8>,
    created_time: String,
    modified_time: String,
}

impl Attachment {
    /// The attachment as the list shows it (Zoho's fields, no content).
    fn metadata(&self) -> Record {
        let mut parent = Map::new();
        if let Some(name) = &self.parent_name {
            parent.insert("name".into(), Value::String(name.clone()));
        }
        parent.insert("id".into(), Value::String(self.parent_id.clone()));
        let mut record = Map::new();
        record.insert("id".into(), Value::String(self.id.clone()));
        record.insert("File_Name".into(), Value::String(self.file_name.clone()));
        record.insert("Size".into(), Value::String(self.content.len().to_string()));
        record.insert("$se_module".into(), Value::String(self.module.clone()));
        record.insert("Parent_Id".into(), Value::Object(parent));
        record.insert("Created_Time".into(), Value::String(self.created_time.clone()));
        record.insert("Created_By".into(), user_ref());
        record.insert("Modified_Time".into(), Value::String(self.modified_time.clone()));
        record.insert("Modified_By".into(), user_ref());
        record.insert("Owner".into(), owner_ref());
        record
    }

    /// The attachment as the state file keeps it: the metadata plus `content_type` and
    /// `content_base64`.
    fn to_state(&self) -> Value {
        let mut record = self.metadata();
        record.insert("content_type".into(), Value::String(self.content_type.clone()));
        record.insert("content_base64".into(), Value::String(STANDARD.encode(&self.content)));
        Value::Object(record)
    }
}

/// Whether `call` is an attachment route: `/{module}/{id}/Attachments[/{attachment_id}]`.
pub(crate) fn is_attachment_call(call: &Call<'_>) -> bool {
    matches!(call.segments.len(), 3 | 4) && call.segments[2].eq_ignore_ascii_case("Attachments")
}

/// Answers an attachment route of CRM.
pub(crate) fn handle(
    crm: &Modules,
    attachments: &mut Vec<Attachment>,
    counters: &mut Counters,
    call: &Call<'_>,
) -> Response {
    let (module_arg, parent_id) = (call.segments[0].as_str(), call.segments[1].as_str());
    let Some(module) = resolve_module(crm, Service::Crm, module_arg) else {
        return zoho_invalid_module(module_arg);
    };
    let records = crm.records(&module);
    let Some(parent) = position_by_id(records, "id", parent_id).and_then(|i| records.get(i)) else {
        return zoho_error(
            400,
            "INVALID_DATA",
            "the related id given seems to be invalid",
            json!({"id": parent_id}),
        );
    };
    let of_parent =
        |a: &Attachment| a.module.eq_ignore_ascii_case(&module) && a.parent_id == parent_id;
    match (call.method.as_str(), call.segments.get(3).map(String::as_str)) {
        ("GET", None) => {
            let list: Vec<Record> =
                attachments.iter().filter(|a| of_parent(a)).map(Attachment::metadata).collect();
            page_of(list.iter().collect(), call)
        }
        ("POST", None) => upload(attachments, counters, call, &module, parent_id, parent),
        ("GET", Some(id)) => match attachments.iter().find(|a| of_parent(a) && a.id == id) {
            Some(a) => download(a),
            None => invalid_attachment(id),
        },
        ("DELETE", Some(id)) => match attachments.iter().position(|a| of_parent(a) && a.id == id) {
            Some(index) => {
                attachments.remove(index);
                json_response(
                    200,
                    &json!({"data": [{"code": "SUCCESS", "details": {"id": id},
                                          "message": "record deleted", "status": "success"}]}),
                )
            }
            None => invalid_attachment(id),
        },
        ("POST" | "DELETE", _) => crate::envelope::zoho_invalid_url(call),
        (method, _) => zoho_error(
            400,
            "INVALID_REQUEST_METHOD",
            "The http request method type is not a valid one",
            json!({"method": method}),
        ),
    }
}

fn invalid_attachment(id: &str) -> Response {
    zoho_error(400, "INVALID_DATA", "the id given seems to be invalid", json!({"id": id}))
}

/// POST: the multipart part `file` becomes a new attachment.
fn upload(
    attachments: &mut Vec<Attachment>,
    counters: &mut Counters,
    call: &Call<'_>,
    module: &str,
    parent_id: &str,
    parent: &Record,
) -> Response {
    let Body::Multipart(parts) = &call.request.body else {
        return zoho_param_missing("file");
    };
    let Some(part) = parts.iter().find(|p| p.name == "file") else {
        return zoho_param_missing("file");
    };
    if part.content.len() > MAX_FILE_BYTES {
        return zoho_error(
            400,
            "FILE_SIZE_MORE_THAN_ALLOWED",
            "file size is more than the allowed size",
            json!({"maximum_size": MAX_FILE_BYTES, "given_size": part.content.len()}),
        );
    }
    let file_name = part
        .file_name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "file".to_string());
    let content_type = part
        .content_type
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "application/octet-stream".to_string());
    let time = counters.zoho_time();
    let attachment = Attachment {
        id: counters.id(),
        module: module.to_string(),
        parent_id: parent_id.to_string(),
        parent_name: parent_name(parent),
        file_name,
        content_type,
        content: part.content.clone(),
        created_time: time.clone(),
        modified_time: time.clone(),
    };
    let details = json!({
        "Modified_Time": time,
        "Modified_By": user_ref(),
        "Created_Time": time,
        "id": attachment.id,
        "Created_By": user_ref(),
    });
    attachments.push(attachment);
    json_response(
        200,
        &json!({"data": [{"code": "SUCCESS", "details": details,
                          "message": "attachment uploaded successfully", "status": "success"}]}),
    )
}

fn parent_name(parent: &Record) -> Option<String> {
    NAME_FIELDS
        .iter()
        .find_map(|field| parent.get(*field).and_then(Value::as_str))
        .filter(|name| !name.is_empty())
        .map(str::to_string)
}

/// GET of one attachment: its bytes, content type and file name.
fn download(a: &Attachment) -> Response {
    let quoted = a.file_name.replace('\\', "\\\\").replace('"', "\\\"");
    Response {
        status: 200,
        headers: vec![
            ("content-type".to_string(), a.content_type.clone()),
            ("content-disposition".to_string(), format!("attachment; filename=\"{quoted}\"")),
        ],
        body: a.content.clone(),
    }
}

/// The `crm_attachments` list of a state file, as saved by [`save`].
pub(crate) fn load(
    items: Vec<Value>,
    counters: &mut Counters,
) -> Result<Vec<Attachment>, SandboxError> {
    items.into_iter().enumerate().map(|(index, item)| load_one(index, item, counters)).collect()
}

fn load_one(
    index: usize,
    item: Value,
    counters: &mut Counters,
) -> Result<Attachment, SandboxError> {
    let path = |field: &str| format!("crm_attachments[{index}]{field}");
    let invalid = |field: &str, message: &str| SandboxError::Invalid {
        path: path(field),
        message: message.into(),
    };
    let Value::Object(map) = item else {
        return Err(invalid("", "an attachment must be an object"));
    };
    let text = |key: &str| -> Result<String, SandboxError> {
        match map.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            _ => Err(invalid(&format!(".{key}"), "must be a non-empty text")),
        }
    };
    let id = match map.get("id") {
        None | Some(Value::Null) => counters.id(),
        other => {
            id_text(other).ok_or_else(|| invalid(".id", "an id must be a text or a number"))?
        }
    };
    let parent = map.get("Parent_Id");
    let parent_id = id_text(parent.and_then(|p| p.get("id")))
        .ok_or_else(|| invalid(".Parent_Id.id", "the parent record's id is missing"))?;
    let parent_name =
        parent.and_then(|p| p.get("name")).and_then(Value::as_str).map(str::to_string);
    let encoded = match map.get("content_base64") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.chars().filter(|c| !c.is_whitespace()).collect(),
        Some(_) => return Err(invalid(".content_base64", "must be a text")),
    };
    let content = STANDARD
        .decode(encoded.as_bytes())
        .map_err(|err| invalid(".content_base64", &format!("not valid Base64 ({err})")))?;
    let time = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_string);
    let created_time = match time("Created_Time") {
        Some(t) => t,
        None => counters.zoho_time(),
    };
    Ok(Attachment {
        id,
        module: text("$se_module")?,
        parent_id,
        parent_name,
        file_name: text("File_Name")?,
        content_type: time("content_type")
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "application/octet-stream".to_string()),
        content,
        modified_time: time("Modified_Time").unwrap_or_else(|| created_time.clone()),
        created_time,
    })
}

/// The attachments as the state file's `crm_attachments` list.
pub(crate) fn save(attachments: &[Attachment]) -> Value {
    Value::Array(attachments.iter().map(Attachment::to_state).collect())
}
