//! Writing dates with Java `SimpleDateFormat` patterns
//! (`yyyy-MM-dd'T'HH:mm:ssXXX`, `MMM dd, yy 'at' hh:mm:ss a, E`, `EEEE`, `DDD`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::parse::{tokenize_pattern, Item, MONTHS, WEEKDAYS};
use super::zone::Zone;

/// Week number with US rules (minimal days in the first week = 1): week 1 is
/// the week holding 1 January, so the last days of December may belong to
/// week 1 of the next year. `first` = first day of the week, days from Sunday.
/// Returns (week, week-based year).
pub(crate) fn week_of_year(d: NaiveDate, first: u32) -> (u32, i32) {
    let into_week = (d.weekday().num_days_from_sunday() + 7 - first) % 7;
    let days_in_year = if d.leap_year() { 366 } else { 365 };
    if d.ordinal0() + (6 - into_week) >= days_in_year {
        return (1, d.year() + 1);
    }
    let jan1_into_week = (into_week + 7 * 54 - d.ordinal0() % 7) % 7;
    ((d.ordinal0() + jan1_into_week) / 7 + 1, d.year())
}

/// Week of the month, same rules as [`week_of_year`].
fn week_of_month(d: NaiveDate, first: u32) -> u32 {
    let into_week = (d.weekday().num_days_from_sunday() + 7 - first) % 7;
    let first_into_week = (into_week + 7 * 5 - d.day0() % 7) % 7;
    (d.day0() + first_into_week) / 7 + 1
}

fn pad(out: &mut String, n: i64, width: usize) {
    let width = width.min(64);
    if n < 0 {
        out.push('-');
        out.push_str(&format!("{:0width$}", n.unsigned_abs(), width = width.saturating_sub(1)));
    } else {
        out.push_str(&format!("{n:0width$}"));
    }
}

fn offset_text(secs: i32, colon: bool, with_minutes: bool) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m) = (a / 3600, (a % 3600) / 60);
    match (with_minutes, colon) {
        (false, _) => format!("{sign}{h:02}"),
        (true, true) => format!("{sign}{h:02}:{m:02}"),
        (true, false) => format!("{sign}{h:02}{m:02}"),
    }
}

