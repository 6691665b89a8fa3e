//! PostgreSQL: native types; enums are bound as text (the SQL casts them)
//! and read back without sqlx's type check, which knows only built-in types.

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::types::Json;
use sqlx::{Arguments, Row};
use uuid::Uuid;

use super::{BindResult, InvectEnum, decode_error, impl_option, to_millis};

/// Binding and decoding on PostgreSQL.
pub trait PgValue {
    fn bind_pg(&self, a: &mut PgArguments) -> BindResult;
    fn bind_null_pg(a: &mut PgArguments) -> BindResult
    where
        Self: Sized;
    fn decode_pg(row: &PgRow, i: usize) -> Result<Self, sqlx::Error>
    where
        Self: Sized;
}

macro_rules! native {
    ($($ty:ty),*) => {$(
        impl PgValue for $ty {
            fn bind_pg(&self, a: &mut PgArguments) -> BindResult {
                a.add(self)
            }
            fn bind_null_pg(a: &mut PgArguments) -> BindResult {
                a.add(None::<$ty>)
            }
            fn decode_pg(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
                row.try_get(i)
            }
        }
    )*};
}
native!(String, i32, i64, bool, Uuid, serde_json::Value);

impl PgValue for DateTime<Utc> {
    fn bind_pg(&self, a: &mut PgArguments) -> BindResult {
        a.add(to_millis(self))
    }
    fn bind_null_pg(a: &mut PgArguments) -> BindResult {
        a.add(None::<DateTime<Utc>>)
    }
    fn decode_pg(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync> PgValue for Json<T> {
    fn bind_pg(&self, a: &mut PgArguments) -> BindResult {
        a.add(Json(&self.0))
    }
    fn bind_null_pg(a: &mut PgArguments) -> BindResult {
        a.add(None::<Json<serde_json::Value>>)
    }
    fn decode_pg(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        row.try_get(i)
    }
}

impl_option!(
    PgValue,
    bind_pg,
    bind_null_pg,
    decode_pg,
    PgArguments,
    PgRow
);

/// Decodes a PostgreSQL enum value (its label, in text or binary form).
pub fn decode_enum_pg<E: InvectEnum>(row: &PgRow, i: usize) -> Result<E, sqlx::Error> {
    let s: &str = row.try_get_unchecked(i)?;
    super::enum_from_str(s).map_err(|e| decode_error(i, e))
}
