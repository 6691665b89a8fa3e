//! The plugin the push tests install, the runtime built on a test database,
//! and snapshots of what push must not change.

use std::time::Duration;

use invect_runtime::introspect::{LiveSchema, LiveTable, introspect};
use invect_runtime::prelude::*;
use invect_runtime::schema::meta::META_TABLE;
use invect_runtime::schema::{DialectKind, foreign_key_name};
use invect_runtime::{DatabaseConfig, DatabaseType, Invect, InvectBuilder, Pool};
pub use invect_tests::plugin::{AuditLog, NewAuditLog, audit_logs};
use invect_tests::{AnyTestDb, core_ddl, core_schema, url_with_database};
use sqlx::Row;

/// Columns a plugin adds to the core `flows` table.
#[invect_table(extends = invect_runtime::core::Flow)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTenant {
    #[invect(index, max_length = 64)]
    pub tenant_id: Option<String>,
    #[invect(default = "free")]
    pub plan: String,
}

pub fn database_type(kind: DialectKind) -> DatabaseType {
    match kind {
        DialectKind::Sqlite => DatabaseType::Sqlite,
        DialectKind::Postgres => DatabaseType::Postgresql,
        DialectKind::Mysql => DatabaseType::Mysql,
    }
}

/// The owner's configuration for `test`, id `main`.
pub fn config(test: &AnyTestDb) -> DatabaseConfig {
    DatabaseConfig::new(database_type(test.kind()), test.url(), "main")
}

/// The runtime on `test` with the core tables only.
pub async fn invect(test: &AnyTestDb) -> Invect {
    invect_with(test, |b| b).await
}

/// The runtime on `test`, configured further by `f`.
pub async fn invect_with(
    test: &AnyTestDb,
    f: impl FnOnce(InvectBuilder) -> InvectBuilder,
) -> Invect {
    f(Invect::builder().base_database_config(config(test)))
        .build()
        .await
        .unwrap_or_else(|e| panic!("{}: Invect::build failed: {e}", test.kind()))
}

/// The runtime on `test`'s database, connected as another user through `url`.
pub async fn invect_at(test: &AnyTestDb, url: &str) -> Invect {
    let config = DatabaseConfig::new(database_type(test.kind()), url, "readonly");
    Invect::builder()
        .base_database_config(config)
        .build()
        .await
        .unwrap_or_else(|e| panic!("{}: Invect::build as {url} failed: {e}", test.kind()))
}

pub use invect_tests::raw;

/// Every column of every row, as text (the test tables hold only text).
async fn rows(db: &Db, sql: &'static str) -> Vec<Vec<Option<String>>> {
    fn texts<R: Row>(row: &R) -> Vec<Option<String>>
    where
        for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        usize: sqlx::ColumnIndex<R>,
    {
        (0..row.len())
            .map(|i| row.try_get(i).unwrap_or_else(|e| panic!("column {i}: {e}")))
            .collect()
    }
    let result = match db.pool() {
        Pool::Sqlite(p) => sqlx::query(sql)
            .fetch_all(p)
            .await
            .map(|r| r.iter().map(texts).collect()),
        Pool::Postgres(p) => sqlx::query(sql)
            .fetch_all(p)
            .await
            .map(|r| r.iter().map(texts).collect()),
        Pool::Mysql(p) => sqlx::query(sql)
            .fetch_all(p)
            .await
            .map(|r| r.iter().map(texts).collect()),
    };
    result.unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", db.kind()))
}

/// The database's schema without Invect's record table and the tests' own
/// `app_*` tables: what push made of the core tables.
pub async fn live_core(db: &Db) -> LiveSchema {
    let mut live = introspect(db)
        .await
        .unwrap_or_else(|e| panic!("{}: introspection failed: {e}", db.kind()));
    let ours = |name: &str| !name.starts_with(META_TABLE) && !name.starts_with("app_");
    live.tables.retain(|name, _| ours(name));
    // PostgreSQL lists the record table's primary key index among relations.
    live.other_relations.retain(|name| ours(name));
    live
}

/// The schema of a fresh database that ran the core DDL fixture's statements.
pub async fn reference_core(kind: DialectKind) -> LiveSchema {
    let test = AnyTestDb::new(kind).await;
    test.apply(&core_ddl(kind)).await;
    let db = test.db();
    let live = live_core(&db).await;
    test.drop().await;
    live
}

