//! Verification at scale: the core schema plus 200 plugin tables of 12
//! columns, `invect_runtime::verify` on each server, and how many catalog
//! queries introspection takes (printed once per dialect).
//!
//! `cargo bench -p invect-benches --bench verify_scale`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use invect_benches::{KINDS, close, label, plugins, runtime, size};
use invect_runtime::Db;
use invect_tests::AnyTestDb;

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let n = size(200, 3);
    for kind in KINDS {
        let (test, db) = rt.block_on(async {
            let test = AnyTestDb::new(kind).await;
            test.apply(&plugins::ddl(kind, n)).await;
            let db = Db::connect(test.url())
                .await
                .unwrap_or_else(|e| panic!("Db::connect failed: {e}"));
            (test, db)
        });
        let schema = plugins::schema(n);
        let queries = rt.block_on(async {
            let report = invect_runtime::verify(&db, &schema, "main")
                .await
                .unwrap_or_else(|e| panic!("verify failed: {e}"));
            assert!(report.is_ok(), "the fresh schema has drift: {report:?}");
            invect_runtime::introspect::introspect(&db)
                .await
                .unwrap_or_else(|e| panic!("introspect failed: {e}"))
                .queries
        });
        println!(
            "verify/{}: {} tables ({} plugin), {queries} catalog queries",
            label(kind),
            schema.tables.len(),
            n
        );
        c.bench_function(&format!("verify/{}/{}_tables", label(kind), n), |b| {
            b.to_async(&rt).iter(|| async {
                invect_runtime::verify(&db, &schema, "main")
                    .await
                    .expect("verify")
            })
        });
        rt.block_on(close(test, db));
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10)
}

criterion_group! { name = benches; config = config(); targets = bench }
criterion_main!(benches);