/// Formats the wall-clock time `local` (in `zone`) with a Java pattern; `None`
/// when the pattern uses an unknown letter outside quotes or an open quote.
pub(crate) fn format_pattern(local: &NaiveDateTime, pattern: &str, zone: &Zone) -> Option<String> {
    let items = tokenize_pattern(pattern)?;
    let utc = zone.utc_of(local).unwrap_or(*local);
    let mut out = String::with_capacity(pattern.len() + 8);
    let d = local.date();
    for item in &items {
        let (c, n) = match item {
            Item::Lit(s) => {
                out.push_str(s);
                continue;
            }
            Item::Field(c, n) => (*c, *n),
        };
        match c {
            'G' => out.push_str(if d.year() > 0 { "AD" } else { "BC" }),
            'y' | 'Y' => {
                let y = if c == 'Y' { week_of_year(d, 0).1 } else { d.year() };
                if n == 2 {
                    pad(&mut out, i64::from(y.rem_euclid(100)), 2);
                } else {
                    pad(&mut out, i64::from(y), n);
                }
            }
            'M' | 'L' => {
                let name = MONTHS[d.month0() as usize];
                match n {
                    1 | 2 => pad(&mut out, i64::from(d.month()), n),
                    3 => out.push_str(&name[..3]),
                    _ => out.push_str(name),
                }
            }
            'w' => pad(&mut out, i64::from(week_of_year(d, 0).0), n),
            'W' => pad(&mut out, i64::from(week_of_month(d, 0)), n),
            'D' => pad(&mut out, i64::from(d.ordinal()), n),
            'd' => pad(&mut out, i64::from(d.day()), n),
            'F' => pad(&mut out, i64::from(d.day0() / 7 + 1), n),
            'E' => {
                let name = WEEKDAYS[d.weekday().num_days_from_sunday() as usize];
                out.push_str(if n >= 4 { name } else { &name[..3] });
            }
            'u' => pad(&mut out, i64::from(d.weekday().number_from_monday()), n),
            'a' => out.push_str(if local.hour() < 12 { "AM" } else { "PM" }),
            'H' => pad(&mut out, i64::from(local.hour()), n),
            'k' => pad(&mut out, i64::from(if local.hour() == 0 { 24 } else { local.hour() }), n),
            'K' => pad(&mut out, i64::from(local.hour() % 12), n),
            'h' => pad(
                &mut out,
                i64::from(if local.hour() % 12 == 0 { 12 } else { local.hour() % 12 }),
                n,
            ),
            'm' => pad(&mut out, i64::from(local.minute()), n),
            's' => pad(&mut out, i64::from(local.second()), n),
            'S' => pad(&mut out, i64::from(local.nanosecond() / 1_000_000), n),
            'z' => out.push_str(&if n >= 4 { zone.long_name(&utc) } else { zone.short_name(&utc) }),
            'Z' => out.push_str(&offset_text(zone.offset_at_utc(&utc), false, true)),
            'X' => {
                let secs = zone.offset_at_utc(&utc);
                if n > 3 {
                    return None;
                }
                if secs == 0 {
                    out.push('Z');
                } else {
                    out.push_str(&offset_text(secs, n == 3, n >= 2));
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").expect("test date")
    }

    #[test]
    fn java_letters() {
        let gmt = Zone::gmt();
        let t = dt("2019-01-03 15:04:05.007");
        let f = |p: &str| format_pattern(&t, p, &gmt);
        assert_eq!(f("yyyy-MM-dd'T'HH:mm:ss").as_deref(), Some("2019-01-03T15:04:05"));
        assert_eq!(
            f("MMM dd, yy 'at' hh:mm:ss a, E").as_deref(),
            Some("Jan 03, 19 at 03:04:05 PM, Thu")
        );
        assert_eq!(f("EEEE d MMMM y").as_deref(), Some("Thursday 3 January 2019"));
        assert_eq!(f("D DDD w ww W F u").as_deref(), Some("3 003 1 01 1 1 4"));
        assert_eq!(f("H k K h S SSS").as_deref(), Some("15 15 3 3 7 007"));
        assert_eq!(f("G M L").as_deref(), Some("AD 1 1"));
        assert_eq!(f("z zzzz Z X XX XXX").as_deref(), Some("GMT Greenwich Mean Time +0000 Z Z Z"));
        assert_eq!(f("'it''s' ''").as_deref(), Some("it's '"));
        assert_eq!(f("dd-mm-yyyy q"), None);
        assert_eq!(f("XXXX"), None);
        assert_eq!(f("'open"), None);
        assert_eq!(f("yyyyyy").as_deref(), Some("002019"));
        let midnight = dt("2019-01-03 00:30:00");
        assert_eq!(format_pattern(&midnight, "k h a", &gmt).as_deref(), Some("24 12 AM"));
    }

    #[test]
    fn zones_in_output() {
        let ist = Zone::parse("Asia/Kolkata").expect("zone");
        let t = dt("2019-01-03 15:04:05");
        assert_eq!(
            format_pattern(&t, "z Z X XX XXX", &ist).as_deref(),
            Some("IST +0530 +05 +0530 +05:30")
        );
        let la = Zone::parse("America/Los_Angeles").expect("zone");
        assert_eq!(format_pattern(&t, "z XXX", &la).as_deref(), Some("PST -08:00"));
        let summer = dt("2019-07-03 15:04:05");
        assert_eq!(format_pattern(&summer, "z XXX", &la).as_deref(), Some("PDT -07:00"));
        let fixed = Zone::parse("GMT+05:30").expect("zone");
        assert_eq!(format_pattern(&t, "z", &fixed).as_deref(), Some("GMT+05:30"));
    }

    #[test]
    fn weeks() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(week_of_year(d(2021, 2, 7), 0), (7, 2021));
        assert_eq!(week_of_year(d(2021, 2, 7), 1), (6, 2021));
        assert_eq!(week_of_year(d(2021, 1, 1), 0), (1, 2021));
        assert_eq!(week_of_year(d(2020, 12, 31), 0), (1, 2021));
        assert_eq!(week_of_year(d(2020, 12, 26), 0), (52, 2020));
        assert_eq!(week_of_year(d(2023, 1, 1), 0), (1, 2023));
        assert_eq!(week_of_year(d(2023, 1, 1), 1), (1, 2023));
        assert_eq!(week_of_year(d(2023, 1, 2), 1), (2, 2023));
        assert_eq!(week_of_month(d(2021, 2, 7), 0), 2);
        assert_eq!(week_of_month(d(2021, 2, 6), 0), 1);
        let old =
            NaiveDate::from_ymd_opt(-44, 3, 15).and_then(|x| x.and_hms_opt(0, 0, 0)).expect("date");
        assert_eq!(format_pattern(&old, "G yyyy yy", &Zone::gmt()).as_deref(), Some("BC -044 56"));
    }
}
