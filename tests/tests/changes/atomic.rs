//! Updates the database computes: increments that never lose one another,
//! and updates and deletes that return the rows they changed.

use invect_runtime::core::{
    FlowRun, FlowRunStatus, NewNodeExecution, NodeExecution, flow_runs, node_executions,
};
use invect_runtime::prelude::*;
use invect_runtime::query::now;
use invect_runtime::schema::DialectKind;
use serde_json::json;
use tokio::task::JoinSet;

use crate::support::{close, flow, ok, open, pending_runs};

async fn one_node_execution(db: &Db) -> NodeExecution {
    let kind = db.kind();
    let run = ok(kind, "a run", FlowRun::select().one(db).await).expect("a run exists");
    let new = NewNodeExecution {
        id: None,
        flow_run_id: run.id,
        node_id: "n1".into(),
        node_type: "llm".into(),
        status: None,
        inputs: json!({}),
        outputs: None,
        error: None,
        started_at: None,
        completed_at: None,
        duration: None,
        retry_count: None,
    };
    ok(
        kind,
        "insert node execution",
        NodeExecution::insert(db, new).await,
    )
}

pub async fn sixteen_tasks_increment_one_counter_exactly(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "f").await;
    pending_runs(&db, "f", 1).await;
    let node = one_node_execution(&db).await;
    assert_eq!(node.retry_count, 0);
    let mut tasks = JoinSet::new();
    for _ in 0..16 {
        let db = db.clone();
        tasks.spawn(async move {
            for _ in 0..100 {
                let n = NodeExecution::update_where(node_executions::id.eq(node.id))
                    .set_expr(
                        node_executions::retry_count,
                        node_executions::retry_count.add(1),
                    )
                    .execute(&db)
                    .await?;
                assert_eq!(n, 1, "one row matched");
            }
            Ok::<_, invect_runtime::Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        ok(kind, "an incrementing task", done.expect("task"));
    }
    let after = ok(kind, "find", NodeExecution::find(&db, node.id).await).expect("row");
    assert_eq!(after.retry_count, 1_600, "{kind}: increments were lost");
    close(test, db).await;
}

pub async fn returning_gives_the_changed_rows(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "f").await;
    pending_runs(&db, "f", 5).await;
    let before = ok(kind, "select", FlowRun::select().all(&db).await);
    let first = before[0].id;
    // An expression over other columns: a duration from NULL to 7, the
    // completion time set by the database.
    let updated = FlowRun::update_where(flow_runs::id.ne(first))
        .set(flow_runs::status, FlowRunStatus::Success)
        .set_expr(flow_runs::duration, flow_runs::duration.coalesce(0).add(7))
        .set_expr(flow_runs::completed_at, now())
        .returning(&db)
        .await;
    let updated = ok(kind, "update returning", updated);
    assert_eq!(updated.len(), 4, "{kind}: four rows updated");
    for r in &updated {
        assert_ne!(r.id, first);
        assert_eq!(
            r.status,
            FlowRunStatus::Success,
            "{kind}: returned as stored"
        );
        assert_eq!(r.duration, Some(7), "{kind}: coalesce + add");
        let at = r.completed_at.expect("completed_at set by now()");
        assert!(
            (Utc::now() - at).num_seconds().abs() < 60,
            "{kind}: now() is {at}"
        );
    }
    // Nothing matched: nothing returned, nothing changed.
    let none = FlowRun::update_where(flow_runs::flow_version.eq(99))
        .set(flow_runs::flow_version, 100)
        .returning(&db)
        .await;
    assert!(ok(kind, "update none", none).is_empty());
    // Inside a transaction, rolled back: the rows are back as they were.
    let mut tx = ok(kind, "begin", db.begin().await);
    let gone = FlowRun::delete_returning(&mut tx, flow_runs::status.eq(FlowRunStatus::Success));
    let gone = ok(kind, "delete returning", gone.await);
    assert_eq!(gone.len(), 4, "{kind}: deleted rows returned");
    assert!(gone.iter().all(|r| r.duration == Some(7)));
    ok(kind, "rollback", tx.rollback().await);
    assert_eq!(ok(kind, "count", FlowRun::select().count(&db).await), 5);
    let gone = FlowRun::delete_returning(&db, flow_runs::id.eq(first)).await;
    let gone = ok(kind, "delete one", gone);
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0], before[0], "{kind}: the deleted row as it was");
    assert_eq!(ok(kind, "count", FlowRun::select().count(&db).await), 4);
    close(test, db).await;
}
