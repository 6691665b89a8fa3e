//! The baseline of `invect-changes-ab`: an upsert, an atomic increment and
//! the claim of one pending run written by hand with plain sqlx, on the same
//! pool the generated API uses. As in [`hand`](crate::hand), the SQL text is
//! rendered from the tables' `DEF` once per process ([`ChangeSql`]), so both
//! sides send the same statements (the increment adds a literal `1`, as one
//! writes it by hand); rows are decoded field by field into the same structs.

use chrono::{DateTime, Utc};
use invect_runtime::core::{FlowRun, FlowRunStatus, FlowTrigger, NewFlowTrigger, NodeExecution};
use invect_runtime::{InvectEnum, Table};
use invect_schema::statements::{insert_head, insert_values};
use invect_schema::{ColumnType, DialectKind, LockWait, TableDef};
use serde_json::Value;
use uuid::Uuid;

use crate::hand::statements;

/// The statements of the three operations in one dialect.
#[derive(Debug)]
pub struct ChangeSql {
    /// `INSERT INTO flow_triggers … ON CONFLICT (webhook_path) DO UPDATE SET
    /// cron_expression = excluded.cron_expression [RETURNING …]`.
    pub upsert: &'static str,
    /// The upserted trigger by its webhook path (MySQL's read-back).
    pub stored: &'static str,
    /// `UPDATE node_executions SET retry_count = retry_count + 1 WHERE id = ?`.
    pub increment: &'static str,
    /// One pending run, `FOR UPDATE SKIP LOCKED` where there are row locks.
    pub claim: &'static str,
    /// `UPDATE flow_runs SET status = ? WHERE id = ?`.
    pub mark: &'static str,
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn column<'a>(t: &'a TableDef, name: &str) -> &'a invect_schema::ColumnDef {
    t.column(name)
        .unwrap_or_else(|| panic!("{} has no column {name}", t.name))
}

impl ChangeSql {
    /// Renders the statements of `kind` (leaked: a benchmark's baseline only).
    pub fn new(kind: DialectKind) -> ChangeSql {
        let d = kind.dialect();
        let (trigger, execution, run) = (FlowTrigger::DEF, NodeExecution::DEF, FlowRun::DEF);
        let returning = if d.has_returning() {
            format!(" RETURNING {}", statements::<FlowTrigger>(kind).columns)
        } else {
            String::new()
        };
        let cron = d.quote("cron_expression");
        let upsert = format!(
            "{}({}){}{returning}",
            insert_head(d, trigger),
            insert_values(d, trigger.columns.iter(), 1),
            d.on_conflict(
                &[d.quote("webhook_path")],
                &format!("{cron} = {}", d.excluded("cron_expression"))
            ),
        );
        let path = column(trigger, "webhook_path");
        let stored = format!(
            "{} WHERE {} = {}",
            statements::<FlowTrigger>(kind).select,
            d.quote("webhook_path"),
            d.placeholder(1, &path.ty)
        );
        let retries = d.quote("retry_count");
        let increment = format!(
            "UPDATE {} SET {retries} = {retries} + 1 WHERE {} = {}",
            d.quote(&execution.name),
            d.quote("id"),
            d.placeholder(1, &column(execution, "id").ty)
        );
        let status = column(run, "status");
        let claim = format!(
            "{} WHERE {} = {} LIMIT {}{}",
            statements::<FlowRun>(kind).select,
            d.quote("status"),
            d.placeholder(1, &status.ty),
            d.placeholder(2, &ColumnType::BigInt),
            d.lock_clause(LockWait::SkipLocked)
        );
        let mark = format!(
            "UPDATE {} SET {} = {} WHERE {} = {}",
            d.quote(&run.name),
            d.quote("status"),
            d.placeholder(1, &status.ty),
            d.quote("id"),
            d.placeholder(2, &column(run, "id").ty)
        );
        ChangeSql {
            upsert: leak(upsert),
            stored: leak(stored),
            increment: leak(increment),
            claim: leak(claim),
            mark: leak(mark),
        }
    }
}

