//! `sqlite-writer URL SECONDS TAG TASKS`: TASKS tasks each doing read-then-write
//! transactions on the database at URL for SECONDS: count this writer's
//! flows, insert flow `TAG-<n>`, commit. Prints `committed C errors E` and,
//! for each error, its message; exits 1 on bad arguments.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use invect_runtime::Db;
use invect_runtime::core::{Flow, NewFlow, flows};
use invect_runtime::prelude::*;

/// One read-then-write transaction inserting flow `id`.
async fn read_then_write(db: &Db, tag: &str, id: String) -> invect_runtime::Result<()> {
    let mut tx = db.begin().await?;
    let mine = Flow::select()
        .filter(flows::id.like(format!("{tag}-%")))
        .count(&mut tx)
        .await?;
    let new = NewFlow {
        id,
        name: format!("{mine} before"),
        ..NewFlow::default()
    };
    Flow::insert(&mut tx, new).await?;
    tx.commit().await
}

/// Runs `tasks` writers for `secs`; returns (committed, error messages).
pub async fn run(db: &Db, secs: u64, tag: &str, tasks: usize) -> (u64, Vec<String>) {
    let until = Instant::now() + Duration::from_secs(secs);
    let mut set = tokio::task::JoinSet::new();
    for t in 0..tasks {
        let (db, tag) = (db.clone(), tag.to_string());
        set.spawn(async move {
            let (mut committed, mut errors) = (0u64, Vec::new());
            let mut n = 0;
            while Instant::now() < until {
                n += 1;
                match read_then_write(&db, &tag, format!("{tag}-{t}-{n}")).await {
                    Ok(()) => committed += 1,
                    Err(e) => errors.push(e.to_string()),
                }
            }
            (committed, errors)
        });
    }
    let (mut committed, mut errors) = (0, Vec::new());
    while let Some(done) = set.join_next().await {
        match done {
            Ok((c, e)) => {
                committed += c;
                errors.extend(e);
            }
            Err(e) => errors.push(format!("a task failed: {e}")),
        }
    }
    (committed, errors)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, secs, tag, tasks] = args.as_slice() else {
        eprintln!("usage: sqlite-writer URL SECONDS TAG TASKS");
        return ExitCode::from(1);
    };
    let (Ok(secs), Ok(tasks)) = (secs.parse(), tasks.parse()) else {
        eprintln!("SECONDS and TASKS must be numbers");
        return ExitCode::from(1);
    };
    let db = match Db::connect(url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let (committed, errors) = run(&db, secs, tag, tasks).await;
    println!("committed {committed} errors {}", errors.len());
    for e in errors.iter().take(5) {
        println!("error: {e}");
    }
    db.close().await;
    ExitCode::SUCCESS
}
