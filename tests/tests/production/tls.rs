//! TLS to the local servers: PostgreSQL (`ssl = on`, Debian's snakeoil
//! certificate, issued to `localhost`) and MariaDB (a certificate of the
//! test CA for `localhost` and 127.0.0.1, from `scripts/services.sh`).
//! Each connection checks from the server's side that the session is
//! encrypted; a CA that did not sign the certificate fails as `Tls`.

use invect_runtime::{ConnectProblem, DatabaseType, Db, Pool};
use invect_tests::{mysql_url, pg_url};
use sqlx::Row;

use crate::support::{config, connect, connect_fails, env, has, with_host, with_query};

/// The CA file that verifies PostgreSQL's certificate.
fn pg_ca() -> String {
    env("INVECT_TEST_PG_CA_FILE")
}

/// The test CA, which signed MariaDB's certificate (and not PostgreSQL's).
fn test_ca() -> String {
    env("INVECT_TEST_CA_FILE")
}

/// The TLS version of a pooled connection as the server sees it, `None`
/// for a plain one.
async fn server_side_tls(db: &Db) -> Option<String> {
    match db.pool() {
        Pool::Postgres(p) => {
            let row =
                sqlx::query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    .fetch_one(p)
                    .await
                    .expect("pg_stat_ssl");
            let ssl: bool = row.get(0);
            ssl.then(|| row.get::<String, _>(1))
        }
        Pool::Mysql(p) => {
            let row = sqlx::query("SHOW SESSION STATUS LIKE 'Ssl_version'")
                .fetch_one(p)
                .await
                .expect("Ssl_version");
            let version: String = row.get(1);
            Some(version).filter(|v| !v.is_empty())
        }
        Pool::Sqlite(_) => panic!("SQLite has no TLS"),
    }
}

/// Connects to `url` and returns the server's view of the session's TLS.
async fn tls_of(r#type: DatabaseType, url: &str) -> Option<String> {
    let db = connect(&config(r#type, url)).await;
    let tls = server_side_tls(&db).await;
    db.close().await;
    tls
}

#[tokio::test]
async fn postgres_sslmode_require_encrypts() {
    let url = with_query(&pg_url(), "sslmode=require");
    let tls = tls_of(DatabaseType::Postgresql, &url).await;
    assert!(
        tls.is_some_and(|v| v.starts_with("TLS")),
        "not encrypted: {url}"
    );
    let plain = with_query(&pg_url(), "sslmode=disable");
    assert_eq!(
        tls_of(DatabaseType::Postgresql, &plain).await,
        None,
        "{plain}"
    );
}

#[tokio::test]
async fn postgres_verify_full_checks_the_certificate_against_the_ca_file() {
    // The snakeoil certificate names `localhost` only.
    let localhost = with_host(&pg_url(), "localhost:5432");
    let url = with_query(
        &localhost,
        &format!("sslmode=verify-full&sslrootcert={}", pg_ca()),
    );
    assert!(
        tls_of(DatabaseType::Postgresql, &url).await.is_some(),
        "{url}"
    );

    // verify-ca checks the CA, not the name: 127.0.0.1 is fine.
    let url = with_query(
        &pg_url(),
        &format!("sslmode=verify-ca&sslrootcert={}", pg_ca()),
    );
    assert!(
        tls_of(DatabaseType::Postgresql, &url).await.is_some(),
        "{url}"
    );

    // verify-full with a host the certificate does not name fails.
    let url = with_query(
        &pg_url(),
        &format!("sslmode=verify-full&sslrootcert={}", pg_ca()),
    );
    let (problem, message) = connect_fails(&config(DatabaseType::Postgresql, &url)).await;
    assert_eq!(problem, ConnectProblem::Tls, "{message}");
    has(
        &message,
        &[
            "TLS with the PostgreSQL server",
            "not issued for the host",
            "sslmode=verify-ca",
        ],
    );
}

#[tokio::test]
async fn postgres_wrong_ca_is_a_tls_error() {
    for mode in ["verify-ca", "verify-full", "require"] {
        // `require` with a CA file verifies against it, as libpq does.
        let url = with_query(
            &pg_url(),
            &format!("sslmode={mode}&sslrootcert={}", test_ca()),
        );
        let (problem, message) = connect_fails(&config(DatabaseType::Postgresql, &url)).await;
        assert_eq!(problem, ConnectProblem::Tls, "{mode}: {message}");
        has(
            &message,
            &[
                "TLS with the PostgreSQL server at 127.0.0.1:5432 failed",
                "not signed by the CA file",
                "sslrootcert=",
            ],
        );
        // The redacted URL keeps the TLS parameters.
        has(
            &message,
            &[
                &format!("sslmode={mode}&sslrootcert={}", test_ca()),
                "invect:***@",
            ],
        );
    }
}

#[tokio::test]
async fn unreadable_ca_file_is_named() {
    let missing = "/nonexistent/invect-ca.pem";
    let pg = with_query(
        &pg_url(),
        &format!("sslmode=verify-ca&sslrootcert={missing}"),
    );
    let my = with_query(
        &mysql_url(),
        &format!("ssl-mode=VERIFY_CA&ssl-ca={missing}"),
    );
    for (r#type, url, key) in [
        (DatabaseType::Postgresql, pg, "sslrootcert="),
        (DatabaseType::Mysql, my, "ssl-ca="),
    ] {
        let (problem, message) = connect_fails(&config(r#type, &url)).await;
        assert_eq!(problem, ConnectProblem::Tls, "{message}");
        has(&message, &[missing, key, "cannot be read"]);
    }
}

#[tokio::test]
async fn mysql_ssl_mode_required_encrypts() {
    let url = with_query(&mysql_url(), "ssl-mode=REQUIRED");
    let tls = tls_of(DatabaseType::Mysql, &url).await;
    assert!(
        tls.is_some_and(|v| v.starts_with("TLS")),
        "not encrypted: {url}"
    );
    let plain = with_query(&mysql_url(), "ssl-mode=DISABLED");
    assert_eq!(tls_of(DatabaseType::Mysql, &plain).await, None, "{plain}");
}

#[tokio::test]
async fn mysql_verify_ca_and_identity_check_the_certificate_against_the_ca_file() {
    let url = with_query(
        &mysql_url(),
        &format!("ssl-mode=VERIFY_CA&ssl-ca={}", test_ca()),
    );
    assert!(tls_of(DatabaseType::Mysql, &url).await.is_some(), "{url}");
    // The test CA's certificate names 127.0.0.1 too.
    let url = with_query(
        &mysql_url(),
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={}", test_ca()),
    );
    assert!(tls_of(DatabaseType::Mysql, &url).await.is_some(), "{url}");
}

#[tokio::test]
async fn mysql_wrong_ca_is_a_tls_error() {
    // The snakeoil certificate did not sign MariaDB's.
    let url = with_query(
        &mysql_url(),
        &format!("ssl-mode=VERIFY_CA&ssl-ca={}", pg_ca()),
    );
    let (problem, message) = connect_fails(&config(DatabaseType::Mysql, &url)).await;
    assert_eq!(problem, ConnectProblem::Tls, "{message}");
    has(
        &message,
        &[
            "TLS with the MySQL server at 127.0.0.1:3306 failed",
            "not signed by the CA file",
            "ssl-ca=",
            "ssl-mode=VERIFY_CA",
        ],
    );
}
