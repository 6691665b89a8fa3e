//! PostgreSQL: a migration adding an index to a table with rows is a
//! `-- no-transaction` file with `CREATE INDEX CONCURRENTLY`, and it
//! completes while eight tasks insert into that table, none of whose
//! inserts waits as long as the migration's lock timeout (a plain `CREATE
//! INDEX` holds a SHARE lock that stops every insert for the whole build,
//! which takes longer than that timeout here), and every insert is there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use invect_runtime::migrate::{self, DiffOptions};
use invect_runtime::schema::{DialectKind, Schema};
use invect_runtime::{Db, Drift, Plugin, merged_schema};
use sqlx::{Connection, PgConnection};

use crate::rows;
use crate::support::Project;

mod v1 {
    use invect_runtime::prelude::*;

    #[invect_table(name = "ix_events")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct IxEvent {
        #[invect(primary_key)]
        pub id: i64,
        #[invect(text)]
        pub body: String,
        pub n: i32,
    }
}

mod v2 {
    use invect_runtime::prelude::*;

    /// `body` indexed.
    #[invect_table(name = "ix_events")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct IxEvent {
        #[invect(primary_key)]
        pub id: i64,
        #[invect(text, index)]
        pub body: String,
        pub n: i32,
    }
}

/// Rows before the migration: enough for the build to take longer than [`LOCK_TIMEOUT`].
const PREFILL: i64 = 600_000;
const WRITERS: usize = 8;
/// The migration's `lock_timeout`.
const LOCK_TIMEOUT: Duration = Duration::from_millis(1000);

fn schema(indexed: bool) -> Schema {
    let plugin = if indexed {
        Plugin::new("ix").table::<v2::IxEvent>()
    } else {
        Plugin::new("ix").table::<v1::IxEvent>()
    };
    merged_schema(&[plugin], "").expect("core + the ix plugin")
}

/// What one writer did: inserts committed, the slowest, and when each ran.
struct Writes {
    done: i64,
    slowest: Duration,
    at: Vec<Instant>,
}

