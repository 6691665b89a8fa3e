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

use std::future::Future;
use std::time::Instant;

use invect_benches::{KINDS, close, data, hand_changes, label, median, open, runtime};
use invect_runtime::Pool;
use invect_runtime::core::{
    FlowRun, FlowRunStatus, FlowTrigger, NewFlowTrigger, NodeExecution, flow_runs, flow_triggers,
    node_executions,
};
use invect_runtime::prelude::*;
use invect_tests::new_flow_run;

macro_rules! on_pool {
    ($db:expr, |$p:ident, $m:ident| $body:expr) => {
        match $db.pool() {
            Pool::Sqlite($p) => {
                use hand_changes::sqlite as $m;
                $body
            }
            Pool::Postgres($p) => {
                use hand_changes::postgres as $m;
                $body
            }
            Pool::Mysql($p) => {
                use hand_changes::mysql as $m;
                $body
            }
        }
    };
}

/// Per-call seconds of `calls` runs of `f`, after `setup` (untimed).
async fn batch<S, SF, F, Fut>(calls: usize, setup: &S, f: &F) -> f64
where
    S: Fn() -> SF,
    SF: Future<Output = ()>,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    setup().await;
    let start = Instant::now();
    for i in 0..calls {
        f(i).await;
    }
    start.elapsed().as_secs_f64() / calls as f64
}

/// Alternates `a` (invect) and `b` (sqlx) for `rounds`, `setup` before every
/// batch; prints the medians.
async fn compare<S, SF, A, AF, B, BF>(name: &str, rounds: usize, calls: usize, setup: S, a: A, b: B)
where
    S: Fn() -> SF,
    SF: Future<Output = ()>,
    A: Fn(usize) -> AF,
    AF: Future<Output = ()>,
    B: Fn(usize) -> BF,
    BF: Future<Output = ()>,
{
    let (mut sa, mut sb) = (Vec::new(), Vec::new());
    batch(calls, &setup, &a).await;
    batch(calls, &setup, &b).await;
    for round in 0..rounds {
        // Swap the order every round so neither always goes first.
        if round % 2 == 0 {
            sa.push(batch(calls, &setup, &a).await);
            sb.push(batch(calls, &setup, &b).await);
        } else {
            sb.push(batch(calls, &setup, &b).await);
            sa.push(batch(calls, &setup, &a).await);
        }
    }
    let (ma, mb) = (median(&mut sa), median(&mut sb));
    println!(
        "{name:<20} invect {:8.1} µs  sqlx {:8.1} µs  ratio {:.3}",
        ma * 1e6,
        mb * 1e6,
        ma / mb
    );
}

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
                    let stored =
                        on_pool!(db, |p, m| m::upsert_trigger(p, &new).await.expect("upsert"));
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
                    let n = on_pool!(db, |p, m| m::increment_retries(p, id)
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
                    let run = on_pool!(db, |p, m| m::claim_run(p).await.expect("claim"))
                        .expect("a pending run");
                    assert_eq!(run.status, FlowRunStatus::Pending);
                },
            )
            .await;
            close(test, db.clone()).await;
        }
    });
}
