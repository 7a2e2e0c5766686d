//! JSON in and out. Parsing builds `Value`s directly (no intermediate tree).

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

use super::{format, MapData, Text, Value};

/// Deepest nesting printed; deeper (or cyclic) structures print `null` there.
const MAX_PRINT_DEPTH: usize = 128;

/// Compact JSON text of a value (what `toString()` of a map gives), cut short (see
/// [`MAX_PRINT_BYTES`]) when it would be larger.
pub fn to_json_string(v: &Value) -> String {
    let mut out = Sink::new(String::new(), MAX_PRINT_BYTES);
    write_json(v, &mut out, 0);
    out.buf
}

/// Compact JSON text of a value, or `None` as soon as it would exceed `cap` bytes (the text is
/// never built past the cap).
pub fn to_json_string_within(v: &Value, cap: usize) -> Option<String> {
    let mut out = Sink::new(String::new(), cap);
    write_json(v, &mut out, 0);
    (!out.over).then_some(out.buf)
}

/// What a [`Sink`] writes into: a `String` for messages and the host, a [`Text`] for values a
/// script gets back (`toString()` of a 4 MB map is then built once, not built and copied).
pub(crate) trait Buf {
    fn len(&self) -> usize;
    fn push_str(&mut self, s: &str);
    fn push_ascii(&mut self, c: u8);
}

impl Buf for String {
    #[inline]
    fn len(&self) -> usize {
        String::len(self)
    }
    #[inline]
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s)
    }
    #[inline]
    fn push_ascii(&mut self, c: u8) {
        self.push(c as char)
    }
}

impl Buf for Text {
    #[inline]
    fn len(&self) -> usize {
        Text::len(self)
    }
    #[inline]
    fn push_str(&mut self, s: &str) {
        Text::push_str(self, s)
    }
    #[inline]
    fn push_ascii(&mut self, c: u8) {
        Text::push_ascii(self, c)
    }
}

/// A text being printed that refuses to grow past `cap` bytes: once a piece does not fit,
/// `over` is set and everything after it is dropped.
pub(crate) struct Sink<B: Buf = String> {
    pub(crate) buf: B,
    cap: usize,
    pub(crate) over: bool,
}

impl<B: Buf> Sink<B> {
    pub(crate) fn new(buf: B, cap: usize) -> Sink<B> {
        Sink { buf, cap, over: false }
    }

    #[inline]
    pub(crate) fn push_str(&mut self, s: &str) {
        if self.over || s.len() > self.cap.saturating_sub(self.buf.len()) {
            self.over = true;
            return;
        }
        self.buf.push_str(s);
    }

    #[inline]
    pub(crate) fn push(&mut self, c: u8) {
        debug_assert!(c.is_ascii());
        if self.over || self.buf.len() >= self.cap {
            self.over = true;
            return;
        }
        self.buf.push_ascii(c);
    }
}

/// Bytes a JSON string cannot hold as they are: `"`, `\` and control characters. One table
/// load per byte instead of a chain of compares (`toString()` of records is mostly this loop).
static ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

fn write_str<B: Buf>(s: &str, out: &mut Sink<B>) {
    out.push(b'"');
    // Runs of characters that need no escaping are copied whole.
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPED[b as usize] {
            continue;
        }
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            let mut buf = [0u8; 6];
            let _ = std::io::Write::write_fmt(&mut &mut buf[..], format_args!("\\u{b:04x}"));
            out.push_str(std::str::from_utf8(&buf).unwrap_or("\\u0000"));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
        if out.over {
            return;
        }
    }
    out.push_str(&s[start..]);
    out.push(b'"');
}

/// Most bytes one printed value may take when no limit is given (printing for messages,
/// headers, debugging): shared sub-collections can make a small value print exponentially
/// large; past this the rest is left out. Script-visible printing (`info`, `toString`, `+`)
/// uses the run's limits instead and fails with a limit error.
pub(crate) const MAX_PRINT_BYTES: usize = 64 * 1024 * 1024;

