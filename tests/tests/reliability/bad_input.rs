//! Bad input: each gives a clear error and exit code, writes nothing, never
//! panics. Hostile connection strings, config files with wrong types,
//! unknown keys or invalid TOML, invalid UTF-8 where bytes can arrive, a
//! migration file with invalid SQL, a corrupted snapshot, plugins that
//! collide with the core tables, and values the database cannot hold.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

use invect_runtime::core::{Flow, NewFlow};
use invect_runtime::migrate::dialect_dir;
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use invect_runtime::{Invect, Plugin};
use invect_tests::{AnyTestDb, mysql_url, pg_url};
use sqlx::Connection;

use crate::cli_support::{Bin, Output, cli, plugin_cli, run_env, workdir};
use crate::per_dialect;
use crate::push_support::{config, invect};
use crate::support::{int, invect_cli, tables};

per_dialect!(
    invalid_sql_migration_applies_nothing_after_it,
    corrupted_snapshot_stops_migrate_before_anything,
    plugin_colliding_with_core_tables_is_refused,
    values_the_database_cannot_hold_are_errors,
);

/// Files in `dir`, recursively (what a failed command must not add to).
fn files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                found.push(e.path().display().to_string());
            }
        }
    }
    found.sort();
    found
}

/// Connection strings built to break parsers or smuggle SQL: each fails
/// with `error: database `main`: ...` within seconds, shows no password,
/// creates no file, and the servers' `invect_test` databases survive the
/// `DROP DATABASE` in the names. (Malformed ports, unknown schemes, wrong
/// passwords, closed ports and missing databases: `tests/tests/cli/bad_urls.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_connection_strings_fail_cleanly() {
    let pg = pg_url();
    let my = mysql_url();
    let pg_base = pg.rsplit_once('/').map_or(pg.as_str(), |(b, _)| b);
    let my_base = my.rsplit_once('/').map_or(my.as_str(), |(b, _)| b);
    let long = format!("postgres://{}@127.0.0.1/db", "a".repeat(100_000));
    let urls = [
        format!("{pg_base}/x';DROP DATABASE invect_test;--"),
        format!("{my_base}/x`; DROP DATABASE invect_test; --"),
        format!("{pg_base}/invect_test\nDROP DATABASE invect_test"),
        format!("{my_base}/invect_test?ssl-mode=bogus"),
        format!("{pg_base}/invect_test?options=-c%20statement_timeout%3D'"),
        "mysql://invect:invect@[::1:3306/db".to_string(),
        "postgres://u:p@ホスト/db".to_string(),
        long,
        "file:%00x.db".to_string(),
        "sqlite://./y.db?mode=bogus".to_string(),
        "file:./z.db?foo=bar".to_string(),
        "file:./\u{7f}\u{1b}[31m.db?mode=ro".to_string(),
    ];
    let dir = workdir();
    let outputs: Vec<Output> = tokio::task::spawn_blocking({
        let dir = dir.path().to_path_buf();
        move || {
            let mut outputs = Vec::new();
            for url in &urls {
                for args in [&["verify", "--strict"][..], &["migrate", "--push", "--yes"]] {
                    let mut all = args.to_vec();
                    all.extend(["--database-url", url.as_str()]);
                    outputs.push(run_env(Bin::Cli, &dir, &all, &[]));
                }
            }
            outputs
        }
    })
    .await
    .expect("the runs");
    for out in &outputs {
        out.exited(1)
            .stderr_has("error: database `main`")
            .never_shows("invect:invect@");
        assert!(
            out.elapsed.as_secs() < 30,
            "`{}` took {:?}",
            out.command,
            out.elapsed
        );
    }
    assert_eq!(
        files(dir.path()),
        Vec::<String>::new(),
        "a failed run wrote files"
    );
    let conn = sqlx::PgConnection::connect(&pg)
        .await
        .expect("invect_test on PostgreSQL");
    let _ = conn.close().await;
    let conn = sqlx::MySqlConnection::connect(&my)
        .await
        .expect("invect_test on MariaDB");
    let _ = conn.close().await;
}

