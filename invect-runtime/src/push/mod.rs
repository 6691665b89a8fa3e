//! `migrate --push`: bring a database up to the declared schema with
//! additive statements only, under a lock, all-or-nothing where the dialect
//! allows it and re-runnable where it does not (MySQL).

use std::collections::BTreeSet;

use invect_schema::alter::{add_needs_empty_table, cannot_add_column};
use invect_schema::meta::{meta_table, meta_table_name, record_sql};
use invect_schema::{Dialect, Schema, render_table};

use crate::db::Db;
use crate::diff::diff;
use crate::driver::Conn;
use crate::error::{Error, Result};
use crate::introspect::LiveSchema;
use crate::renames::Pending;
use crate::report::Drift;

mod changes;
use changes::Changes;

/// The statements a push would run, or why it cannot run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// SQL to run, in order; empty when the database is up to date.
    pub statements: Vec<String>,
    /// What push will not do, each with what a migration must do instead.
    pub refusals: Vec<String>,
    /// Those of `statements` that add values to existing enum types
    /// (PostgreSQL's `ALTER TYPE … ADD VALUE`, MySQL's `MODIFY COLUMN`):
    /// where DDL is transactional, push commits them before the rest, as
    /// PostgreSQL cannot use a value in the transaction that added it.
    pub enum_values: Vec<String>,
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Every statement executed, in order.
    pub statements: Vec<String>,
}

/// The statements a push would run now; changes nothing.
pub async fn plan(db: &Db, schema: &Schema, prefix: &str) -> Result<Plan> {
    let mut conn = db.acquire().await?;
    conn.begin_read().await?;
    let plan = build_plan(&mut conn, schema, prefix).await;
    let ended = conn.end_read().await;
    let plan = plan?;
    ended?;
    Ok(plan)
}

/// Applies the schema additively. PostgreSQL and SQLite run every statement
/// in one transaction, except that values added to existing enum types are
/// committed first in a transaction of their own (a value cannot be used in
/// the transaction that added it), the database's lock held across both;
/// MySQL (whose DDL commits as it goes) runs steps that a later push can
/// complete. Concurrent pushes and migrations of one database wait for each
/// other: both take the database's one lock (a PostgreSQL advisory lock
/// keyed on the database name, a MySQL `GET_LOCK` named after it, SQLite's
/// write lock).
pub async fn push(db: &Db, schema: &Schema, prefix: &str) -> Result<PushReport> {
    let mut conn = db.acquire().await?;
    if !conn.driver().transactional_ddl() {
        conn.lock_session().await?;
        let result = apply(&mut conn, schema, prefix).await;
        return conn.unlock_session(result).await;
    }
    conn.begin_locked().await?;
    let plan = match build_plan(&mut conn, schema, prefix).await {
        Ok(plan) => plan,
        Err(e) => return conn.end_locked(Err(e)).await,
    };
    if plan.enum_values.is_empty() || !plan.refusals.is_empty() {
        let result = run(&mut conn, plan).await;
        return conn.end_locked(result).await;
    }
    // Taken inside the transaction, whose lock this session already holds,
    // so no other push or migration can start between the two transactions.
    match conn.lock_session().await {
        Ok(true) => {}
        Ok(false) => {
            let result = run(&mut conn, plan).await;
            return conn.end_locked(result).await;
        }
        Err(e) => return conn.end_locked(Err(e)).await,
    }
    let result = enum_values_first(&mut conn, plan.enum_values, schema, prefix).await;
    conn.unlock_session(result).await
}

/// Runs `enum_values` in the open locked transaction and commits it, then
/// plans and applies the rest in a second one; the caller holds the
/// session lock throughout.
async fn enum_values_first(
    conn: &mut Conn,
    enum_values: Vec<String>,
    schema: &Schema,
    prefix: &str,
) -> Result<PushReport> {
    let first = Plan {
        statements: enum_values,
        ..Plan::default()
    };
    let added = run(conn, first).await;
    let mut report = conn.end_locked(added).await?;
    conn.begin_locked().await?;
    let rest = apply(conn, schema, prefix).await;
    report
        .statements
        .extend(conn.end_locked(rest).await?.statements);
    Ok(report)
}

/// Plans and runs the additive statements on `conn`, which the caller has
/// locked (and, where the dialect allows it, put in a transaction).
pub(crate) async fn apply(conn: &mut Conn, schema: &Schema, prefix: &str) -> Result<PushReport> {
    let plan = build_plan(conn, schema, prefix).await?;
    run(conn, plan).await
}

/// Runs `plan`'s statements on `conn`, or refuses it.
pub(crate) async fn run(conn: &mut Conn, plan: Plan) -> Result<PushReport> {
    if !plan.refusals.is_empty() {
        return Err(Error::PushRefused {
            reasons: plan.refusals,
        });
    }
    for sql in &plan.statements {
        if let Err(e) = conn.execute(sql).await {
            return Err(Error::Statement {
                sql: sql.clone(),
                source: Box::new(e),
            });
        }
    }
    Ok(PushReport {
        statements: plan.statements,
    })
}

async fn build_plan(conn: &mut Conn, schema: &Schema, prefix: &str) -> Result<Plan> {
    let (live, recorded, plan) = read_state(conn, prefix).await?;
    plan_on(conn, schema, prefix, live, recorded, plan).await
}

