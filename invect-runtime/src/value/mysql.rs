//! MySQL: UUIDs as CHAR(36) text; JSON sent as text and read without sqlx's
//! type check (MariaDB reports JSON as LONGTEXT, MySQL as JSON).

use chrono::{DateTime, Utc};
use sqlx::mysql::{MySqlArguments, MySqlRow};
use sqlx::types::Json;
use sqlx::{Arguments, Row};
use uuid::Uuid;

use super::{BindResult, BoxDynError, InvectEnum, decode_error, impl_option, to_millis};

/// Binding and decoding on MySQL.
pub trait MySqlValue {
    fn bind_mysql(&self, a: &mut MySqlArguments) -> BindResult;
    /// Binds `self` and returns about how many bytes it takes on the wire
    /// (MySQL's statement size limit): `len()`, unless binding measures it
    /// anyway (JSON is printed to be bound, so it is not printed twice).
    fn bind_mysql_sized(
        &self,
        a: &mut MySqlArguments,
        len: &dyn Fn() -> usize,
    ) -> Result<usize, BoxDynError> {
        self.bind_mysql(a)?;
        Ok(len())
    }
    fn bind_null_mysql(a: &mut MySqlArguments) -> BindResult
    where
        Self: Sized;
    fn decode_mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error>
    where
        Self: Sized;
}

macro_rules! native {
    ($($ty:ty),*) => {$(
        impl MySqlValue for $ty {
            fn bind_mysql(&self, a: &mut MySqlArguments) -> BindResult {
                a.add(self)
            }
            fn bind_null_mysql(a: &mut MySqlArguments) -> BindResult {
                a.add(None::<$ty>)
            }
            fn decode_mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
                row.try_get(i)
            }
        }
    )*};
}
native!(String, i32, i64, bool);

/// Reads column `i` as text, whatever type the server reports, and parses it.
fn parse_text<T>(
    row: &MySqlRow,
    i: usize,
    parse: impl FnOnce(&str) -> Result<T, super::BoxDynError>,
) -> Result<T, sqlx::Error> {
    let s: &str = row.try_get_unchecked(i)?;
    parse(s).map_err(|e| decode_error(i, e))
}

impl MySqlValue for DateTime<Utc> {
    /// Sent as a DATETIME (naive UTC): sqlx sends `DateTime<Utc>` as a
    /// TIMESTAMP, which MariaDB turns into NULL outside 1970–2038.
    fn bind_mysql(&self, a: &mut MySqlArguments) -> BindResult {
        a.add(to_millis(self).naive_utc())
    }
    fn bind_null_mysql(a: &mut MySqlArguments) -> BindResult {
        a.add(None::<chrono::NaiveDateTime>)
    }
    fn decode_mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
}

impl MySqlValue for Uuid {
    fn bind_mysql(&self, a: &mut MySqlArguments) -> BindResult {
        a.add(self.hyphenated().to_string())
    }
    fn bind_null_mysql(a: &mut MySqlArguments) -> BindResult {
        a.add(None::<String>)
    }
    fn decode_mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        parse_text(row, i, |s| Ok(Uuid::parse_str(s)?))
    }
}

impl MySqlValue for serde_json::Value {
    fn bind_mysql(&self, a: &mut MySqlArguments) -> BindResult {
        a.add(self.to_string())
    }
    fn bind_mysql_sized(
        &self,
        a: &mut MySqlArguments,
        _len: &dyn Fn() -> usize,
    ) -> Result<usize, BoxDynError> {
        bind_text_sized(a, self.to_string())
    }
    fn bind_null_mysql(a: &mut MySqlArguments) -> BindResult {
        a.add(None::<String>)
    }
    fn decode_mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        parse_text(row, i, |s| Ok(serde_json::from_str(s)?))
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> MySqlValue for Json<T> {
    fn bind_mysql(&self, a: &mut MySqlArguments) -> BindResult {
        a.add(serde_json::to_string(&self.0)?)
    }
    fn bind_mysql_sized(
        &self,
        a: &mut MySqlArguments,
        _len: &dyn Fn() -> usize,
    ) -> Result<usize, BoxDynError> {
        bind_text_sized(a, serde_json::to_string(&self.0)?)
    }
    fn bind_null_mysql(a: &mut MySqlArguments) -> BindResult {
        a.add(None::<String>)
    }
    fn decode_mysql(row: &MySqlRow, i: usize) -> Result<Self, sqlx::Error> {
        parse_text(row, i, |s| Ok(Json(serde_json::from_str(s)?)))
    }
}

/// Binds `text`, returning its length.
fn bind_text_sized(a: &mut MySqlArguments, text: String) -> Result<usize, BoxDynError> {
    let len = text.len();
    a.add(text)?;
    Ok(len)
}

impl_option!(
    MySqlValue,
    bind_mysql,
    bind_null_mysql,
    decode_mysql,
    MySqlArguments,
    MySqlRow,
    fn bind_mysql_sized(
        &self,
        a: &mut MySqlArguments,
        len: &dyn Fn() -> usize,
    ) -> Result<usize, BoxDynError> {
        match self {
            Some(v) => v.bind_mysql_sized(a, len),
            None => T::bind_null_mysql(a).map(|()| 0),
        }
    }
);

/// Decodes an ENUM column's value.
pub fn decode_enum_mysql<E: InvectEnum>(row: &MySqlRow, i: usize) -> Result<E, sqlx::Error> {
    parse_text(row, i, super::enum_from_str)
}
