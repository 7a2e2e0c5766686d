//! Reading dates: the literal layouts Deluge accepts (`'15-Aug-1947'`,
//! `'01/31/2020 10:00 PM'`, `'2020-01-31T10:00:00Z'`, `'19:00:00'`) and Java
//! `SimpleDateFormat` patterns (`toDate("MM,d,yyyy")`).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::zone::{parse_offset, Zone};
use crate::Value;

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Index 0 = Sunday, as Deluge numbers week days from Sunday.
pub(crate) const WEEKDAYS: [&str; 7] =
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// `Jan`, `january`, `SEPT` → 1-based month.
pub(crate) fn month_from_name(w: &str) -> Option<u32> {
    if w.len() < 3 || !w.is_ascii() {
        return None;
    }
    for (i, m) in MONTHS.iter().enumerate() {
        if m.eq_ignore_ascii_case(w) || (w.len() == 3 && m[..3].eq_ignore_ascii_case(w)) {
            return u32::try_from(i + 1).ok();
        }
    }
    w.eq_ignore_ascii_case("sept").then_some(9)
}

/// `Sunday`, `sun` → days from Sunday (0..=6).
pub(crate) fn weekday_from_name(w: &str) -> Option<u32> {
    let w = w.trim();
    if w.len() < 3 || !w.is_ascii() {
        return None;
    }
    WEEKDAYS
        .iter()
        .position(|d| d.eq_ignore_ascii_case(w) || (w.len() == 3 && d[..3].eq_ignore_ascii_case(w)))
        .and_then(|i| u32::try_from(i).ok())
}

/// Two-digit years: 00–45 → 2000–2045, 46–99 → 1946–1999. This is the window
/// Java's `SimpleDateFormat` (and so Zoho) uses — 80 years back, 20 ahead —
/// taken at 2026 and fixed, so that scripts read the same every year.
pub(crate) fn pivot_year(yy: i32) -> i32 {
    if yy <= 45 {
        2000 + yy
    } else {
        1900 + yy
    }
}

/// Digits only, `min..=max` of them.
fn num(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn year_token(s: &str) -> Option<i32> {
    match s.len() {
        4 => num(s, 4, 4).and_then(|y| i32::try_from(y).ok()),
        2 => num(s, 2, 2).and_then(|y| i32::try_from(y).ok()).map(pivot_year),
        _ => None,
    }
}

fn ymd(y: Option<i32>, m: Option<u32>, d: Option<u32>) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y?, m?, d?)
}

/// A Deluge literal or date text, read in the script's zone `zone` (used only
/// when the text carries its own offset, e.g. `2020-01-31T10:00:00Z`).
pub(crate) fn parse_literal(s: &str, zone: &Zone) -> Option<Value> {
    let s = s.trim();
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    let Some(colon) = s.find(':') else {
        return parse_date_part(s).map(|d| Value::Date(d.and_time(NaiveTime::MIN)));
    };
    let head = &s[..colon];
    let (date_part, time_part) =
        if let Some((p, c)) = head.char_indices().rev().find(|(_, c)| c.is_whitespace()) {
            (&s[..p], &s[p + c.len_utf8()..])
        } else if let Some(p) = head.rfind(['T', 't']) {
            if p == 0 || !head.as_bytes()[p - 1].is_ascii_digit() {
                return None;
            }
            (&s[..p], &s[p + 1..])
        } else {
            ("", s)
        };
    let date_part = date_part.trim();
    if date_part.is_empty() {
        return parse_time_part(time_part).map(Value::Time);
    }
    let (time_text, offset) = split_offset(time_part);
    let time = parse_time_of_date(time_text)?;
    let date = parse_date_part(date_part)?;
    let mut dt = date.and_time(time);
    if let Some(off) = offset {
        let utc = dt.checked_sub_signed(Duration::seconds(i64::from(off)))?;
        dt = zone.local_of(&utc)?;
    }
    Some(Value::DateTime(dt))
}

