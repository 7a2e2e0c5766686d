//! Date, date-time and time builtins (reference section 8.3 and the date parts
//! of sections 1 and 8.8).
//!
//! Values are wall-clock times in the script's zone (`ctx.time_zone`, UTC unless
//! set). A `Date` is a date-time at 00:00:00 that prints without its time.
//! Choices where Zoho's behaviour is not documented are marked "Decision".

mod business;
mod format;
mod parse;
mod zone;

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::{arg_int, arg_text, b, Builtin};
use crate::ctx::Ctx;
use crate::error::{fail, Result, RuntimeError};
use crate::Value;
use business::{Calendar, Hours};
use zone::Zone;

pub(crate) static TABLE: &[Builtin] = &[
    // add / subtract
    b!("addday", Date, 1, 1, add_day),
    b!("addweek", Date, 1, 1, add_week),
    b!("addmonth", Date, 1, 1, add_month),
    b!("addyear", Date, 1, 1, add_year),
    b!("addhour", Date, 1, 1, add_hour),
    b!("addminutes", Date, 1, 1, add_minutes),
    b!("addseconds", Date, 1, 1, add_seconds),
    b!("subday", Date, 1, 1, sub_day),
    b!("subweek", Date, 1, 1, sub_week),
    b!("submonth", Date, 1, 1, sub_month),
    b!("subyear", Date, 1, 1, sub_year),
    b!("subhour", Date, 1, 1, sub_hour),
    b!("subminutes", Date, 1, 1, sub_minutes),
    b!("subseconds", Date, 1, 1, sub_seconds),
    // business days and hours
    b!("addbusinessday", Date, 1, 3, add_business_day),
    b!("workday", Date, 1, 3, add_business_day),
    b!("subbusinessday", Date, 1, 3, sub_business_day),
    b!("addbusinesshour", Date, 1, 4, add_business_hour),
    b!("workdayslist", Date, 1, 3, work_days_list),
    // differences
    b!("daysbetween", Date, 1, 1, days_between),
    b!("days360", Date, 1, 1, days_between),
    b!("hoursbetween", Date, 1, 1, hours_between),
    b!("totalmonths", Date, 1, 1, total_months),
    b!("totalmonth", Date, 1, 1, total_months),
    b!("monthsbetween", Date, 1, 1, months_between_30),
    b!("monthsdiff", Date, 1, 1, total_months),
    b!("totalyears", Date, 1, 1, total_years),
    b!("totalyear", Date, 1, 1, total_years),
    b!("yearsdiff", Date, 1, 1, total_years),
    b!("yearsbetween", Date, 1, 1, years_between),
    b!("yearfraction", Date, 1, 1, year_fraction),
    b!("timebetween", Date, 1, 1, time_between),
    // parts
    b!("getday", Date, 0, 0, get_day),
    b!("day", Date, 0, 0, get_day),
    b!("getmonth", Date, 0, 0, get_month),
    b!("month", Date, 0, 0, get_month),
    b!("getyear", Date, 0, 0, get_year),
    b!("year", Date, 0, 0, get_year),
    b!("gethour", Date, 0, 0, get_hour),
    b!("hour", Date, 0, 0, get_hour),
    b!("getminutes", Date, 0, 0, get_minutes),
    b!("minute", Date, 0, 0, get_minutes),
    b!("getseconds", Date, 0, 0, get_seconds),
    b!("second", Date, 0, 0, get_seconds),
    b!("getdayofweek", Date, 0, 0, get_day_of_week),
    b!("weekday", Date, 0, 0, get_day_of_week),
    b!("getweekofyear", Date, 0, 1, get_week_of_year),
    b!("getdayofyear", Date, 0, 0, get_day_of_year),
    // moving to a boundary
    b!("tostartofmonth", Date, 0, 0, to_start_of_month),
    b!("tostartofweek", Date, 0, 1, to_start_of_week),
    b!("nextweekday", Date, 1, 1, next_week_day),
    b!("previousweekday", Date, 1, 1, previous_week_day),
    b!("eomonth", Date, 0, 1, eomonth),
    b!("edate", Date, 1, 1, edate),
    // epoch, conversion, formatting
    b!("unixepoch", Date, 0, 1, unix_epoch),
    b!("unixepoch", Text, 0, 1, unix_epoch),
    b!("todate", Date, 0, 2, to_date),
    b!("todate", Text, 0, 2, to_date),
    b!("todate", Number, 0, 2, to_date),
    b!("todatetime", Date, 0, 2, to_date_time),
    b!("todatetime", Text, 0, 2, to_date_time),
    b!("todatetime", Number, 0, 2, to_date_time),
    b!("totime", Date, 0, 2, to_time),
    b!("totime", Text, 0, 2, to_time),
    b!("totime", Number, 0, 2, to_time),
    b!("todatetimestring", Date, 1, 2, to_date_time_string),
    b!("todatetimestring", Number, 1, 2, to_date_time_string),
    b!("tostring", Date, 0, 2, to_string),
    b!("totext", Date, 0, 2, to_string),
    b!("text", Date, 1, 2, to_string),
];

/// Parses a date, date-time or time text in any layout Deluge accepts
/// (`'15-Aug-1947'`, `'15-Aug-1947 19:00:00'`, `'2020-01-31'`, `'19:00:00'`, …).
/// A text with its own offset (`2020-01-31T10:00:00Z`) is converted to UTC.
pub(crate) fn parse_text(s: &str) -> Option<Value> {
    parse::parse_literal(s, &Zone::gmt())
}

/// Like [`parse_text`], but a text carrying its own offset is converted to
/// `time_zone` (the script's zone, `ctx.time_zone`) instead of UTC.
#[allow(dead_code)]
pub(crate) fn parse_text_in(s: &str, time_zone: &str) -> Option<Value> {
    parse::parse_literal(s, &Zone::parse_or_gmt(time_zone))
}

// ---- helpers ----

const RANGE_24H: &str = "Invalid Operation. Value outside 24 hour range";

fn script_zone(ctx: &Ctx<'_>) -> Zone {
    Zone::parse_or_gmt(&ctx.time_zone)
}

fn err(msg: String) -> RuntimeError {
    RuntimeError::new(msg)
}

fn out_of_range<T>(name: &str) -> Result<T> {
    fail(format!("{name}: the result is outside the supported date range"))
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// The receiver's date-time (Date or DateTime); a TIME has no date.
fn recv_dt(args: &[Value], name: &str) -> Result<NaiveDateTime> {
    match args.first() {
        Some(Value::Date(d) | Value::DateTime(d)) => Ok(*d),
        Some(Value::Time(_)) => fail(format!("{name}: a TIME value has no date part")),
        Some(v) => fail(format!("{name}: expected a date, got {}", v.ty().name())),
        None => fail(format!("{name}: a date is missing")),
    }
}

/// Argument `i` as a date-time: a date value or a date text.
fn arg_dt(ctx: &Ctx<'_>, args: &[Value], i: usize, name: &str) -> Result<NaiveDateTime> {
    match args.get(i) {
        Some(Value::Date(d) | Value::DateTime(d)) => Ok(*d),
        Some(Value::Text(s)) => match parse::parse_literal(s, &script_zone(ctx)) {
            Some(Value::Date(d) | Value::DateTime(d)) => Ok(d),
            _ => fail(format!("{name}: '{s}' is not a valid date")),
        },
        Some(Value::Time(_)) => fail(format!("{name}: a TIME value has no date part")),
        Some(Value::Null) => fail(format!("{name}: the date argument is null")),
        Some(v) => fail(format!("{name}: expected a date, got {}", v.ty().name())),
        None => fail(format!("{name}: a date argument is missing")),
    }
}

/// The clock part of a Date, DateTime or Time receiver.
fn recv_clock(args: &[Value], name: &str) -> Result<NaiveTime> {
    match args.first() {
        Some(Value::Time(t)) => Ok(*t),
        _ => recv_dt(args, name).map(|d| d.time()),
    }
}

/// A day-of-week argument: `"Monday"`, `"mon"` or 1 (Sunday) … 7; days from Sunday.
fn arg_weekday(args: &[Value], i: usize, name: &str) -> Result<u32> {
    match args.get(i) {
        Some(Value::Text(s)) => parse::weekday_from_name(s)
            .ok_or_else(|| err(format!("{name}: '{s}' is not a day of the week"))),
        Some(Value::Int(n)) if (1..=7).contains(n) => {
            u32::try_from(n - 1).map_err(|_| err(name.into()))
        }
        Some(v) => fail(format!("{name}: '{}' is not a day of the week", v.to_display())),
        None => fail(format!("{name}: a day of the week is missing")),
    }
}

/// An optional zone argument (null or missing → the script's zone; unknown → GMT).
fn arg_zone(ctx: &Ctx<'_>, args: &[Value], i: usize) -> Result<Zone> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(script_zone(ctx)),
        Some(_) => Ok(Zone::parse_or_gmt(&arg_text(args, i)?)),
    }
}

/// Epoch milliseconds → wall-clock time in `zone`.
fn from_epoch_ms(v: &Value, zone: &Zone, name: &str) -> Result<NaiveDateTime> {
    let ms = match v {
        Value::Int(n) => Some(*n),
        Value::Dec(d) if d.is_finite() && d.abs() < 9.2e18 => Some(d.trunc() as i64),
        _ => None,
    };
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .and_then(|utc| zone.local_of(&utc.naive_utc()))
        .ok_or_else(|| {
            err(format!("{name}: {} is not a valid epoch time in milliseconds", v.to_display()))
        })
}

