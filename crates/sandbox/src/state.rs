//! Reading and writing the state file (`STATE.json`, `--sandbox-out`).
//!
//! Reading is typed (serde visitors over the text), so a wrong type is reported at its line
//! and column; ids are then normalised to text and missing ones assigned.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::books_modules::BooksModule;
use crate::counters::visit_map_ids;
use crate::crm_extra::CrmExtras;
use crate::modules::{id_text, with_key_first, Modules, Record};
use crate::sandbox::{BooksState, Sandbox, DEFAULT_ORGANIZATION_ID};
use crate::SandboxError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    bigin: Option<ModulesFile>,
    books: Option<BooksFile>,
    crm: Option<CrmFile>,
    crm_attachments: Option<Vec<Value>>,
    creator: Option<Value>,
    salesiq: Option<Value>,
    outbox: Option<Vec<Value>>,
}

/// `{"Contacts": [{…}], …}`: module name → list of record objects.
struct ModulesFile(Vec<(String, Vec<Record>)>);

/// `{"organization_id": "…", "contacts": [{…}], …}`.
struct BooksFile {
    organization_id: Option<String>,
    modules: Vec<(String, Vec<Record>)>,
    extra: CrmExtras,
}

/// `{"Leads": [{…}], "org_variables": {…}, "relations": […]}`.
struct CrmFile {
    modules: Vec<(String, Vec<Record>)>,
    extra: CrmExtras,
}

impl<'de> Deserialize<'de> for ModulesFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(ModulesVisitor { kind: Kind::Plain })
            .map(|file| ModulesFile(file.modules))
    }
}

impl<'de> Deserialize<'de> for CrmFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(ModulesVisitor { kind: Kind::Crm })
            .map(|file| CrmFile { modules: file.modules, extra: file.extra })
    }
}

impl<'de> Deserialize<'de> for BooksFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ModulesVisitor { kind: Kind::Books })
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Plain,
    Books,
    Crm,
}

/// Reads module lists; for Books also the `organization_id` key, for CRM the
/// `org_variables` and `relations` keys. Every shape comes out as a `BooksFile`; plain
/// module maps keep only its module list.
struct ModulesVisitor {
    kind: Kind,
}

impl<'de> Visitor<'de> for ModulesVisitor {
    type Value = BooksFile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of module name → list of records")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BooksFile, A::Error> {
        let mut out =
            BooksFile { organization_id: None, modules: Vec::new(), extra: CrmExtras::default() };
        let books = self.kind == Kind::Books;
        while let Some(key) = map.next_key::<String>()? {
            if self.kind == Kind::Crm && key == crate::crm_extra::ORG_VARIABLES_KEY {
                out.extra.org_variables = crate::crm_extra::read_variables(map.next_value()?)
                    .map_err(de::Error::custom)?;
                continue;
            }
            if self.kind == Kind::Crm && key == crate::crm_extra::RELATIONS_KEY {
                out.extra.relations = crate::crm_extra::read_relations(map.next_value()?)
                    .map_err(de::Error::custom)?;
                continue;
            }
            if books && key == "organization_id" {
                out.organization_id = Some(match map.next_value::<Value>()? {
                    Value::String(text) if !text.trim().is_empty() => text.trim().to_string(),
                    Value::Number(number) => number.to_string(),
                    _ => return Err(de::Error::custom("organization_id must be a non-empty text")),
                });
                continue;
            }
            // Books paths are lower case (`/books/v3/contacts`); so are its module keys.
            let key = if books { key.to_ascii_lowercase() } else { key };
            let records = map.next_value::<Vec<Record>>()?;
            if out.modules.iter().any(|(name, _)| *name == key) {
                return Err(de::Error::custom(format!("module {key:?} appears twice")));
            }
            out.modules.push((key, records));
        }
        Ok(out)
    }
}

/// Parses a state file into a sandbox.
pub(crate) fn load(text: &str) -> Result<Sandbox, SandboxError> {
    let file: StateFile =
        serde_json::from_str(text).map_err(|err| SandboxError::from_json_error(&err))?;
    let mut sandbox = Sandbox::new();
    if let Some(ModulesFile(modules)) = file.bigin {
        sandbox.bigin = Modules::from_entries(modules);
    }
    if let Some(crm) = file.crm {
        sandbox.crm = Modules::from_entries(crm.modules);
        sandbox.crm_extra = crm.extra;
    }
    if let Some(books) = file.books {
        sandbox.books = BooksState {
            organization_id: books
                .organization_id
                .unwrap_or_else(|| DEFAULT_ORGANIZATION_ID.to_string()),
            modules: Modules::from_entries(books.modules),
        };
    }
    sandbox.outbox = file.outbox.unwrap_or_default();
    let attachments = file.crm_attachments.unwrap_or_default();
    // Ids already taken by attachments are not handed out to records without one.
    for item in &attachments {
        crate::counters::visit_ids(item, &mut |id| sandbox.counters.observe_id(id));
    }
    if let Some(salesiq) = file.salesiq {
        sandbox.salesiq = crate::salesiq::SalesIq::load(salesiq)
            .map_err(|message| SandboxError::Invalid { path: "salesiq".into(), message })?;
    }
    normalise_ids(&mut sandbox)?;
    sandbox.crm_attachments = crate::attachments::load(attachments, &mut sandbox.counters)?;
    if let Some(creator) = file.creator {
        sandbox.creator = crate::creator::load(creator, &mut sandbox.counters)?;
    }
    Ok(sandbox)
}

