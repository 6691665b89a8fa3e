//! The SQL of the typed queries, per dialect. The runtime renders them from
//! each table's `DEF` (`#[invect_table]` emits no SQL). Only identifiers and
//! placeholders go in, never values.

use crate::dialect::Dialect;
use crate::model::{ColumnDef, DefaultValue, TableDef};

/// The fixed statements of one table in one dialect. Parameters are bound in
/// the order each field's doc says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableStatements<S> {
    /// `INSERT` of every column in declared order; a defaulted column whose
    /// value is NULL gets the default. Ends in `RETURNING` of the defaulted
    /// columns (what the database made) where available and there are any.
    pub insert: S,
    /// `SELECT` of the defaulted columns by the primary key, for dialects
    /// without `RETURNING`; empty when no column has a default.
    pub generated: S,
    /// `SELECT <every column> FROM <table>`, the base of every read.
    pub select: S,
    /// `select` + `WHERE` on the primary key columns.
    pub find: S,
    /// `UPDATE` of every non-key column (in order), then the key columns.
    pub update: S,
    /// `DELETE` by the primary key columns.
    pub delete: S,
    /// `SELECT COUNT(*) FROM <table>`.
    pub count: S,
    /// `"a", "b", …`: every column in declared order, for `RETURNING`.
    pub columns: S,
}

/// Builds every fixed statement of `t` for dialect `d`.
pub fn table_statements(d: &dyn Dialect, t: &TableDef) -> TableStatements<String> {
    let table = d.quote(&t.name);
    let columns: Vec<String> = t.columns.iter().map(|c| d.quote(&c.name)).collect();
    let select = format!("SELECT {} FROM {table}", columns.join(", "));
    let key = key_columns(t);
    let defaulted: Vec<String> = t
        .columns
        .iter()
        .filter(|c| c.default.is_some())
        .map(|c| d.quote(&c.name))
        .collect();
    let insert = format!(
        "{}({}){}",
        insert_head(d, t),
        insert_values(d, t.columns.iter(), 1),
        if d.has_returning() && !defaulted.is_empty() {
            format!(" RETURNING {}", defaulted.join(", "))
        } else {
            String::new()
        }
    );
    let generated = if defaulted.is_empty() {
        String::new()
    } else {
        format!(
            "SELECT {} FROM {table} WHERE {}",
            defaulted.join(", "),
            key_condition(d, &key, 1)
        )
    };
    let rest: Vec<&ColumnDef> = t
        .columns
        .iter()
        .filter(|c| !t.primary_key.contains(&c.name))
        .collect();
    let set = if rest.is_empty() {
        key.iter()
            .map(|c| format!("{0} = {0}", d.quote(&c.name)))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        assignments(d, &rest, 1)
    };
    TableStatements {
        find: format!("{select} WHERE {}", key_condition(d, &key, 1)),
        update: format!(
            "UPDATE {table} SET {set} WHERE {}",
            key_condition(d, &key, rest.len() + 1)
        ),
        delete: format!("DELETE FROM {table} WHERE {}", key_condition(d, &key, 1)),
        count: format!("SELECT COUNT(*) FROM {table}"),
        columns: columns.join(", "),
        generated,
        insert,
        select,
    }
}

/// `INSERT INTO "t" ("a", "b") VALUES `: the head of single- and multi-row inserts.
pub fn insert_head(d: &dyn Dialect, t: &TableDef) -> String {
    let columns: Vec<String> = t.columns.iter().map(|c| d.quote(&c.name)).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ",
        d.quote(&t.name),
        columns.join(", ")
    )
}

/// `COPY` of every column of `t` in declared order from the client's binary
/// rows, where the dialect has it ([`Dialect::copy_from_stdin`]).
pub fn copy_from_stdin(d: &dyn Dialect, t: &TableDef) -> Option<String> {
    let columns: Vec<String> = t.columns.iter().map(|c| d.quote(&c.name)).collect();
    d.copy_from_stdin(&d.quote(&t.name), &columns.join(", "))
}

/// Whether `c`'s inserted value is `COALESCE(placeholder, default)`, so a
/// NULL takes the database default (a `COPY` would store the NULL).
pub fn takes_default_on_null(d: &dyn Dialect, c: &ColumnDef) -> bool {
    match &c.default {
        Some(DefaultValue::Uuid) if d.client_generates_uuid() => false,
        Some(default) => d.default_expr(default, &c.ty).is_some(),
        None => false,
    }
}

/// The primary key columns, in key order.
pub fn key_columns(t: &TableDef) -> Vec<&ColumnDef> {
    t.primary_key.iter().filter_map(|k| t.column(k)).collect()
}

/// How an `INSERT`'s defaulted columns take their value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Defaults {
    /// `COALESCE(?, default)`: some row may leave the column out.
    Coalesce,
    /// A bare placeholder: every row gives the column a value, so the
    /// statement is the one a hand-written insert would send.
    Given,
}

/// `(?, COALESCE(?, now()), ...)` contents for one row, numbering from `first`.
pub fn insert_values<'a>(
    d: &dyn Dialect,
    columns: impl Iterator<Item = &'a ColumnDef>,
    first: usize,
) -> String {
    row_values(d, columns, first, Defaults::Coalesce)
}

/// One row's values numbering from `first`, defaulted columns in form
/// `defaults` (`Given`: bare placeholders only).
pub fn row_values<'a>(
    d: &dyn Dialect,
    columns: impl Iterator<Item = &'a ColumnDef>,
    first: usize,
    defaults: Defaults,
) -> String {
    columns
        .enumerate()
        .map(|(i, c)| match defaults {
            Defaults::Coalesce => insert_value(d, c, first + i),
            Defaults::Given => d.placeholder(first + i, &c.ty),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One inserted value: the placeholder, or `COALESCE(placeholder, default)`
/// so that a NULL (an omitted field) takes the column's database default.
fn insert_value(d: &dyn Dialect, c: &ColumnDef, n: usize) -> String {
    let ph = d.placeholder(n, &c.ty);
    match &c.default {
        Some(DefaultValue::Uuid) if d.client_generates_uuid() => ph,
        Some(default) => match d.default_expr(default, &c.ty) {
            Some(expr) => format!("COALESCE({ph}, {expr})"),
            None => ph,
        },
        None => ph,
    }
}

/// `"a" = ?, "b" = ?` numbering from `first`.
pub fn assignments(d: &dyn Dialect, cols: &[&ColumnDef], first: usize) -> String {
    equalities(d, cols, first).join(", ")
}

/// `"a" = ? AND "b" = ?` numbering from `first`.
pub fn key_condition(d: &dyn Dialect, key: &[&ColumnDef], first: usize) -> String {
    equalities(d, key, first).join(" AND ")
}

fn equalities(d: &dyn Dialect, cols: &[&ColumnDef], first: usize) -> Vec<String> {
    cols.iter()
        .enumerate()
        .map(|(i, c)| format!("{} = {}", d.quote(&c.name), d.placeholder(first + i, &c.ty)))
        .collect()
}
