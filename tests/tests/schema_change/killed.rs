//! Version 2's migration killed half-way with SIGKILL, on a database at
//! version 1 with rows in every table. The run is held mid-file: on
//! PostgreSQL and MariaDB another session holds a lock on `up_parents`,
//! which the file alters after its renames ran (PostgreSQL: the migration
//! waits under `--lock-timeout-ms 60000`; MariaDB: an open transaction that
//! read the table holds its metadata lock); on SQLite a slow statement is
//! put after the file's first statement before it is applied. PostgreSQL
//! and SQLite then have exactly the schema, rows and history they had;
//! MariaDB, whose DDL commits as it goes, keeps the renames and marks the
//! migration unfinished. In every case the next `migrate` completes it.

use std::time::Duration;

use invect_runtime::migrate::{self, DiffOptions};
use invect_runtime::schema::DialectKind;
use invect_tests::AnyTestDb;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, MySqlConnection, PgConnection};

use crate::rows;
use crate::support::{Project, Running, Version, wait_until};
use crate::upgrade::assert_same_rows;

/// Rows in every table.
const ROWS: usize = 2_000;
/// How long the test waits for the run to get half-way, or its session to go.
const LIMIT: Duration = Duration::from_secs(60);
/// The statement that keeps SQLite's migration busy (tens of seconds).
const SLOW: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000) \
                    SELECT count(*) FROM c;\n";

const V2_MIGRATE: [&str; 5] = [
    "migrate",
    "--allow-drop",
    "--yes",
    "--lock-timeout-ms",
    "60000",
];

pub async fn killed_migration_leaves_the_database_as_it_was(kind: DialectKind) {
    let (v1, v2) = (Version::V1.schema(), Version::V2.schema());
    let p = Project::new(kind).await;
    let db = p.db();
    p.run(Version::V1, &["migrate", "--yes"]).await.ok();
    rows::fill(&db, &v1, ROWS).await;
    let before = p.state(&v1).await;

    match kind {
        DialectKind::Sqlite => kill_sqlite(&p).await,
        DialectKind::Postgres => kill_postgres(&p).await,
        DialectKind::Mysql => kill_mysql(&p).await,
    }
    if kind == DialectKind::Mysql {
        let unfinished = "SELECT COUNT(*) FROM invect_migrations WHERE NOT success";
        assert_eq!(
            rows::int(&db, unfinished).await,
            1,
            "{kind}: marked unfinished"
        );
    } else {
        assert_eq!(
            p.state(&v1).await,
            before,
            "{kind}: not as it was before the run"
        );
    }

    let out = p.run(Version::V2, &V2_MIGRATE).await;
    out.ok().stdout_has("applied migration");
    p.run(Version::V2, &["verify", "--strict"]).await.ok();
    let after = rows::sums(&db, &v2).await;
    let dropped = [("up_old_items", "legacy")];
    assert_same_rows(kind, (&v1, &before.sums), (&v2, &after), &dropped);
    assert_eq!(
        rows::foreign_key_problems(&db, &v2).await,
        Vec::<String>::new(),
        "{kind}"
    );
    let unfinished = "SELECT COUNT(*) FROM invect_migrations WHERE NOT success";
    assert_eq!(rows::int(&db, unfinished).await, 0, "{kind}: {out}");
    p.drop().await;
}

/// Kills `run`, which must still be running; returns nothing it printed.
fn kill(kind: DialectKind, mut run: Running) {
    assert!(run.running(), "{kind}: the migration ended before the kill");
    let out = run.kill();
    assert_eq!(out.code, None, "{kind}: not killed:\n{out}");
}

