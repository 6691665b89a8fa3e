//! Faults half-way: `bulk-cli` (300 plugin tables) killed with SIGKILL in
//! the middle of a push and of a migration, and the server going away in
//! the middle of a push (a TCP proxy in front of the real server, cut).
//! PostgreSQL and SQLite keep all or nothing, MySQL keeps what it committed
//! and the next run completes it; the lock never outlives the process.

use std::time::{Duration, Instant};

use invect_runtime::schema::DialectKind;
use invect_tests::AnyTestDb;

use crate::cli_support::{Output, workdir};
use crate::per_dialect;
use crate::support::{
    BULK_TABLES, Proxy, bulk_tables, fresh, int, lock_held, server_addr, spawn_bulk, tables, via,
    wait_half_way, wait_until,
};

per_dialect!(
    killed_push_keeps_all_or_nothing_and_frees_the_lock,
    killed_migration_keeps_all_or_nothing_and_frees_the_lock,
);

/// Tries to catch a run half-way this many times (SQLite's whole push of
/// 300 tables takes a fraction of a second, so a kill may land after COMMIT).
const ATTEMPTS: usize = 5;

/// How quickly the lock must be free and the next run done.
const PROMPTLY: Duration = Duration::from_secs(30);

/// Kills `bulk-cli args` half-way through on a fresh database until the
/// kill lands before the end (PostgreSQL, SQLite: nothing committed), then
/// checks what is left, that the lock is free, and that the next run
/// completes everything.
async fn killed_half_way(kind: DialectKind, args: &[&str]) -> AnyTestDb {
    for attempt in 1..=ATTEMPTS {
        let test = fresh(kind).await;
        let dir = workdir();
        let run = spawn_bulk(
            dir.path(),
            BULK_TABLES,
            &crate::cli_support::url_args(args, test.url()),
        );
        wait_half_way(&test).await;
        let out = run.kill();
        assert_eq!(out.code, None, "{kind}: the run was not killed:\n{out}");
        let db = test.db();
        let left = bulk_tables(&db).await;
        let flows = tables(&db).await.contains("flows");
        match kind {
            DialectKind::Mysql => assert!(
                (1..BULK_TABLES).contains(&left) && flows,
                "{kind}: a MySQL run killed half-way keeps what it committed: {left} tables"
            ),
            _ => assert!(
                (left == 0 && !flows) || (left == BULK_TABLES && flows),
                "{kind}: not all or nothing: {left} of {BULK_TABLES} plugin tables, flows: {flows}"
            ),
        }
        if kind == DialectKind::Mysql && !args.contains(&"--push") {
            let unfinished = "SELECT COUNT(*) FROM invect_migrations WHERE NOT success";
            assert_eq!(int(&db, unfinished).await, 1, "{kind}: marked unfinished");
        }
        if left == BULK_TABLES {
            eprintln!("{kind}: attempt {attempt}: the kill landed after COMMIT; again");
            db.close().await;
            test.drop().await;
            continue;
        }
        wait_until("the lock to be released", PROMPTLY, || async {
            !lock_held(&test).await
        })
        .await;
        let start = Instant::now();
        let next = spawn_bulk(
            dir.path(),
            BULK_TABLES,
            &crate::cli_support::url_args(args, test.url()),
        );
        next.wait().await.ok();
        assert!(
            start.elapsed() < PROMPTLY,
            "{kind}: the next run took {:?}",
            start.elapsed()
        );
        assert_eq!(bulk_tables(&db).await, BULK_TABLES, "{kind}");
        let verify = spawn_bulk(
            dir.path(),
            BULK_TABLES,
            &crate::cli_support::url_args(&["verify", "--strict"], test.url()),
        );
        verify.wait().await.ok();
        return test;
    }
    panic!("{kind}: no kill landed half-way in {ATTEMPTS} attempts");
}

async fn killed_push_keeps_all_or_nothing_and_frees_the_lock(kind: DialectKind) {
    let test = killed_half_way(kind, &["migrate", "--push", "--yes"]).await;
    test.drop().await;
}

