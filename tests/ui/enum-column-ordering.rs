// Enums sort alphabetically on SQLite (stored as text) but in declared order on
// PostgreSQL and MySQL, so the typed API refuses <, > and ORDER BY on them.
use invect_runtime::core::{FlowRun, FlowRunStatus, flow_runs};
use invect_runtime::prelude::*;

fn main() {
    let _ = FlowRun::select().filter(flow_runs::status.lt(FlowRunStatus::Running));
}
