//! Memory probe, run under `/usr/bin/time -v` by `scripts/bench.sh` (peak RSS
//! is the figure): each mode does one thing in a fresh process.
//!
//! ```text
//! invect-rss seed   URL ROWS   # adds ROWS node_executions (50,000 per insert_many)
//! invect-rss stream URL        # streams every node_executions row, decoding each
//! invect-rss build  URL ROWS   # only builds ROWS new rows in memory (the baseline)
//! invect-rss insert URL ROWS   # builds ROWS new rows, then one insert_many
//! invect-rss insert-iter URL ROWS  # one insert_many of ROWS rows made as it goes
//! ```
//! The database must have the core schema (`invect-cli migrate --push`).

use std::process::ExitCode;

use invect_benches::data;
use invect_runtime::Db;
use invect_runtime::core::{Flow, FlowRun, NodeExecution};
use invect_runtime::prelude::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = invect_benches::runtime();
    match rt.block_on(run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("invect-rss: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &[String]) -> Result<(), String> {
    let (mode, url) = match args {
        [mode, url, ..] => (mode.as_str(), url.as_str()),
        _ => {
            return Err("usage: invect-rss seed|stream|build|insert|insert-iter URL [ROWS]".into());
        }
    };
    let rows = || -> Result<usize, String> {
        args.get(2)
            .ok_or("ROWS is missing")?
            .parse()
            .map_err(|e| format!("ROWS: {e}"))
    };
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    match mode {
        "seed" => seed(&db, rows()?).await?,
        "stream" => stream(&db).await?,
        "build" => {
            let built = data::executions(run_id(&db).await?, rows()?);
            println!("built {} rows", std::hint::black_box(built).len());
        }
        "insert" => {
            let built = data::executions(run_id(&db).await?, rows()?);
            let n = NodeExecution::insert_many(&db, built)
                .await
                .map_err(|e| e.to_string())?;
            println!("inserted {n} rows");
        }
        "insert-iter" => {
            let run = run_id(&db).await?;
            let made = (0..rows()?).map(|i| data::execution(run, i));
            let n = NodeExecution::insert_many(&db, made)
                .await
                .map_err(|e| e.to_string())?;
            println!("inserted {n} rows");
        }
        other => return Err(format!("unknown mode {other:?}")),
    }
    db.close().await;
    Ok(())
}

/// The benchmark run, created on first use.
async fn run_id(db: &Db) -> Result<Uuid, String> {
    if Flow::find(db, &data::FLOW_ID.to_string())
        .await
        .map_err(|e| e.to_string())?
        .is_none()
    {
        return Ok(data::parents(db).await);
    }
    let run = FlowRun::select()
        .one(db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the benchmark flow has no run")?;
    Ok(run.id)
}

async fn seed(db: &Db, rows: usize) -> Result<(), String> {
    let run = run_id(db).await?;
    let mut done = 0;
    while done < rows {
        let n = (rows - done).min(50_000);
        let batch = (done..done + n).map(|i| data::execution(run, i));
        NodeExecution::insert_many(db, batch)
            .await
            .map_err(|e| e.to_string())?;
        done += n;
    }
    println!("seeded {done} rows");
    Ok(())
}

async fn stream(db: &Db) -> Result<(), String> {
    let mut rows = NodeExecution::select().stream(db);
    let (mut n, mut bytes) = (0u64, 0usize);
    while let Some(row) = rows.next().await {
        let row = row.map_err(|e| e.to_string())?;
        n += 1;
        bytes += row.node_id.len();
    }
    println!("streamed {n} rows ({bytes} bytes of node ids)");
    Ok(())
}
