//! What may change in place on a live table. One rule, used by push (which
//! knows whether the table has rows) and by migration writing (which must
//! assume it has); each dialect adds its own limits
//! ([`Dialect::add_column_limit`]).

use crate::dialect::Dialect;
use crate::model::ColumnDef;

/// Whether adding `c` in place needs the table to be empty: a NOT NULL
/// column without a default in the DDL gives existing rows no value.
pub fn add_needs_empty_table(d: &dyn Dialect, c: &ColumnDef) -> bool {
    let has_ddl_default = c
        .default
        .as_ref()
        .is_some_and(|v| d.default_expr(v, &c.ty).is_some());
    !c.nullable && !has_ddl_default
}

/// Why `ALTER TABLE … ADD COLUMN` cannot add `c` to the existing table
/// `table`, if it cannot. `has_rows`: whether the table has rows, `None`
/// when that is not known (a migration file is written ahead of time).
pub fn cannot_add_column(
    d: &dyn Dialect,
    table: &str,
    c: &ColumnDef,
    has_rows: Option<bool>,
) -> Option<String> {
    let column = format!("`{table}.{}`", c.name);
    if add_needs_empty_table(d, c) {
        match has_rows {
            None => {
                return Some(format!(
                    "column {column} is NOT NULL without a database default, so the rows `{table}` \
                     already has could not get a value; make it nullable (`Option<T>`), give it a default, \
                     or write that migration by hand (add it nullable, fill every row, then make it NOT NULL)"
                ));
            }
            Some(true) => {
                return Some(format!(
                    "column {column} is NOT NULL without a database default and `{table}` has rows; \
                     a migration must add it as nullable, fill every row, then make it NOT NULL"
                ));
            }
            Some(false) => {}
        }
    }
    d.add_column_limit(table, c)
}
