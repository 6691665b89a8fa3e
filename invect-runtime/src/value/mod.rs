//! How each supported Rust type is bound and decoded, per dialect.
//!
//! One trait per dialect (in that dialect's file) does the work; [`Value`]
//! is any type all three know. Storage follows DESIGN.md's mapping: on SQLite
//! dates are ISO-8601 text with milliseconds and UUIDs hyphenated text.

mod check;
mod list;
mod mysql;
mod postgres;
mod sqlite;

pub use check::{CheckValue, DATE_YEARS, MAX_JSON_DEPTH};
pub use list::ListElement;
pub(crate) use list::ListParam;

pub use mysql::MySqlValue;
pub use postgres::PgValue;
pub use sqlite::SqliteValue;

use chrono::{DateTime, Datelike, SubsecRound, Timelike, Utc};

pub use crate::error::BoxDynError;

/// A Rust type that can be a column value on every dialect.
pub trait Value:
    SqliteValue + PgValue + MySqlValue + CheckValue + ListElement + Send + Sync
{
}
impl<T: SqliteValue + PgValue + MySqlValue + CheckValue + ListElement + Send + Sync> Value for T {}

/// Dates are stored with millisecond precision everywhere; truncating before
/// binding makes every dialect store (and read back) the same instant.
pub(crate) fn to_millis(dt: &DateTime<Utc>) -> DateTime<Utc> {
    dt.trunc_subsecs(3)
}

/// The text form of a date on SQLite, truncated to the millisecond as
/// [`to_millis`] does: `2026-01-02T03:04:05.678Z`. Written digit by digit (a
/// bulk insert writes two per row, and chrono's `format` reads its pattern
/// each time); chrono's `format` takes years outside 0–9999 and leap seconds.
pub(crate) fn date_text(dt: &DateTime<Utc>) -> String {
    let (n, millis) = (dt.naive_utc(), dt.timestamp_subsec_millis());
    let year = u32::try_from(n.year()).unwrap_or(u32::MAX);
    if year > 9999 || millis > 999 {
        return dt.format(date_text_pattern()).to_string();
    }
    let mut text = *b"0000-00-00T00:00:00.000Z";
    let fields = [
        (0..4, year),
        (5..7, n.month()),
        (8..10, n.day()),
        (11..13, n.hour()),
        (14..16, n.minute()),
        (17..19, n.second()),
        (20..23, millis),
    ];
    for (at, value) in fields {
        write_digits(&mut text[at], value);
    }
    // Always ASCII digits and separators, so never the fallback.
    String::from_utf8(text.to_vec()).unwrap_or_else(|_| dt.format(date_text_pattern()).to_string())
}

/// The pattern [`date_text`] writes: SQLite's stored form, as its dialect
/// names it (the unit test below holds the two to the same text).
fn date_text_pattern() -> &'static str {
    invect_schema::DialectKind::Sqlite
        .dialect()
        .date_text_format()
}

/// The last `slot.len()` decimal digits of `n` into `slot`, zero-padded.
fn write_digits(slot: &mut [u8], mut n: u32) {
    for digit in slot.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Parses a date written by Invect, by SQLite's `strftime`, or by
/// `CURRENT_TIMESTAMP` (`2026-01-02 03:04:05`, taken as UTC).
pub(crate) fn parse_date_text(s: &str) -> Result<DateTime<Utc>, BoxDynError> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.with_timezone(&Utc));
    }
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .map_err(|e| format!("{s:?} is not an ISO-8601 date: {e}"))?;
    Ok(naive.and_utc())
}

/// A Rust enum stored as one of its variant names (derive it with
/// `#[derive(InvectEnum)]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an InvectEnum",
    label = "an `enum` column needs a type with #[derive(InvectEnum)]",
    note = "derive it on a fieldless enum: #[derive(InvectEnum)]"
)]
pub trait InvectEnum: Sized + Send + Sync + 'static {
    /// The stored names, in declaration order.
    const VARIANTS: &'static [&'static str];
    /// The enum type's name (PostgreSQL `CREATE TYPE`): the Rust name in snake_case.
    const TYPE_NAME: &'static str;
    /// The enum type as schema metadata.
    const ENUM_DEF: invect_schema::EnumDef;
    fn as_str(&self) -> &'static str;
    fn from_str(s: &str) -> Option<Self>;
}

/// Decodes a stored enum name, naming the bad value if it is not a variant.
pub(crate) fn enum_from_str<E: InvectEnum>(s: &str) -> Result<E, BoxDynError> {
    E::from_str(s).ok_or_else(|| {
        format!(
            "{s:?} is not a value of enum `{}` (expected one of {:?})",
            E::TYPE_NAME,
            E::VARIANTS
        )
        .into()
    })
}

