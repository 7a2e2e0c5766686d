//! Records grouped by module, in the order the state file (or the first write) gave them.

use serde_json::{Map, Value};

/// One record: a JSON object, unknown fields kept as given.
pub(crate) type Record = Map<String, Value>;

/// Modules and their records, in insertion order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Modules {
    entries: Vec<(String, Vec<Record>)>,
}

impl Modules {
    pub(crate) fn from_entries(entries: Vec<(String, Vec<Record>)>) -> Modules {
        Modules { entries }
    }

    /// Modules and records in order.
    pub(crate) fn entries(&self) -> &[(String, Vec<Record>)] {
        &self.entries
    }

    /// Mutable access to every module, for normalising ids after loading.
    pub(crate) fn entries_mut(&mut self) -> &mut [(String, Vec<Record>)] {
        &mut self.entries
    }

    /// The stored name of a module matching `name` case-insensitively.
    pub(crate) fn find_name(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(stored, _)| stored.eq_ignore_ascii_case(name))
            .map(|(stored, _)| stored.as_str())
    }

    /// The records of `module` (none when the module has never been written).
    pub(crate) fn records(&self, module: &str) -> &[Record] {
        self.entries
            .iter()
            .find(|(name, _)| name == module)
            .map(|(_, records)| records.as_slice())
            .unwrap_or_default()
    }

    /// The records of `module`, creating the module when it is missing.
    pub(crate) fn records_mut(&mut self, module: &str) -> &mut Vec<Record> {
        let index = match self.entries.iter().position(|(name, _)| name == module) {
            Some(index) => index,
            None => {
                self.entries.push((module.to_string(), Vec::new()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[index].1
    }

    /// Serialises as a JSON object of module name → list of records.
    pub(crate) fn to_value(&self) -> Map<String, Value> {
        self.entries
            .iter()
            .map(|(name, records)| {
                let list = records.iter().cloned().map(Value::Object).collect();
                (name.clone(), Value::Array(list))
            })
            .collect()
    }
}

/// The text form of an id field (ids are stored as text; numbers are accepted).
pub(crate) fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The position of the record whose `key` field is `id`.
pub(crate) fn position_by_id(records: &[Record], key: &str, id: &str) -> Option<usize> {
    records.iter().position(|record| id_text(record.get(key)).as_deref() == Some(id))
}

/// A copy of `record` with `key` moved (or added) to the front.
pub(crate) fn with_key_first(record: Record, key: &str, value: Value) -> Record {
    let mut out = Map::new();
    out.insert(key.to_string(), value);
    for (name, field) in record {
        if name != key {
            out.insert(name, field);
        }
    }
    out
}
