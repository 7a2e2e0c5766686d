//! Runtime values. `Value` is 16 bytes; lists and maps are shared references
//! (Deluge has reference semantics for collections, see ARCHITECTURE.md).

mod file;
mod format;
mod json;
mod list;
mod map;
mod text;

use chrono::{NaiveDateTime, NaiveTime};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

pub use file::{
    content_type_for, disposition_file_name, is_text_content_type, mime_for_extension,
    url_file_name, File,
};
pub use format::{format_date, format_datetime, format_decimal, format_time};
pub use json::{
    from_json, parse_json, parse_json_within, to_json, to_json_string, to_json_string_within,
    JsonError,
};

pub use list::ListCell;
pub use text::Text;
pub type ListRef = Rc<ListCell>;
pub use map::MapData;
pub type MapRef = Rc<RefCell<MapData>>;
/// A `Collection()` created empty: the cell holds `Null` while the collection is undecided,
/// then the LIST or KEY-VALUE its first insert made it (docs/semantics.md, "Collection").
pub type CollRef = Rc<RefCell<Value>>;
pub type FileRef = Rc<File>;

/// `repr(u32)`: every payload starts at offset 4 or 8, so copying a value never
/// mixes a 1-byte payload with the tag (which stalled store forwarding).
#[derive(Default)]
#[repr(u32)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// Deluge Number: signed 64-bit.
    Int(i64),
    /// Deluge Decimal: a Java double.
    Dec(f64),
    Text(Text),
    /// A date (time part 00:00:00).
    Date(NaiveDateTime),
    DateTime(NaiveDateTime),
    Time(NaiveTime),
    List(ListRef),
    Map(MapRef),
    /// `Collection()` with no elements: undecided until its first insert. Once decided it is
    /// transparent: cloning it (every variable read) gives the list or map it became, and
    /// printing, comparing and hashing look through it. Lists and maps never pay for it.
    Coll(CollRef),
    /// A FILE: name, content type and bytes, shared like a collection.
    File(FileRef),
}

impl Clone for Value {
    /// Spelled out per variant: the derived version copies payload bytes through
    /// unaligned stack slots, which stalls hot variable reads.
    #[inline]
    fn clone(&self) -> Value {
        match self {
            Value::Int(n) => Value::Int(*n),
            Value::Text(s) => Value::Text(s.clone()),
            Value::Bool(b) => Value::Bool(*b),
            Value::Null => Value::Null,
            Value::Dec(d) => Value::Dec(*d),
            Value::List(l) => Value::List(Rc::clone(l)),
            Value::Map(m) => Value::Map(Rc::clone(m)),
            Value::Date(d) => Value::Date(*d),
            Value::DateTime(d) => Value::DateTime(*d),
            Value::Time(t) => Value::Time(*t),
            Value::Coll(c) => clone_collection(c),
            Value::File(f) => Value::File(Rc::clone(f)),
        }
    }
}

/// A read of a `Collection()`: the list or map it became, or the undecided cell itself.
/// Out of line so that `Value::clone` stays small enough to inline into every variable read.
#[inline(never)]
fn clone_collection(c: &CollRef) -> Value {
    match c.try_borrow() {
        Ok(inner) if !inner.is_null() => inner.clone(),
        _ => Value::Coll(Rc::clone(c)),
    }
}

/// The type of a value, for messages and dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Null,
    Bool,
    Int,
    Dec,
    Text,
    Date,
    DateTime,
    Time,
    List,
    Map,
    File,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Null => "NULL",
            Type::Bool => "BOOLEAN",
            Type::Int => "NUMBER",
            Type::Dec => "DECIMAL",
            Type::Text => "TEXT",
            Type::Date => "DATE",
            Type::DateTime => "DATE-TIME",
            Type::Time => "TIME",
            Type::List => "LIST",
            Type::Map => "KEY-VALUE",
            Type::File => "FILE",
        }
    }
}

impl Value {
    pub fn ty(&self) -> Type {
        match self {
            Value::Null => Type::Null,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Int,
            Value::Dec(_) => Type::Dec,
            Value::Text(_) => Type::Text,
            Value::Date(_) => Type::Date,
            Value::DateTime(_) => Type::DateTime,
            Value::Time(_) => Type::Time,
            Value::List(_) => Type::List,
            Value::Map(_) => Type::Map,
            Value::Coll(c) => match c.try_borrow().as_deref() {
                Ok(Value::List(_)) => Type::List,
                _ => Type::Map,
            },
            Value::File(_) => Type::File,
        }
    }

