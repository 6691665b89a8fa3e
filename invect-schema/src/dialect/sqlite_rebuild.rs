//! SQLite's table rebuild: how a migration changes a column's type,
//! nullability or default, which SQLite's `ALTER TABLE` cannot do in place.
//!
//! The statements run inside a transaction the caller has open (sqlx's
//! migrator wraps each file in one, push runs in `BEGIN IMMEDIATE`), where
//! `PRAGMA foreign_keys = OFF` is a no-op. With foreign keys on, dropping a
//! referenced table deletes its rows first, firing `ON DELETE CASCADE` and
//! `SET NULL` on the referencing rows, and renaming it rewrites the other
//! tables' `REFERENCES` to follow it even under `legacy_alter_table = ON`;
//! `defer_foreign_keys` defers checks, not those actions (the
//! `sqlite_rebuild` tests show all three). So the rebuild keeps the rows of
//! the table and of every referencing table aside in TEMP tables, empties
//! the referencing tables (children first, so nothing cascades), drops and
//! recreates the table, and puts the rows back (parents first).

use super::{Dialect, Sqlite, render_table};
use crate::ident::fit_identifier;
use crate::model::{Name, TableDef};

/// Statements that rebuild the existing table `current` (its live name)
/// into `after`, keeping every row of it and of the tables that reference it.
///
/// - `fill`: for each column of `after` that takes its values from the old
///   table, an SQL expression over the old row (`"status"`,
///   `CAST("n" AS INTEGER)`, `COALESCE("note", 'none')`); a column not in
///   `fill` gets its DEFAULT, or NULL.
/// - `keep`: every table whose rows a drop of `current` would touch, from
///   [`referencing_tables`]: those with a foreign key to it and, in turn, to
///   them, each after the tables it references. The caller adds tables
///   Invect does not declare (from the live catalog).
///
/// Pure text, no database access. In order: `defer_foreign_keys` on (it ends
/// with the transaction; it lets references among the restored rows be
/// checked once they are all back), `current` and each `keep` table copied
/// to a TEMP table, the `keep` tables emptied (the last first), `current`
/// dropped (no row references it any more, so nothing cascades), `after`
/// and its indexes created (the indexes first, as a reference to a unique
/// column needs its index), `after` filled from the copy, the `keep` rows
/// put back, the copies dropped, and a last statement that fails when a
/// foreign key of `after` or of a `keep` table does not hold, so the
/// caller's transaction rolls back instead of committing broken references.
/// Every row is copied twice. Invect declares no triggers, so none are
/// recreated; a trigger of the application on `current` is dropped with it,
/// and those on `keep` tables fire for the rows deleted and put back.
pub fn rebuild_table(
    current: &str,
    after: &TableDef,
    fill: &[(Name, String)],
    keep: &[Name],
) -> Vec<String> {
    let d = &Sqlite;
    let q = |s: &str| d.quote(s);
    let old = q("invect_rebuild_old");
    let saved = |i: usize| q(&format!("invect_keep_{i}"));
    let mut out = vec!["PRAGMA defer_foreign_keys = ON".to_string()];
    out.push(format!(
        "CREATE TEMP TABLE {old} AS SELECT * FROM {}",
        q(current)
    ));
    for (i, t) in keep.iter().enumerate() {
        out.push(format!(
            "CREATE TEMP TABLE {} AS SELECT * FROM {}",
            saved(i),
            q(t)
        ));
    }
    out.extend(keep.iter().rev().map(|t| format!("DELETE FROM {}", q(t))));
    out.push(format!("DROP TABLE {}", q(current)));
    out.extend(render_table(d, after));
    if !fill.is_empty() {
        let columns: Vec<String> = fill.iter().map(|(c, _)| q(c)).collect();
        let values: Vec<&str> = fill.iter().map(|(_, e)| e.as_str()).collect();
        out.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM temp.{old}",
            q(&after.name),
            columns.join(", "),
            values.join(", "),
        ));
    }
    out.push(format!("DROP TABLE temp.{old}"));
    for (i, t) in keep.iter().enumerate() {
        out.push(format!(
            "INSERT INTO {} SELECT * FROM temp.{}",
            q(t),
            saved(i)
        ));
        out.push(format!("DROP TABLE temp.{}", saved(i)));
    }
    out.extend(foreign_key_guard(&after.name, keep));
    out
}

