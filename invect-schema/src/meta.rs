//! The record Invect keeps in the database of the tables it created, so it
//! never alters a table that merely shares a name with one of its own (the
//! application's `flows`, say). Push, migrations and generated DDL write it.

use std::borrow::Cow;

use crate::dialect::{Dialect, render_enums, render_table};
use crate::merge::{Schema, SchemaTable};
use crate::model::{ColumnDef, ColumnType, DefaultValue, TableDef};

/// The record table's name without a prefix.
pub const META_TABLE: &str = "invect_schema_tables";

/// The table in which sqlx's migrator records Invect's applied migrations
/// (never prefixed: one history per database).
pub const MIGRATIONS_TABLE: &str = "invect_migrations";

/// The record table's name with the configured table prefix.
pub fn meta_table_name(prefix: &str) -> String {
    format!("{prefix}{META_TABLE}")
}

/// The record table: one row per table Invect created, with its origin.
pub fn meta_table(prefix: &str) -> TableDef {
    let mut created_at = ColumnDef::new("created_at", ColumnType::Date);
    created_at.default = Some(DefaultValue::Now);
    TableDef {
        name: Cow::Owned(meta_table_name(prefix)),
        columns: Cow::Owned(vec![
            ColumnDef::new("table_name", ColumnType::STRING),
            ColumnDef::new("origin", ColumnType::STRING),
            created_at,
        ]),
        primary_key: Cow::Owned(vec![Cow::Borrowed("table_name")]),
        indexes: Cow::Owned(Vec::new()),
        order: i32::MIN,
        renamed_from: None,
    }
}

/// The `INSERT` into the record table saying that Invect created `table`,
/// declared by `origin` (`core`, or a plugin's name).
pub fn record_sql(d: &dyn Dialect, prefix: &str, table: &str, origin: &str) -> String {
    format!(
        "INSERT INTO {} ({}, {}) VALUES ({}, {})",
        d.quote(&meta_table_name(prefix)),
        d.quote("table_name"),
        d.quote("origin"),
        d.string_literal(table),
        d.string_literal(origin)
    )
}

/// The record of table `from` moved to its new name `to`.
pub fn rename_record_sql(d: &dyn Dialect, prefix: &str, from: &str, to: &str) -> String {
    format!(
        "UPDATE {} SET {} = {} WHERE {} = {}",
        d.quote(&meta_table_name(prefix)),
        d.quote("table_name"),
        d.string_literal(to),
        d.quote("table_name"),
        d.string_literal(from)
    )
}

/// The record of a dropped table removed.
pub fn forget_sql(d: &dyn Dialect, prefix: &str, table: &str) -> String {
    format!(
        "DELETE FROM {} WHERE {} = {}",
        d.quote(&meta_table_name(prefix)),
        d.quote("table_name"),
        d.string_literal(table)
    )
}

/// Every statement that makes an empty database hold `schema` the way push
/// and migrations leave it: the record table, then each table (see
/// [`create_recorded`]).
pub fn create_database(d: &dyn Dialect, schema: &Schema, prefix: &str) -> Vec<String> {
    let mut out = render_table(d, &meta_table(prefix));
    out.extend(render_enums(d, schema));
    for t in &schema.tables {
        out.extend(create_recorded(d, prefix, t));
    }
    out
}

/// A table's record, then its `CREATE TABLE` and indexes: recorded first, so
/// a table never exists unrecorded (MySQL cannot roll back DDL).
pub fn create_recorded(d: &dyn Dialect, prefix: &str, t: &SchemaTable) -> Vec<String> {
    let mut out = vec![record_sql(d, prefix, &t.def.name, &t.origin.to_string())];
    out.extend(render_table(d, &t.def));
    out
}
