//! `migrate --adopt`: take over tables another tool made (the TypeScript
//! Invect's drizzle-kit) that have a declared table's name, or the name it
//! declares as earlier (`renamed_from`), and match its declaration. Under
//! the database's lock, in one transaction where DDL is transactional, it
//! records them as Invect's, renames what is declared renamed, converts the
//! types the dialect converts without changing a value, gives indexes and
//! (PostgreSQL) foreign keys Invect's names, sets the declared defaults that
//! differ (SQLite: by a rebuild, `rebuild.rs`), then adds what is missing
//! as push does. What does
//! not match is refused, each table and column named, before anything runs.

mod check;
mod rebuild;

use std::collections::{BTreeMap, BTreeSet};

use invect_schema::meta::record_sql;
use invect_schema::{Dialect, Schema, TableDef, foreign_key_name};

use crate::db::Db;
use crate::driver::Conn;
use crate::error::{Error, Result};
use crate::introspect::LiveSchema;
use crate::push::{Plan, plan_on, read_state, run};

/// A table adoption takes over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptedTable {
    /// Its declared name.
    pub table: String,
    /// The name it had, when adoption renames it.
    pub renamed_from: Option<String>,
}

/// What adoption does (or would do), or why it will not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdoptPlan {
    /// The tables taken over, in creation order.
    pub tables: Vec<AdoptedTable>,
    /// Every statement, in order (push's additions last).
    pub statements: Vec<String>,
    /// What adoption leaves as it found it: columns, indexes and foreign
    /// keys the declaration does not name.
    pub kept: Vec<String>,
    /// Why it will not adopt; when any, nothing runs.
    pub refusals: Vec<String>,
}

/// What adoption would do now; changes nothing.
pub async fn plan_adoption(db: &Db, schema: &Schema, prefix: &str) -> Result<AdoptPlan> {
    let mut conn = db.acquire().await?;
    conn.begin_read().await?;
    let plan = build(&mut conn, schema, prefix).await;
    let ended = conn.end_read().await;
    let plan = plan?;
    ended?;
    Ok(plan)
}

/// Adopts the database's tables for `schema`; `Error::AdoptRefused`, with
/// nothing changed, when any differs. Holds the lock push and migrations
/// take; PostgreSQL and SQLite run it all in one transaction, MySQL (whose
/// DDL commits as it goes) records each table before changing it, so that
/// adoption or push completes what a failure left.
pub async fn adopt(db: &Db, schema: &Schema, prefix: &str) -> Result<AdoptPlan> {
    let mut conn = db.acquire().await?;
    if !conn.driver().transactional_ddl() {
        conn.lock_session().await?;
        let result = build_and_run(&mut conn, schema, prefix).await;
        return conn.unlock_session(result).await;
    }
    conn.begin_locked().await?;
    let result = build_and_run(&mut conn, schema, prefix).await;
    conn.end_locked(result).await
}

async fn build_and_run(conn: &mut Conn, schema: &Schema, prefix: &str) -> Result<AdoptPlan> {
    let plan = build(conn, schema, prefix).await?;
    if !plan.refusals.is_empty() {
        return Err(Error::AdoptRefused {
            reasons: plan.refusals,
        });
    }
    let statements = Plan {
        statements: plan.statements.clone(),
        ..Plan::default()
    };
    run(conn, statements).await?;
    Ok(plan)
}

