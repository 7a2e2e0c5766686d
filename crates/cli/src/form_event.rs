//! `dg test` cases that run a Creator form event: the submitted `input` record, what the
//! event does to the form's records around the script, and the rollback of `cancel submit`.

use dg_host::creator::{json_to_value, value_to_json};
use dg_host::DgHost;
use dg_runtime::value::to_json_string;
use dg_runtime::Value;
use dg_sandbox::{CompareOp, Criteria, Fetch, Sandbox, SYSTEM_FIELDS};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    AddValidate,
    AddSuccess,
    EditValidate,
    EditSuccess,
    DeleteValidate,
    Load,
    UserInput,
}

const EVENTS: &[(&str, Kind)] = &[
    ("on_add_validate", Kind::AddValidate),
    ("on_add_success", Kind::AddSuccess),
    ("on_edit_validate", Kind::EditValidate),
    ("on_edit_success", Kind::EditSuccess),
    ("on_delete_validate", Kind::DeleteValidate),
    ("on_load", Kind::Load),
    ("on_user_input", Kind::UserInput),
];

pub struct FormEvent {
    form: String,
    event: String,
    kind: Kind,
    field: Option<String>,
    input: Vec<(String, Value)>,
}

fn id_of(input: &Value) -> Value {
    match input {
        Value::Map(m) => m.borrow().get(&Value::text("ID")).cloned().unwrap_or_default(),
        _ => Value::Null,
    }
}

/// The fields of `input` a submission writes (system fields are the form's own).
fn writable(input: &Value) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    if let Value::Map(m) = input {
        for (k, v) in m.borrow().iter() {
            let k = k.to_display();
            if !SYSTEM_FIELDS.contains(&k.as_str()) {
                out.insert(k, value_to_json(v));
            }
        }
    }
    out
}

fn by_id(form: &str, id: &Value) -> Fetch {
    Fetch {
        form: form.to_string(),
        criteria: Criteria::Compare {
            field: "ID".into(),
            op: CompareOp::Eq,
            value: value_to_json(id),
        },
        sort: None,
        range: None,
    }
}

