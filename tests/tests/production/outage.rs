//! Errors at run time during an outage, through a TCP proxy in front of the
//! real server that is cut: a statement inside a transaction says the
//! connection broke off and what became of the transaction; a statement on
//! the pool fails after the acquire timeout (not sqlx's fixed 10 s) naming
//! the database and the cause of the last connection attempt; once the
//! server is back, the same `Db` works again.

use std::time::{Duration, Instant};

use invect_runtime::{Args, ConnectProblem, DatabaseType, Db, Executor, Sql};
use invect_tests::{Proxy, mysql_url, pg_url};
use sqlx::postgres::PgPoolOptions;

use crate::support::{ID, config, connect, has, ms, server_addr, took, unavailable, with_host};

async fn select_one<E: Executor>(
    mut e: E,
    kind: invect_runtime::schema::DialectKind,
) -> invect_runtime::Result<u64> {
    e.execute(Sql::from("SELECT 1"), Args::new(kind)).await
}

async fn outage(r#type: DatabaseType, base: &str) {
    let server = server_addr(base);
    let proxy = Proxy::start("127.0.0.1:0".parse().expect("an address"), server).await;
    let addr = proxy.addr;
    let url = with_host(base, &addr.to_string());
    let config = config(r#type, &url)
        .with_max_connections(2)
        .with_acquire_timeout(ms(1000));
    let db = connect(&config).await;
    let kind = db.kind();
    select_one(&db, kind)
        .await
        .expect("a statement before the outage");
    let mut tx = db.begin().await.expect("a transaction");
    select_one(&mut tx, kind)
        .await
        .expect("a statement in the transaction");

    proxy.cut().await;
    let err = select_one(&mut tx, kind)
        .await
        .expect_err("the connection is gone");
    let (id, problem, message) = unavailable(err, &format!("database `{ID}`: "));
    assert_eq!(
        (id.as_deref(), problem),
        (Some(ID), ConnectProblem::ConnectionLost),
        "{message}"
    );
    has(
        &message,
        &[
            &format!(
                "the connection to the {} server at {addr} broke off (closed unexpectedly)",
                r#type.label()
            ),
            "rolls it back",
            "invect:***@",
        ],
    );
    eprintln!("{kind}: lost in a transaction:\n  {message}");
    drop(tx);

    let started = Instant::now();
    let err = select_one(&db, kind).await.expect_err("no server");
    took(started, ms(900), ms(2500), "a statement during the outage");
    let (_, problem, message) = unavailable(err, &format!("database `{ID}`: "));
    assert_eq!(problem, ConnectProblem::Unreachable, "{message}");
    has(
        &message,
        &[
            "no connection came free within 1 s (acquireTimeoutMillis)",
            "connection refused",
            &addr.to_string(),
        ],
    );
    eprintln!("{kind}: during the outage:\n  {message}");
    let started = Instant::now();
    let err = db.begin().await.expect_err("no server");
    took(
        started,
        ms(900),
        ms(2500),
        "a transaction during the outage",
    );
    has(&err.to_string(), &["connection refused"]);

    let proxy = Proxy::start(addr, server).await;
    let started = Instant::now();
    select_one(&db, kind)
        .await
        .expect("a statement once the server is back");
    took(
        started,
        ms(0),
        ms(1000),
        "a statement once the server is back",
    );
    db.close().await;
    proxy.cut().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_names_the_database_and_the_cause_postgres() {
    outage(DatabaseType::Postgresql, &pg_url()).await;
}

/// Without TLS sqlx said "expected to read 5 bytes, got 0 bytes at EOF".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_names_the_database_and_the_cause_postgres_without_tls() {
    outage(
        DatabaseType::Postgresql,
        &format!("{}?sslmode=disable", pg_url()),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_names_the_database_and_the_cause_mysql() {
    outage(DatabaseType::Mysql, &mysql_url()).await;
}

/// A pool made elsewhere has no id or URL: the error says "database" and
/// still ends within that pool's own acquire timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_on_a_pool_made_elsewhere_says_database() {
    let base = pg_url();
    let proxy = Proxy::start(
        "127.0.0.1:0".parse().expect("an address"),
        server_addr(&base),
    )
    .await;
    let url = with_host(&base, &proxy.addr.to_string());
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(1))
        .connect(&url)
        .await
        .expect("a pool");
    let db = Db::from(pool);
    select_one(&db, db.kind()).await.expect("before the outage");
    proxy.cut().await;
    let started = Instant::now();
    let err = select_one(&db, db.kind()).await.expect_err("no server");
    took(started, ms(900), ms(2500), "a statement during the outage");
    let (id, _, message) = unavailable(err, "database: no connection came free within 1 s");
    assert_eq!(id, None, "{message}");
    db.close().await;
}