/// `10:00:00Z` → (`10:00:00`, 0); `10:00+05:30` → (`10:00`, 19800).
fn split_offset(t: &str) -> (&str, Option<i32>) {
    let t = t.trim();
    if let Some(body) = t.strip_suffix(['Z', 'z']) {
        return (body, Some(0));
    }
    if let Some(i) = t.rfind(['+', '-']) {
        if let Some(off) = parse_offset(&t[i..]) {
            return (&t[..i], Some(off.local_minus_utc()));
        }
    }
    (t, None)
}

/// `HH:mm`, `HH:mm:ss`, `HH:mm:ss.SSS`, each optionally followed by AM/PM.
pub(crate) fn parse_time_part(t: &str) -> Option<NaiveTime> {
    parse_clock(t, false)
}

/// `parse_time_part`, with the out-of-range rule Zoho documents for the time
/// of a date-time: an hour of 24 or more resets the time to 00:00:00, minutes
/// of 60 or more reset mm:ss to 00:00, seconds of 60 or more reset ss to 00.
fn parse_time_of_date(t: &str) -> Option<NaiveTime> {
    parse_clock(t, true)
}

fn parse_clock(t: &str, reset_out_of_range: bool) -> Option<NaiveTime> {
    let t = t.trim();
    let bytes = t.as_bytes();
    let (body, pm) = if bytes.len() >= 2 && bytes[bytes.len() - 1].eq_ignore_ascii_case(&b'm') {
        match bytes[bytes.len() - 2].to_ascii_lowercase() {
            b'a' => (t[..t.len() - 2].trim_end(), Some(false)),
            b'p' => (t[..t.len() - 2].trim_end(), Some(true)),
            _ => (t, None),
        }
    } else {
        (t, None)
    };
    let mut parts = body.split(':');
    let h = num(parts.next()?, 1, 2)?;
    let m = num(parts.next()?, 1, 2)?;
    let (s, nanos) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let s = num(whole, 1, 2)?;
            let nanos = if frac.is_empty() {
                0
            } else {
                let digits = num(frac, 1, 9)?;
                digits * 10u32.pow(9 - u32::try_from(frac.len()).ok()?)
            };
            (s, nanos)
        }
    };
    if parts.next().is_some() {
        return None;
    }
    let h = match pm {
        None => h,
        Some(_) if h == 0 || h > 12 => return None,
        Some(is_pm) => h % 12 + if is_pm { 12 } else { 0 },
    };
    if reset_out_of_range {
        if h >= 24 {
            return Some(NaiveTime::MIN);
        }
        if m >= 60 {
            return NaiveTime::from_hms_opt(h, 0, 0);
        }
        if s >= 60 {
            return NaiveTime::from_hms_opt(h, m, 0);
        }
    }
    NaiveTime::from_hms_nano_opt(h, m, s, nanos)
}