/// Inserts rows `base + k` one statement at a time until `stop`.
async fn writer(url: String, base: i64, stop: Arc<AtomicBool>) -> Writes {
    let mut conn = PgConnection::connect(&url)
        .await
        .expect("a writer's connection");
    let mut w = Writes {
        done: 0,
        slowest: Duration::ZERO,
        at: Vec::new(),
    };
    while !stop.load(Ordering::Relaxed) {
        let start = Instant::now();
        sqlx::query("INSERT INTO ix_events (id, body, n) VALUES ($1, md5($1::text), $2)")
            .bind(base + w.done)
            .bind(w.done as i32)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("insert {} failed: {e}", base + w.done));
        w.slowest = w.slowest.max(start.elapsed());
        w.at.push(start);
        w.done += 1;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let _ = conn.close().await;
    w
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_index_build_blocks_no_writer() {
    let kind = DialectKind::Postgres;
    let p = Project::new(kind).await;
    let db = p.db();
    let root = p.dir.path().join("migrations");
    let options = DiffOptions::default();
    migrate::write_changes(&root, kind, &schema(false), "", "v1", options, false)
        .expect("write v1");
    migrate::apply(&db, &root).await.expect("apply v1");
    invect_tests::raw(
        &db,
        &format!(
            "INSERT INTO ix_events SELECT g, md5(g::text), 0 FROM generate_series(1, {PREFILL}) g"
        ),
    )
    .await;
    let changes = migrate::write_changes(&root, kind, &schema(true), "", "index", options, false)
        .expect("write the index")
        .expect("a migration");
    let [file] = changes.files.as_slice() else {
        panic!("one file: {:?}", changes.files)
    };
    assert!(file.sql.starts_with("-- no-transaction"), "{}", file.sql);
    assert!(
        file.sql
            .contains("CREATE INDEX CONCURRENTLY \"ix_events_body_idx\""),
        "{}",
        file.sql
    );

    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|i| {
            let base = 10_000_000 * (i as i64 + 1);
            tokio::spawn(writer(p.test.url().to_string(), base, stop.clone()))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let migrator = Db::connect(p.test.url())
        .await
        .expect("the migration's own pool");
    let start = Instant::now();
    let applied = migrate::apply_with_lock_timeout(&migrator, &root, LOCK_TIMEOUT).await;
    let (build, end) = (start.elapsed(), Instant::now());
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut writes = Vec::new();
    for w in writers {
        writes.push(w.await.expect("a writer"));
    }
    migrator.close().await;
    assert_eq!(applied.expect("the index migration"), [file.version]);

    let total: i64 = writes.iter().map(|w| w.done).sum();
    let slowest = writes.iter().map(|w| w.slowest).max().unwrap_or_default();
    let during = writes
        .iter()
        .flat_map(|w| &w.at)
        .filter(|t| **t >= start && **t <= end)
        .count();
    eprintln!(
        "index build {build:?}; {total} inserts, {during} during the build, slowest {slowest:?}"
    );
    assert!(
        slowest < LOCK_TIMEOUT,
        "an insert waited {slowest:?} (build took {build:?})"
    );
    assert!(
        during >= WRITERS,
        "only {during} inserts during a build of {build:?}"
    );
    let count = rows::int(&db, "SELECT COUNT(*) FROM ix_events").await;
    assert_eq!(count, PREFILL + total, "every insert committed");
    let valid = "SELECT COUNT(*) FROM pg_index WHERE indexrelid = 'ix_events_body_idx'::regclass AND indisvalid";
    assert_eq!(
        rows::int(&db, valid).await,
        1,
        "the index is built and valid"
    );
    p.drop().await;
}

mod v3 {
    use invect_runtime::prelude::*;

    /// `body` unique: the build fails while two rows share a body.
    #[invect_table(name = "ix_events")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct IxEvent {
        #[invect(primary_key)]
        pub id: i64,
        #[invect(text, unique)]
        pub body: String,
        pub n: i32,
    }
}

const UNIQUE_INDEX: &str = "ix_events_body_key";

fn unique_schema() -> Schema {
    merged_schema(&[Plugin::new("ix").table::<v3::IxEvent>()], "").expect("core + the ix plugin")
}

/// `(valid, invalid)` counts of the unique index on `body`.
async fn index_states(db: &Db) -> (i64, i64) {
    let count = |valid: &str| {
        format!(
            "SELECT COUNT(*) FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
             WHERE i.relname = '{UNIQUE_INDEX}' AND ix.indisvalid = {valid}"
        )
    };
    (
        rows::int(db, &count("true")).await,
        rows::int(db, &count("false")).await,
    )
}

/// A database whose unique-index migration failed on duplicate bodies,
/// leaving the INVALID index `CREATE INDEX CONCURRENTLY` leaves behind;
/// returns the migrations folder and the failed file's version.
async fn failed_unique_build(p: &Project) -> (std::path::PathBuf, i64) {
    let (kind, db) = (DialectKind::Postgres, p.db());
    let root = p.dir.path().join("migrations");
    let options = DiffOptions::default();
    migrate::write_changes(&root, kind, &schema(false), "", "v1", options, false)
        .expect("write v1");
    migrate::apply(&db, &root).await.expect("apply v1");
    invect_tests::raw(
        &db,
        "INSERT INTO ix_events VALUES (1, 'same', 0), (2, 'same', 0), (3, 'other', 0)",
    )
    .await;
    let changes =
        migrate::write_changes(&root, kind, &unique_schema(), "", "unique", options, false)
            .expect("write the unique index")
            .expect("a migration");
    let [file] = changes.files.as_slice() else {
        panic!("one file: {:?}", changes.files)
    };
    assert!(file.sql.contains("CONCURRENTLY"), "{}", file.sql);
    let failed = migrate::apply(&db, &root).await;
    let message = failed.expect_err("duplicate bodies").to_string();
    assert!(message.contains(UNIQUE_INDEX), "{message}");
    assert!(message.contains("the next run drops"), "{message}");
    assert_eq!(
        index_states(&db).await,
        (0, 1),
        "the failed build left an INVALID index"
    );
    let report = invect_runtime::verify(&db, &unique_schema(), "test")
        .await
        .expect("verify");
    let invalid = Drift::InvalidIndex {
        table: "ix_events".into(),
        index: UNIQUE_INDEX.into(),
    };
    assert!(
        report.warnings.contains(&invalid),
        "verify reports it: {report}"
    );
    invect_tests::raw(&db, "DELETE FROM ix_events WHERE id = 2").await;
    (root, file.version)
}

/// Running the failed migration again (duplicates gone) drops the INVALID
/// index its first run left and builds a valid one; verify is then clean.
#[tokio::test]
async fn failed_concurrent_build_is_rebuilt_by_the_next_run() {
    let p = Project::new(DialectKind::Postgres).await;
    let db = p.db();
    let (root, version) = failed_unique_build(&p).await;
    let applied = migrate::apply(&db, &root).await.expect("the second run");
    assert_eq!(applied, [version]);
    assert_eq!(
        index_states(&db).await,
        (1, 0),
        "one valid index, no INVALID one"
    );
    let report = invect_runtime::verify(&db, &unique_schema(), "test")
        .await
        .expect("verify");
    assert!(
        report.warnings.is_empty() && report.problems.is_empty(),
        "{report}"
    );
    p.drop().await;
}

/// Push over the same INVALID index drops and rebuilds it; the next push
/// has nothing to do.
#[tokio::test]
async fn push_rebuilds_an_invalid_index() {
    let p = Project::new(DialectKind::Postgres).await;
    let db = p.db();
    failed_unique_build(&p).await;
    let pushed = invect_runtime::push(&db, &unique_schema(), "")
        .await
        .expect("push");
    let drop = format!("DROP INDEX IF EXISTS \"{UNIQUE_INDEX}\"");
    assert!(pushed.statements.contains(&drop), "{:?}", pushed.statements);
    assert_eq!(
        index_states(&db).await,
        (1, 0),
        "one valid index, no INVALID one"
    );
    let again = invect_runtime::push(&db, &unique_schema(), "")
        .await
        .expect("push again");
    assert!(again.statements.is_empty(), "{:?}", again.statements);
    p.drop().await;
}
