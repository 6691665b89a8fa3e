//! Topic 3: `insert_many` of 70,000 core `node_executions` rows, past every
//! dialect's bind-parameter limit (70,000 × 12 columns = 840,000 parameters;
//! SQLite allows 32,766 per statement, PostgreSQL and MySQL 65,535), every
//! row read back equal; transactions through `&mut Tx` that roll back leave
//! nothing, and a failing chunk leaves nothing either.

use invect_tests::new_flow_run;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SubsecRound, Utc};
use invect_runtime::core::{
    Flow, FlowRun, FlowRunStatus, NewFlow, NewFlowRun, NewNodeExecution, NodeExecution,
    NodeExecutionStatus, flow_runs, node_executions,
};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use invect_tests::core_ddl;
use serde_json::json;

use crate::support::{assert_recent, close, open, utc};

const ROWS: usize = 70_000;

pub async fn run(kind: DialectKind) {
    let (test, db) = open(kind, &core_ddl(kind)).await;
    let run = parents(&db).await;
    bulk_insert(&db, run).await;
    rolled_back(&db, run).await;
    failed_chunk_leaves_nothing(&db, run).await;
    committed(&db, run).await;
    close(test, db).await;
}

/// A flow and one run for the executions to belong to.
pub(crate) async fn parents(db: &Db) -> Uuid {
    Flow::insert(
        db,
        NewFlow {
            id: "bulk-flow".into(),
            name: "Bulk".into(),
            ..NewFlow::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("insert of the parent flow failed: {e}"));
    let run = FlowRun::insert(db, new_flow_run("bulk-flow", json!({"bulk": true})))
        .await
        .unwrap_or_else(|e| panic!("insert of the parent flow run failed: {e}"));
    assert!(!run.id.is_nil());
    assert_eq!(run.status, FlowRunStatus::Pending);
    assert_recent("flow_runs.started_at default", run.started_at);
    run.id
}

pub(crate) const STATUSES: [NodeExecutionStatus; 7] = [
    NodeExecutionStatus::Pending,
    NodeExecutionStatus::Running,
    NodeExecutionStatus::Success,
    NodeExecutionStatus::Failed,
    NodeExecutionStatus::Skipped,
    NodeExecutionStatus::BatchSubmitted,
    NodeExecutionStatus::BatchProcessing,
];

pub(crate) fn base_time() -> DateTime<Utc> {
    utc(2025, 6, 30, 12, 0, 0, 0)
}

/// Row `i` of a batch: a mix of given values, NULLs and left-out defaults
/// (id, status, started_at and retry_count each left to the default on
/// some rows).
pub(crate) fn new_row(run: Uuid, prefix: &str, i: usize) -> NewNodeExecution {
    let n = i as i64;
    NewNodeExecution {
        id: (!i.is_multiple_of(10)).then(|| row_id(prefix, i)),
        flow_run_id: run,
        node_id: format!("{prefix}-{i:05}"),
        node_type: ["http", "llm", "code", "if-else"][i % 4].into(),
        status: (i % 10 != 3).then_some(STATUSES[i % 7]),
        inputs: json!({"i": i, "s": format!("row {i} it's \"q\""), "list": [i, null]}),
        outputs: i
            .is_multiple_of(2)
            .then(|| json!([i, "x", {"ok": i.is_multiple_of(3)}])),
        error: i
            .is_multiple_of(100)
            .then(|| format!("error {i}: '; DROP TABLE node_executions; --")),
        started_at: (i % 10 != 5).then(|| base_time() + chrono::Duration::milliseconds(n * 7)),
        completed_at: i
            .is_multiple_of(3)
            .then(|| base_time() + chrono::Duration::milliseconds(n * 13 + 1)),
        duration: i.is_multiple_of(2).then_some(i as i32),
        retry_count: (!i.is_multiple_of(4)).then_some((i % 5) as i32),
    }
}

/// A fixed id per batch prefix and row number.
fn row_id(prefix: &str, i: usize) -> Uuid {
    // FNV-1a of the prefix in the high half, the row number in the low half.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in prefix.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    Uuid::from_u128((u128::from(h) << 64) | i as u128)
}

/// The stored row for `new`, taking the generated id and `now` from `got`
/// (after checking them).
pub(crate) fn expected(new: &NewNodeExecution, got: &NodeExecution) -> NodeExecution {
    let id = match new.id {
        Some(id) => id,
        None => {
            assert!(!got.id.is_nil(), "{}: generated id is nil", new.node_id);
            got.id
        }
    };
    let started_at = match new.started_at {
        Some(t) => t.trunc_subsecs(3),
        None => {
            assert_recent(
                &format!("{}: started_at default", new.node_id),
                got.started_at,
            );
            got.started_at
        }
    };
    NodeExecution {
        id,
        flow_run_id: new.flow_run_id,
        node_id: new.node_id.clone(),
        node_type: new.node_type.clone(),
        status: new.status.unwrap_or(NodeExecutionStatus::Pending),
        inputs: new.inputs.clone(),
        outputs: new.outputs.clone(),
        error: new.error.clone(),
        started_at,
        completed_at: new.completed_at.map(|t| t.trunc_subsecs(3)),
        duration: new.duration,
        retry_count: new.retry_count.unwrap_or(0),
    }
}

pub(crate) async fn count_run(db: &Db, run: Uuid) -> u64 {
    NodeExecution::select()
        .filter(node_executions::flow_run_id.eq(run))
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count of node_executions failed: {e}"))
}

/// 70,000 rows in one call; every one read back equal.
async fn bulk_insert(db: &Db, run: Uuid) {
    let rows: Vec<NewNodeExecution> = (0..ROWS).map(|i| new_row(run, "bulk", i)).collect();
    let inserted = NodeExecution::insert_many(db, rows.clone())
        .await
        .unwrap_or_else(|e| panic!("insert_many of {ROWS} rows failed: {e}"));
    assert_eq!(inserted, ROWS as u64, "insert_many's row count");
    assert_eq!(
        count_run(db, run).await,
        ROWS as u64,
        "count after insert_many"
    );
    let total = NodeExecution::select()
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count failed: {e}"));
    assert_eq!(total, ROWS as u64, "total count after insert_many");

    // Every row, decoded and compared with what was sent.
    let stored = NodeExecution::select()
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("select of {ROWS} rows failed: {e}"));
    assert_eq!(stored.len(), ROWS, "rows selected");
    let by_node: HashMap<&str, &NodeExecution> =
        stored.iter().map(|r| (r.node_id.as_str(), r)).collect();
    assert_eq!(by_node.len(), ROWS, "node_id values are not all distinct");
    let ids: HashSet<Uuid> = stored.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), ROWS, "ids are not all distinct");
    let mut mismatches = Vec::new();
    for new in &rows {
        let Some(got) = by_node.get(new.node_id.as_str()) else {
            mismatches.push(format!("{}: missing", new.node_id));
            continue;
        };
        let want = expected(new, got);
        if **got != want {
            mismatches.push(format!("{}:\n  got  {got:?}\n  want {want:?}", new.node_id));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {ROWS} rows differ, e.g.:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );

    // A sample through find (by key) and a filtered select.
    for i in (0..ROWS).step_by(6_997).chain([1, ROWS - 1]) {
        let new = &rows[i];
        let got = by_node[new.node_id.as_str()];
        let found = NodeExecution::find(db, got.id)
            .await
            .unwrap_or_else(|e| panic!("find of row {i} failed: {e}"));
        assert_eq!(found.as_ref(), Some(&expected(new, got)), "find of row {i}");
    }

    // The defaults applied across chunks: counts match the rows left to them.
    let pending = rows
        .iter()
        .filter(|r| r.status.is_none_or(|s| s == NodeExecutionStatus::Pending))
        .count() as u64;
    let n = NodeExecution::select()
        .filter(node_executions::status.eq(NodeExecutionStatus::Pending))
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count by status failed: {e}"));
    assert_eq!(n, pending, "rows with status PENDING");
    let zero = rows
        .iter()
        .filter(|r| r.retry_count.is_none_or(|c| c == 0))
        .count() as u64;
    let n = NodeExecution::select()
        .filter(node_executions::retry_count.eq(0))
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count by retry_count failed: {e}"));
    assert_eq!(n, zero, "rows with retry_count 0");

    // Nothing to insert is not an error.
    let none = NodeExecution::insert_many(db, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("insert_many of no rows failed: {e}"));
    assert_eq!(none, 0);
}

