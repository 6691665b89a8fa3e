//! Insert throughput: `insert_many` of 20,000 `node_executions` rows (JSON
//! inputs and outputs of ~200 bytes each) in one transaction, in rows/s,
//! against hand-written sqlx: multi-row VALUES at several chunk sizes and,
//! on PostgreSQL, one array per column through `UNNEST`.
//!
//! `cargo bench -p invect-benches --bench insert_throughput`; the table is
//! emptied (untimed) before every timed insert.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use invect_benches::{KINDS, bulk, close, data, label, open, runtime, size};
use invect_runtime::core::{NewNodeExecution, NodeExecution};
use invect_runtime::prelude::*;
use invect_runtime::{Expr, Pool};

/// Empties `node_executions`, untimed.
async fn empty(db: &Db) {
    NodeExecution::delete_where(db, Expr::all())
        .await
        .unwrap_or_else(|e| panic!("emptying node_executions failed: {e}"));
}

/// Times `iters` inserts of `rows` by `insert`, emptying the table first.
async fn timed<F, Fut>(db: &Db, rows: &[NewNodeExecution], iters: u64, insert: F) -> Duration
where
    F: Fn(Vec<NewNodeExecution>) -> Fut,
    Fut: std::future::Future<Output = u64>,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        empty(db).await;
        let batch = rows.to_vec();
        let start = Instant::now();
        let n = insert(batch).await;
        total += start.elapsed();
        assert_eq!(n, rows.len() as u64);
    }
    total
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let n = size(20_000, 200);
    let chunks: &[usize] = if invect_benches::is_bench() {
        &[1, 100, 250, 500, 1000, 2000]
    } else {
        &[1, 100]
    };
    for kind in KINDS {
        let (test, db) = rt.block_on(open(kind));
        let run = rt.block_on(data::parents(&db));
        let rows = data::executions(run, n);
        let (db, rows) = (&db, rows.as_slice());
        // Grow the database (and SQLite's WAL) to its working size first, so
        // the form that runs first does not pay for it.
        rt.block_on(async {
            for _ in 0..3 {
                empty(db).await;
                bulk::insert_values(db, rows, 500)
                    .await
                    .expect("priming insert");
            }
        });
        let mut g = c.benchmark_group(format!("insert_many/{}", label(kind)));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function("invect", |b| {
            b.to_async(&rt).iter_custom(|iters| {
                timed(db, rows, iters, |batch| async {
                    NodeExecution::insert_many(db, batch)
                        .await
                        .expect("insert_many")
                })
            })
        });
        for &chunk in chunks {
            g.bench_function(BenchmarkId::new("sqlx_values", chunk), |b| {
                b.to_async(&rt).iter_custom(|iters| {
                    timed(db, rows, iters, |batch| async move {
                        bulk::insert_values(db, &batch, chunk)
                            .await
                            .expect("insert")
                    })
                })
            });
        }
        if let Pool::Postgres(pool) = db.pool() {
            for chunk in [1_000, 5_000, 20_000] {
                g.bench_function(BenchmarkId::new("sqlx_unnest", chunk), |b| {
                    b.to_async(&rt).iter_custom(move |iters| {
                        timed(db, rows, iters, move |batch| async move {
                            bulk::insert_unnest(pool, &batch, chunk)
                                .await
                                .expect("insert")
                        })
                    })
                });
            }
        }
        g.finish();
        let db = db.clone();
        rt.block_on(close(test, db));
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10)
}

criterion_group! { name = benches; config = config(); targets = bench }
criterion_main!(benches);
