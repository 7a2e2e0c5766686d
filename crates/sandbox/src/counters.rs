//! The id counter and the fixed clock that make sandbox runs reproducible.

use serde_json::{json, Map, Value};

/// The first id the counter hands out (Bigin/CRM style long numeric strings).
pub(crate) const FIRST_ID: u64 = 5_000_000_000_001;

/// The fixed clock's start: 2024-01-15T10:30:00 UTC, in seconds since the Unix epoch.
const CLOCK_START: i64 = 1_705_314_600;

/// Id of the fake user that owns, creates and modifies every record.
pub(crate) const USER_ID: &str = "5000000000000";
/// Name of the fake user.
pub(crate) const USER_NAME: &str = "Sandbox User";
/// E-mail address of the fake user.
pub(crate) const USER_EMAIL: &str = "sandbox.user@example.com";

/// Hands out ids and timestamps. Every write takes the next timestamp, one second after the
/// previous one; the first write happens at the clock's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Counters {
    next_id: u64,
    writes: i64,
}

impl Counters {
    pub(crate) fn new() -> Counters {
        Counters { next_id: FIRST_ID, writes: 0 }
    }

    /// Makes sure later ids are larger than `seen` (an id already present in the state).
    pub(crate) fn observe_id(&mut self, seen: &str) {
        if let Ok(number) = seen.parse::<u64>() {
            if number >= self.next_id && number < u64::MAX {
                self.next_id = number + 1;
            }
        }
    }

    /// The next id, as text.
    pub(crate) fn id(&mut self) -> String {
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        id.to_string()
    }

    /// Advances the clock and returns the write's time as a UTC date-time.
    fn tick(&mut self) -> chrono::DateTime<chrono::Utc> {
        let seconds = CLOCK_START.saturating_add(self.writes);
        self.writes = self.writes.saturating_add(1);
        chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default()
    }

    /// The next write time in Bigin/CRM format: `2024-01-15T10:30:00+00:00`.
    pub(crate) fn zoho_time(&mut self) -> String {
        self.tick().format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    }

    /// The next write time in Creator format: `15-Jan-2024 10:30:00`.
    pub(crate) fn creator_time(&mut self) -> String {
        self.tick().format("%d-%b-%Y %H:%M:%S").to_string()
    }

    /// The next write time in Books format: `2024-01-15T10:30:00+0000`.
    pub(crate) fn books_time(&mut self) -> String {
        self.tick().format("%Y-%m-%dT%H:%M:%S+0000").to_string()
    }
}

/// The fake user as Bigin/CRM show it in `Created_By` / `Modified_By`.
pub(crate) fn user_ref() -> Value {
    json!({"name": USER_NAME, "id": USER_ID})
}

/// The fake user as Bigin/CRM show it in `Owner`.
pub(crate) fn owner_ref() -> Value {
    json!({"name": USER_NAME, "id": USER_ID, "email": USER_EMAIL})
}

/// Every id-like text under keys named `id` or ending in `_id`, at any depth.
pub(crate) fn visit_ids(value: &Value, found: &mut dyn FnMut(&str)) {
    match value {
        Value::Object(map) => visit_map_ids(map, found),
        Value::Array(items) => items.iter().for_each(|item| visit_ids(item, found)),
        _ => {}
    }
}

/// Every id-like text of a record (see [`visit_ids`]).
pub(crate) fn visit_map_ids(map: &Map<String, Value>, found: &mut dyn FnMut(&str)) {
    for (key, value) in map {
        if key == "id" || key.ends_with("_id") {
            match value {
                Value::String(text) => found(text),
                Value::Number(number) => found(&number.to_string()),
                _ => {}
            }
        }
        visit_ids(value, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_starts_fixed_and_advances_one_second_per_write() {
        let mut counters = Counters::new();
        assert_eq!(counters.zoho_time(), "2024-01-15T10:30:00+00:00");
        assert_eq!(counters.books_time(), "2024-01-15T10:30:01+0000");
    }

    #[test]
    fn ids_skip_past_ids_already_seen() {
        let mut counters = Counters::new();
        assert_eq!(counters.id(), "5000000000001");
        counters.observe_id("5000000000010");
        counters.observe_id("12");
        counters.observe_id("not a number");
        assert_eq!(counters.id(), "5000000000011");
    }
}