/// The date layouts of the Deluge reference (section 1).
pub(crate) fn parse_date_part(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if !s.is_ascii() {
        return None;
    }
    let mut toks: Vec<&str> = Vec::with_capacity(4);
    let mut seps: Vec<&str> = Vec::with_capacity(4);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let alnum = bytes[i].is_ascii_alphanumeric();
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() == alnum {
            i += 1;
        }
        if alnum {
            toks.push(&s[start..i]);
        } else {
            if toks.is_empty() {
                return None;
            }
            seps.push(&s[start..i]);
        }
        if toks.len() > 4 {
            return None;
        }
    }
    if seps.len() >= toks.len() {
        return None; // trailing separator
    }
    let alpha = |t: &str| t.bytes().all(|b| b.is_ascii_alphabetic());
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if toks.len() == 4 && alpha(toks[0]) && weekday_from_name(toks[0]).is_some() {
        toks.remove(0);
        seps.remove(0);
    }
    if toks.len() != 3 {
        return None;
    }
    let norm = |sep: &str| -> Option<char> {
        let t: String = sep.chars().filter(|c| !c.is_whitespace()).collect();
        match t.as_str() {
            "" => Some(' '),
            "-" => Some('-'),
            "/" => Some('/'),
            "." => Some('.'),
            "," => Some(','),
            _ => None,
        }
    };
    let (s0, s1) = (norm(seps[0])?, norm(seps[1])?);
    let (t0, t1, t2) = (toks[0], toks[1], toks[2]);
    if alpha(t1) {
        // dd-MMM-yyyy, dd MMM yyyy, dd MMMM,yy, …
        return ymd(year_token(t2), month_from_name(t1), num(t0, 1, 2));
    }
    if alpha(t0) {
        // MMM dd yyyy, MMMM dd,yyyy, …
        return ymd(year_token(t2), month_from_name(t0), num(t1, 1, 2));
    }
    if !(digits(t0) && digits(t1) && digits(t2)) || s0 != s1 || s0 == ',' {
        return None;
    }
    let long_year = |t: &str| num(t, 4, 4).and_then(|y| i32::try_from(y).ok());
    if t0.len() == 4 {
        // yyyy-MM-dd, yyyy/MM/dd, yyyy.MM.dd
        return ymd(long_year(t0), num(t1, 1, 2), num(t2, 1, 2));
    }
    if t2.len() == 4 {
        let (a, b, y) = (num(t0, 1, 2), num(t1, 1, 2), long_year(t2));
        if s0 == ' ' {
            return ymd(y, b, a); // dd MM yyyy
        }
        // MM/dd/yyyy first (US, Zoho's default date-format setting), then dd/MM/yyyy.
        return ymd(y, a, b).or_else(|| ymd(y, b, a));
    }
    if s0 == ' ' || t0.len() > 2 || t1.len() > 2 || t2.len() > 2 {
        return None;
    }
    let yy = |t: &str| year_token(t).filter(|_| t.len() == 2);
    ymd(yy(t2), num(t0, 1, 2), num(t1, 1, 2))
        .or_else(|| ymd(yy(t2), num(t1, 1, 2), num(t0, 1, 2)))
        .or_else(|| ymd(yy(t0), num(t1, 1, 2), num(t2, 1, 2)))
}

// ---- Java SimpleDateFormat patterns ----

/// One piece of a `SimpleDateFormat` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    /// A pattern letter and how many times it is repeated.
    Field(char, usize),
    Lit(String),
}

const PATTERN_LETTERS: &str = "GyYMLwWDdFEuaHkKhmsSzZX";

fn push_lit(items: &mut Vec<Item>, c: char) {
    match items.last_mut() {
        Some(Item::Lit(s)) => s.push(c),
        _ => items.push(Item::Lit(c.to_string())),
    }
}

/// Splits a pattern into fields and literals; `None` when it uses a letter that
/// is not a pattern letter (outside quotes) or leaves a quote open.
pub(crate) fn tokenize_pattern(p: &str) -> Option<Vec<Item>> {
    let mut items: Vec<Item> = Vec::new();
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                push_lit(&mut items, '\'');
                i += 2;
                continue;
            }
            i += 1;
            loop {
                match chars.get(i) {
                    None => return None,
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        push_lit(&mut items, '\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&ch) => {
                        push_lit(&mut items, ch);
                        i += 1;
                    }
                }
            }
        } else if c.is_ascii_alphabetic() {
            if !PATTERN_LETTERS.contains(c) {
                return None;
            }
            let start = i;
            while i < chars.len() && chars[i] == c {
                i += 1;
            }
            items.push(Item::Field(c, i - start));
        } else {
            push_lit(&mut items, c);
            i += 1;
        }
    }
    Some(items)
}

