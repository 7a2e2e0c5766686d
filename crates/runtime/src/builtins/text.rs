//! Text builtins (reference 8.1).
//!
//! Deluge indexes text by characters (Unicode scalar values); every index and
//! length below counts characters, never bytes. Hot functions (`length`,
//! `indexOf`, `subString`, `contains`, `toUpperCase`, `replaceAll` with a
//! plain search text, `toList`) take an ASCII fast path.
//!
//! Choices where Zoho's behaviour is not documented (see the report / semantics doc):
//! - `remove(s)` removes every occurrence.
//! - `leftpad(n)` / `rightpad(n)`: `n` is the final length in characters.
//! - `repeat(n)` with a negative `n` is an error.
//! - `toList(sep)` splits on the literal separator and keeps every empty element,
//!   trailing ones included; an empty or absent separator gives a one-element list.
//! - `replaceAll(s, r, true)`: both the search and the replacement are literal.
//! - `trim` strips characters up to U+0020 (Java `String.trim`).
//! - `getAlpha` & co. use Unicode letters and digits.
//! - `proper()` splits words on whitespace.

use std::borrow::Cow;

use super::{b, Builtin};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[
    b!("length", Text, 0, 0, length),
    b!("len", Text, 0, 0, length),
    b!("substring", Text, 1, 2, sub_string),
    b!("subtext", Text, 1, 2, sub_text),
    b!("mid", Text, 1, 2, mid),
    b!("left", Text, 1, 1, left),
    b!("right", Text, 1, 1, right),
    b!("getprefix", Text, 1, 1, get_prefix),
    b!("getprefixignorecase", Text, 1, 1, get_prefix_ignore_case),
    b!("getsuffix", Text, 1, 1, get_suffix),
    b!("getsuffixignorecase", Text, 1, 1, get_suffix_ignore_case),
    b!("contains", Text, 1, 1, contains),
    b!("notcontains", Text, 1, 1, not_contains),
    b!("containsignorecase", Text, 1, 1, contains_ignore_case),
    b!("startswith", Text, 1, 1, starts_with),
    b!("startswithignorecase", Text, 1, 1, starts_with_ignore_case),
    b!("endswith", Text, 1, 1, ends_with),
    b!("endswithignorecase", Text, 1, 1, ends_with_ignore_case),
    b!("equalsignorecase", Text, 1, 1, equals_ignore_case),
    b!("indexof", Text, 1, 1, index_of),
    b!("find", Text, 1, 1, index_of),
    b!("lastindexof", Text, 1, 1, last_index_of),
    b!("getoccurencecount", Text, 1, 1, get_occurence_count),
    b!("replaceall", Text, 2, 3, replace_all),
    b!("replacefirst", Text, 2, 3, replace_first),
    b!("replaceallignorecase", Text, 2, 3, replace_all_ignore_case),
    b!("replacefirstignorecase", Text, 2, 3, replace_first_ignore_case),
    b!("remove", Text, 1, 1, remove),
    b!("removefirstoccurence", Text, 1, 1, remove_first_occurence),
    b!("removelastoccurence", Text, 1, 1, remove_last_occurence),
    b!("touppercase", Text, 0, 0, to_upper_case),
    b!("upper", Text, 0, 0, to_upper_case),
    b!("tolowercase", Text, 0, 0, to_lower_case),
    b!("lower", Text, 0, 0, to_lower_case),
    b!("trim", Text, 0, 0, trim),
    b!("ltrim", Text, 0, 0, ltrim),
    b!("rtrim", Text, 0, 0, rtrim),
    b!("leftpad", Text, 1, 1, leftpad),
    b!("rightpad", Text, 1, 1, rightpad),
    b!("repeat", Text, 1, 1, repeat),
    b!("reverse", Text, 0, 0, reverse),
    b!("getalpha", Text, 0, 0, get_alpha),
    b!("getalphanumeric", Text, 0, 0, get_alpha_numeric),
    b!("removeallalpha", Text, 0, 0, remove_all_alpha),
    b!("removeallalphanumeric", Text, 0, 0, remove_all_alpha_numeric),
    b!("matches", Text, 1, 1, matches),
    b!("isascii", Text, 0, 0, is_ascii),
    b!("tolist", Text, 0, 1, to_list),
    b!("proper", Text, 0, 0, proper),
    b!("encodeurl", Text, 0, 0, encode_url),
    b!("concat", Text, 1, 1, concat),
];

// ---------------------------------------------------------------------------
// argument helpers

/// The receiver text.
#[inline]
fn recv<'a>(args: &'a [Value], f: &str) -> Result<&'a str> {
    match args.first() {
        Some(Value::Text(s)) => Ok(s.as_str()),
        other => not_text_receiver(other, f),
    }
}

#[cold]
#[inline(never)]
fn not_text_receiver<T>(v: Option<&Value>, f: &str) -> Result<T> {
    match v {
        Some(Value::Null) | None => fail(format!("{f}: cannot be applied to a null value")),
        Some(v) => fail(format!("{f}: expects a TEXT value, not {}", v.ty().name())),
    }
}

/// Substring search with `memchr`'s vectorised searchers (std's `str::find` sets up a
/// Two-Way searcher per call, which dominated short-text workloads). Byte offsets; a match of
/// a non-empty UTF-8 needle in UTF-8 text always starts and ends on character boundaries.
mod search {
    use memchr::memmem;

    /// Byte offset of the first occurrence of `needle` (`Some(0)` for an empty needle).
    #[inline]
    pub(super) fn find(s: &str, needle: &str) -> Option<usize> {
        match needle.as_bytes() {
            [] => Some(0),
            [b] => memchr::memchr(*b, s.as_bytes()),
            n => memmem::find(s.as_bytes(), n),
        }
    }

    #[inline]
    pub(super) fn contains(s: &str, needle: &str) -> bool {
        find(s, needle).is_some()
    }

    /// Byte offsets of the non-overlapping occurrences of a non-empty `needle`, left to right.
    pub(super) fn positions<'a>(s: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
        debug_assert!(!needle.is_empty());
        memmem::find_iter(s.as_bytes(), needle.as_bytes())
    }

    /// `s` with the first `limit` occurrences of a non-empty `needle` replaced by `rep`.
    pub(super) fn replace(s: &str, needle: &str, rep: &str, limit: usize) -> String {
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for at in positions(s, needle).take(limit) {
            out.push_str(&s[last..at]);
            out.push_str(rep);
            last = at + needle.len();
        }
        out.push_str(&s[last..]);
        out
    }

    /// The pieces of `s` between occurrences of a non-empty `sep` (as `str::split`).
    pub(super) fn split<'a>(s: &'a str, sep: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let mut last = 0;
        positions(s, sep).map(Some).chain(std::iter::once(None)).map(move |at| {
            let end = at.unwrap_or(s.len());
            let piece = &s[last..end];
            last = end + sep.len();
            piece
        })
    }
}

/// Argument `i` as text (numbers and other scalars are printed).
#[inline]
fn text_arg<'a>(args: &'a [Value], i: usize, f: &str) -> Result<Cow<'a, str>> {
    match args.get(i) {
        Some(Value::Text(s)) => Ok(Cow::Borrowed(s.as_str())),
        other => text_arg_other(other, i, f),
    }
}

/// [`text_arg`] of anything but a text: numbers and dates are printed, the rest is an error.
#[inline(never)]
fn text_arg_other<'a>(v: Option<&Value>, i: usize, f: &str) -> Result<Cow<'a, str>> {
    match v {
        Some(Value::Null) | None => fail(format!("{f}: argument {i} must be text, not null")),
        Some(v @ (Value::List(_) | Value::Map(_))) => {
            fail(format!("{f}: argument {i} must be text, not {}", v.ty().name()))
        }
        Some(v) => Ok(Cow::Owned(v.to_display())),
    }
}

/// Argument `i` as a whole number (decimals truncated, numeric text parsed).
fn int_arg(args: &[Value], i: usize, f: &str) -> Result<i64> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Dec(d)) if d.is_finite() && d.abs() < 9.2e18 => Ok(d.trunc() as i64),
        Some(Value::Dec(_)) => fail(format!("{f}: argument {i} is out of range")),
        Some(Value::Text(s)) => match s.trim().parse::<i64>() {
            Ok(n) => Ok(n),
            Err(_) => fail(format!("{f}: argument {i} must be a number, got '{s}'")),
        },
        Some(Value::Null) | None => fail(format!("{f}: argument {i} must be a number, not null")),
        Some(v) => fail(format!("{f}: argument {i} must be a number, not {}", v.ty().name())),
    }
}

