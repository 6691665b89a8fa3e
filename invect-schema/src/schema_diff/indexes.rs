//! Indexes of tables both schemas have: renamed when their table or a
//! column was (index names follow them), dropped when no longer declared,
//! created online when new.

use std::borrow::Cow;

use super::SchemaDiff;
use crate::model::{IndexDef, TableDef};

/// Each index the old table had, under the new names, with its live name.
fn old_indexes(diff: &SchemaDiff, table: &str) -> Vec<(IndexDef, String)> {
    let old_name = diff.renames.old_table(table);
    let Some(old) = diff.old.table(&old_name) else {
        return Vec::new();
    };
    old.def
        .effective_indexes()
        .into_iter()
        .map(|i| {
            let live = i.name(&old_name);
            let columns = i
                .columns
                .iter()
                .map(|c| Cow::Owned(diff.renames.new_column_of(table, c)))
                .collect();
            let renamed = IndexDef {
                columns: Cow::Owned(columns),
                unique: i.unique,
            };
            (renamed, live)
        })
        .collect()
}

/// Renames and drops, run before columns change: index names follow the
/// new table and column names; an index no longer declared goes (unless it
/// is on one column being dropped, which takes it along).
pub(super) fn early(diff: &SchemaDiff) -> Vec<String> {
    let mut out = Vec::new();
    for t in &diff.new.tables {
        if diff.aligned.table(&t.def.name).is_none() {
            continue;
        }
        let after = diff.after_def(&t.def);
        let wanted = after.effective_indexes();
        for (index, live) in old_indexes(diff, &t.def.name) {
            let name = index.name(&t.def.name);
            if wanted.contains(&index) {
                if live != name {
                    out.extend(diff.d.rename_index(&t.def.name, &live, &name, &index));
                }
            } else if !goes_with_column(&after, &index) {
                out.push(diff.d.drop_index(&t.def.name, &live));
            }
        }
    }
    out
}

/// A one-column index on a column `after` no longer has.
fn goes_with_column(after: &TableDef, index: &IndexDef) -> bool {
    index.columns.len() == 1 && after.column(&index.columns[0]).is_none()
}

/// Indexes new to existing tables, built online (tables rebuilt already
/// have every index; new tables get theirs with `CREATE TABLE`).
pub(super) fn late(diff: &mut SchemaDiff) {
    for t in &diff.new.tables {
        if diff.aligned.table(&t.def.name).is_none() || diff.rebuilt.contains(t.def.name.as_ref()) {
            continue;
        }
        let had: Vec<IndexDef> = old_indexes(diff, &t.def.name)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        let after = diff.after_def(&t.def);
        for index in after.effective_indexes() {
            if had.contains(&index) {
                continue;
            }
            let d = diff.d;
            if diff.reverse {
                diff.plan
                    .statements
                    .push(d.create_index(&t.def.name, &index));
            } else if d.online_index_needs_own_file() {
                diff.plan.online_indexes.push(super::OnlineIndex {
                    table: t.def.name.to_string(),
                    name: index.name(&t.def.name),
                    sql: d.create_index_online(&t.def.name, &index),
                });
            } else {
                diff.plan
                    .statements
                    .push(d.create_index_online(&t.def.name, &index));
            }
        }
    }
}
