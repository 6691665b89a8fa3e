//! The reverse of a migration: the down file's statements.

use std::collections::BTreeSet;

use super::renames::Renames;
use super::{DiffOptions, MigrationPlan, SchemaDiff};
use crate::dialect::Dialect;
use crate::merge::Schema;

/// The reverse of [`plan_migration`]`(old, new)`: the statements taking the
/// database from `target` (the plan's) back to `old`. Dropped tables and
/// columns come back as definitions, without their data; enum values added
/// stay (no dialect removes one safely).
pub fn plan_reverse(
    d: &dyn Dialect,
    old: &Schema,
    new: &Schema,
    target: &Schema,
    prefix: &str,
) -> Result<Vec<String>, Vec<String>> {
    if old.tables.is_empty() {
        return Ok(drop_database(d, target, prefix));
    }
    let back = Renames::between(old, new).reversed(old);
    let renames = Renames::between(target, &back);
    let aligned = renames.apply(target);
    let options = DiffOptions {
        allow_drop: true,
        allow_narrowing: true,
    };
    let mut diff = SchemaDiff {
        d,
        old: target,
        aligned: &aligned,
        new: &back,
        prefix,
        options,
        reverse: true,
        renames: &renames,
        // The target names the tables a SQLite rebuild must keep the
        // referencing rows of (`changed_table`): without it a down file
        // rebuilding a parent table dropped it with every child row cascading.
        plan: MigrationPlan {
            target: back.clone(),
            ..MigrationPlan::default()
        },
        reasons: Vec::new(),
        rebuilt: BTreeSet::new(),
    };
    diff.run();
    let plan = diff.finish()?;
    let mut out = plan.enum_values;
    out.extend(plan.statements);
    out.extend(plan.online_indexes.into_iter().map(|i| i.sql));
    Ok(out)
}

/// Every table of `schema` dropped, children first, then the record table
/// and the enum types: the reverse of the first migration.
fn drop_database(d: &dyn Dialect, schema: &Schema, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = schema
        .tables
        .iter()
        .rev()
        .map(|t| d.drop_table(&t.def.name))
        .collect();
    out.push(d.drop_table(&crate::meta::meta_table_name(prefix)));
    out.extend(schema.enums().into_iter().filter_map(|e| d.drop_enum(e)));
    out
}