/// Converts a wall-clock time from zone `from` to zone `to`.
fn convert(dt: &NaiveDateTime, from: &Zone, to: &Zone, name: &str) -> Result<NaiveDateTime> {
    from.utc_of(dt).and_then(|u| to.local_of(&u)).map_or_else(|| out_of_range(name), Ok)
}

// ---- add / subtract ----

#[derive(Clone, Copy)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
    Hour,
    Minute,
    Second,
}

/// Decision: on a Date (or DateTime) every add/sub gives a DateTime, as Zoho's
/// pages show (`'01-Jan-2019'.addYear(100)` → `'01-Jan-2119 00:00:00'`); month
/// and year steps clamp to the month's end (31-Jan + 1 month = 29-Feb-2020).
/// On a Time the result must stay within the day.
fn shift(args: &[Value], unit: Unit, sign: i64, name: &str) -> Result<Value> {
    let n = arg_int(args, 1)?
        .checked_mul(sign)
        .ok_or_else(|| err(format!("{name}: the amount is too large")))?;
    match args.first() {
        Some(Value::Time(t)) => {
            let per = match unit {
                Unit::Day => 86_400,
                Unit::Week => 604_800,
                Unit::Hour => 3_600,
                Unit::Minute => 60,
                Unit::Second => 1,
                Unit::Month | Unit::Year if n == 0 => 0,
                Unit::Month | Unit::Year => return fail(RANGE_24H),
            };
            let total = n
                .checked_mul(per)
                .and_then(|s| s.checked_add(i64::from(t.num_seconds_from_midnight())))
                .filter(|s| (0..86_400).contains(s))
                .ok_or_else(|| err(RANGE_24H.into()))?;
            let secs = u32::try_from(total).map_err(|_| err(RANGE_24H.into()))?;
            NaiveTime::from_num_seconds_from_midnight_opt(secs, t.nanosecond())
                .map(Value::Time)
                .ok_or_else(|| err(RANGE_24H.into()))
        }
        _ => {
            let d = recv_dt(args, name)?;
            let months = |m: i64| -> Option<NaiveDateTime> {
                let k = Months::new(u32::try_from(m.unsigned_abs()).ok()?);
                if m >= 0 {
                    d.checked_add_months(k)
                } else {
                    d.checked_sub_months(k)
                }
            };
            let r = match unit {
                Unit::Day => Duration::try_days(n).and_then(|x| d.checked_add_signed(x)),
                Unit::Week => Duration::try_weeks(n).and_then(|x| d.checked_add_signed(x)),
                Unit::Hour => Duration::try_hours(n).and_then(|x| d.checked_add_signed(x)),
                Unit::Minute => Duration::try_minutes(n).and_then(|x| d.checked_add_signed(x)),
                Unit::Second => Duration::try_seconds(n).and_then(|x| d.checked_add_signed(x)),
                Unit::Month => months(n),
                Unit::Year => n.checked_mul(12).and_then(months),
            };
            r.map(Value::DateTime).map_or_else(|| out_of_range(name), Ok)
        }
    }
}

macro_rules! shift_fn {
    ($(#[$doc:meta])* $f:ident, $name:literal, $unit:ident, $sign:literal) => {
        $(#[$doc])*
        fn $f(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
            shift(args, Unit::$unit, $sign, $name)
        }
    };
}

shift_fn!(
    /// `d.addDay(n)` — <https://www.zoho.com/deluge/help/functions/datetime/addday.html>
    add_day, "addDay", Day, 1
);
shift_fn!(
    /// `d.addWeek(n)` — <https://www.zoho.com/deluge/help/functions/datetime/addweek.html>
    add_week, "addWeek", Week, 1
);
shift_fn!(
    /// `d.addMonth(n)` — <https://www.zoho.com/deluge/help/functions/datetime/addmonth.html>
    add_month, "addMonth", Month, 1
);
shift_fn!(
    /// `d.addYear(n)` — <https://www.zoho.com/deluge/help/functions/datetime/addyear.html>
    add_year, "addYear", Year, 1
);
shift_fn!(
    /// `d.addHour(n)` — <https://www.zoho.com/deluge/help/functions/datetime/addhour.html>
    add_hour, "addHour", Hour, 1
);
shift_fn!(
    /// `d.addMinutes(n)` — <https://www.zoho.com/deluge/help/functions/datetime/addminutes.html>
    add_minutes, "addMinutes", Minute, 1
);
shift_fn!(
    /// `d.addSeconds(n)` — <https://www.zoho.com/deluge/help/functions/datetime/addseconds.html>
    add_seconds, "addSeconds", Second, 1
);
shift_fn!(
    /// `d.subDay(n)` — <https://www.zoho.com/deluge/help/functions/datetime/subday.html>
    sub_day, "subDay", Day, -1
);
shift_fn!(
    /// `d.subWeek(n)` (mirror of addWeek).
    sub_week, "subWeek", Week, -1
);
shift_fn!(
    /// `d.subMonth(n)` — <https://www.zoho.com/deluge/help/functions/datetime/submonth.html>
    sub_month, "subMonth", Month, -1
);
shift_fn!(
    /// `d.subYear(n)` — <https://www.zoho.com/deluge/help/functions/datetime/subyear.html>
    sub_year, "subYear", Year, -1
);
shift_fn!(
    /// `d.subHour(n)` (mirror of addHour; also a Time function).
    sub_hour, "subHour", Hour, -1
);
shift_fn!(
    /// `d.subMinutes(n)` — <https://www.zoho.com/deluge/help/functions/datetime/subminutes.html>
    sub_minutes, "subMinutes", Minute, -1
);
shift_fn!(
    /// `d.subSeconds(n)` (mirror of addSeconds; also a Time function).
    sub_seconds, "subSeconds", Second, -1
);

// ---- business days and hours ----

fn business_days(ctx: &Ctx<'_>, args: &[Value], dir: i64, name: &str) -> Result<Value> {
    let start = arg_dt(ctx, args, 0, name)?;
    let n = arg_int(args, 1)?;
    let cal = Calendar::from_args(args, 2, name)?;
    business::shift_business_days(start.date(), n, dir, &cal, name)
        .map(|d| Value::Date(midnight(d)))
}

/// `d.addBusinessDay(n[, weekends][, holidays])`, alias `workday` — the date
/// (without time) n working days later; weekends default to Saturday and
/// Sunday; n <= 0 returns the date unchanged, as documented.
/// <https://www.zoho.com/deluge/help/functions/datetime/addbusinessday.html>,
/// <https://www.zoho.com/deluge/help/functions/datetime/workday.html>
fn add_business_day(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    business_days(ctx, args, 1, "addBusinessDay")
}

/// `d.subBusinessDay(n[, weekends][, holidays])` —
/// <https://www.zoho.com/deluge/help/functions/datetime/subBusinessDay.html>
fn sub_business_day(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    business_days(ctx, args, -1, "subBusinessDay")
}

/// Hours as Zoho reads them for addBusinessHour: the whole part is hours and
/// the digits after the point are minutes (`0.1` = 1 minute, `1.30` = 1 h 3 min
/// since 1.30 is the decimal 1.3, `2.45` = 2 h 45 min). Decision, from the
/// documented note "supply 0.1 to add one business minute".
fn business_seconds(v: &Value) -> Result<i64> {
    let name = "addBusinessHour";
    match v {
        Value::Int(n) => n.checked_mul(3600).ok_or_else(|| err(format!("{name}: too many hours"))),
        Value::Dec(d) if d.is_finite() && d.abs() < 1e12 => {
            let text = crate::value::format_decimal(d.abs());
            let (whole, frac) = text.split_once('.').unwrap_or((&text, "0"));
            let hours: i64 =
                whole.parse().map_err(|_| err(format!("{name}: {d} is not a number of hours")))?;
            let minutes: i64 = if frac.len() > 6 {
                return fail(format!("{name}: {d} has too many minute digits"));
            } else {
                frac.parse().unwrap_or(0)
            };
            let secs = hours * 3600 + minutes * 60;
            Ok(if *d < 0.0 { -secs } else { secs })
        }
        Value::Text(s) => match super::convert::parse_number(s) {
            Some(n) => business_seconds(&n),
            None => fail(format!("{name}: '{s}' is not a number of hours")),
        },
        other => fail(format!("{name}: '{}' is not a number of hours", other.to_display())),
    }
}

/// `dt.addBusinessHour(n[, weekends][, holidays][, {"start":"9","end":"17"}])` —
/// adds (negative: subtracts) working time inside business hours (default 9–17).
/// <https://www.zoho.com/deluge/help/functions/datetime/add-business-hour.html>
fn add_business_hour(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "addBusinessHour";
    let start = arg_dt(ctx, args, 0, name)?;
    let secs = business_seconds(args.get(1).unwrap_or(&Value::Null))?;
    // The business-hours map may also come early, in place of the lists.
    let is_map = |v: &Value| matches!(v, Value::Map(_));
    let early_map = args.iter().take(4).skip(2).find(|v| is_map(v));
    let hours = Hours::from_arg(args.get(4).or(early_map), name)?;
    let lists: Vec<Value> = args.iter().take(4).filter(|v| !is_map(v)).cloned().collect();
    let cal = Calendar::from_args(&lists, 2, name)?;
    business::shift_business_time(start, secs, &cal, hours, name).map(Value::DateTime)
}

/// `start.workDaysList(end[, weekends][, holidays])` — every working date from
/// start to end, both included; an empty list when end is before start.
/// <https://www.zoho.com/deluge/help/functions/datetime/work-days-list.html>
fn work_days_list(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "workDaysList";
    let start = arg_dt(ctx, args, 0, name)?;
    let end = arg_dt(ctx, args, 1, name)?;
    let cal = Calendar::from_args(args, 2, name)?;
    let days = business::workdays_between(
        start.date(),
        end.date(),
        &cal,
        ctx.limits.max_collection_len,
        name,
    )?;
    Ok(Value::list(days.into_iter().map(|d| Value::Date(midnight(d))).collect()))
}

// ---- differences ----

/// `a.daysBetween(b)` / `daysBetween(a, b)` — whole days from a to b (negative
/// when b is earlier; a partial day is dropped). Also `days360`, which Zoho's
/// page says "behave[s] in the same way" (`days360('31-Dec-1989',
/// '01-Jan-1990')` → 1), so it is not the spreadsheet 30/360 rule.
/// <https://www.zoho.com/deluge/help/functions/datetime/daysbetween.html>,
/// <https://zoho.com/creator/help/script/built-in-functions/built-in-function-date-days360.html>
fn days_between(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let a = recv_dt(args, "daysBetween")?;
    let b = arg_dt(ctx, args, 1, "daysBetween")?;
    Ok(Value::Int((b - a).num_days()))
}

/// `a.hoursBetween(b)` — whole hours from a to b (minutes and seconds dropped);
/// works on two times too.
/// <https://www.zoho.com/deluge/help/functions/datetime/hoursbetween.html>
fn hours_between(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "hoursBetween";
    let diff = match (args.first(), args.get(1)) {
        (Some(Value::Time(a)), Some(Value::Time(b))) => *b - *a,
        _ => arg_dt(ctx, args, 1, name)? - recv_dt(args, name)?,
    };
    Ok(Value::Int(diff.num_hours()))
}

/// Calendar months from a to b, counting a month only when its day and time
/// are reached (Java's `ChronoUnit.MONTHS.between`).
fn months_between(a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    let mut m = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month())
        - i64::from(a.month());
    let (ka, kb) = ((a.day(), a.time()), (b.day(), b.time()));
    if m > 0 && kb < ka {
        m -= 1;
    } else if m < 0 && kb > ka {
        m += 1;
    }
    m
}

/// `a.totalMonths(b)` / `totalMonth` / `monthsDiff` — completed calendar months
/// from a to b (Zoho's function list spells it `totalMonth`, its examples
/// `totalMonths`).
/// <https://www.zoho.com/deluge/help/functions/datetime/totalmonth.html>,
/// <https://www.zoho.com/deluge/help/functions/datetime/monthsdiff.html>
fn total_months(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let a = recv_dt(args, "totalMonths")?;
    let b = arg_dt(ctx, args, 1, "totalMonths")?;
    Ok(Value::Int(months_between(a, b)))
}

/// `a.monthsBetween(b)` — whole 30-day blocks from a to b, times ignored
/// (01-Feb-2020 → 01-Mar-2020 is 0, unlike monthsDiff).
/// <https://zoho.com/deluge/help/functions/datetime/monthsbetween.html>
fn months_between_30(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let a = recv_dt(args, "monthsBetween")?.date();
    let b = arg_dt(ctx, args, 1, "monthsBetween")?.date();
    Ok(Value::Int((b - a).num_days() / 30))
}

/// `a.totalYears(b)` / `totalYear` / `yearsDiff` — completed calendar years from a to b.
/// <https://www.zoho.com/deluge/help/functions/datetime/totalyear.html>
fn total_years(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let a = recv_dt(args, "totalYears")?;
    let b = arg_dt(ctx, args, 1, "totalYears")?;
    Ok(Value::Int(months_between(a, b) / 12))
}

/// `a.yearsBetween(b)` — whole 365-day blocks from a to b (1-Jan-2020 →
/// 31-Dec-2020 is 1, the same dates in 2019 are 0).
/// <https://www.zoho.com/deluge/help/functions/datetime/yearsbetween.html>
fn years_between(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let a = recv_dt(args, "yearsBetween")?;
    let b = arg_dt(ctx, args, 1, "yearsBetween")?;
    Ok(Value::Int((b - a).num_days() / 365))
}

/// `a.yearFraction(b)` — days from a to b divided by 365, as a Decimal.
/// <https://www.zoho.com/deluge/help/functions/datetime/yearfraction.html>
fn year_fraction(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let a = recv_dt(args, "yearFraction")?;
    let b = arg_dt(ctx, args, 1, "yearFraction")?;
    Ok(Value::Dec((b - a).num_days() as f64 / 365.0))
}

/// `start.timeBetween(end)` — the elapsed time as text `HH:mm:ss`, hours
/// running past 24 (1 day 10 h = `34:…`). Decision (the page's wording "HH: in
/// case of differences in just the hour. HH:mm: in case of differences in just
/// the hour and minute"): trailing zero parts are left out, so 2 h is `02`,
/// 1 h 10 min is `01:10`, and no difference is `00`. An end before the start
/// is an error ("End time has to be greater than start time").
/// <https://www.zoho.com/deluge/help/functions/datetime/time-between.html>
fn time_between(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "timeBetween";
    let diff = match (args.first(), args.get(1)) {
        (Some(Value::Time(a)), Some(Value::Time(b))) => *b - *a,
        _ => arg_dt(ctx, args, 1, name)? - recv_dt(args, name)?,
    };
    let secs = diff.num_seconds();
    if secs < 0 {
        return fail(format!("{name}: the end time has to be greater than the start time"));
    }
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    Ok(Value::text(match (m, s) {
        (0, 0) => format!("{h:02}"),
        (_, 0) => format!("{h:02}:{m:02}"),
        _ => format!("{h:02}:{m:02}:{s:02}"),
    }))
}

// ---- parts ----

/// `d.getDay()` / `day()` — day of the month.
/// <https://www.zoho.com/deluge/help/functions/datetime/getday.html>
fn get_day(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::from(recv_dt(args, "getDay")?.day())))
}

