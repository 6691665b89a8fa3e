//! Query overhead: find by primary key, a filtered select of 100 rows,
//! insert and update through the generated API against the same statement
//! hand-written with sqlx on the same pool, on SQLite, PostgreSQL and MariaDB.
//!
//! `cargo bench -p invect-benches --bench query_overhead` (servers from
//! `source scripts/services.sh`); `scripts/bench.sh` prints the ratios.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use invect_benches::{KINDS, close, data, hand, label, on_pool, open, runtime, size};
use invect_runtime::core::{Flow, NewFlow, NodeExecution, node_executions};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;

/// Rows of the run the select reads from.
fn executions() -> usize {
    size(1_000, 200)
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    for kind in KINDS {
        let (test, db) = rt.block_on(open(kind));
        let run = rt.block_on(async {
            let run = data::parents(&db).await;
            NodeExecution::insert_many(&db, data::executions(run, executions()))
                .await
                .unwrap_or_else(|e| panic!("seeding failed: {e}"));
            run
        });
        find(c, &rt, &db, kind);
        select(c, &rt, &db, kind, run);
        insert(c, &rt, &db, kind);
        update(c, &rt, &db, kind);
        rt.block_on(close(test, db));
    }
}

fn find(c: &mut Criterion, rt: &tokio::runtime::Runtime, db: &Db, kind: DialectKind) {
    let id = data::FLOW_ID.to_string();
    let mut g = c.benchmark_group(format!("find/{}", label(kind)));
    g.bench_function("invect", |b| {
        b.to_async(rt)
            .iter(|| async { Flow::find(db, &id).await.expect("find") })
    });
    g.bench_function("sqlx", |b| {
        b.to_async(rt)
            .iter(|| async { on_pool!(hand, db, |p, m| m::find_flow(p, &id).await.expect("find")) })
    });
    g.finish();
}

fn select(c: &mut Criterion, rt: &tokio::runtime::Runtime, db: &Db, kind: DialectKind, run: Uuid) {
    let sql = hand::select_sql(kind);
    let mut g = c.benchmark_group(format!("select100/{}", label(kind)));
    g.bench_function("invect", |b| {
        b.to_async(rt).iter(|| async {
            let rows = NodeExecution::select()
                .filter(node_executions::flow_run_id.eq(run))
                .limit(100)
                .all(db)
                .await
                .expect("select");
            assert_eq!(rows.len(), 100);
            rows
        })
    });
    g.bench_function("sqlx", |b| {
        b.to_async(rt).iter(|| async {
            let rows = on_pool!(hand, db, |p, m| m::select_executions(p, sql, run, 100)
                .await
                .expect("select"));
            assert_eq!(rows.len(), 100);
            rows
        })
    });
    g.finish();
}

/// A new flow with a unique id (the table grows the same way for both).
fn new_flow() -> NewFlow {
    static N: AtomicUsize = AtomicUsize::new(0);
    NewFlow {
        id: format!("flow-{}", N.fetch_add(1, Ordering::Relaxed)),
        name: "Inserted".into(),
        description: Some("a flow inserted by the benchmark".into()),
        tags: Some(serde_json::json!(["bench", "insert"])),
        ..NewFlow::default()
    }
}

fn insert(c: &mut Criterion, rt: &tokio::runtime::Runtime, db: &Db, kind: DialectKind) {
    let mut g = c.benchmark_group(format!("insert/{}", label(kind)));
    g.bench_function("invect", |b| {
        b.to_async(rt)
            .iter(|| async { Flow::insert(db, new_flow()).await.expect("insert") })
    });
    g.bench_function("sqlx", |b| {
        b.to_async(rt).iter(|| async {
            let new = new_flow();
            on_pool!(hand, db, |p, m| m::insert_flow(p, &new)
                .await
                .expect("insert"))
        })
    });
    g.finish();
}

fn update(c: &mut Criterion, rt: &tokio::runtime::Runtime, db: &Db, kind: DialectKind) {
    let mut flow = rt
        .block_on(Flow::find(db, &data::FLOW_ID.to_string()))
        .expect("find")
        .expect("the benchmark flow");
    flow.description = Some("updated by the benchmark".into());
    let mut g = c.benchmark_group(format!("update/{}", label(kind)));
    g.bench_function("invect", |b| {
        b.to_async(rt)
            .iter(|| async { assert_eq!(Flow::update(db, &flow).await.expect("update"), 1) })
    });
    g.bench_function("sqlx", |b| {
        b.to_async(rt).iter(|| async {
            let n = on_pool!(hand, db, |p, m| m::update_flow(p, &flow)
                .await
                .expect("update"));
            assert_eq!(n, 1)
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! { name = benches; config = config(); targets = bench }
criterion_main!(benches);