async fn killed_migration_keeps_all_or_nothing_and_frees_the_lock(kind: DialectKind) {
    let test = killed_half_way(kind, &["migrate", "--yes"]).await;
    let db = test.db();
    let history = "SELECT COUNT(*) FROM invect_migrations WHERE success";
    assert_eq!(int(&db, history).await, 1, "{kind}: the version once, done");
    db.close().await;
    test.drop().await;
}

/// The server goes away while `bulk-cli` pushes through a proxy: the run
/// fails within seconds with an error that says what happened, the server
/// side keeps all or nothing (PostgreSQL) or what it committed (MySQL),
/// and once the proxy is back on the same port the next run completes.
async fn server_gone_mid_push(kind: DialectKind) {
    let test = fresh(kind).await;
    let server = server_addr(test.url());
    let proxy = Proxy::start("127.0.0.1:0".parse().expect("an address"), server).await;
    let addr = proxy.addr;
    let url = via(test.url(), addr);
    let dir = workdir();
    let args = ["migrate", "--push", "--yes", "--database-url", url.as_str()];
    let run = spawn_bulk(dir.path(), BULK_TABLES, &args);
    wait_half_way(&test).await;
    proxy.cut().await;
    let out: Output = run.wait().await;
    out.failed()
        .stderr_has("error: the connection to the database was lost half-way")
        .stderr_has("run the command again once the server is reachable")
        .never_shows(":invect@");
    assert!(out.elapsed < PROMPTLY, "{kind}: took {:?}", out.elapsed);
    let db = test.db();
    wait_until("the lock to be released", PROMPTLY, || async {
        !lock_held(&test).await
    })
    .await;
    let left = bulk_tables(&db).await;
    if kind == DialectKind::Postgres {
        assert_eq!(left, 0, "{kind}: the transaction must be rolled back");
    }

    let proxy = Proxy::start(addr, server).await;
    spawn_bulk(dir.path(), BULK_TABLES, &args).wait().await.ok();
    let verify = ["verify", "--strict", "--database-url", url.as_str()];
    spawn_bulk(dir.path(), BULK_TABLES, &verify)
        .wait()
        .await
        .ok();
    assert_eq!(bulk_tables(&db).await, BULK_TABLES, "{kind}");
    proxy.cut().await;
    db.close().await;
    test.drop().await;
    eprintln!("{kind}: the error was:\n{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_gone_mid_push_postgres() {
    server_gone_mid_push(DialectKind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_gone_mid_push_mysql() {
    server_gone_mid_push(DialectKind::Mysql).await;
}

/// MySQL: a migration Invect wrote fails half-way on a real error (a
/// foreign key name the application already uses): `migrate` exits 1
/// saying the next run completes it; once the obstacle is gone it does,
/// and the schema verifies. (A hand-written file stays the user's call:
/// `migrate::mysql::failing_migration_is_reported_with_what_to_do`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_migration_completes_on_rerun_mysql() {
    let test = fresh(DialectKind::Mysql).await;
    let fk = crate::push_support::late_foreign_key_name();
    test.apply(&[
        "CREATE TABLE app_parent (id INTEGER NOT NULL PRIMARY KEY)".into(),
        format!(
            "CREATE TABLE app_child (parent_id INTEGER, CONSTRAINT `{fk}` \
             FOREIGN KEY (parent_id) REFERENCES app_parent (id))"
        ),
    ])
    .await;
    let dir = workdir();
    let migrate = crate::cli_support::url_args(&["migrate", "--yes"], test.url());
    crate::cli_support::cli(dir.path(), &migrate)
        .exited(1)
        .stderr_has("marks version")
        .stderr_has("the next `migrate` completes it");
    let db = test.db();
    assert!(tables(&db).await.contains("flows"), "flows was committed");
    test.apply(&["DROP TABLE app_child".into()]).await;
    crate::cli_support::cli(dir.path(), &migrate)
        .ok()
        .stdout_has("applied migration");
    crate::cli_support::cli(
        dir.path(),
        &crate::cli_support::url_args(&["verify", "--strict"], test.url()),
    )
    .ok();
    let done = "SELECT COUNT(*) FROM invect_migrations WHERE success";
    assert_eq!(int(&db, done).await, 1);
    db.close().await;
    test.drop().await;
}
