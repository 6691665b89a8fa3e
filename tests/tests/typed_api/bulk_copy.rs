//! `insert_many` of rows that give every defaulted column: on PostgreSQL
//! these go by one binary `COPY` (sent 1,000 rows at a time), elsewhere by
//! multi-row `INSERT`; the same contract on every dialect. NULLs, every
//! enum value, JSON, dates to the millisecond and UUIDs read back equal;
//! a chunk where some row leaves a default still gets the default; a value
//! failing a check or a constraint in a later part of the `COPY` leaves nothing.

use std::collections::HashMap;

use chrono::{Duration, TimeZone, Utc};
use invect_runtime::core::{NewNodeExecution, NodeExecution, NodeExecutionStatus};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use invect_runtime::{ConstraintKind, Error};
use invect_tests::core_ddl;
use serde_json::json;

use crate::bulk::{STATUSES, base_time, count_run, expected, new_row, parents, second_run};
use crate::support::{close, open};

pub async fn run(kind: DialectKind) {
    let (test, db) = open(kind, &core_ddl(kind)).await;
    let run = parents(&db).await;
    every_column_given(&db, run).await;
    some_rows_leave_defaults(&db, run).await;
    failed_check_leaves_nothing(&db, run).await;
    failed_constraint_leaves_nothing(&db, run).await;
    rolled_back(&db, run).await;
    close(test, db).await;
}

/// Row `i` with every defaulted column given; NULLs in the nullable ones
/// on some rows; JSON and dates of several shapes.
fn full_row(run: Uuid, prefix: &str, i: usize) -> NewNodeExecution {
    let mut row = new_row(run, prefix, i);
    row.id = Some(Uuid::new_v4());
    row.status = Some(STATUSES[i % 7]);
    row.started_at = Some(match i % 5 {
        // micro- and nanoseconds: stored to the millisecond
        0 => base_time() + Duration::nanoseconds(i as i64 * 1_234_567),
        1 => Utc.with_ymd_and_hms(1000, 1, 1, 0, 0, 0).unwrap(),
        2 => Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
        3 => Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap() + Duration::milliseconds(999),
        _ => base_time() - Duration::days(i as i64),
    });
    row.retry_count = Some(i as i32 % 3 - 1);
    if i % 7 == 1 {
        row.inputs = json!({"ü": "日本語 \u{1F600}", "n": -1.5e300, "deep": [[[[{"a": null}]]]], "empty": {}});
    }
    row
}

/// Inserts `rows` and checks every one is read back as sent.
async fn insert_and_compare(db: &Db, run: Uuid, rows: Vec<NewNodeExecution>) {
    let n = rows.len();
    let inserted = NodeExecution::insert_many(db, rows.clone())
        .await
        .unwrap_or_else(|e| panic!("insert_many of {n} rows failed: {e}"));
    assert_eq!(inserted, n as u64, "insert_many's row count");
    let stored = NodeExecution::select()
        .filter(node_executions_flow_run(run))
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("select failed: {e}"));
    assert_eq!(stored.len(), n, "rows stored");
    let by_node: HashMap<&str, &NodeExecution> =
        stored.iter().map(|r| (r.node_id.as_str(), r)).collect();
    let mut bad = Vec::new();
    for new in &rows {
        match by_node.get(new.node_id.as_str()) {
            Some(got) if **got == expected(new, got) => {}
            Some(got) => bad.push(format!(
                "{}:\n  got  {got:?}\n  want {:?}",
                new.node_id,
                expected(new, got)
            )),
            None => bad.push(format!("{}: missing", new.node_id)),
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {n} rows differ, e.g.:\n{}",
        bad.len(),
        bad[..bad.len().min(5)].join("\n")
    );
}

fn node_executions_flow_run(run: Uuid) -> Expr<NodeExecution> {
    invect_runtime::core::node_executions::flow_run_id.eq(run)
}

/// 10,000 rows (ten parts of one `COPY` on PostgreSQL) with every column given.
async fn every_column_given(db: &Db, run: Uuid) {
    let rows: Vec<NewNodeExecution> = (0..10_000).map(|i| full_row(run, "copy", i)).collect();
    insert_and_compare(db, run, rows).await;
}

