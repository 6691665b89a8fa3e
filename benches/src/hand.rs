//! The baseline: the generated API's statements written by hand with plain
//! sqlx (`sqlx::query(sql).bind(..)` on the same pool, rows decoded field by
//! field). The SQL text is the table's own statement (rendered from its `DEF`,
//! as the runtime does, once per process here: [`statements`]), so
//! both sides run byte-identical SQL and only the code around it differs.

use chrono::{DateTime, Utc};
use invect_runtime::core::{Flow, NewFlow, NodeExecution, NodeExecutionStatus};
use invect_runtime::{InvectEnum, Table};
use invect_schema::statements::{TableStatements, table_statements};
use invect_schema::{ColumnType, DialectKind};
use serde_json::Value;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

/// Table `T`'s statements in dialect `kind`, the text the runtime runs,
/// rendered once and kept for the process (a benchmark's baseline only).
pub fn statements<T: Table>(kind: DialectKind) -> &'static TableStatements<String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Cache = Mutex<HashMap<(std::any::TypeId, DialectKind), &'static TableStatements<String>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let mut map = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    map.entry((std::any::TypeId::of::<T>(), kind))
        .or_insert_with(|| Box::leak(Box::new(table_statements(kind.dialect(), T::DEF))))
}

/// The select of the overhead benchmark: a run's executions, 100 at most.
pub fn select_sql(kind: DialectKind) -> &'static str {
    let d = kind.dialect();
    let sql = format!(
        "{} WHERE {} = {} LIMIT {}",
        statements::<NodeExecution>(kind).select,
        d.quote("flow_run_id"),
        d.placeholder(1, &ColumnType::Uuid),
        d.placeholder(2, &ColumnType::BigInt),
    );
    Box::leak(sql.into_boxed_str())
}

fn status(s: &str) -> Result<NodeExecutionStatus, sqlx::Error> {
    NodeExecutionStatus::from_str(s)
        .ok_or_else(|| sqlx::Error::Decode(format!("bad status {s:?}").into()))
}

