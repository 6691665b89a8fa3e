//! The plugin tables the tests declare, as a plugin crate would.

use invect_runtime::prelude::*;
use serde::{Deserialize, Serialize};

/// An enum whose stored names sort alphabetically in declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, InvectEnum)]
#[invect(rename_all = "snake_case")]
pub enum Mood {
    Happy,
    Sad,
    VeryCalm,
}

/// An enum whose declaration order differs from the alphabetical order of
/// its stored names (`low` < `medium` < `high` as declared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, InvectEnum)]
#[invect(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
}

/// A serde struct stored in a `Json<_>` column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    pub name: String,
    pub tags: Vec<String>,
    pub count: i64,
    pub ratio: f64,
    pub child: Option<Box<Payload>>,
}

/// Every abstract type, NOT NULL and nullable, and every kind of default.
#[invect_table(name = "typed_values")]
#[derive(Debug, Clone, PartialEq)]
pub struct TypedValue {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    /// string: VARCHAR(255) on MySQL.
    pub label: String,
    /// text: LONGTEXT on MySQL.
    #[invect(text)]
    pub body: String,
    #[invect(max_length = 20)]
    pub code: String,
    pub small: i32,
    pub big: i64,
    pub flag: bool,
    pub at: DateTime<Utc>,
    pub ref_id: Uuid,
    pub doc: serde_json::Value,
    pub payload: Json<Payload>,
    #[invect(enum)]
    pub mood: Mood,

    pub opt_label: Option<String>,
    #[invect(text)]
    pub opt_body: Option<String>,
    #[invect(max_length = 20)]
    pub opt_code: Option<String>,
    pub opt_small: Option<i32>,
    pub opt_big: Option<i64>,
    pub opt_flag: Option<bool>,
    pub opt_at: Option<DateTime<Utc>>,
    pub opt_ref: Option<Uuid>,
    pub opt_doc: Option<serde_json::Value>,
    pub opt_payload: Option<Json<Payload>>,
    #[invect(enum)]
    pub opt_mood: Option<Mood>,

    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
    /// A `uuid` default on a column that is not the key.
    #[invect(default = uuid)]
    pub token: Uuid,
    #[invect(default = "pending")]
    pub state: String,
    /// A literal default with SQL metacharacters, on a text column (an
    /// expression default on MySQL).
    #[invect(text, default = "it's \"quoted\" \\ text; --")]
    pub note: String,
    #[invect(default = 42)]
    pub priority: i32,
    #[invect(default = -9000000000)]
    pub offset_ms: i64,
    #[invect(default = true)]
    pub enabled: bool,
    #[invect(default = false)]
    pub archived: bool,
    #[invect(enum, default = "very_calm")]
    pub default_mood: Mood,
}

/// A composite primary key, on two SQL reserved words.
#[invect_table(name = "typed_pairs", primary_key(group, order))]
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub group: String,
    pub order: i32,
    pub label: Option<String>,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
}

/// Rows to filter, sort and page through.
#[invect_table(name = "typed_items")]
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    #[invect(primary_key)]
    pub id: i32,
    pub name: String,
    pub n: i32,
    pub big: i64,
    pub flag: bool,
    pub at: DateTime<Utc>,
    pub ref_id: Uuid,
    #[invect(enum)]
    pub mood: Mood,
    #[invect(enum)]
    pub level: Level,
    pub tag: Option<String>,
    pub score: Option<i32>,
    pub seen_at: Option<DateTime<Utc>>,
    pub meta: Option<serde_json::Value>,
}

impl Item {
    /// The insert shape of this row.
    pub fn to_new(&self) -> NewItem {
        NewItem {
            id: self.id,
            name: self.name.clone(),
            n: self.n,
            big: self.big,
            flag: self.flag,
            at: self.at,
            ref_id: self.ref_id,
            mood: self.mood,
            level: self.level,
            tag: self.tag.clone(),
            score: self.score,
            seen_at: self.seen_at,
            meta: self.meta.clone(),
        }
    }
}