async fn build(conn: &mut Conn, schema: &Schema, prefix: &str) -> Result<AdoptPlan> {
    let kind = conn.kind();
    let d = kind.dialect();
    let (mut live, mut recorded, mut plan) = read_state(conn, prefix).await?;
    let mut out = AdoptPlan::default();
    let found = candidates(schema, &live, &recorded);
    let names: BTreeMap<String, String> = found
        .iter()
        .map(|(t, live_name)| (live_name.clone(), t.def.name.to_string()))
        .collect();
    let mut taken = Vec::new();
    for (t, live_name) in &found {
        let mut one = check::table(kind, &t.def, live_name, &live, &names);
        for c in &one.conversions {
            let Some(condition) = &c.conversion.changes_value else {
                continue;
            };
            let sql = format!(
                "SELECT COUNT(*) FROM {} WHERE {condition}",
                d.quote(live_name)
            );
            let n = conn.int(&sql).await?.unwrap_or(0);
            if n > 0 {
                one.refusals.push(format!(
                    "column `{live_name}.{}`: {n} row(s) hold values its declared type `{}` \
                     would not keep exactly; convert them by hand first",
                    c.column,
                    t.def
                        .column(&c.column)
                        .map(|c| d.column_type(&c.ty).to_lowercase())
                        .unwrap_or_default()
                ));
            }
        }
        out.refusals.append(&mut one.refusals);
        out.kept.append(&mut one.kept);
        taken.push(one);
    }
    if !out.refusals.is_empty() {
        return Ok(out);
    }
    for (t, live_name) in &found {
        let name = t.def.name.to_string();
        if !recorded.contains(&name) {
            // Recorded first: on MySQL a failure later must not leave an
            // adopted table that looks foreign.
            plan.statements
                .push(record_sql(d, prefix, &name, &t.origin.to_string()));
            recorded.insert(name.clone());
        }
        let renamed = (*live_name != name).then(|| live_name.clone());
        if let Some(old) = &renamed {
            plan.statements.push(d.rename_table(old, &name));
            rename_in(&mut live, old, &name);
        }
        out.tables.push(AdoptedTable {
            table: name,
            renamed_from: renamed,
        });
    }
    let defs: Vec<&TableDef> = found.iter().map(|(t, _)| &t.def).collect();
    out.refusals = take(d, &defs, &taken, &mut live, &mut plan);
    if !out.refusals.is_empty() {
        return Ok(out);
    }
    let plan = plan_on(conn, schema, prefix, live, recorded, plan).await?;
    out.statements = plan.statements;
    out.refusals = plan.refusals;
    Ok(out)
}

/// Each declared table adoption takes over, with its live name: one Invect
/// has not recorded, under the declared name or else the earlier one.
fn candidates<'a>(
    schema: &'a Schema,
    live: &LiveSchema,
    recorded: &BTreeSet<String>,
) -> Vec<(&'a invect_schema::SchemaTable, String)> {
    let mut out = Vec::new();
    for t in &schema.tables {
        let name = t.def.name.to_string();
        if recorded.contains(&name) {
            continue;
        }
        if live.tables.contains_key(&name) {
            out.push((t, name));
        } else if let Some(old) = &t.def.renamed_from
            && live.tables.contains_key(old.as_ref())
            && !recorded.contains(old.as_ref())
            && schema.table(old).is_none()
        {
            out.push((t, old.to_string()));
        }
    }
    out
}

/// `live` with table `old` named `new`, and the foreign keys to it.
fn rename_in(live: &mut LiveSchema, old: &str, new: &str) {
    if let Some(t) = live.tables.remove(old) {
        live.tables.insert(new.to_string(), t);
    }
    for t in live.tables.values_mut() {
        for fk in &mut t.foreign_keys {
            if fk.target_table == old {
                fk.target_table = new.to_string();
            }
        }
    }
}

