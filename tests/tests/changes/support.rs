//! A fresh database with the core schema, a flow to hang runs on, and the
//! typed handle opened the application's way.

use invect_runtime::core::{Flow, FlowRun, NewFlow};
use invect_runtime::schema::DialectKind;
use invect_runtime::{Db, TableExt};
use invect_tests::{AnyTestDb, core_ddl, new_flow_run};
use serde_json::json;

/// The core tables on a fresh database of `kind`, and `Db::connect` on it.
pub async fn open(kind: DialectKind) -> (AnyTestDb, Db) {
    let test = AnyTestDb::new(kind).await;
    test.apply(&core_ddl(kind)).await;
    let db = Db::connect(test.url())
        .await
        .unwrap_or_else(|e| panic!("{kind}: Db::connect failed: {e}"));
    (test, db)
}

/// Closes the handle and drops the database.
pub async fn close(test: AnyTestDb, db: Db) {
    db.close().await;
    test.drop().await;
}

/// Inserts flow `id`.
pub async fn flow(db: &Db, id: &str) -> Flow {
    let new = NewFlow {
        id: id.to_string(),
        name: format!("flow {id}"),
        ..NewFlow::default()
    };
    Flow::insert(db, new)
        .await
        .unwrap_or_else(|e| panic!("{}: inserting flow {id}: {e}", db.kind()))
}

/// `n` pending runs of flow `flow_id`, inputs `{"i": i}`.
pub async fn pending_runs(db: &Db, flow_id: &str, n: usize) {
    let rows = (0..n).map(|i| new_flow_run(flow_id, json!({ "i": i })));
    let written = FlowRun::insert_many(db, rows)
        .await
        .unwrap_or_else(|e| panic!("{}: inserting {n} runs: {e}", db.kind()));
    assert_eq!(written, n as u64, "{}: insert_many count", db.kind());
}

/// Unwraps `r`, naming the dialect and what was being done.
#[track_caller]
pub fn ok<T>(kind: DialectKind, what: &str, r: invect_runtime::Result<T>) -> T {
    r.unwrap_or_else(|e| panic!("{kind}: {what}: {e}"))
}
