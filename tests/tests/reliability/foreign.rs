//! Foreign tables untouched: the application's own tables — `users` and
//! `app_events` (both with a `flow_id` column, like Invect's tables) and
//! `app_orders` with a CHECK, a composite unique constraint and a foreign
//! key — keep their exact definition (columns, defaults, indexes,
//! constraints) and every row through `invect-cli verify`, `migrate --push`
//! (core, then a plugin's table and column) on one database, and through
//! `migrate` (core, then the plugin's file) and a no-op push on another.

use invect_runtime::schema::DialectKind;
use invect_runtime::{Db, Pool};
use invect_tests::AnyTestDb;
use sqlx::{AssertSqlSafe, Row};

use crate::cli_support::{Output, cli, plugin_cli, workdir};
use crate::per_dialect;
use crate::push_support::{app_snapshot, create_app_tables};

per_dialect!(
    application_tables_survive_push_and_verify,
    application_tables_survive_migrate_and_verify,
);

const APP_TABLES: &str = "'users', 'app_events', 'app_orders'";

/// The first column of every row, as text.
async fn strings(db: &Db, sql: String) -> Vec<String> {
    fn first<R: Row>(rows: Vec<R>) -> Vec<String>
    where
        for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        usize: sqlx::ColumnIndex<R>,
    {
        rows.iter()
            .map(|r| r.try_get_unchecked::<String, _>(0).unwrap_or_default())
            .collect()
    }
    let q = sqlx::raw_sql(AssertSqlSafe(sql.clone()));
    let result = match db.pool() {
        Pool::Sqlite(p) => q.fetch_all(p).await.map(first),
        Pool::Postgres(p) => q.fetch_all(p).await.map(first),
        Pool::Mysql(p) => q.fetch_all(p).await.map(first),
    };
    result.unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", db.kind()))
}

/// Every definition of the application's tables, as the server states it:
/// SQLite's stored DDL, PostgreSQL's columns, constraints and index
/// definitions, MySQL's `SHOW CREATE TABLE`.
async fn app_definitions(db: &Db) -> Vec<String> {
    match db.kind() {
        DialectKind::Sqlite => {
            strings(
                db,
                format!(
                    "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master \
                     WHERE tbl_name IN ({APP_TABLES}) ORDER BY name"
                ),
            )
            .await
        }
        DialectKind::Postgres => {
            strings(
                db,
                format!(
                    "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || \
                            is_nullable || ' ' || COALESCE(column_default, '') \
                     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN ({APP_TABLES}) \
                     UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) \
                     FROM pg_constraint WHERE conrelid::regclass::text IN ({APP_TABLES}) \
                     UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes \
                     WHERE schemaname = current_schema() AND tablename IN ({APP_TABLES}) ORDER BY 1"
                ),
            )
            .await
        }
        DialectKind::Mysql => {
            let mut all = Vec::new();
            for table in ["users", "app_events", "app_orders"] {
                let q = sqlx::raw_sql(AssertSqlSafe(format!("SHOW CREATE TABLE `{table}`")));
                let Pool::Mysql(p) = db.pool() else { unreachable!("a MySQL pool") };
                let row = q.fetch_one(p).await.expect("SHOW CREATE TABLE");
                all.push(row.try_get_unchecked::<String, _>(1).expect("the DDL"));
            }
            all
        }
    }
}

async fn app_orders_rows(db: &Db) -> Vec<String> {
    let concat = match db.kind() {
        DialectKind::Mysql => "CONCAT(id, '|', qty, '|', COALESCE(flow_id, '-'), '|', note)",
        _ => "id || '|' || CAST(qty AS TEXT) || '|' || COALESCE(flow_id, '-') || '|' || note",
    };
    strings(db, format!("SELECT {concat} FROM app_orders ORDER BY id")).await
}

/// Everything the application has: definitions and rows.
async fn app_state(db: &Db) -> impl PartialEq + std::fmt::Debug {
    (
        app_snapshot(db).await,
        app_definitions(db).await,
        app_orders_rows(db).await,
    )
}

/// A fresh database with the application's tables and rows.
async fn with_app_tables(kind: DialectKind) -> AnyTestDb {
    let test = AnyTestDb::new(kind).await;
    create_app_tables(&test).await;
    test.apply(&[
        "CREATE TABLE app_orders (id VARCHAR(20) NOT NULL PRIMARY KEY, qty INTEGER NOT NULL DEFAULT 1 CHECK (qty > 0), \
         flow_id VARCHAR(36), note VARCHAR(100) NOT NULL DEFAULT 'n/a', \
         CONSTRAINT app_orders_flow_qty UNIQUE (flow_id, qty), \
         CONSTRAINT app_orders_user_fk FOREIGN KEY (id) REFERENCES users (id) ON DELETE CASCADE)"
            .into(),
        "INSERT INTO app_orders (id, qty, flow_id, note) VALUES ('u1', 3, 'flow-1', 'it''s; DROP TABLE flows; --')"
            .into(),
        "INSERT INTO app_orders (id, qty, note) VALUES ('u2', 1, 'second')".into(),
    ])
    .await;
    let db = test.db();
    assert_eq!(app_orders_rows(&db).await.len(), 2);
    assert!(
        app_definitions(&db).await.len() >= 3,
        "{kind}: no definitions read"
    );
    test
}

/// Runs `invect-cli` (or, with `plugin`, `plugin-cli`) with `args` on `test`.
fn run(test: &AnyTestDb, dir: &std::path::Path, plugin: bool, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--database-url", test.url()]);
    if plugin {
        plugin_cli(dir, &all)
    } else {
        cli(dir, &all)
    }
}

async fn application_tables_survive_push_and_verify(kind: DialectKind) {
    let test = with_app_tables(kind).await;
    let db = test.db();
    let before = app_state(&db).await;
    let dir = workdir();
    run(&test, dir.path(), false, &["verify"]).ok();
    assert_eq!(app_state(&db).await, before, "{kind}: verify changed them");
    run(&test, dir.path(), false, &["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("pushed:");
    assert_eq!(app_state(&db).await, before, "{kind}: push changed them");
    run(&test, dir.path(), true, &["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("owner_email");
    run(&test, dir.path(), true, &["verify", "--strict"]).ok();
    assert_eq!(
        app_state(&db).await,
        before,
        "{kind}: the plugin's push or verify changed the application's tables"
    );
    db.close().await;
    test.drop().await;
}

async fn application_tables_survive_migrate_and_verify(kind: DialectKind) {
    let test = with_app_tables(kind).await;
    let db = test.db();
    let before = app_state(&db).await;
    let dir = workdir();
    run(&test, dir.path(), false, &["migrate", "--yes"])
        .ok()
        .stdout_has("applied migration");
    assert_eq!(app_state(&db).await, before, "{kind}: migrate changed them");
    run(&test, dir.path(), false, &["verify", "--strict"]).ok();
    run(&test, dir.path(), true, &["migrate", "--yes"])
        .ok()
        .stdout_has("owner_email");
    run(&test, dir.path(), true, &["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("up to date");
    run(&test, dir.path(), true, &["verify", "--strict"]).ok();
    assert_eq!(
        app_state(&db).await,
        before,
        "{kind}: the plugin's migration, push or verify changed the application's tables"
    );
    db.close().await;
    test.drop().await;
}
