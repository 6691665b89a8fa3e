//! Columns push changes in place: widening types and NOT NULL → nullable,
//! by the rule migrations use (`invect_schema::classify`); never a
//! narrowing change, which needs a migration's opt-in and its data checks.

use std::collections::BTreeMap;

use invect_schema::{
    ChangeKind, ColumnChange, ColumnDef, Dialect, DialectKind, Name, Schema, TableAlter, classify,
    type_changed,
};

use super::Plan;
use crate::introspect::{LiveSchema, live_type, type_matches};
use crate::report::Drift;

/// The columns whose type or nullability differ, as the live database has them.
#[derive(Default)]
pub(super) struct Changes {
    /// By declared table: each column as it is live (declared otherwise).
    by_table: BTreeMap<String, Vec<ColumnDef>>,
    refusals: Vec<String>,
}

impl Changes {
    /// Takes a type or nullability drift; `false` for any other.
    pub fn take(
        &mut self,
        kind: DialectKind,
        schema: &Schema,
        live: &LiveSchema,
        drift: &Drift,
    ) -> bool {
        let (Drift::TypeMismatch { table, column, .. }
        | Drift::NullabilityMismatch { table, column, .. }) = drift
        else {
            return false;
        };
        let declared = schema.table(table).and_then(|t| t.def.column(column));
        let found = live.tables.get(table).and_then(|t| t.column(column));
        let (Some(now), Some(found)) = (declared, found) else {
            return false;
        };
        let seen = self.by_table.entry(table.clone()).or_default();
        if seen.iter().any(|c| c.name == *column) {
            return true;
        }
        let ty = if type_matches(kind, &now.ty, found) {
            Some(now.ty.clone())
        } else {
            live_type(kind, found)
        };
        let Some(ty) = ty else {
            self.refusals.push(format!(
                "{drift}; push cannot change that type: write a migration (`invect-cli migrate`)"
            ));
            return true;
        };
        let mut was = now.clone();
        was.ty = ty;
        was.nullable = found.nullable;
        seen.push(was);
        true
    }

    /// The statements changing the columns taken, or why push will not.
    pub fn plan(self, d: &dyn Dialect, schema: &Schema, live: &LiveSchema, plan: &mut Plan) {
        plan.refusals.extend(self.refusals);
        for (table, columns) in &self.by_table {
            let Some(t) = schema.table(table) else {
                continue;
            };
            let mut changed = Vec::new();
            for was in columns {
                let Some(now) = t.def.column(&was.name) else {
                    continue;
                };
                match classify(d, was, now, (table, &was.name)) {
                    ChangeKind::Same => {}
                    ChangeKind::Automatic => changed.push(ColumnChange {
                        before: was,
                        after: now,
                        type_changed: type_changed(d, &was.ty, &now.ty),
                    }),
                    ChangeKind::Narrowing(_) => plan.refusals.push(format!(
                        "column `{table}.{}` would change type or nullability from {} to {}, a narrowing \
                         change push never makes: write a migration (`invect-cli migrate --allow-narrowing` checks the rows first)",
                        was.name,
                        describe(was),
                        describe(now)
                    )),
                    ChangeKind::Unsupported(reason) => plan.refusals.push(reason),
                }
            }
            if changed.is_empty() {
                continue;
            }
            if let Some(refusal) = rebuild_loses_columns(d, table, &t.def, live) {
                plan.refusals.push(refusal);
                continue;
            }
            let alter = TableAlter {
                current: &t.def,
                after: &t.def,
                changed,
                dropped: Vec::new(),
                referenced_by: referencing(live, table),
            };
            plan.statements.extend(d.alter_table(&alter));
        }
    }
}

/// A rebuild (SQLite) makes the table anew from its declaration: columns
/// the live table has and the declaration lacks would be lost.
fn rebuild_loses_columns(
    d: &dyn Dialect,
    table: &str,
    def: &invect_schema::TableDef,
    live: &LiveSchema,
) -> Option<String> {
    if !d.rebuilds_tables() {
        return None;
    }
    let extra: Vec<&str> = live
        .tables
        .get(table)?
        .columns
        .iter()
        .filter(|c| def.column(&c.name).is_none())
        .map(|c| c.name.as_str())
        .collect();
    (!extra.is_empty()).then(|| {
        format!(
            "changing a column of `{table}` rebuilds it on SQLite, which would lose its undeclared \
             column(s) {}; write a migration (`invect-cli migrate`), which keeps them",
            extra.join(", ")
        )
    })
}

/// Every live table whose foreign keys lead to `table`, parents first.
fn referencing(live: &LiveSchema, table: &str) -> Vec<Name> {
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    let mut targets = vec![table.to_string()];
    while i < targets.len() {
        let target = targets[i].clone();
        for (name, t) in &live.tables {
            let refers = t.foreign_keys.iter().any(|fk| fk.target_table == target);
            if refers && name != table && !found.contains(name) {
                found.push(name.clone());
                targets.push(name.clone());
            }
        }
        i += 1;
    }
    found.into_iter().map(Name::from).collect()
}

fn describe(c: &ColumnDef) -> String {
    let null = if c.nullable { "nullable" } else { "NOT NULL" };
    format!("{null} {}", c.ty)
}
