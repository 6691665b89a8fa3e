//! The pool settings of `DatabaseConfig` take effect on the real servers:
//! a pool of 2 makes a third statement wait for the acquire timeout and
//! fail saying the pool is full; a statement timeout has the server cancel
//! a statement that runs longer; and the settings' TOML/JSON keys reach it.

use std::time::Instant;

use invect_runtime::{
    Args, ConnectProblem, DatabaseConfig, DatabaseType, Db, Error, Executor, InvectConfig, Pool,
    Sql,
};
use invect_tests::{SqliteTestDb, mysql_url, pg_url};
use sqlx::Row;

use crate::support::{ID, config, connect, has, ms, took, unavailable};

/// A pool of 2 with a 1 s acquire timeout on `url`.
fn small(r#type: DatabaseType, url: &str) -> DatabaseConfig {
    config(r#type, url)
        .with_max_connections(2)
        .with_acquire_timeout(ms(1000))
}

/// `SELECT 1` through the typed API's executor.
async fn select_one(db: &Db) -> invect_runtime::Result<u64> {
    let mut e = db;
    e.execute(Sql::from("SELECT 1"), Args::new(db.kind())).await
}

/// Holds both connections of a pool of 2 in transactions: a third
/// statement, and a third transaction, wait 1 s and fail naming the full
/// pool; once one transaction ends, the next statement runs at once.
async fn third_connection_waits_for_the_acquire_timeout(db: Db) {
    let first = db.begin_read().await.expect("a first transaction");
    let second = db.begin_read().await.expect("a second transaction");
    for attempt in ["a statement", "a transaction"] {
        let started = Instant::now();
        let err = match attempt {
            "a statement" => select_one(&db).await.err(),
            _ => db.begin_read().await.err(),
        }
        .unwrap_or_else(|| panic!("{:?}: {attempt} got a third connection", db.kind()));
        took(started, ms(900), ms(3000), attempt);
        let (id, problem, message) = unavailable(err, &format!("database `{ID}`: "));
        assert_eq!(
            (id.as_deref(), problem),
            (Some(ID), ConnectProblem::PoolExhausted),
            "{message}"
        );
        has(
            &message,
            &[
                "within 1 s (acquireTimeoutMillis)",
                "all 2 connections of the pool (maxConnections)",
            ],
        );
    }
    first.rollback().await.expect("rollback");
    let started = Instant::now();
    select_one(&db)
        .await
        .expect("a statement once a connection is free");
    took(
        started,
        ms(0),
        ms(500),
        "a statement once a connection is free",
    );
    second.rollback().await.expect("rollback");
    db.close().await;
}

#[tokio::test]
async fn pool_of_two_postgres() {
    let db = connect(&small(DatabaseType::Postgresql, &pg_url())).await;
    third_connection_waits_for_the_acquire_timeout(db).await;
}

#[tokio::test]
async fn pool_of_two_mysql() {
    let db = connect(&small(DatabaseType::Mysql, &mysql_url())).await;
    third_connection_waits_for_the_acquire_timeout(db).await;
}

#[tokio::test]
async fn pool_of_two_sqlite() {
    let file = SqliteTestDb::new().await;
    let url = format!("file:{}", file.path.display());
    let db = connect(&small(DatabaseType::Sqlite, &url)).await;
    third_connection_waits_for_the_acquire_timeout(db).await;
}

/// `[database]` of an `invect.toml` with every pool key.
fn toml_config(r#type: &str, url: &str) -> DatabaseConfig {
    let text = format!(
        "[database]\ntype = \"{type}\"\nconnectionString = \"{url}\"\nid = \"{ID}\"\n\
         maxConnections = 3\nacquireTimeoutMillis = 2500\nstatementTimeoutMillis = 1000\n"
    );
    let config = InvectConfig::from_toml_str(&text)
        .unwrap_or_else(|e| panic!("{e}"))
        .database;
    assert_eq!(
        (
            config.max_connections,
            config.acquire_timeout,
            config.statement_timeout
        ),
        (3, ms(2500), Some(ms(1000)))
    );
    config
}

#[tokio::test]
async fn statement_timeout_cancels_a_long_postgres_statement() {
    let db = connect(&toml_config("postgresql", &pg_url())).await;
    let Pool::Postgres(pool) = db.pool() else {
        panic!("not PostgreSQL")
    };
    let row = sqlx::query("SHOW statement_timeout")
        .fetch_one(pool)
        .await
        .expect("SHOW");
    assert_eq!(row.get::<String, _>(0), "1s");
    let started = Instant::now();
    let err = sqlx::query("SELECT pg_sleep(5)")
        .execute(pool)
        .await
        .expect_err("cancelled");
    took(
        started,
        ms(900),
        ms(3000),
        "pg_sleep(5) under a 1 s statement timeout",
    );
    let code = err
        .as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.to_string());
    assert_eq!(
        code.as_deref(),
        Some("57014"),
        "query_canceled expected: {err}"
    );
    db.close().await;
}