/// Optional boolean argument `i` (`false` when absent).
fn bool_arg(args: &[Value], i: usize, f: &str) -> Result<bool> {
    match args.get(i) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Text(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::Text(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => fail(format!("{f}: argument {i} must be a boolean, not {}", v.ty().name())),
    }
}

/// Returns the receiver itself when `out` equals it (saves an allocation).
fn keep_or(args: &[Value], input: &str, out: Cow<'_, str>) -> Value {
    match out {
        Cow::Borrowed(s) if s.len() == input.len() => args[0].clone(),
        other => Value::text(other),
    }
}

// ---------------------------------------------------------------------------
// character-index helpers

/// Number of characters.
fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Byte offset of character `idx` (`idx == char count` gives `s.len()`).
fn byte_at(s: &str, idx: usize) -> Option<usize> {
    if s.is_ascii() {
        return (idx <= s.len()).then_some(idx);
    }
    if idx == 0 {
        return Some(0);
    }
    match s.char_indices().nth(idx) {
        Some((b, _)) => Some(b),
        None => (char_len(s) == idx).then_some(s.len()),
    }
}

/// Character index of byte offset `b` (a char boundary).
fn char_index(s: &str, b: usize) -> usize {
    let head = &s[..b];
    if head.is_ascii() {
        b
    } else {
        head.chars().count()
    }
}

fn int(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------
// case-insensitive matching (Java `equalsIgnoreCase` rules: per character,
// upper- or lower-case forms equal)

fn chars_eq_ci(a: char, b: char) -> bool {
    if a == b {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(&b);
    }
    a.to_lowercase().eq(b.to_lowercase()) || a.to_uppercase().eq(b.to_uppercase())
}

/// Byte length of the prefix of `hay` matching `needle` case-insensitively.
fn prefix_ci(hay: &str, needle: &str) -> Option<usize> {
    let mut h = hay.char_indices();
    for nc in needle.chars() {
        match h.next() {
            Some((_, hc)) if chars_eq_ci(hc, nc) => {}
            _ => return None,
        }
    }
    Some(h.next().map_or(hay.len(), |(b, _)| b))
}

/// First (or last) case-insensitive occurrence: (start, end) byte offsets.
fn find_ci(hay: &str, needle: &str, last: bool) -> Option<(usize, usize)> {
    if needle.is_empty() {
        let at = if last { hay.len() } else { 0 };
        return Some((at, at));
    }
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        if n.len() > h.len() {
            return None;
        }
        let hit = |i: &usize| h[*i..*i + n.len()].eq_ignore_ascii_case(n);
        let found = if last {
            (0..=h.len() - n.len()).rev().find(hit)
        } else {
            (0..=h.len() - n.len()).find(hit)
        };
        return found.map(|i| (i, i + n.len()));
    }
    let starts: Vec<usize> = hay.char_indices().map(|(b, _)| b).collect();
    let try_at = |b: usize| prefix_ci(&hay[b..], needle).map(|len| (b, b + len));
    if last {
        starts.iter().rev().find_map(|&b| try_at(b))
    } else {
        starts.iter().find_map(|&b| try_at(b))
    }
}

// ---------------------------------------------------------------------------
// length, substrings

/// `length()` / `len()`: number of characters.
/// <https://www.zoho.com/deluge/help/functions/string/len.html>
fn length(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(int(char_len(recv(args, "length")?)))
}

/// `subString(start[, end])` (also `subText`, `mid`): characters from `start`
/// (inclusive) to `end` (exclusive); `end` omitted or negative means to the end;
/// an index beyond the length or `end < start` is an error.
/// <https://www.zoho.com/deluge/help/functions/string/substring.html>,
/// <https://www.zoho.com/deluge/help/functions/string/subtext.html>,
/// <https://www.zoho.com/deluge/help/functions/string/mid.html>
fn sub_string(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    sub_string_impl(args, "subString")
}

/// `subText(start[, end])`: same as `subString`.
fn sub_text(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    sub_string_impl(args, "subText")
}

/// `mid(start[, end])`: same as `subString`.
fn mid(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    sub_string_impl(args, "mid")
}

fn sub_string_impl(args: &[Value], f: &str) -> Result<Value> {
    let s = recv(args, f)?;
    let start = int_arg(args, 1, f)?;
    let end = if args.len() > 2 { int_arg(args, 2, f)? } else { -1 };
    let len = char_len(s);
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    if start < 0 {
        return fail(format!("{f}: start index {start} must not be negative"));
    }
    if start > len_i {
        return fail(format!("{f}: start index {start} is greater than the text length {len}"));
    }
    let end = if end < 0 { len_i } else { end };
    if end > len_i {
        return fail(format!("{f}: end index {end} is greater than the text length {len}"));
    }
    if end < start {
        return fail(format!("{f}: end index {end} is smaller than start index {start}"));
    }
    if start == 0 && end == len_i {
        return Ok(args[0].clone());
    }
    slice_chars(s, start as usize, end as usize, f)
}

fn slice_chars(s: &str, start: usize, end: usize, f: &str) -> Result<Value> {
    match (byte_at(s, start), byte_at(s, end)) {
        (Some(a), Some(b)) if a <= b => Ok(Value::text(&s[a..b])),
        _ => fail(format!("{f}: index out of range")),
    }
}

/// `left(n)`: the first `n` characters; `n` beyond the length is an error, a
/// negative `n` returns the whole text.
/// <https://www.zoho.com/deluge/help/functions/string/left.html>
fn left(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "left")?;
    let n = int_arg(args, 1, "left")?;
    let len = char_len(s);
    if n < 0 {
        return Ok(args[0].clone());
    }
    if n as u64 > len as u64 {
        return fail(format!("left: {n} is greater than the text length {len}"));
    }
    slice_chars(s, 0, n as usize, "left")
}

/// `right(n)`: the last `n` characters; `n` beyond the length or negative is an error.
/// <https://www.zoho.com/deluge/help/functions/string/right.html>
fn right(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "right")?;
    let n = int_arg(args, 1, "right")?;
    let len = char_len(s);
    if n < 0 {
        return fail(format!("right: the number of characters must not be negative, got {n}"));
    }
    if n as u64 > len as u64 {
        return fail(format!("right: {n} is greater than the text length {len}"));
    }
    slice_chars(s, len - n as usize, len, "right")
}

/// `getPrefix(s)`: the text before the first occurrence of `s`; null when absent.
/// <https://zoho.com/deluge/help/functions/string/getprefix.html>
fn get_prefix(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "getPrefix")?;
    let needle = text_arg(args, 1, "getPrefix")?;
    Ok(s.find(needle.as_ref()).map_or(Value::Null, |i| Value::text(&s[..i])))
}

/// `getPrefixIgnoreCase(s)`: like `getPrefix`, matching case-insensitively.
/// <https://www.zoho.com/deluge/help/functions/string/getPrefixIgnoreCase.html>
fn get_prefix_ignore_case(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "getPrefixIgnoreCase")?;
    let needle = text_arg(args, 1, "getPrefixIgnoreCase")?;
    Ok(find_ci(s, &needle, false).map_or(Value::Null, |(a, _)| Value::text(&s[..a])))
}

/// `getSuffix(s)`: the text after the first occurrence of `s`; null when absent.
/// <https://www.zoho.com/deluge/help/functions/string/getSuffix.html>
fn get_suffix(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "getSuffix")?;
    let needle = text_arg(args, 1, "getSuffix")?;
    Ok(s.find(needle.as_ref()).map_or(Value::Null, |i| Value::text(&s[i + needle.len()..])))
}

/// `getSuffixIgnoreCase(s)`: like `getSuffix`, matching case-insensitively.
fn get_suffix_ignore_case(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "getSuffixIgnoreCase")?;
    let needle = text_arg(args, 1, "getSuffixIgnoreCase")?;
    Ok(find_ci(s, &needle, false).map_or(Value::Null, |(_, b)| Value::text(&s[b..])))
}

// ---------------------------------------------------------------------------
// tests

/// `contains(s)`: case-sensitive.
/// <https://www.zoho.com/creator/newhelp/script/built-in-functions/built-in-function-string.html>
fn contains(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "contains")?;
    Ok(Value::Bool(search::contains(s, &text_arg(args, 1, "contains")?)))
}

/// `notContains(s)`: negation of `contains`.
/// <https://www.zoho.com/deluge/help/functions-returning-boolean.html>
fn not_contains(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "notContains")?;
    Ok(Value::Bool(!search::contains(s, &text_arg(args, 1, "notContains")?)))
}

/// `containsIgnoreCase(s)`.
fn contains_ignore_case(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "containsIgnoreCase")?;
    let needle = text_arg(args, 1, "containsIgnoreCase")?;
    Ok(Value::Bool(find_ci(s, &needle, false).is_some()))
}

/// `startsWith(s)`: case-sensitive.
/// <https://www.zoho.com/deluge/help/functions/string/startswith.html>
fn starts_with(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "startsWith")?;
    Ok(Value::Bool(s.starts_with(text_arg(args, 1, "startsWith")?.as_ref())))
}

