//! `dg test` cases that start the way Zoho CRM starts a function — a workflow trigger on
//! a record change, a button on a record, a schedule — and the workflow rules that a write
//! with `trigger: ["workflow"]` fires (docs/testing.md, "Triggers").

use std::fmt::Write;

use dg_host::{DgHost, WorkflowEvent};
use dg_runtime::value::{from_json, to_json_string};
use dg_runtime::{Entry, Interpreter, Project, Value};
use serde::Deserialize;

/// How many rules may fire one after another from one write (chosen: Zoho documents no
/// figure for functions that update records with workflow triggers).
pub const MAX_RULE_DEPTH: usize = 5;

/// `trigger = { module, event, record, changed }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerSpec {
    module: String,
    event: String,
    #[serde(default)]
    record: toml::Table,
    #[serde(default)]
    changed: toml::Table,
}

/// `button = { module, record_id }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ButtonSpec {
    module: String,
    record_id: toml::Value,
}

/// `schedule = { at = "2026-01-05T09:00:00" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    at: String,
}

/// `[[rule]]`: a workflow rule of the org.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    name: String,
    module: String,
    /// `create`, `edit`, `create_or_edit`.
    event: String,
    /// The function the rule runs.
    function: String,
    /// Its arguments, `${record.Field}` filled from the record.
    #[serde(default)]
    args: toml::Table,
    /// Field → value the record must have (compared as text, ignoring case).
    #[serde(default)]
    when: toml::Table,
}

/// What started the case.
pub struct Started {
    kind: String,
    /// The record the function is about (after the change), for `${record.…}`.
    pub record: Option<serde_json::Value>,
}

impl Started {
    /// The snapshot's `## trigger` / `## button` / `## schedule` section.
    pub fn header(&self, args: &[(String, Value)]) -> String {
        let mut out = self.kind.clone();
        if let Some(record) = &self.record {
            let _ = write!(out, "\nrecord: {record}");
        }
        for (name, value) in args {
            let _ = write!(out, "\narg {name} = {}", to_json_string(value));
        }
        out.push('\n');
        out
    }
}

fn json(table: &toml::Table) -> Result<serde_json::Value, String> {
    serde_json::to_value(table).map_err(|e| e.to_string())
}