/// A chunk where one row leaves `status` and another `id` to the default
/// (rows 5,000-5,999, by `INSERT`) between chunks where every row gives
/// them (by `COPY`: one before, one after).
async fn some_rows_leave_defaults(db: &Db, run: Uuid) {
    let other = second_run(db, run).await;
    let mut rows: Vec<NewNodeExecution> = (0..8_000).map(|i| full_row(other, "mixed", i)).collect();
    rows[5_500].status = None;
    rows[5_501].id = None;
    rows[5_502].started_at = None;
    rows[5_503].retry_count = None;
    insert_and_compare(db, other, rows).await;
    let left = NodeExecution::select()
        .filter(invect_runtime::core::node_executions::node_id.eq("mixed-05500"))
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("select failed: {e}"))
        .expect("row 5,500");
    assert_eq!(left.status, NodeExecutionStatus::Pending, "status default");
}

/// A value over a check (a date outside the years every dialect stores) in
/// a later part of the `COPY`: an error naming table and column; nothing inserted.
async fn failed_check_leaves_nothing(db: &Db, run: Uuid) {
    let other = second_run(db, run).await;
    let mut rows: Vec<NewNodeExecution> =
        (0..10_000).map(|i| full_row(other, "check", i)).collect();
    rows[7_500].completed_at = Some(Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap());
    let err = NodeExecution::insert_many(db, rows)
        .await
        .expect_err("insert_many of a date in year 10000 succeeded");
    let msg = err.to_string();
    assert!(
        msg.contains("node_executions") && msg.contains("completed_at"),
        "the error names neither table nor column: {msg}"
    );
    assert_eq!(count_run(db, other).await, 0, "rows left by a failed check");

    // JSON nested deeper than every dialect stores.
    let mut rows: Vec<NewNodeExecution> = (0..6_000).map(|i| full_row(other, "depth", i)).collect();
    let mut deep = json!(1);
    for _ in 0..40 {
        deep = json!([deep]);
    }
    rows[5_999].outputs = Some(deep);
    let err = NodeExecution::insert_many(db, rows)
        .await
        .expect_err("insert_many of JSON 41 deep succeeded");
    let msg = err.to_string();
    assert!(
        msg.contains("node_executions") && msg.contains("outputs"),
        "the error names neither table nor column: {msg}"
    );
    assert_eq!(count_run(db, other).await, 0, "rows left by a failed check");
}

/// A duplicate key and a missing parent in a later part of the `COPY`: a typed
/// constraint error; nothing inserted; the database is usable after.
async fn failed_constraint_leaves_nothing(db: &Db, run: Uuid) {
    let other = second_run(db, run).await;
    let mut rows: Vec<NewNodeExecution> = (0..8_000).map(|i| full_row(other, "dupc", i)).collect();
    rows[7_000].id = rows[3].id;
    let err = NodeExecution::insert_many(db, rows)
        .await
        .expect_err("insert_many with a duplicate key succeeded");
    assert!(err.is_unique_violation(), "not a unique violation: {err}");
    assert_eq!(
        count_run(db, other).await,
        0,
        "rows left by a duplicate key"
    );

    let mut rows: Vec<NewNodeExecution> = (0..8_000).map(|i| full_row(other, "fk", i)).collect();
    rows[6_000].flow_run_id = Uuid::new_v4();
    match NodeExecution::insert_many(db, rows).await {
        Err(Error::Constraint(v)) => {
            assert_eq!(v.kind, ConstraintKind::ForeignKey, "{v:?}");
            assert_eq!(v.table.as_deref(), Some("node_executions"), "{v:?}");
        }
        other => panic!("insert_many with a missing parent: {other:?}"),
    }
    assert_eq!(
        count_run(db, other).await,
        0,
        "rows left by a missing parent"
    );
    let rows: Vec<NewNodeExecution> = (0..3).map(|i| full_row(other, "after", i)).collect();
    insert_and_compare(db, other, rows).await;
}

/// Through `&mut Tx`: the copied rows are visible inside, gone after rollback.
async fn rolled_back(db: &Db, run: Uuid) {
    let other = second_run(db, run).await;
    let mut tx = db
        .begin()
        .await
        .unwrap_or_else(|e| panic!("begin failed: {e}"));
    let n = NodeExecution::insert_many(&mut tx, (0..5_001).map(|i| full_row(other, "tx", i)))
        .await
        .unwrap_or_else(|e| panic!("insert_many in a transaction failed: {e}"));
    assert_eq!(n, 5_001);
    let inside = NodeExecution::select()
        .filter(node_executions_flow_run(other))
        .count(&mut tx)
        .await
        .unwrap_or_else(|e| panic!("count in a transaction failed: {e}"));
    assert_eq!(inside, 5_001, "rows visible inside the transaction");
    tx.rollback()
        .await
        .unwrap_or_else(|e| panic!("rollback failed: {e}"));
    assert_eq!(count_run(db, other).await, 0, "rows left after rollback");
}
