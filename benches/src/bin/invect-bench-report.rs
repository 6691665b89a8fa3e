//! Prints criterion's medians of the last `cargo bench -p invect-benches`
//! as the Markdown tables of `benches/RESULTS.md`: generated vs hand-written
//! ratios, rows/s, and milliseconds.
//!
//! `invect-bench-report [target/criterion]`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One benchmark: its full id (`find/sqlite/invect`), median in ns, and
/// elements per iteration when it declared a throughput.
struct Measured {
    median_ns: f64,
    elements: Option<f64>,
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/criterion"));
    let mut all = BTreeMap::new();
    collect(&root, &mut all);
    if all.is_empty() {
        eprintln!("no criterion results under {}", root.display());
        std::process::exit(1);
    }
    overhead(&all);
    throughput(&all);
    plain(&all, "verify/", "Verification (core + plugin tables)");
    plain(
        &all,
        "push_noop/",
        "Push with nothing to do (whole process)",
    );
}

/// Reads every `new/benchmark.json` + `new/estimates.json` under `dir`.
fn collect(dir: &Path, out: &mut BTreeMap<String, Measured>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            if let Some((id, m)) = read(&path) {
                out.insert(id, m);
            }
        } else {
            collect(&path, out);
        }
    }
}

fn read(dir: &Path) -> Option<(String, Measured)> {
    let json = |f: &str| -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(f)).ok()?).ok()
    };
    let bench = json("benchmark.json")?;
    let est = json("estimates.json")?;
    let id = bench.get("full_id")?.as_str()?.to_string();
    let median_ns = est.get("median")?.get("point_estimate")?.as_f64()?;
    let elements = bench
        .get("throughput")
        .and_then(|t| t.get("Elements"))
        .and_then(Value::as_f64);
    Some((
        id,
        Measured {
            median_ns,
            elements,
        },
    ))
}

fn overhead(all: &BTreeMap<String, Measured>) {
    println!("\n### Query overhead (median per call; ratio = invect / sqlx)\n");
    println!("| query | dialect | invect | sqlx | ratio |");
    println!("|---|---|---|---|---|");
    for (id, m) in all {
        let Some(base) = id.strip_suffix("/invect") else {
            continue;
        };
        let Some(sqlx) = all.get(&format!("{base}/sqlx")) else {
            continue;
        };
        let (query, dialect) = base.split_once('/').unwrap_or((base, ""));
        println!(
            "| {query} | {dialect} | {:.1} µs | {:.1} µs | {:.3} |",
            m.median_ns / 1e3,
            sqlx.median_ns / 1e3,
            m.median_ns / sqlx.median_ns
        );
    }
}

fn throughput(all: &BTreeMap<String, Measured>) {
    println!("\n### insert_many throughput (median, one transaction)\n");
    println!("| dialect | form | rows | median | rows/s |");
    println!("|---|---|---|---|---|");
    for (id, m) in all.iter().filter(|(id, _)| id.starts_with("insert_many/")) {
        let rest = &id["insert_many/".len()..];
        let (dialect, form) = rest.split_once('/').unwrap_or((rest, ""));
        let rows = m.elements.unwrap_or(0.0);
        println!(
            "| {dialect} | {form} | {rows} | {:.0} ms | {:.0} |",
            m.median_ns / 1e6,
            rows / (m.median_ns / 1e9)
        );
    }
}

fn plain(all: &BTreeMap<String, Measured>, prefix: &str, title: &str) {
    println!("\n### {title}\n");
    println!("| benchmark | median |");
    println!("|---|---|");
    for (id, m) in all.iter().filter(|(id, _)| id.starts_with(prefix)) {
        println!("| {id} | {:.1} ms |", m.median_ns / 1e6);
    }
}