/// insert_many and insert through `&mut Tx`, visible inside, gone after rollback.
async fn rolled_back(db: &Db, run: Uuid) {
    let other = second_run(db, run).await;
    let rows: Vec<NewNodeExecution> = (0..1_501).map(|i| new_row(other, "tx", i)).collect();
    let mut tx = db
        .begin()
        .await
        .unwrap_or_else(|e| panic!("begin failed: {e}"));
    let n = NodeExecution::insert_many(&mut tx, rows)
        .await
        .unwrap_or_else(|e| panic!("insert_many in a transaction failed: {e}"));
    assert_eq!(n, 1_501);
    let single = NodeExecution::insert(&mut tx, new_row(other, "tx-single", 1))
        .await
        .unwrap_or_else(|e| panic!("insert in a transaction failed: {e}"));
    let inside = NodeExecution::select()
        .filter(node_executions::flow_run_id.eq(other))
        .count(&mut tx)
        .await
        .unwrap_or_else(|e| panic!("count in a transaction failed: {e}"));
    assert_eq!(inside, 1_502, "rows visible inside the transaction");
    let found = NodeExecution::find(&mut tx, single.id)
        .await
        .unwrap_or_else(|e| panic!("find in a transaction failed: {e}"));
    assert_eq!(found.as_ref(), Some(&single), "find inside the transaction");
    tx.rollback()
        .await
        .unwrap_or_else(|e| panic!("rollback failed: {e}"));

    assert_eq!(count_run(db, other).await, 0, "rows left after rollback");
    let found = NodeExecution::find(db, single.id)
        .await
        .unwrap_or_else(|e| panic!("find after rollback failed: {e}"));
    assert_eq!(found, None, "the single insert survived the rollback");
    assert_eq!(
        count_run(db, run).await,
        ROWS as u64,
        "the committed rows are intact"
    );

    // A transaction dropped without commit rolls back too.
    {
        let mut tx = db
            .begin()
            .await
            .unwrap_or_else(|e| panic!("begin failed: {e}"));
        NodeExecution::insert_many(&mut tx, (0..10).map(|i| new_row(other, "dropped", i)))
            .await
            .unwrap_or_else(|e| panic!("insert_many in a transaction failed: {e}"));
    }
    assert_eq!(
        count_run(db, other).await,
        0,
        "rows left after dropping a transaction"
    );
}

