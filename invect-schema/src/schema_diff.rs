//! The additive difference between two declared schemas: what a migration
//! file must run to go from the schema of the last migration (`old`) to the
//! declared one (`new`). Pure: no database is read, so the result can be
//! written to a file and reviewed before it is applied.

use std::collections::BTreeMap;

use crate::alter::cannot_add_column;
use crate::dialect::Dialect;
use crate::merge::{Schema, SchemaTable};
use crate::meta::{create_database, create_recorded};
use crate::model::{ColumnDef, ColumnType, EnumDef, IndexDef, TableDef};

/// The statements that take a database from `old` to `new`, in creation
/// order: new enum types, new enum values, new tables (each preceded by its
/// row in the record table), new columns, new indexes. When `old` is empty
/// (the first migration) they start with the record table itself.
///
/// Only additions are written. Anything else (a table or column removed, a
/// type, nullability, default, key or reference changed, an enum value
/// removed, a NOT NULL column without default added to an existing table)
/// gives `Err` with one reason per change, each saying what to do.
///
/// Both schemas must already carry the table prefix; `prefix` names the
/// record table.
///
/// ```
/// use invect_schema::{DialectKind, Schema, diff_schemas};
/// let empty = Schema::default();
/// let sql = diff_schemas(DialectKind::Sqlite.dialect(), &empty, &empty, "").expect("additive");
/// assert!(sql[0].starts_with("CREATE TABLE \"invect_schema_tables\""));
/// ```
pub fn diff_schemas(
    d: &dyn Dialect,
    old: &Schema,
    new: &Schema,
    prefix: &str,
) -> Result<Vec<String>, Vec<String>> {
    let mut diff = SchemaDiff {
        d,
        old,
        new,
        out: Vec::new(),
        reasons: Vec::new(),
    };
    if old.tables.is_empty() {
        return Ok(create_database(d, new, prefix));
    }
    diff.removed_tables();
    diff.enums();
    diff.new_tables(prefix);
    diff.changed_tables();
    diff.new_indexes();
    if diff.reasons.is_empty() {
        Ok(diff.out)
    } else {
        Err(diff.reasons)
    }
}

/// The diff being built: statements so far and reasons for refusing.
struct SchemaDiff<'a> {
    d: &'a dyn Dialect,
    old: &'a Schema,
    new: &'a Schema,
    out: Vec<String>,
    reasons: Vec<String>,
}

