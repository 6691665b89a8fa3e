//! What every dialect can store, checked before a value is sent: one range
//! per type, the same on all three, so a value one database would refuse (or
//! worse, store and never read back) is refused everywhere with the same
//! words, and nothing is written.
//!
//! | type | accepted |
//! |---|---|
//! | `string` | at most `max_length` characters (255 unless declared), no U+0000 |
//! | `text` | no U+0000 (PostgreSQL cannot store it) |
//! | `date` | 1000-01-01 00:00:00.000 to 9999-12-31 23:59:59.999 UTC (MySQL's `DATETIME`) |
//! | `json` | arrays and objects nested at most 31 deep (MariaDB's limit), no `\u0000` in strings |

use chrono::{DateTime, Datelike, Utc};
use invect_schema::{ColumnDef, ColumnType};
use sqlx::types::Json;
use uuid::Uuid;

use super::BoxDynError;

/// The deepest nesting of arrays and objects every dialect stores: MariaDB's
/// `json_valid` refuses a 32nd level (`[[…[1]…]]` with 32 brackets).
pub const MAX_JSON_DEPTH: usize = 31;

/// The years every dialect stores (MySQL's `DATETIME` range).
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// A value checked against what column `col` can hold on every dialect.
pub trait CheckValue {
    /// `Ok` when every dialect stores `self` in `col` and reads it back.
    fn check(&self, _col: &ColumnDef) -> Result<(), BoxDynError> {
        Ok(())
    }

    /// About how many bytes the value takes on the wire.
    fn wire_len(&self) -> usize {
        8
    }

    /// Whether the value is bound as SQL NULL (an omitted optional field).
    fn is_null(&self) -> bool {
        false
    }

    /// The value as the database keeps it (dates to the millisecond), so an
    /// insert can return what it sent without reading it back.
    fn into_stored(self) -> Self
    where
        Self: Sized,
    {
        self
    }
}

impl CheckValue for i32 {}
impl CheckValue for i64 {}
impl CheckValue for bool {}
impl CheckValue for Uuid {}

impl CheckValue for String {
    fn check(&self, col: &ColumnDef) -> Result<(), BoxDynError> {
        check_text(self, col)
    }
    fn wire_len(&self) -> usize {
        self.len()
    }
}

impl CheckValue for DateTime<Utc> {
    fn into_stored(self) -> Self {
        super::to_millis(&self)
    }
    fn check(&self, col: &ColumnDef) -> Result<(), BoxDynError> {
        if DATE_YEARS.contains(&self.year()) {
            return Ok(());
        }
        Err(format!(
            "`{}`: {self} is outside the dates every dialect stores \
             (years {} to {}, UTC)",
            col.name,
            DATE_YEARS.start(),
            DATE_YEARS.end()
        )
        .into())
    }
}

impl CheckValue for serde_json::Value {
    fn check(&self, col: &ColumnDef) -> Result<(), BoxDynError> {
        check_json_tree(self, col)
    }
    fn wire_len(&self) -> usize {
        json_len(self)
    }
}

impl<T: serde::Serialize> CheckValue for Json<T> {
    fn check(&self, col: &ColumnDef) -> Result<(), BoxDynError> {
        check_json(&serde_json::to_string(&self.0)?, col)
    }
    fn wire_len(&self) -> usize {
        json_len(&self.0)
    }
}

impl<T: CheckValue> CheckValue for Option<T> {
    fn check(&self, col: &ColumnDef) -> Result<(), BoxDynError> {
        match self {
            Some(v) => v.check(col),
            None => Ok(()),
        }
    }
    fn wire_len(&self) -> usize {
        self.as_ref().map_or(0, T::wire_len)
    }
    fn is_null(&self) -> bool {
        self.as_ref().is_none_or(T::is_null)
    }
    fn into_stored(self) -> Self {
        self.map(T::into_stored)
    }
}

/// The length of `v` as JSON text, counted without building the text.
fn json_len(v: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, v);
    count.0
}

/// [`check_json`] on a parsed value, walking it instead of printing it.
fn check_json_tree(v: &serde_json::Value, col: &ColumnDef) -> Result<(), BoxDynError> {
    let (depth, nul) = json_walk(v, 0);
    json_verdict(depth, nul, col)
}

/// The deepest nesting under `v` (itself at `depth`), and whether a key or
/// string in it holds a NUL.
fn json_walk(v: &serde_json::Value, depth: usize) -> (usize, bool) {
    use serde_json::Value::{Array, Object, String};
    let deeper = |(deepest, nul): (usize, bool), (child, named_nul)| {
        let (d, n) = json_walk(child, depth + 1);
        (deepest.max(d), nul || n || named_nul)
    };
    match v {
        Array(items) => items
            .iter()
            .map(|c| (c, false))
            .fold((depth + 1, false), deeper),
        Object(map) => (map.iter())
            .map(|(k, c)| (c, has_nul(k)))
            .fold((depth + 1, false), deeper),
        String(s) => (depth, has_nul(s)),
        _ => (depth, false),
    }
}

/// Whether `s` holds U+0000.
fn has_nul(s: &str) -> bool {
    s.as_bytes().contains(&0)
}

/// No NUL, and within the column's length (characters, as MySQL counts).
fn check_text(s: &str, col: &ColumnDef) -> Result<(), BoxDynError> {
    if s.contains('\0') {
        return Err(format!(
            "`{}`: the text contains U+0000 (NUL), which PostgreSQL cannot store; remove it",
            col.name
        )
        .into());
    }
    let ColumnType::String { max_length } = col.ty else {
        return Ok(());
    };
    let max = max_length.unwrap_or(ColumnType::DEFAULT_MAX_LENGTH) as usize;
    // Bytes bound the characters from above: count only when it could matter.
    if s.len() > max && s.chars().count() > max {
        return Err(format!(
            "`{}`: {} characters is over its max_length of {max}; shorten the value, \
             or declare a larger `max_length` (or `text`)",
            col.name,
            s.chars().count()
        )
        .into());
    }
    Ok(())
}

/// At most [`MAX_JSON_DEPTH`] deep and no `\u0000`, read from the JSON text.
fn check_json(text: &str, col: &ColumnDef) -> Result<(), BoxDynError> {
    json_verdict(json_depth(text), text.contains("\\u0000"), col)
}

/// The error for JSON nested `depth` deep, holding a NUL if `nul`.
fn json_verdict(depth: usize, nul: bool, col: &ColumnDef) -> Result<(), BoxDynError> {
    if depth > MAX_JSON_DEPTH {
        return Err(format!(
            "`{}`: the JSON value is nested {depth} deep, over the {MAX_JSON_DEPTH} every \
             dialect stores (MariaDB's limit); flatten it",
            col.name
        )
        .into());
    }
    if nul {
        return Err(format!(
            "`{}`: the JSON value holds U+0000 in a string, which PostgreSQL cannot store",
            col.name
        )
        .into());
    }
    Ok(())
}

/// How deep arrays and objects nest in JSON `text` (strings skipped).
fn json_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_arrays_and_objects_not_strings() {
        assert_eq!(json_depth("1"), 0);
        assert_eq!(json_depth(r#"{"a":[1,{"b":"[[[["}]}"#), 3);
        assert_eq!(json_depth(r#"["\"[", [[]]]"#), 3);
    }

    #[test]
    fn text_length_is_in_characters() {
        let col = ColumnDef::new(
            "name",
            ColumnType::String {
                max_length: Some(3),
            },
        );
        assert!(check_text("😀😀😀", &col).is_ok());
        assert!(check_text("abcd", &col).is_err());
        assert!(check_text("a\0", &col).is_err());
    }
}
