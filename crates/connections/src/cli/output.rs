//! Human and `--json` rendering. Secrets are reduced to "set"/absent markers.

use std::io::Write;

use serde_json::{json, Value};

use super::out_err;
use crate::error::ConnectionError;
use crate::model::{format_time, AuthState, Connection, Service};
use crate::registry::Registry;

const MASK: &str = "********";

pub(super) fn services(
    reg: &Registry,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), ConnectionError> {
    if json {
        let all: Vec<Value> = reg.services().iter().map(service_json).collect();
        return print_json(out, &Value::Array(all));
    }
    writeln!(out, "{:<24} {:<8} {:<11} {:<7} NAME", "SERVICE", "AUTH", "CONFIDENCE", "SOURCE")
        .map_err(out_err)?;
    for s in reg.services() {
        let conf = serde_json::to_value(s.confidence).ok();
        let conf = conf.as_ref().and_then(Value::as_str).unwrap_or("-");
        let source = if s.custom { "custom" } else { "builtin" };
        writeln!(
            out,
            "{:<24} {:<8} {:<11} {:<7} {}",
            s.name,
            s.auth.as_str(),
            conf,
            source,
            s.display_name
        )
        .map_err(out_err)?;
    }
    Ok(())
}

pub(super) fn service(
    reg: &Registry,
    name: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), ConnectionError> {
    let s =
        reg.service(name).ok_or_else(|| ConnectionError::UnknownService { name: name.into() })?;
    if json {
        return print_json(out, &service_json(s));
    }
    let v = service_json(s);
    if let Value::Object(map) = v {
        for (k, v) in map {
            if !v.is_null() {
                writeln!(out, "{k}: {}", compact(&v)).map_err(out_err)?;
            }
        }
    }
    Ok(())
}

fn service_json(s: &Service) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("grant".into(), json!(s.grant()));
    }
    v
}

pub(super) fn list(reg: &Registry, json: bool, out: &mut dyn Write) -> Result<(), ConnectionError> {
    let conns = reg.connections();
    if json {
        let all: Vec<Value> = conns.iter().map(|c| connection_json(reg, c)).collect();
        return print_json(out, &Value::Array(all));
    }
    if conns.is_empty() {
        return writeln!(
            out,
            "no connections; create one with `dg connections add LINK --service NAME`"
        )
        .map_err(out_err);
    }
    writeln!(out, "{:<28} {:<20} {:<24} {:<7} EXPIRES", "LINK", "SERVICE", "STATUS", "DC")
        .map_err(out_err)?;
    for c in &conns {
        let expires = c.token_expires_at.map_or("-".into(), format_time);
        let dc = c.dc.as_deref().unwrap_or("-");
        writeln!(
            out,
            "{:<28} {:<20} {:<24} {:<7} {expires}",
            c.link,
            c.service,
            c.state.label(),
            dc
        )
        .map_err(out_err)?;
    }
    Ok(())
}

pub(super) fn show(
    reg: &Registry,
    link: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), ConnectionError> {
    let c = reg.connection(link).ok_or_else(|| ConnectionError::NotFound { link: link.into() })?;
    let v = connection_json(reg, &c);
    if json {
        return print_json(out, &v);
    }
    if let Value::Object(map) = v {
        for (k, v) in map {
            if k == "secrets" {
                let stored = stored_secrets(&v);
                let stored = if stored.is_empty() { "none".to_string() } else { stored.join(", ") };
                writeln!(out, "secrets: {stored}").map_err(out_err)?;
            } else if !v.is_null() && v != json!([]) && v != json!({}) {
                writeln!(out, "{k}: {}", compact(&v)).map_err(out_err)?;
            }
        }
    }
    if let AuthState::NeedsReauthorization { .. } | AuthState::NotAuthorized = c.state {
        writeln!(out, "fix: dg connections authorize {link}").map_err(out_err)?;
    }
    Ok(())
}

fn connection_json(reg: &Registry, c: &Connection) -> Value {
    let rec = reg.secrets_of(&c.link);
    let mask = |present: bool| if present { Value::String(MASK.into()) } else { Value::Null };
    let reason = match &c.state {
        AuthState::NeedsReauthorization { reason } => Value::String(reason.clone()),
        _ => Value::Null,
    };
    let api_keys: serde_json::Map<String, Value> =
        rec.api_keys.keys().map(|k| (k.clone(), Value::String(MASK.into()))).collect();
    json!({
        "link": c.link,
        "service": c.service,
        "status": match c.state {
            AuthState::NotAuthorized => "not_authorized",
            AuthState::Authorized => "authorized",
            AuthState::NeedsReauthorization { .. } => "needs_reauthorization",
        },
        "reason": reason,
        "scopes": c.scopes,
        "granted_scopes": c.granted_scopes,
        "dc": c.dc,
        "client_id": c.client_id,
        "config": c.config,
        "created_at": format_time(c.created_at),
        "authorized_at": c.authorized_at.map(format_time),
        "token_expires_at": c.token_expires_at.map(format_time),
        "secrets": {
            "client_secret": mask(rec.client_secret.is_some()),
            "access_token": mask(rec.access_token.is_some()),
            "refresh_token": mask(rec.refresh_token.is_some()),
            "username": mask(rec.username.is_some()),
            "password": mask(rec.password.is_some()),
            "api_keys": api_keys,
        },
    })
}

/// `name ********` for each stored secret of a masked `secrets` object.
fn stored_secrets(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Value::Object(map) = v {
        for (k, v) in map {
            match v {
                Value::String(m) => out.push(format!("{k} {m}")),
                Value::Object(keys) => {
                    out.extend(keys.keys().map(|n| format!("api key {n} {MASK}")))
                }
                _ => {}
            }
        }
    }
    out
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn print_json(out: &mut dyn Write, v: &Value) -> Result<(), ConnectionError> {
    let text =
        serde_json::to_string_pretty(v).map_err(|e| ConnectionError::Invalid(e.to_string()))?;
    writeln!(out, "{text}").map_err(out_err)
}