impl SchemaDiff<'_> {
    /// A table of the last migration that is no longer declared.
    fn removed_tables(&mut self) {
        for t in &self.old.tables {
            if self.new.table(&t.def.name).is_none() {
                self.reasons.push(format!(
                    "table `{}` ({}) is no longer declared; migrations only add: \
                     keep declaring it, or write the migration that drops it by hand",
                    t.def.name, t.origin
                ));
            }
        }
    }

    /// New enum types, and new values of enum types the last migration had.
    fn enums(&mut self) {
        let old: BTreeMap<&str, &EnumDef> = self
            .old
            .enums()
            .into_iter()
            .map(|e| (e.name.as_ref(), e))
            .collect();
        for e in self.new.enums() {
            match old.get(e.name.as_ref()) {
                None => self.out.extend(self.d.create_enum(e)),
                Some(before) => self.enum_values(before, e),
            }
        }
    }

    /// Adds the values `after` has and `before` lacks; refuses removed ones.
    fn enum_values(&mut self, before: &EnumDef, after: &EnumDef) {
        let removed: Vec<&str> = missing_values(before, after);
        if !removed.is_empty() {
            self.reasons.push(format!(
                "enum `{}` no longer has the values {}; rows may still hold them: \
                 keep the values, or write that migration by hand (update those rows first)",
                after.name,
                quoted(&removed)
            ));
        }
        let added: Vec<&str> = missing_values(after, before);
        if added.is_empty() {
            return;
        }
        let uses = self.existing_enum_columns(&after.name);
        self.out.extend(self.d.extend_enum(after, &added, &uses));
    }

    /// Columns of the new schema using enum `name` that the last migration
    /// already created (MySQL redefines each of them with the new values).
    fn existing_enum_columns(&self, name: &str) -> Vec<(&TableDef, &ColumnDef)> {
        let mut uses = Vec::new();
        for t in &self.new.tables {
            let Some(before) = self.old.table(&t.def.name) else {
                continue;
            };
            for c in t.def.columns.iter() {
                let is_enum = c.ty.as_enum().is_some_and(|e| e.name == name);
                if is_enum && before.def.column(&c.name).is_some() {
                    uses.push((&t.def, c));
                }
            }
        }
        uses
    }

    /// Tables the last migration did not have, each recorded before it is created.
    fn new_tables(&mut self, prefix: &str) {
        for t in &self.new.tables {
            if self.old.table(&t.def.name).is_none() {
                self.out.extend(create_recorded(self.d, prefix, t));
            }
        }
    }

    /// Columns added to, removed from or changed in tables both schemas have.
    fn changed_tables(&mut self) {
        for t in &self.new.tables {
            let Some(before) = self.old.table(&t.def.name) else {
                continue;
            };
            self.removed_columns(before, t);
            if before.def.primary_key != t.def.primary_key {
                self.reasons.push(format!(
                    "the primary key of `{}` changed from ({}) to ({}); write that migration by hand",
                    t.def.name,
                    before.def.primary_key.join(", "),
                    t.def.primary_key.join(", ")
                ));
            }
            for c in t.def.columns.iter() {
                match before.def.column(&c.name) {
                    Some(was) => self.changed_column(&t.def.name, was, c),
                    None => self.new_column(&t.def.name, c),
                }
            }
        }
    }

    /// Columns of the last migration that `after` no longer declares.
    fn removed_columns(&mut self, before: &SchemaTable, after: &SchemaTable) {
        for c in before.def.columns.iter() {
            if after.def.column(&c.name).is_none() {
                self.reasons.push(format!(
                    "column `{}.{}` is no longer declared; migrations only add: \
                     keep the column (make it nullable if new rows leave it empty), \
                     or write the migration that drops it by hand",
                    after.def.name, c.name
                ));
            }
        }
    }

    /// Refuses any change to a column the last migration created.
    fn changed_column(&mut self, table: &str, was: &ColumnDef, now: &ColumnDef) {
        let column = format!("`{table}.{}`", now.name);
        if !same_type(self.d, &was.ty, &now.ty) {
            self.reasons.push(format!(
                "column {column} changed type from `{}` to `{}`; write that migration by hand \
                 (e.g. add a new column, copy the data over, then drop the old one), or keep the type",
                was.ty, now.ty
            ));
        }
        if was.nullable != now.nullable {
            let (from, to, hint) = if now.nullable {
                ("NOT NULL", "nullable", "")
            } else {
                ("nullable", "NOT NULL", " (fill every NULL first)")
            };
            self.reasons.push(format!(
                "column {column} changed from {from} to {to}; write that migration by hand{hint}, \
                 or keep it {from}"
            ));
        }
        if was.default != now.default {
            self.reasons.push(format!(
                "column {column} changed its default from {} to {}; write that migration by hand, \
                 or keep the default",
                describe_default(was),
                describe_default(now)
            ));
        }
        if was.references != now.references {
            self.reasons.push(format!(
                "column {column} changed its foreign key; write that migration by hand, or keep it"
            ));
        }
    }

    /// `ALTER TABLE ... ADD COLUMN`, or why the column cannot be added so.
    fn new_column(&mut self, table: &str, c: &ColumnDef) {
        match cannot_add_column(self.d, table, c, None) {
            Some(reason) => self.reasons.push(reason),
            None => self.out.extend(self.d.add_column(table, c)),
        }
    }

    /// Indexes of tables the last migration had: new ones created, removed or
    /// redefined ones refused.
    fn new_indexes(&mut self) {
        for t in &self.new.tables {
            let Some(before) = self.old.table(&t.def.name) else {
                continue;
            };
            let was = named_indexes(&before.def);
            let now = named_indexes(&t.def);
            for (name, index) in &now {
                match was.get(name) {
                    None => self.out.push(self.d.create_index(&t.def.name, index)),
                    Some(old) if old != index => self.reasons.push(format!(
                        "index `{name}` on `{}` changed its columns; write that migration by hand",
                        t.def.name
                    )),
                    Some(_) => {}
                }
            }
            for name in was.keys().filter(|n| !now.contains_key(*n)) {
                self.reasons.push(format!(
                    "index `{name}` on `{}` is no longer declared; migrations only add: \
                     keep it, or write the migration that drops it by hand",
                    t.def.name
                ));
            }
        }
    }
}

/// Values of `a` that `b` lacks, in `a`'s order.
fn missing_values<'e>(a: &'e EnumDef, b: &EnumDef) -> Vec<&'e str> {
    a.values
        .iter()
        .filter(|v| !b.values.contains(v))
        .map(|v| v.as_ref())
        .collect()
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_default(c: &ColumnDef) -> String {
    c.default
        .as_ref()
        .map_or_else(|| "none".to_string(), |v| format!("`{v}`"))
}

/// Whether a column keeps its type: enums by name (their values are diffed
/// on their own), everything else by abstract type and rendered SQL type (so
/// a longer `string` is a change on MySQL only).
fn same_type(d: &dyn Dialect, a: &ColumnType, b: &ColumnType) -> bool {
    match (a, b) {
        (ColumnType::Enum(x), ColumnType::Enum(y)) => x.name == y.name,
        _ => a.abstract_name() == b.abstract_name() && d.column_type(a) == d.column_type(b),
    }
}

/// Every index a table gets, by name.
fn named_indexes(t: &TableDef) -> BTreeMap<String, IndexDef> {
    t.effective_indexes()
        .into_iter()
        .map(|i| (i.name(&t.name), i))
        .collect()
}