/// `startsWithIgnoreCase(s)`.
/// <https://www.zoho.com/deluge/help/functions/string/startswithignorecase.html>
fn starts_with_ignore_case(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "startsWithIgnoreCase")?;
    let needle = text_arg(args, 1, "startsWithIgnoreCase")?;
    Ok(Value::Bool(prefix_ci(s, &needle).is_some()))
}

/// `endsWith(s)`: case-sensitive.
fn ends_with(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "endsWith")?;
    Ok(Value::Bool(s.ends_with(text_arg(args, 1, "endsWith")?.as_ref())))
}

/// `endsWithIgnoreCase(s)`.
/// <https://www.zoho.com/deluge/help/functions/string/endswithignorecase.html>
fn ends_with_ignore_case(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "endsWithIgnoreCase")?;
    let needle = text_arg(args, 1, "endsWithIgnoreCase")?;
    let n = char_len(&needle);
    let len = char_len(s);
    if n > len {
        return Ok(Value::Bool(false));
    }
    let start = byte_at(s, len - n).unwrap_or(s.len());
    Ok(Value::Bool(prefix_ci(&s[start..], &needle) == Some(s.len() - start)))
}

/// `equalsIgnoreCase(s)`.
/// <https://www.zoho.com/deluge/help/functions/string/equalsIgnoreCase.html>
fn equals_ignore_case(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "equalsIgnoreCase")?;
    let other = match args.get(1) {
        Some(Value::Null) => return Ok(Value::Bool(false)),
        _ => text_arg(args, 1, "equalsIgnoreCase")?,
    };
    Ok(Value::Bool(prefix_ci(s, &other) == Some(s.len()) && char_len(s) == char_len(&other)))
}

/// `indexOf(s)` / `find(s)`: character position of the first occurrence, -1 if absent.
/// <https://www.zoho.com/deluge/help/functions/string/find.html>
fn index_of(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "indexOf")?;
    let needle = text_arg(args, 1, "indexOf")?;
    Ok(match search::find(s, &needle) {
        Some(b) => int(char_index(s, b)),
        None => Value::Int(-1),
    })
}

/// `lastIndexOf(s)`: character position of the last occurrence, -1 if absent.
/// <https://www.zoho.com/deluge/help/functions/string/lastindexof.html>
fn last_index_of(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "lastIndexOf")?;
    let needle = text_arg(args, 1, "lastIndexOf")?;
    Ok(match s.rfind(needle.as_ref()) {
        Some(b) => int(char_index(s, b)),
        None => Value::Int(-1),
    })
}

/// `getOccurenceCount(s)`: number of non-overlapping occurrences (0 for an empty `s`).
/// <https://www.zoho.com/deluge/help/functions/string/getOccurenceCount.html>
fn get_occurence_count(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "getOccurenceCount")?;
    let needle = text_arg(args, 1, "getOccurenceCount")?;
    if needle.is_empty() {
        return Ok(Value::Int(0));
    }
    Ok(int(search::positions(s, &needle).count()))
}

// ---------------------------------------------------------------------------
// replace / remove

/// Translates the parts of Java's regex syntax that the `regex` crate reads
/// differently: `\d`, `\w`, `\s` (ASCII-only in Java), the POSIX classes
/// `\p{Alpha}` & co. (ASCII in Java) and `\Q…\E` quoting. Everything else is
/// passed through; constructs Rust lacks (look-around, back-references)
/// then fail with a clear "invalid regular expression" error.
pub(crate) fn java_regex(p: &str) -> Cow<'_, str> {
    if !p.contains('\\') {
        return Cow::Borrowed(p);
    }
    let mut out = String::with_capacity(p.len() + 16);
    let mut it = p.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            out.push('\\');
            break;
        };
        match e {
            'd' => out.push_str("[0-9]"),
            'D' => out.push_str("[^0-9]"),
            'w' => out.push_str("[0-9A-Za-z_]"),
            'W' => out.push_str("[^0-9A-Za-z_]"),
            's' => out.push_str(r"[\t\n\x0B\x0C\r ]"),
            'S' => out.push_str(r"[^\t\n\x0B\x0C\r ]"),
            'Q' => {
                let mut quoted = String::new();
                while let Some(q) = it.next() {
                    if q == '\\' && it.peek() == Some(&'E') {
                        it.next();
                        break;
                    }
                    quoted.push(q);
                }
                out.push_str(&regex::escape(&quoted));
            }
            'p' | 'P' if it.peek() == Some(&'{') => {
                let mut name = String::new();
                it.next();
                let mut closed = false;
                for n in it.by_ref() {
                    if n == '}' {
                        closed = true;
                        break;
                    }
                    name.push(n);
                }
                let class = match name.as_str() {
                    "Lower" => Some("a-z"),
                    "Upper" => Some("A-Z"),
                    "ASCII" => Some(r"\x00-\x7F"),
                    "Alpha" => Some("a-zA-Z"),
                    "Digit" => Some("0-9"),
                    "Alnum" => Some("a-zA-Z0-9"),
                    "Punct" => Some(r"!-/:-@\[-`{-~"),
                    "Graph" => Some(r"!-~"),
                    "Print" => Some(r"\x20-~"),
                    "Blank" => Some(r" \t"),
                    "Cntrl" => Some(r"\x00-\x1F\x7F"),
                    "XDigit" => Some("0-9a-fA-F"),
                    "Space" => Some(r"\t\n\x0B\x0C\r "),
                    "javaLowerCase" => Some(r"\p{Lowercase}"),
                    "javaUpperCase" => Some(r"\p{Uppercase}"),
                    "javaWhitespace" => {
                        Some(r"\t\n\x0B\x0C\r\x1C-\x1F\p{Zs}&&[^\xA0\u{2007}\u{202F}]")
                    }
                    "javaDigit" => Some(r"\p{Nd}"),
                    "javaLetter" => Some(r"\p{L}"),
                    "javaLetterOrDigit" => Some(r"\p{L}\p{Nd}"),
                    "javaAlphabetic" => Some(r"\p{Alphabetic}"),
                    _ => None,
                };
                // Java's `\p{IsLatin}` / `\p{IsAlphabetic}` are Rust's `\p{Latin}` / `\p{Alphabetic}`.
                let name = match name.strip_prefix("Is") {
                    Some(rest) if class.is_none() && !rest.is_empty() => rest.to_string(),
                    _ => name,
                };
                match class {
                    Some(cls) if closed => {
                        out.push('[');
                        if e == 'P' {
                            out.push('^');
                        }
                        out.push_str(cls);
                        out.push(']');
                    }
                    _ => {
                        out.push('\\');
                        out.push(e);
                        out.push('{');
                        out.push_str(&name);
                        if closed {
                            out.push('}');
                        }
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Cow::Owned(out)
}

/// Compiles `pattern` (already translated) through the per-run cache; errors
/// name the function and the pattern as the script wrote it.
fn compile<'c>(
    ctx: &'c mut Ctx<'_>,
    f: &str,
    written: &str,
    pattern: &str,
    ignore_case: bool,
) -> Result<&'c regex::Regex> {
    match ctx.regex(pattern, ignore_case) {
        Ok(_) => {}
        Err(e) if e.kind() == crate::ErrorKind::Limit => return Err(e),
        Err(e) => {
            let msg = e.message();
            let why = msg
                .rsplit("error: ")
                .next()
                .filter(|w| w.len() < msg.len())
                .unwrap_or("syntax error");
            return fail(format!("{f}: invalid regular expression '{written}': {}", why.trim()));
        }
    }
    ctx.regex(pattern, ignore_case)
}

/// True when `p` has no regex metacharacter, so it matches itself literally.
fn is_plain(p: &str) -> bool {
    !p.bytes().any(|c| {
        matches!(
            c,
            b'\\'
                | b'.'
                | b'+'
                | b'*'
                | b'?'
                | b'('
                | b')'
                | b'|'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'^'
                | b'$'
        )
    })
}

/// Translates a Java replacement (`$1`, `${name}`, `\$`) into the `regex`
/// crate's syntax. `groups` is the number of capture groups. Returns the
/// translation and the number of group references.
fn java_replacement<'a>(
    rep: &'a str,
    groups: usize,
    names: &[&str],
    f: &str,
) -> Result<(Cow<'a, str>, usize)> {
    if !rep.contains(['$', '\\']) {
        return Ok((Cow::Borrowed(rep), 0));
    }
    let mut out = String::with_capacity(rep.len() + 8);
    let mut refs = 0;
    let mut it = rep.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some('$') => out.push_str("$$"),
                Some(n) => out.push(n),
                None => {
                    return fail(format!(
                        "{f}: character to be escaped is missing at the end of the replacement"
                    ))
                }
            },
            '$' => match it.peek().copied() {
                Some('{') => {
                    it.next();
                    let mut name = String::new();
                    loop {
                        match it.next() {
                            Some('}') => break,
                            Some(ch) if ch.is_ascii_alphanumeric() => name.push(ch),
                            _ => {
                                return fail(format!(
                                    "{f}: named capturing group is missing trailing '}}'"
                                ))
                            }
                        }
                    }
                    if !names.contains(&name.as_str()) {
                        return fail(format!("{f}: no group with name {{{name}}}"));
                    }
                    refs += 1;
                    out.push_str("${");
                    out.push_str(&name);
                    out.push('}');
                }
                Some(d) if d.is_ascii_digit() => {
                    it.next();
                    let mut n = d as usize - '0' as usize;
                    if n > groups {
                        return fail(format!("{f}: No group {n}"));
                    }
                    while let Some(&d2) = it.peek() {
                        let Some(v) = d2.to_digit(10) else { break };
                        let next = n * 10 + v as usize;
                        if next > groups {
                            break;
                        }
                        n = next;
                        it.next();
                    }
                    refs += 1;
                    out.push_str(&format!("${{{n}}}"));
                }
                _ => return fail(format!("{f}: Illegal group reference in replacement '{rep}'")),
            },
            other => out.push(other),
        }
    }
    Ok((Cow::Owned(out), refs))
}

