//! SQLite: everything is TEXT or INTEGER; `uuid` defaults are client side.

use super::{Dialect, DialectKind};
use crate::model::{ColumnType, DefaultValue};

/// SQLite DDL.
#[derive(Debug, Clone, Copy)]
pub struct Sqlite;

/// ISO-8601 UTC with milliseconds, the same text the runtime writes for dates.
pub const SQLITE_NOW: &str = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

impl Dialect for Sqlite {
    fn kind(&self) -> DialectKind {
        DialectKind::Sqlite
    }

    fn column_type(&self, ty: &ColumnType) -> String {
        match ty {
            ColumnType::Number | ColumnType::BigInt | ColumnType::Boolean => "INTEGER",
            _ => "TEXT",
        }
        .to_string()
    }

    fn function_default(&self, default: &DefaultValue) -> Option<String> {
        match default {
            DefaultValue::Now => Some(SQLITE_NOW.to_string()),
            _ => None,
        }
    }

    /// SQLite's LIKE ignores ASCII case; GLOB does not. `%`/`_` become `*`/`?`
    /// and GLOB's own metacharacters are bracketed to stay literal.
    fn like(&self, pattern: &str) -> (&'static str, String) {
        let mut glob = String::with_capacity(pattern.len());
        for c in pattern.chars() {
            match c {
                '%' => glob.push('*'),
                '_' => glob.push('?'),
                '*' | '?' | '[' => {
                    glob.push('[');
                    glob.push(c);
                    glob.push(']');
                }
                c => glob.push(c),
            }
        }
        (" GLOB ", glob)
    }

    fn bool_literal(&self, b: bool) -> &'static str {
        if b { "1" } else { "0" }
    }
}
