//! JSON in and out. Parsing builds `Value`s directly (no intermediate tree).

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt::{self, Write};
use std::rc::Rc;

use super::{format, MapData, Text, Value};

/// Deepest nesting printed; deeper (or cyclic) structures print `null` there.
const MAX_PRINT_DEPTH: usize = 128;

/// Compact JSON text of a value (what `toString()` of a map gives).
pub fn to_json_string(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out, 0);
    out
}

fn write_str(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Most bytes one printed value may take: shared sub-collections can make a small value print
/// exponentially large; past this the rest is left out.
const MAX_PRINT_BYTES: usize = 64 * 1024 * 1024;

pub(crate) fn write_json(v: &Value, out: &mut String, depth: usize) {
    write_json_in(v, out, depth, &mut Vec::new());
}

/// The address of a collection, to recognise it among the ones being printed.
fn addr(v: &Value) -> Option<usize> {
    match v {
        Value::List(l) => Some(std::rc::Rc::as_ptr(l) as *const () as usize),
        Value::Map(m) => Some(std::rc::Rc::as_ptr(m) as *const () as usize),
        _ => None,
    }
}

/// Writes `v`; a collection that contains itself prints `null` where it recurs.
fn write_json_in(v: &Value, out: &mut String, depth: usize, ancestors: &mut Vec<usize>) {
    if depth > MAX_PRINT_DEPTH || out.len() > MAX_PRINT_BYTES {
        out.push_str("null");
        return;
    }
    if let Some(a) = addr(v) {
        if ancestors.contains(&a) {
            out.push_str("null");
            return;
        }
        ancestors.push(a);
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Dec(d) if !d.is_finite() => out.push_str("null"),
        Value::Bool(_) | Value::Int(_) | Value::Dec(_) => format::write_scalar(v, out),
        Value::Text(s) => write_str(s, out),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            let mut s = String::new();
            format::write_scalar(v, &mut s);
            write_str(&s, out);
        }
        Value::List(items) => {
            out.push('[');
            if let Ok(items) = items.try_borrow() {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_in(item, out, depth + 1, ancestors);
                }
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            if let Ok(map) = map.try_borrow() {
                for (i, (k, val)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    match k {
                        Value::Text(s) => write_str(s, out),
                        Value::List(_) | Value::Map(_) => {
                            let mut key = String::new();
                            write_json_in(k, &mut key, depth + 1, ancestors);
                            write_str(&key, out);
                        }
                        other => write_str(&other.to_display(), out),
                    }
                    out.push(':');
                    write_json_in(val, out, depth + 1, ancestors);
                }
            }
            out.push('}');
        }
    }
    if addr(v).is_some() {
        ancestors.pop();
    }
}

/// Converts to a serde_json value (for `--json` output and HTTP bodies).
pub fn to_json(v: &Value) -> serde_json::Value {
    to_json_depth(v, 0, &mut Vec::new(), &mut 0)
}

fn to_json_depth(
    v: &Value,
    depth: usize,
    ancestors: &mut Vec<usize>,
    nodes: &mut usize,
) -> serde_json::Value {
    use serde_json::Value as J;
    *nodes += 1;
    if depth > MAX_PRINT_DEPTH || *nodes > MAX_PRINT_BYTES / 8 {
        return J::Null;
    }
    let me = addr(v);
    if let Some(a) = me {
        if ancestors.contains(&a) {
            return J::Null;
        }
        ancestors.push(a);
    }
    let out = to_json_node(v, depth, ancestors, nodes);
    if me.is_some() {
        ancestors.pop();
    }
    out
}

fn to_json_node(
    v: &Value,
    depth: usize,
    ancestors: &mut Vec<usize>,
    nodes: &mut usize,
) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(n) => J::from(*n),
        Value::Dec(d) => serde_json::Number::from_f64(*d).map(J::Number).unwrap_or(J::Null),
        Value::Text(s) => J::String(s.to_string()),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => J::String(v.to_display()),
        Value::List(items) => match items.try_borrow() {
            Ok(items) => J::Array(
                items.iter().map(|x| to_json_depth(x, depth + 1, ancestors, nodes)).collect(),
            ),
            Err(_) => J::Null,
        },
        Value::Map(map) => J::Object(
            map.try_borrow()
                .iter()
                .flat_map(|m| m.iter())
                .map(|(k, val)| {
                    let key = match k {
                        Value::Text(s) => s.to_string(),
                        other => other.to_display(),
                    };
                    (key, to_json_depth(val, depth + 1, ancestors, nodes))
                })
                .collect(),
        ),
    }
}

/// Converts from a serde_json value: objects → Map, arrays → List, integers → Number.
pub fn from_json(j: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Dec(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::text(s.as_str()),
        J::Array(items) => Value::list(items.iter().map(from_json).collect()),
        J::Object(map) => {
            Value::map(map.iter().map(|(k, v)| (Value::text(k.as_str()), from_json(v))).collect())
        }
    }
}

/// Object keys seen during one parse: records of one API response repeat the
/// same keys, so they share one text (as CPython's json module does).
type KeyCache = RefCell<rustc_hash::FxHashMap<Box<str>, Text>>;

#[derive(Clone, Copy)]
struct JsonSeed<'c>(&'c KeyCache);

impl<'de> DeserializeSeed<'de> for JsonSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

struct KeySeed<'c>(&'c KeyCache);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Text;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, s: &str) -> Result<Text, E> {
        let mut cache = self.0.borrow_mut();
        if let Some(t) = cache.get(s) {
            return Ok(Rc::clone(t));
        }
        let t = Rc::new(s.to_string());
        if cache.len() < 4096 {
            cache.insert(s.into(), Rc::clone(&t));
        }
        Ok(t)
    }
}

impl<'de> Visitor<'de> for JsonSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Int(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(i64::try_from(n).map(Value::Int).unwrap_or(Value::Dec(n as f64)))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Dec(n))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::text(s))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::from(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(self)? {
            items.push(v);
        }
        Ok(Value::list(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map =
            MapData::with_capacity_and_hasher(access.size_hint().unwrap_or(0), Default::default());
        while let Some(k) = access.next_key_seed(KeySeed(self.0))? {
            let v = access.next_value_seed(self)?;
            map.insert(Value::Text(k), v);
        }
        Ok(Value::map(map))
    }
}

/// Parses JSON text into a value. The error names the line and column.
pub fn parse_json(text: &str) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let cache = KeyCache::default();
    let v = JsonSeed(&cache).deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_order_and_types() {
        let v = parse_json(r#"{"b":1,"a":[1.5,"x",null,true],"c":{}}"#).unwrap();
        assert_eq!(to_json_string(&v), r#"{"b":1,"a":[1.5,"x",null,true],"c":{}}"#);
        assert!(parse_json("{").is_err());
        assert!(parse_json("[1] x").is_err());
    }
}
