//! insert_many against hand-written bulk inserts, interleaved: every round
//! runs each form once, in turn, so a load change on a shared machine hits
//! all forms alike; prints the median rows/s of each form.
//!
//! `invect-insert-ab sqlite|postgres|mysql [ROWS] [ROUNDS] [CHUNK,CHUNK..]`

use std::time::Instant;

use invect_benches::{bulk, close, data, median, open, runtime};
use invect_runtime::core::NodeExecution;
use invect_runtime::{Expr, Pool};
use invect_schema::DialectKind;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = match args.first().map(String::as_str) {
        Some("sqlite") => DialectKind::Sqlite,
        Some("postgres") => DialectKind::Postgres,
        Some("mysql") => DialectKind::Mysql,
        _ => {
            eprintln!("usage: invect-insert-ab sqlite|postgres|mysql [ROWS] [ROUNDS] [CHUNKS]");
            std::process::exit(2);
        }
    };
    let arg = |i: usize, d: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (rows, rounds) = (arg(1, 20_000), arg(2, 7));
    let chunks: Vec<usize> = args
        .get(3)
        .map(|s| s.split(',').filter_map(|c| c.parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 500, 1000]);
    runtime().block_on(run(kind, rows, rounds, &chunks));
}

async fn run(kind: DialectKind, rows: usize, rounds: usize, chunks: &[usize]) {
    let (test, db) = open(kind).await;
    let run = data::parents(&db).await;
    let batch = data::executions(run, rows);
    let mut forms: Vec<String> = vec!["invect".into()];
    forms.extend(chunks.iter().map(|c| format!("sqlx_values/{c}")));
    forms.extend(chunks.iter().map(|c| format!("sqlx_gensql/{c}")));
    if kind == DialectKind::Postgres {
        forms.extend(chunks.iter().map(|c| format!("sqlx_unnest/{c}")));
    }
    let mut secs = vec![Vec::new(); forms.len()];
    for round in 0..=rounds {
        for (i, form) in forms.iter().enumerate() {
            NodeExecution::delete_where(&db, Expr::all())
                .await
                .expect("empty the table");
            let mut copy = batch.clone();
            let start = Instant::now();
            let n = match form.split_once('/') {
                None => NodeExecution::insert_many(&db, std::mem::take(&mut copy))
                    .await
                    .expect("insert_many"),
                Some(("sqlx_gensql", c)) => {
                    bulk::insert_values_generated_sql(&db, &copy, c.parse().unwrap_or(1))
                        .await
                        .expect("values")
                }
                Some(("sqlx_values", c)) => bulk::insert_values(&db, &copy, c.parse().unwrap_or(1))
                    .await
                    .expect("values"),
                Some((_, c)) => match db.pool() {
                    Pool::Postgres(p) => bulk::insert_unnest(p, &copy, c.parse().unwrap_or(1))
                        .await
                        .expect("unnest"),
                    _ => unreachable!("UNNEST is PostgreSQL only"),
                },
            };
            // insert_many drops its rows; drop the copy inside the timing too.
            drop(copy);
            let took = start.elapsed().as_secs_f64();
            assert_eq!(n, rows as u64);
            // Round 0 warms caches and prepared statements; it is not counted.
            if round > 0 {
                secs[i].push(took);
            }
        }
    }
    let mut medians = Vec::new();
    for (form, mut s) in forms.iter().zip(secs) {
        let m = median(&mut s);
        let (lo, hi) = s
            .iter()
            .fold((f64::MAX, 0.0_f64), |(l, h), x| (l.min(*x), h.max(*x)));
        println!(
            "{kind:?} {form:<18} median {:7.1} ms  {:8.0} rows/s  (min-max {:.1}-{:.1} ms)",
            m * 1e3,
            rows as f64 / m,
            lo * 1e3,
            hi * 1e3
        );
        medians.push((form.as_str(), m));
    }
    // Ratios of throughput: the best hand-written time over insert_many's.
    let invect = medians[0].1;
    for prefix in ["sqlx_values/", "sqlx_unnest/"] {
        let best = medians
            .iter()
            .filter(|(f, _)| f.starts_with(prefix))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((form, m)) = best {
            println!(
                "{kind:?} ratio insert_many / best {:<18} {:.2}x",
                form,
                m / invect
            );
        }
    }
    close(test, db).await;
}
