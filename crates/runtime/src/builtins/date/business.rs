//! Business days and hours: `addBusinessDay`, `subBusinessDay`, `workday`,
//! `addBusinessHour`, `workDaysList`.

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::parse::weekday_from_name;
use super::zone::Zone;
use crate::error::{fail, Result};
use crate::Value;

/// Which days are worked: a weekend (indexed from Sunday) and sorted holidays.
#[derive(Debug, Clone)]
pub(crate) struct Calendar {
    weekend: [bool; 7],
    holidays: Vec<NaiveDate>,
}

impl Calendar {
    pub(crate) fn is_workday(&self, d: NaiveDate) -> bool {
        use chrono::Datelike;
        !self.weekend[d.weekday().num_days_from_sunday() as usize]
            && self.holidays.binary_search(&d).is_err()
    }

    fn workdays_per_week(&self) -> i64 {
        self.weekend.iter().filter(|w| !**w).count() as i64
    }

    /// Reads the optional weekend list at `args[at]` and holiday list at
    /// `args[at + 1]`. A list of dates given where the weekends belong (and no
    /// holiday list) is taken as the holidays.
    pub(crate) fn from_args(args: &[Value], at: usize, name: &str) -> Result<Calendar> {
        let mut weekend_arg = args.get(at);
        let mut holiday_arg = args.get(at + 1);
        if holiday_arg.is_none() && weekend_arg.is_some_and(looks_like_dates) {
            holiday_arg = weekend_arg;
            weekend_arg = None;
        }
        let weekend = match weekend_arg {
            None | Some(Value::Null) => [true, false, false, false, false, false, true],
            Some(v) => weekend_days(v, name)?,
        };
        if weekend.iter().all(|w| *w) {
            return fail(format!("{name}: every day of the week is a weekend day"));
        }
        let mut holidays = match holiday_arg {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::List(items)) => {
                items.borrow().iter().map(|v| holiday(v, name)).collect::<Result<Vec<_>>>()?
            }
            Some(v) => vec![holiday(v, name)?],
        };
        holidays.sort_unstable();
        holidays.dedup();
        Ok(Calendar { weekend, holidays })
    }

    /// The first holiday after `d` (dir 1) or before it (dir -1).
    fn next_holiday(&self, d: NaiveDate, dir: i64) -> Option<NaiveDate> {
        let i = self.holidays.partition_point(|h| *h <= d);
        if dir > 0 {
            self.holidays.get(i).copied()
        } else {
            let j = self.holidays.partition_point(|h| *h < d);
            j.checked_sub(1).and_then(|k| self.holidays.get(k)).copied()
        }
    }
}

fn looks_like_dates(v: &Value) -> bool {
    match v {
        Value::List(items) => {
            let items = items.borrow();
            !items.is_empty()
                && items.iter().all(|x| match x {
                    Value::Date(_) | Value::DateTime(_) => true,
                    Value::Text(s) => {
                        weekday_from_name(s).is_none() && super::parse_text(s).is_some()
                    }
                    _ => false,
                })
        }
        Value::Date(_) | Value::DateTime(_) => true,
        _ => false,
    }
}

fn weekend_days(v: &Value, name: &str) -> Result<[bool; 7]> {
    let mut days = [false; 7];
    let mut mark = |x: &Value| -> Result<()> {
        let idx = match x {
            Value::Text(s) => weekday_from_name(s),
            Value::Int(n) if (1..=7).contains(n) => u32::try_from(n - 1).ok(),
            _ => None,
        };
        match idx {
            Some(i) => {
                days[i as usize] = true;
                Ok(())
            }
            None => fail(format!("{name}: '{}' is not a day of the week", x.to_display())),
        }
    };
    match v {
        Value::List(items) => {
            for x in items.borrow().iter() {
                mark(x)?;
            }
        }
        Value::Text(s) => {
            for part in s.split(',').filter(|p| !p.trim().is_empty()) {
                mark(&Value::text(part.trim()))?;
            }
        }
        other => mark(other)?,
    }
    Ok(days)
}

fn holiday(v: &Value, name: &str) -> Result<NaiveDate> {
    match v {
        Value::Date(d) | Value::DateTime(d) => Ok(d.date()),
        Value::Text(s) => match super::parse::parse_literal(s, &Zone::gmt()) {
            Some(Value::Date(d) | Value::DateTime(d)) => Ok(d.date()),
            _ => fail(format!("{name}: holiday '{s}' is not a date")),
        },
        other => fail(format!("{name}: holiday '{}' is not a date", other.to_display())),
    }
}

