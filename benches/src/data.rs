//! Realistic rows: one flow, one run, and `node_executions` with JSON inputs
//! and outputs of about 200 bytes each.

use chrono::{DateTime, Duration, TimeZone, Utc};
use invect_runtime::core::{Flow, FlowRun, NewFlow, NewNodeExecution, NodeExecutionStatus};
use invect_runtime::{Db, TableExt};
use invect_tests::new_flow_run;
use serde_json::{Value, json};
use uuid::Uuid;

/// The flow every benchmark row belongs to.
pub const FLOW_ID: &str = "bench-flow";

/// Inserts the parent flow and run; returns the run's id.
pub async fn parents(db: &Db) -> Uuid {
    Flow::insert(
        db,
        NewFlow {
            id: FLOW_ID.into(),
            name: "Benchmark".into(),
            ..NewFlow::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("insert of the parent flow failed: {e}"));
    let run = FlowRun::insert(db, new_flow_run(FLOW_ID, json!({"source": "bench"})))
        .await
        .unwrap_or_else(|e| panic!("insert of the parent run failed: {e}"));
    run.id
}

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .single()
        .expect("a valid date")
}

/// About 200 bytes of JSON, as a node's inputs.
pub fn inputs(i: usize) -> Value {
    json!({
        "url": format!("https://api.example.com/v1/items/{i}"),
        "method": "POST",
        "headers": {"content-type": "application/json", "x-request-id": format!("req-{i:08}")},
        "body": {"query": "summarise the attached document", "limit": 20, "page": i % 7}
    })
}

/// About 200 bytes of JSON, as a node's outputs.
pub fn outputs(i: usize) -> Value {
    json!({
        "status": 200,
        "items": [{"id": i, "score": 0.75, "label": "relevant"}, {"id": i + 1, "score": 0.25, "label": "other"}],
        "usage": {"prompt_tokens": 812, "completion_tokens": 96},
        "cached": false
    })
}

/// Row `i` of a batch with every column given (no database default needed),
/// so hand-written and generated inserts write the same values.
pub fn execution(run: Uuid, i: usize) -> NewNodeExecution {
    let started = base_time() + Duration::milliseconds(i as i64 * 7);
    NewNodeExecution {
        id: Some(Uuid::new_v4()),
        flow_run_id: run,
        node_id: format!("node-{i:07}"),
        node_type: ["http", "llm", "code", "if-else"][i % 4].into(),
        status: Some(NodeExecutionStatus::Success),
        inputs: inputs(i),
        outputs: Some(outputs(i)),
        error: None,
        started_at: Some(started),
        completed_at: Some(started + Duration::milliseconds(420)),
        duration: Some(420),
        retry_count: Some(0),
    }
}

/// `n` rows of run `run`.
pub fn executions(run: Uuid, n: usize) -> Vec<NewNodeExecution> {
    (0..n).map(|i| execution(run, i)).collect()
}
