//! SalesIQ visitor sessions (`zoho.salesiq.visitorsession.get/set`): a store of values per
//! visitor, the current visitor's used by the tasks.
//!
//! ```json
//! "salesiq": {"visitor": "visitor-1", "sessions": {"visitor-1": {"size": "M"}}}
//! ```

use serde_json::{Map, Value};

/// The visitor the tasks use when the state names none.
pub const DEFAULT_VISITOR: &str = "visitor-1";

/// Per-visitor session values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SalesIq {
    /// Whether the state had a `salesiq` part or a task wrote one (it is saved only then).
    pub(crate) present: bool,
    pub(crate) visitor: String,
    pub(crate) sessions: Map<String, Value>,
}

impl Default for SalesIq {
    fn default() -> SalesIq {
        SalesIq { present: false, visitor: DEFAULT_VISITOR.to_string(), sessions: Map::new() }
    }
}

impl SalesIq {
    /// Reads `{"visitor"?: text, "sessions"?: {visitor: {key: value}}}`.
    pub(crate) fn load(value: Value) -> Result<SalesIq, String> {
        let Value::Object(map) = value else {
            return Err("salesiq must be an object".into());
        };
        let mut out = SalesIq { present: true, ..SalesIq::default() };
        for (key, value) in map {
            match (key.as_str(), value) {
                ("visitor", Value::String(visitor)) if !visitor.trim().is_empty() => {
                    out.visitor = visitor;
                }
                ("visitor", _) => return Err("salesiq.visitor must be a non-empty text".into()),
                ("sessions", Value::Object(sessions)) => {
                    if let Some((name, _)) = sessions.iter().find(|(_, v)| !v.is_object()) {
                        return Err(format!("salesiq.sessions.{name} must be an object"));
                    }
                    out.sessions = sessions;
                }
                ("sessions", _) => return Err("salesiq.sessions must be an object".into()),
                (other, _) => return Err(format!("salesiq: unknown key {other:?}")),
            }
        }
        Ok(out)
    }

    pub(crate) fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("visitor".into(), Value::String(self.visitor.clone()));
        map.insert("sessions".into(), Value::Object(self.sessions.clone()));
        Value::Object(map)
    }

    /// The current visitor's stored value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.sessions.get(&self.visitor)?.get(key)
    }

    /// Stores `values` for the current visitor.
    pub(crate) fn set(&mut self, values: &Map<String, Value>) {
        self.present = true;
        let entry =
            self.sessions.entry(self.visitor.clone()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(stored) = entry {
            stored.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
}