fn id_of(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

const EVENTS: [&str; 4] = ["create", "edit", "create_or_edit", "delete"];

/// Applies the case's trigger (or finds the button's record, or sets the schedule's
/// clock) before the function runs. Also checks the file's rules.
pub fn start(
    host: &mut DgHost,
    trigger: Option<&TriggerSpec>,
    button: Option<&ButtonSpec>,
    schedule: Option<&ScheduleSpec>,
    rules: &[Rule],
) -> Result<Option<Started>, String> {
    if [trigger.is_some(), button.is_some(), schedule.is_some()].iter().filter(|b| **b).count() > 1
    {
        return Err("a case has one of trigger, button and schedule".into());
    }
    let sandbox = host.sandbox_mut().ok_or("triggers need the sandbox")?;
    for rule in rules {
        if !EVENTS[..3].contains(&rule.event.as_str()) {
            return Err(format!(
                "rule '{}': event '{}' is not one of create, edit, create_or_edit",
                rule.name, rule.event
            ));
        }
        if sandbox.crm_module(&rule.module).is_none() {
            return Err(format!("rule '{}': CRM has no module '{}'", rule.name, rule.module));
        }
    }
    if let Some(t) = trigger {
        let module = sandbox
            .crm_module(&t.module)
            .ok_or_else(|| format!("trigger: CRM has no module '{}'", t.module))?;
        if !EVENTS.contains(&t.event.as_str()) {
            return Err(format!(
                "trigger: event '{}' is not one of create, edit, create_or_edit, delete",
                t.event
            ));
        }
        let record = json(&t.record)?;
        let changed = json(&t.changed)?;
        let given_id = record.get("id").and_then(id_of);
        let exists = given_id.as_ref().is_some_and(|id| sandbox.crm_record(&module, id).is_some());
        let event = match t.event.as_str() {
            "create_or_edit" if exists => "edit",
            "create_or_edit" => "create",
            other => other,
        };
        let id = match event {
            "create" => {
                if exists {
                    return Err(format!(
                        "trigger: {module} already has a record with id {}",
                        given_id.unwrap_or_default()
                    ));
                }
                let mut fields = record.clone();
                if let serde_json::Value::Object(f) = &mut fields {
                    f.extend(changed.as_object().cloned().unwrap_or_default());
                }
                match &given_id {
                    Some(id) => {
                        sandbox.crm_insert_with_id(&module, id, &fields)?;
                        id.clone()
                    }
                    None => sandbox.crm_insert(&module, &fields)?,
                }
            }
            "edit" => {
                let id = given_id.ok_or("trigger: an edit needs record.id")?;
                if !exists {
                    sandbox.crm_insert_with_id(&module, &id, &record)?;
                }
                sandbox.crm_update(&module, &id, &changed)?;
                id
            }
            _ => {
                let id = given_id.ok_or("trigger: a delete needs record.id")?;
                let removed = if exists { Some(sandbox.crm_delete(&module, &id)?) } else { None };
                return Ok(Some(Started {
                    kind: format!("## trigger\n{module} delete {id}"),
                    record: Some(removed.unwrap_or(record)),
                }));
            }
        };
        let record = sandbox.crm_record(&module, &id);
        let mut kind = format!("## trigger\n{module} {event} {id}");
        if event == "edit" {
            let _ = write!(kind, "\nchanged: {changed}");
        }
        return Ok(Some(Started { kind, record }));
    }
    if let Some(b) = button {
        let module = sandbox
            .crm_module(&b.module)
            .ok_or_else(|| format!("button: CRM has no module '{}'", b.module))?;
        let id = serde_json::to_value(&b.record_id)
            .ok()
            .as_ref()
            .and_then(id_of)
            .ok_or("button: record_id must be a text or a number")?;
        let record = sandbox
            .crm_record(&module, &id)
            .ok_or_else(|| format!("button: {module} has no record with id {id}"))?;
        return Ok(Some(Started {
            kind: format!("## button\n{module} {id}"),
            record: Some(record),
        }));
    }
    if let Some(s) = schedule {
        let at = chrono::NaiveDateTime::parse_from_str(&s.at, "%Y-%m-%dT%H:%M:%S")
            .map_err(|e| format!("schedule: at '{}': {e} (use 2026-01-05T09:00:00)", s.at))?;
        host.now = Some(at);
        return Ok(Some(Started { kind: format!("## schedule\nat {}", s.at), record: None }));
    }
    Ok(None)
}

/// Whether any argument uses `${record.…}`.
pub fn uses_record(args: &[(String, Value)]) -> bool {
    args.iter().any(|(_, v)| matches!(v, Value::Text(t) if t.contains("${record.")))
}

/// Fills `${record.Field}` in text arguments: a whole-value placeholder takes the field's
/// value as it is (a number stays a number); inside other text it is the field's text. A
/// lookup field reads as its id; `${record.Account_Name.name}` walks into it.
pub fn fill_args(
    args: &[(String, Value)],
    record: Option<&serde_json::Value>,
) -> Result<Vec<(String, Value)>, String> {
    args.iter()
        .map(|(name, value)| {
            let Value::Text(text) = value else { return Ok((name.clone(), value.clone())) };
            if !text.contains("${") {
                return Ok((name.clone(), value.clone()));
            }
            let Some(record) = record else {
                return Err(format!("{name}: ${{record.…}} needs a trigger or a button record"));
            };
            Ok((name.clone(), fill(text, record)?))
        })
        .collect()
}

fn field<'a>(record: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let mut value = record;
    for part in path.split('.') {
        value = value.get(part)?;
    }
    match value {
        serde_json::Value::Object(m) if !path.contains('.') => m.get("id").or(Some(value)),
        other => Some(other),
    }
}

fn fill(text: &str, record: &serde_json::Value) -> Result<Value, String> {
    let trimmed = text.trim();
    if let Some(path) = trimmed.strip_prefix("${record.").and_then(|r| r.strip_suffix('}')) {
        if !path.contains(['$', '{', '}']) {
            return Ok(field(record, path).map(from_json).unwrap_or(Value::Null));
        }
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| format!("unclosed ${{ in '{text}'"))?;
        let path = after[..end]
            .strip_prefix("record.")
            .ok_or_else(|| format!("'${{{}}}' is not ${{record.Field}}", &after[..end]))?;
        match field(record, path) {
            Some(serde_json::Value::String(s)) => out.push_str(s),
            Some(serde_json::Value::Null) | None => {}
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Value::text(out))
}

