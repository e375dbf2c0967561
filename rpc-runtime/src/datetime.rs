//! `DateTime`: the naive date and time of `<dateTime.iso8601>`.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// The name serde sees for a [`DateTime`]: the XML-RPC serializer and deserializer look for
/// it to write and read `<dateTime.iso8601>`; other formats see a plain string.
pub(crate) const DATETIME_TOKEN: &str = "$rpc_runtime::DateTime";

/// A date and time without a time zone, as XML-RPC's `dateTime.iso8601` carries it.
///
/// The spec gives no zone ("don't assume a timezone"), so neither does this type: it is the
/// wall-clock time the peer wrote. It is written in the one form every peer reads,
/// `YYYYMMDDTHH:MM:SS` (Python's `datetime` parser accepts nothing else), and read in the
/// forms peers send:
///
/// * compact `19980717T14:08:55` and dashed `1998-07-17T14:08:55`;
/// * with fractional seconds (`.123`), which are dropped;
/// * with a zone suffix (`Z`, `+02:00`, `-0500`), which is dropped: the value stays the
///   wall-clock time as written, as Python does when it writes an aware `datetime`;
/// * with surrounding whitespace.
///
/// ```
/// use rpc_runtime::DateTime;
/// let dt: DateTime = "1998-07-17T14:08:55Z".parse().unwrap();
/// assert_eq!(dt, DateTime::new(1998, 7, 17, 14, 8, 55).unwrap());
/// assert_eq!(dt.to_string(), "19980717T14:08:55");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

impl DateTime {
    /// A date and time, or `None` when a field is out of range (year 0..=9999, a real
    /// calendar day, hour 0..=23, minute 0..=59, second 0..=60 to admit a leap second).
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        if year > 9999
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        Some(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// The year, 0 ..= 9999.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The month, 1 ..= 12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month, 1 ..= 31.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// The hour, 0 ..= 23.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// The minute, 0 ..= 59.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// The second, 0 ..= 60.
    pub fn second(&self) -> u8 {
        self.second
    }

    /// Writes the wire form `YYYYMMDDTHH:MM:SS` (17 bytes) into `out`.
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        fn two(out: &mut Vec<u8>, v: u8) {
            out.push(b'0' + v / 10);
            out.push(b'0' + v % 10);
        }
        let y = self.year;
        out.push(b'0' + (y / 1000) as u8);
        out.push(b'0' + (y / 100 % 10) as u8);
        out.push(b'0' + (y / 10 % 10) as u8);
        out.push(b'0' + (y % 10) as u8);
        two(out, self.month);
        two(out, self.day);
        out.push(b'T');
        two(out, self.hour);
        out.push(b':');
        two(out, self.minute);
        out.push(b':');
        two(out, self.second);
    }