/// Adds the adopted tables' renames, conversions (with the foreign keys
/// they need dropped and made again) and defaults to `plan`, and makes
/// `live` what they leave, so that push plans only what is left; why it
/// cannot, if it cannot.
fn take(
    d: &dyn Dialect,
    defs: &[&TableDef],
    taken: &[check::Taken],
    live: &mut LiveSchema,
    plan: &mut Plan,
) -> Vec<String> {
    for (def, one) in defs.iter().zip(taken) {
        plan.statements.extend(one.renames.iter().cloned());
        for e in &one.enums {
            if !live.enums.contains_key(e.name.as_ref()) {
                plan.statements.extend(d.create_enum(e));
                let values = e.values.iter().map(|v| v.to_string()).collect();
                live.enums.insert(e.name.to_string(), values);
            }
        }
        if let Some(lt) = live.tables.get_mut(def.name.as_ref()) {
            for (old, new) in &one.index_names {
                for i in lt.indexes.iter_mut().filter(|i| i.name == *old) {
                    i.name = new.clone();
                }
            }
        }
    }
    let converted: BTreeSet<(String, String)> = defs
        .iter()
        .zip(taken)
        .flat_map(|(def, one)| {
            one.conversions
                .iter()
                .map(|c| (def.name.to_string(), c.column.clone()))
        })
        .collect();
    let whole: Vec<String> = defs.iter().filter_map(|t| d.adopt_table(&t.name)).collect();
    let tables: BTreeSet<String> = match whole.is_empty() {
        true => BTreeSet::new(),
        false => defs.iter().map(|t| t.name.to_string()).collect(),
    };
    let (drops, again, refusals) = keys_in_the_way(d, defs, &converted, &tables, live);
    if !refusals.is_empty() {
        return refusals;
    }
    plan.statements.extend(drops);
    plan.statements.extend(whole);
    for (def, one) in defs.iter().zip(taken) {
        let Some(lt) = live.tables.get_mut(def.name.as_ref()) else {
            continue;
        };
        for c in &one.conversions {
            plan.statements
                .extend(c.conversion.statements.iter().cloned());
            let declared = def.column(&c.column);
            let found = lt.columns.iter_mut().find(|l| l.name == c.column);
            if let (Some(declared), Some(lc)) = (declared, found) {
                lc.data_type = d.column_type(&declared.ty).to_lowercase();
            }
        }
    }
    for (table, column) in again {
        let def = defs.iter().find(|t| t.name == table.as_str());
        let Some(c) = def.and_then(|t| t.column(&column)) else {
            continue;
        };
        let Some(r) = &c.references else { continue };
        plan.statements.push(format!(
            "ALTER TABLE {} ADD {}",
            d.quote(&table),
            d.foreign_key(&table, c, r)
        ));
        let fks = live.tables.get_mut(&table).map(|t| &mut t.foreign_keys);
        for fk in fks
            .into_iter()
            .flatten()
            .filter(|f| f.columns == [column.clone()])
        {
            fk.name = foreign_key_name(&table, &column);
        }
    }
    let mut refusals = Vec::new();
    for (def, one) in defs.iter().zip(taken) {
        for column in &one.defaults {
            if let Some(sql) = def.column(column).and_then(|c| d.set_default(&def.name, c)) {
                plan.statements.push(sql);
            }
        }
        if one.rebuild {
            match rebuild::rebuild(d.kind(), def, live) {
                Ok(statements) => plan.statements.extend(statements),
                Err(reason) => refusals.push(reason),
            }
        }
    }
    refusals
}

/// The foreign keys of or to a converted column (or any column of
/// `tables`, converted whole) where the dialect changes a key column's
/// type only without them: the statements dropping them,
/// the `(table, column)` of each to make again as declared, and a refusal
/// for each the declaration does not have.
fn keys_in_the_way(
    d: &dyn Dialect,
    defs: &[&TableDef],
    converted: &BTreeSet<(String, String)>,
    tables: &BTreeSet<String>,
    live: &LiveSchema,
) -> (Vec<String>, Vec<(String, String)>, Vec<String>) {
    let (mut drops, mut again, mut refusals) = (Vec::new(), Vec::new(), Vec::new());
    for (table, lt) in &live.tables {
        for fk in &lt.foreign_keys {
            let ours = fk
                .columns
                .iter()
                .any(|c| converted.contains(&(table.clone(), c.clone())));
            let theirs = fk
                .target_columns
                .iter()
                .any(|c| converted.contains(&(fk.target_table.clone(), c.clone())));
            let whole = tables.contains(table) || tables.contains(&fk.target_table);
            if !ours && !theirs && !whole {
                continue;
            }
            let Some(drop) = d.drop_foreign_key_to_retype(table, &fk.name) else {
                continue;
            };
            let declared = defs
                .iter()
                .find(|t| t.name == table.as_str())
                .and_then(|t| t.column(fk.columns.first()?))
                .is_some_and(|c| c.references.is_some());
            if fk.columns.len() != 1 || !declared {
                refusals.push(format!(
                    "foreign key `{}` of `{table}` is not declared, and the type of its columns \
                     changes only without it: drop it by hand first",
                    fk.name
                ));
                continue;
            }
            drops.push(drop);
            again.push((table.clone(), fk.columns[0].clone()));
        }
    }
    (drops, again, refusals)
}
