//! Time zones: `GMT`/`UTC`, fixed offsets (`GMT+05:30`, `+0530`), IANA names
//! (`Asia/Kolkata`, any case) and the short Java ids Zoho accepts (`IST`, `PST`).
//! An unknown name falls back to GMT, as Java's `TimeZone.getTimeZone` does.

use chrono::{Duration, FixedOffset, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{OffsetName, Tz};
use std::str::FromStr;

#[derive(Clone, Copy, Debug)]
pub(crate) enum Zone {
    /// A fixed offset; `name` is `GMT` or `UTC` for the zero offset spelled that way.
    Fixed {
        offset: FixedOffset,
        name: Option<&'static str>,
    },
    Iana(Tz),
}

/// Java's three-letter ids that are not IANA names.
const JAVA_SHORT_IDS: &[(&str, &str)] = &[
    ("ACT", "Australia/Darwin"),
    ("AET", "Australia/Sydney"),
    ("AGT", "America/Argentina/Buenos_Aires"),
    ("ART", "Africa/Cairo"),
    ("AST", "America/Anchorage"),
    ("BET", "America/Sao_Paulo"),
    ("BST", "Asia/Dhaka"),
    ("CAT", "Africa/Harare"),
    ("CNT", "America/St_Johns"),
    ("CST", "America/Chicago"),
    ("CTT", "Asia/Shanghai"),
    ("EAT", "Africa/Addis_Ababa"),
    ("ECT", "Europe/Paris"),
    ("IET", "America/Indiana/Indianapolis"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("MIT", "Pacific/Apia"),
    ("NET", "Asia/Yerevan"),
    ("NST", "Pacific/Auckland"),
    ("PLT", "Asia/Karachi"),
    ("PNT", "America/Phoenix"),
    ("PRT", "America/Puerto_Rico"),
    ("PST", "America/Los_Angeles"),
    ("SST", "Pacific/Guadalcanal"),
    ("VST", "Asia/Ho_Chi_Minh"),
];

impl Zone {
    pub(crate) fn gmt() -> Zone {
        Zone::Fixed { offset: utc_offset(), name: Some("GMT") }
    }

    /// Parses a zone name; `None` when it is not recognised.
    pub(crate) fn parse(name: &str) -> Option<Zone> {
        let s = name.trim();
        if s.is_empty() {
            return None;
        }
        for (label, canon) in [("GMT", "GMT"), ("UTC", "UTC"), ("UT", "UTC"), ("Z", "UTC")] {
            if s.eq_ignore_ascii_case(label) {
                return Some(Zone::Fixed { offset: utc_offset(), name: Some(canon) });
            }
        }
        for prefix in ["GMT", "UTC", "UT"] {
            if s.len() > prefix.len()
                && s.is_char_boundary(prefix.len())
                && s[..prefix.len()].eq_ignore_ascii_case(prefix)
            {
                let rest = &s[prefix.len()..];
                if rest.starts_with(['+', '-']) {
                    return parse_offset(rest).map(|offset| Zone::Fixed { offset, name: None });
                }
            }
        }
        if s.starts_with(['+', '-']) {
            return parse_offset(s).map(|offset| Zone::Fixed { offset, name: None });
        }
        if let Ok(tz) = Tz::from_str(s) {
            return Some(Zone::Iana(tz));
        }
        for (id, target) in JAVA_SHORT_IDS {
            if s.eq_ignore_ascii_case(id) {
                return Tz::from_str(target).ok().map(Zone::Iana);
            }
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(s))
            .map(|tz| Zone::Iana(*tz))
    }

    /// Parses a zone name, falling back to GMT for an unknown one.
    pub(crate) fn parse_or_gmt(name: &str) -> Zone {
        Zone::parse(name).unwrap_or_else(Zone::gmt)
    }

    /// Offset from UTC, in seconds, in effect at the UTC instant `utc`.
    pub(crate) fn offset_at_utc(&self, utc: &NaiveDateTime) -> i32 {
        match self {
            Zone::Fixed { offset, .. } => offset.local_minus_utc(),
            Zone::Iana(tz) => tz.offset_from_utc_datetime(utc).fix().local_minus_utc(),
        }
    }

    /// Offset in effect at the wall-clock time `local` (a skipped time uses the
    /// offset before the gap, an ambiguous one the earlier instant, like Java).
    pub(crate) fn offset_at_local(&self, local: &NaiveDateTime) -> i32 {
        match self {
            Zone::Fixed { offset, .. } => offset.local_minus_utc(),
            Zone::Iana(tz) => match tz.offset_from_local_datetime(local) {
                chrono::LocalResult::Single(o) => o.fix().local_minus_utc(),
                chrono::LocalResult::Ambiguous(a, _) => a.fix().local_minus_utc(),
                chrono::LocalResult::None => {
                    let earlier = local.checked_sub_signed(Duration::hours(3)).unwrap_or(*local);
                    tz.offset_from_utc_datetime(&earlier).fix().local_minus_utc()
                }
            },
        }
    }

    /// Wall-clock time in this zone → UTC.
    pub(crate) fn utc_of(&self, local: &NaiveDateTime) -> Option<NaiveDateTime> {
        local.checked_sub_signed(Duration::seconds(i64::from(self.offset_at_local(local))))
    }

    /// UTC → wall-clock time in this zone.
    pub(crate) fn local_of(&self, utc: &NaiveDateTime) -> Option<NaiveDateTime> {
        utc.checked_add_signed(Duration::seconds(i64::from(self.offset_at_utc(utc))))
    }

    /// Java's `z`: `GMT`, `UTC`, `IST`, `GMT+05:30`, …
    pub(crate) fn short_name(&self, utc: &NaiveDateTime) -> String {
        match self {
            Zone::Fixed { name: Some(n), .. } => (*n).to_string(),
            Zone::Fixed { offset, .. } => gmt_offset_text(offset.local_minus_utc()),
            Zone::Iana(tz) => {
                let off = tz.offset_from_utc_datetime(utc);
                match off.abbreviation() {
                    Some(a) if a.starts_with(|c: char| c.is_ascii_alphabetic()) => a.to_string(),
                    _ => gmt_offset_text(off.fix().local_minus_utc()),
                }
            }
        }
    }

    /// Java's `zzzz`: the zone id for IANA zones (Java's long display names are
    /// not available), `Greenwich Mean Time` / `Coordinated Universal Time`.
    pub(crate) fn long_name(&self, utc: &NaiveDateTime) -> String {
        match self {
            Zone::Fixed { name: Some("GMT"), .. } => "Greenwich Mean Time".into(),
            Zone::Fixed { name: Some(_), .. } => "Coordinated Universal Time".into(),
            Zone::Fixed { .. } => self.short_name(utc),
            Zone::Iana(tz) => tz.name().to_string(),
        }
    }
}

fn utc_offset() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap_or_else(|| chrono::Utc.fix())
}

/// `GMT+05:30` for an offset in seconds.
pub(crate) fn gmt_offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("GMT{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
}

/// `+5`, `+05`, `+0530`, `+05:30`, `-8` → an offset of at most 18 hours.
pub(crate) fn parse_offset(s: &str) -> Option<FixedOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    if !rest.is_ascii() {
        return None;
    }
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() > 2 => rest.split_at(rest.len() - 2),
        None => (rest, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.is_empty() || m.len() > 2 {
        return None;
    }
    if !h.bytes().all(|c| c.is_ascii_digit()) || !m.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 18 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("test date")
    }

    #[test]
    fn names_and_offsets() {
        let jan = dt("2020-01-01 00:00:00");
        assert_eq!(Zone::parse("gmt").map(|z| z.offset_at_utc(&jan)), Some(0));
        let z = Zone::parse("GMT+05:30").expect("offset zone");
        assert_eq!(z.offset_at_utc(&jan), 19800);
        assert_eq!(z.short_name(&jan), "GMT+05:30");
        assert_eq!(Zone::parse("-0800").map(|z| z.offset_at_utc(&jan)), Some(-28800));
        assert_eq!(Zone::parse("UTC-3").map(|z| z.short_name(&jan)), Some("GMT-03:00".into()));
        let k = Zone::parse("asia/kolkata").expect("case-insensitive IANA");
        assert_eq!(k.offset_at_utc(&jan), 19800);
        assert_eq!(k.short_name(&jan), "IST");
        let ist = Zone::parse("IST").expect("java short id");
        assert_eq!(ist.offset_at_utc(&jan), 19800);
        assert!(Zone::parse("Mars/Olympus").is_none());
        assert!(Zone::parse("GMT+99").is_none());
        assert!(Zone::parse("+é").is_none());
        assert!(Zone::parse("").is_none());
        assert_eq!(Zone::parse_or_gmt("nope").offset_at_utc(&jan), 0);
        assert_eq!(Zone::parse("utc").map(|z| z.short_name(&jan)), Some("UTC".into()));
    }

    #[test]
    fn dst_conversions() {
        let ny = Zone::parse("America/New_York").expect("ny");
        assert_eq!(ny.utc_of(&dt("2020-07-01 12:00:00")), Some(dt("2020-07-01 16:00:00")));
        assert_eq!(ny.local_of(&dt("2020-01-01 17:00:00")), Some(dt("2020-01-01 12:00:00")));
        // 02:30 does not exist on 8 Mar 2020 in New York: the pre-gap offset is used.
        assert_eq!(ny.utc_of(&dt("2020-03-08 02:30:00")), Some(dt("2020-03-08 07:30:00")));
        assert_eq!(ny.long_name(&dt("2020-03-08 02:30:00")), "America/New_York");
        assert_eq!(Zone::gmt().long_name(&dt("2020-03-08 02:30:00")), "Greenwich Mean Time");
    }
}