    /// Parses the forms listed on the type.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = || {
            Error::new(
                ErrorKind::Type,
                format!("invalid dateTime.iso8601 `{}`", truncate(text)),
            )
        };
        let s = text
            .trim_matches(|c: char| c.is_ascii_whitespace())
            .as_bytes();
        let mut p = Cursor { s, i: 0 };
        let year = p.digits(4).ok_or_else(bad)? as u16;
        let dashed = p.eat(b'-');
        let month = p.digits(2).ok_or_else(bad)? as u8;
        if dashed && !p.eat(b'-') {
            return Err(bad());
        }
        let day = p.digits(2).ok_or_else(bad)? as u8;
        if !p.eat(b'T') && !p.eat(b't') && !p.eat(b' ') {
            return Err(bad());
        }
        let hour = p.digits(2).ok_or_else(bad)? as u8;
        let colons = p.eat(b':');
        let minute = p.digits(2).ok_or_else(bad)? as u8;
        if colons && !p.eat(b':') {
            return Err(bad());
        }
        let second = p.digits(2).ok_or_else(bad)? as u8;
        if p.eat(b'.') || p.eat(b',') {
            let start = p.i;
            while p.i < s.len() && s[p.i].is_ascii_digit() {
                p.i += 1;
            }
            if p.i == start {
                return Err(bad());
            }
        }
        // A zone suffix: Z, or +hh, +hhmm, +hh:mm (and the same with '-').
        if p.eat(b'Z') || p.eat(b'z') {
        } else if p.eat(b'+') || p.eat(b'-') {
            p.digits(2).ok_or_else(bad)?;
            if p.i < s.len() {
                p.eat(b':');
                p.digits(2).ok_or_else(bad)?;
            }
        }
        if p.i != s.len() {
            return Err(bad());
        }
        DateTime::new(year, month, day, hour, minute, second).ok_or_else(bad)
    }
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(64) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn digits(&mut self, n: usize) -> Option<u32> {
        let part = self.s.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for &b in part {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(b - b'0');
        }
        self.i += n;
        Some(v)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl FromStr for DateTime {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        DateTime::parse(s)
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = Vec::with_capacity(17);
        self.write_to(&mut buf);
        // The bytes are ASCII digits, 'T' and ':'.
        let text = std::str::from_utf8(&buf).map_err(serde::ser::Error::custom)?;
        serializer.serialize_newtype_struct(DATETIME_TOKEN, text)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a dateTime.iso8601")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime, E> {
                DateTime::parse(v).map_err(E::custom)
            }
            fn visit_newtype_struct<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<DateTime, D::Error> {
                d.deserialize_str(self)
            }
        }
        deserializer.deserialize_newtype_struct(DATETIME_TOKEN, V)
    }
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::DateTime;
    use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

    impl From<DateTime> for NaiveDateTime {
        fn from(d: DateTime) -> Self {
            // A leap second maps to 59 seconds plus one second of nanoseconds, chrono's form.
            let (sec, nano) = if d.second == 60 {
                (59, 1_000_000_000)
            } else {
                (d.second, 0)
            };
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .and_then(|date| {
                    date.and_hms_nano_opt(
                        u32::from(d.hour),
                        u32::from(d.minute),
                        u32::from(sec),
                        nano,
                    )
                })
                .expect("DateTime fields are validated on construction")
        }
    }

    impl TryFrom<NaiveDateTime> for DateTime {
        type Error = crate::Error;
        /// Fails for years outside 0 ..= 9999; sub-second precision is dropped.
        fn try_from(d: NaiveDateTime) -> Result<Self, crate::Error> {
            let year = u16::try_from(d.year()).ok();
            let leap = d.nanosecond() >= 1_000_000_000;
            year.and_then(|y| {
                DateTime::new(
                    y,
                    d.month() as u8,
                    d.day() as u8,
                    d.hour() as u8,
                    d.minute() as u8,
                    d.second() as u8 + u8::from(leap),
                )
            })
            .ok_or_else(|| {
                crate::Error::new(
                    crate::ErrorKind::Encode,
                    format!("{d} is outside the years 0..=9999 of dateTime.iso8601"),
                )
            })
        }
    }
}

#[cfg(feature = "time")]
mod time_impls {
    use super::DateTime;
    use time::{Date, Month, PrimitiveDateTime, Time};

    impl From<DateTime> for PrimitiveDateTime {
        fn from(d: DateTime) -> Self {
            let month = Month::try_from(d.month).expect("validated month");
            let date =
                Date::from_calendar_date(i32::from(d.year), month, d.day).expect("validated date");
            let time = Time::from_hms(d.hour, d.minute, d.second.min(59)).expect("validated time");
            PrimitiveDateTime::new(date, time)
        }
    }

    impl TryFrom<PrimitiveDateTime> for DateTime {
        type Error = crate::Error;
        /// Fails for years outside 0 ..= 9999; sub-second precision is dropped.
        fn try_from(d: PrimitiveDateTime) -> Result<Self, crate::Error> {
            u16::try_from(d.year())
                .ok()
                .and_then(|y| {
                    DateTime::new(
                        y,
                        d.month() as u8,
                        d.day(),
                        d.hour(),
                        d.minute(),
                        d.second(),
                    )
                })
                .ok_or_else(|| {
                    crate::Error::new(
                        crate::ErrorKind::Encode,
                        format!("{d} is outside the years 0..=9999 of dateTime.iso8601"),
                    )
                })
        }
    }
}

