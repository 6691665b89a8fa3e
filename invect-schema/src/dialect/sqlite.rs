//! SQLite: everything is TEXT or INTEGER; `uuid` defaults are client side.

use super::{Dialect, DialectKind, LikeToken, like_tokens};
use crate::alter::add_needs_empty_table;
use crate::model::{ColumnDef, ColumnType, DefaultValue};

/// SQLite DDL.
#[derive(Debug, Clone, Copy)]
pub struct Sqlite;

/// ISO-8601 UTC with milliseconds, the same text the runtime writes for dates.
pub const SQLITE_NOW: &str = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

impl Dialect for Sqlite {
    /// SQLite's `ADD COLUMN` needs a constant default for a NOT NULL column
    /// (even on an empty table) and takes no foreign key that is NOT NULL or
    /// has a default; anything else needs a table rebuild.
    fn add_column_limit(&self, table: &str, c: &ColumnDef) -> Option<String> {
        let column = format!("`{table}.{}`", c.name);
        if add_needs_empty_table(self, c) {
            return Some(format!(
                "column {column} is NOT NULL without a database default and `{table}` cannot take \
                 one on SQLite; a migration must add it as nullable, fill every row, then make it NOT NULL"
            ));
        }
        if !c.nullable && matches!(c.default, Some(DefaultValue::Now)) {
            return Some(format!(
                "column {column} is NOT NULL with default `now`, which SQLite cannot add to an existing \
                 table (its default must be a constant); make it nullable, or write that migration by \
                 hand (rebuild `{table}` keeping its rows)"
            ));
        }
        if c.references.is_some() && (!c.nullable || c.default.is_some()) {
            return Some(format!(
                "column {column} is a foreign key that is NOT NULL or has a default, which SQLite cannot \
                 add to an existing table; make it nullable without a default, or write that migration \
                 by hand (rebuild `{table}` keeping its rows)"
            ));
        }
        None
    }

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

    /// SQLite's LIKE ignores ASCII case; GLOB does not. `%`/`_` become `*`/`?`;
    /// literal characters GLOB would read as its own are bracketed.
    fn like(&self, pattern: &str) -> (&'static str, String) {
        let mut glob = String::with_capacity(pattern.len());
        for t in like_tokens(pattern) {
            match t {
                LikeToken::Any => glob.push('*'),
                LikeToken::One => glob.push('?'),
                LikeToken::Char(c @ ('*' | '?' | '[')) => {
                    glob.push('[');
                    glob.push(c);
                    glob.push(']');
                }
                LikeToken::Char(c) => glob.push(c),
            }
        }
        (" GLOB ", glob)
    }

    /// `json_each` yields each element as SQLite stores that type (text,
    /// integer; `true` as 1), so it compares with the column as it is.
    fn in_json_list(&self, subject: &str, placeholder: &str, _ty: &ColumnType) -> String {
        format!("{subject} IN (SELECT value FROM json_each({placeholder}))")
    }

    fn length_function(&self) -> &'static str {
        "length"
    }

    /// None: a write transaction (`BEGIN IMMEDIATE`) already holds the database.
    fn lock_clause(&self, _wait: crate::LockWait) -> &'static str {
        ""
    }

    fn bool_literal(&self, b: bool) -> &'static str {
        if b { "1" } else { "0" }
    }

    /// SQLite cannot rename an index: drop it, create it under the new name.
    fn rename_index(&self, table: &str, from: &str, _to: &str, i: &crate::IndexDef) -> Vec<String> {
        vec![
            format!("DROP INDEX {}", self.quote(from)),
            self.create_index(table, i),
        ]
    }

    /// A default changes only with a rebuild; adoption keeps the one found.
    fn set_default(&self, _table: &str, _c: &ColumnDef) -> Option<String> {
        None
    }

    /// SQLite changes a column only by rebuilding its table.
    fn alter_table(&self, alter: &crate::TableAlter) -> Vec<String> {
        super::sqlite_rebuild::rebuild_table(
            &alter.after.name,
            alter.after,
            &self.rebuild_fill(alter),
            &alter.referenced_by,
        )
    }

    fn rebuilds_tables(&self) -> bool {
        true
    }

    /// Text that does not read back as the same whole number.
    fn not_integer(&self, col: &str) -> String {
        format!("CAST(CAST({col} AS INTEGER) AS TEXT) IS NOT trim({col})")
    }
}

impl Sqlite {
    /// What fills each column of the rebuilt table: the old column, cast
    /// where its type changed, its default where a NULL becomes NOT NULL.
    fn rebuild_fill(&self, alter: &crate::TableAlter) -> Vec<(crate::Name, String)> {
        let mut fill = Vec::new();
        for c in alter.after.columns.iter() {
            if alter.current.column(&c.name).is_none() {
                continue;
            }
            let mut expr = self.quote(&c.name);
            let change = alter.changed.iter().find(|ch| ch.after.name == c.name);
            if let Some(ch) = change {
                if ch.type_changed {
                    expr = self.cast(&expr, &ch.before.ty, &c.ty);
                }
                let default = c.default.as_ref().and_then(|d| self.default_expr(d, &c.ty));
                if let (false, true, Some(d)) = (c.nullable, ch.before.nullable, default) {
                    expr = format!("COALESCE({expr}, {d})");
                }
            }
            fill.push((c.name.clone(), expr));
        }
        fill
    }
}

#[cfg(test)]
mod like_tests {
    use super::*;

    #[test]
    fn backslash_escapes_alike_on_glob_and_like() {
        assert_eq!(Sqlite.like(r"50\%").1, "50%");
        assert_eq!(Sqlite.like(r"a_b%*").1, "a?b*[*]");
        assert_eq!(Sqlite.like(r"x\\").1, r"x\");
        assert_eq!(Sqlite.like(r"end\").1, r"end\");
        let pg = crate::Postgres;
        assert_eq!(pg.like(r"50\%").1, r"50\%");
        assert_eq!(pg.like(r"end\").1, r"end\\");
        assert_eq!(pg.like(r"a\b").1, "ab");
        assert_eq!(crate::like_literal(r"5%_\"), r"5\%\_\\");
    }
}
