//! insert_many against hand-written bulk inserts, interleaved: every round
//! runs each form once, starting one form later each round, so a load change
//! on a shared machine hits all forms alike; prints the median rows/s of each
//! form and insert_many's per-round throughput ratio against the best
//! hand-written form (per chunk size and overall), median and min–max, and
//! how near each comes to the server's own insert cost (`server_floor`).
//!
//! `invect-insert-ab sqlite|postgres|mysql [ROWS] [ROUNDS] [CHUNK,CHUNK..]`;
//! `INVECT_AB_FORMS=invect,sqlx_values,..` keeps only forms named so.

use std::time::Instant;

use invect_benches::{Spread, bulk, close, data, median, open, runtime};
use invect_runtime::core::{NewNodeExecution, NodeExecution};
use invect_runtime::{Db, Pool, TableExt};
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
    // The server's own cost: INSERT ... SELECT, and (PostgreSQL) a COPY
    // of data encoded before the clock starts.
    forms.push("server_floor".into());
    if kind == DialectKind::Postgres {
        forms.push("pg_copy_prebuilt".into());
    }
    // INVECT_AB_FORMS=invect,sqlx_values (say) runs only the forms whose
    // names start so: for a profiler (one form alone) or a shorter run.
    if let Ok(only) = std::env::var("INVECT_AB_FORMS") {
        let keep: Vec<&str> = only.split(',').collect();
        forms.retain(|f| keep.iter().any(|k| f.starts_with(k)));
    }
    let mut prebuilt = Vec::new();
    if forms
        .iter()
        .any(|f| f == "server_floor" || f == "pg_copy_prebuilt")
    {
        bulk::stage_floor(&db, &batch)
            .await
            .expect("stage the floor table");
        if let Pool::Postgres(p) = db.pool() {
            prebuilt = bulk::stage_copy_data(p).await.expect("COPY TO STDOUT");
        }
    }
    let mut secs = vec![Vec::new(); forms.len()];
    for round in 0..=rounds {
        // Each round starts at the next form, so none always runs first.
        for k in 0..forms.len() {
            let i = (k + round) % forms.len();
            let took = time_form(&db, &forms[i], &batch, &prebuilt).await;
            // Round 0 warms caches and prepared statements; it is not counted.
            if round > 0 {
                secs[i].push(took);
            }
        }
    }
    for (form, s) in forms.iter().zip(&secs) {
        let mut s = s.clone();
        let m = median(&mut s);
        println!(
            "{kind:?} {form:<18} median {:7.1} ms  {:8.0} rows/s  (min-max {:.1}-{:.1} ms)",
            m * 1e3,
            rows as f64 / m,
            s[0] * 1e3,
            s[s.len() - 1] * 1e3
        );
    }
    if forms.first().map(String::as_str) != Some("invect") {
        return close(test, db).await;
    }
    // Throughput ratios taken within each round (the peer's time over
    // insert_many's), then their median and range.
    let hand = |f: &str| f.starts_with("sqlx_values/") || f.starts_with("sqlx_unnest/");
    for c in chunks {
        let at = format!("/{c}");
        let label = format!("best hand-written at chunk {c}");
        report(kind, &label, &forms, &secs, |f| hand(f) && f.ends_with(&at));
    }
    for prefix in ["sqlx_values/", "sqlx_unnest/"] {
        if forms.iter().any(|f| f.starts_with(prefix)) {
            let label = format!("best {prefix}*");
            report(kind, &label, &forms, &secs, |f| f.starts_with(prefix));
        }
    }
    report(kind, "best hand-written", &forms, &secs, hand);
    floor(kind, &forms, &secs, hand);
    close(test, db).await;
}

/// Seconds to insert `batch` with `form` into an emptied table.
async fn time_form(db: &Db, form: &str, batch: &[NewNodeExecution], prebuilt: &[u8]) -> f64 {
    bulk::empty(db).await.expect("empty the table");
    // The floor forms take no rows, so they get no copy to drop in their time.
    let floor = form == "server_floor" || form == "pg_copy_prebuilt";
    let mut copy = if floor { Vec::new() } else { batch.to_vec() };
    let chunk = |c: &str| c.parse().unwrap_or(1);
    let start = Instant::now();
    let n = match form.split_once('/') {
        None if form == "server_floor" => bulk::insert_from_copy(db).await.expect("floor"),
        None if form == "pg_copy_prebuilt" => match db.pool() {
            Pool::Postgres(p) => bulk::copy_prebuilt(p, prebuilt).await.expect("COPY"),
            _ => unreachable!("COPY is PostgreSQL only"),
        },
        None => NodeExecution::insert_many(db, std::mem::take(&mut copy))
            .await
            .expect("insert_many"),
        Some(("sqlx_gensql", c)) => bulk::insert_values_generated_sql(db, &copy, chunk(c))
            .await
            .expect("values"),
        Some(("sqlx_values", c)) => bulk::insert_values(db, &copy, chunk(c))
            .await
            .expect("values"),
        Some((_, c)) => match db.pool() {
            Pool::Postgres(p) => bulk::insert_unnest(p, &copy, chunk(c))
                .await
                .expect("unnest"),
            _ => unreachable!("UNNEST is PostgreSQL only"),
        },
    };
    // insert_many drops its rows; drop the copy inside the timing too.
    drop(copy);
    let took = start.elapsed().as_secs_f64();
    assert_eq!(n, batch.len() as u64);
    took
}

/// The form among those `peer` picks with the lowest median time.
fn best_form(forms: &[String], secs: &[Vec<f64>], peer: impl Fn(&str) -> bool) -> Option<usize> {
    (0..forms.len())
        .filter(|&i| peer(&forms[i]))
        .map(|i| (i, median(&mut secs[i].clone())))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Prints how close insert_many and the best hand-written form come to the
/// server's own insert cost (`server_floor`, `pg_copy_prebuilt`), per round:
/// 1.00 would be no client cost at all, so `1 / best` is about the most a
/// statement shape could gain over the best hand-written one.
fn floor(kind: DialectKind, forms: &[String], secs: &[Vec<f64>], hand: impl Fn(&str) -> bool) {
    let best = best_form(forms, secs, hand);
    let floors = ["server_floor", "pg_copy_prebuilt"];
    for at in (0..forms.len()).filter(|&i| floors.contains(&forms[i].as_str())) {
        for (label, i) in [("insert_many", Some(0)), ("best hand-written", best)] {
            let Some(i) = i else { continue };
            let mut ratios: Vec<f64> = (0..secs[at].len())
                .map(|r| secs[at][r] / secs[i][r])
                .collect();
            println!(
                "{kind:?} throughput of {label:<17} / {:<16} {} ({})",
                forms[at],
                Spread::of(&mut ratios),
                forms[i]
            );
        }
    }
}

/// Prints insert_many's throughput against the form among those `peer`
/// picks with the best median, as per-round ratios (> 1: insert_many is
/// faster). One form for every round: the fastest of several forms in each
/// round would be the luckiest sample, not the best form.
fn report(
    kind: DialectKind,
    label: &str,
    forms: &[String],
    secs: &[Vec<f64>],
    peer: impl Fn(&str) -> bool,
) {
    let Some(best) = best_form(forms, secs, peer) else {
        return;
    };
    let mut ratios: Vec<f64> = (0..secs[0].len())
        .map(|r| secs[best][r] / secs[0][r])
        .collect();
    println!(
        "{kind:?} ratio insert_many / {label:<32} {} ({})",
        Spread::of(&mut ratios),
        forms[best]
    );
}