fn rule_matches(
    rule: &Rule,
    module: &str,
    event: &WorkflowEvent,
    record: &serde_json::Value,
) -> bool {
    let event_ok = match rule.event.as_str() {
        "create_or_edit" => true,
        wanted => wanted == event.event,
    };
    event_ok
        && rule.module.eq_ignore_ascii_case(module)
        && rule.when.iter().all(|(key, want)| {
            let want = match want {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let have = match field(record, key) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            have.eq_ignore_ascii_case(&want)
        })
}

/// Runs the rules that the run's workflow-triggered writes fire, and the rules their
/// writes fire in turn, breadth first. A rule that would fire again for the same record
/// within one chain is a loop; a chain longer than [`MAX_RULE_DEPTH`] stops. Both are
/// errors naming the chain. A rule function that fails is recorded and the others go on.
pub fn fire_rules(
    project: &Project,
    file: usize,
    rules: &[Rule],
    host: &mut DgHost,
) -> Result<(), String> {
    let mut queue: Vec<(WorkflowEvent, Vec<String>)> =
        std::mem::take(&mut host.workflow_events).into_iter().map(|e| (e, Vec::new())).collect();
    let mut next = 0;
    while let Some((event, chain)) = queue.get(next).cloned() {
        next += 1;
        let Some(sandbox) = host.sandbox() else { return Ok(()) };
        let module = sandbox.crm_module(&event.module).unwrap_or(event.module.clone());
        let record = sandbox
            .crm_record(&module, &event.id)
            .unwrap_or_else(|| serde_json::json!({"id": event.id}));
        for rule in rules.iter().filter(|r| rule_matches(r, &module, &event, &record)) {
            let link = format!("'{}' ({module} {})", rule.name, event.id);
            let shown = |chain: &[String]| {
                let mut all = chain.to_vec();
                all.push(link.clone());
                all.join(" → ")
            };
            if chain.contains(&link) {
                return Err(format!(
                    "workflow loop: rule {link} would fire again for the record its own chain started from: {}",
                    shown(&chain)
                ));
            }
            if chain.len() >= MAX_RULE_DEPTH {
                return Err(format!(
                    "workflow depth limit: more than {MAX_RULE_DEPTH} rules fired one after another: {}",
                    shown(&chain)
                ));
            }
            let args: Vec<(String, Value)> = match serde_json::to_value(&rule.args) {
                Ok(serde_json::Value::Object(m)) => {
                    m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()
                }
                _ => Vec::new(),
            };
            let args = fill_args(&args, Some(&record))
                .map_err(|e| format!("rule '{}': {e}", rule.name))?;
            let shown_args: Vec<String> =
                args.iter().map(|(k, v)| format!("{k} = {}", to_json_string(v))).collect();
            host.transcript.events.push(dg_host::Event::Record(format!(
                "workflow rule '{}' ({module} {} {}) runs {}({})",
                rule.name,
                event.event,
                event.id,
                rule.function,
                shown_args.join(", ")
            )));
            let outcome = Interpreter::new().run_project(
                project,
                file,
                Entry::Function(&rule.function),
                args,
                host,
            );
            if let Some(f) = &outcome.error {
                host.transcript.events.push(dg_host::Event::Record(format!(
                    "workflow rule '{}' failed: {} error: {}",
                    rule.name,
                    f.kind.as_str(),
                    f.message
                )));
            }
            let mut longer = chain.clone();
            longer.push(link.clone());
            queue.extend(
                std::mem::take(&mut host.workflow_events).into_iter().map(|e| (e, longer.clone())),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        let record = serde_json::json!({"id": "42", "Amount": 5000, "Account_Name": {"name": "Zylker", "id": "7"}});
        assert_eq!(fill("${record.Amount}", &record).unwrap(), Value::Int(5000));
        assert_eq!(fill("${record.Account_Name}", &record).unwrap(), Value::text("7"));
        assert_eq!(fill("${record.Account_Name.name}", &record).unwrap(), Value::text("Zylker"));
        assert_eq!(
            fill("Deal ${record.id}: ${record.Amount}", &record).unwrap(),
            Value::text("Deal 42: 5000")
        );
        assert_eq!(fill("${record.Missing}", &record).unwrap(), Value::Null);
        assert!(fill("${other.x}", &record).is_err());
        assert!(fill("${record.id", &record).is_err());
    }
}