#[cfg(feature = "jiff")]
mod jiff_impls {
    use super::DateTime;
    use jiff::civil;

    impl From<DateTime> for civil::DateTime {
        fn from(d: DateTime) -> Self {
            civil::DateTime::new(
                d.year as i16,
                d.month as i8,
                d.day as i8,
                d.hour as i8,
                d.minute as i8,
                d.second.min(59) as i8,
                0,
            )
            .expect("validated fields")
        }
    }

    impl TryFrom<civil::DateTime> for DateTime {
        type Error = crate::Error;
        /// Fails for years outside 0 ..= 9999; sub-second precision is dropped.
        fn try_from(d: civil::DateTime) -> Result<Self, crate::Error> {
            u16::try_from(d.year())
                .ok()
                .and_then(|y| {
                    DateTime::new(
                        y,
                        d.month() as u8,
                        d.day() as u8,
                        d.hour() as u8,
                        d.minute() as u8,
                        d.second() as u8,
                    )
                })
                .ok_or_else(|| {
                    crate::Error::new(
                        crate::ErrorKind::Encode,
                        format!("{d} is outside the years 0..=9999 of dateTime.iso8601"),
                    )
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_peers_send() {
        let want = DateTime::new(1998, 7, 17, 14, 8, 55).unwrap();
        for s in [
            "19980717T14:08:55",
            "1998-07-17T14:08:55",
            "19980717T14:08:55Z",
            "19980717T14:08:55+02:00",
            "19980717T14:08:55-0500",
            "19980717T14:08:55.123",
            "1998-07-17T14:08:55.123456Z",
            " 19980717T14:08:55\n",
            "19980717T140855",
        ] {
            assert_eq!(DateTime::parse(s).unwrap(), want, "{s}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "1998",
            "19980717",
            "19981317T14:08:55",
            "19980230T14:08:55",
            "19980717T24:08:55",
            "19980717T14:08:55junk",
            "1998-0717T14:08:55",
            "19980717T14:08:55.",
            "19980717T14:08:55+",
        ] {
            assert!(DateTime::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn writes_compact_form_with_padded_year() {
        let dt = DateTime::new(5, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(dt.to_string(), "00050102T03:04:05");
        let mut buf = Vec::new();
        dt.write_to(&mut buf);
        assert_eq!(buf, b"00050102T03:04:05");
    }
    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_round_trip() {
        let dt = DateTime::new(1998, 7, 17, 14, 8, 55).unwrap();
        let naive = chrono::NaiveDateTime::from(dt);
        assert_eq!(naive.to_string(), "1998-07-17 14:08:55");
        assert_eq!(DateTime::try_from(naive).unwrap(), dt);
        let far = chrono::NaiveDate::from_ymd_opt(10_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert!(DateTime::try_from(far).is_err());
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_round_trip() {
        let dt = DateTime::new(2020, 2, 29, 3, 4, 5).unwrap();
        let p = time::PrimitiveDateTime::from(dt);
        assert_eq!((p.year(), p.day(), p.hour(), p.second()), (2020, 29, 3, 5));
        assert_eq!(DateTime::try_from(p).unwrap(), dt);
    }

    #[cfg(feature = "jiff")]
    #[test]
    fn jiff_round_trip() {
        let dt = DateTime::new(1, 12, 31, 23, 59, 59).unwrap();
        let civil = jiff::civil::DateTime::from(dt);
        assert_eq!(civil.to_string(), "0001-12-31T23:59:59");
        assert_eq!(DateTime::try_from(civil).unwrap(), dt);
        assert!(DateTime::try_from(jiff::civil::date(-5, 1, 1).at(0, 0, 0, 0)).is_err());
    }
}
