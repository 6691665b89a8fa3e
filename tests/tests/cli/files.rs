//! `migrate` (migration files) on each dialect.

use invect_runtime::schema::DialectKind;
use invect_tests::AnyTestDb;

use crate::per_dialect;
use crate::support::{cli, plugin_cli, url_args, workdir};

per_dialect!(
    migrate_writes_and_applies_files,
    pending_files_and_a_plugin,
    a_pushed_database_is_baselined
);

/// A dry run writes nothing; without `--yes` nothing happens; `--yes` writes
/// one file and applies it; the next run finds nothing to do; `info` lists it.
async fn migrate_writes_and_applies_files(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    let url = test.url().to_string();
    let at = |args: &[&str]| cli(dir.path(), &url_args(args, &url));
    let migrations = dir.path().join("migrations");
    let files = || -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![migrations.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else if e.path().extension().is_some_and(|x| x == "sql")
                    && !e.path().to_string_lossy().ends_with(".down.sql")
                {
                    found.push(e.path().display().to_string());
                }
            }
        }
        found
    };

    at(&["migrate", "--dry-run"])
        .ok()
        .stdout_has("CREATE TABLE")
        .stdout_has("dry run");
    assert!(files().is_empty(), "--dry-run wrote {:?}", files());
    at(&["migrate"]).failed().stderr_has("--yes");
    assert!(files().is_empty(), "a refused migrate wrote {:?}", files());
    at(&["verify", "--strict"]).failed();

    at(&["migrate", "--yes"])
        .ok()
        .stdout_has("wrote")
        .stdout_has("applied");
    assert_eq!(files().len(), 1, "{:?}", files());
    let folder = migrations.join(kind.as_str());
    assert!(
        files()[0].starts_with(&folder.display().to_string()),
        "{:?}",
        files()
    );
    at(&["verify", "--strict"]).ok();
    at(&["migrate", "--yes"]).ok().stdout_has("up to date");
    assert_eq!(files().len(), 1, "{:?}", files());
    at(&["info"]).ok().stdout_has("1 applied, 0 pending");
    at(&["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("up to date");
    assert_eq!(
        history_rows(&test).await,
        1,
        "invect_migrations should hold the one version"
    );

    // An applied file edited afterwards: an error naming it, nothing applied.
    let file = files()[0].clone();
    let text = std::fs::read_to_string(&file).expect("the migration file");
    std::fs::write(&file, format!("{text}\n-- edited by hand\n")).expect("edit the file");
    let name = std::path::Path::new(&file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    at(&["migrate", "--yes"])
        .failed()
        .stderr_has(&name)
        .stderr_has("edited");
    assert_eq!(
        history_rows(&test).await,
        1,
        "an edited file changed the history"
    );
    test.drop().await;
}

/// Rows in Invect's migration history table.
async fn history_rows(test: &AnyTestDb) -> i64 {
    const SQL: &str = "SELECT COUNT(*) FROM invect_migrations";
    let result = match test.db().pool() {
        invect_runtime::Pool::Sqlite(p) => sqlx::query_scalar(SQL).fetch_one(p).await,
        invect_runtime::Pool::Postgres(p) => sqlx::query_scalar(SQL).fetch_one(p).await,
        invect_runtime::Pool::Mysql(p) => sqlx::query_scalar(SQL).fetch_one(p).await,
    };
    result.unwrap_or_else(|e| panic!("counting invect_migrations: {e}"))
}

/// Files written against one database are pending on another and applied
/// there without writing a new one; a plugin adds a second file; dropping the
/// plugin again is refused.
async fn pending_files_and_a_plugin(kind: DialectKind) {
    let (first, second) = (AnyTestDb::new(kind).await, AnyTestDb::new(kind).await);
    let dir = workdir();
    let d = dir.path();
    let on = |test: &AnyTestDb, args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--database-url", test.url()]);
        all.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| cli(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let run_plugin =
        |args: Vec<String>| plugin_cli(d, &args.iter().map(String::as_str).collect::<Vec<_>>());

    run(on(&first, &["migrate", "--yes"])).ok();
    run(on(&second, &["info"]))
        .ok()
        .stdout_has("0 applied, 1 pending");
    run(on(&second, &["migrate", "--dry-run"]))
        .ok()
        .stdout_has("pending migration");
    run(on(&second, &["migrate", "--yes"]))
        .ok()
        .stdout_has("applied migration")
        .never_shows("wrote");
    run(on(&second, &["verify", "--strict"])).ok();

    run_plugin(on(&first, &["migrate", "--yes"]))
        .ok()
        .stdout_has("flow_tags")
        .stdout_has("owner_email");
    run_plugin(on(&first, &["verify", "--strict"])).ok();
    // PostgreSQL builds the new index on `flows` in a file of its own.
    let pending = if kind == DialectKind::Postgres { 2 } else { 1 };
    run_plugin(on(&second, &["info"]))
        .ok()
        .stdout_has(&format!("1 applied, {pending} pending"));
    // Without the plugin its table is no longer declared: kept, and said so.
    run(on(&first, &["migrate", "--yes"]))
        .ok()
        .stdout_has("flow_tags")
        .stdout_has("--allow-drop");
    first.drop().await;
    second.drop().await;
}

/// A database made by `migrate --push` has no history: plain `migrate`
/// refuses (its first file would fail creating what exists) and says to
/// baseline; `--baseline` records the files without running them, after
/// which migrate is up to date. Baselining a database that lacks the schema
/// is refused.
async fn a_pushed_database_is_baselined(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let empty = AnyTestDb::new(kind).await;
    let dir = workdir();
    let run = |url: &str, args: &[&str]| cli(dir.path(), &url_args(args, url));
    let url = test.url().to_string();
    run(&url, &["migrate", "--push", "--yes"]).ok();
    run(&url, &["migrate", "--yes"])
        .failed()
        .stderr_has("already has Invect's tables")
        .stderr_has("--baseline");
    run(empty.url(), &["migrate", "--baseline", "--yes"])
        .failed()
        .stderr_has("does not have the whole schema");
    run(&url, &["migrate", "--baseline", "--yes"])
        .ok()
        .stdout_has("recorded");
    assert_eq!(
        history_rows(&test).await,
        1,
        "baseline should record the one file"
    );
    run(&url, &["migrate", "--yes"])
        .ok()
        .stdout_has("up to date");
    run(&url, &["verify", "--strict"]).ok();
    run(&url, &["migrate", "--push", "--baseline"])
        .exited(2)
        .stderr_has("cannot be used with");
    empty.drop().await;
    test.drop().await;
}
