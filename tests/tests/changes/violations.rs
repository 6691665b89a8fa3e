//! Constraint errors as one typed value on every dialect, never message text.

use invect_runtime::core::{Flow, FlowRun, NewFlow, flow_runs};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use invect_runtime::{ConstraintKind, Error};
use invect_tests::new_flow_run;
use serde_json::json;

use crate::support::{close, flow, ok, open};

#[track_caller]
fn violation(
    kind: DialectKind,
    what: &str,
    r: invect_runtime::Result<impl std::fmt::Debug>,
) -> invect_runtime::Violation {
    match r {
        Err(Error::Constraint(v)) => *v,
        other => panic!("{kind}: {what}: expected a constraint violation, got {other:?}"),
    }
}

pub async fn constraint_errors_are_typed_alike(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "f").await;
    let twice = NewFlow {
        id: "f".into(),
        name: "again".into(),
        ..NewFlow::default()
    };
    let v = violation(kind, "the same id twice", Flow::insert(&db, twice).await);
    assert_eq!(v.kind, ConstraintKind::Unique, "{kind}: {v}");
    assert_eq!(v.table.as_deref(), Some("flows"), "{kind}: {v:?}");
    assert_eq!(v.columns, ["id"], "{kind}: {v:?}");
    let orphan = FlowRun::insert(&db, new_flow_run("no such flow", json!({}))).await;
    let v = violation(kind, "a run of a missing flow", orphan);
    assert_eq!(v.kind, ConstraintKind::ForeignKey, "{kind}: {v}");
    assert_eq!(v.table.as_deref(), Some("flow_runs"), "{kind}: {v:?}");
    // NOT NULL through the raw connection of a transaction, with the
    // table's run-time name.
    let mut tx = ok(kind, "begin", db.begin().await);
    let table = tx.table_name::<Flow>();
    assert_eq!(table, "flows");
    let sql = format!(
        "INSERT INTO {} (id, name) VALUES ('n', NULL)",
        quote(kind, &table)
    );
    let raw = raw_execute(&mut tx, &sql).await;
    let v = match raw.map_err(|e| e.into_database_error()) {
        Err(Some(db)) => db.kind(),
        other => panic!("{kind}: raw insert of a NULL name: {other:?}"),
    };
    assert_eq!(v, sqlx::error::ErrorKind::NotNullViolation, "{kind}");
    drop(tx);
    // NOT NULL through the typed API: a NOT NULL column set to a NULL column.
    ok(
        kind,
        "a run",
        FlowRun::insert(&db, new_flow_run("f", json!({}))).await,
    );
    let null = FlowRun::update_where(flow_runs::flow_id.eq("f"))
        .set_expr(flow_runs::flow_version, flow_runs::duration)
        .execute(&db)
        .await;
    let v = violation(kind, "flow_version set to a NULL duration", null);
    assert_eq!(v.kind, ConstraintKind::NotNull, "{kind}: {v}");
    assert_eq!(v.table.as_deref(), Some("flow_runs"), "{kind}: {v:?}");
    assert_eq!(v.columns, ["flow_version"], "{kind}: {v:?}");
    close(test, db).await;
}

fn quote(kind: DialectKind, name: &str) -> String {
    kind.dialect().quote(name)
}

async fn raw_execute(tx: &mut Tx, sql: &str) -> Result<u64, sqlx::Error> {
    use invect_runtime::TxConnection;
    let sql = || sqlx::AssertSqlSafe(sql.to_string());
    Ok(match tx.connection() {
        TxConnection::Sqlite(c) => sqlx::query(sql()).execute(&mut *c).await?.rows_affected(),
        TxConnection::Postgres(c) => sqlx::query(sql()).execute(&mut *c).await?.rows_affected(),
        TxConnection::Mysql(c) => sqlx::query(sql()).execute(&mut *c).await?.rows_affected(),
    })
}

pub async fn row_locks_need_a_transaction(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let err = FlowRun::select()
        .for_update()
        .all(&db)
        .await
        .expect_err("outside a transaction");
    assert!(matches!(err, Error::InvalidQuery(_)), "{kind}: {err:?}");
    assert!(err.to_string().contains("db.begin()"), "{kind}: {err}");
    let mut tx = ok(kind, "begin", db.begin().await);
    let none = FlowRun::select().for_update().no_wait().all(&mut tx).await;
    assert!(ok(kind, "no_wait in a transaction", none).is_empty());
    ok(kind, "commit", tx.commit().await);
    close(test, db).await;
}
