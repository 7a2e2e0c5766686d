//! The [`Sandbox`]: all fake state, token checks and request dispatch.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::attachments::{self, Attachment};
use crate::counters::Counters;
use crate::creator::{CreatorApp, CreatorError, CreatorRecord, Fetch};
use crate::crm_extra::CrmExtras;
use crate::modules::{position_by_id, Modules};
use crate::records_write;
use crate::route::Call;
use crate::salesiq::SalesIq;
use crate::{books, envelope, records, route, state, Request, Response, SandboxError, Service};

/// The Books organization a new sandbox has.
pub(crate) const DEFAULT_ORGANIZATION_ID: &str = "10234695";

/// The one Books organization and its modules (`contacts`, `invoices`, ...).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BooksState {
    pub(crate) organization_id: String,
    pub(crate) modules: Modules,
}

/// All fake state: Bigin modules, the Books organization and its modules, CRM modules, the
/// mail outbox, issued tokens, the id counter and the fixed clock.
///
/// A sandbox is deterministic: the same state and the same requests give the same
/// responses and the same [`Sandbox::to_json`] output.
#[derive(Debug, Clone, PartialEq)]
pub struct Sandbox {
    pub(crate) bigin: Modules,
    pub(crate) books: BooksState,
    pub(crate) crm: Modules,
    /// Files attached to CRM records (`crm_attachments` in the state file).
    pub(crate) crm_attachments: Vec<Attachment>,
    pub(crate) crm_extra: CrmExtras,
    pub(crate) creator: CreatorApp,
    pub(crate) salesiq: SalesIq,
    pub(crate) outbox: Vec<Value>,
    pub(crate) counters: Counters,
    tokens: BTreeMap<String, Service>,
}

impl Default for Sandbox {
    fn default() -> Sandbox {
        Sandbox::new()
    }
}

impl Sandbox {
    /// An empty sandbox: no records, an empty outbox, Books organization `10234695`, ids
    /// from `5000000000001`, the clock at `2024-01-15T10:30:00+00:00`.
    pub fn new() -> Sandbox {
        Sandbox {
            bigin: Modules::default(),
            books: BooksState {
                organization_id: DEFAULT_ORGANIZATION_ID.to_string(),
                modules: Modules::default(),
            },
            crm: Modules::default(),
            crm_attachments: Vec::new(),
            crm_extra: CrmExtras::default(),
            creator: CreatorApp::default(),
            salesiq: SalesIq::default(),
            outbox: Vec::new(),
            counters: Counters::new(),
            tokens: BTreeMap::new(),
        }
    }

    /// Loads a state file (`{"bigin": {…}, "books": {…}, "crm": {…}, "outbox": […]}`, every
    /// part optional). Errors give the line and column, or the path of the bad value.
    /// Records without an id get one; later ids are larger than every id in the file.
    pub fn from_json(text: &str) -> Result<Sandbox, SandboxError> {
        state::load(text)
    }

    /// The state as pretty JSON in the shape [`Sandbox::from_json`] accepts, with a fixed
    /// key order (`bigin`, `books`, `crm`, `outbox`; modules and fields as stored).
    pub fn to_json(&self) -> String {
        state::save(self)
    }

    /// Issues the sandbox credential for connection `link` on `service`:
    /// `sandbox-<service>-<link>`. Requests to that service must carry it as
    /// `Authorization: Zoho-oauthtoken <token>`.
    pub fn issue_token(&mut self, link: &str, service: Service) -> String {
        let token = format!("sandbox-{}-{}", service.name(), link);
        self.tokens.insert(token.clone(), service);
        token
    }

    /// Which fake serves `url`: `www.zohoapis.{dc}/bigin/…`, `/crm/…`, `/books/…` and
    /// `books.zoho.{dc}/api/…` for every data centre (`com`, `eu`, `in`, `com.au`, `jp`,
    /// `ca`, `sa`, `com.cn`). Other URLs give `None`.
    pub fn service_for_url(url: &str) -> Option<Service> {
        route::service_for_url(url)
    }

