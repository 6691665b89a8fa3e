//! Concurrent deployers: eight `invect-cli migrate --push` processes, eight
//! `invect-cli migrate` processes, typed inserts during a push, and a push
//! and a migration of one database waiting for each other on one lock.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use invect_runtime::Plugin;
use invect_runtime::core::{Flow, NewFlow, flows};
use invect_runtime::introspect::LiveSchema;
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use invect_tests::AnyTestDb;

use crate::cli_support::{Output, cli, workdir};
use crate::per_dialect;
use crate::push_support::{FlowTenant, invect, invect_with, live_core, reference_core};
use crate::support::{
    BULK_TABLES, bulk_tables, fresh, int, lock_held, lock_waiters, spawn_bulk, tables, wait_until,
};

per_dialect!(
    eight_cli_pushes_apply_the_schema_once,
    eight_cli_migrates_apply_each_version_once,
    typed_inserts_survive_a_concurrent_push,
    push_and_migrate_wait_for_each_other,
);

/// Runs `invect-cli` once per argument list, all at the same time.
async fn cli_in_parallel(runs: Vec<(tempfile::TempDir, Vec<String>)>) -> Vec<Output> {
    let tasks: Vec<_> = runs
        .into_iter()
        .map(|(dir, args)| {
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                cli(dir.path(), &args)
            })
        })
        .collect();
    let mut outputs = Vec::new();
    for t in tasks {
        outputs.push(t.await.expect("an invect-cli run"));
    }
    outputs
}

fn args(list: &[&str], url: &str) -> Vec<String> {
    let mut all: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    all.extend(["--database-url".to_string(), url.to_string()]);
    all
}

/// The number `push` reports in "pushed: ran N statement(s)", if it pushed.
fn statements_run(out: &Output) -> Option<usize> {
    let rest = out.stdout.split("pushed: ran ").nth(1)?;
    rest.split(' ').next()?.parse().ok()
}

/// The live schema without the migration history (what `live_core` keeps).
async fn live_invect(db: &Db) -> LiveSchema {
    let mut live = live_core(db).await;
    live.tables
        .retain(|n, _| !n.starts_with("invect_migrations"));
    live.other_relations
        .retain(|n| !n.starts_with("invect_migrations"));
    live
}

/// Eight processes push to one fresh database at once: every one exits 0,
/// exactly one finds work under the lock, the schema is the core DDL's and
/// every table is recorded once.
async fn eight_cli_pushes_apply_the_schema_once(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let runs = (0..8)
        .map(|_| (workdir(), args(&["migrate", "--push", "--yes"], test.url())))
        .collect();
    let outputs = cli_in_parallel(runs).await;
    for out in &outputs {
        out.ok();
    }
    let pushed: Vec<usize> = outputs
        .iter()
        .filter_map(statements_run)
        .filter(|n| *n > 0)
        .collect();
    assert_eq!(
        pushed.len(),
        1,
        "{kind}: exactly one push should have run statements: {pushed:?}"
    );
    let db = test.db();
    assert_eq!(live_core(&db).await, reference_core(kind).await, "{kind}");
    let recorded = "SELECT COUNT(*) FROM invect_schema_tables";
    let distinct = "SELECT COUNT(DISTINCT table_name) FROM invect_schema_tables";
    assert_eq!(
        (int(&db, recorded).await, int(&db, distinct).await),
        (10, 10),
        "{kind}"
    );
    db.close().await;
    test.drop().await;
}

/// Copies `from`'s `migrations` folder into a new working directory.
fn copy_migrations(from: &Path) -> tempfile::TempDir {
    fn copy(src: &Path, dst: &Path) {
        std::fs::create_dir_all(dst).expect("create a folder");
        for entry in std::fs::read_dir(src).expect("read a folder").flatten() {
            let target = dst.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy a file");
            }
        }
    }
    let dir = workdir();
    copy(&from.join("migrations"), &dir.path().join("migrations"));
    dir
}

/// Migration files written by one run against another database, copied to
/// eight deployers that run `migrate --yes` on one fresh database at once:
/// every one exits 0, writes nothing, exactly one applies the file, and
/// `invect_migrations` holds its version once.
async fn eight_cli_migrates_apply_each_version_once(kind: DialectKind) {
    let (scratch, test) = (AnyTestDb::new(kind).await, AnyTestDb::new(kind).await);
    let source = workdir();
    cli(
        source.path(),
        &to_strs(&args(&["migrate", "--yes"], scratch.url())),
    )
    .ok();
    scratch.drop().await;

    let runs = (0..8)
        .map(|_| {
            (
                copy_migrations(source.path()),
                args(&["migrate", "--yes"], test.url()),
            )
        })
        .collect();
    let outputs = cli_in_parallel(runs).await;
    for out in &outputs {
        out.ok().never_shows("wrote");
    }
    let appliers = outputs
        .iter()
        .filter(|o| o.stdout.contains("applied migration"))
        .count();
    assert_eq!(
        appliers, 1,
        "{kind}: one process should have applied the file"
    );
    let db = test.db();
    let versions = int(&db, "SELECT COUNT(*) FROM invect_migrations").await;
    let distinct = int(&db, "SELECT COUNT(DISTINCT version) FROM invect_migrations").await;
    assert_eq!((versions, distinct), (1, 1), "{kind}: the history");
    assert_eq!(live_invect(&db).await, reference_core(kind).await, "{kind}");
    db.close().await;
    test.drop().await;
}