fn out_of_range<T>(name: &str) -> Result<T> {
    fail(format!("{name}: the result is outside the supported date range"))
}

/// Moves `n` business days forward (dir 1) or backward (dir -1) from `start`;
/// `n <= 0` returns `start` unchanged, as Zoho documents for negative counts.
pub(crate) fn shift_business_days(
    start: NaiveDate,
    n: i64,
    dir: i64,
    cal: &Calendar,
    name: &str,
) -> Result<NaiveDate> {
    if n <= 0 {
        return Ok(start);
    }
    let per_week = cal.workdays_per_week();
    let mut d = start;
    let mut remaining = n;
    loop {
        if remaining > per_week {
            // Skip whole weeks that hold no holiday: each has exactly `per_week` workdays.
            let wanted = (remaining - 1) / per_week;
            let room = match cal.next_holiday(d, dir) {
                Some(h) => ((h - d).num_days().abs() - 1) / 7,
                None => i64::MAX,
            };
            let k = wanted.min(room);
            if k > 0 {
                let days = k.checked_mul(7).and_then(|x| u64::try_from(x).ok());
                let next = days.and_then(|x| {
                    if dir > 0 {
                        d.checked_add_days(Days::new(x))
                    } else {
                        d.checked_sub_days(Days::new(x))
                    }
                });
                match next {
                    Some(x) => d = x,
                    None => return out_of_range(name),
                }
                remaining -= k * per_week;
                continue;
            }
        }
        let next = if dir > 0 { d.succ_opt() } else { d.pred_opt() };
        match next {
            Some(x) => d = x,
            None => return out_of_range(name),
        }
        if cal.is_workday(d) {
            remaining -= 1;
            if remaining == 0 {
                return Ok(d);
            }
        }
    }
}

/// Every workday from `start` to `end`, both included; empty when end < start.
pub(crate) fn workdays_between(
    start: NaiveDate,
    end: NaiveDate,
    cal: &Calendar,
    max_len: usize,
    name: &str,
) -> Result<Vec<NaiveDate>> {
    let mut out = Vec::new();
    let mut d = start;
    while d <= end {
        if cal.is_workday(d) {
            if out.len() >= max_len {
                return fail(format!("{name}: the list would exceed {max_len} elements"));
            }
            out.push(d);
        }
        match d.succ_opt() {
            Some(x) => d = x,
            None => break,
        }
    }
    Ok(out)
}

/// Business hours of a day, in seconds from midnight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hours {
    pub open: u32,
    pub close: u32,
}

impl Hours {
    pub(crate) const DEFAULT: Hours = Hours { open: 9 * 3600, close: 17 * 3600 };

    /// `{"start":"10","end":"17"}` (hours, 24-hour clock; `"9:30"` also read).
    pub(crate) fn from_arg(v: Option<&Value>, name: &str) -> Result<Hours> {
        let map = match v {
            None | Some(Value::Null) => return Ok(Hours::DEFAULT),
            Some(Value::Map(m)) => m.borrow().clone(),
            Some(other) => {
                return fail(format!(
                    "{name}: business hours must be a map like {{\"start\":\"9\",\"end\":\"17\"}}, not {}",
                    other.to_display()
                ))
            }
        };
        let get = |key: &str, default: u32| -> Result<u32> {
            match map.get(&Value::text(key)) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => parse_hour(v).ok_or_else(|| {
                    crate::error::RuntimeError::new(format!(
                        "{name}: business hour '{key}' must be an hour from 0 to 24, not '{}'",
                        v.to_display()
                    ))
                }),
            }
        };
        let hours = Hours {
            open: get("start", Hours::DEFAULT.open)?,
            close: get("end", Hours::DEFAULT.close)?,
        };
        if hours.open >= hours.close {
            return fail(format!("{name}: business hours must start before they end"));
        }
        Ok(hours)
    }
}

fn parse_hour(v: &Value) -> Option<u32> {
    let secs = match v {
        Value::Int(n) if (0..=24).contains(n) => u32::try_from(*n).ok()? * 3600,
        Value::Text(s) => {
            let s = s.trim();
            let (h, m) = s.split_once(':').unwrap_or((s, "0"));
            let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
            if m > 59 {
                return None;
            }
            h.checked_mul(3600)?.checked_add(m * 60)?
        }
        _ => return None,
    };
    (secs <= 24 * 3600).then_some(secs)
}

fn at(d: NaiveDate, secs: u32) -> Option<NaiveDateTime> {
    if secs >= 24 * 3600 {
        return d.succ_opt().map(|n| n.and_time(NaiveTime::MIN));
    }
    NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).map(|t| d.and_time(t))
}

