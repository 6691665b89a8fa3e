//! SQLite: dates as ISO-8601 text, UUIDs and JSON as text.

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::types::Json;
use sqlx::{Arguments, Row};
use uuid::Uuid;

use super::{BindResult, InvectEnum, date_text, decode_error, impl_option, parse_date_text};

/// Binding and decoding on SQLite.
pub trait SqliteValue {
    fn bind_sqlite(&self, a: &mut SqliteArguments) -> BindResult;
    fn bind_null_sqlite(a: &mut SqliteArguments) -> BindResult
    where
        Self: Sized;
    fn decode_sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error>
    where
        Self: Sized;
}

macro_rules! native {
    ($($ty:ty),*) => {$(
        impl SqliteValue for $ty {
            fn bind_sqlite(&self, a: &mut SqliteArguments) -> BindResult {
                a.add(self.clone())
            }
            fn bind_null_sqlite(a: &mut SqliteArguments) -> BindResult {
                a.add(None::<$ty>)
            }
            fn decode_sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
                row.try_get(i)
            }
        }
    )*};
}
native!(String, i32, i64, bool);

/// Reads column `i` as text and parses it.
fn parse_text<T>(
    row: &SqliteRow,
    i: usize,
    parse: impl FnOnce(&str) -> Result<T, super::BoxDynError>,
) -> Result<T, sqlx::Error> {
    let s: &str = row.try_get(i)?;
    parse(s).map_err(|e| decode_error(i, e))
}

impl SqliteValue for DateTime<Utc> {
    fn bind_sqlite(&self, a: &mut SqliteArguments) -> BindResult {
        a.add(date_text(self))
    }
    fn bind_null_sqlite(a: &mut SqliteArguments) -> BindResult {
        a.add(None::<String>)
    }
    fn decode_sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        parse_text(row, i, parse_date_text)
    }
}

impl SqliteValue for Uuid {
    fn bind_sqlite(&self, a: &mut SqliteArguments) -> BindResult {
        a.add(self.hyphenated().to_string())
    }
    fn bind_null_sqlite(a: &mut SqliteArguments) -> BindResult {
        a.add(None::<String>)
    }
    fn decode_sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        parse_text(row, i, |s| Ok(Uuid::parse_str(s)?))
    }
}

impl SqliteValue for serde_json::Value {
    fn bind_sqlite(&self, a: &mut SqliteArguments) -> BindResult {
        a.add(self.to_string())
    }
    fn bind_null_sqlite(a: &mut SqliteArguments) -> BindResult {
        a.add(None::<String>)
    }
    fn decode_sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        parse_text(row, i, |s| Ok(serde_json::from_str(s)?))
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> SqliteValue for Json<T> {
    fn bind_sqlite(&self, a: &mut SqliteArguments) -> BindResult {
        a.add(serde_json::to_string(&self.0)?)
    }
    fn bind_null_sqlite(a: &mut SqliteArguments) -> BindResult {
        a.add(None::<String>)
    }
    fn decode_sqlite(row: &SqliteRow, i: usize) -> Result<Self, sqlx::Error> {
        parse_text(row, i, |s| Ok(Json(serde_json::from_str(s)?)))
    }
}

impl_option!(
    SqliteValue,
    bind_sqlite,
    bind_null_sqlite,
    decode_sqlite,
    SqliteArguments,
    SqliteRow
);

/// Decodes an enum stored as its variant name.
pub fn decode_enum_sqlite<E: InvectEnum>(row: &SqliteRow, i: usize) -> Result<E, sqlx::Error> {
    parse_text(row, i, super::enum_from_str)
}