    /// A new undecided `Collection()`.
    pub fn undecided() -> Value {
        Value::Coll(Rc::new(RefCell::new(Value::Null)))
    }

    /// What a `Collection()` cell stands for: the list or map it became, or a new empty map
    /// while undecided (an undecided collection reads as an empty KEY-VALUE). Other values
    /// are returned as they are.
    pub fn settled(&self) -> std::borrow::Cow<'_, Value> {
        match self {
            Value::Coll(c) => std::borrow::Cow::Owned(match c.try_borrow().as_deref() {
                Ok(inner @ (Value::List(_) | Value::Map(_))) => inner.clone(),
                _ => Value::empty_map(),
            }),
            v => std::borrow::Cow::Borrowed(v),
        }
    }

    pub fn text(s: impl AsRef<str>) -> Value {
        Value::Text(Text::new(s.as_ref()))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(ListCell::new(items)))
    }

    pub fn map(map: MapData) -> Value {
        Value::Map(Rc::new(RefCell::new(map)))
    }

    pub fn empty_map() -> Value {
        Value::map(MapData::default())
    }

    /// Builds a map from text keys.
    pub fn map_from<'a>(pairs: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
        Value::map(pairs.into_iter().map(|(k, v)| (Value::text(k), v)).collect())
    }

    /// A FILE value; the content type is guessed from the name when `None`.
    pub fn file(name: impl Into<String>, content_type: Option<String>, bytes: Vec<u8>) -> Value {
        Value::File(Rc::new(File::new(name, content_type, bytes)))
    }

    /// The file, for a FILE value.
    pub fn as_file(&self) -> Option<&File> {
        match self {
            Value::File(f) => Some(f),
            _ => None,
        }
    }

    /// Holds no reference (nothing to release when dropped).
    #[inline(always)]
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Value::Null
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Dec(_)
                | Value::Date(_)
                | Value::DateTime(_)
                | Value::Time(_)
        )
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Numeric value as f64, for Number and Decimal.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Dec(d) => Some(*d),
            _ => None,
        }
    }

    /// Deluge's `==`: numbers compare by value across Number/Decimal, text is
    /// case-sensitive, dates by instant, lists and maps element-wise.
    pub fn loose_eq(&self, other: &Value) -> bool {
        loose_eq(self, other, 0)
    }

    /// Ordering for `<`, `>`, sort: numbers, text (by code point), dates, times, booleans.
    /// `None` when the two values are not comparable.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Int(_) | Value::Dec(_), Value::Int(_) | Value::Dec(_)) => {
                self.as_f64()?.partial_cmp(&other.as_f64()?)
            }
            (Value::Text(a), Value::Text(b)) => Some(a.as_str().cmp(b.as_str())),
            (Value::Date(a) | Value::DateTime(a), Value::Date(b) | Value::DateTime(b)) => {
                Some(a.cmp(b))
            }
            (Value::Time(a), Value::Time(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// Text as `info` prints it: a top-level list joins its elements with `,`;
    /// anything nested, and every map, is compact JSON. Cut short past 64 MB (a shared
    /// sub-collection can make a small value print exponentially large); scripts print
    /// through [`Value::display_within`] with the run's limits instead.
    pub fn to_display(&self) -> String {
        self.print_into(String::new(), json::MAX_PRINT_BYTES).buf
    }

    /// [`Value::to_display`], or `None` as soon as the text would exceed `cap` bytes: the text
    /// is never built past the cap, whatever the value holds.
    pub fn display_within(&self, cap: usize) -> Option<String> {
        let out = self.print_into(String::new(), cap);
        (!out.over).then_some(out.buf)
    }

    /// [`Value::display_within`] as a TEXT value, built in place (no copy of a large print).
    pub fn display_text_within(&self, cap: usize) -> Option<Text> {
        if let Value::Text(s) = self {
            return (s.len() <= cap).then(|| s.clone());
        }
        let out = self.print_into(Text::with_capacity(0), cap);
        (!out.over).then_some(out.buf)
    }

    /// Prints this value as `info` does into `buf`, up to `cap` bytes.
    fn print_into<B: json::Buf>(&self, buf: B, cap: usize) -> json::Sink<B> {
        let mut out = json::Sink::new(buf, cap);
        self.write_display_sink(&mut out);
        out
    }

    /// Appends this value as `+` on text shows it to `out` (in place when `out` is its
    /// text's only reference), unless `out` would pass `cap` bytes: then `out` keeps its
    /// length and the answer is `false`.
    pub fn append_display_within(&self, out: &mut Text, cap: usize) -> bool {
        let room = cap.saturating_sub(out.len());
        match self {
            Value::Text(s) => {
                if s.len() > room {
                    return false;
                }
                out.push_str(s);
                true
            }
            Value::Int(n) => {
                let mut buf = itoa::Buffer::new();
                let digits = buf.format(*n);
                if digits.len() > room {
                    return false;
                }
                out.push_str(digits);
                true
            }
            _ => {
                let mut tmp = String::new();
                if !self.write_display_within(&mut tmp, room) {
                    return false;
                }
                out.push_str(&tmp);
                true
            }
        }
    }

    /// Appends [`Value::to_display`] to `out` unless that would make `out` longer than `cap`
    /// bytes; returns whether it did (`out` is unchanged when it did not).
    pub fn write_display_within(&self, out: &mut String, cap: usize) -> bool {
        if let Value::Text(s) = self {
            // The common case (`text + text`): no copy of `out`.
            if s.len() > cap.saturating_sub(out.len()) {
                return false;
            }
            out.push_str(s);
            return true;
        }
        let original = out.len();
        if !matches!(self, Value::List(_) | Value::Map(_) | Value::Coll(_)) {
            // A scalar prints a few bytes: write it, then check.
            format::write_scalar_string(self, out);
            if out.len() > cap {
                out.truncate(original);
                return false;
            }
            return true;
        }
        let mut sink = json::Sink::new(std::mem::take(out), cap);
        self.write_display_sink(&mut sink);
        *out = sink.buf;
        if sink.over {
            out.truncate(original);
        }
        !sink.over
    }

    pub(crate) fn write_display_sink<B: json::Buf>(&self, out: &mut json::Sink<B>) {
        match self {
            Value::Text(s) => out.push_str(s),
            Value::List(items) => {
                let Ok(items) = items.try_borrow() else { return out.push_str("null") };
                for (i, item) in items.iter().enumerate() {
                    if out.over {
                        return;
                    }
                    if i > 0 {
                        out.push(b',');
                    }
                    match item {
                        Value::List(_) | Value::Map(_) | Value::Coll(_) => {
                            json::write_json(item, out, 0)
                        }
                        other => format::write_scalar(other, out),
                    }
                }
            }
            Value::Map(_) => json::write_json(self, out, 0),
            Value::Coll(_) => self.settled().write_display_sink(out),
            other => format::write_scalar(other, out),
        }
    }
}

fn loose_eq(a: &Value, b: &Value, depth: usize) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Dec(y)) | (Value::Dec(y), Value::Int(x)) => (*x as f64) == *y,
        (Value::Date(x) | Value::DateTime(x), Value::Date(y) | Value::DateTime(y)) => x == y,
        (Value::Coll(_), _) | (_, Value::Coll(_)) => loose_eq(&a.settled(), &b.settled(), depth),
        _ => collections_eq(a, b, depth, loose_eq).unwrap_or_else(|| strict_eq(a, b, depth)),
    }
}