/// Fails when replacing `count` matches in `input` by `rep` (with `refs` group
/// references) could exceed the text limit.
fn check_replace_size(
    ctx: &Ctx<'_>,
    input: &str,
    rep_len: usize,
    refs: usize,
    count: impl FnOnce() -> usize,
) -> Result<()> {
    let max = ctx.limits.max_text_bytes;
    let bound = |n: usize| {
        input
            .len()
            .saturating_add(n.saturating_mul(rep_len))
            .saturating_add(refs.saturating_mul(input.len()))
    };
    if bound(input.len() + 1) <= max {
        return Ok(());
    }
    ctx.reserve_text(bound(count()))
}

fn replace_impl(
    ctx: &mut Ctx<'_>,
    args: &[Value],
    f: &str,
    all: bool,
    ignore_case: bool,
) -> Result<Value> {
    let s = recv(args, f)?;
    let search = text_arg(args, 1, f)?;
    let rep = text_arg(args, 2, f)?;
    let literal = bool_arg(args, 3, f)?;
    if !ignore_case && (literal || is_plain(&search)) {
        let rep: Cow<'_, str> = if literal {
            rep
        } else {
            // The search text is plain, so there are no groups: `$n` fails as in Java.
            match java_replacement(&rep, 0, &[], f)? {
                (Cow::Borrowed(_), _) => rep,
                (Cow::Owned(r), _) => Cow::Owned(r.replace("$$", "$")),
            }
        };
        if search.is_empty() {
            // Java: an empty pattern matches before every character and at the end.
            let re = ctx.regex("", false)?.clone();
            return regex_replace(ctx, s, &re, &rep, 0, all, args, true);
        }
        if !search::contains(s, &search) {
            return Ok(args[0].clone());
        }
        check_replace_size(ctx, s, rep.len(), 0, || search::positions(s, &search).count())?;
        let out = search::replace(s, &search, &rep, if all { usize::MAX } else { 1 });
        return Ok(Value::text(out));
    }
    let pattern: Cow<'_, str> = if literal {
        Cow::Owned(regex::escape(&search))
    } else {
        Cow::Owned(java_regex(&search).into_owned())
    };
    let re = compile(ctx, f, &search, &pattern, ignore_case)?.clone();
    if literal {
        return regex_replace(ctx, s, &re, &rep, 0, all, args, true);
    }
    let names: Vec<&str> = re.capture_names().flatten().collect();
    let (rep, refs) = java_replacement(&rep, re.captures_len() - 1, &names, f)?;
    // An untouched replacement has no `$`: copy it as is.
    let no_expand = matches!(rep, Cow::Borrowed(_));
    regex_replace(ctx, s, &re, &rep, refs, all, args, no_expand)
}

#[allow(clippy::too_many_arguments)]
fn regex_replace(
    ctx: &Ctx<'_>,
    s: &str,
    re: &regex::Regex,
    rep: &str,
    refs: usize,
    all: bool,
    args: &[Value],
    no_expand: bool,
) -> Result<Value> {
    check_replace_size(ctx, s, rep.len(), refs, || if all { re.find_iter(s).count() } else { 1 })?;
    let limit = if all { 0 } else { 1 };
    let out = if no_expand {
        re.replacen(s, limit, regex::NoExpand(rep))
    } else {
        re.replacen(s, limit, rep)
    };
    Ok(keep_or(args, s, out))
}

/// `replaceAll(search, replacement[, literal])`: `search` is a (Java-style)
/// regular expression unless the third argument is `true`; `$1` in the
/// replacement refers to a group. Case-sensitive.
/// <https://www.zoho.com/creator/newhelp/script/built-in-functions/built-in-function-string-replaceall.html>
fn replace_all(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    replace_impl(ctx, args, "replaceAll", true, false)
}

/// `replaceFirst(search, replacement[, literal])`: like `replaceAll`, first match only.
/// <https://www.zoho.com/deluge/help/functions/string/replacefirst.html>
fn replace_first(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    replace_impl(ctx, args, "replaceFirst", false, false)
}

/// `replaceAllIgnoreCase(search, replacement[, literal])`.
/// <https://zoho.com/deluge/help/functions/string/replaceallignorecase.html>
fn replace_all_ignore_case(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    replace_impl(ctx, args, "replaceAllIgnoreCase", true, true)
}

/// `replaceFirstIgnoreCase(search, replacement[, literal])`.
/// <https://www.zoho.com/deluge/help/functions/string/replaceFirstIgnoreCase.html>
fn replace_first_ignore_case(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    replace_impl(ctx, args, "replaceFirstIgnoreCase", false, true)
}

/// `remove(s)`: removes every occurrence of `s` (literal, case-sensitive).
/// <https://www.zoho.com/deluge/help/functions/string/remove.html>
fn remove(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "remove")?;
    let needle = text_arg(args, 1, "remove")?;
    if needle.is_empty() || !search::contains(s, &needle) {
        return Ok(args[0].clone());
    }
    Ok(Value::text(search::replace(s, &needle, "", usize::MAX)))
}

/// `removeFirstOccurence(s)`: removes the first occurrence of `s`.
/// <https://www.zoho.com/deluge/help/functions/string/removefirstoccurence.html>
fn remove_first_occurence(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "removeFirstOccurence")?;
    let needle = text_arg(args, 1, "removeFirstOccurence")?;
    match s.find(needle.as_ref()) {
        Some(i) if !needle.is_empty() => {
            Ok(Value::text(format!("{}{}", &s[..i], &s[i + needle.len()..])))
        }
        _ => Ok(args[0].clone()),
    }
}

/// `removeLastOccurence(s)`: removes the last occurrence of `s`.
/// <https://www.zoho.com/deluge/help/functions/string/removelastoccurence.html>
fn remove_last_occurence(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "removeLastOccurence")?;
    let needle = text_arg(args, 1, "removeLastOccurence")?;
    match s.rfind(needle.as_ref()) {
        Some(i) if !needle.is_empty() => {
            Ok(Value::text(format!("{}{}", &s[..i], &s[i + needle.len()..])))
        }
        _ => Ok(args[0].clone()),
    }
}

// ---------------------------------------------------------------------------
// case, whitespace, padding

/// `toUpperCase()` / `upper()`.
/// <https://zoho.com/deluge/help/functions/string/touppercase.html>
fn to_upper_case(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "toUpperCase")?;
    if s.is_ascii() {
        if !s.bytes().any(|c| c.is_ascii_lowercase()) {
            return Ok(args[0].clone());
        }
        ctx.reserve_text(s.len())?;
        return Ok(Value::text(s.to_ascii_uppercase()));
    }
    convert_case(ctx, s, |c, out| out.extend(c.to_uppercase()))
}

/// A case conversion of non-ASCII text, which can grow it (`ß` → `SS`, up to three times
/// the bytes): built within the text limit and the memory budget.
fn convert_case(ctx: &Ctx<'_>, s: &str, conv: impl Fn(char, &mut String)) -> Result<Value> {
    let cap = ctx.print_cap();
    if s.len().saturating_mul(3) <= cap {
        let mut out = String::with_capacity(s.len());
        s.chars().for_each(|c| conv(c, &mut out));
        return Ok(Value::text(out));
    }
    if s.len() > cap {
        return Err(ctx.cap_error(cap));
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        conv(c, &mut out);
        if out.len() > cap {
            return Err(ctx.cap_error(cap));
        }
    }
    Ok(Value::text(out))
}

