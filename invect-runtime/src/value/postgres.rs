//! PostgreSQL: native types; enums are bound as text (the SQL casts them)
//! and read back without sqlx's type check, which knows only built-in types.
//! Each type also writes its binary `COPY` field ([`PgValue::copy_pg`]):
//! PostgreSQL's binary wire form of the column type, length first.

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::types::Json;
use sqlx::{Arguments, Row};
use uuid::Uuid;

use super::{BindResult, InvectEnum, decode_error, to_millis};

/// Binding and decoding on PostgreSQL.
pub trait PgValue {
    fn bind_pg(&self, a: &mut PgArguments) -> BindResult;
    fn bind_null_pg(a: &mut PgArguments) -> BindResult
    where
        Self: Sized;
    fn decode_pg(row: &PgRow, i: usize) -> Result<Self, sqlx::Error>
    where
        Self: Sized;
    /// Appends this value as one field of a binary `COPY` row: its length
    /// (-1 for NULL) and PostgreSQL's binary form of the column's type.
    fn copy_pg(&self, buf: &mut Vec<u8>) -> BindResult {
        let _ = buf;
        Err("this type cannot be written by COPY".into())
    }
}

/// Appends one `COPY` field: the length, then `bytes`.
pub(crate) fn copy_field(buf: &mut Vec<u8>, bytes: &[u8]) -> BindResult {
    let len = i32::try_from(bytes.len()).map_err(|_| "value over 2 GiB")?;
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(bytes);
    Ok(())
}

/// Appends a NULL `COPY` field.
pub(crate) fn copy_null(buf: &mut Vec<u8>) -> BindResult {
    buf.extend_from_slice(&(-1_i32).to_be_bytes());
    Ok(())
}

/// Appends a `jsonb` field: version 1, then the JSON text.
fn copy_jsonb<T: serde::Serialize + ?Sized>(v: &T, buf: &mut Vec<u8>) -> BindResult {
    let start = buf.len();
    buf.extend_from_slice(&[0, 0, 0, 0, 1]);
    serde_json::to_writer(&mut *buf, v)?;
    let len = i32::try_from(buf.len() - start - 4).map_err(|_| "value over 2 GiB")?;
    buf[start..start + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// Microseconds from 2000-01-01 UTC, PostgreSQL's `timestamptz` epoch.
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

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
            fn copy_pg(&self, buf: &mut Vec<u8>) -> BindResult {
                self.copy_bytes(buf)
            }
        }
    )*};
}
native!(String, i32, i64, bool, Uuid, serde_json::Value);

/// The binary `COPY` form of the types PostgreSQL stores natively.
trait CopyBytes {
    fn copy_bytes(&self, buf: &mut Vec<u8>) -> BindResult;
}

impl CopyBytes for String {
    fn copy_bytes(&self, buf: &mut Vec<u8>) -> BindResult {
        copy_field(buf, self.as_bytes())
    }
}
impl CopyBytes for i32 {
    fn copy_bytes(&self, buf: &mut Vec<u8>) -> BindResult {
        copy_field(buf, &self.to_be_bytes())
    }
}
impl CopyBytes for i64 {
    fn copy_bytes(&self, buf: &mut Vec<u8>) -> BindResult {
        copy_field(buf, &self.to_be_bytes())
    }
}
impl CopyBytes for bool {
    fn copy_bytes(&self, buf: &mut Vec<u8>) -> BindResult {
        copy_field(buf, &[u8::from(*self)])
    }
}
impl CopyBytes for Uuid {
    fn copy_bytes(&self, buf: &mut Vec<u8>) -> BindResult {
        copy_field(buf, self.as_bytes())
    }
}
impl CopyBytes for serde_json::Value {
    fn copy_bytes(&self, buf: &mut Vec<u8>) -> BindResult {
        copy_jsonb(self, buf)
    }
}

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
    fn copy_pg(&self, buf: &mut Vec<u8>) -> BindResult {
        let micros = to_millis(self).timestamp_micros() - PG_EPOCH_MICROS;
        copy_field(buf, &micros.to_be_bytes())
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
    fn copy_pg(&self, buf: &mut Vec<u8>) -> BindResult {
        copy_jsonb(&self.0, buf)
    }
}

/// NULL when `None` (as `impl_option!` does for the other dialects, plus
/// the `COPY` field).
impl<T: PgValue> PgValue for Option<T> {
    fn bind_pg(&self, a: &mut PgArguments) -> BindResult {
        match self {
            Some(v) => v.bind_pg(a),
            None => T::bind_null_pg(a),
        }
    }
    fn bind_null_pg(a: &mut PgArguments) -> BindResult {
        T::bind_null_pg(a)
    }
    fn decode_pg(row: &PgRow, i: usize) -> Result<Self, sqlx::Error> {
        use sqlx::ValueRef;
        if row.try_get_raw(i)?.is_null() {
            Ok(None)
        } else {
            T::decode_pg(row, i).map(Some)
        }
    }
    fn copy_pg(&self, buf: &mut Vec<u8>) -> BindResult {
        match self {
            Some(v) => v.copy_pg(buf),
            None => copy_null(buf),
        }
    }
}

/// Decodes a PostgreSQL enum value (its label, in text or binary form).
pub fn decode_enum_pg<E: InvectEnum>(row: &PgRow, i: usize) -> Result<E, sqlx::Error> {
    let s: &str = row.try_get_unchecked(i)?;
    super::enum_from_str(s).map_err(|e| decode_error(i, e))
}

/// Appends an enum value as a `COPY` field: its label (an enum's binary form).
#[doc(hidden)]
pub fn copy_enum_pg(label: &str, buf: &mut Vec<u8>) -> BindResult {
    copy_field(buf, label.as_bytes())
}