    /// Answers one request. Never panics: a URL no fake serves gets a 404 naming the method
    /// and URL, a missing or unknown token a 401 in the service's envelope, an unknown route
    /// a 404 in the service's envelope.
    pub fn handle(&mut self, request: &Request) -> Response {
        let Some((service, call)) = route::parse(request) else {
            return envelope::no_route(request);
        };
        if !self.authorized(&call, service) {
            return match service {
                Service::Books => envelope::books_unauthorized(),
                Service::Bigin | Service::Crm => envelope::zoho_invalid_token(),
                Service::Creator => crate::creator_rest::invalid_token(),
            };
        }
        match service {
            Service::Bigin => {
                records::handle(&mut self.bigin, None, &mut self.counters, service, &call)
            }
            Service::Crm if attachments::is_attachment_call(&call) => {
                attachments::handle(&self.crm, &mut self.crm_attachments, &mut self.counters, &call)
            }
            Service::Crm => records::handle(
                &mut self.crm,
                Some(&mut self.crm_extra),
                &mut self.counters,
                service,
                &call,
            ),
            Service::Books => books::handle(&mut self.books, &mut self.counters, &call),
            Service::Creator => {
                crate::creator_rest::handle(&mut self.creator, &mut self.counters, &call)
            }
        }
    }

    /// Puts the Creator application back as it is in `from` (the rollback of a cancelled
    /// form submission); other services keep their state.
    pub fn restore_creator(&mut self, from: &Sandbox) {
        self.creator = from.creator.clone();
    }

    /// The Creator application (`creator` in the state file).
    pub fn creator(&self) -> &CreatorApp {
        &self.creator
    }

    /// `Form[criteria] sort by … range from … to …`: copies of the selected records.
    pub fn creator_fetch(&self, fetch: &Fetch) -> Result<Vec<CreatorRecord>, CreatorError> {
        self.creator.fetch(fetch)
    }

    /// `insert into Form [ … ]`: adds a record, returns its new `ID`. `Added_User` is
    /// accepted and ignored (the sandbox has one user); other system fields are refused.
    pub fn creator_insert(
        &mut self,
        form: &str,
        fields: &CreatorRecord,
    ) -> Result<i64, CreatorError> {
        self.creator.insert(form, fields, &mut self.counters)
    }

    /// `record.Field = value`: sets fields of the record of `form` with `id`; returns it.
    pub fn creator_update(
        &mut self,
        form: &str,
        id: &Value,
        fields: &CreatorRecord,
    ) -> Result<CreatorRecord, CreatorError> {
        self.creator.update(form, id, fields, &mut self.counters)
    }

    /// `delete from Form[criteria]`: removes the selected records and returns them.
    pub fn creator_delete(&mut self, fetch: &Fetch) -> Result<Vec<CreatorRecord>, CreatorError> {
        self.creator.delete(fetch)
    }

    /// The stored or built-in CRM module matching `name` case-insensitively (`dg test`
    /// triggers name modules this way).
    pub fn crm_module(&self, name: &str) -> Option<String> {
        records::resolve_module(&self.crm, Service::Crm, name)
    }

    /// A copy of the CRM record of `module` with `id`.
    pub fn crm_record(&self, module: &str, id: &str) -> Option<Value> {
        let module = self.crm_module(module)?;
        let records = self.crm.records(&module);
        position_by_id(records, "id", id).map(|i| Value::Object(records[i].clone()))
    }

    /// Adds a CRM record as a create through the API would (mandatory fields checked, `id`,
    /// owner and timestamps set); returns its id.
    pub fn crm_insert(&mut self, module: &str, fields: &Value) -> Result<String, String> {
        let module = self.crm_module(module).ok_or_else(|| unknown_module(module))?;
        let Value::Object(fields) = fields else {
            return Err("the record must be an object".into());
        };
        let mut fields = fields.clone();
        fields.remove("id");
        if let Some(missing) = records_write::mandatory_fields(Service::Crm, &module)
            .iter()
            .find(|field| records_write::is_blank(fields.get(**field)))
        {
            return Err(format!("a {module} record needs the mandatory field {missing}"));
        }
        let entry = records_write::insert(&mut self.crm, &mut self.counters, &module, fields);
        Ok(entry["details"]["id"].as_str().unwrap_or_default().to_string())
    }

