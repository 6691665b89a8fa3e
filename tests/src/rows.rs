//! New rows for the core tables whose insert shape has no `Default` (a NOT
//! NULL JSON column), so that tests and benches write only what they vary.

use invect_runtime::core::NewFlowRun;
use serde_json::Value;

/// A run of version 1 of `flow_id` with `inputs`; every other column `None`
/// (the database defaults apply).
pub fn new_flow_run(flow_id: impl Into<String>, inputs: Value) -> NewFlowRun {
    NewFlowRun {
        id: None,
        flow_id: flow_id.into(),
        flow_version: 1,
        status: None,
        inputs,
        outputs: None,
        error: None,
        started_at: None,
        completed_at: None,
        duration: None,
        created_by: None,
        trigger_type: None,
        trigger_id: None,
        trigger_node_id: None,
        trigger_data: None,
        last_heartbeat_at: None,
    }
}