/// Element-wise equality of two lists or two maps under `elem_eq`; `None` for other pairs.
fn collections_eq(
    a: &Value,
    b: &Value,
    depth: usize,
    elem_eq: fn(&Value, &Value, usize) -> bool,
) -> Option<bool> {
    let eq = match (a, b) {
        (Value::List(x), Value::List(y)) => {
            if Rc::ptr_eq(x, y) || depth > MAX_DEPTH {
                return Some(Rc::ptr_eq(x, y));
            }
            let (Ok(x), Ok(y)) = (x.try_borrow(), y.try_borrow()) else { return Some(false) };
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| elem_eq(p, q, depth + 1))
        }
        (Value::Map(x), Value::Map(y)) => {
            if Rc::ptr_eq(x, y) || depth > MAX_DEPTH {
                return Some(Rc::ptr_eq(x, y));
            }
            let (Ok(x), Ok(y)) = (x.try_borrow(), y.try_borrow()) else { return Some(false) };
            x.len() == y.len()
                && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| elem_eq(v, w, depth + 1)))
        }
        _ => return None,
    };
    Some(eq)
}

/// Deepest nesting compared or hashed element-wise; deeper (or cyclic) values
/// compare by identity, so a list that contains itself never recurses forever.
const MAX_DEPTH: usize = 64;