/// The file written as `migrate` would, with [`SLOW`] after its first
/// statement while it runs; the file is put back after the kill.
async fn kill_sqlite(p: &Project) {
    let root = p.dir.path().join("migrations");
    let options = DiffOptions {
        allow_drop: true,
        ..DiffOptions::default()
    };
    let changes = migrate::write_changes(
        &root,
        p.kind(),
        &Version::V2.schema(),
        "",
        "schema",
        options,
        false,
    )
    .expect("write version 2's migration")
    .expect("a migration");
    let path = changes.main().expect("the main file").path.clone();
    let original = std::fs::read_to_string(&path).expect("the up file");
    let first = original
        .match_indices(";\n")
        .map(|(i, _)| i + 2)
        .find(|&i| {
            !original[..i]
                .lines()
                .last()
                .is_some_and(|l| l.starts_with("--"))
        })
        .expect("a first statement");
    let slowed = format!("{}\n{SLOW}{}", &original[..first], &original[first..]);
    std::fs::write(&path, slowed).expect("slow the file down");

    let AnyTestDb::Sqlite(t) = &p.test else {
        unreachable!("a SQLite project")
    };
    let run = p.spawn(Version::V2, &V2_MIGRATE);
    wait_until("the migration's write lock", LIMIT, || {
        write_locked(&t.path)
    })
    .await;
    // The first statement takes microseconds, the slow one tens of seconds.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    kill(p.kind(), run);
    std::fs::write(&path, original).expect("put the file back");
}

/// Whether another connection holds the SQLite file's write lock.
async fn write_locked(path: &std::path::Path) -> bool {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(Duration::ZERO)
        .connect()
        .await
        .expect("a probe connection");
    let locked = sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut conn)
        .await
        .is_err();
    if !locked {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
    }
    let _ = conn.close().await;
    locked
}

async fn kill_postgres(p: &Project) {
    let db = p.db();
    let mut holder = PgConnection::connect(p.test.url())
        .await
        .expect("a second session");
    sqlx::raw_sql("BEGIN; SELECT COUNT(*) FROM up_parents")
        .execute(&mut holder)
        .await
        .expect("hold up_parents");
    let run = p.spawn(Version::V2, &V2_MIGRATE);
    let waiting = "SELECT COALESCE(MAX(pid), 0)::bigint FROM pg_locks \
                   WHERE NOT granted AND relation = 'up_parents'::regclass";
    wait_until("the migration waiting for up_parents", LIMIT, || async {
        rows::int(&db, waiting).await > 0
    })
    .await;
    let pid = rows::int(&db, waiting).await;
    // Half-way: the renames ran in its transaction, which holds their tables.
    let held = format!(
        "SELECT COUNT(*) FROM pg_locks WHERE pid = {pid} AND granted \
         AND locktype = 'relation' AND mode = 'AccessExclusiveLock'"
    );
    assert!(
        rows::int(&db, &held).await >= 2,
        "postgres: the renames had not run"
    );
    kill(p.kind(), run);
    sqlx::raw_sql("COMMIT")
        .execute(&mut holder)
        .await
        .expect("release up_parents");
    let gone = format!("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = {pid}");
    wait_until("the killed migration's session to end", LIMIT, || async {
        rows::int(&db, &gone).await == 0
    })
    .await;
    let _ = holder.close().await;
}

async fn kill_mysql(p: &Project) {
    let db = p.db();
    let mut holder = MySqlConnection::connect(p.test.url())
        .await
        .expect("a second session");
    sqlx::raw_sql("START TRANSACTION; SELECT COUNT(*) FROM up_parents")
        .execute(&mut holder)
        .await
        .expect("hold up_parents' metadata lock");
    let run = p.spawn(Version::V2, &V2_MIGRATE);
    let waiting = "SELECT CAST(COALESCE(MAX(ID), 0) AS SIGNED) FROM information_schema.PROCESSLIST \
                   WHERE DB = DATABASE() AND STATE = 'Waiting for table metadata lock'";
    wait_until("the migration waiting for up_parents", LIMIT, || async {
        rows::int(&db, waiting).await > 0
    })
    .await;
    let id = rows::int(&db, waiting).await;
    let info = format!("SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = {id}");
    eprintln!(
        "mysql: the migration waits in {:?}",
        rows::text_rows(&db, &info).await
    );
    // Half-way: the table rename before it is committed.
    let renamed = "SELECT COUNT(*) FROM information_schema.TABLES \
                   WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'up_items'";
    assert_eq!(
        rows::int(&db, renamed).await,
        1,
        "mysql: the rename had not run"
    );
    kill(p.kind(), run);
    sqlx::raw_sql("COMMIT")
        .execute(&mut holder)
        .await
        .expect("release up_parents");
    let gone = format!("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = {id}");
    wait_until("the killed migration's session to end", LIMIT, || async {
        rows::int(&db, &gone).await == 0
    })
    .await;
    let _ = holder.close().await;
}
