//! Query overhead, interleaved: each round runs a batch of calls through the
//! generated API, then the same batch through hand-written sqlx, so a load
//! change on a shared machine hits both alike. Prints the median per-call
//! time of each and their ratio, per query and dialect.
//!
//! `invect-overhead-ab [ROUNDS] [CALLS_PER_ROUND]`

use std::future::Future;
use std::time::Instant;

use invect_benches::{KINDS, close, data, hand, label, median, open, runtime};
use invect_runtime::Pool;
use invect_runtime::core::{Flow, NewFlow, NodeExecution, node_executions};
use invect_runtime::prelude::*;

macro_rules! on_pool {
    ($db:expr, |$p:ident, $m:ident| $body:expr) => {
        match $db.pool() {
            Pool::Sqlite($p) => {
                use hand::sqlite as $m;
                $body
            }
            Pool::Postgres($p) => {
                use hand::postgres as $m;
                $body
            }
            Pool::Mysql($p) => {
                use hand::mysql as $m;
                $body
            }
        }
    };
}

/// Per-call seconds of `calls` runs of `f`.
async fn batch<F, Fut>(calls: usize, f: &F) -> f64
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    let start = Instant::now();
    for i in 0..calls {
        f(i).await;
    }
    start.elapsed().as_secs_f64() / calls as f64
}

/// Alternates `a` (invect) and `b` (sqlx) for `rounds`; prints the medians.
async fn compare<A, AF, B, BF>(name: &str, rounds: usize, calls: usize, a: A, b: B)
where
    A: Fn(usize) -> AF,
    AF: Future<Output = ()>,
    B: Fn(usize) -> BF,
    BF: Future<Output = ()>,
{
    let (mut sa, mut sb) = (Vec::new(), Vec::new());
    batch(calls, &a).await;
    batch(calls, &b).await;
    for round in 0..rounds {
        // Swap the order every round so neither always goes first.
        if round % 2 == 0 {
            sa.push(batch(calls, &a).await);
            sb.push(batch(calls, &b).await);
        } else {
            sb.push(batch(calls, &b).await);
            sa.push(batch(calls, &a).await);
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

fn new_flow(tag: &str, i: usize) -> NewFlow {
    NewFlow {
        id: format!("{tag}-{i}-{}", Uuid::new_v4()),
        name: "Inserted".into(),
        description: Some("a flow inserted by the benchmark".into()),
        tags: Some(serde_json::json!(["bench", "insert"])),
        ..NewFlow::default()
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (rounds, calls) = (
        args.first().copied().unwrap_or(21),
        args.get(1).copied().unwrap_or(200),
    );
    runtime().block_on(async {
        for kind in KINDS {
            let (test, db) = open(kind).await;
            let run = data::parents(&db).await;
            NodeExecution::insert_many(&db, data::executions(run, 1_000))
                .await
                .expect("seed");
            let db = &db;
            let id = data::FLOW_ID.to_string();
            let id = &id;
            let l = label(kind);
            compare(
                &format!("find/{l}"),
                rounds,
                calls,
                |_| async move {
                    Flow::find(db, id).await.expect("find");
                },
                |_| async move {
                    on_pool!(db, |p, m| m::find_flow(p, id).await.expect("find"));
                },
            )
            .await;
            let sql = hand::select_sql(kind);
            compare(
                &format!("select100/{l}"),
                rounds,
                calls / 4,
                |_| async move {
                    let rows = NodeExecution::select()
                        .filter(node_executions::flow_run_id.eq(run))
                        .limit(100)
                        .all(db)
                        .await
                        .expect("select");
                    assert_eq!(rows.len(), 100);
                },
                |_| async move {
                    let rows = on_pool!(db, |p, m| m::select_executions(p, sql, run, 100)
                        .await
                        .expect("select"));
                    assert_eq!(rows.len(), 100);
                },
            )
            .await;
            compare(
                &format!("insert/{l}"),
                rounds,
                calls,
                |i| async move {
                    Flow::insert(db, new_flow("a", i)).await.expect("insert");
                },
                |i| async move {
                    let new = new_flow("b", i);
                    on_pool!(db, |p, m| m::insert_flow(p, &new).await.expect("insert"));
                },
            )
            .await;
            let flow = Flow::find(db, id).await.expect("find").expect("flow");
            let flow = &flow;
            compare(
                &format!("update/{l}"),
                rounds,
                calls,
                |_| async move {
                    Flow::update(db, flow).await.expect("update");
                },
                |_| async move {
                    on_pool!(db, |p, m| m::update_flow(p, flow).await.expect("update"));
                },
            )
            .await;
            close(test, db.clone()).await;
        }
    });
}