/// Strict equality, used for map keys, `contains`, `indexOf`, `distinct`:
/// types must match (`1` and `"1"` differ, `1` and `1.0` differ).
impl PartialEq for Value {
    #[inline]
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Text(a), Value::Text(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            _ => strict_eq(self, other, 0),
        }
    }
}

fn strict_eq(a: &Value, b: &Value, depth: usize) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Int(a), Value::Int(b)) => a == b,
        (Value::Dec(a), Value::Dec(b)) => a.to_bits() == b.to_bits() || a == b,
        (Value::Text(a), Value::Text(b)) => a == b,
        (Value::Date(a), Value::Date(b)) => a == b,
        (Value::DateTime(a), Value::DateTime(b)) => a == b,
        (Value::Time(a), Value::Time(b)) => a == b,
        (Value::File(a), Value::File(b)) => Rc::ptr_eq(a, b) || a.same_as(b),
        (Value::Coll(_), _) | (_, Value::Coll(_)) => strict_eq(&a.settled(), &b.settled(), depth),
        _ => collections_eq(a, b, depth, strict_eq).unwrap_or(false),
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(self, state, 0);
    }
}

fn hash_value<H: Hasher>(v: &Value, state: &mut H, depth: usize) {
    if let Value::Coll(_) = v {
        return hash_value(&v.settled(), state, depth);
    }
    std::mem::discriminant(v).hash(state);
    match v {
        Value::Null => {}
        Value::Bool(b) => b.hash(state),
        Value::Int(n) => n.hash(state),
        Value::Dec(d) => {
            let d = if *d == 0.0 { 0.0 } else { *d };
            d.to_bits().hash(state)
        }
        Value::Text(s) => s.as_str().hash(state),
        Value::Date(d) | Value::DateTime(d) => d.hash(state),
        Value::Time(t) => t.hash(state),
        Value::File(f) => {
            f.name().hash(state);
            f.len().hash(state);
        }
        // A collection being mutated right now (`m.put(m, 1)`) hashes as its kind alone.
        Value::List(l) => {
            let Ok(l) = l.try_borrow() else { return };
            l.len().hash(state);
            if depth < 4 {
                for v in l.iter() {
                    hash_value(v, state, depth + 1);
                }
            }
        }
        Value::Map(m) => {
            if let Ok(m) = m.try_borrow() {
                m.len().hash(state)
            }
        }
        Value::Coll(_) => {}
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(s) => write!(f, "{:?}", s.as_str()),
            other => write!(f, "{}", to_json_string(other)),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::text(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(Text::from(s))
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Dec(n)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<Result<Value, crate::RuntimeError>>(), 16);
    }

    #[test]
    fn display_rules() {
        let inner = Value::list(vec![Value::from("Projects"), Value::from("Reports")]);
        let l = Value::list(vec![Value::from("Creator"), Value::Int(5), inner.clone()]);
        assert_eq!(l.to_display(), r#"Creator,5,["Projects","Reports"]"#);
        assert_eq!(inner.to_display(), "Projects,Reports");
        let m = Value::map_from([("a", Value::Int(1)), ("b", Value::Dec(2.0))]);
        assert_eq!(m.to_display(), r#"{"a":1,"b":2.0}"#);
        assert_eq!(Value::Null.to_display(), "null");
    }

    #[test]
    fn cyclic_values_do_not_recurse_forever() {
        let a = Value::list(vec![Value::Int(1)]);
        let b = Value::list(vec![Value::Int(1)]);
        if let (Value::List(x), Value::List(y)) = (&a, &b) {
            x.borrow_mut().push(a.clone());
            y.borrow_mut().push(b.clone());
        }
        assert!(a == a.clone());
        assert!(a != b);
        assert!(!a.loose_eq(&b));
        let mut set = std::collections::HashSet::new();
        set.insert(a.clone());
        assert!(set.contains(&a));
        assert!(a.to_display().len() < 100_000);
    }

    #[test]
    fn equality_is_type_strict_but_eq_op_is_numeric() {
        assert_ne!(Value::Int(1), Value::from("1"));
        assert_ne!(Value::Int(1), Value::Dec(1.0));
        assert!(Value::Int(1).loose_eq(&Value::Dec(1.0)));
    }
}