/// invect.toml mistakes: a wrong type, an unknown key (named, with the
/// valid ones), invalid TOML, an unknown database type and a file that is
/// not UTF-8 — each exits 1 naming the file (and the line where there is
/// one) and creates no database. (A misspelt key and a missing file:
/// `tests/tests/cli/config.rs`.)
#[test]
fn config_file_mistakes_name_the_file_and_key() {
    let cases: [(&[u8], &[&str]); 6] = [
        (
            b"[database]\ntype = \"sqlite\"\nconnectionString = 5\nid = \"main\"\n",
            &["line 3", "invalid type: integer `5`, expected a string"],
        ),
        (
            b"[database]\ntype = \"sqlite\"\nconnectionString = \"file:./x.db\"\nid = \"main\"\nfrobnicate = 1\n",
            &["line 5", "unknown field `frobnicate`", "connectionString"],
        ),
        (
            b"colour = \"red\"\n[database]\ntype = \"sqlite\"\nconnectionString = \"file:./x.db\"\nid = \"main\"\n",
            &["line 1", "unknown field `colour`", "migrationsDir"],
        ),
        (b"[database\ntype = ", &["line 1", "expected `]`"]),
        (
            b"[database]\ntype = \"oracle\"\nconnectionString = \"file:./x.db\"\nid = \"main\"\n",
            &["line 2", "unknown variant `oracle`"],
        ),
        (b"\xff\xfe[database]\n", &["not UTF-8"]),
    ];
    for (text, expect) in cases {
        let dir = workdir();
        std::fs::write(dir.path().join("invect.toml"), text).expect("invect.toml");
        for args in [&["verify"][..], &["migrate", "--push", "--yes"], &["info"]] {
            let out = cli(dir.path(), args);
            out.exited(1).stderr_has("config file `invect.toml`");
            for e in expect {
                out.stderr_has(e);
            }
        }
        assert_eq!(files(dir.path()).len(), 1, "a database was created");
    }
}

/// Invalid UTF-8 in an argument (a usage mistake, exit 2), in
/// `DATABASE_URL` and in a migration file (exit 1, named).
#[test]
fn invalid_utf8_is_refused_where_bytes_arrive() {
    let dir = workdir();
    let run = |args: &[&OsStr], env: Option<&OsStr>| {
        let mut cmd = Command::new(invect_cli());
        cmd.current_dir(dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("DATABASE_URL");
        if let Some(v) = env {
            cmd.env("DATABASE_URL", v);
        }
        let out = cmd.output().expect("run invect-cli");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let bad = OsStr::from_bytes(b"file:./\xff.db");
    let (code, err) = run(
        &[OsStr::new("verify"), OsStr::new("--database-url"), bad],
        None,
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("invalid UTF-8"), "{err}");
    let (code, err) = run(&[OsStr::new("verify")], Some(bad));
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("DATABASE_URL environment variable is not valid UTF-8"),
        "{err}"
    );

    let url = ["--database-url", "file:./u.db"];
    cli(dir.path(), &[&["migrate", "--yes"][..], &url].concat()).ok();
    let folder = dialect_dir(&dir.path().join("migrations"), DialectKind::Sqlite);
    std::fs::write(
        folder.join("30000101000000_bytes.sql"),
        b"CREATE TABLE t (x TEXT DEFAULT '\xff');\n",
    )
    .expect("a file that is not UTF-8");
    cli(dir.path(), &[&["migrate", "--yes"][..], &url].concat())
        .exited(1)
        .stderr_has("30000101000000_bytes.sql")
        .never_shows("applied");
    // `info` only lists file names: the file shows as pending.
    cli(dir.path(), &[&["info"][..], &url].concat())
        .ok()
        .stdout_has("1 applied, 1 pending");
}

fn at<'a>(args: &[&'a str], url: &'a str) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--database-url", url]);
    all
}