/// The application's own tables: `users` and `app_events`, whose columns
/// share names with Invect's (`id`, `flow_id`), with an index, a unique
/// constraint, a foreign key and rows.
pub async fn create_app_tables(test: &AnyTestDb) {
    test.apply(&[
        "CREATE TABLE users (id VARCHAR(20) NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, flow_id VARCHAR(36))".into(),
        "CREATE INDEX users_flow_id_idx ON users (flow_id)".into(),
        "CREATE TABLE app_events (id VARCHAR(20) NOT NULL PRIMARY KEY, user_id VARCHAR(20), flow_id VARCHAR(36), payload VARCHAR(200), \
         CONSTRAINT app_events_user_fk FOREIGN KEY (user_id) REFERENCES users (id))"
            .into(),
        "CREATE INDEX app_events_flow_id_idx ON app_events (flow_id)".into(),
        "INSERT INTO users (id, email, flow_id) VALUES ('u1', 'a@example.com', 'flow-1'), ('u2', 'o''brien@example.com', NULL)".into(),
        "INSERT INTO app_events (id, user_id, flow_id, payload) VALUES ('e1', 'u1', 'flow-1', '{\"x\": \"; DROP TABLE flows; --\"}')".into(),
    ])
    .await;
}

/// The application tables' definitions and every row.
pub async fn app_snapshot(db: &Db) -> (Vec<(String, LiveTable)>, Vec<Vec<Option<String>>>) {
    let live = introspect(db)
        .await
        .unwrap_or_else(|e| panic!("introspection failed: {e}"));
    let tables = live
        .tables
        .into_iter()
        .filter(|(n, _)| n == "users" || n == "app_events")
        .collect::<Vec<_>>();
    assert_eq!(tables.len(), 2, "the application tables are missing");
    let mut all = rows(db, "SELECT id, email, flow_id FROM users ORDER BY id").await;
    all.extend(
        rows(
            db,
            "SELECT id, user_id, flow_id, payload FROM app_events ORDER BY id",
        )
        .await,
    );
    (tables, all)
}

/// The name of an index that push creates late, after several tables.
pub fn late_index_name() -> String {
    let schema = core_schema();
    let (table, index) = schema
        .tables
        .iter()
        .rev()
        .find_map(|t| {
            t.def
                .effective_indexes()
                .into_iter()
                .next()
                .map(|i| (t.def.name.to_string(), i))
        })
        .expect("a core table with an index");
    index.name(&table)
}

/// The name of a foreign key that push creates after `flows`.
pub fn late_foreign_key_name() -> String {
    foreign_key_name("node_executions", "flow_run_id")
}

/// Lets `invect_ro` SELECT (nothing else) in `test`'s database; its URL.
pub async fn grant_select(test: &AnyTestDb) -> String {
    let (grants, var, name) = match test {
        AnyTestDb::Postgres(t) => (
            vec![
                format!("GRANT CONNECT ON DATABASE \"{}\" TO invect_ro", t.name),
                "GRANT USAGE ON SCHEMA public TO invect_ro".to_string(),
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO invect_ro".to_string(),
            ],
            "INVECT_TEST_PG_RO_URL",
            &t.name,
        ),
        AnyTestDb::Mysql(t) => (
            vec![format!("GRANT SELECT ON `{}`.* TO 'invect_ro'@'%'", t.name)],
            "INVECT_TEST_MYSQL_RO_URL",
            &t.name,
        ),
        AnyTestDb::Sqlite(_) => panic!("SQLite has no users"),
    };
    test.apply(&grants).await;
    let base = std::env::var(var)
        .unwrap_or_else(|_| panic!("{var} is not set: run `bash scripts/test.sh`"));
    url_with_database(&base, name)
}

/// Takes back [`grant_select`]'s rights (MariaDB keeps grants past DROP
/// DATABASE) and waits for `invect_ro`'s PostgreSQL sessions to end, so the
/// database can be dropped.
pub async fn revoke_select(test: &AnyTestDb) {
    match test {
        AnyTestDb::Mysql(t) => {
            test.apply(&[format!(
                "REVOKE SELECT ON `{}`.* FROM 'invect_ro'@'%'",
                t.name
            )])
            .await
        }
        AnyTestDb::Postgres(t) => {
            const COUNT: &str = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'invect_ro'";
            for _ in 0..50 {
                match sqlx::query_scalar::<_, i64>(COUNT).fetch_one(&t.pool).await {
                    Ok(0) => return,
                    Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                    Err(e) => panic!("cannot count invect_ro's sessions: {e}"),
                }
            }
        }
        AnyTestDb::Sqlite(_) => {}
    }
}