/// Implements the three dialect traits for a `#[derive(InvectEnum)]` type.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_enum_value {
    ($ty:ty) => {
        impl $crate::value::CheckValue for $ty {}
        impl $crate::value::ListElement for $ty {
            fn list_element(
                &self,
                _d: &dyn $crate::__private::invect_schema::Dialect,
            ) -> ::core::option::Option<$crate::__private::serde_json::Value> {
                ::core::option::Option::Some($crate::__private::serde_json::Value::String(
                    <$ty as $crate::InvectEnum>::as_str(self).into(),
                ))
            }
        }
        impl $crate::value::SqliteValue for $ty {
            fn bind_sqlite(
                &self,
                a: &mut $crate::__private::SqliteArguments,
            ) -> $crate::value::BindResult {
                $crate::__private::Arguments::add(a, <$ty as $crate::InvectEnum>::as_str(self))
            }
            fn bind_null_sqlite(
                a: &mut $crate::__private::SqliteArguments,
            ) -> $crate::value::BindResult {
                $crate::__private::Arguments::add(a, None::<&str>)
            }
            fn decode_sqlite(
                row: &$crate::__private::SqliteRow,
                i: usize,
            ) -> Result<Self, $crate::__private::SqlxError> {
                $crate::value::decode_enum_sqlite(row, i)
            }
        }
        impl $crate::value::PgValue for $ty {
            fn bind_pg(&self, a: &mut $crate::__private::PgArguments) -> $crate::value::BindResult {
                $crate::__private::Arguments::add(a, <$ty as $crate::InvectEnum>::as_str(self))
            }
            fn bind_null_pg(a: &mut $crate::__private::PgArguments) -> $crate::value::BindResult {
                $crate::__private::Arguments::add(a, None::<&str>)
            }
            fn decode_pg(
                row: &$crate::__private::PgRow,
                i: usize,
            ) -> Result<Self, $crate::__private::SqlxError> {
                $crate::value::decode_enum_pg(row, i)
            }
            fn copy_pg(&self, buf: &mut ::std::vec::Vec<u8>) -> $crate::value::BindResult {
                $crate::value::copy_enum_pg(<$ty as $crate::InvectEnum>::as_str(self), buf)
            }
        }
        impl $crate::value::MySqlValue for $ty {
            fn bind_mysql(
                &self,
                a: &mut $crate::__private::MySqlArguments,
            ) -> $crate::value::BindResult {
                $crate::__private::Arguments::add(a, <$ty as $crate::InvectEnum>::as_str(self))
            }
            fn bind_null_mysql(
                a: &mut $crate::__private::MySqlArguments,
            ) -> $crate::value::BindResult {
                $crate::__private::Arguments::add(a, None::<&str>)
            }
            fn decode_mysql(
                row: &$crate::__private::MySqlRow,
                i: usize,
            ) -> Result<Self, $crate::__private::SqlxError> {
                $crate::value::decode_enum_mysql(row, i)
            }
        }
    };
}

pub use mysql::decode_enum_mysql;
pub use postgres::{copy_enum_pg, decode_enum_pg};
pub use sqlite::decode_enum_sqlite;

/// What binding one value returns.
pub type BindResult = Result<(), BoxDynError>;

/// A decode error for column `i`.
pub(crate) fn decode_error(i: usize, source: BoxDynError) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: format!("{i}"),
        source,
    }
}

/// Implements a dialect trait for `Option<T>`: NULL when `None`.
macro_rules! impl_option {
    ($trait:ident, $bind:ident, $null:ident, $decode:ident, $args:ty, $row:ty $(, $extra:item)*) => {
        impl<T: $trait> $trait for Option<T> {
            $($extra)*
            fn $bind(&self, a: &mut $args) -> $crate::value::BindResult {
                match self {
                    Some(v) => v.$bind(a),
                    None => T::$null(a),
                }
            }
            fn $null(a: &mut $args) -> $crate::value::BindResult {
                T::$null(a)
            }
            fn $decode(row: &$row, i: usize) -> Result<Self, sqlx::Error> {
                use sqlx::{Row, ValueRef};
                if row.try_get_raw(i)?.is_null() {
                    Ok(None)
                } else {
                    T::$decode(row, i).map(Some)
                }
            }
        }
    };
}
pub(crate) use impl_option;

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    use super::{date_text, date_text_pattern};

    /// The digit-by-digit form is chrono's, on the edges of every field.
    #[test]
    fn date_text_is_chronos_format() {
        let dates = [
            Utc.with_ymd_and_hms(1000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 12, 3, 7, 5, 9).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-44, 3, 15, 12, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(12, 3, 4, 5, 6, 7).unwrap(),
        ];
        let millis = [0, 7, 42, 678, 999];
        for (d, ms) in dates.iter().flat_map(|d| millis.map(|ms| (d, ms))) {
            let d = *d + chrono::Duration::milliseconds(ms);
            let chrono = d.format(date_text_pattern()).to_string();
            assert_eq!(date_text(&d), chrono, "{d:?}");
        }
        let sub_milli = DateTime::from_timestamp(-1, 678_999_999).expect("an instant");
        assert_eq!(date_text(&sub_milli), "1969-12-31T23:59:59.678Z");
        let leap = DateTime::from_timestamp(1_483_228_799, 1_500_000_000).expect("a leap second");
        assert_eq!(
            date_text(&leap),
            leap.format(date_text_pattern()).to_string()
        );
    }
}