/// Adds (or, for negative `secs`, subtracts) working time, counted only inside
/// business hours on workdays.
pub(crate) fn shift_business_time(
    start: NaiveDateTime,
    secs: i64,
    cal: &Calendar,
    hours: Hours,
    name: &str,
) -> Result<NaiveDateTime> {
    let mut rem = secs.unsigned_abs();
    if rem == 0 {
        return Ok(start);
    }
    let (open, close) = (hours.open, hours.close);
    let mut day = start.date();
    let mut t = start.num_seconds_from_midnight();
    for _ in 0..5_000_000 {
        let next = if secs > 0 {
            if cal.is_workday(day) && t < close {
                let from = t.max(open);
                let avail = u64::from(close - from);
                if rem <= avail {
                    let secs = from + u32::try_from(rem).unwrap_or(0);
                    return at(day, secs).map_or_else(|| out_of_range(name), Ok);
                }
                rem -= avail;
            }
            t = open;
            day.succ_opt()
        } else {
            if cal.is_workday(day) && t > open {
                let from = t.min(close);
                let avail = u64::from(from - open);
                if rem <= avail {
                    let secs = from - u32::try_from(rem).unwrap_or(0);
                    return at(day, secs).map_or_else(|| out_of_range(name), Ok);
                }
                rem -= avail;
            }
            t = close;
            day.pred_opt()
        };
        match next {
            Some(d) => day = d,
            None => return out_of_range(name),
        }
    }
    fail(format!("{name}: the result is too far away"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(start: NaiveDate, n: i64, dir: i64, cal: &Calendar) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = if dir > 0 { d.succ_opt() } else { d.pred_opt() }.expect("in range");
            if cal.is_workday(d) {
                left -= 1;
            }
        }
        d
    }

    #[test]
    fn week_skipping_matches_day_by_day() {
        let base = NaiveDate::from_ymd_opt(2019, 12, 20).expect("date");
        let holidays: Vec<NaiveDate> = [3, 17, 18, 40, 41, 42, 95, 200]
            .iter()
            .filter_map(|k| base.checked_add_days(Days::new(*k)))
            .collect();
        let before: Vec<NaiveDate> =
            holidays.iter().filter_map(|h| h.checked_sub_days(Days::new(250))).collect();
        let weekends = [
            [true, false, false, false, false, false, true],
            [true, false, false, false, false, false, false],
            [false; 7],
            [true, true, true, true, true, true, false],
        ];
        for weekend in weekends {
            let mut all = holidays.clone();
            all.extend(before.iter().copied());
            all.sort_unstable();
            let cal = Calendar { weekend, holidays: all };
            for offset in 0..9u64 {
                let start = base.checked_add_days(Days::new(offset)).expect("date");
                for n in [0, 1, 2, 5, 6, 7, 13, 30, 61, 150, 400] {
                    for dir in [1, -1] {
                        let fast = shift_business_days(start, n, dir, &cal, "t").expect("shift");
                        assert_eq!(
                            fast,
                            naive(start, n, dir, &cal),
                            "start {start} n {n} dir {dir} {weekend:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn calendar_arguments() {
        let args = [Value::Null, Value::Int(1), Value::text("sat, sun"), Value::text("2020-01-01")];
        let cal = Calendar::from_args(&args, 2, "t").expect("calendar");
        assert!(!cal.is_workday(NaiveDate::from_ymd_opt(2020, 1, 1).expect("date")));
        assert!(!cal.is_workday(NaiveDate::from_ymd_opt(2020, 1, 4).expect("date")));
        assert!(cal.is_workday(NaiveDate::from_ymd_opt(2020, 1, 2).expect("date")));
        let bad = [Value::Null, Value::Int(1), Value::Bool(true)];
        assert!(Calendar::from_args(&bad, 2, "t").is_err());
        let bad_holiday = [Value::Null, Value::Int(1), Value::Null, Value::Int(5)];
        assert!(Calendar::from_args(&bad_holiday, 2, "t").is_err());
        assert!(Hours::from_arg(Some(&Value::map_from([("end", Value::text("25"))])), "t").is_err());
        assert!(
            Hours::from_arg(Some(&Value::map_from([("end", Value::text("9:75"))])), "t").is_err()
        );
        let h = Hours::from_arg(Some(&Value::map_from([("start", Value::text("9:30"))])), "t")
            .expect("hours");
        assert_eq!((h.open, h.close), (9 * 3600 + 1800, 17 * 3600));
    }
}
