//! Push with nothing to do: wall time of the whole `invect-cli migrate
//! --push --yes --database-url URL` process on an up-to-date database.
//!
//! The binary is `$INVECT_CLI` when set (`scripts/bench.sh` points it at
//! `target/release/invect-cli`), else this package's `invect-cli-bench`,
//! the same one-line `main` as `invect-cli`.

use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use invect_benches::{KINDS, label, runtime};
use invect_tests::AnyTestDb;

fn cli() -> String {
    std::env::var("INVECT_CLI").unwrap_or_else(|_| env!("CARGO_BIN_EXE_invect-cli-bench").into())
}

/// Runs `migrate --push --yes` on `url`; panics with its output on failure.
fn push(cli: &str, url: &str) {
    let out = Command::new(cli)
        .args(["migrate", "--push", "--yes", "--database-url", url])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cli}: {e}"));
    assert!(
        out.status.success(),
        "{cli} migrate --push failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let cli = cli();
    for kind in KINDS {
        let test = rt.block_on(AnyTestDb::new(kind));
        // The first push creates the core schema; every later one has nothing to do.
        push(&cli, test.url());
        c.bench_function(&format!("push_noop/{}", label(kind)), |b| {
            b.iter(|| push(&cli, test.url()))
        });
        rt.block_on(test.drop());
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(20)
}

criterion_group! { name = benches; config = config(); targets = bench }
criterion_main!(benches);
