//! Shared helpers of Invect's benchmarks (`benches/benches/*.rs`) and of the
//! memory probes (`benches/src/bin/`): throwaway databases with the core
//! schema, realistic rows, and the hand-written sqlx baselines the generated
//! API is compared with. `bash scripts/bench.sh` runs everything; figures
//! and how to reproduce each are in `benches/RESULTS.md`.

pub mod ab;
pub mod bulk;
pub mod data;
pub mod hand;
pub mod hand_changes;
pub mod plugins;

use invect_runtime::Db;
use invect_schema::DialectKind;
use invect_tests::{AnyTestDb, core_ddl};

/// Every dialect, in report order.
pub const KINDS: [DialectKind; 3] = [
    DialectKind::Sqlite,
    DialectKind::Postgres,
    DialectKind::Mysql,
];

/// True under `cargo bench` (criterion gets `--bench`); false when `cargo
/// test` runs a bench target once, where every size is kept tiny.
pub fn is_bench() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// `big` under `cargo bench`, `small` under `cargo test`.
pub fn size(big: usize, small: usize) -> usize {
    if is_bench() { big } else { small }
}

/// A short label for a dialect (`sqlite`, `postgres`, `mysql`).
pub fn label(kind: DialectKind) -> &'static str {
    match kind {
        DialectKind::Sqlite => "sqlite",
        DialectKind::Postgres => "postgres",
        DialectKind::Mysql => "mysql",
    }
}

/// The single-threaded runtime every benchmark runs on (the generated API
/// and its baseline share it, so scheduling costs them the same).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A fresh database of `kind` with the core schema, and the application's
/// handle on it (`Db::connect`, so the session is set up as in production).
pub async fn open(kind: DialectKind) -> (AnyTestDb, Db) {
    let test = AnyTestDb::new(kind).await;
    test.apply(&core_ddl(kind)).await;
    let db = Db::connect(test.url())
        .await
        .unwrap_or_else(|e| panic!("Db::connect({}) failed: {e}", test.url()));
    (test, db)
}

/// Closes the handle and drops the database.
pub async fn close(test: AnyTestDb, db: Db) {
    db.close().await;
    test.drop().await;
}

/// The median of `samples` (sorted in place); 0 when empty.
pub fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    match samples.len() {
        0 => 0.0,
        n if n % 2 == 1 => samples[n / 2],
        n => (samples[n / 2 - 1] + samples[n / 2]) / 2.0,
    }
}

/// The median and range of per-round ratios: what a figure that holds is
/// reported with, so two runs can be compared by their spread, not one number.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// The spread of `samples` (sorted in place); all 0 when empty.
    pub fn of(samples: &mut [f64]) -> Self {
        let median = median(samples);
        Spread {
            median,
            min: samples.first().copied().unwrap_or(0.0),
            max: samples.last().copied().unwrap_or(0.0),
        }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.2}x (min-max {:.2}-{:.2})",
            self.median, self.min, self.max
        )
    }
}
