//! Query overhead, interleaved: each round runs a batch of calls through the
//! generated API, then the same batch through hand-written sqlx, so a load
//! change on a shared machine hits both alike. Prints the median per-call
//! time of each and their ratio, per query and dialect.
//!
//! `invect-overhead-ab [ROUNDS] [CALLS_PER_ROUND]`

use invect_benches::ab::{compare, no_setup};
use invect_benches::{KINDS, close, data, hand, label, on_pool, open, runtime};
use invect_runtime::core::{Flow, NewFlow, NodeExecution, node_executions};
use invect_runtime::prelude::*;

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
                no_setup,
                |_| async move {
                    Flow::find(db, id).await.expect("find");
                },
                |_| async move {
                    on_pool!(hand, db, |p, m| m::find_flow(p, id).await.expect("find"));
                },
            )
            .await;
            let sql = hand::select_sql(kind);
            compare(
                &format!("select100/{l}"),
                rounds,
                calls / 4,
                no_setup,
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
                    let rows = on_pool!(hand, db, |p, m| m::select_executions(p, sql, run, 100)
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
                no_setup,
                |i| async move {
                    Flow::insert(db, new_flow("a", i)).await.expect("insert");
                },
                |i| async move {
                    let new = new_flow("b", i);
                    on_pool!(hand, db, |p, m| m::insert_flow(p, &new)
                        .await
                        .expect("insert"));
                },
            )
            .await;
            let flow = Flow::find(db, id).await.expect("find").expect("flow");
            let flow = &flow;
            compare(
                &format!("update/{l}"),
                rounds,
                calls,
                no_setup,
                |_| async move {
                    Flow::update(db, flow).await.expect("update");
                },
                |_| async move {
                    on_pool!(hand, db, |p, m| m::update_flow(p, flow)
                        .await
                        .expect("update"));
                },
            )
            .await;
            close(test, db.clone()).await;
        }
    });
}