/// `d.getMonth()` / `month()` — 1 to 12.
/// <https://www.zoho.com/deluge/help/functions/datetime/getmonth.html>
fn get_month(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::from(recv_dt(args, "getMonth")?.month())))
}

/// `d.getYear()` / `year()`.
fn get_year(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::from(recv_dt(args, "getYear")?.year())))
}

/// `d.getHour()` / `hour()` — 0 to 23 (dates, date-times and times).
/// <https://www.zoho.com/deluge/help/functions/datetime/gethour.html>
fn get_hour(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::from(recv_clock(args, "getHour")?.hour())))
}

/// `d.getMinutes()` / `minute()`.
/// <https://www.zoho.com/deluge/help/functions/datetime/getminutes.html>
fn get_minutes(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::from(recv_clock(args, "getMinutes")?.minute())))
}

/// `d.getSeconds()` / `second()`.
/// <https://www.zoho.com/deluge/help/functions/datetime/getseconds.html>
fn get_seconds(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::from(recv_clock(args, "getSeconds")?.second())))
}

/// `d.getDayOfWeek()` / `weekday()` — 1 = Sunday … 7 = Saturday.
/// <https://www.zoho.com/deluge/help/functions/datetime/getdayofweek.html>,
/// <https://www.zoho.com/deluge/help/functions/datetime/weekday.html>
fn get_day_of_week(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let d = recv_dt(args, "getDayOfWeek")?;
    Ok(Value::Int(i64::from(d.weekday().num_days_from_sunday()) + 1))
}

/// `d.getWeekOfYear([firstDay])` — week number, weeks starting on Sunday unless
/// another first day is given; week 1 holds 1 January.
/// <https://www.zoho.com/deluge/help/functions/datetime/getweekofyear.html>
fn get_week_of_year(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "getWeekOfYear";
    let d = recv_dt(args, name)?;
    let first = if args.len() > 1 { arg_weekday(args, 1, name)? } else { 0 };
    Ok(Value::Int(i64::from(format::week_of_year(d.date(), first).0)))
}

/// `d.getDayOfYear()` — 1 to 366.
fn get_day_of_year(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::from(recv_dt(args, "getDayOfYear")?.ordinal())))
}

/// A Date stays a Date; a DateTime becomes a DateTime at 00:00:00.
fn same_kind(args: &[Value], d: NaiveDate) -> Value {
    match args.first() {
        Some(Value::DateTime(_)) => Value::DateTime(midnight(d)),
        _ => Value::Date(midnight(d)),
    }
}

/// `d.toStartOfMonth()` — the first of the month (a date-time gets 00:00:00).
/// <https://www.zoho.com/deluge/help/functions/datetime/tostartofmonth.html>
fn to_start_of_month(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let d = recv_dt(args, "toStartOfMonth")?.date();
    Ok(same_kind(args, d.with_day(1).unwrap_or(d)))
}

/// `d.toStartOfWeek([firstDay])` — the last Sunday (or the given first day) on
/// or before d. <https://www.zoho.com/deluge/help/functions/datetime/tostartofweek.html>
fn to_start_of_week(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "toStartOfWeek";
    let d = recv_dt(args, name)?.date();
    let first = if args.len() > 1 { arg_weekday(args, 1, name)? } else { 0 };
    let back = (d.weekday().num_days_from_sunday() + 7 - first) % 7;
    let start = d.checked_sub_days(chrono::Days::new(u64::from(back)));
    start.map(|s| same_kind(args, s)).map_or_else(|| out_of_range(name), Ok)
}

fn week_day_step(args: &[Value], name: &str, forward: bool) -> Result<Value> {
    let d = recv_dt(args, name)?.date();
    let want = arg_weekday(args, 1, name)?;
    let have = d.weekday().num_days_from_sunday();
    let r = if forward {
        let n = match (want + 7 - have) % 7 {
            0 => 7,
            k => k,
        };
        d.checked_add_days(chrono::Days::new(u64::from(n)))
    } else {
        let n = match (have + 7 - want) % 7 {
            0 => 7,
            k => k,
        };
        d.checked_sub_days(chrono::Days::new(u64::from(n)))
    };
    r.map(|x| Value::Date(midnight(x))).map_or_else(|| out_of_range(name), Ok)
}