/// `toLowerCase()` / `lower()`.
fn to_lower_case(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "toLowerCase")?;
    if s.is_ascii() {
        if !s.bytes().any(|c| c.is_ascii_uppercase()) {
            return Ok(args[0].clone());
        }
        ctx.reserve_text(s.len())?;
        return Ok(Value::text(s.to_ascii_lowercase()));
    }
    // `str::to_lowercase` handles the final sigma; `İ` → `i̇` (1.5 times the bytes) is the
    // only growth, so the transient text stays within 1.5 times the cap.
    let cap = ctx.print_cap();
    if s.len() > cap {
        return Err(ctx.cap_error(cap));
    }
    let out = s.to_lowercase();
    if out.len() > cap {
        return Err(ctx.cap_error(cap));
    }
    Ok(Value::text(out))
}

/// Java `String.trim`: whitespace and control characters up to U+0020.
fn is_trim(c: char) -> bool {
    c <= ' '
}

/// `trim()`: removes leading and trailing white space.
/// <https://www.zoho.com/deluge/help/functions/string/trim.html>
fn trim(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "trim")?;
    Ok(keep_or(args, s, Cow::Borrowed(s.trim_matches(is_trim))))
}

/// `ltrim()`: removes leading white space.
fn ltrim(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "ltrim")?;
    Ok(keep_or(args, s, Cow::Borrowed(s.trim_start_matches(is_trim))))
}

/// `rtrim()`: removes trailing white space.
fn rtrim(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "rtrim")?;
    Ok(keep_or(args, s, Cow::Borrowed(s.trim_end_matches(is_trim))))
}

fn pad(ctx: &mut Ctx<'_>, args: &[Value], f: &str, left: bool) -> Result<Value> {
    let s = recv(args, f)?;
    let n = int_arg(args, 1, f)?;
    let len = char_len(s) as u64;
    if n <= 0 || n as u64 <= len {
        return Ok(args[0].clone());
    }
    let spaces = (n as u64 - len) as usize;
    ctx.reserve_text(s.len().saturating_add(spaces))?;
    let mut out = String::with_capacity(s.len() + spaces);
    if left {
        out.extend(std::iter::repeat_n(' ', spaces));
        out.push_str(s);
    } else {
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', spaces));
    }
    Ok(Value::text(out))
}

/// `leftpad(n)`: pads with spaces on the left up to `n` characters in total;
/// a negative or smaller `n` returns the text unchanged.
/// <https://www.zoho.com/deluge/help/functions/string/leftpad.html>
fn leftpad(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    pad(ctx, args, "leftpad", true)
}

/// `rightpad(n)`: pads with spaces on the right up to `n` characters in total.
/// <https://www.zoho.com/deluge/help/functions/string/rightpad.html>
fn rightpad(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    pad(ctx, args, "rightpad", false)
}

/// `repeat(n)`: the text repeated `n` times (`0` gives `""`; negative is an error).
/// <https://www.zoho.com/deluge/help/functions/string/repeat.html>
fn repeat(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "repeat")?;
    let n = int_arg(args, 1, "repeat")?;
    if n < 0 {
        return fail(format!("repeat: the repeat count must not be negative, got {n}"));
    }
    let total = usize::try_from(n).ok().and_then(|n| s.len().checked_mul(n)).unwrap_or(usize::MAX);
    ctx.reserve_text(total)?;
    Ok(Value::text(s.repeat(n as usize)))
}

/// `reverse()`: the characters in reverse order.
/// <https://www.zoho.com/deluge/help/functions/string/reverse.html>
fn reverse(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "reverse")?;
    Ok(Value::text(s.chars().rev().collect::<String>()))
}

// ---------------------------------------------------------------------------
// character classes

fn keep(args: &[Value], f: &str, pred: impl Fn(char) -> bool) -> Result<Value> {
    let s = recv(args, f)?;
    if s.chars().all(&pred) {
        return Ok(args[0].clone());
    }
    Ok(Value::text(s.chars().filter(|c| pred(*c)).collect::<String>()))
}

/// `getAlpha()`: only the letters.
/// <https://www.zoho.com/deluge/help/functions/string/getalpha.html>
fn get_alpha(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    keep(args, "getAlpha", char::is_alphabetic)
}

/// `getAlphaNumeric()`: only the letters and digits.
/// <https://zoho.com/deluge/help/functions/string/getalphanumeric.html>
fn get_alpha_numeric(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    keep(args, "getAlphaNumeric", char::is_alphanumeric)
}

/// `removeAllAlpha()`: drops the letters, keeps everything else (spaces too).
/// <https://www.zoho.com/deluge/help/functions/string/removeAllAlpha.html>
fn remove_all_alpha(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    keep(args, "removeAllAlpha", |c| !c.is_alphabetic())
}

/// `removeAllAlphaNumeric()`: drops letters and digits.
/// <https://www.zoho.com/deluge/help/functions/string/removeallalphanumeric.html>
fn remove_all_alpha_numeric(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    keep(args, "removeAllAlphaNumeric", |c| !c.is_alphanumeric())
}

/// `matches(regex)`: true when the whole text matches the regular expression.
/// <https://www.zoho.com/deluge/help/functions/string/matches.html>
fn matches(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "matches")?;
    let pattern = text_arg(args, 1, "matches")?;
    // Validate the pattern on its own first: wrapping an unbalanced pattern
    // such as `a)|(b` would change its meaning.
    let translated = java_regex(&pattern);
    compile(ctx, "matches", &pattern, &translated, false)?;
    let re = ctx.regex(&format!(r"\A(?:{translated})\z"), false)?;
    Ok(Value::Bool(re.is_match(s)))
}

/// `isAscii()`: true when every character is ASCII (the empty text too).
/// <https://www.zoho.com/deluge/help/functions/string/isAscii.html>
fn is_ascii(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(recv(args, "isAscii")?.is_ascii()))
}

// ---------------------------------------------------------------------------
// conversions

/// `toList([separator])`: splits on the literal separator; consecutive
/// separators give empty elements; without a separator (or when it does not
/// occur) the whole text is the only element.
/// <https://zoho.com/creator/help/script/built-in-functions/built-in-function-list-tolist.html>
fn to_list(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "toList")?;
    let sep = if args.len() > 1 { text_arg(args, 1, "toList")? } else { Cow::Borrowed("") };
    if sep.is_empty() || !search::contains(s, &sep) {
        return Ok(Value::list(vec![args[0].clone()]));
    }
    let count = search::positions(s, &sep).count() + 1;
    ctx.check_collection_len(count)?;
    let mut items = Vec::with_capacity(count);
    items.extend(search::split(s, &sep).map(Value::text));
    Ok(Value::list(items))
}

/// `proper()`: first letter of each (whitespace-separated) word in upper case,
/// the rest in lower case.
/// <https://www.zoho.com/deluge/help/functions/string/proper.html>
fn proper(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "proper")?;
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_whitespace() {
            start = true;
            out.push(c);
        } else if start {
            out.extend(c.to_uppercase());
            start = false;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    Ok(keep_or(args, s, Cow::Owned(out)))
}

/// `encodeUrl(text)`: percent-encodes like Java's `URLEncoder` (UTF-8): letters,
/// digits and `.-*_` stay, a space becomes `+`, everything else `%XX`.
/// <https://zoho.com/creator/help/script/built-in-functions/built-in-function-url-encodeurl.html>
fn encode_url(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "encodeUrl")?;
    ctx.reserve_text(s.len().saturating_mul(3))?;
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(c as char)
            }
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[(c >> 4) as usize] as char);
                out.push(HEX[(c & 15) as usize] as char);
            }
        }
    }
    Ok(keep_or(args, s, Cow::Owned(out)))
}

