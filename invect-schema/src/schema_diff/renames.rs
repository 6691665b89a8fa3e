//! Declared renames (`renamed_from`) between two schemas, and the old
//! schema seen under the new names, so the rest of the diff compares tables
//! and columns by name.

use std::borrow::Cow;

use crate::merge::Schema;
use crate::model::{Name, TableDef};

/// The renames `new` declares that `old` still needs.
#[derive(Debug, Default)]
pub(crate) struct Renames {
    /// `(old name, new name)` of tables.
    pub tables: Vec<(Name, Name)>,
    /// `(new table name, old column name, new column name)`.
    pub columns: Vec<(Name, Name, Name)>,
}

impl Renames {
    /// A table or column is renamed when `new` declares it with a
    /// `renamed_from` that `old` has and `new` itself no longer declares;
    /// anything else is an addition (no guessing).
    pub fn between(old: &Schema, new: &Schema) -> Renames {
        let mut r = Renames::default();
        for t in &new.tables {
            if old.table(&t.def.name).is_some() {
                continue;
            }
            if let Some(from) = &t.def.renamed_from
                && old.table(from).is_some()
                && new.table(from).is_none()
            {
                r.tables.push((from.clone(), t.def.name.clone()));
            }
        }
        for t in &new.tables {
            let Some(before) = old.table(&r.old_table(&t.def.name)) else {
                continue;
            };
            for c in t.def.columns.iter() {
                if before.def.column(&c.name).is_some() {
                    continue;
                }
                if let Some(from) = &c.renamed_from
                    && before.def.column(from).is_some()
                    && t.def.column(from).is_none()
                {
                    r.columns
                        .push((t.def.name.clone(), from.clone(), c.name.clone()));
                }
            }
        }
        r
    }

    /// The name table `new` has in the old schema.
    pub fn old_table(&self, new: &str) -> String {
        self.tables
            .iter()
            .find(|(_, n)| n == new)
            .map_or(new, |(o, _)| o)
            .to_string()
    }

    /// The name column `column` of table `table` (new names) has in the old schema.
    pub fn old_column(&self, table: &str, column: &str) -> String {
        self.columns
            .iter()
            .find(|(t, _, n)| t == table && n == column)
            .map_or(column, |(_, o, _)| o)
            .to_string()
    }

    /// The new name of old column `old` of table `table` (new name).
    pub fn new_column_of(&self, table: &str, old: &str) -> String {
        self.new_column(table, old).to_string()
    }

    fn new_table<'a>(&'a self, old: &'a str) -> &'a str {
        self.tables
            .iter()
            .find(|(o, _)| o == old)
            .map_or(old, |(_, n)| n)
    }

    fn new_column<'a>(&'a self, table: &str, old: &'a str) -> &'a str {
        self.columns
            .iter()
            .find(|(t, o, _)| t == table && o == old)
            .map_or(old, |(_, _, n)| n)
    }

    /// `old` under the new names: tables, columns, keys, indexes and the
    /// foreign keys pointing at them.
    pub fn apply(&self, old: &Schema) -> Schema {
        let mut out = old.clone();
        for t in &mut out.tables {
            t.def = self.rename_table(&t.def);
        }
        out
    }

    fn rename_table(&self, t: &TableDef) -> TableDef {
        let mut t = t.clone();
        t.name = Cow::Owned(self.new_table(&t.name).to_string());
        let table = t.name.clone();
        let col = |c: &Name| -> Name { Cow::Owned(self.new_column(&table, c).to_string()) };
        t.primary_key = Cow::Owned(t.primary_key.iter().map(col).collect());
        for i in t.indexes.to_mut() {
            i.columns = Cow::Owned(i.columns.iter().map(col).collect());
        }
        for c in t.columns.to_mut() {
            c.name = col(&c.name);
            if let Some(fk) = &mut c.references {
                let target = self.new_table(&fk.table).to_string();
                fk.column = Cow::Owned(self.new_column(&target, &fk.column).to_string());
                fk.table = Cow::Owned(target);
            }
        }
        t
    }

    /// `new`'s declarations with each rename turned around, for the reverse
    /// migration: the old schema's tables and columns declare the new names
    /// as the ones they were renamed from.
    pub fn reversed(&self, old: &Schema) -> Schema {
        let mut out = old.clone();
        for t in &mut out.tables {
            let new_name = self.new_table(&t.def.name).to_string();
            if new_name != t.def.name {
                t.def.renamed_from = Some(Cow::Owned(new_name.clone()));
            }
            for c in t.def.columns.to_mut() {
                let now = self.new_column(&new_name, &c.name).to_string();
                c.renamed_from = (now != c.name).then_some(Cow::Owned(now));
            }
        }
        out
    }
}

/// `new` as it was before the renames `pending` says a database still
/// lacks (`pending(table, None)` for a table's `renamed_from`,
/// `pending(table, Some(column))` for a column's): diffing it against `new`
/// gives exactly the statements of those renames.
pub fn before_renames(new: &Schema, pending: impl Fn(&str, Option<&str>) -> bool) -> Schema {
    let mut out = new.clone();
    for t in &mut out.tables {
        let table = t.def.name.to_string();
        for c in t.def.columns.to_mut() {
            if let Some(old) = c.renamed_from.clone()
                && pending(&table, Some(&c.name))
            {
                let renamed = std::mem::replace(&mut c.name, old.clone());
                rename_uses(&mut t.def.primary_key, &renamed, &old);
                for i in t.def.indexes.to_mut() {
                    rename_uses(&mut i.columns, &renamed, &old);
                }
            }
        }
    }
    for i in 0..out.tables.len() {
        let t = &out.tables[i].def;
        let Some(old) = t.renamed_from.clone().filter(|_| pending(&t.name, None)) else {
            continue;
        };
        let new_name = t.name.clone();
        out.tables[i].def.name = old.clone();
        for other in &mut out.tables {
            for c in other.def.columns.to_mut() {
                if let Some(fk) = &mut c.references
                    && fk.table == new_name
                {
                    fk.table = old.clone();
                }
            }
        }
    }
    out
}

fn rename_uses(names: &mut std::borrow::Cow<'static, [crate::Name]>, from: &str, to: &crate::Name) {
    for n in names.to_mut() {
        if n == from {
            *n = to.clone();
        }
    }
}