/// `d.nextWeekDay("Monday")` — the first date after d falling on that day.
/// <https://www.zoho.com/deluge/help/functions/number/nextWeekDay.html>
fn next_week_day(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    week_day_step(args, "nextWeekDay", true)
}

/// `d.previousWeekDay("Monday")` — the last date before d falling on that day
/// (`'21-Jul-2021'.previousWeekDay("Wednesday")` → 14-Jul-2021).
/// <https://zoho.com/deluge/help/functions/number/previousWeekDay.html>
fn previous_week_day(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    week_day_step(args, "previousWeekDay", false)
}

/// `d.eomonth([months])` — the last day of the month `months` after d's month.
fn eomonth(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "eomonth";
    let d = recv_dt(args, name)?.date().with_day(1);
    let n = if args.len() > 1 { arg_int(args, 1)? } else { 0 };
    let r = d.and_then(|first| {
        let k = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
        let m = if n >= 0 { first.checked_add_months(k) } else { first.checked_sub_months(k) }?;
        m.checked_add_months(Months::new(1))?.pred_opt()
    });
    r.map(|x| Value::Date(midnight(x))).map_or_else(|| out_of_range(name), Ok)
}

/// `d.edate(months)` — the same day `months` later (clamped to the month's
/// end), as a date (Creator's `edate`).
fn edate(_ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "edate";
    let d = recv_dt(args, name)?.date();
    let n = arg_int(args, 1)?;
    let k = u32::try_from(n.unsigned_abs()).ok().map(Months::new);
    let r = k.and_then(|k| if n >= 0 { d.checked_add_months(k) } else { d.checked_sub_months(k) });
    r.map(|x| Value::Date(midnight(x))).map_or_else(|| out_of_range(name), Ok)
}

// ---- epoch, conversion, formatting ----

/// `d.unixEpoch([zone])` — milliseconds since 1970-01-01 00:00 UTC, reading d
/// as a wall-clock time in `zone` (default: the script's zone; an unknown zone
/// silently means GMT). <https://www.zoho.com/deluge/help/functions/datetime/unix-epoch.html>
///
/// A text that is not a date is returned unchanged, as the page documents
/// ("it will simply return the given value in text format").
fn unix_epoch(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "unixEpoch";
    let d = match args.first() {
        Some(Value::Text(s)) => match parse::parse_literal(s, &script_zone(ctx)) {
            Some(Value::Date(d) | Value::DateTime(d)) => d,
            _ => return Ok(Value::Text(s.clone())),
        },
        _ => recv_dt(args, name)?,
    };
    let zone = arg_zone(ctx, args, 1)?;
    let utc = zone.utc_of(&d).map_or_else(|| out_of_range(name), Ok)?;
    Ok(Value::Int(utc.and_utc().timestamp_millis()))
}

/// An optional pattern and an optional zone name.
type PatternAndZone<'a> = (Option<std::borrow::Cow<'a, str>>, Option<std::borrow::Cow<'a, str>>);

/// `args[1]` is a pattern unless it is not a valid pattern but is a zone name
/// (`"2020-01-01 10:00".toDateTime("Asia/Kolkata")`).
fn pattern_and_zone(args: &[Value]) -> Result<PatternAndZone<'_>> {
    let pat = match args.get(1) {
        None | Some(Value::Null) => None,
        Some(_) => Some(arg_text(args, 1)?),
    };
    let tz = match args.get(2) {
        None | Some(Value::Null) => None,
        Some(_) => Some(arg_text(args, 2)?),
    };
    if tz.is_none() {
        if let Some(p) = &pat {
            if parse::tokenize_pattern(p).is_none() && Zone::parse(p).is_some() {
                return Ok((None, pat));
            }
        }
    }
    Ok((pat, tz))
}

/// Reads a text receiver (with an optional pattern and source zone) into a
/// Date, DateTime or Time in the script's zone.
fn read_text(ctx: &Ctx<'_>, args: &[Value], s: &str, name: &str) -> Result<Value> {
    let here = script_zone(ctx);
    let (pat, tz) = pattern_and_zone(args)?;
    let source = tz.as_deref().map(Zone::parse_or_gmt);
    if let Some(p) = pat.as_deref().filter(|p| !p.is_empty()) {
        let parsed = parse::parse_with_pattern(s, p).map_err(|m| err(format!("{name}: {m}")))?;
        let mut dt = parsed.dt;
        if let Some(src) = parsed.offset.or(source) {
            dt = convert(&dt, &src, &here, name)?;
        }
        return Ok(if parsed.has_date { Value::DateTime(dt) } else { Value::Time(dt.time()) });
    }
    match parse::parse_literal(s, &here) {
        Some(Value::Date(d)) if source.is_some() => {
            Ok(Value::DateTime(convert(&d, &source.unwrap_or_else(Zone::gmt), &here, name)?))
        }
        Some(Value::DateTime(d)) if source.is_some() => {
            Ok(Value::DateTime(convert(&d, &source.unwrap_or_else(Zone::gmt), &here, name)?))
        }
        Some(v) => Ok(v),
        None => fail(format!("{name}: '{s}' is not a valid date")),
    }
}

/// Epoch milliseconds, shown in the zone given as the last argument (if any).
fn read_epoch(ctx: &Ctx<'_>, args: &[Value], name: &str) -> Result<NaiveDateTime> {
    let (_, tz) = pattern_and_zone(args)?;
    let zone = tz.as_deref().map_or_else(|| script_zone(ctx), Zone::parse_or_gmt);
    from_epoch_ms(&args[0], &zone, name)
}

