//! `Select::stream` on SQLite, PostgreSQL and MariaDB: the same rows, in the
//! same order, as `all`; filters, limit and offset apply; an empty result
//! ends at once; dropping a stream half-read gives its connection back; a
//! decode failure is yielded as an error and ends the stream.
//!
//! Needs the servers of `scripts/services.sh` (`source` it first).

use invect_runtime::Pool;
use invect_runtime::core::{
    Flow, FlowRun, NewFlow, NewFlowRun, NewNodeExecution, NodeExecution, node_executions,
};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind::{self, Mysql, Postgres, Sqlite};
use invect_tests::new_flow_run;
use invect_tests::{AnyTestDb, core_ddl};
use serde_json::json;

const ROWS: usize = 1_000;

#[tokio::test]
async fn stream_sqlite() {
    run(Sqlite).await;
}

#[tokio::test]
async fn stream_postgres() {
    run(Postgres).await;
}

#[tokio::test]
async fn stream_mysql() {
    run(Mysql).await;
}

async fn run(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    test.apply(&core_ddl(kind)).await;
    let db = Db::connect(test.url())
        .await
        .unwrap_or_else(|e| panic!("Db::connect({}) failed: {e}", test.url()));
    seed(&db).await;
    same_rows_as_all(&db).await;
    filter_limit_offset(&db).await;
    empty(&db).await;
    dropped_half_read(&db).await;
    decode_error(&db, kind).await;
    db.close().await;
    test.drop().await;
}

/// A flow, a run and `ROWS` executions of it.
async fn seed(db: &Db) {
    Flow::insert(
        db,
        NewFlow {
            id: "stream-flow".into(),
            name: "Stream".into(),
            ..NewFlow::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("insert of the flow failed: {e}"));
    let run = FlowRun::insert(db, new_run())
        .await
        .unwrap_or_else(|e| panic!("insert of the run failed: {e}"));
    let rows = (0..ROWS).map(|i| NewNodeExecution {
        id: None,
        flow_run_id: run.id,
        node_id: format!("node-{i:05}"),
        node_type: ["http", "llm", "code"][i % 3].into(),
        status: None,
        inputs: json!({"i": i, "text": "x".repeat(i % 50)}),
        outputs: (i % 2 == 0).then(|| json!([i])),
        error: None,
        started_at: None,
        completed_at: None,
        duration: Some(i as i32),
        retry_count: Some((i % 4) as i32),
    });
    let n = NodeExecution::insert_many(db, rows)
        .await
        .unwrap_or_else(|e| panic!("insert_many failed: {e}"));
    assert_eq!(n, ROWS as u64);
}

fn new_run() -> NewFlowRun {
    new_flow_run("stream-flow", json!({}))
}

/// Reads a stream to its end, panicking on the first error.
macro_rules! collect {
    ($stream:expr) => {{
        let mut s = $stream;
        let mut out = Vec::new();
        while let Some(row) = s.next().await {
            out.push(row.unwrap_or_else(|e| panic!("stream yielded an error: {e}")));
        }
        out
    }};
}

async fn same_rows_as_all(db: &Db) {
    let query = || NodeExecution::select().order_by(node_executions::node_id.asc());
    let all = query().all(db).await.expect("all");
    let streamed = collect!(query().stream(db));
    assert_eq!(streamed.len(), ROWS);
    assert_eq!(streamed, all, "stream and all disagree");
}

async fn filter_limit_offset(db: &Db) {
    let query = || {
        NodeExecution::select()
            .filter(node_executions::node_type.eq("llm"))
            .order_by(node_executions::duration.desc())
            .limit(25)
            .offset(10)
    };
    let all = query().all(db).await.expect("all");
    let streamed = collect!(query().stream(db));
    assert_eq!(streamed.len(), 25);
    assert!(streamed.iter().all(|r| r.node_type == "llm"));
    assert_eq!(streamed, all);
}

async fn empty(db: &Db) {
    let mut s = NodeExecution::select()
        .filter(node_executions::node_type.eq("none"))
        .stream(db);
    assert!(s.next().await.is_none(), "an empty result yields nothing");
    assert!(s.next().await.is_none(), "and keeps ending");
}

/// Dropping streams half-read, more times than the pool has connections,
/// must leave the pool usable.
async fn dropped_half_read(db: &Db) {
    for _ in 0..20 {
        let mut s = NodeExecution::select().stream(db);
        for _ in 0..3 {
            s.next()
                .await
                .expect("a row")
                .unwrap_or_else(|e| panic!("stream yielded an error: {e}"));
        }
    }
    let n = NodeExecution::select().count(db).await.expect("count");
    assert_eq!(n, ROWS as u64);
}

/// A stored value the type cannot hold is an error, and the stream ends.
async fn decode_error(db: &Db, kind: DialectKind) {
    let widen = match kind {
        Sqlite => None,
        Postgres => Some("ALTER TYPE node_execution_status ADD VALUE 'BOGUS'"),
        Mysql => Some(
            "ALTER TABLE node_executions MODIFY status ENUM('PENDING', 'RUNNING', 'SUCCESS', \
             'FAILED', 'SKIPPED', 'BATCH_SUBMITTED', 'BATCH_PROCESSING', 'BOGUS') \
             NOT NULL DEFAULT 'PENDING'",
        ),
    };
    let corrupt = "UPDATE node_executions SET status = 'BOGUS' WHERE node_id = 'node-00000'";
    for sql in widen.into_iter().chain([corrupt]) {
        execute(db, sql).await;
    }
    let mut s = NodeExecution::select()
        .order_by(node_executions::node_id.asc())
        .stream(db);
    match s.next().await {
        Some(Err(e)) => assert!(e.to_string().contains("BOGUS"), "{e}"),
        other => panic!(
            "expected a decode error, got {:?}",
            other.map(|r| r.map(|row| row.node_id))
        ),
    }
    assert!(s.next().await.is_none(), "the stream ends after an error");
}

/// Runs one statement of the test's own on the handle's pool.
async fn execute(db: &Db, sql: &'static str) {
    let done = match db.pool() {
        Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(drop),
        Pool::Postgres(p) => sqlx::query(sql).execute(p).await.map(drop),
        Pool::Mysql(p) => sqlx::query(sql).execute(p).await.map(drop),
    };
    done.unwrap_or_else(|e| panic!("{sql} failed: {e}"));
}
