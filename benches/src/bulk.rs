//! Hand-written bulk inserts of `node_executions`, the best plain sqlx can
//! do: multi-row `INSERT ... VALUES` of `chunk` rows per statement (a
//! prepared statement reused for every full chunk), all in one transaction;
//! on PostgreSQL also one array per column through `UNNEST`.

use invect_runtime::core::NewNodeExecution;
use invect_runtime::{Db, InvectEnum, Pool};
use invect_schema::DialectKind;

use crate::hand;

const COLUMNS: &str = "id, flow_run_id, node_id, node_type, status, inputs, outputs, error, \
                       started_at, completed_at, duration, retry_count";

/// `INSERT INTO node_executions (...) VALUES (...), ...` for `rows` rows.
fn values_sql(kind: DialectKind, rows: usize) -> String {
    let mut sql = format!("INSERT INTO node_executions ({COLUMNS}) VALUES ");
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..12 {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            match kind {
                DialectKind::Postgres if c == 4 => {
                    sql.push_str(&format!("${n}::node_execution_status"))
                }
                DialectKind::Postgres => sql.push_str(&format!("${n}")),
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// Binds every column of `rows` in order, with one dialect's converters.
macro_rules! bind_rows {
    ($q:expr, $rows:expr, $m:ident) => {{
        let mut q = $q;
        for r in $rows {
            q = q
                .bind(r.id.map(hand::$m::uuid))
                .bind(hand::$m::uuid(r.flow_run_id))
                .bind(&r.node_id)
                .bind(&r.node_type)
                .bind(r.status.map(|s| s.as_str()))
                .bind(hand::$m::json(&r.inputs))
                .bind(r.outputs.as_ref().map(hand::$m::json))
                .bind(&r.error)
                .bind(r.started_at.map(hand::$m::date))
                .bind(r.completed_at.map(hand::$m::date))
                .bind(r.duration)
                .bind(r.retry_count);
        }
        q
    }};
}

/// The generated statement's shape for `rows` rows (`COALESCE(?, default)`
/// on defaulted columns), to tell the SQL's cost from the code's.
fn generated_sql(kind: DialectKind, rows: usize) -> String {
    use invect_runtime::Table;
    use invect_schema::statements::{insert_head, insert_values};
    let (d, t) = (kind.dialect(), invect_runtime::core::NodeExecution::DEF);
    let mut sql = insert_head(d, t);
    for i in 0..rows {
        sql.push_str(if i == 0 { "(" } else { ", (" });
        sql.push_str(&insert_values(d, t.columns.iter(), i * t.columns.len() + 1));
        sql.push(')');
    }
    sql
}

/// Inserts `rows` with multi-row VALUES of `chunk` rows, in one transaction.
pub async fn insert_values(
    db: &Db,
    rows: &[NewNodeExecution],
    chunk: usize,
) -> Result<u64, sqlx::Error> {
    insert_values_as(db, rows, chunk, values_sql).await
}

/// [`insert_values`] with the generated statement's SQL text.
pub async fn insert_values_generated_sql(
    db: &Db,
    rows: &[NewNodeExecution],
    chunk: usize,
) -> Result<u64, sqlx::Error> {
    insert_values_as(db, rows, chunk, generated_sql).await
}

async fn insert_values_as(
    db: &Db,
    rows: &[NewNodeExecution],
    chunk: usize,
    values_sql: fn(DialectKind, usize) -> String,
) -> Result<u64, sqlx::Error> {
    let kind = db.kind();
    let full: &'static str = Box::leak(values_sql(kind, chunk).into_boxed_str());
    let sql_for = |n: usize| -> sqlx::SqlStr {
        use sqlx::SqlSafeStr;
        if n == chunk {
            full.into_sql_str()
        } else {
            sqlx::AssertSqlSafe(values_sql(kind, n)).into_sql_str()
        }
    };
    let mut total = 0;
    match db.pool() {
        Pool::Sqlite(p) => {
            let mut tx = p.begin().await?;
            for c in rows.chunks(chunk) {
                let q = bind_rows!(sqlx::query(sql_for(c.len())), c, sqlite);
                total += q.execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
        }
        Pool::Postgres(p) => {
            let mut tx = p.begin().await?;
            for c in rows.chunks(chunk) {
                let q = bind_rows!(sqlx::query(sql_for(c.len())), c, postgres);
                total += q.execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
        }
        Pool::Mysql(p) => {
            let mut tx = p.begin().await?;
            for c in rows.chunks(chunk) {
                let q = bind_rows!(sqlx::query(sql_for(c.len())), c, mysql);
                total += q.execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
        }
    }
    Ok(total)
}

const UNNEST_SQL: &str = "INSERT INTO node_executions (id, flow_run_id, node_id, node_type, \
    status, inputs, outputs, error, started_at, completed_at, duration, retry_count) \
    SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], \
    $5::text[]::node_execution_status[], $6::jsonb[], $7::jsonb[], $8::text[], \
    $9::timestamptz[], $10::timestamptz[], $11::int4[], $12::int4[])";

/// PostgreSQL: one `INSERT ... SELECT * FROM UNNEST(...)` per `chunk` rows,
/// binding one array per column, in one transaction.
pub async fn insert_unnest(
    pool: &sqlx::PgPool,
    rows: &[NewNodeExecution],
    chunk: usize,
) -> Result<u64, sqlx::Error> {
    use sqlx::types::Json;
    let mut tx = pool.begin().await?;
    let mut total = 0;
    for c in rows.chunks(chunk) {
        let q = sqlx::query(UNNEST_SQL)
            .bind(c.iter().map(|r| r.id).collect::<Vec<_>>())
            .bind(c.iter().map(|r| r.flow_run_id).collect::<Vec<_>>())
            .bind(c.iter().map(|r| r.node_id.as_str()).collect::<Vec<_>>())
            .bind(c.iter().map(|r| r.node_type.as_str()).collect::<Vec<_>>())
            .bind(
                c.iter()
                    .map(|r| r.status.map(|s| s.as_str()))
                    .collect::<Vec<_>>(),
            )
            .bind(c.iter().map(|r| Json(&r.inputs)).collect::<Vec<_>>())
            .bind(
                c.iter()
                    .map(|r| r.outputs.as_ref().map(Json))
                    .collect::<Vec<_>>(),
            )
            .bind(c.iter().map(|r| r.error.as_deref()).collect::<Vec<_>>())
            .bind(
                c.iter()
                    .map(|r| r.started_at.map(hand::postgres::date))
                    .collect::<Vec<_>>(),
            )
            .bind(
                c.iter()
                    .map(|r| r.completed_at.map(hand::postgres::date))
                    .collect::<Vec<_>>(),
            )
            .bind(c.iter().map(|r| r.duration).collect::<Vec<_>>())
            .bind(c.iter().map(|r| r.retry_count).collect::<Vec<_>>());
        total += q.execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(total)
}

/// The table [`insert_from_copy`] reads: the batch, written once.
const FLOOR_TABLE: &str = "node_executions_floor";

/// Writes `rows` once into a table of the same shape as `node_executions`
/// (PostgreSQL's JSON kept as text, so the copy back parses it as any client
/// form's insert does), for [`insert_from_copy`]; then empties `node_executions`.
pub async fn stage_floor(db: &Db, rows: &[NewNodeExecution]) -> Result<(), sqlx::Error> {
    insert_values(db, rows, 500).await?;
    raw(db, &format!("DROP TABLE IF EXISTS {FLOOR_TABLE}")).await?;
    let json_as_text = json_cast(db.kind(), "text");
    let copy = format!("CREATE TABLE {FLOOR_TABLE} AS SELECT {json_as_text} FROM node_executions");
    raw(db, &copy).await?;
    empty(db).await
}

/// Empties `node_executions` without leaving dead rows behind (PostgreSQL's
/// autovacuum and InnoDB's purge of a `DELETE`d batch would otherwise land
/// in some later form's timing, and bloat its indexes round by round).
pub async fn empty(db: &Db) -> Result<(), sqlx::Error> {
    let sql = match db.kind() {
        // CASCADE: other tables' keys point at it (they are empty here).
        DialectKind::Postgres => "TRUNCATE node_executions CASCADE",
        // InnoDB refuses TRUNCATE of a table other tables' keys point at.
        DialectKind::Mysql => {
            "SET FOREIGN_KEY_CHECKS = 0; TRUNCATE TABLE node_executions; \
             SET FOREIGN_KEY_CHECKS = 1"
        }
        // SQLite's unconditioned DELETE already drops the table's pages.
        DialectKind::Sqlite => "DELETE FROM node_executions",
    };
    raw(db, sql).await.map(|_| ())
}

/// The server's insert work alone, no client encoding, protocol or per-row
/// parameters: `INSERT INTO node_executions SELECT` the staged copy (JSON
/// parsed from text on PostgreSQL, as every client form's insert parses it).
/// No client-side form can be faster, so this bounds what a better
/// statement shape (COPY, UNNEST) can gain over multi-row VALUES.
pub async fn insert_from_copy(db: &Db) -> Result<u64, sqlx::Error> {
    let values = json_cast(db.kind(), "jsonb");
    let sql = format!("INSERT INTO node_executions ({COLUMNS}) SELECT {values} FROM {FLOOR_TABLE}");
    raw(db, &sql).await
}

/// [`COLUMNS`] as a select list with the JSON columns cast to `ty` on
/// PostgreSQL (the floor table keeps them as text there), as is elsewhere.
fn json_cast(kind: DialectKind, ty: &str) -> String {
    match kind {
        DialectKind::Postgres => COLUMNS
            .replace("inputs,", &format!("inputs::{ty} AS inputs,"))
            .replace("outputs,", &format!("outputs::{ty} AS outputs,")),
        _ => COLUMNS.to_string(),
    }
}

/// Runs one statement of fixed text; returns the rows it affected.
async fn raw(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    let done = match db.pool() {
        Pool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
        Pool::Postgres(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
        Pool::Mysql(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
    };
    Ok(done)
}

/// PostgreSQL: the staged batch as binary `COPY` data, made by the server
/// itself (`COPY ... TO STDOUT`), for [`copy_prebuilt`].
pub async fn stage_copy_data(pool: &sqlx::PgPool) -> Result<Vec<u8>, sqlx::Error> {
    use futures_util::TryStreamExt;
    use sqlx::postgres::PgPoolCopyExt;
    let values = json_cast(DialectKind::Postgres, "jsonb");
    let sql = format!("COPY (SELECT {values} FROM {FLOOR_TABLE}) TO STDOUT (FORMAT binary)");
    let chunks: Vec<_> = pool.copy_out_raw(&sql).await?.try_collect().await?;
    Ok(chunks.concat())
}

/// PostgreSQL: one binary `COPY` of data encoded before the clock started:
/// the server's and the protocol's share of a `COPY`, no client encoding.
pub async fn copy_prebuilt(pool: &sqlx::PgPool, data: &[u8]) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let sql = format!("COPY node_executions ({COLUMNS}) FROM STDIN (FORMAT binary)");
    let mut copy = tx.copy_in_raw(&sql).await?;
    copy.send(data).await?;
    let n = copy.finish().await?;
    tx.commit().await?;
    Ok(n)
}