#[tokio::test]
async fn statement_timeout_cancels_a_long_mariadb_statement() {
    let db = connect(&toml_config("mysql", &mysql_url())).await;
    let Pool::Mysql(pool) = db.pool() else {
        panic!("not MySQL")
    };
    // MariaDB's max_statement_time is in seconds (MySQL 8 would get max_execution_time).
    let row = sqlx::query("SELECT CAST(@@max_statement_time AS CHAR)")
        .fetch_one(pool)
        .await
        .expect("SELECT");
    assert_eq!(row.get::<String, _>(0).parse::<f64>().ok(), Some(1.0));
    let started = Instant::now();
    let err = sqlx::query("SELECT SLEEP(5)")
        .execute(pool)
        .await
        .expect_err("cancelled");
    took(
        started,
        ms(900),
        ms(3000),
        "SLEEP(5) under a 1 s statement timeout",
    );
    let code = err
        .as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.to_string());
    assert_eq!(
        code.as_deref(),
        Some("70100"),
        "max_statement_time exceeded expected: {err}"
    );
    db.close().await;
}

#[test]
fn pool_keys_parse_and_bad_values_are_refused() {
    let json = |extra: &str| {
        format!(
            r#"{{"type": "postgresql", "connectionString": "postgres://u@h/db", "id": "{ID}"{extra}}}"#
        )
    };
    let c = DatabaseConfig::from_json_str(&json("")).expect("no pool keys");
    assert_eq!(
        (c.max_connections, c.acquire_timeout, c.statement_timeout),
        (10, ms(10_000), None)
    );
    let c = DatabaseConfig::from_json_str(&json(
        r#", "maxConnections": 4, "acquireTimeoutMillis": 750, "statementTimeoutMillis": 30000"#,
    ))
    .expect("pool keys");
    assert_eq!(
        (c.max_connections, c.acquire_timeout, c.statement_timeout),
        (4, ms(750), Some(ms(30_000)))
    );
    for (extra, phrase) in [
        (r#", "maxConnections": 0"#, "`maxConnections` is 0"),
        (
            r#", "acquireTimeoutMillis": 0"#,
            "`acquireTimeoutMillis` is 0",
        ),
        (
            r#", "statementTimeoutMillis": 0"#,
            "`statementTimeoutMillis` is 0",
        ),
        (
            r#", "statementTimeoutMillis": 9999999999"#,
            "more than PostgreSQL accepts",
        ),
    ] {
        match DatabaseConfig::from_json_str(&json(extra)) {
            Err(e @ Error::Config { .. }) => {
                has(&e.to_string(), &[&format!("database `{ID}`"), phrase])
            }
            other => panic!("{extra}: expected a Config error, got {other:?}"),
        }
    }
    match DatabaseConfig::from_json_str(&json(r#", "poolSize": 4"#)) {
        Err(e @ Error::ConfigFile { .. }) => has(&e.to_string(), &["poolSize"]),
        other => panic!("expected an unknown-key error, got {other:?}"),
    }
}