fn is_numeric_field(item: Option<&Item>) -> bool {
    match item {
        Some(Item::Field(c, n)) => match c {
            'M' | 'L' => *n < 3,
            'y' | 'Y' | 'w' | 'W' | 'D' | 'd' | 'F' | 'u' | 'H' | 'k' | 'K' | 'h' | 'm' | 's'
            | 'S' => true,
            _ => false,
        },
        _ => false,
    }
}

/// The outcome of reading a text with a pattern.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parsed {
    pub dt: NaiveDateTime,
    pub has_date: bool,
    pub offset: Option<Zone>,
}

/// Case-insensitive match of one of `names` (full names first, then the
/// three-letter forms) at the start of `rest`; returns (index, length).
fn match_name(rest: &str, names: &[&str]) -> Option<(usize, usize)> {
    for (i, n) in names.iter().enumerate() {
        if rest.get(..n.len()).is_some_and(|p| p.eq_ignore_ascii_case(n)) {
            return Some((i, n.len()));
        }
    }
    for (i, n) in names.iter().enumerate() {
        if rest.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(&n[..3])) {
            return Some((i, 3));
        }
    }
    None
}

/// `+05:30`, `-0800`, `+5` at the start of `s`.
fn take_offset(s: &str) -> Option<(Zone, usize)> {
    let sb = s.as_bytes();
    if !matches!(sb.first(), Some(b'+' | b'-')) {
        return None;
    }
    let mut end = 1;
    while end < sb.len() && end < 6 && (sb[end].is_ascii_digit() || (sb[end] == b':' && end >= 2)) {
        end += 1;
    }
    let off = parse_offset(&s[..end])?;
    Some((Zone::Fixed { offset: off, name: None }, end))
}

/// Reads a zone at the start of `rest` (`Z`, `+05:30`, `GMT+5`, `UTC`, `Asia/Kolkata`).
fn take_zone(rest: &str) -> Option<(Zone, usize)> {
    let b = rest.as_bytes();
    if b.first() == Some(&b'Z') && !b.get(1).is_some_and(|c| c.is_ascii_alphabetic()) {
        return Some((Zone::gmt(), 1));
    }
    if let Some(z) = take_offset(rest) {
        return Some(z);
    }
    for prefix in ["GMT", "UTC"] {
        if rest.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(prefix)) {
            if let Some((z, n)) = take_offset(&rest[3..]) {
                return Some((z, n + 3));
            }
            return Some((Zone::parse(prefix).unwrap_or_else(Zone::gmt), 3));
        }
    }
    let end = rest
        .bytes()
        .position(|c| !(c.is_ascii_alphanumeric() || c == b'/' || c == b'_'))
        .unwrap_or(rest.len());
    Zone::parse(&rest[..end]).map(|z| (z, end))
}