pub(crate) fn write_json<B: Buf>(v: &Value, out: &mut Sink<B>, depth: usize) {
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
fn write_json_in<B: Buf>(v: &Value, out: &mut Sink<B>, depth: usize, ancestors: &mut Vec<usize>) {
    if let Value::Coll(_) = v {
        return write_json_in(&v.settled(), out, depth, ancestors);
    }
    if out.over {
        return;
    }
    if depth > MAX_PRINT_DEPTH {
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
        Value::File(f) => write_str(&f.name(), out),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            let mut s = Sink::new(String::new(), usize::MAX);
            format::write_scalar(v, &mut s);
            write_str(&s.buf, out);
        }
        Value::List(items) => {
            out.push(b'[');
            if let Ok(items) = items.try_borrow() {
                for (i, item) in items.iter().enumerate() {
                    if out.over {
                        break;
                    }
                    if i > 0 {
                        out.push(b',');
                    }
                    write_json_in(item, out, depth + 1, ancestors);
                }
            }
            out.push(b']');
        }
        Value::Map(map) => {
            out.push(b'{');
            if let Ok(map) = map.try_borrow() {
                for (i, (k, val)) in map.iter().enumerate() {
                    if out.over {
                        break;
                    }
                    if i > 0 {
                        out.push(b',');
                    }
                    match k {
                        Value::Text(s) => write_str(s, out),
                        Value::List(_) | Value::Map(_) | Value::Coll(_) => {
                            let room = out.cap.saturating_sub(out.buf.len());
                            let mut key = Sink::new(String::new(), room);
                            write_json_in(k, &mut key, depth + 1, ancestors);
                            out.over |= key.over;
                            write_str(&key.buf, out);
                        }
                        other => {
                            let mut key = Sink::new(String::new(), usize::MAX);
                            format::write_scalar(other, &mut key);
                            write_str(&key.buf, out);
                        }
                    }
                    out.push(b':');
                    write_json_in(val, out, depth + 1, ancestors);
                }
            }
            out.push(b'}');
        }
        Value::Coll(_) => {}
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
    if let Value::Coll(_) = v {
        return to_json_depth(&v.settled(), depth, ancestors, nodes);
    }
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
        Value::File(f) => J::String(f.name()),
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
        Value::Coll(_) => to_json_depth(&v.settled(), depth, ancestors, nodes),
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

/// State of one parse: object keys seen so far (records of one API response repeat the same
/// keys, so they share one text, as CPython's json module does) and the memory check.
#[derive(Default)]
struct KeyCache<'c> {
    keys: RefCell<rustc_hash::FxHashMap<Box<str>, Text>>,
    /// Elements read since the last check.
    elements: std::cell::Cell<u32>,
    /// True when the run is out of memory: the parse stops (see [`parse_json_within`]).
    over: Option<&'c dyn Fn() -> bool>,
    stopped: std::cell::Cell<bool>,
}

/// Elements parsed between two memory checks.
const CHECK_EVERY_ELEMENTS: u32 = 4096;

impl KeyCache<'_> {
    #[inline]
    fn element<E: serde::de::Error>(&self) -> Result<(), E> {
        let n = self.elements.get() + 1;
        if n < CHECK_EVERY_ELEMENTS {
            self.elements.set(n);
            return Ok(());
        }
        self.elements.set(0);
        if self.over.is_some_and(|over| over()) {
            self.stopped.set(true);
            return Err(E::custom("out of memory"));
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct JsonSeed<'c>(&'c KeyCache<'c>);

impl<'de> DeserializeSeed<'de> for JsonSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

struct KeySeed<'c>(&'c KeyCache<'c>);

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
        let mut cache = self.0.keys.borrow_mut();
        if let Some(t) = cache.get(s) {
            return Ok(t.clone());
        }
        let t = Text::new(s);
        if cache.len() < 4096 {
            cache.insert(s.into(), t.clone());
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
            self.0.element()?;
            items.push(v);
        }
        // Parsed values are mostly read afterwards: give back the doubling's slack.
        items.shrink_to_fit();
        Ok(Value::list(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        // Pairs are gathered first so that the map is allocated once, at its exact size.
        let mut pairs: smallvec::SmallVec<[(Value, Value); 16]> = smallvec::SmallVec::new();
        while let Some(k) = access.next_key_seed(KeySeed(self.0))? {
            let v = access.next_value_seed(self)?;
            self.0.element()?;
            pairs.push((Value::Text(k), v));
        }
        let mut map = MapData::with_capacity(pairs.len());
        map.extend(pairs);
        Ok(Value::map(map))
    }
}

/// Parses JSON text into a value. The error names the line and column.
pub fn parse_json(text: &str) -> Result<Value, String> {
    parse_with(text, KeyCache::default()).map_err(|(e, _)| e)
}

/// Why [`parse_json_within`] failed.
#[derive(Debug, PartialEq)]
pub enum JsonError {
    /// Not valid JSON: the message names the line and column.
    Invalid(String),
    /// `over` said the run is out of memory; parsing stopped there.
    OutOfMemory,
}

/// [`parse_json`] that asks `over` every few thousand elements whether the run is out of
/// memory, and stops if so: a huge JSON text cannot grow values past the budget.
pub fn parse_json_within(text: &str, over: &dyn Fn() -> bool) -> Result<Value, JsonError> {
    let state = KeyCache { over: Some(over), ..KeyCache::default() };
    parse_with(text, state).map_err(|(e, stopped)| {
        if stopped {
            JsonError::OutOfMemory
        } else {
            JsonError::Invalid(e)
        }
    })
}

fn parse_with(text: &str, state: KeyCache<'_>) -> Result<Value, (String, bool)> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v =
        JsonSeed(&state).deserialize(&mut de).map_err(|e| (e.to_string(), state.stopped.get()))?;
    de.end().map_err(|e| (e.to_string(), false))?;
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
