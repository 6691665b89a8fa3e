//! Declared renames (`renamed_from`) a live database still lacks: push
//! applies them first, verification accepts either name while one is
//! pending. A table is renamed only from a table Invect recorded, and
//! only when the new name is free; a column only when its new name is.

use std::collections::BTreeSet;

use invect_schema::{Dialect, DiffOptions, IndexDef, Schema, before_renames, plan_migration};

use crate::introspect::LiveSchema;

/// The renames found, under the live names.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    /// `(live name, declared name)`.
    tables: Vec<(String, String)>,
    /// `(declared table, live column, declared column)`.
    columns: Vec<(String, String, String)>,
    /// `(old, new)`: tables renamed whose record still has the old name
    /// (MySQL commits a rename at once; a migration killed right after it
    /// leaves the record behind).
    records: Vec<(String, String)>,
}

impl Pending {
    /// What `schema` declares renamed that `live` still has under the old
    /// name; a table only when Invect recorded it (`recorded`; `None`
    /// accepts any, for verification, which reads no record).
    pub fn find(
        schema: &Schema,
        live: &LiveSchema,
        recorded: Option<&BTreeSet<String>>,
    ) -> Pending {
        let mut p = Pending::default();
        for t in &schema.tables {
            let name = t.def.name.to_string();
            if let Some(old) = &t.def.renamed_from
                && !live.tables.contains_key(&name)
                && live.tables.contains_key(old.as_ref())
                && recorded.is_none_or(|r| r.contains(old.as_ref()))
                && schema.table(old).is_none()
            {
                p.tables.push((old.to_string(), name.clone()));
            } else if let (Some(old), Some(recorded)) = (&t.def.renamed_from, recorded)
                && live.tables.contains_key(&name)
                && !live.tables.contains_key(old.as_ref())
                && recorded.contains(old.as_ref())
                && !recorded.contains(&name)
            {
                p.records.push((old.to_string(), name.clone()));
            }
            let Some(live_table) = live.tables.get(&p.live_table(&name)) else {
                continue;
            };
            for c in t.def.columns.iter() {
                if let Some(old) = &c.renamed_from
                    && live_table.column(&c.name).is_none()
                    && live_table.column(old).is_some()
                    && t.def.column(old).is_none()
                {
                    p.columns
                        .push((name.clone(), old.to_string(), c.name.to_string()));
                }
            }
        }
        p
    }

    fn live_table(&self, declared: &str) -> String {
        self.tables
            .iter()
            .find(|(_, n)| n == declared)
            .map_or(declared, |(o, _)| o)
            .to_string()
    }

    /// The statements of the renames (tables with their records, columns,
    /// and the index and constraint names that follow them).
    pub fn statements(
        &self,
        d: &dyn Dialect,
        schema: &Schema,
        prefix: &str,
        live: &LiveSchema,
    ) -> Vec<String> {
        let mut out: Vec<String> = self
            .records
            .iter()
            .map(|(old, new)| invect_schema::meta::rename_record_sql(d, prefix, old, new))
            .collect();
        if self.tables.is_empty() && self.columns.is_empty() {
            return out;
        }
        let mut old = before_renames(schema, |table, column| match column {
            None => self.tables.iter().any(|(_, n)| n == table),
            Some(c) => self.columns.iter().any(|(t, _, n)| t == table && n == c),
        });
        let mut new = schema.clone();
        only_live_indexes(&mut old, &mut new, live);
        // Only names differ between the two, so the plan is the renames.
        out.extend(
            plan_migration(d, &old, &new, prefix, DiffOptions::default())
                .map(|p| p.statements)
                .unwrap_or_default(),
        );
        out
    }
}

/// Leaves out of both schemas each declared index the live table does not
/// have under its old name: a new index on a renamed column is created by
/// push later, not renamed from one that never was. `old` is `new` before
/// its renames, so their tables and indexes are in the same order.
fn only_live_indexes(old: &mut Schema, new: &mut Schema, live: &LiveSchema) {
    for (o, n) in old.tables.iter_mut().zip(new.tables.iter_mut()) {
        let names: Vec<String> = live
            .tables
            .get(o.def.name.as_ref())
            .map(|t| t.indexes.iter().map(|i| i.name.clone()).collect())
            .unwrap_or_default();
        let keep: Vec<bool> = o
            .def
            .indexes
            .iter()
            .map(|i| names.contains(&i.name(&o.def.name)))
            .collect();
        let mut k = keep.iter();
        o.def
            .indexes
            .to_mut()
            .retain(|_| *k.next().unwrap_or(&false));
        let mut k = keep.iter();
        n.def
            .indexes
            .to_mut()
            .retain(|_| *k.next().unwrap_or(&false));
    }
}

impl Pending {
    /// `live` as it is once the renames ran: tables and columns under their
    /// new names, and indexes named after them as Invect names them.
    pub fn apply_to(&self, live: &mut LiveSchema, recorded: &mut BTreeSet<String>) {
        for (old, new) in &self.records {
            recorded.remove(old);
            recorded.insert(new.clone());
        }
        for (old, new) in &self.tables {
            if let Some(t) = live.tables.remove(old) {
                live.tables.insert(new.clone(), t);
            }
            if recorded.remove(old) {
                recorded.insert(new.clone());
            }
            for t in live.tables.values_mut() {
                for fk in &mut t.foreign_keys {
                    if fk.target_table == *old {
                        fk.target_table = new.clone();
                    }
                }
            }
        }
        for (table, old, new) in &self.columns {
            let Some(t) = live.tables.get_mut(table) else {
                continue;
            };
            for c in &mut t.columns {
                if c.name == *old {
                    c.name = new.clone();
                }
            }
            for name in t
                .primary_key
                .iter_mut()
                .chain(t.foreign_keys.iter_mut().flat_map(|f| f.columns.iter_mut()))
            {
                if name == old {
                    *name = new.clone();
                }
            }
        }
        self.rename_indexes(live);
    }

    /// An index named as Invect names it under the old names takes the name
    /// it has under the new ones.
    fn rename_indexes(&self, live: &mut LiveSchema) {
        for (table, t) in &mut live.tables {
            let old_table = self.live_table(table);
            for index in &mut t.indexes {
                let old_columns: Vec<String> = index
                    .columns
                    .iter()
                    .map(|c| self.old_column(table, c))
                    .collect();
                let def = |cols: Vec<String>| IndexDef {
                    columns: cols.into_iter().map(Into::into).collect(),
                    unique: index.unique,
                };
                if index.name == def(old_columns.clone()).name(&old_table) {
                    let renamed: Vec<String> = old_columns
                        .iter()
                        .map(|c| self.new_column(table, c))
                        .collect();
                    for (col, new) in index.columns.iter_mut().zip(&renamed) {
                        *col = new.clone();
                    }
                    index.name = def(renamed).name(table);
                }
            }
        }
    }

    fn old_column(&self, table: &str, live: &str) -> String {
        // After `apply_to` renamed the columns, a live name may be the new one.
        self.columns
            .iter()
            .find(|(t, _, n)| t == table && n == live)
            .map_or(live, |(_, o, _)| o)
            .to_string()
    }

    fn new_column(&self, table: &str, old: &str) -> String {
        self.columns
            .iter()
            .find(|(t, o, _)| t == table && o == old)
            .map_or(old, |(_, _, n)| n)
            .to_string()
    }
}