/// A hand-written file with a syntax error on line 5, followed by a good
/// one: `migrate` exits 1 naming the file (PostgreSQL also the line and
/// column), the file's own first statement is rolled back (PostgreSQL,
/// SQLite) or kept and marked unfinished (MySQL), and the file after it is
/// not applied.
async fn invalid_sql_migration_applies_nothing_after_it(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    cli(dir.path(), &at(&["migrate", "--yes"], test.url())).ok();
    let folder = dialect_dir(&dir.path().join("migrations"), kind);
    std::fs::write(
        folder.join("30000101000000_broken.sql"),
        "-- a broken file\nCREATE TABLE ok_before (id INTEGER NOT NULL PRIMARY KEY);\n\n\
         CREATE TABLE broken (id INTEGER NOT NULL PRIMARY KEY,\n  name TEXT NOT NULL,,\n  x INT);\n",
    )
    .expect("the broken file");
    std::fs::write(
        folder.join("30000101000001_after.sql"),
        "CREATE TABLE after_broken (id INTEGER NOT NULL PRIMARY KEY);\n",
    )
    .expect("the file after it");
    let out = cli(dir.path(), &at(&["migrate", "--yes"], test.url()));
    out.exited(1)
        .stderr_has("30000101000000_broken.sql")
        .stderr_has("failed")
        .never_shows("applied migration");
    if kind == DialectKind::Postgres {
        out.stderr_has("line 5, column 22 of the file");
    }
    let db = test.db();
    let seen = tables(&db).await;
    assert!(
        !seen.contains("after_broken") && !seen.contains("broken"),
        "{kind}: {seen:?}"
    );
    assert_eq!(
        seen.contains("ok_before"),
        kind == DialectKind::Mysql,
        "{kind}: {seen:?}"
    );
    let done = "SELECT COUNT(*) FROM invect_migrations WHERE success";
    assert_eq!(
        int(&db, done).await,
        1,
        "{kind}: only the first file is applied"
    );
    db.close().await;
    test.drop().await;
}

/// The snapshot the next migration is diffed from is corrupted: `migrate`
/// (of a binary with a plugin) exits 1 naming it, writes no file and
/// applies nothing. (The library call: `tests/tests/migrate.rs`,
/// `a_corrupted_snapshot_is_named`.)
async fn corrupted_snapshot_stops_migrate_before_anything(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    cli(dir.path(), &at(&["migrate", "--yes"], test.url())).ok();
    let folder = dialect_dir(&dir.path().join("migrations"), kind).join("snapshots");
    let snapshot = std::fs::read_dir(&folder)
        .expect("the snapshots")
        .flatten()
        .map(|e| e.path())
        .next()
        .expect("one snapshot");
    std::fs::write(&snapshot, "{ \"version\": 1, \"schema\": [").expect("corrupt it");
    let before = files(dir.path());
    let name = snapshot
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    plugin_cli(dir.path(), &at(&["migrate", "--yes"], test.url()))
        .exited(1)
        .stderr_has(&name)
        .stderr_has("snapshot is not valid")
        .stderr_has("restore it");
    assert_eq!(files(dir.path()), before, "{kind}: files were written");
    let db = test.db();
    assert!(
        !tables(&db).await.contains("flow_tags"),
        "{kind}: applied anyway"
    );
    assert_eq!(int(&db, "SELECT COUNT(*) FROM invect_migrations").await, 1);
    db.close().await;
    test.drop().await;
}

/// A plugin table named like a core table.
#[invect_table(name = "flows")]
#[derive(Debug, Clone, PartialEq)]
pub struct ShadowFlows {
    #[invect(primary_key)]
    pub id: String,
}

/// A plugin column that `flows` already has, with another type.
#[invect_table(extends = invect_runtime::core::Flow)]
#[derive(Debug, Clone, PartialEq)]
pub struct NameAsNumber {
    pub name: Option<i32>,
}