/// The tables a drop of `table` would touch, in `tables`' order (creation
/// order, so each comes after those it references): every table with a
/// foreign key to `table` or, transitively, to one of them.
pub fn referencing_tables<'a>(
    tables: impl IntoIterator<Item = &'a TableDef> + Clone,
    table: &str,
) -> Vec<Name> {
    let mut found: Vec<Name> = Vec::new();
    loop {
        let before = found.len();
        for t in tables.clone() {
            let refers = |c: &crate::ColumnDef| {
                c.references
                    .as_ref()
                    .is_some_and(|fk| fk.table == table || found.contains(&fk.table))
            };
            if t.name != table && !found.contains(&t.name) && t.columns.iter().any(refers) {
                found.push(t.name.clone());
            }
        }
        if found.len() == before {
            break;
        }
    }
    let order: Vec<&Name> = tables.into_iter().map(|t| &t.name).collect();
    found.sort_by_key(|n| order.iter().position(|o| *o == n));
    found
}

/// Statements that fail (a CHECK on a TEMP table) when a foreign key of
/// `table` or of a `keep` table does not hold: `PRAGMA foreign_key_check`
/// only returns rows, and a script must fail to roll back.
fn foreign_key_guard(table: &str, keep: &[Name]) -> Vec<String> {
    let d = &Sqlite;
    let guard = d.quote("invect_rebuild_check");
    let constraint = d.quote(&fit_identifier(format!(
        "foreign keys hold after rebuilding {table}"
    )));
    let counts: Vec<String> = std::iter::once(table)
        .chain(keep.iter().map(|t| t.as_ref()))
        .map(|t| {
            format!(
                "(SELECT count(*) FROM pragma_foreign_key_check({}))",
                d.string_literal(t)
            )
        })
        .collect();
    vec![
        format!("CREATE TEMP TABLE {guard} (n INTEGER CONSTRAINT {constraint} CHECK (n = 0))"),
        format!("INSERT INTO temp.{guard} SELECT {}", counts.join(" + ")),
        format!("DROP TABLE temp.{guard}"),
    ]
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow::{self, Borrowed};

    use super::*;
    use crate::model::{ColumnDef, ColumnType, ForeignKey, OnDelete};

    fn reference(table: &'static str, column: &'static str) -> ColumnDef {
        ColumnDef {
            nullable: true,
            references: Some(ForeignKey {
                table: Borrowed(table),
                column: Borrowed("id"),
                on_delete: OnDelete::Cascade,
            }),
            ..ColumnDef::new(column, ColumnType::Number)
        }
    }

    fn table(name: &'static str, columns: Vec<ColumnDef>) -> TableDef {
        TableDef {
            name: Borrowed(name),
            columns: Cow::Owned(columns),
            primary_key: Borrowed(&[Borrowed("id")]),
            indexes: Borrowed(&[]),
            order: 0,
            renamed_from: None,
        }
    }

    #[test]
    fn referencing_tables_follow_references_in_creation_order() {
        let id = || ColumnDef::new("id", ColumnType::Number);
        let tables = [
            table("p", vec![id()]),
            table("c", vec![id(), reference("p", "p_id")]),
            table("other", vec![id()]),
            table("g", vec![id(), reference("c", "c_id")]),
            table("d", vec![id(), reference("p", "p_id")]),
        ];
        assert_eq!(referencing_tables(&tables, "p"), ["c", "g", "d"]);
        assert!(referencing_tables(&tables, "other").is_empty());
    }

    #[test]
    fn rows_are_kept_aside_before_and_put_back_after_the_swap() {
        let t = table("p", vec![ColumnDef::new("id", ColumnType::Number)]);
        let fill = [(Borrowed("id"), "\"id\"".to_string())];
        let sql = rebuild_table("p", &t, &fill, &[Borrowed("c")]);
        let at = |prefix: &str| {
            sql.iter()
                .position(|s| s.starts_with(prefix))
                .unwrap_or_else(|| panic!("no `{prefix}` in {sql:#?}"))
        };
        assert!(at("CREATE TEMP TABLE \"invect_keep_0\"") < at("DELETE FROM \"c\""));
        assert!(at("DELETE FROM \"c\"") < at("DROP TABLE \"p\""));
        assert!(at("DROP TABLE \"p\"") < at(&Sqlite.create_table(&t)));
        assert!(at("INSERT INTO \"p\"") < at("INSERT INTO \"c\""));
        assert_eq!(
            sql.last().map(String::as_str),
            Some("DROP TABLE temp.\"invect_rebuild_check\"")
        );
    }
}