fn run_status(s: &str) -> Result<FlowRunStatus, sqlx::Error> {
    FlowRunStatus::from_str(s)
        .ok_or_else(|| sqlx::Error::Decode(format!("bad status {s:?}").into()))
}

fn decode_err(e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// The three operations of one dialect; `$returning`: whether the upsert
/// returns its row (else a transaction reads it back), `$begin`: the `BEGIN`
/// of a write transaction.
macro_rules! hand_changes {
    ($DB:ty, $returning:expr, $begin:expr) => {
        use sqlx::Row as _;

        type Row = <$DB as sqlx::Database>::Row;
        type Pool = sqlx::Pool<$DB>;

        /// The statements, rendered on first use.
        pub fn sql() -> &'static ChangeSql {
            static SQL: std::sync::OnceLock<ChangeSql> = std::sync::OnceLock::new();
            SQL.get_or_init(|| ChangeSql::new(KIND))
        }

        /// `FlowTrigger::upsert(new).on_conflict(webhook_path).update(cron_expression)` by hand.
        pub async fn upsert_trigger(
            pool: &Pool,
            new: &NewFlowTrigger,
        ) -> Result<FlowTrigger, sqlx::Error> {
            let s = sql();
            // Where the uuid is not the database's default, the client makes it.
            let id = match KIND.dialect().client_generates_uuid() {
                true => Some(new.id.unwrap_or_else(Uuid::new_v4)),
                false => new.id,
            };
            let q = sqlx::query(s.upsert)
                .bind(id.map(uuid))
                .bind(&new.flow_id)
                .bind(&new.node_id)
                .bind(&new.r#type)
                .bind(new.is_enabled)
                .bind(&new.webhook_path)
                .bind(&new.webhook_secret)
                .bind(&new.cron_expression)
                .bind(&new.cron_timezone)
                .bind(new.last_triggered_at.map(date))
                .bind(new.created_at.map(date))
                .bind(new.updated_at.map(date));
            if $returning {
                flow_trigger(&q.fetch_one(pool).await?)
            } else {
                let mut tx = pool.begin_with($begin).await?;
                q.execute(&mut *tx).await?;
                let row = sqlx::query(s.stored)
                    .bind(&new.webhook_path)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                flow_trigger(&row)
            }
        }

        /// `NodeExecution::update_where(id.eq(id)).set_expr(retry_count, retry_count.add(1))` by hand.
        pub async fn increment_retries(pool: &Pool, id: Uuid) -> Result<u64, sqlx::Error> {
            let done = sqlx::query(sql().increment)
                .bind(uuid(id))
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        }

        /// Claims one pending run by hand: in a write transaction, selects it
        /// (skipping locked rows), marks it running, commits.
        pub async fn claim_run(pool: &Pool) -> Result<Option<FlowRun>, sqlx::Error> {
            let s = sql();
            let mut tx = pool.begin_with($begin).await?;
            let run = sqlx::query(s.claim)
                .bind(FlowRunStatus::Pending.as_str())
                .bind(1_i64)
                .try_map(|r: Row| flow_run(&r))
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(run) = &run {
                sqlx::query(s.mark)
                    .bind(FlowRunStatus::Running.as_str())
                    .bind(uuid(run.id))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(run)
        }

        fn flow_trigger(r: &Row) -> Result<FlowTrigger, sqlx::Error> {
            Ok(FlowTrigger {
                id: get_uuid(r, 0)?,
                flow_id: r.try_get(1)?,
                node_id: r.try_get(2)?,
                r#type: r.try_get(3)?,
                is_enabled: r.try_get(4)?,
                webhook_path: r.try_get(5)?,
                webhook_secret: r.try_get(6)?,
                cron_expression: r.try_get(7)?,
                cron_timezone: r.try_get(8)?,
                last_triggered_at: get_opt_date(r, 9)?,
                created_at: get_date(r, 10)?,
                updated_at: get_date(r, 11)?,
            })
        }

        fn flow_run(r: &Row) -> Result<FlowRun, sqlx::Error> {
            Ok(FlowRun {
                id: get_uuid(r, 0)?,
                flow_id: r.try_get(1)?,
                flow_version: r.try_get(2)?,
                status: run_status(get_text(r, 3)?)?,
                inputs: get_json(r, 4)?,
                outputs: get_opt_json(r, 5)?,
                error: r.try_get(6)?,
                started_at: get_date(r, 7)?,
                completed_at: get_opt_date(r, 8)?,
                duration: r.try_get(9)?,
                created_by: r.try_get(10)?,
                trigger_type: r.try_get(11)?,
                trigger_id: r.try_get(12)?,
                trigger_node_id: r.try_get(13)?,
                trigger_data: get_opt_json(r, 14)?,
                last_heartbeat_at: get_opt_date(r, 15)?,
            })
        }

        fn is_null(r: &Row, i: usize) -> Result<bool, sqlx::Error> {
            r.try_get_raw(i).map(|v| sqlx::ValueRef::is_null(&v))
        }

        fn get_opt_json(r: &Row, i: usize) -> Result<Option<Value>, sqlx::Error> {
            match is_null(r, i)? {
                true => Ok(None),
                false => get_json(r, i).map(Some),
            }
        }

        fn get_opt_date(r: &Row, i: usize) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
            match is_null(r, i)? {
                true => Ok(None),
                false => get_date(r, i).map(Some),
            }
        }
    };
}

/// SQLite: UUIDs, dates and JSON as text; `BEGIN IMMEDIATE` takes the write lock.
pub mod sqlite {
    use super::*;
    use crate::hand::sqlite::{date, uuid};
    const KIND: DialectKind = DialectKind::Sqlite;
    hand_changes!(sqlx::Sqlite, true, "BEGIN IMMEDIATE");

    fn get_text(r: &Row, i: usize) -> Result<&str, sqlx::Error> {
        r.try_get(i)
    }
    fn get_uuid(r: &Row, i: usize) -> Result<Uuid, sqlx::Error> {
        Uuid::parse_str(get_text(r, i)?).map_err(decode_err)
    }
    fn get_date(r: &Row, i: usize) -> Result<DateTime<Utc>, sqlx::Error> {
        DateTime::parse_from_rfc3339(get_text(r, i)?)
            .map(|d| d.with_timezone(&Utc))
            .map_err(decode_err)
    }
    fn get_json(r: &Row, i: usize) -> Result<Value, sqlx::Error> {
        serde_json::from_str(get_text(r, i)?).map_err(decode_err)
    }
}

/// PostgreSQL: native uuid, timestamptz, jsonb; the enum read as its label.
pub mod postgres {
    use super::*;
    use crate::hand::postgres::{date, uuid};
    use sqlx::types::Json;
    const KIND: DialectKind = DialectKind::Postgres;
    hand_changes!(sqlx::Postgres, true, "BEGIN");

    fn get_text(r: &Row, i: usize) -> Result<&str, sqlx::Error> {
        r.try_get_unchecked(i)
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
}

/// MySQL/MariaDB: UUIDs and JSON as text, DATETIME(3) as naive UTC; the
/// upsert reads its row back in its transaction.
pub mod mysql {
    use super::*;
    use crate::hand::mysql::{date, uuid};
    const KIND: DialectKind = DialectKind::Mysql;
    hand_changes!(sqlx::MySql, false, "BEGIN");

    fn get_text(r: &Row, i: usize) -> Result<&str, sqlx::Error> {
        r.try_get_unchecked(i)
    }
    fn get_uuid(r: &Row, i: usize) -> Result<Uuid, sqlx::Error> {
        Uuid::parse_str(get_text(r, i)?).map_err(decode_err)
    }
    fn get_date(r: &Row, i: usize) -> Result<DateTime<Utc>, sqlx::Error> {
        r.try_get(i)
    }
    fn get_json(r: &Row, i: usize) -> Result<Value, sqlx::Error> {
        serde_json::from_str(get_text(r, i)?).map_err(decode_err)
    }
}