/// Reads `text` with a Java `SimpleDateFormat` pattern. Fields are checked
/// strictly (no rolling over of `32-Jan`); text after the pattern is ignored,
/// as Java's `DateFormat.parse` does. Missing fields default to 1970-01-01 00:00:00.
pub(crate) fn parse_with_pattern(text: &str, pattern: &str) -> Result<Parsed, String> {
    let items = tokenize_pattern(pattern)
        .ok_or_else(|| format!("'{pattern}' is not a valid date pattern"))?;
    let mismatch = || format!("'{text}' does not match the pattern '{pattern}'");
    let mut rest = text;
    let (mut year, mut month, mut day, mut doy) =
        (None::<i32>, None::<u32>, None::<u32>, None::<u32>);
    let (mut h24, mut h12, mut pm) = (None::<u32>, None::<u32>, None::<bool>);
    let (mut minute, mut second, mut milli) = (0u32, 0u32, 0u32);
    let mut offset = None;
    let mut has_date = false;
    for (idx, item) in items.iter().enumerate() {
        match item {
            Item::Lit(l) => {
                for lc in l.chars() {
                    if lc.is_whitespace() {
                        rest = rest.trim_start();
                        continue;
                    }
                    let mut it = rest.chars();
                    match it.next() {
                        Some(c) if c == lc => rest = it.as_str(),
                        _ => return Err(mismatch()),
                    }
                }
            }
            Item::Field(c, count) => {
                let count = *count;
                if is_numeric_field(Some(item)) {
                    let max = if is_numeric_field(items.get(idx + 1)) { count.max(1) } else { 10 };
                    let n = rest.bytes().take(max).take_while(u8::is_ascii_digit).count();
                    if n == 0 {
                        return Err(mismatch());
                    }
                    let digits = &rest[..n];
                    rest = &rest[n..];
                    let v: u32 = digits.parse().map_err(|_| mismatch())?;
                    match c {
                        'y' | 'Y' => {
                            has_date = true;
                            let y = i32::try_from(v).map_err(|_| mismatch())?;
                            year = Some(if count <= 2 && n == 2 { pivot_year(y) } else { y });
                        }
                        'M' | 'L' => {
                            has_date = true;
                            month = Some(v);
                        }
                        'd' => {
                            has_date = true;
                            day = Some(v);
                        }
                        'D' => {
                            has_date = true;
                            doy = Some(v);
                        }
                        'H' => h24 = Some(v),
                        'k' => {
                            h24 = Some(if v == 24 {
                                0
                            } else if v == 0 {
                                99
                            } else {
                                v
                            })
                        }
                        'K' => h12 = Some(if v > 11 { 99 } else { v }),
                        'h' => h12 = Some(if v > 12 { 99 } else { v }),
                        'm' => minute = v,
                        's' => second = v,
                        'S' => milli = v,
                        _ => {} // w, W, F, u: read and ignored
                    }
                } else {
                    match c {
                        'M' | 'L' => {
                            let (i, len) = match_name(rest, &MONTHS).ok_or_else(mismatch)?;
                            month = u32::try_from(i + 1).ok();
                            has_date = true;
                            rest = &rest[len..];
                        }
                        'E' => {
                            let (_, len) = match_name(rest, &WEEKDAYS).ok_or_else(mismatch)?;
                            rest = &rest[len..];
                        }
                        'a' => {
                            let p = rest.get(..2).ok_or_else(mismatch)?;
                            pm = Some(if p.eq_ignore_ascii_case("pm") {
                                true
                            } else if p.eq_ignore_ascii_case("am") {
                                false
                            } else {
                                return Err(mismatch());
                            });
                            rest = &rest[2..];
                        }
                        'G' => {
                            let p = rest.get(..2).ok_or_else(mismatch)?;
                            if !(p.eq_ignore_ascii_case("AD") || p.eq_ignore_ascii_case("BC")) {
                                return Err(mismatch());
                            }
                            rest = &rest[2..];
                        }
                        _ => {
                            // z, Z, X
                            let (z, len) = take_zone(rest).ok_or_else(mismatch)?;
                            offset = Some(z);
                            rest = &rest[len..];
                        }
                    }
                }
            }
        }
    }
    let invalid = || format!("'{text}' is not a valid date for the pattern '{pattern}'");
    let y = year.unwrap_or(1970);
    let date = match (doy, month, day) {
        (Some(d), None, None) => NaiveDate::from_yo_opt(y, d),
        _ => NaiveDate::from_ymd_opt(y, month.unwrap_or(1), day.unwrap_or(1)),
    }
    .ok_or_else(invalid)?;
    let hour = match (h24, h12) {
        (Some(h), _) => h,
        (None, Some(h)) if h <= 12 => h % 12 + if pm == Some(true) { 12 } else { 0 },
        (None, Some(_)) => 99,
        (None, None) => 0,
    };
    if milli > 999 {
        return Err(invalid());
    }
    let time = NaiveTime::from_hms_milli_opt(hour, minute, second, milli).ok_or_else(invalid)?;
    Ok(Parsed { dt: date.and_time(time), has_date, offset })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn every_documented_layout() {
        let long = [
            "15-Aug-1947",
            "15-august-1947",
            "15-08-1947",
            "08-15-1947",
            "1947-08-15",
            "1947/08/15",
            "08/15/1947",
            "15/08/1947",
            "15 Aug,1947",
            "Aug 15,1947",
            "Aug 15, 1947",
            "15 August,1947",
            "August 15,1947",
            "Fri,August 15,1947",
            "Fri,Aug 15,1947",
            "Friday, August 15, 1947",
            "Aug 15 1947",
            "15 Aug 1947",
            "15 August 1947",
            "August 15 1947",
            "15 08 1947",
            "15.08.1947",
            "08.15.1947",
            "1947.08.15",
            "15-AUG-1947",
        ];
        for s in long {
            assert_eq!(parse_date_part(s), d(1947, 8, 15), "{s}");
        }
        let short = [
            "15-Aug-47",
            "15-August-47",
            "08-15-47",
            "47-08-15",
            "47/08/15",
            "15/08/47",
            "08/15/47",
            "15 Aug,47",
            "Aug 15,47",
            "15 August,47",
            "August 15,47",
            "Aug 15 47",
            "15 Aug 47",
            "August 15 47",
            "15 August 47",
            "15.08.47",
            "08.15.47",
            "47.08.15",
        ];
        for s in short {
            assert_eq!(parse_date_part(s), d(1947, 8, 15), "{s}");
        }
        assert_eq!(parse_date_part("15-Aug-87"), d(1987, 8, 15));
        assert_eq!(parse_date_part("15-Aug-45"), d(2045, 8, 15));
        assert_eq!(parse_date_part("01/02/03"), d(2003, 1, 2));
    }

    #[test]
    fn ambiguous_and_invalid_dates() {
        assert_eq!(parse_date_part("01/02/2020"), d(2020, 1, 2));
        assert_eq!(parse_date_part("13/02/2020"), d(2020, 2, 13));
        assert_eq!(parse_date_part("1-2-2020"), d(2020, 1, 2));
        assert_eq!(parse_date_part("7-Feb-2021"), d(2021, 2, 7));
        assert_eq!(parse_date_part("31/31/2020"), None);
        assert_eq!(parse_date_part("30-Feb-2020"), None);
        assert_eq!(parse_date_part("15-Foo-2020"), None);
        assert_eq!(parse_date_part("hello"), None);
        assert_eq!(parse_date_part("1 2 3"), None);
        assert_eq!(parse_date_part("15-Aug-1947-"), None);
        assert_eq!(parse_date_part("-15-Aug-1947"), None);
        assert_eq!(parse_date_part("15-08/1947"), None);
        assert_eq!(parse_date_part("15–Aug–1947"), None);
        assert_eq!(parse_date_part("12345-01-01"), None);
        assert_eq!(parse_date_part("1-2-3-4-5"), None);
        assert_eq!(parse_date_part("15a-08-1947"), None);
        assert_eq!(parse_date_part(""), None);
    }

    #[test]
    fn times() {
        let t = |h, m, s| NaiveTime::from_hms_opt(h, m, s);
        assert_eq!(parse_time_part("19:00:00"), t(19, 0, 0));
        assert_eq!(parse_time_part("06:00:00 PM"), t(18, 0, 0));
        assert_eq!(parse_time_part("12:30 am"), t(0, 30, 0));
        assert_eq!(parse_time_part("12:30PM"), t(12, 30, 0));
        assert_eq!(parse_time_part("9:05"), t(9, 5, 0));
        assert_eq!(parse_time_part("24:00:00"), None);
        assert_eq!(parse_time_part("13:00 PM"), None);
        assert_eq!(parse_time_part("10:60"), None);
        assert_eq!(parse_time_part("10:00:00:00"), None);
        assert_eq!(
            parse_time_part("10:00:01.5").map(|t| t.to_string()),
            Some("10:00:01.500".into())
        );
        assert_eq!(parse_time_part("é:00"), None);
        assert_eq!(parse_time_part("m"), None);
    }

    #[test]
    fn literals() {
        let utc = Zone::gmt();
        let dt = |y, m, day, h, mi, s| d(y, m, day).and_then(|x| x.and_hms_opt(h, mi, s));
        assert_eq!(parse_literal("15-Aug-1947", &utc), dt(1947, 8, 15, 0, 0, 0).map(Value::Date));
        assert_eq!(
            parse_literal("15-Aug-1947 19:00:00", &utc),
            dt(1947, 8, 15, 19, 0, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("15-Aug-1947 07:00 PM", &utc),
            dt(1947, 8, 15, 19, 0, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("Aug 15, 1947 07:00:00 pm", &utc),
            dt(1947, 8, 15, 19, 0, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("2020-01-31T10:00:00", &utc),
            dt(2020, 1, 31, 10, 0, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("2020-01-31T10:00:00Z", &utc),
            dt(2020, 1, 31, 10, 0, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("2020-01-31T10:00:00+05:30", &utc),
            dt(2020, 1, 31, 4, 30, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("2020-01-31T10:00:00.123-0800", &utc).map(|v| v.to_display()),
            Some("31-Jan-2020 18:00:00".into())
        );
        let ist = Zone::parse("Asia/Kolkata").expect("zone");
        assert_eq!(
            parse_literal("2020-01-31T10:00:00Z", &ist),
            dt(2020, 1, 31, 15, 30, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("19:00:00", &utc),
            NaiveTime::from_hms_opt(19, 0, 0).map(Value::Time)
        );
        assert_eq!(
            parse_literal("06:00:00 PM", &utc),
            NaiveTime::from_hms_opt(18, 0, 0).map(Value::Time)
        );
        assert_eq!(parse_literal("T10:00", &utc), None);
        assert_eq!(parse_literal("abcT10:00", &utc), None);
        // Zoho's documented reset of out-of-range clock parts in a date-time
        assert_eq!(
            parse_literal("15-Aug-1947 25:10:10", &utc),
            dt(1947, 8, 15, 0, 0, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("15-Aug-1947 10:75:10", &utc),
            dt(1947, 8, 15, 10, 0, 0).map(Value::DateTime)
        );
        assert_eq!(
            parse_literal("15-Aug-1947 10:15:99", &utc),
            dt(1947, 8, 15, 10, 15, 0).map(Value::DateTime)
        );
        assert_eq!(parse_literal("15-Aug-1947 100:15:10", &utc), None);
        assert_eq!(parse_literal("25:00:00", &utc), None);
        assert_eq!(parse_literal("just text", &utc), None);
        assert_eq!(parse_literal("a: b", &utc), None);
        assert_eq!(parse_literal("", &utc), None);
    }

    #[test]
    fn patterns() {
        let p = |t: &str, pat: &str| parse_with_pattern(t, pat).map(|x| x.dt.to_string());
        assert_eq!(p("05,15,2020", "MM,d,yyyy"), Ok("2020-05-15 00:00:00".into()));
        assert_eq!(
            p("2020-01-31T10:20:30", "yyyy-MM-dd'T'HH:mm:ss"),
            Ok("2020-01-31 10:20:30".into())
        );
        assert_eq!(p("20200131", "yyyyMMdd"), Ok("2020-01-31 00:00:00".into()));
        assert_eq!(p("31 January 20", "dd MMMM yy"), Ok("2020-01-31 00:00:00".into()));
        assert_eq!(
            p("Fri, 31 jan 2020 07:05:09 PM", "EEE, dd MMM yyyy hh:mm:ss a"),
            Ok("2020-01-31 19:05:09".into())
        );
        assert_eq!(p("12:00 AM", "hh:mm a"), Ok("1970-01-01 00:00:00".into()));
        assert_eq!(p("2020-032", "yyyy-DDD"), Ok("2020-02-01 00:00:00".into()));
        assert_eq!(p("10:00:00.250", "HH:mm:ss.SSS"), Ok("1970-01-01 10:00:00.250".into()));
        assert_eq!(p("24:00", "kk:mm"), Ok("1970-01-01 00:00:00".into()));
        assert_eq!(p("2020-01-31 trailing", "yyyy-MM-dd"), Ok("2020-01-31 00:00:00".into()));
        assert_eq!(p("AD 2020", "G yyyy"), Ok("2020-01-01 00:00:00".into()));
        let z = parse_with_pattern("2020-01-31 10:00 +0530", "yyyy-MM-dd HH:mm Z").expect("zone");
        assert_eq!(z.offset.map(|o| o.offset_at_utc(&z.dt)), Some(19800));
        let z =
            parse_with_pattern("2020-01-31 10:00 Asia/Tokyo", "yyyy-MM-dd HH:mm z").expect("zone");
        assert_eq!(z.offset.map(|o| o.offset_at_utc(&z.dt)), Some(32400));
        let z = parse_with_pattern("2020-01-31T10:00Z", "yyyy-MM-dd'T'HH:mmX").expect("zone");
        assert_eq!(z.offset.map(|o| o.offset_at_utc(&z.dt)), Some(0));
        let z = parse_with_pattern("10:00 GMT+5", "HH:mm z").expect("zone");
        assert!(!z.has_date);
        assert_eq!(z.offset.map(|o| o.offset_at_utc(&z.dt)), Some(18000));
        let z = parse_with_pattern("10:00 UTC", "HH:mm z").expect("zone");
        assert_eq!(z.offset.map(|o| o.offset_at_utc(&z.dt)), Some(0));
        assert!(p("2020-13-01", "yyyy-MM-dd").is_err());
        assert!(p("2020-02-30", "yyyy-MM-dd").is_err());
        assert!(p("2020/01/31", "yyyy-MM-dd").is_err());
        assert!(p("10:00", "HH:mm:ss").is_err());
        assert!(p("13:00 PM", "hh:mm a").is_err());
        assert!(p("10:00 XM", "hh:mm a").is_err());
        assert!(p("10:00:00.1000", "HH:mm:ss.SSSS").is_err());
        assert!(p("2020", "yyyy-qq").is_err());
        assert!(p("2020", "'yyyy").is_err());
        assert!(p("Foo 2020", "MMM yyyy").is_err());
        assert!(p("99999999999", "yyyy").is_err());
        assert!(p("10:00 Nowhere", "HH:mm z").is_err());
        assert!(p("XX 2020", "G yyyy").is_err());
        assert!(p("é", "E").is_err());
    }

    #[test]
    fn pattern_tokens() {
        assert_eq!(
            tokenize_pattern("yyyy-MM-dd'T'HH 'o''clock'''"),
            Some(vec![
                Item::Field('y', 4),
                Item::Lit("-".into()),
                Item::Field('M', 2),
                Item::Lit("-".into()),
                Item::Field('d', 2),
                Item::Lit("T".into()),
                Item::Field('H', 2),
                Item::Lit(" o'clock'".into()),
            ])
        );
        assert_eq!(tokenize_pattern("dd-mmm-yyyy q"), None);
        assert_eq!(tokenize_pattern("'open"), None);
    }

    #[test]
    fn names() {
        assert_eq!(month_from_name("sept"), Some(9));
        assert_eq!(month_from_name("Ma"), None);
        assert_eq!(month_from_name("Marc"), None);
        assert_eq!(weekday_from_name("sat"), Some(6));
        assert_eq!(weekday_from_name("Sunday"), Some(0));
        assert_eq!(weekday_from_name("Funday"), None);
        assert_eq!(pivot_year(45), 2045);
        assert_eq!(pivot_year(46), 1946);
    }
}
