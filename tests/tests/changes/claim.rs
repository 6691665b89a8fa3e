//! A work queue: workers claim pending runs with `FOR UPDATE SKIP LOCKED`
//! (a write transaction on SQLite), mark them running and commit.

use std::collections::HashSet;

use invect_runtime::core::{FlowRun, FlowRunStatus, flow_runs};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use tokio::task::JoinSet;

use crate::support::{close, flow, ok, open, pending_runs};

const RUNS: usize = 1_000;
const WORKERS: usize = 8;
const BATCH: u64 = 10;

/// Claims up to `BATCH` pending runs in one transaction; returns their ids.
async fn claim(db: &Db) -> invect_runtime::Result<Vec<Uuid>> {
    let mut tx = db.begin().await?;
    let runs = FlowRun::select()
        .filter(flow_runs::status.eq(FlowRunStatus::Pending))
        .order_by(flow_runs::started_at.asc())
        .limit(BATCH)
        .skip_locked()
        .all(&mut tx)
        .await?;
    let ids: Vec<Uuid> = runs.iter().map(|r| r.id).collect();
    if !ids.is_empty() {
        FlowRun::update_where(flow_runs::id.in_list(ids.clone()))
            .set(flow_runs::status, FlowRunStatus::Running)
            .set(flow_runs::last_heartbeat_at, Some(Utc::now()))
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(ids)
}

pub async fn eight_workers_claim_each_run_exactly_once(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "queue").await;
    pending_runs(&db, "queue", RUNS).await;
    let mut workers = JoinSet::new();
    for _ in 0..WORKERS {
        let db = db.clone();
        workers.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let ids = claim(&db).await?;
                if ids.is_empty() {
                    return Ok::<_, invect_runtime::Error>(mine);
                }
                mine.extend(ids);
            }
        });
    }
    let mut claimed = Vec::new();
    let mut per_worker = Vec::new();
    while let Some(done) = workers.join_next().await {
        let mine = ok(kind, "a worker", done.expect("worker task"));
        per_worker.push(mine.len());
        claimed.extend(mine);
    }
    let distinct: HashSet<Uuid> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), RUNS, "{kind}: claims {per_worker:?}");
    assert_eq!(distinct.len(), RUNS, "{kind}: a run was claimed twice");
    let running = FlowRun::select()
        .filter(flow_runs::status.eq(FlowRunStatus::Running))
        .count(&db)
        .await;
    assert_eq!(ok(kind, "count running", running), RUNS as u64);
    close(test, db).await;
}