/// Both are refused when the runtime is built, naming both sides, before
/// anything touches the database.
async fn plugin_colliding_with_core_tables_is_refused(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    for (plugin, expect) in [
        (
            Plugin::new("shadow").table::<ShadowFlows>(),
            ["`flows`", "shadow"],
        ),
        (
            Plugin::new("renamer").extend::<NameAsNumber>(),
            ["flows.name", "renamer"],
        ),
    ] {
        let built = Invect::builder()
            .base_database_config(config(&test))
            .plugin(plugin)
            .build()
            .await;
        let message = match built {
            Ok(_) => panic!("{kind}: a colliding plugin was accepted"),
            Err(e) => e.to_string(),
        };
        for e in expect {
            assert!(message.contains(e), "{kind}: `{e}` not in: {message}");
        }
        assert!(
            message.contains("core"),
            "{kind}: the core side is not named: {message}"
        );
    }
    let db = test.db();
    assert!(
        tables(&db).await.is_empty(),
        "{kind}: something was created"
    );
    db.close().await;
    test.drop().await;
}

/// Through the runtime's own connection: a 256-character name in a max-255
/// string is an error on every dialect, not cut short, and nothing is
/// written; 255 four-byte characters fit everywhere; a NUL character
/// (PostgreSQL cannot store it) is refused everywhere; text that is not UTF-8, written by another program, is a
/// decode error on SQLite and refused by the server on PostgreSQL and MySQL.
/// (SQL metacharacters round-trip unchanged: `tests/tests/typed_api`,
/// `round_trip_*`, `hostile_strings`.)
async fn values_the_database_cannot_hold_are_errors(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let app = invect(&test).await;
    app.push().await.expect("push");
    let db = app.db();
    let flow = |id: &str, name: String| NewFlow {
        id: id.into(),
        name,
        ..NewFlow::default()
    };
    // 256 characters in a plain `string` (VARCHAR(255) on MySQL) are refused
    // on every dialect before anything is sent, naming the limit.
    let long = Flow::insert(db, flow("long", "x".repeat(256))).await;
    let e = long.expect_err("256 characters in a max-255 string must be refused");
    assert!(
        matches!(e, invect_runtime::Error::Bind { .. }),
        "{kind}: {e:?}"
    );
    assert!(e.to_string().contains("max_length of 255"), "{kind}: {e}");
    assert_eq!(
        int(db, "SELECT COUNT(*) FROM flows").await,
        0,
        "{kind}: a row was written"
    );
    let wide = "😀".repeat(255);
    let stored = Flow::insert(db, flow("wide", wide.clone()))
        .await
        .expect("255 emoji");
    assert_eq!(stored.name, wide, "{kind}");
    // PostgreSQL cannot store a NUL: refused alike everywhere.
    let nul = Flow::insert(db, flow("nul", "a\0b".into())).await;
    let e = nul.expect_err("a NUL must be refused on every dialect");
    assert!(e.to_string().contains("U+0000"), "{kind}: {e}");
    assert_eq!(
        int(db, "SELECT COUNT(*) FROM flows").await,
        1,
        "{kind}: only the emoji row"
    );
    let raw_write = match kind {
        DialectKind::Sqlite => {
            "INSERT INTO flows (id, name) VALUES ('bytes', CAST(x'ff41' AS TEXT))"
        }
        DialectKind::Postgres => {
            "INSERT INTO flows (id, name) VALUES ('bytes', convert_from('\\xff41', 'UTF8'))"
        }
        DialectKind::Mysql => {
            "INSERT INTO flows (id, name) VALUES ('bytes', CONVERT(_binary x'ff41' USING utf8mb4))"
        }
    };
    let written = match db.pool() {
        invect_runtime::Pool::Sqlite(p) => sqlx::raw_sql(raw_write).execute(p).await.map(drop),
        invect_runtime::Pool::Postgres(p) => sqlx::raw_sql(raw_write).execute(p).await.map(drop),
        invect_runtime::Pool::Mysql(p) => sqlx::raw_sql(raw_write).execute(p).await.map(drop),
    };
    match kind {
        DialectKind::Sqlite => {
            written.expect("SQLite stores any bytes");
            let read = Flow::find(db, "bytes").await;
            assert!(read.is_err(), "SQLite: invalid UTF-8 decoded as {read:?}");
            let all = Flow::select().all(db).await;
            assert!(
                all.is_err(),
                "SQLite: a select over it must fail, not panic"
            );
        }
        _ => assert!(written.is_err(), "{kind}: the server stored invalid UTF-8"),
    }
    db.close().await;
    test.drop().await;
}
