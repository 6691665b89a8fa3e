//! Concurrent-work operations, interleaved: an upsert (`FlowTrigger::upsert`
//! on its unique webhook path, always the same path, so every call takes the
//! update path), an atomic increment (`set_expr(retry_count,
//! retry_count.add(1))`) and the claim of one pending run (`begin`, select
//! `skip_locked`, mark it running, commit). Each round runs a batch of calls
//! through the generated API, then the same batch through hand-written sqlx
//! (`benches/src/hand_changes.rs`), order swapped every round, so a load
//! change on a shared machine hits both alike. Prints the median per-call
//! time of each and their ratio, per operation and dialect.
//!
//! Before every claim batch (untimed) the runs are emptied and `CALLS_PER_ROUND`
//! pending runs inserted, so each batch of either side finds the table in
//! the same state and claims every one of them.
//!
//! `invect-changes-ab [ROUNDS] [CALLS_PER_ROUND]`

use invect_benches::ab::compare;
use invect_benches::{KINDS, close, data, label, on_pool, open, runtime};
use invect_runtime::Pool;
use invect_runtime::core::{
    FlowRun, FlowRunStatus, FlowTrigger, NewFlowTrigger, NodeExecution, flow_runs, flow_triggers,
    node_executions,
};
use invect_runtime::prelude::*;
use invect_tests::new_flow_run;

/// The one webhook path every upsert of both sides writes.
const PATH: &str = "/bench/hook";

/// Upsert `i`: the same path, a cron expression that changes every call.
fn trigger(i: usize) -> NewFlowTrigger {
    NewFlowTrigger {
        flow_id: data::FLOW_ID.into(),
        node_id: "trigger".into(),
        r#type: "webhook".into(),
        webhook_path: Some(PATH.into()),
        cron_expression: Some(cron(i)),
        ..NewFlowTrigger::default()
    }
}

fn cron(i: usize) -> String {
    format!("*/{} * * * *", i % 59 + 1)
}

/// Empties `flow_runs` (and what cascades from it) and inserts `n` pending runs.
async fn pending_runs(db: &Db, n: usize) {
    let emptied = match db.pool() {
        // No dead rows left behind for the claims to scan past.
        Pool::Postgres(p) => sqlx::query(r#"TRUNCATE "flow_runs" CASCADE"#)
            .execute(p)
            .await
            .map(drop)
            .map_err(invect_runtime::Error::from),
        _ => FlowRun::delete_where(db, Expr::all()).await.map(drop),
    };
    emptied.expect("emptying flow_runs");
    let runs = (0..n).map(|i| new_flow_run(data::FLOW_ID, serde_json::json!({"job": i})));
    FlowRun::insert_many(db, runs).await.expect("pending runs");
}

/// Claims one pending run through the generated API.
async fn claim(db: &Db) -> invect_runtime::Result<Option<FlowRun>> {
    let mut tx = db.begin().await?;
    let runs = FlowRun::select()
        .filter(flow_runs::status.eq(FlowRunStatus::Pending))
        .limit(1)
        .skip_locked()
        .all(&mut tx)
        .await?;
    let run = runs.into_iter().next();
    if let Some(run) = &run {
        FlowRun::update_where(flow_runs::id.eq(run.id))
            .set(flow_runs::status, FlowRunStatus::Running)
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(run)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (rounds, calls) = (
        args.first().copied().unwrap_or(21),
        args.get(1).copied().unwrap_or(200).max(1),
    );
    runtime().block_on(async {
        for kind in KINDS {
            let (test, db) = open(kind).await;
            let run = data::parents(&db).await;
            let executions = data::executions(run, 1_000);
            let ids: Vec<Uuid> = executions.iter().filter_map(|e| e.id).collect();
            NodeExecution::insert_many(&db, executions)
                .await
                .expect("seed");
            let (db, ids) = (&db, &ids);
            let l = label(kind);
            let nothing = || async {};
            compare(
                &format!("upsert/{l}"),
                rounds,
                calls,
                nothing,
                |i| async move {
                    let stored = FlowTrigger::upsert(trigger(i))
                        .on_conflict(flow_triggers::webhook_path)
                        .update(flow_triggers::cron_expression)
                        .execute(db)
                        .await
                        .expect("upsert");
                    assert_eq!(stored.cron_expression, Some(cron(i)));
                },
                |i| async move {
                    let new = trigger(i);
                    let stored = on_pool!(hand_changes, db, |p, m| m::upsert_trigger(p, &new)
                        .await
                        .expect("upsert"));
                    assert_eq!(stored.cron_expression, Some(cron(i)));
                },
            )
            .await;
            compare(
                &format!("increment/{l}"),
                rounds,
                calls,
                nothing,
                |i| async move {
                    let n = NodeExecution::update_where(node_executions::id.eq(ids[i % ids.len()]))
                        .set_expr(
                            node_executions::retry_count,
                            node_executions::retry_count.add(1),
                        )
                        .execute(db)
                        .await
                        .expect("increment");
                    assert_eq!(n, 1);
                },
                |i| async move {
                    let id = ids[i % ids.len()];
                    let n = on_pool!(hand_changes, db, |p, m| m::increment_retries(p, id)
                        .await
                        .expect("increment"));
                    assert_eq!(n, 1);
                },
            )
            .await;
            compare(
                &format!("claim/{l}"),
                rounds,
                calls,
                || pending_runs(db, calls),
                |_| async move {
                    let run = claim(db).await.expect("claim").expect("a pending run");
                    assert_eq!(run.status, FlowRunStatus::Pending);
                },
                |_| async move {
                    let run = on_pool!(hand_changes, db, |p, m| m::claim_run(p)
                        .await
                        .expect("claim"))
                    .expect("a pending run");
                    assert_eq!(run.status, FlowRunStatus::Pending);
                },
            )
            .await;
            close(test, db.clone()).await;
        }
    });
}