    /// Adds a CRM record with the id it carries (a trigger's record that the state lacks).
    pub fn crm_insert_with_id(
        &mut self,
        module: &str,
        id: &str,
        fields: &Value,
    ) -> Result<(), String> {
        let new = self.crm_insert(module, fields)?;
        let module = self.crm_module(module).unwrap_or_default();
        self.counters.observe_id(id);
        let records = self.crm.records_mut(&module);
        if let Some(record) = position_by_id(records, "id", &new).and_then(|i| records.get_mut(i)) {
            record.insert("id".to_string(), Value::String(id.to_string()));
        }
        Ok(())
    }

    /// Merges `fields` into the CRM record of `module` with `id`, as an API update would.
    pub fn crm_update(&mut self, module: &str, id: &str, fields: &Value) -> Result<(), String> {
        let module = self.crm_module(module).ok_or_else(|| unknown_module(module))?;
        let Value::Object(fields) = fields else {
            return Err("the changed fields must be an object".into());
        };
        let records = self.crm.records_mut(&module);
        let record = position_by_id(records, "id", id)
            .and_then(|i| records.get_mut(i))
            .ok_or_else(|| format!("{module} has no record with id {id}"))?;
        records_write::apply_update(record, &mut self.counters, &module, fields.clone());
        Ok(())
    }

    /// Removes the CRM record of `module` with `id` and returns it.
    pub fn crm_delete(&mut self, module: &str, id: &str) -> Result<Value, String> {
        let module = self.crm_module(module).ok_or_else(|| unknown_module(module))?;
        let records = self.crm.records_mut(&module);
        let index = position_by_id(records, "id", id)
            .ok_or_else(|| format!("{module} has no record with id {id}"))?;
        Ok(Value::Object(records.remove(index)))
    }

    /// `zoho.salesiq.visitorsession.get`: the current visitor's value of `key`.
    pub fn visitor_session_get(&self, key: &str) -> Option<Value> {
        self.salesiq.get(key).cloned()
    }

    /// `zoho.salesiq.visitorsession.set`: stores `values` for the current visitor.
    pub fn visitor_session_set(&mut self, values: &serde_json::Map<String, Value>) {
        self.salesiq.set(values);
    }

    /// The visitor whose session the SalesIQ tasks use (`salesiq.visitor`).
    pub fn visitor(&self) -> &str {
        &self.salesiq.visitor
    }

    /// Sets a CRM organization variable (`zoho.crm.invokeConnector("crm.set", …)`).
    pub fn set_org_variable(&mut self, name: &str, value: Value) {
        self.crm_extra.org_variables.insert(name.to_string(), value);
    }

    /// Keeps a mail a script sent (`sendmail`); it is saved under `"outbox"`.
    pub fn record_mail(&mut self, mail: Value) {
        self.outbox.push(mail);
    }

    /// The mails recorded so far, oldest first.
    pub fn outbox(&self) -> &[Value] {
        &self.outbox
    }

    /// Whether the request carries `Zoho-oauthtoken <token>` with a token issued for
    /// `service`.
    fn authorized(&self, call: &Call<'_>, service: Service) -> bool {
        let Some(value) = call.header("authorization") else {
            return false;
        };
        let Some((scheme, token)) = value.split_once(char::is_whitespace) else {
            return false;
        };
        scheme.eq_ignore_ascii_case("Zoho-oauthtoken")
            && self.tokens.get(token.trim()) == Some(&service)
    }
}

fn unknown_module(name: &str) -> String {
    format!("CRM has no module '{name}' (built-in modules, or any module of the sandbox state)")
}