fn decode_err(e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// Statements of one dialect; `$date`, `$uuid`, `$json` turn values into
/// what that dialect binds, `get_*` read them back.
macro_rules! hand_dialect {
    ($DB:ty, $returning:expr) => {
        use sqlx::Row as _;

        type Row = <$DB as sqlx::Database>::Row;
        type Pool = sqlx::Pool<$DB>;

        /// `Flow::find` by hand.
        pub async fn find_flow(pool: &Pool, id: &str) -> Result<Option<Flow>, sqlx::Error> {
            let sql = statements::<Flow>(KIND).find.as_str();
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            row.map(|r| flow(&r)).transpose()
        }

        /// `NodeExecution::select().filter(flow_run_id.eq(run)).limit(n)` by hand.
        pub async fn select_executions(
            pool: &Pool,
            sql: &'static str,
            run: Uuid,
            limit: i64,
        ) -> Result<Vec<NodeExecution>, sqlx::Error> {
            sqlx::query(sql)
                .bind(uuid(run))
                .bind(limit)
                .try_map(|r: Row| execution(&r))
                .fetch_all(pool)
                .await
        }

        /// `Flow::insert` by hand: `RETURNING` the defaulted columns, or
        /// (MySQL) a read-back of them by key in the insert's transaction.
        pub async fn insert_flow(pool: &Pool, new: &NewFlow) -> Result<Flow, sqlx::Error> {
            let st = statements::<Flow>(KIND);
            let q = sqlx::query(AssertSqlSafe(st.insert.as_str()))
                .bind(&new.id)
                .bind(&new.name)
                .bind(&new.description)
                .bind(new.tags.as_ref().map(json))
                .bind(new.is_active)
                .bind(new.live_version_number)
                .bind(new.created_at.map(date))
                .bind(new.updated_at.map(date));
            let generated = if $returning {
                q.fetch_one(pool).await?
            } else {
                let mut tx = pool.begin().await?;
                q.execute(&mut *tx).await?;
                let row = sqlx::query(AssertSqlSafe(st.generated.as_str()))
                    .bind(&new.id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                row
            };
            Ok(Flow {
                id: new.id.clone(),
                name: new.name.clone(),
                description: new.description.clone(),
                tags: new.tags.clone(),
                is_active: generated.try_get(0)?,
                live_version_number: new.live_version_number,
                created_at: get_date(&generated, 1)?,
                updated_at: get_date(&generated, 2)?,
            })
        }

        /// `Flow::update` by hand.
        pub async fn update_flow(pool: &Pool, f: &Flow) -> Result<u64, sqlx::Error> {
            let done = sqlx::query(AssertSqlSafe(statements::<Flow>(KIND).update.as_str()))
                .bind(&f.name)
                .bind(&f.description)
                .bind(f.tags.as_ref().map(json))
                .bind(f.is_active)
                .bind(f.live_version_number)
                .bind(date(f.created_at))
                .bind(date(f.updated_at))
                .bind(&f.id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        }

        fn flow(r: &Row) -> Result<Flow, sqlx::Error> {
            Ok(Flow {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                description: r.try_get(2)?,
                tags: get_opt_json(r, 3)?,
                is_active: r.try_get(4)?,
                live_version_number: r.try_get(5)?,
                created_at: get_date(r, 6)?,
                updated_at: get_date(r, 7)?,
            })
        }

        fn execution(r: &Row) -> Result<NodeExecution, sqlx::Error> {
            Ok(NodeExecution {
                id: get_uuid(r, 0)?,
                flow_run_id: get_uuid(r, 1)?,
                node_id: r.try_get(2)?,
                node_type: r.try_get(3)?,
                status: get_status(r, 4)?,
                inputs: get_json(r, 5)?,
                outputs: get_opt_json(r, 6)?,
                error: r.try_get(7)?,
                started_at: get_date(r, 8)?,
                completed_at: get_opt_date(r, 9)?,
                duration: r.try_get(10)?,
                retry_count: r.try_get(11)?,
            })
        }

        fn get_opt_json(r: &Row, i: usize) -> Result<Option<Value>, sqlx::Error> {
            match r.try_get_raw(i).map(|v| sqlx::ValueRef::is_null(&v))? {
                true => Ok(None),
                false => get_json(r, i).map(Some),
            }
        }

        fn get_opt_date(r: &Row, i: usize) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
            match r.try_get_raw(i).map(|v| sqlx::ValueRef::is_null(&v))? {
                true => Ok(None),
                false => get_date(r, i).map(Some),
            }
        }
    };
}

/// SQLite: UUIDs, dates (`2026-01-02T03:04:05.678Z`) and JSON as text.
pub mod sqlite {
    use super::*;
    const KIND: DialectKind = DialectKind::Sqlite;
    hand_dialect!(sqlx::Sqlite, true);

    /// A UUID as SQLite stores it.
    pub fn uuid(u: Uuid) -> String {
        u.hyphenated().to_string()
    }
    /// A date as SQLite stores it.
    pub fn date(d: DateTime<Utc>) -> String {
        d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
    /// JSON as SQLite stores it.
    pub fn json(v: &Value) -> String {
        v.to_string()
    }
    fn get_uuid(r: &Row, i: usize) -> Result<Uuid, sqlx::Error> {
        Uuid::parse_str(r.try_get::<&str, _>(i)?).map_err(decode_err)
    }
    fn get_date(r: &Row, i: usize) -> Result<DateTime<Utc>, sqlx::Error> {
        let s: &str = r.try_get(i)?;
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(decode_err)
    }
    fn get_json(r: &Row, i: usize) -> Result<Value, sqlx::Error> {
        serde_json::from_str(r.try_get::<&str, _>(i)?).map_err(decode_err)
    }
    fn get_status(r: &Row, i: usize) -> Result<NodeExecutionStatus, sqlx::Error> {
        status(r.try_get::<&str, _>(i)?)
    }
}

/// PostgreSQL: native uuid, timestamptz, jsonb and the enum type.
pub mod postgres {
    use super::*;
    use sqlx::types::Json;
    const KIND: DialectKind = DialectKind::Postgres;
    hand_dialect!(sqlx::Postgres, true);

    /// A UUID as bound.
    pub fn uuid(u: Uuid) -> Uuid {
        u
    }
    /// A date, truncated to milliseconds as Invect stores it.
    pub fn date(d: DateTime<Utc>) -> DateTime<Utc> {
        chrono::SubsecRound::trunc_subsecs(d, 3)
    }
    /// JSON as jsonb.
    pub fn json(v: &Value) -> Json<&Value> {
        Json(v)
    }
    fn get_uuid(r: &Row, i: usize) -> Result<Uuid, sqlx::Error> {
        r.try_get(i)
    }
    fn get_date(r: &Row, i: usize) -> Result<DateTime<Utc>, sqlx::Error> {
        r.try_get(i)
    }
    fn get_json(r: &Row, i: usize) -> Result<Value, sqlx::Error> {
        r.try_get::<Json<Value>, _>(i).map(|j| j.0)
    }
    fn get_status(r: &Row, i: usize) -> Result<NodeExecutionStatus, sqlx::Error> {
        status(r.try_get_unchecked::<&str, _>(i)?)
    }
}

/// MySQL/MariaDB: UUIDs as text, DATETIME(3) as naive UTC, JSON as text.
pub mod mysql {
    use super::*;
    const KIND: DialectKind = DialectKind::Mysql;
    hand_dialect!(sqlx::MySql, false);

    /// A UUID as MySQL stores it.
    pub fn uuid(u: Uuid) -> String {
        u.hyphenated().to_string()
    }
    /// A date as a naive UTC DATETIME, truncated to milliseconds.
    pub fn date(d: DateTime<Utc>) -> chrono::NaiveDateTime {
        chrono::SubsecRound::trunc_subsecs(d, 3).naive_utc()
    }
    /// JSON as text.
    pub fn json(v: &Value) -> String {
        v.to_string()
    }
    fn get_uuid(r: &Row, i: usize) -> Result<Uuid, sqlx::Error> {
        Uuid::parse_str(r.try_get_unchecked::<&str, _>(i)?).map_err(decode_err)
    }
    fn get_date(r: &Row, i: usize) -> Result<DateTime<Utc>, sqlx::Error> {
        r.try_get(i)
    }
    fn get_json(r: &Row, i: usize) -> Result<Value, sqlx::Error> {
        serde_json::from_str(r.try_get_unchecked::<&str, _>(i)?).map_err(decode_err)
    }
    fn get_status(r: &Row, i: usize) -> Result<NodeExecutionStatus, sqlx::Error> {
        status(r.try_get_unchecked::<&str, _>(i)?)
    }
}