fn to_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Sixteen tasks insert flows with the typed API while another instance
/// pushes a plugin that adds two columns (and an index) to `flows`: no
/// insert fails, no row is lost, and the old rows get the new column's default.
async fn typed_inserts_survive_a_concurrent_push(kind: DialectKind) {
    const TASKS: usize = 16;
    const EACH: usize = 25;
    let test = AnyTestDb::new(kind).await;
    let app = invect(&test).await;
    app.push().await.expect("push the core tables");
    let db = app.db().clone();
    let deployer = invect_with(&test, |b| {
        b.plugin(Plugin::new("tenant").extend::<FlowTenant>())
    })
    .await;
    let done = Arc::new(AtomicUsize::new(0));
    let inserts: Vec<_> = (0..TASKS)
        .map(|t| {
            let (db, done) = (db.clone(), Arc::clone(&done));
            tokio::spawn(async move {
                for i in 0..EACH {
                    let new = NewFlow {
                        id: format!("flow-{t:02}-{i:02}"),
                        name: format!("task {t} row {i}"),
                        ..NewFlow::default()
                    };
                    Flow::insert(&db, new)
                        .await
                        .unwrap_or_else(|e| panic!("insert {t}/{i} failed during the push: {e}"));
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    wait_until("the first inserts", Duration::from_secs(30), || async {
        done.load(Ordering::SeqCst) >= TASKS
    })
    .await;
    let at_push = done.load(Ordering::SeqCst);
    let report = deployer
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: the push during inserts failed: {e}"));
    assert!(
        !report.statements.is_empty(),
        "{kind}: the push did nothing"
    );
    for task in inserts {
        task.await
            .unwrap_or_else(|e| panic!("{kind}: an insert task failed: {e}"));
    }
    assert!(
        at_push < TASKS * EACH,
        "{kind}: the inserts were over before the push began"
    );
    let rows = Flow::select()
        .order_by(flows::id.asc())
        .all(&db)
        .await
        .expect("read the flows");
    let want: Vec<String> = (0..TASKS)
        .flat_map(|t| (0..EACH).map(move |i| format!("flow-{t:02}-{i:02}")))
        .collect();
    assert_eq!(
        rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        want,
        "{kind}: rows lost or added"
    );
    let free = "SELECT COUNT(*) FROM flows WHERE plan = 'free'";
    assert_eq!(int(&db, free).await, (TASKS * EACH) as i64, "{kind}");
    assert!(deployer.verify().await.expect("verify").is_ok(), "{kind}");
    db.close().await;
    deployer.db().close().await;
    test.drop().await;
}

/// A push (300 plugin tables, by `bulk-cli`) is stopped with SIGSTOP while
/// it holds the database's lock; `invect-cli migrate` started meanwhile
/// waits for that same lock (PostgreSQL and MySQL show it waiting) and
/// applies nothing; once the push continues, both finish and both schemas
/// are complete. The migration uses the table prefix `m_`, so the two
/// schemas do not overlap.
async fn push_and_migrate_wait_for_each_other(kind: DialectKind) {
    let (scratch, test) = (AnyTestDb::new(kind).await, fresh(kind).await);
    let deploy = workdir();
    let config = "[database]\ntype = \"sqlite\"\nconnectionString = \"file:./unused.db\"\n\
                  id = \"main\"\ntablePrefix = \"m_\"\n";
    std::fs::write(deploy.path().join("invect.toml"), config).expect("invect.toml");
    cli(
        deploy.path(),
        &to_strs(&args(&["migrate", "--yes"], scratch.url())),
    )
    .ok();
    scratch.drop().await;

    let push_dir = workdir();
    let push = spawn_bulk(
        push_dir.path(),
        BULK_TABLES,
        &to_strs(&args(&["migrate", "--push", "--yes"], test.url())),
    );
    wait_until("the push to take the lock", Duration::from_secs(30), || {
        lock_held(&test)
    })
    .await;
    push.signal("STOP");
    assert!(
        lock_held(&test).await,
        "{kind}: the push ended before it was stopped"
    );

    let url = test.url().to_string();
    let dir = deploy.path().to_path_buf();
    let migrate = tokio::task::spawn_blocking(move || {
        cli(&dir, &["migrate", "--yes", "--database-url", &url])
    });
    if lock_waiters(&test).await.is_some() {
        wait_until(
            "the migration to wait for the lock",
            Duration::from_secs(20),
            || async { lock_waiters(&test).await >= Some(1) },
        )
        .await;
    } else {
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    assert!(!migrate.is_finished(), "{kind}: the migration did not wait");
    let db = test.db();
    let seen = tables(&db).await;
    assert!(
        !seen.contains("m_flows") && !seen.contains("invect_migrations"),
        "{kind}: the migration ran while the push held the lock: {seen:?}"
    );

    push.signal("CONT");
    push.wait().await.ok();
    migrate
        .await
        .expect("the migrate run")
        .ok()
        .stdout_has("applied migration");
    assert_eq!(bulk_tables(&db).await, BULK_TABLES, "{kind}");
    let seen = tables(&db).await;
    assert!(seen.contains("m_flows") && seen.contains("flows"), "{kind}");
    assert_eq!(int(&db, "SELECT COUNT(*) FROM invect_migrations").await, 1);
    db.close().await;
    test.drop().await;
}