/// `x.toDate([pattern])` — a date from a date-time, a date text (any literal
/// layout, or the Java pattern given) or epoch milliseconds.
/// <https://www.zoho.com/deluge/help/functions/common/todate.html>
fn to_date(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "toDate";
    let v = match args.first() {
        Some(Value::Text(s)) => read_text(ctx, args, s, name)?,
        Some(Value::Int(_) | Value::Dec(_)) => Value::DateTime(read_epoch(ctx, args, name)?),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    match v {
        Value::Date(d) | Value::DateTime(d) => Ok(Value::Date(midnight(d.date()))),
        Value::Time(_) => fail(format!("{name}: a TIME value has no date part")),
        other => fail(format!("{name}: '{}' is not a valid date", other.to_display())),
    }
}

/// `x.toDateTime([pattern][, zone])` — a date-time from a date, a text (read in
/// `zone` when given, then converted to the script's zone) or epoch
/// milliseconds; a time alone is put on today's date.
/// <https://www.zoho.com/deluge/help/functions/common/to-date-time.html>
fn to_date_time(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "toDateTime";
    let v = match args.first() {
        Some(Value::Text(s)) => read_text(ctx, args, s, name)?,
        Some(Value::Int(_) | Value::Dec(_)) => Value::DateTime(read_epoch(ctx, args, name)?),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    match v {
        Value::Date(d) | Value::DateTime(d) => Ok(Value::DateTime(d)),
        Value::Time(t) => Ok(Value::DateTime(ctx.now().date().and_time(t))),
        other => fail(format!("{name}: '{}' is not a valid date-time", other.to_display())),
    }
}

/// `x.toTime([pattern][, zone])` — like toDateTime (Zoho's toTime returns a
/// date-time), except that a time-only text gives a Time.
/// <https://www.zoho.com/deluge/help/functions/common/totime.html>
fn to_time(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "toTime";
    let v = match args.first() {
        Some(Value::Text(s)) => read_text(ctx, args, s, name)?,
        Some(Value::Int(_) | Value::Dec(_)) => Value::DateTime(read_epoch(ctx, args, name)?),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    match v {
        Value::Date(d) | Value::DateTime(d) => Ok(Value::DateTime(d)),
        Value::Time(t) => Ok(Value::Time(t)),
        other => fail(format!("{name}: '{}' is not a valid time", other.to_display())),
    }
}

fn finish_text(ctx: &Ctx<'_>, out: Option<String>) -> Result<Value> {
    match out {
        Some(s) => {
            ctx.reserve_text(s.len())?;
            Ok(Value::text(s))
        }
        None => Ok(Value::Null),
    }
}

/// `x.toDateTimeString(pattern[, zone])` — epoch milliseconds or a date-time,
/// written with a Java pattern in `zone` (default: the script's zone).
/// <https://www.zoho.com/deluge/help/functions/datetime/todatetimestring.html>
fn to_date_time_string(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "toDateTimeString";
    let pattern = arg_text(args, 1)?;
    let zone = arg_zone(ctx, args, 2)?;
    let local = match args.first() {
        Some(Value::Int(_) | Value::Dec(_)) => from_epoch_ms(&args[0], &zone, name)?,
        Some(Value::Time(t)) => NaiveDate::default().and_time(*t),
        _ => convert(&recv_dt(args, name)?, &script_zone(ctx), &zone, name)?,
    };
    finish_text(ctx, format::format_pattern(&local, &pattern, &zone))
}

/// `d.toString([pattern][, zone])`, `toText`, `text(pattern[, zone])` on
/// dates — Java `SimpleDateFormat` letters, literal text in single quotes; an
/// unknown letter outside quotes gives null. With a zone a date-time is first
/// converted from the script's zone; a Date is a calendar date and is not moved
/// (Decision). Without a pattern: the default display (`dd-MMM-yyyy[ HH:mm:ss]`).
/// <https://www.zoho.com/deluge/help/functions/common/tostring.html>,
/// <https://www.zoho.com/deluge/help/functions/common/to-text.html>
fn to_string(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = "toString";
    let pattern = match args.get(1) {
        None | Some(Value::Null) => {
            return Ok(Value::text(args.first().map(Value::to_display).unwrap_or_default()))
        }
        Some(_) => arg_text(args, 1)?,
    };
    let here = script_zone(ctx);
    let target = match args.get(2) {
        None | Some(Value::Null) => here,
        Some(_) => Zone::parse_or_gmt(&arg_text(args, 2)?),
    };
    let local = match args.first() {
        Some(Value::Time(t)) => NaiveDate::default().and_time(*t),
        Some(Value::DateTime(d)) => convert(d, &here, &target, name)?,
        _ => recv_dt(args, name)?,
    };
    finish_text(ctx, format::format_pattern(&local, &pattern, &target))
}

/// For the text and number families: `x.toString(pattern[, zone])` where x is
/// epoch milliseconds (a Number), a date text or a date value — Zoho formats
/// these as date-times (the toString page). Unknown pattern letters give null.
#[allow(dead_code)]
pub(crate) fn format_with_pattern(
    ctx: &mut Ctx<'_>,
    value: &Value,
    pattern: &str,
    zone: Option<&str>,
) -> Result<Value> {
    let zone_arg = zone.map_or(Value::Null, Value::text);
    let value = match value {
        Value::Int(_) | Value::Dec(_) => {
            return to_date_time_string(ctx, &[value.clone(), Value::text(pattern), zone_arg]);
        }
        Value::Text(s) => match parse::parse_literal(s, &script_zone(ctx)) {
            Some(v) => v,
            None => return fail(format!("toString: '{s}' is not a valid date-time")),
        },
        other => other.clone(),
    };
    to_string(ctx, &[value, Value::text(pattern), zone_arg])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::testing::{err as bad, invoke, ok};
    use crate::{Limits, RecordingHost};

    fn run_in(zone: &str, name: &str, args: &[Value]) -> Result<Value> {
        invoke(Limits::default(), zone, 1, name, args)
    }

    fn run(name: &str, args: &[Value]) -> Result<Value> {
        run_in("UTC", name, args)
    }

    fn d(s: &str) -> Value {
        parse_text(s).unwrap_or_else(|| panic!("'{s}' is not a date literal"))
    }

    fn t(s: &str) -> Value {
        Value::text(s)
    }

    fn n(x: i64) -> Value {
        Value::Int(x)
    }

    fn list(items: Vec<Value>) -> Value {
        Value::list(items)
    }

    #[test]
    fn doc_cases() {
        assert_eq!(ok("getDay", &[d("08-Jan-2019")]), "8"); // doc-065
        assert_eq!(ok("weekday", &[d("15-Mar-2019")]), "6"); // doc-066
        assert_eq!(ok("getWeekOfYear", &[d("7-Feb-2021")]), "7"); // doc-067
        assert_eq!(ok("getWeekOfYear", &[d("7-Feb-2021"), t("Monday")]), "6"); // doc-068
        assert_eq!(ok("daysBetween", &[d("1-Jan-2019"), d("31-Dec-2019")]), "364"); // doc-069
        assert_eq!(ok("daysBetween", &[d("1-Jan-2020"), d("31-Dec-2020")]), "365"); // doc-070
        assert_eq!(ok("totalMonths", &[d("31-Dec-1989"), d("01-Jan-1990")]), "0"); // doc-071
        assert_eq!(ok("totalYears", &[d("1-Jan-2019"), d("31-Dec-2019")]), "0"); // doc-072
        assert_eq!(ok("addHour", &[d("01-Jan-2019 23:15:10"), n(2)]), "02-Jan-2019 01:15:10"); // doc-077
        assert_eq!(ok("addMinutes", &[d("01-Jan-2019 23:59:10"), n(2)]), "02-Jan-2019 00:01:10"); // doc-078
        assert_eq!(ok("subMinutes", &[d("02-Jan-2019"), n(1)]), "01-Jan-2019 23:59:00"); // doc-079
        assert_eq!(ok("addMonth", &[d("01-Jan-2019 15:00:00"), n(13)]), "01-Feb-2020 15:00:00"); // doc-080
        assert_eq!(ok("addYear", &[d("01-Jan-2019"), n(100)]), "01-Jan-2119 00:00:00"); // doc-081
        assert_eq!(ok("subDay", &[d("01-Jan-2019"), n(1)]), "31-Dec-2018 00:00:00"); // doc-082
        assert_eq!(ok("toStartOfMonth", &[d("15-Mar-2019 15:00:00")]), "01-Mar-2019 00:00:00"); // doc-083
        assert_eq!(ok("addBusinessDay", &[d("15-Mar-2019"), n(1)]), "18-Mar-2019"); // doc-085
        let sunday = list(vec![t("Sunday")]);
        let hols = list(vec![d("20-Jul-2021"), d("19-Jul-2021")]);
        assert_eq!(ok("subBusinessDay", &[d("21-Jul-2021"), n(5), sunday, hols]), "13-Jul-2021"); // doc-087
        assert_eq!(ok("unixEpoch", &[t("03-Feb-2020 03:48:12"), t("GMT")]), "1580701692000"); // doc-090
        assert_eq!(
            ok("yearFraction", &[d("17-Jan-2019"), d("29-Jan-2019")]),
            "0.03287671232876712"
        ); // doc-092
        assert_eq!(ok("yearFraction", &[d("03-Apr-2020"), d("25-May-2035")]), "15.150684931506849"); // doc-093
        assert_eq!(d("01/01/2017"), d("01-Jan-2017")); // doc-095
        let chained =
            run("addDay", &[d("02-Jan-2026"), n(3)]).and_then(|v| run("addMonth", &[v, n(1)]));
        assert_eq!(ok("toDate", &[chained.expect("chain")]), "05-Feb-2026"); // doc-137
    }

    #[test]
    fn add_and_sub_rows() {
        let x = d("31-Jan-2020 10:20:30");
        assert_eq!(ok("addDay", &[x.clone(), n(1)]), "01-Feb-2020 10:20:30");
        assert_eq!(ok("addWeek", &[x.clone(), n(2)]), "14-Feb-2020 10:20:30");
        assert_eq!(ok("addMonth", &[x.clone(), n(1)]), "29-Feb-2020 10:20:30");
        assert_eq!(ok("addYear", &[d("29-Feb-2020"), n(1)]), "28-Feb-2021 00:00:00");
        assert_eq!(ok("addHour", &[x.clone(), n(-11)]), "30-Jan-2020 23:20:30");
        assert_eq!(ok("addMinutes", &[x.clone(), n(40)]), "31-Jan-2020 11:00:30");
        assert_eq!(ok("addSeconds", &[x.clone(), n(30)]), "31-Jan-2020 10:21:00");
        assert_eq!(ok("subDay", &[x.clone(), n(31)]), "31-Dec-2019 10:20:30");
        assert_eq!(ok("subWeek", &[x.clone(), n(1)]), "24-Jan-2020 10:20:30");
        assert_eq!(ok("subMonth", &[d("31-Mar-2020"), n(1)]), "29-Feb-2020 00:00:00");
        assert_eq!(ok("subYear", &[x.clone(), n(20)]), "31-Jan-2000 10:20:30");
        assert_eq!(ok("subHour", &[x.clone(), n(1)]), "31-Jan-2020 09:20:30");
        assert_eq!(ok("subMinutes", &[x.clone(), n(21)]), "31-Jan-2020 09:59:30");
        assert_eq!(ok("subSeconds", &[x.clone(), n(31)]), "31-Jan-2020 10:19:59");
        assert_eq!(ok("addDay", &[x.clone(), t("2")]), "02-Feb-2020 10:20:30");
        assert_eq!(ok("ADDDAY", &[t("2020-01-31"), Value::Dec(1.9)]), "01-Feb-2020 00:00:00");
        assert!(
            bad("addDay", &[x.clone(), n(i64::MAX)]).contains("outside the supported date range")
        );
        assert!(bad("addMonth", &[x.clone(), n(i64::MAX)]).contains("addMonth"));
        assert!(bad("addYear", &[x.clone(), n(i64::MAX / 2)]).contains("addYear"));
        assert!(bad("subDay", &[x.clone(), n(i64::MIN)]).contains("too large"));
        assert!(bad("addDay", &[x.clone(), t("x")]).contains("must be a number"));
        assert_eq!(
            bad("addDay", &[x, n(1), n(2)]),
            "No. of arguments mismatches for the function addDay"
        );
    }

    #[test]
    fn time_values_stay_in_the_day() {
        let time = d("10:00:00");
        assert_eq!(ok("addHour", &[time.clone(), n(2)]), "12:00:00");
        assert_eq!(ok("subMinutes", &[time.clone(), n(30)]), "09:30:00");
        assert_eq!(ok("addSeconds", &[time.clone(), n(5)]), "10:00:05");
        assert_eq!(ok("addMonth", &[time.clone(), n(0)]), "10:00:00");
        assert_eq!(bad("addHour", &[time.clone(), n(14)]), RANGE_24H);
        assert_eq!(bad("subHour", &[time.clone(), n(11)]), RANGE_24H);
        assert_eq!(bad("addDay", &[time.clone(), n(1)]), RANGE_24H);
        assert_eq!(bad("addMonth", &[time.clone(), n(1)]), RANGE_24H);
        assert_eq!(bad("addSeconds", &[time, n(i64::MAX)]), RANGE_24H);
        assert_eq!(ok("getHour", &[d("06:15:30 PM")]), "18");
        assert_eq!(ok("getMinutes", &[d("06:15:30 PM")]), "15");
        assert_eq!(ok("getSeconds", &[d("06:15:30 PM")]), "30");
        assert!(bad("getDay", &[d("06:15:30 PM")]).contains("no date part"));
    }

    #[test]
    fn business_days() {
        assert_eq!(ok("workday", &[d("15-Mar-2019"), n(1)]), "18-Mar-2019");
        assert_eq!(ok("workday", &[t("15-Mar-2019 10:00:00"), n(0)]), "15-Mar-2019");
        assert_eq!(ok("addBusinessDay", &[d("15-Mar-2019"), n(-3)]), "15-Mar-2019");
        let sunday = list(vec![t("Sunday")]);
        // Zoho's workday example: 23-May-2020 + 5, Sunday weekend, 25-May holiday → 30-May.
        assert_eq!(
            ok("workday", &[d("23-May-2020"), n(5), sunday.clone(), list(vec![t("25-May-2020")])]),
            "30-May-2020"
        );
        assert_eq!(ok("subBusinessDay", &[d("21-Jul-2021"), n(5)]), "14-Jul-2021");
        // a list of dates where the weekends belong is taken as the holidays
        assert_eq!(
            ok("addBusinessDay", &[d("15-Mar-2019"), n(1), list(vec![d("18-Mar-2019")])]),
            "19-Mar-2019"
        );
        // weekend days as numbers (1 = Sunday) and as comma text
        assert_eq!(
            ok("addBusinessDay", &[d("15-Mar-2019"), n(1), list(vec![n(1)])]),
            "16-Mar-2019"
        );
        assert_eq!(
            ok("addBusinessDay", &[d("15-Mar-2019"), n(1), t("Saturday,Sunday")]),
            "18-Mar-2019"
        );
        assert_eq!(ok("addBusinessDay", &[d("15-Mar-2019"), n(1), list(vec![])]), "16-Mar-2019");
        // long spans skip whole weeks and still count holidays
        assert_eq!(ok("addBusinessDay", &[d("01-Jan-2019"), n(260)]), "31-Dec-2019");
        assert_eq!(
            ok(
                "addBusinessDay",
                &[d("01-Jan-2019"), n(260), Value::Null, list(vec![d("25-Dec-2019")])]
            ),
            "01-Jan-2020"
        );
        assert_eq!(
            ok(
                "subBusinessDay",
                &[d("31-Dec-2019"), n(260), Value::Null, list(vec![d("04-Jul-2019")])]
            ),
            "31-Dec-2018"
        );
        assert!(bad("addBusinessDay", &[d("15-Mar-2019"), n(i64::MAX)])
            .contains("outside the supported date range"));
        let all =
            list(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].iter().map(|s| t(s)).collect());
        assert!(
            bad("addBusinessDay", &[d("15-Mar-2019"), n(1), all]).contains("every day of the week")
        );
        assert!(bad("addBusinessDay", &[d("15-Mar-2019"), n(1), list(vec![t("Caturday")])])
            .contains("Caturday"));
        assert!(bad("addBusinessDay", &[d("15-Mar-2019"), n(1), sunday, list(vec![t("soon")])])
            .contains("soon"));
        assert!(bad("addBusinessDay", &[t("not a date"), n(1)]).contains("not applicable"));
    }

    #[test]
    fn business_hours() {
        let weekend = list(vec![t("Saturday"), t("Sunday")]);
        let hols = list(vec![d("2-Jan-2020"), d("3-Jan-2020")]);
        let hours = Value::map_from([("start", t("10")), ("end", t("17"))]);
        let start = t("1-Jan-2020 16:00:00");
        assert_eq!(
            ok(
                "addBusinessHour",
                &[start.clone(), n(2), weekend.clone(), hols.clone(), hours.clone()]
            ),
            "06-Jan-2020 11:00:00"
        );
        assert_eq!(
            ok(
                "addBusinessHour",
                &[d("06-Jan-2020 11:00:00"), n(-2), weekend.clone(), hols.clone(), hours.clone()]
            ),
            "01-Jan-2020 16:00:00"
        );
        // the hours map may come right after the count
        assert_eq!(
            ok(
                "addBusinessHour",
                &[d("06-Jan-2020 16:00:00"), n(2), Value::map_from([("end", t("18"))])]
            ),
            "06-Jan-2020 18:00:00"
        );
        assert_eq!(
            ok(
                "addBusinessHour",
                &[d("10-Jan-2020 16:00:00"), n(2), list(vec![t("Sunday")]), hours.clone()]
            ),
            "11-Jan-2020 11:00:00"
        );
        // defaults: Sat+Sun weekend, 9 to 17
        assert_eq!(
            ok("addBusinessHour", &[d("03-Jan-2020 16:30:00"), n(1)]),
            "06-Jan-2020 09:30:00"
        );
        assert_eq!(
            ok("addBusinessHour", &[d("04-Jan-2020 20:00:00"), n(1)]),
            "06-Jan-2020 10:00:00"
        );
        assert_eq!(
            ok("addBusinessHour", &[d("06-Jan-2020 07:00:00"), Value::Dec(0.1)]),
            "06-Jan-2020 09:01:00"
        );
        assert_eq!(
            ok("addBusinessHour", &[d("06-Jan-2020 09:00:00"), Value::Dec(1.45)]),
            "06-Jan-2020 10:45:00"
        );
        assert_eq!(
            ok("addBusinessHour", &[d("06-Jan-2020 09:00:00"), Value::Dec(-0.5)]),
            "03-Jan-2020 16:55:00"
        );
        assert_eq!(
            ok("addBusinessHour", &[d("06-Jan-2020 09:00:00"), n(0)]),
            "06-Jan-2020 09:00:00"
        );
        assert_eq!(
            ok("addBusinessHour", &[d("06-Jan-2020 09:00:00"), t("8")]),
            "06-Jan-2020 17:00:00"
        );
        let day = Value::map_from([("start", n(0)), ("end", t("24"))]);
        assert_eq!(
            ok(
                "addBusinessHour",
                &[d("06-Jan-2020 23:00:00"), n(2), list(vec![]), Value::Null, day.clone()]
            ),
            "07-Jan-2020 01:00:00"
        );
        assert_eq!(
            ok(
                "addBusinessHour",
                &[d("06-Jan-2020 01:00:00"), n(-2), list(vec![]), Value::Null, day]
            ),
            "05-Jan-2020 23:00:00"
        );
        let backwards = Value::map_from([("start", t("17")), ("end", t("9"))]);
        assert!(bad(
            "addBusinessHour",
            &[start.clone(), n(1), weekend.clone(), hols.clone(), backwards]
        )
        .contains("start before"));
        let silly = Value::map_from([("start", t("ten"))]);
        assert!(bad(
            "addBusinessHour",
            &[start.clone(), n(1), weekend.clone(), hols.clone(), silly]
        )
        .contains("'start'"));
        assert!(bad("addBusinessHour", &[start.clone(), n(1), weekend, hols, n(5)])
            .contains("must be a map"));
        assert!(
            bad("addBusinessHour", &[start.clone(), t("lots")]).contains("not a number of hours")
        );
        assert!(bad("addBusinessHour", &[start, n(i64::MAX)]).contains("too many hours"));
        assert!(bad("addBusinessHour", &[d("06-Jan-2020 09:00:00"), n(i64::MAX / 7200)])
            .contains("too far"));
    }

    #[test]
    fn work_days_lists() {
        assert_eq!(
            ok("workDaysList", &[d("10-Jan-2020"), d("14-Jan-2020")]),
            "10-Jan-2020,13-Jan-2020,14-Jan-2020"
        );
        assert_eq!(
            ok(
                "workDaysList",
                &[
                    t("10-Jan-2020"),
                    t("14-Jan-2020"),
                    list(vec![t("Friday")]),
                    list(vec![d("13-Jan-2020")])
                ]
            ),
            "11-Jan-2020,12-Jan-2020,14-Jan-2020"
        );
        assert_eq!(ok("workDaysList", &[d("14-Jan-2020"), d("10-Jan-2020")]), "");
        assert!(bad("workDaysList", &[d("14-Jan-2020"), t("someday")]).contains("not a valid date"));
        let limits = Limits { max_collection_len: 3, ..Limits::default() };
        let e = invoke(limits, "UTC", 1, "workDaysList", &[d("01-Jan-2020"), d("31-Jan-2020")])
            .expect_err("limit");
        assert!(e.message().contains("exceed"));
    }

    #[test]
    fn differences() {
        assert_eq!(ok("daysBetween", &[d("10-Jan-2020"), t("01-Jan-2020")]), "-9");
        assert_eq!(ok("daysBetween", &[d("01-Jan-2020 23:00:00"), d("02-Jan-2020 01:00:00")]), "0");
        assert_eq!(
            ok("hoursBetween", &[d("01-Jan-2020 10:00:00"), d("02-Jan-2020 11:59:59")]),
            "25"
        );
        assert_eq!(ok("hoursBetween", &[d("10:00:00"), d("13:30:00")]), "3");
        assert_eq!(ok("totalMonths", &[d("31-Jan-2020"), d("29-Feb-2020")]), "0");
        assert_eq!(ok("monthsDiff", &[d("15-Jan-2020"), d("15-Mar-2021")]), "14");
        assert_eq!(ok("totalMonths", &[d("15-Mar-2021"), d("16-Jan-2020")]), "-13");
        assert_eq!(ok("totalYears", &[d("15-Jan-2000"), d("14-Jan-2020")]), "19");
        assert_eq!(ok("yearsDiff", &[d("15-Jan-2000"), d("15-Jan-2020")]), "20");
        assert_eq!(ok("totalYear", &[d("15-Jan-2000"), d("15-Jan-2020 00:00:00")]), "20");
        assert_eq!(ok("totalMonth", &[d("15-Jan-2000"), t("14-Jan-2001")]), "11");
        assert_eq!(ok("yearsBetween", &[d("1-Jan-2020"), d("31-Dec-2020")]), "1");
        assert_eq!(ok("yearsBetween", &[d("1-Jan-2019"), d("31-Dec-2019")]), "0");
        assert_eq!(ok("days360", &[d("31-Dec-1989"), d("01-Jan-1990")]), "1");
        assert_eq!(ok("days360", &[d("01-Jan-2019"), d("31-Jan-2019")]), "30");
        assert_eq!(ok("monthsBetween", &[d("01-Feb-2020"), d("01-Mar-2020")]), "0");
        assert_eq!(
            ok("monthsBetween", &[d("01-Feb-2020 23:00:00"), t("02-Mar-2020 01:00:00")]),
            "1"
        );
        assert_eq!(ok("monthsBetween", &[d("01-Mar-2020"), d("01-Jan-2020")]), "-2");
        assert_eq!(
            ok("yearFraction", &[d("29-Jan-2019"), d("17-Jan-2019")]),
            "-0.03287671232876712"
        );
        let start = t("6-Jan-2020 10:10:12");
        assert_eq!(ok("timeBetween", &[start.clone(), d("7-Jan-2020 11:20:12")]), "25:10");
        assert_eq!(ok("timeBetween", &[start.clone(), d("6-Jan-2020 12:10:12")]), "02");
        assert_eq!(ok("timeBetween", &[start.clone(), d("6-Jan-2020 10:10:17")]), "00:00:05");
        assert_eq!(ok("timeBetween", &[start.clone(), start.clone()]), "00");
        assert_eq!(ok("timeBetween", &[d("10:00:00"), d("11:30:00")]), "01:30");
        assert!(bad("timeBetween", &[start, d("5-Jan-2020")]).contains("greater than"));
        assert!(bad("daysBetween", &[d("5-Jan-2020"), Value::Null]).contains("null"));
        assert!(bad("daysBetween", &[d("5-Jan-2020"), n(5)]).contains("expected a date"));
        assert!(bad("totalYears", &[d("10:00:00"), d("5-Jan-2020")]).contains("no date part"));
    }

    #[test]
    fn parts() {
        let x = d("07-Feb-2021 13:14:15");
        assert_eq!(ok("day", std::slice::from_ref(&x)), "7");
        assert_eq!(ok("getMonth", std::slice::from_ref(&x)), "2");
        assert_eq!(ok("month", std::slice::from_ref(&x)), "2");
        assert_eq!(ok("getYear", std::slice::from_ref(&x)), "2021");
        assert_eq!(ok("year", std::slice::from_ref(&x)), "2021");
        assert_eq!(ok("getHour", std::slice::from_ref(&x)), "13");
        assert_eq!(ok("hour", std::slice::from_ref(&x)), "13");
        assert_eq!(ok("getMinutes", std::slice::from_ref(&x)), "14");
        assert_eq!(ok("minute", std::slice::from_ref(&x)), "14");
        assert_eq!(ok("getSeconds", std::slice::from_ref(&x)), "15");
        assert_eq!(ok("second", std::slice::from_ref(&x)), "15");
        assert_eq!(ok("getDayOfWeek", std::slice::from_ref(&x)), "1");
        assert_eq!(ok("getDayOfYear", std::slice::from_ref(&x)), "38");
        assert_eq!(ok("getWeekOfYear", &[x.clone(), n(2)]), "6");
        assert_eq!(ok("getWeekOfYear", &[d("31-Dec-2020")]), "1");
        assert!(bad("getWeekOfYear", &[x.clone(), t("Someday")]).contains("not a day of the week"));
        assert!(bad("getWeekOfYear", &[x.clone(), n(9)]).contains("not a day of the week"));
        assert_eq!(ok("getDay", &[t("2021-02-07")]), "7");
        assert!(bad("getDay", &[t("garbage")]).contains("not applicable"));
        assert!(bad("getDay", &[n(5)]).contains("not applicable"));
        assert!(bad("getDay", &[Value::Null]).contains("null"));
    }

    #[test]
    fn boundaries() {
        assert_eq!(ok("toStartOfMonth", &[d("15-Mar-2019")]), "01-Mar-2019");
        assert_eq!(ok("toStartOfWeek", &[d("15-Mar-2019")]), "10-Mar-2019");
        assert_eq!(ok("toStartOfWeek", &[d("10-Mar-2019 08:00:00")]), "10-Mar-2019 00:00:00");
        assert_eq!(ok("toStartOfWeek", &[d("10-Mar-2019"), t("Monday")]), "04-Mar-2019");
        assert_eq!(ok("nextWeekDay", &[d("21-Jul-2021"), t("Monday")]), "26-Jul-2021");
        assert_eq!(ok("nextWeekDay", &[d("21-Jul-2021 10:00:00"), t("wednesday")]), "28-Jul-2021");
        assert_eq!(ok("previousWeekDay", &[d("21-Jul-2021"), t("Monday")]), "19-Jul-2021");
        assert_eq!(ok("previousWeekDay", &[d("21-Jul-2021"), t("Wednesday")]), "14-Jul-2021");
        assert!(bad("nextWeekDay", &[d("21-Jul-2021"), t("Blursday")]).contains("Blursday"));
        assert!(
            bad("previousWeekDay", &[d("21-Jul-2021"), Value::Bool(true)]).contains("not a day")
        );
        assert_eq!(ok("eomonth", &[d("15-Jan-2020")]), "31-Jan-2020");
        assert_eq!(ok("eomonth", &[d("15-Jan-2020"), n(1)]), "29-Feb-2020");
        assert_eq!(ok("eomonth", &[d("15-Jan-2020"), n(-2)]), "30-Nov-2019");
        assert!(bad("eomonth", &[d("15-Jan-2020"), n(i64::MAX)]).contains("outside"));
        assert_eq!(ok("edate", &[d("31-Jan-2020 10:00:00"), n(1)]), "29-Feb-2020");
        assert_eq!(ok("edate", &[d("31-Jan-2020"), n(-2)]), "30-Nov-2019");
        assert!(bad("edate", &[d("31-Jan-2020"), n(i64::MIN)]).contains("outside"));
    }

    #[test]
    fn epochs() {
        assert_eq!(ok("unixEpoch", &[d("01-Jan-1970")]), "0");
        // the page's own examples
        assert_eq!(
            ok("unixEpoch", &[t("03-Feb-2020 03:48:12"), t("Asia/Calcutta")]),
            "1580681892000"
        );
        assert_eq!(ok("unixEpoch", &[t("not a date")]), "not a date");
        assert_eq!(
            ok("unixEpoch", &[d("03-Feb-2020 03:48:12"), t("Nowhere/Special")]),
            "1580701692000"
        );
        assert_eq!(
            ok("unixEpoch", &[d("03-Feb-2020 09:18:12"), t("Asia/Kolkata")]),
            "1580701692000"
        );
        assert_eq!(ok("unixEpoch", &[d("03-Feb-2020 09:18:12"), t("GMT+5:30")]), "1580701692000");
        let here =
            run_in("Asia/Kolkata", "unixEpoch", &[d("03-Feb-2020 09:18:12")]).expect("epoch");
        assert_eq!(here.to_display(), "1580701692000");
        assert!(bad("unixEpoch", &[d("10:00:00")]).contains("no date part"));
        assert_eq!(ok("toDateTime", &[n(1580701692000)]), "03-Feb-2020 03:48:12");
        assert_eq!(
            ok("toDateTime", &[n(1580701692000), t("Asia/Kolkata")]),
            "03-Feb-2020 09:18:12"
        );
        assert_eq!(ok("toDate", &[Value::Dec(1580701692000.0)]), "03-Feb-2020");
        assert_eq!(ok("toTime", &[n(0)]), "01-Jan-1970 00:00:00");
        let shown = run_in("America/New_York", "toDateTime", &[n(1580701692000)]).expect("zoned");
        assert_eq!(shown.to_display(), "02-Feb-2020 22:48:12");
        assert!(bad("toDateTime", &[Value::Dec(f64::NAN)]).contains("not a valid epoch"));
        assert!(bad("toDateTime", &[n(i64::MAX)]).contains("not a valid epoch"));
    }

    #[test]
    fn conversions() {
        assert_eq!(ok("toDate", &[t("05,15,2020"), t("MM,d,yyyy")]), "15-May-2020");
        assert_eq!(ok("toDate", &[t("15-Aug-1947 10:00:00")]), "15-Aug-1947");
        assert_eq!(ok("toDate", &[d("15-Aug-1947 10:00:00")]), "15-Aug-1947");
        assert!(bad("toDate", &[t("nonsense")]).contains("not a valid date"));
        assert!(bad("toDate", &[t("10:00:00")]).contains("no date part"));
        assert!(bad("toDate", &[d("10:00:00")]).contains("no date part"));
        assert!(bad("toDate", &[t("2020-13-01"), t("yyyy-MM-dd")]).contains("toDate"));
        assert_eq!(
            ok("toDateTime", &[t("2020-01-31T10:20:30"), t("yyyy-MM-dd'T'HH:mm:ss")]),
            "31-Jan-2020 10:20:30"
        );
        assert_eq!(
            ok(
                "toDateTime",
                &[t("2020-01-31 10:20:30"), t("yyyy-MM-dd HH:mm:ss"), t("Asia/Kolkata")]
            ),
            "31-Jan-2020 04:50:30"
        );
        assert_eq!(
            ok("toDateTime", &[t("2020-01-31 10:20:30"), t("Asia/Kolkata")]),
            "31-Jan-2020 04:50:30"
        );
        assert_eq!(
            ok("toDateTime", &[t("31-Jan-2020"), Value::Null, t("GMT+1")]),
            "30-Jan-2020 23:00:00"
        );
        assert_eq!(ok("toDateTime", &[t("2020-01-31T10:20:30+01:00")]), "31-Jan-2020 09:20:30");
        assert_eq!(ok("toDateTime", &[d("31-Jan-2020")]), "31-Jan-2020 00:00:00");
        assert_eq!(ok("toDateTime", &[t("10:00")]), "15-Jan-2024 10:00:00");
        assert!(bad("toDateTime", &[t("soon")]).contains("not a valid date"));
        assert_eq!(ok("toTime", &[t("10:00 PM")]), "22:00:00");
        assert_eq!(ok("toTime", &[t("10-Mar-2020 10:10:10")]), "10-Mar-2020 10:10:10");
        assert_eq!(ok("toTime", &[t("10.30"), t("HH.mm")]), "10:30:00");
        assert_eq!(ok("toTime", &[d("10-Mar-2020")]), "10-Mar-2020 00:00:00");
        assert_eq!(ok("toTime", &[d("10:00:00")]), "10:00:00");
        assert!(bad("toTime", &[t("later")]).contains("not a valid date"));
    }

    #[test]
    fn formatting() {
        let x = d("03-Jan-2019 15:04:05");
        assert_eq!(ok("toString", std::slice::from_ref(&x)), "03-Jan-2019 15:04:05");
        assert_eq!(ok("toString", &[x.clone(), t("yyyy-MM-dd'T'HH:mm:ss")]), "2019-01-03T15:04:05");
        assert_eq!(
            ok("toString", &[x.clone(), t("MMM dd, yy 'at' hh:mm:ss a, E")]),
            "Jan 03, 19 at 03:04:05 PM, Thu"
        );
        assert_eq!(ok("toString", &[x.clone(), t("HH:mm z"), t("Asia/Kolkata")]), "20:34 IST");
        assert_eq!(
            ok("toString", &[d("03-Jan-2019"), t("dd/MM/yyyy HH:mm"), t("Asia/Kolkata")]),
            "03/01/2019 00:00"
        );
        assert_eq!(ok("toString", &[d("19:00:00"), t("hh:mm a")]), "07:00 PM");
        assert_eq!(ok("toText", &[x.clone(), t("EEEE")]), "Thursday");
        assert_eq!(ok("text", &[x.clone(), t("DDD")]), "003");
        assert_eq!(ok("toString", &[x.clone(), t("dd-mm-yyyy q")]), "null");
        assert!(run("toString", &[x.clone(), t("dd-mm-yyyy q")]).is_ok_and(|v| v.is_null()));
        assert_eq!(
            bad("text", std::slice::from_ref(&x)),
            "No. of arguments mismatches for the function text"
        );
        let zoned = run_in("Asia/Kolkata", "toString", &[x.clone(), t("HH:mm XXX"), t("UTC")])
            .expect("zoned");
        assert_eq!(zoned.to_display(), "09:34 Z");
        assert_eq!(
            ok(
                "toDateTimeString",
                &[n(1580701692000), t("yyyy-MM-dd HH:mm:ss"), t("Asia/Kolkata")]
            ),
            "2020-02-03 09:18:12"
        );
        assert_eq!(ok("toDateTimeString", &[n(1580701692000), t("dd MMM yyyy")]), "03 Feb 2020");
        assert_eq!(
            ok("toDateTimeString", &[x.clone(), t("HH:mm"), t("America/New_York")]),
            "10:04"
        );
        assert_eq!(ok("toDateTimeString", &[d("10:00:00"), t("HH:mm")]), "10:00");
        assert_eq!(ok("toDateTimeString", &[x.clone(), t("Hmm q")]), "null");
        assert!(bad("toDateTimeString", &[x, Value::Null]).contains("null"));
    }

    #[test]
    fn format_helper_for_other_families() {
        let mut host = RecordingHost::default();
        let mut ctx = Ctx::new(&mut host, Limits::default(), "UTC".into(), 1);
        let f = |ctx: &mut Ctx<'_>, v: Value, p: &str, z: Option<&str>| {
            format_with_pattern(ctx, &v, p, z)
                .map(|x| x.to_display())
                .map_err(|e| e.message().to_string())
        };
        assert_eq!(
            f(&mut ctx, n(1580701692000), "yyyy-MM-dd HH:mm", Some("Asia/Kolkata")),
            Ok("2020-02-03 09:18".into())
        );
        assert_eq!(f(&mut ctx, t("03-Feb-2020 03:48:12"), "HH:mm", None), Ok("03:48".into()));
        assert_eq!(f(&mut ctx, d("03-Feb-2020"), "dd/MM", None), Ok("03/02".into()));
        assert_eq!(f(&mut ctx, t("03-Feb-2020"), "qq", None), Ok("null".into()));
        assert!(f(&mut ctx, t("garbage"), "yyyy", None).is_err_and(|m| m.contains("garbage")));
        assert!(f(&mut ctx, Value::Bool(true), "yyyy", None).is_err());
    }

    /// Error cases shared by every row: too many arguments, and a TIME where a
    /// date is needed.
    #[test]
    fn every_row_rejects_bad_calls() {
        let time_ok = [
            "addday",
            "addweek",
            "addmonth",
            "addyear",
            "addhour",
            "addminutes",
            "addseconds",
            "subday",
            "subweek",
            "submonth",
            "subyear",
            "subhour",
            "subminutes",
            "subseconds",
            "gethour",
            "hour",
            "getminutes",
            "minute",
            "getseconds",
            "second",
            "hoursbetween",
            "timebetween",
            "todatetime",
            "totime",
            "todatetimestring",
            "tostring",
            "totext",
            "text",
        ];
        for row in TABLE {
            let mut args = vec![d("15-Mar-2019"); usize::from(row.max) + 2];
            if row.recv == super::super::Recv::Number {
                args[0] = n(0);
            } else if row.recv == super::super::Recv::Text {
                args[0] = t("15-Mar-2019");
            }
            let e = run(row.name, &args).expect_err(row.name);
            assert_eq!(
                e.message(),
                format!("No. of arguments mismatches for the function {}", row.name)
            );
            if row.recv != super::super::Recv::Date || time_ok.contains(&row.name) {
                continue;
            }
            let mut args = vec![d("10:00:00")];
            if row.min > 0 {
                args.push(if row.name.contains("week") && row.name != "getweekofyear" {
                    t("Monday")
                } else {
                    d("15-Mar-2019")
                });
                if row.name.contains("business") || row.name == "workday" || row.name == "edate" {
                    args[1] = n(1);
                }
            }
            let e = run(row.name, &args).expect_err(row.name);
            assert!(
                e.message().contains("TIME value has no date part"),
                "{}: {}",
                row.name,
                e.message()
            );
        }
    }

    /// Every row with odd and extreme arguments: errors are fine, panics are not.
    #[test]
    fn no_panics_on_odd_input() {
        let max = NaiveDateTime::MAX;
        let min = NaiveDateTime::MIN;
        let receivers = [
            Value::Date(max),
            Value::DateTime(max),
            Value::DateTime(min),
            d("29-Feb-2020 23:59:59"),
            d("23:59:59"),
            t("31-Dec-9999 23:59:59"),
            t("é-Aug-1947"),
            n(i64::MAX),
            n(i64::MIN),
            Value::Dec(-1e300),
        ];
        let extras = [
            n(i64::MAX),
            n(i64::MIN),
            n(-1),
            Value::Dec(f64::INFINITY),
            Value::Dec(1e-9),
            t("yyyy-MM-dd'T'HH:mm:ss.SSS z Z X XX XXX zzzz EEEE G w W D F u k K"),
            t("Pacific/Kiritimati"),
            t("GMT-18:00"),
            t("'"),
            t("é"),
            Value::Null,
            list(vec![n(99), t("é")]),
            Value::map_from([("start", n(-5)), ("end", n(99))]),
        ];
        let names: Vec<&str> = TABLE.iter().map(|b| b.name).collect();
        for name in names {
            for r in &receivers {
                let _ = run(name, std::slice::from_ref(r));
                for a in &extras {
                    let _ = run(name, &[r.clone(), a.clone()]);
                    let _ = run_in(
                        "Pacific/Kiritimati",
                        name,
                        &[r.clone(), a.clone(), t("America/St_Johns")],
                    );
                    let _ = run(name, &[r.clone(), n(3), a.clone(), a.clone()]);
                }
            }
        }
    }

    #[test]
    fn literal_parse_entry_point() {
        assert_eq!(parse_text("15-Aug-1947").map(|v| v.to_display()), Some("15-Aug-1947".into()));
        assert_eq!(parse_text("06:00:00 PM").map(|v| v.to_display()), Some("18:00:00".into()));
        assert_eq!(
            parse_text("2020-01-31T10:00:00+05:30").map(|v| v.to_display()),
            Some("31-Jan-2020 04:30:00".into())
        );
        assert_eq!(parse_text("15-Aug-1947 12:00:00").map(|v| v.ty()), Some(crate::Type::DateTime));
        assert!(parse_text("Hello world").is_none());
        assert_eq!(
            parse_text_in("2020-01-31T10:00:00Z", "Asia/Kolkata").map(|v| v.to_display()),
            Some("31-Jan-2020 15:30:00".into())
        );
    }
}