/// A duplicate key in a late chunk fails the whole `insert_many`: the
/// chunks before it are rolled back with it.
async fn failed_chunk_leaves_nothing(db: &Db, run: Uuid) {
    let other = second_run(db, run).await;
    let mut rows: Vec<NewNodeExecution> = (0..1_400).map(|i| new_row(other, "dup", i)).collect();
    rows[1_300].id = rows[1].id; // chunk 3 repeats a key of chunk 1
    let result = NodeExecution::insert_many(db, rows).await;
    assert!(
        result.is_err(),
        "insert_many with a duplicate key succeeded: {result:?}"
    );
    assert_eq!(
        count_run(db, other).await,
        0,
        "rows left by a failed insert_many"
    );
}

/// Through a transaction that commits: every method accepts `&mut Tx`.
async fn committed(db: &Db, run: Uuid) {
    let other = second_run(db, run).await;
    let mut tx = db
        .begin()
        .await
        .unwrap_or_else(|e| panic!("begin failed: {e}"));
    let n = NodeExecution::insert_many(&mut tx, (0..3).map(|i| new_row(other, "commit", i)))
        .await
        .unwrap_or_else(|e| panic!("insert_many in a transaction failed: {e}"));
    assert_eq!(n, 3);
    let mut row = NodeExecution::select()
        .filter(node_executions::node_id.eq("commit-00001"))
        .one(&mut tx)
        .await
        .unwrap_or_else(|e| panic!("select in a transaction failed: {e}"))
        .expect("the row inserted in this transaction");
    row.status = NodeExecutionStatus::Failed;
    row.error = Some("boom".into());
    let updated = NodeExecution::update(&mut tx, &row)
        .await
        .unwrap_or_else(|e| panic!("update in a transaction failed: {e}"));
    assert_eq!(updated, 1);
    let n = NodeExecution::update_where(node_executions::node_id.eq("commit-00002"))
        .set(node_executions::retry_count, 9)
        .execute(&mut tx)
        .await
        .unwrap_or_else(|e| panic!("update_where in a transaction failed: {e}"));
    assert_eq!(n, 1);
    let n = NodeExecution::delete_where(&mut tx, node_executions::node_id.eq("commit-00000"))
        .await
        .unwrap_or_else(|e| panic!("delete_where in a transaction failed: {e}"));
    assert_eq!(n, 1);
    tx.commit()
        .await
        .unwrap_or_else(|e| panic!("commit failed: {e}"));

    let rows = NodeExecution::select()
        .filter(node_executions::flow_run_id.eq(other))
        .order_by(node_executions::node_id.asc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("select after commit failed: {e}"));
    let names: Vec<&str> = rows.iter().map(|r| r.node_id.as_str()).collect();
    assert_eq!(names, ["commit-00001", "commit-00002"], "rows after commit");
    assert_eq!(rows[0], row, "the update made in the transaction");
    assert_eq!(
        rows[1].retry_count, 9,
        "the update_where made in the transaction"
    );
    let deleted = NodeExecution::delete(db, row.id)
        .await
        .unwrap_or_else(|e| panic!("delete failed: {e}"));
    assert_eq!(deleted, 1);
    let n = FlowRun::delete_where(db, flow_runs::id.eq(other))
        .await
        .unwrap_or_else(|e| panic!("delete of the run failed: {e}"));
    assert_eq!(n, 1);
    assert_eq!(
        count_run(db, other).await,
        0,
        "ON DELETE CASCADE from flow_runs"
    );
    assert_eq!(
        count_run(db, run).await,
        ROWS as u64,
        "the bulk rows are intact"
    );
}

/// A second run of the bulk flow.
pub(crate) async fn second_run(db: &Db, run: Uuid) -> Uuid {
    let parent = FlowRun::find(db, run)
        .await
        .unwrap_or_else(|e| panic!("find of the run failed: {e}"))
        .expect("the parent run");
    let copy = FlowRun::insert(
        db,
        NewFlowRun {
            id: Some(Uuid::new_v4()),
            flow_id: parent.flow_id,
            flow_version: parent.flow_version + 1,
            status: Some(FlowRunStatus::Running),
            inputs: parent.inputs,
            outputs: None,
            error: None,
            started_at: Some(Utc::now()),
            completed_at: None,
            duration: None,
            created_by: None,
            trigger_type: None,
            trigger_id: None,
            trigger_node_id: None,
            trigger_data: None,
            last_heartbeat_at: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("insert of a second run failed: {e}"));
    copy.id
}