/// The live schema, the tables Invect's record holds, and a plan that
/// creates the record table when the database has none.
pub(crate) async fn read_state(
    conn: &mut Conn,
    prefix: &str,
) -> Result<(LiveSchema, BTreeSet<String>, Plan)> {
    let d = conn.kind().dialect();
    let live = crate::introspect::introspect_conn(conn).await?;
    let meta = meta_table_name(prefix);
    let mut plan = Plan::default();
    let recorded: BTreeSet<String> = if live.tables.contains_key(&meta) {
        let sql = format!("SELECT {} FROM {}", d.quote("table_name"), d.quote(&meta));
        conn.strings(&sql).await?.into_iter().collect()
    } else {
        plan.statements.extend(render_table(d, &meta_table(prefix)));
        BTreeSet::new()
    };
    Ok((live, recorded, plan))
}

/// Adds to `plan` what push does to `live` (whose `recorded` tables are
/// Invect's): the declared renames first, then everything else as if they
/// had run.
pub(crate) async fn plan_on(
    conn: &mut Conn,
    schema: &Schema,
    prefix: &str,
    mut live: LiveSchema,
    mut recorded: BTreeSet<String>,
    mut plan: Plan,
) -> Result<Plan> {
    let kind = conn.kind();
    let d = kind.dialect();
    let renames = Pending::find(schema, &live, Some(&recorded));
    plan.statements
        .extend(renames.statements(d, schema, prefix, &live));
    renames.apply_to(&mut live, &mut recorded);
    let mut changes = Changes::default();
    for drift in diff(kind, schema, &live, &recorded) {
        if changes.take(kind, schema, &live, &drift) {
            continue;
        }
        add_step(conn, d, schema, prefix, &recorded, drift, &mut plan).await?;
    }
    changes.plan(d, schema, &live, &mut plan);
    Ok(plan)
}

async fn add_step(
    conn: &mut Conn,
    d: &'static dyn Dialect,
    schema: &Schema,
    prefix: &str,
    recorded: &BTreeSet<String>,
    drift: Drift,
    plan: &mut Plan,
) -> Result<()> {
    let table_def = |name: &str| schema.table(name).map(|t| &t.def);
    match &drift {
        Drift::MissingEnum { name } => {
            let e = schema.enums().into_iter().find(|e| e.name == *name);
            plan.statements.extend(e.and_then(|e| d.create_enum(e)));
        }
        Drift::MissingEnumValues { name, table, column, values } => {
            let Some(e) = schema.enums().into_iter().find(|e| e.name == *name) else { return Ok(()) };
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            let uses: Vec<_> = match (table.as_deref().and_then(table_def), column) {
                (Some(t), Some(c)) => t.column(c).map(|c| (t, c)).into_iter().collect(),
                _ => Vec::new(),
            };
            let added = d.extend_enum(e, &values, &uses);
            plan.statements.extend(added.iter().cloned());
            plan.enum_values.extend(added);
        }
        Drift::MissingTable { table } => {
            let Some(t) = schema.table(table) else { return Ok(()) };
            if !recorded.contains(table) {
                // Recorded first: on MySQL a crash after CREATE must not leave
                // an Invect table that looks foreign.
                plan.statements.push(record_sql(d, prefix, table, &t.origin.to_string()));
            }
            plan.statements.extend(render_table(d, &t.def));
        }
        Drift::MissingColumn { table, column } => {
            let Some(c) = table_def(table).and_then(|t| t.column(column)) else { return Ok(()) };
            match refuse_column(conn, d, table, c).await? {
                Some(reason) => plan.refusals.push(reason),
                None => plan.statements.extend(d.add_column(table, c)),
            }
        }
        Drift::MissingIndex { table, index } | Drift::InvalidIndex { table, index } => {
            let found = table_def(table).and_then(|t| t.effective_indexes().into_iter().find(|i| i.name(table) == *index));
            let Some(i) = found else { return Ok(()) };
            if matches!(drift, Drift::InvalidIndex { .. }) {
                plan.statements.push(d.drop_index(table, index));
            }
            plan.statements.push(d.create_index(table, &i));
        }
        Drift::TypeMismatch { .. } => plan.refusals.push(format!(
            "{drift}; push never changes a column's type: write a migration that converts it (e.g. add a new column, copy, swap)"
        )),
        Drift::NullabilityMismatch { .. } => plan.refusals.push(format!(
            "{drift}; push never changes nullability: write a migration (fill NULLs first when making a column NOT NULL)"
        )),
        Drift::BlockedTable { .. } | Drift::ForeignTable { .. } => plan.refusals.push(drift.to_string()),
        // Push is additive: a different index, key or default is verify's to report.
        Drift::IndexMismatch { .. }
        | Drift::MissingForeignKey { .. }
        | Drift::ForeignKeyMismatch { .. }
        | Drift::DefaultMismatch { .. } => {}
    }
    Ok(())
}

/// Why a missing column cannot be added in place, if it cannot: the rule
/// migrations follow too, told whether the table has rows (read only when
/// the answer matters).
async fn refuse_column(
    conn: &mut Conn,
    d: &dyn Dialect,
    table: &str,
    c: &invect_schema::ColumnDef,
) -> Result<Option<String>> {
    let has_rows = if add_needs_empty_table(d, c) {
        conn.exists(&format!("SELECT 1 FROM {} LIMIT 1", d.quote(table)))
            .await?
    } else {
        false
    };
    Ok(cannot_add_column(d, table, c, Some(has_rows)))
}