impl FormEvent {
    pub fn from_case(
        case: &str,
        form: Option<&str>,
        event: Option<&str>,
        field: Option<&str>,
        input: Option<Vec<(String, Value)>>,
    ) -> Result<Option<FormEvent>, String> {
        let (form, event) = match (form, event) {
            (None, None) if input.is_none() && field.is_none() => return Ok(None),
            (Some(f), Some(e)) => (f, e),
            _ => {
                return Err(format!(
                    "case '{case}': a form-event case needs both `form` and `event` (and usually `[case.input]`)"
                ))
            }
        };
        let Some((_, kind)) = EVENTS.iter().find(|(n, _)| n.eq_ignore_ascii_case(event)) else {
            let names: Vec<&str> = EVENTS.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "case '{case}': unknown event '{event}' (one of {})",
                names.join(", ")
            ));
        };
        Ok(Some(FormEvent {
            form: form.to_string(),
            event: event.to_ascii_lowercase(),
            kind: *kind,
            field: field.map(str::to_string),
            input: input.unwrap_or_default(),
        }))
    }

    fn sandbox<'h>(&self, host: &'h mut DgHost) -> Result<&'h mut Sandbox, String> {
        host.sandbox_mut().ok_or_else(|| "a form-event case needs a sandbox".to_string())
    }

    /// Builds `input` and does what Creator does before the script runs.
    pub fn prepare(&self, host: &mut DgHost) -> Result<Value, String> {
        let input = Value::map(
            self.input.iter().map(|(k, v)| (Value::text(k.as_str()), v.clone())).collect(),
        );
        let form = self.form.clone();
        let sandbox = self.sandbox(host)?;
        // Fails early on an unknown form.
        sandbox
            .creator_fetch(&Fetch {
                form: form.clone(),
                criteria: Criteria::All,
                sort: None,
                range: Some((1, 1)),
            })
            .map_err(|e| e.to_string())?;
        match self.kind {
            Kind::AddSuccess => {
                let id =
                    sandbox.creator_insert(&form, &writable(&input)).map_err(|e| e.to_string())?;
                if let Value::Map(m) = &input {
                    m.borrow_mut().insert(Value::text("ID"), Value::Int(id));
                }
            }
            Kind::EditValidate | Kind::EditSuccess | Kind::DeleteValidate => {
                let id = id_of(&input);
                if id.is_null() {
                    return Err(format!(
                        "the {} event needs `ID` in [case.input] (the record edited)",
                        self.event
                    ));
                }
                let stored =
                    sandbox.creator_fetch(&by_id(&form, &id)).map_err(|e| e.to_string())?;
                let Some(stored) = stored.into_iter().next() else {
                    return Err(format!("form '{form}' has no record with ID {}", id.to_display()));
                };
                // `input` holds the whole record, with the submitted values over it.
                let Value::Map(m) = &input else { return Ok(input) };
                let given = m.borrow().clone();
                let mut merged = dg_runtime::value::MapData::default();
                for (k, v) in &stored {
                    merged.insert(Value::text(k.as_str()), json_to_value(v));
                }
                merged.extend(given);
                *m.borrow_mut() = merged;
                if self.kind == Kind::EditSuccess {
                    sandbox
                        .creator_update(&form, &value_to_json(&id), &writable(&input))
                        .map_err(|e| e.to_string())?;
                }
            }
            Kind::AddValidate | Kind::Load | Kind::UserInput => {}
        }
        Ok(input)
    }

    pub fn header(&self) -> String {
        let mut out = format!("## form event\n{} {}", self.form, self.event);
        if let Some(f) = &self.field {
            out.push_str(&format!(" (field {f})"));
        }
        out.push('\n');
        out
    }

    /// After the script: the submission's write, or the rollback of `cancel submit`.
    pub fn finish(
        &self,
        host: &mut DgHost,
        input: Value,
        before: Option<Sandbox>,
        ok: bool,
    ) -> String {
        let actions: Vec<String> =
            host.transcript.form_actions().iter().map(|a| a.action.clone()).collect();
        let cancelled = actions.iter().any(|a| a == "cancel submit" || a == "cancel delete");
        let alerted = actions.iter().any(|a| a == "alert");
        let mut out = String::from("## form\n");
        out.push_str(&format!("input: {}\n", to_json_string(&input)));
        let validate =
            matches!(self.kind, Kind::AddValidate | Kind::EditValidate | Kind::DeleteValidate);
        let form = self.form.clone();
        let Some(sandbox) = host.sandbox_mut() else { return out };
        if !ok {
            out.push_str(match self.kind {
                Kind::AddSuccess | Kind::EditSuccess => {
                    "submission: saved before the script; the script stopped with an error\n"
                }
                Kind::Load | Kind::UserInput => "submission: none (client-side event)\n",
                _ => "submission: not saved (the script stopped with an error)\n",
            });
            return out;
        }
        if cancelled && validate {
            if let Some(before) = before {
                sandbox.restore_creator(&before);
            }
            out.push_str("submission: cancelled (cancel submit); record changes of this script rolled back\n");
            if !alerted {
                out.push_str("message: Invalid entries found\n");
            }
            return out;
        }
        if cancelled {
            out.push_str(&format!("note: `cancel` has no effect in {}\n", self.event));
        }
        let id = id_of(&input);
        let line = match self.kind {
            Kind::AddValidate => match sandbox.creator_insert(&form, &writable(&input)) {
                Ok(id) => format!("submission: record added to {form}, ID {id}"),
                Err(e) => format!("submission: refused: {e}"),
            },
            Kind::EditValidate => {
                match sandbox.creator_update(&form, &value_to_json(&id), &writable(&input)) {
                    Ok(_) => format!("submission: record {} of {form} updated", id.to_display()),
                    Err(e) => format!("submission: refused: {e}"),
                }
            }
            Kind::DeleteValidate => match sandbox.creator_delete(&by_id(&form, &id)) {
                Ok(_) => format!("submission: record {} of {form} deleted", id.to_display()),
                Err(e) => format!("submission: refused: {e}"),
            },
            Kind::AddSuccess | Kind::EditSuccess => {
                let mut line =
                    format!("submission: record {} saved before the script", id.to_display());
                // `input.F = …` in On Success changes the saved record.
                if actions.iter().any(|a| a == "set") {
                    match sandbox.creator_update(&form, &value_to_json(&id), &writable(&input)) {
                        Ok(_) => line.push_str("; input changes saved"),
                        Err(e) => line.push_str(&format!("; input changes refused: {e}")),
                    }
                }
                line
            }
            Kind::Load | Kind::UserInput => "submission: none (client-side event)".to_string(),
        };
        out.push_str(&line);
        out.push('\n');
        out
    }
}
