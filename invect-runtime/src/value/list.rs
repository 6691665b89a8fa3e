//! Values as elements of one JSON array bound for a long `in_list`, so a
//! list of any length is one parameter (each dialect expands it in SQL:
//! `json_each`, `jsonb_array_elements_text`, `JSON_TABLE`).

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