/// Ids become text; records without one get the next id, after every id already present.
fn normalise_ids(sandbox: &mut Sandbox) -> Result<(), SandboxError> {
    let mut all = Vec::new();
    for modules in [&sandbox.bigin, &sandbox.crm, &sandbox.books.modules] {
        for (_, records) in modules.entries() {
            for record in records {
                visit_map_ids(record, &mut |id| all.push(id.to_string()));
            }
        }
    }
    all.iter().for_each(|id| sandbox.counters.observe_id(id));

    let counters = &mut sandbox.counters;
    for (service, modules) in [("bigin", &mut sandbox.bigin), ("crm", &mut sandbox.crm)] {
        for (name, records) in modules.entries_mut() {
            for (index, record) in records.iter_mut().enumerate() {
                let path = format!("{service}.{name}[{index}].id");
                fix_id(record, "id", &path, &mut || counters.id())?;
            }
        }
    }
    for (name, records) in sandbox.books.modules.entries_mut() {
        let Some(module) = BooksModule::lookup(name, false) else {
            continue;
        };
        for (index, record) in records.iter_mut().enumerate() {
            let path = format!("books.{name}[{index}]");
            fix_id(record, &module.id_key, &format!("{path}.{}", module.id_key), &mut || {
                counters.id()
            })?;
            fix_person_ids(record, &path, &mut || counters.id())?;
        }
    }
    Ok(())
}

/// Makes `record[key]` a non-empty text id.
fn fix_id(
    record: &mut Record,
    key: &str,
    path: &str,
    next_id: &mut dyn FnMut() -> String,
) -> Result<(), SandboxError> {
    let id = match record.get(key) {
        None | Some(Value::Null) => next_id(),
        Some(Value::String(text)) if text.is_empty() => next_id(),
        other => id_text(other).ok_or_else(|| SandboxError::Invalid {
            path: path.to_string(),
            message: "an id must be a text or a number".to_string(),
        })?,
    };
    let taken = std::mem::take(record);
    *record = with_key_first(taken, key, Value::String(id));
    Ok(())
}

/// Contact persons of a Books contact get text `contact_person_id`s too.
fn fix_person_ids(
    record: &mut Record,
    path: &str,
    next_id: &mut dyn FnMut() -> String,
) -> Result<(), SandboxError> {
    let Some(Value::Array(persons)) = record.get_mut("contact_persons") else {
        return Ok(());
    };
    for (index, person) in persons.iter_mut().enumerate() {
        let person_path = format!("{path}.contact_persons[{index}]");
        let Value::Object(map) = person else {
            return Err(SandboxError::Invalid {
                path: person_path,
                message: "a contact person must be an object".to_string(),
            });
        };
        let id_path = format!("{person_path}.contact_person_id");
        fix_id(map, "contact_person_id", &id_path, next_id)?;
    }
    Ok(())
}

/// The state as pretty JSON, ending in a newline.
pub(crate) fn save(sandbox: &Sandbox) -> String {
    let mut books = Map::new();
    books.insert(
        "organization_id".to_string(),
        Value::String(sandbox.books.organization_id.clone()),
    );
    books.extend(sandbox.books.modules.to_value());
    let mut crm = sandbox.crm.to_value();
    sandbox.crm_extra.save_into(&mut crm);
    let mut state = json!({
        "bigin": sandbox.bigin.to_value(),
        "books": books,
        "crm": crm,
    });
    if !sandbox.crm_attachments.is_empty() {
        state["crm_attachments"] = crate::attachments::save(&sandbox.crm_attachments);
    }
    if sandbox.creator.present {
        state["creator"] = sandbox.creator.to_value();
    }
    if sandbox.salesiq.present {
        state["salesiq"] = sandbox.salesiq.to_value();
    }
    state["outbox"] = Value::Array(sandbox.outbox.clone());
    let mut text = serde_json::to_string_pretty(&state).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
