//! Values as elements of the one parameter bound for a long `in_list`, so a
//! list of any length is one parameter (each dialect expands it in SQL:
//! `json_each`, `= ANY($1::type[])`, `JSON_TABLE`).

use chrono::{DateTime, Utc};
use invect_schema::Dialect;
use serde_json::Value as Json;
use uuid::Uuid;

use super::to_millis;

/// A value that can be an element of a long `in_list`, written as the
/// dialect compares it; `None` for types compared otherwise (JSON).
pub trait ListElement {
    fn list_element(&self, _d: &dyn Dialect) -> Option<Json> {
        None
    }
}

impl ListElement for String {
    fn list_element(&self, _d: &dyn Dialect) -> Option<Json> {
        Some(Json::String(self.clone()))
    }
}

impl ListElement for i32 {
    fn list_element(&self, _d: &dyn Dialect) -> Option<Json> {
        Some(Json::from(*self))
    }
}

impl ListElement for i64 {
    fn list_element(&self, _d: &dyn Dialect) -> Option<Json> {
        Some(Json::from(*self))
    }
}

impl ListElement for bool {
    fn list_element(&self, _d: &dyn Dialect) -> Option<Json> {
        Some(Json::Bool(*self))
    }
}

impl ListElement for Uuid {
    fn list_element(&self, _d: &dyn Dialect) -> Option<Json> {
        Some(Json::String(self.hyphenated().to_string()))
    }
}

impl ListElement for DateTime<Utc> {
    fn list_element(&self, d: &dyn Dialect) -> Option<Json> {
        Some(Json::String(
            to_millis(self).format(d.date_text_format()).to_string(),
        ))
    }
}

impl ListElement for serde_json::Value {}
impl<T> ListElement for sqlx::types::Json<T> {}

impl<T: ListElement> ListElement for Option<T> {
    fn list_element(&self, d: &dyn Dialect) -> Option<Json> {
        match self {
            Some(v) => v.list_element(d),
            None => Some(Json::Null),
        }
    }
}

/// A long `in_list` as one parameter: a JSON array where the dialect
/// expands JSON (SQLite, MySQL), a `text[]` on PostgreSQL, where
/// `= ANY($1::type[])` is several times faster than expanding JSON
/// (`benches/RESULTS.md`, `invect-inlist-ab`).
#[derive(Debug)]
pub(crate) struct ListParam(pub Vec<Json>);

impl ListParam {
    /// The elements as PostgreSQL reads them into the column's type.
    fn texts(&self) -> Vec<Option<String>> {
        self.0
            .iter()
            .map(|e| match e {
                Json::Null => None,
                Json::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .collect()
    }

    fn json(&self) -> String {
        Json::Array(self.0.clone()).to_string()
    }
}

impl super::CheckValue for ListParam {}
impl ListElement for ListParam {}

impl super::SqliteValue for ListParam {
    fn bind_sqlite(&self, a: &mut sqlx::sqlite::SqliteArguments) -> super::BindResult {
        sqlx::Arguments::add(a, self.json())
    }
    fn bind_null_sqlite(a: &mut sqlx::sqlite::SqliteArguments) -> super::BindResult {
        sqlx::Arguments::add(a, None::<String>)
    }
    fn decode_sqlite(_: &sqlx::sqlite::SqliteRow, _: usize) -> Result<Self, sqlx::Error> {
        Err(sqlx::Error::RowNotFound)
    }
}

impl super::MySqlValue for ListParam {
    fn bind_mysql(&self, a: &mut sqlx::mysql::MySqlArguments) -> super::BindResult {
        sqlx::Arguments::add(a, self.json())
    }
    fn bind_null_mysql(a: &mut sqlx::mysql::MySqlArguments) -> super::BindResult {
        sqlx::Arguments::add(a, None::<String>)
    }
    fn decode_mysql(_: &sqlx::mysql::MySqlRow, _: usize) -> Result<Self, sqlx::Error> {
        Err(sqlx::Error::RowNotFound)
    }
}

impl super::PgValue for ListParam {
    fn bind_pg(&self, a: &mut sqlx::postgres::PgArguments) -> super::BindResult {
        sqlx::Arguments::add(a, self.texts())
    }
    fn bind_null_pg(a: &mut sqlx::postgres::PgArguments) -> super::BindResult {
        sqlx::Arguments::add(a, None::<Vec<String>>)
    }
    fn decode_pg(_: &sqlx::postgres::PgRow, _: usize) -> Result<Self, sqlx::Error> {
        Err(sqlx::Error::RowNotFound)
    }
}