/// `concat(s)`: the text followed by `s`.
fn concat(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let s = recv(args, "concat")?;
    let t = text_arg(args, 1, "concat")?;
    if t.is_empty() {
        return Ok(args[0].clone());
    }
    ctx.reserve_text(s.len().saturating_add(t.len()))?;
    let mut out = String::with_capacity(s.len() + t.len());
    out.push_str(s);
    out.push_str(&t);
    Ok(Value::text(out))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{err, invoke, ok};
    use crate::ctx::Ctx;
    use crate::{Limits, RecordingHost, Value};

    fn t(s: &str) -> Value {
        Value::text(s)
    }

    fn run_with(limits: Limits, name: &str, args: &[Value]) -> Result<Value, String> {
        invoke(limits, "UTC", 1, name, args).map_err(|e| e.message().to_string())
    }

    fn run(name: &str, args: &[Value]) -> Result<Value, String> {
        run_with(Limits::default(), name, args)
    }

    #[test]
    fn length_counts_characters() {
        assert_eq!(ok("length", &[t("Create database applications with Zoho Creator")]), "46");
        assert_eq!(ok("len", &[t("")]), "0");
        assert_eq!(ok("LENGTH", &[t("héllo wörld")]), "11");
        assert_eq!(ok("len", &[t("😀a")]), "2");
        assert!(matches!(run("length", &[t("abc")]), Ok(Value::Int(3))));
    }

    #[test]
    fn sub_string_rules() {
        assert_eq!(
            ok("subString", &[t("Welcome to Zoho Deluge"), Value::Int(11), Value::Int(22)]),
            "Zoho Deluge"
        );
        assert_eq!(
            ok("substring", &[t("15-Aug-1947 12:00:00"), Value::Int(0), Value::Int(11)]),
            "15-Aug-1947"
        );
        assert_eq!(ok("subString", &[t("Zoho Creator"), Value::Int(5)]), "Creator");
        assert_eq!(ok("subString", &[t("Zoho Creator"), Value::Int(5), Value::Int(-1)]), "Creator");
        assert_eq!(ok("subString", &[t("Zoho"), Value::Int(2), Value::Int(2)]), "");
        assert_eq!(ok("subString", &[t("Zoho"), Value::Int(4)]), "");
        assert_eq!(ok("mid", &[t("héllo"), Value::Int(1), Value::Int(3)]), "él");
        assert_eq!(ok("subText", &[t("Zoho"), Value::Dec(1.0), t("3")]), "oh");
        assert!(err("subText", &[t("Zoho Deluge"), Value::Int(6), Value::Int(4)])
            .contains("smaller than start"));
        assert!(
            err("subString", &[t("Zoho"), Value::Int(5)]).contains("greater than the text length")
        );
        assert!(
            err("subString", &[t("Zoho"), Value::Int(0), Value::Int(5)]).contains("end index 5")
        );
        assert!(err("subString", &[t("Zoho"), Value::Int(-1)]).contains("negative"));
        assert!(err("subString", &[t("Zoho"), Value::Null]).contains("not null"));
        assert!(err("subString", &[t("Zoho"), t("x")]).contains("must be a number"));
        assert_eq!(
            err("subString", &[t("Zoho")]),
            "No. of arguments mismatches for the function subString"
        );
    }

    #[test]
    fn left_and_right() {
        assert_eq!(ok("left", &[t("Zoho Creator"), Value::Int(4)]), "Zoho");
        assert_eq!(ok("left", &[t("Zoho"), Value::Int(-1)]), "Zoho");
        assert_eq!(ok("left", &[t("Zoho"), Value::Int(0)]), "");
        assert!(err("left", &[t("Zoho"), Value::Int(5)]).contains("greater than"));
        assert_eq!(ok("right", &[t("Zoho Creator"), Value::Int(7)]), "Creator");
        assert_eq!(ok("right", &[t("añb"), Value::Int(2)]), "ñb");
        assert!(err("right", &[t("Zoho"), Value::Int(5)]).contains("greater than"));
        assert!(err("right", &[t("Zoho"), Value::Int(-1)]).contains("negative"));
    }

    #[test]
    fn prefix_and_suffix() {
        let s = t("Create custom apps with Zoho Creator");
        assert_eq!(ok("getSuffix", &[s.clone(), t("with")]), " Zoho Creator");
        assert_eq!(ok("getPrefix", &[s.clone(), t("with")]), "Create custom apps ");
        assert!(run("getPrefix", &[t("Zoho Creator"), t("#")]).is_ok_and(|v| v.is_null()));
        assert!(run("getSuffix", &[t("Zoho Creator"), t("#")]).is_ok_and(|v| v.is_null()));
        assert!(run("getPrefix", &[t("Zoho Creator"), t("creator")]).is_ok_and(|v| v.is_null()));
        assert_eq!(ok("getPrefixIgnoreCase", &[t("Zoho Creator"), t("CREATOR")]), "Zoho ");
        assert_eq!(ok("getSuffixIgnoreCase", &[t("Zoho Creator"), t("ZOHO")]), " Creator");
        assert_eq!(ok("getSuffixIgnoreCase", &[t("ÄBC-def"), t("äbc")]), "-def");
        assert!(run("getSuffixIgnoreCase", &[t("Zoho"), t("x")]).is_ok_and(|v| v.is_null()));
        assert!(run("getPrefixIgnoreCase", &[t("Zoho"), t("x")]).is_ok_and(|v| v.is_null()));
        assert!(err("getPrefix", &[t("Zoho"), Value::Null])
            .contains("getPrefix: argument 1 must be text"));
    }

    #[test]
    fn contains_family() {
        assert_eq!(ok("contains", &[t("Zoho Creator"), t("Creator")]), "true");
        assert_eq!(ok("contains", &[t("Zoho Creator"), t("creator ")]), "false");
        assert_eq!(ok("contains", &[t("abc123"), Value::Int(123)]), "true");
        assert_eq!(ok("notContains", &[t("Zoho Creator"), t("CRM")]), "true");
        assert_eq!(ok("notContains", &[t("Zoho Creator"), t("Zoho")]), "false");
        assert_eq!(ok("containsIgnoreCase", &[t("Zoho Creator"), t("CREATOR")]), "true");
        assert_eq!(ok("containsIgnoreCase", &[t("Zoho Creator"), t("crm")]), "false");
        assert_eq!(ok("containsIgnoreCase", &[t("Straße"), t("STRASSE")]), "false");
        assert_eq!(ok("containsIgnoreCase", &[t("ÉCOLE"), t("école")]), "true");
        assert!(err("contains", &[t("a"), Value::list(vec![])]).contains("not LIST"));
    }

    #[test]
    fn starts_ends_equals() {
        assert_eq!(ok("startsWith", &[t("Zoho Creator"), t("zoho")]), "false");
        assert_eq!(ok("startsWith", &[t("Zoho Creator"), t("Zoho")]), "true");
        assert_eq!(ok("startsWithIgnoreCase", &[t("Zoho Creator"), t("zoho")]), "true");
        assert_eq!(ok("startsWithIgnoreCase", &[t("Zo"), t("zoho")]), "false");
        assert_eq!(ok("endsWith", &[t("Zoho Creator"), t("Creator")]), "true");
        assert_eq!(ok("endsWith", &[t("Zoho Creator"), t("creator")]), "false");
        assert_eq!(ok("endsWithIgnoreCase", &[t("Zoho Creator"), t("CREATOR")]), "true");
        assert_eq!(ok("endsWithIgnoreCase", &[t("Zoho Créator"), t("CRÉATOR")]), "true");
        assert_eq!(ok("endsWithIgnoreCase", &[t("or"), t("Creator")]), "false");
        assert_eq!(ok("equalsIgnoreCase", &[t("Zoho"), t("zOHO")]), "true");
        assert_eq!(ok("equalsIgnoreCase", &[t("Zoho"), t("Zoh")]), "false");
        assert_eq!(ok("equalsIgnoreCase", &[t("Zoh"), t("Zoho")]), "false");
        assert_eq!(ok("equalsIgnoreCase", &[t("Zoho"), Value::Null]), "false");
        assert_eq!(ok("equalsIgnoreCase", &[t("12"), Value::Int(12)]), "true");
    }

    #[test]
    fn index_functions() {
        let s = t("Hello world, welcome to the universe");
        assert_eq!(ok("find", &[s.clone(), t("e")]), "1");
        assert_eq!(ok("indexOf", &[s.clone(), t("welcome")]), "13");
        assert_eq!(ok("indexOf", &[s.clone(), t("xyz")]), "-1");
        assert_eq!(ok("lastIndexOf", &[s.clone(), t("e")]), "35");
        assert_eq!(ok("lastIndexOf", &[s, t("xyz")]), "-1");
        assert_eq!(ok("indexOf", &[t("ñandú-x"), t("-")]), "5");
        assert_eq!(ok("lastIndexOf", &[t("ñaña"), t("ñ")]), "2");
        assert_eq!(ok("indexOf", &[t("abc"), t("")]), "0");
        assert_eq!(ok("getOccurenceCount", &[t("Zoho Creator Zoho CRM zoho"), t("Zoho")]), "2");
        assert_eq!(ok("getOccurenceCount", &[t("aaaa"), t("aa")]), "2");
        assert_eq!(ok("getOccurenceCount", &[t("abc"), t("")]), "0");
    }

    #[test]
    fn replace_is_regex_by_default() {
        let s = t("Zoho Creator, Zoho Desk, Zoho CRM");
        assert_eq!(
            ok("replaceAllIgnoreCase", &[s.clone(), t("ZOHO "), t("Z")]),
            "ZCreator, ZDesk, ZCRM"
        );
        assert_eq!(
            ok("replaceFirstIgnoreCase", &[s.clone(), t("ZOHO "), t("Z")]),
            "ZCreator, Zoho Desk, Zoho CRM"
        );
        assert_eq!(
            ok(
                "replaceFirst",
                &[t("Create online database applications"), t("online"), t("custom")]
            ),
            "Create custom database applications"
        );
        assert_eq!(ok("replaceAll", &[s.clone(), t("Zoho"), t("Z")]), "Z Creator, Z Desk, Z CRM");
        assert_eq!(ok("replaceAll", &[t("a.b.c"), t("."), t("-")]), "-----");
        assert_eq!(ok("replaceAll", &[t("a.b.c"), t("."), t("-"), Value::Bool(true)]), "a-b-c");
        assert_eq!(ok("replaceAll", &[t("a1b22c333"), t("[0-9]+"), t("#")]), "a#b#c#");
        assert_eq!(
            ok("replaceAll", &[t("John Smith"), t("(\\w+) (\\w+)"), t("$2, $1")]),
            "Smith, John"
        );
        assert_eq!(ok("replaceAll", &[t("cost 5"), t("(\\d)"), t("\\$$1")]), "cost $5");
        assert_eq!(ok("replaceAll", &[t("a-b"), t("-"), t("\\$")]), "a$b");
        assert_eq!(ok("replaceAll", &[t("price: 10"), t("$"), t("!")]), "price: 10!");
        assert_eq!(ok("replaceAll", &[t("a$b"), t("$"), t("S"), Value::Bool(true)]), "aSb");
        assert_eq!(ok("replaceAll", &[t("a+b"), t("+"), t("$1"), Value::Bool(true)]), "a$1b");
        assert_eq!(ok("replaceAll", &[t("abc"), t(""), t("-")]), "-a-b-c-");
        assert_eq!(ok("replaceAll", &[t("ab"), t("(?<x>b)"), t("[${x}]")]), "a[b]");
        assert_eq!(ok("replaceAll", &[t("a1b11"), t("(1)"), t("$11")]), "a11b1111");
        assert_eq!(ok("replaceAll", &[t("abc"), t("x"), t("y")]), "abc");
        assert_eq!(ok("replaceAll", &[t("AbAb"), t("ab"), t("x"), t("false")]), "AbAb");
        assert_eq!(
            ok("replaceAllIgnoreCase", &[t("A.b a.B"), t("a.b"), t("x"), Value::Bool(true)]),
            "x x"
        );
        assert_eq!(ok("replaceFirst", &[t("a-b-c"), t("-"), t("+")]), "a+b-c");
        assert!(
            err("replaceAll", &[t("abc"), t("("), t("x")]).contains("invalid regular expression")
        );
        assert!(err("replaceAll", &[t("abc"), t("b"), t("$1")]).contains("No group 1"));
        assert!(err("replaceAll", &[t("abc"), t("(b)"), t("$2")]).contains("No group 2"));
        assert!(err("replaceAll", &[t("abc"), t("b"), t("$")]).contains("Illegal group reference"));
        assert!(err("replaceAll", &[t("abc"), t("b"), t("x\\")]).contains("escaped"));
        assert!(
            err("replaceAll", &[t("abc"), t("(b)"), t("${nope}")]).contains("no group with name")
        );
        assert!(err("replaceAll", &[t("abc"), t("b"), t("x"), Value::Int(3)]).contains("boolean"));
        assert!(err("replaceAll", &[t("abc"), t("b")]).contains("No. of arguments"));
    }

    #[test]
    fn java_regex_dialect() {
        assert_eq!(ok("replaceAll", &[t("a1٣b"), t("\\d"), t("#")]), "a#٣b");
        assert_eq!(ok("replaceAll", &[t("é_x-1"), t("\\w"), t(".")]), "é..-.");
        assert_eq!(ok("replaceAll", &[t("a b\tc"), t("\\s+"), t("")]), "abc");
        assert_eq!(ok("replaceAll", &[t("a,b;c!"), t("\\p{Punct}"), t("")]), "abc");
        assert_eq!(ok("replaceAll", &[t("ab12"), t("[^\\p{Alpha}]"), t("")]), "ab");
        assert_eq!(ok("replaceAll", &[t("Ab1"), t("\\P{Lower}"), t("")]), "b");
        assert_eq!(ok("replaceAll", &[t("a.b*c"), t("\\Q.b*\\E"), t("-")]), "a-c");
        assert_eq!(ok("replaceAll", &[t("aé"), t("\\p{L}"), t("x")]), "xx");
        assert_eq!(ok("matches", &[t("12-34"), t("\\d+-\\d+")]), "true");
        assert_eq!(ok("matches", &[t("D"), t("\\D")]), "true");
        assert_eq!(ok("replaceAll", &[t("a_b"), t("\\W"), t("")]), "a_b");
        assert_eq!(ok("replaceAll", &[t("a b"), t("\\S"), t("x")]), "x x");
        assert!(run("replaceAll", &[t("x"), t("\\p{Alnum"), t("y")]).is_err());
        let e = err("replaceAll", &[t("ab"), t("(?<=a)b"), t("x")]);
        assert!(
            e.starts_with("replaceAll: invalid regular expression '(?<=a)b': look-around"),
            "{e}"
        );
        assert!(err("matches", &[t("ab"), t("(a")])
            .starts_with("matches: invalid regular expression '(a'"));
        assert_eq!(super::java_regex("a\\"), "a\\");
        assert_eq!(ok("replaceAll", &[t("aΩ1"), t("\\p{IsAlphabetic}"), t("x")]), "xx1");
        assert_eq!(ok("replaceAll", &[t("aΩ1"), t("\\p{IsLatin}"), t("x")]), "xΩ1");
        assert_eq!(ok("replaceAll", &[t("aB1"), t("\\p{javaUpperCase}"), t("x")]), "ax1");
        assert_eq!(
            ok("replaceAll", &[t("a b\u{a0}c"), t("\\p{javaWhitespace}"), t("_")]),
            "a_b\u{a0}c"
        );
        assert_eq!(ok("replaceAll", &[t("a1é"), t("[^\\p{javaLetterOrDigit}]"), t("")]), "a1é");
    }

    #[test]
    fn replace_respects_the_text_limit() {
        let limits = Limits { max_text_bytes: 1000, ..Limits::default() };
        let big = t(&"a".repeat(100));
        let rep = t(&"x".repeat(100));
        assert!(
            run_with(limits.clone(), "replaceAll", &[big.clone(), t("a"), rep.clone()]).is_err()
        );
        assert!(run_with(
            limits.clone(),
            "replaceAll",
            &[big.clone(), t("a"), rep.clone(), Value::Bool(true)]
        )
        .is_err());
        assert!(
            run_with(limits.clone(), "replaceAll", &[big.clone(), t("[a]"), rep.clone()]).is_err()
        );
        assert!(run_with(limits, "replaceAll", &[big, t("b"), rep]).is_ok());
    }

    #[test]
    fn remove_family() {
        assert_eq!(ok("remove", &[t("Zoho Creator"), t("Creator")]), "Zoho ");
        assert_eq!(ok("remove", &[t("a-b-c"), t("-")]), "abc");
        assert_eq!(ok("remove", &[t("abc"), t("")]), "abc");
        assert_eq!(ok("remove", &[t("abc"), t("x")]), "abc");
        assert_eq!(ok("removeFirstOccurence", &[t("Zoho Creator 5"), t("5")]), "Zoho Creator ");
        assert_eq!(ok("removeFirstOccurence", &[t("a-b-c"), t("-")]), "ab-c");
        assert_eq!(ok("removeFirstOccurence", &[t("abc"), t("x")]), "abc");
        assert_eq!(ok("removeLastOccurence", &[t("a-b-c"), t("-")]), "a-bc");
        assert_eq!(ok("removeLastOccurence", &[t("abc"), t("x")]), "abc");
    }

    #[test]
    fn case_and_trim() {
        assert_eq!(
            ok("upper", &[t("Create online database applications")]),
            "CREATE ONLINE DATABASE APPLICATIONS"
        );
        assert_eq!(ok("toUpperCase", &[t("straße")]), "STRASSE");
        assert_eq!(ok("toUpperCase", &[t("ABC")]), "ABC");
        assert_eq!(ok("toLowerCase", &[t("Zoho CRM")]), "zoho crm");
        assert_eq!(ok("lower", &[t("ÉCOLE")]), "école");
        assert_eq!(ok("lower", &[t("abc")]), "abc");
        assert_eq!(ok("trim", &[t(" Welcome to Zoho Creator ")]), "Welcome to Zoho Creator");
        assert_eq!(ok("trim", &[t("\t\n x \r\n")]), "x");
        assert_eq!(ok("trim", &[t("x")]), "x");
        assert_eq!(ok("ltrim", &[t("  x  ")]), "x  ");
        assert_eq!(ok("rtrim", &[t("  x  ")]), "  x");
    }

    #[test]
    fn padding_and_repeat() {
        assert_eq!(ok("leftpad", &[t("Left"), Value::Int(6)]), "  Left");
        assert_eq!(ok("rightpad", &[t("Right"), Value::Int(7)]), "Right  ");
        assert_eq!(ok("leftpad", &[t("Left"), Value::Int(2)]), "Left");
        assert_eq!(ok("leftpad", &[t("Left"), Value::Int(-3)]), "Left");
        assert_eq!(ok("rightpad", &[t("é"), Value::Int(3)]), "é  ");
        assert!(err("leftpad", &[t("a"), Value::Int(1_000_000_000_000)])
            .contains("exceeds the text size limit"));
        assert!(err("rightpad", &[t("a"), Value::Int(i64::MAX)])
            .contains("exceeds the text size limit"));
        assert_eq!(ok("repeat", &[t("Zoho"), Value::Int(3)]), "ZohoZohoZoho");
        assert_eq!(ok("repeat", &[t("Zoho"), Value::Int(0)]), "");
        assert!(err("repeat", &[t("Zoho"), Value::Int(-1)]).contains("negative"));
        assert!(err("repeat", &[t("a"), Value::Int(10_000_000_000)])
            .contains("exceeds the text size limit"));
        assert!(
            err("repeat", &[t("ab"), Value::Int(i64::MAX)]).contains("exceeds the text size limit")
        );
    }

    #[test]
    fn reverse_and_character_classes() {
        assert_eq!(ok("reverse", &[t("Zoho Creator")]), "rotaerC ohoZ");
        assert_eq!(ok("reverse", &[t("añb")]), "bña");
        let s = t("Your joining date is 25-01-2019");
        assert_eq!(ok("getAlphaNumeric", std::slice::from_ref(&s)), "Yourjoiningdateis25012019");
        assert_eq!(ok("getAlpha", std::slice::from_ref(&s)), "Yourjoiningdateis");
        assert_eq!(ok("removeAllAlpha", std::slice::from_ref(&s)), "    25-01-2019");
        assert_eq!(ok("removeAllAlphaNumeric", &[s]), "    --");
        assert_eq!(ok("getAlpha", &[t("abc")]), "abc");
    }

    #[test]
    fn matches_whole_text() {
        assert_eq!(ok("matches", &[t("ID004500F"), t("[A-Z]{2}[0-9]{6}[A-Z]")]), "true");
        assert_eq!(ok("matches", &[t("xID004500F"), t("[A-Z]{2}[0-9]{6}[A-Z]")]), "false");
        assert_eq!(ok("matches", &[t("ab"), t("a|ab")]), "true");
        assert!(err("matches", &[t("ab"), t("a)|(b")]).contains("invalid regular expression"));
    }

    #[test]
    fn is_ascii() {
        assert_eq!(ok("isAscii", &[t("ß")]), "false");
        assert_eq!(ok("isAscii", &[t("Zoho")]), "true");
        assert_eq!(ok("isAscii", &[t("")]), "true");
    }

    #[test]
    fn to_list_splits_literally() {
        assert_eq!(ok("toList", &[t("ZohoCreator/ZohoCRM"), t("/")]), "ZohoCreator,ZohoCRM");
        let v = run("toList", &[t("a,,b,"), t(",")]).unwrap_or_default();
        assert_eq!(v, Value::list(vec![t("a"), t(""), t("b"), t("")]));
        assert_eq!(run("toList", &[t("a,b")]).unwrap_or_default(), Value::list(vec![t("a,b")]));
        assert_eq!(
            run("toList", &[t("a,b"), t(";")]).unwrap_or_default(),
            Value::list(vec![t("a,b")])
        );
        assert_eq!(
            run("toList", &[t("a.b"), t(".")]).unwrap_or_default(),
            Value::list(vec![t("a"), t("b")])
        );
        assert_eq!(
            run("toList", &[t("a||b"), t("||")]).unwrap_or_default(),
            Value::list(vec![t("a"), t("b")])
        );
        let limits = Limits { max_collection_len: 3, ..Limits::default() };
        assert!(run_with(limits, "toList", &[t("a,b,c,d"), t(",")]).is_err());
    }

    #[test]
    fn proper_encode_concat() {
        assert_eq!(ok("proper", &[t("zoho creator")]), "Zoho Creator");
        assert_eq!(ok("proper", &[t("hELLO  wORLD-wide")]), "Hello  World-wide");
        assert_eq!(
            ok(
                "encodeUrl",
                &[t("http://www.zoho.com/zohotest?name=John&country=Australia&age=101")]
            ),
            "http%3A%2F%2Fwww.zoho.com%2Fzohotest%3Fname%3DJohn%26country%3DAustralia%26age%3D101"
        );
        assert_eq!(ok("encodeUrl", &[t("a b*~é")]), "a+b*%7E%C3%A9");
        assert_eq!(ok("concat", &[t("Zoho"), t(" Creator")]), "Zoho Creator");
        assert_eq!(ok("concat", &[t("v"), Value::Int(2)]), "v2");
        assert_eq!(ok("concat", &[t("v"), t("")]), "v");
    }

    /// Every row, every arity, tricky inputs: results or clean errors, never a panic.
    #[test]
    fn no_input_panics() {
        let texts = [
            "",
            "a",
            "Zoho Creator",
            "héllo wörld",
            "😀a😀",
            "e\u{301}",
            " \t\n ",
            "a,,b,",
            "$1\\",
            "(",
            "[a-",
        ];
        let mut others: Vec<Value> = texts.iter().map(|s| t(s)).collect();
        others.extend([
            Value::Int(-1),
            Value::Int(0),
            Value::Int(1),
            Value::Int(3),
            Value::Int(100),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::Dec(-0.5),
            Value::Dec(2.9),
            Value::Dec(1e300),
            Value::Dec(f64::NAN),
            Value::Bool(true),
            Value::Null,
            Value::list(vec![]),
        ]);
        let limits =
            Limits { max_text_bytes: 1 << 16, max_collection_len: 1000, ..Limits::default() };
        let mut calls = 0;
        for row in super::TABLE {
            for recv in texts {
                for n in row.min..=row.max {
                    let combos: Vec<Vec<Value>> = match n {
                        0 => vec![vec![]],
                        1 => others.iter().map(|a| vec![a.clone()]).collect(),
                        _ => others
                            .iter()
                            .flat_map(|a| {
                                others
                                    .iter()
                                    .map(move |b| vec![a.clone(), b.clone(), Value::Bool(false)])
                            })
                            .map(|mut v| {
                                v.truncate(n as usize);
                                v
                            })
                            .collect(),
                    };
                    for rest in combos {
                        let mut args = vec![t(recv)];
                        args.extend(rest);
                        let mut host = RecordingHost::default();
                        let mut ctx = Ctx::new(&mut host, limits.clone(), "UTC".into(), 1);
                        if let Err(e) = (row.f)(&mut ctx, &args) {
                            assert!(!e.message().is_empty(), "{}", row.name);
                        }
                        calls += 1;
                    }
                }
            }
        }
        assert!(calls > 10_000, "{calls}");
    }

    #[test]
    fn wrong_receivers_fail_cleanly() {
        assert!(err("trim", &[Value::Null]).contains("null"));
        assert!(err("toUpperCase", &[Value::Int(5)]).contains("NUMBER"));
        let mut host = RecordingHost::default();
        let mut ctx = Ctx::new(&mut host, Limits::default(), "UTC".into(), 1);
        assert!(super::length(&mut ctx, &[Value::Int(1)]).is_err());
        assert!(super::trim(&mut ctx, &[]).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]
        /// The memchr-based search agrees with std's `str` methods on any text (ASCII-heavy
        /// alphabet with multi-byte characters, so matches overlap and straddle characters),
        /// match by match.
        #[test]
        fn search_agrees_with_std(s in "[ab-é€]{0,100}", needle in "[ab-é€]{1,4}", rep in "[xé]{0,3}") {
            proptest::prop_assert_eq!(super::search::find(&s, &needle), s.find(needle.as_str()));
            proptest::prop_assert_eq!(super::search::contains(&s, &needle), s.contains(needle.as_str()));
            let ours: Vec<usize> = super::search::positions(&s, &needle).collect();
            let std: Vec<usize> = s.match_indices(needle.as_str()).map(|(i, _)| i).collect();
            proptest::prop_assert_eq!(ours, std);
            proptest::prop_assert_eq!(super::search::replace(&s, &needle, &rep, usize::MAX), s.replace(needle.as_str(), &rep));
            proptest::prop_assert_eq!(super::search::replace(&s, &needle, &rep, 1), s.replacen(needle.as_str(), &rep, 1));
            let ours: Vec<&str> = super::search::split(&s, &needle).collect();
            let std: Vec<&str> = s.split(needle.as_str()).collect();
            proptest::prop_assert_eq!(ours, std);
        }
    }
}
