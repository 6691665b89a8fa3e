//! Opening databases from a `DatabaseConfig` against the real servers: every
//! connection-string form connects; every bad one fails within 30 s with an
//! error that names the database id and the problem and never shows the
//! password. Also the config's JSON and TOML shapes and `Debug` redaction.
//!
//! Needs the servers of `scripts/services.sh` (`source` it first).

use std::path::{Component, Path};
use std::time::{Duration, Instant};

use invect_runtime::{
    ConnectProblem, DatabaseConfig, DatabaseType, Db, Error, InvectConfig, Pool,
    SchemaVerification, redact_connection_string,
};
use invect_tests::{SqliteTestDb, mysql_url, pg_url, url_with_database};
use sqlx::Row;

/// The password of every "wrong password" and malformed URL.
const PW: &str = "s3cr3t-PW!";
/// The database id of every config here: each message must name it.
const ID: &str = "orders-db";
/// What every failure must stay under.
const LIMIT: Duration = Duration::from_secs(30);

fn config(r#type: DatabaseType, url: &str) -> DatabaseConfig {
    DatabaseConfig::new(r#type, url, ID)
}

/// `url` with its `user:password@` password replaced by `password`.
fn with_password(url: &str, password: &str) -> String {
    let start = url.find("://").expect("a URL") + 3;
    let at = start + url[start..].find('@').expect("a URL with a user");
    let colon = start + url[start..at].find(':').expect("a URL with a password");
    format!("{}:{password}{}", &url[..colon], &url[at..])
}

/// `url` with its port replaced by `port`.
fn with_port(url: &str, port: &str) -> String {
    let at = url.find('@').expect("a URL with a user");
    let host_end = at + url[at..].find('/').unwrap_or(url.len() - at);
    let colon = at + url[at..host_end].rfind(':').expect("a URL with a port");
    format!("{}:{port}{}", &url[..colon], &url[host_end..])
}

/// Connects, expecting failure: returns the problem and the message after
/// checking the time limit, the id, and that no password leaks.
async fn fails(config: DatabaseConfig) -> (ConnectProblem, String) {
    let started = Instant::now();
    let result = Db::connect_config(&config).await;
    let elapsed = started.elapsed();
    let err = match result {
        Ok(db) => {
            db.close().await;
            panic!("connecting with {config:?} succeeded; expected an error")
        }
        Err(e) => e,
    };
    let message = err.to_string();
    assert!(
        elapsed < LIMIT,
        "took {elapsed:?} to fail (limit {LIMIT:?}): {message}"
    );
    assert!(
        message.contains(&format!("database `{ID}`")),
        "message does not name the id: {message}"
    );
    for shown in [message.clone(), format!("{err:?}")] {
        assert!(!shown.contains(PW), "password leaked: {shown}");
        assert!(!shown.contains("s3cr3t"), "password leaked: {shown}");
    }
    match err {
        Error::Connect { problem, .. } => (problem, message),
        other => panic!("expected Error::Connect, got {other:?}"),
    }
}

fn assert_problem(got: &(ConnectProblem, String), problem: ConnectProblem, phrase: &str) {
    assert_eq!(got.0, problem, "wrong problem for: {}", got.1);
    assert!(got.1.contains(phrase), "expected `{phrase}` in: {}", got.1);
}

async fn sqlite_pragma(db: &Db, pragma: &str) -> String {
    let Pool::Sqlite(pool) = db.pool() else {
        panic!("not a SQLite pool")
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {pragma}")))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("PRAGMA {pragma}: {e}"));
    row.try_get::<String, _>(0)
        .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
        .expect("a pragma value")
}

async fn assert_sqlite_session(db: &Db) {
    assert_eq!(sqlite_pragma(db, "journal_mode").await, "wal");
    assert_eq!(sqlite_pragma(db, "foreign_keys").await, "1");
    assert_eq!(sqlite_pragma(db, "busy_timeout").await, "10000");
}

/// `target` as a path relative to the working directory (`../../tmp/...`).
fn relative_to_cwd(target: &Path) -> String {
    let cwd = std::env::current_dir().expect("a working directory");
    let ups = cwd
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    let below = target.strip_prefix("/").expect("an absolute path");
    format!("{}{}", "../".repeat(ups), below.display())
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("invect-connect-")
        .tempdir()
        .expect("a temporary directory")
}

// --- SQLite forms -------------------------------------------------------------

#[tokio::test]
async fn sqlite_relative_file_creates_its_folder_and_file() {
    let dir = tempdir();
    let target = dir.path().join("data/nested/dev.db");
    let url = format!("file:./{}", relative_to_cwd(&target));
    assert!(!target.parent().expect("a folder").exists());
    let db = Db::connect_config(&config(DatabaseType::Sqlite, &url))
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    assert!(target.is_file(), "{} was not created", target.display());
    assert_sqlite_session(&db).await;
    db.close().await;
}

#[tokio::test]
async fn sqlite_absolute_forms_connect() {
    let dir = tempdir();
    let p = |name: &str| dir.path().join(name).display().to_string();
    for url in [
        format!("file:{}", p("a/abs.db")),
        format!("file://{}", p("b/triple-slash.db")),
        format!("sqlite://{}", p("c/sqlite-url.db")),
        format!("sqlite:{}", p("d/sqlite-colon.db")),
        format!("SQLite://{}?mode=rwc", p("e/upper-case-scheme.db")),
    ] {
        let db = Db::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_sqlite_session(&db).await;
        db.close().await;
    }
    for name in [
        "a/abs.db",
        "b/triple-slash.db",
        "c/sqlite-url.db",
        "d/sqlite-colon.db",
        "e/upper-case-scheme.db",
    ] {
        assert!(dir.path().join(name).is_file(), "{name} missing");
    }
}

#[tokio::test]
async fn sqlite_read_only_mode_and_table_prefix() {
    let dir = tempdir();
    let path = dir.path().join("ro.db");
    let rw = config(DatabaseType::Sqlite, &format!("file:{}", path.display()))
        .with_table_prefix("invect_");
    let db = Db::connect_config(&rw).await.expect("read-write");
    assert_eq!(db.table_prefix(), "invect_");
    let Pool::Sqlite(pool) = db.pool() else {
        panic!("not SQLite")
    };
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(pool)
        .await
        .expect("create");
    db.close().await;

    let ro = config(
        DatabaseType::Sqlite,
        &format!("file:{}?mode=ro", path.display()),
    );
    let db = Db::connect_config(&ro).await.expect("read-only");
    let Pool::Sqlite(pool) = db.pool() else {
        panic!("not SQLite")
    };
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(pool)
        .await
        .expect("read");
    assert_eq!(n, 0);
    let write = sqlx::query("INSERT INTO t VALUES (1)").execute(pool).await;
    assert!(write.is_err(), "a read-only connection wrote");
    db.close().await;
}

#[tokio::test]
async fn sqlite_test_db_url_connects() {
    let test = SqliteTestDb::new().await;
    let db = Db::connect(&test.url)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", test.url));
    assert_sqlite_session(&db).await;
    db.close().await;
    test.drop().await;
}

#[tokio::test]
async fn memory_is_one_database_for_the_whole_pool() {
    for url in [":memory:", "sqlite::memory:", "sqlite://:memory:"] {
        let db = Db::connect(url)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let Pool::Sqlite(pool) = db.pool() else {
            panic!("{url} did not open SQLite")
        };
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
            .execute(pool)
            .await
            .expect("create");
        sqlx::query("INSERT INTO t (v) VALUES ('a'), ('b')")
            .execute(pool)
            .await
            .expect("insert");
        // Several queries at once: each must see the same database.
        let counts = futures_join(pool.clone()).await;
        assert_eq!(counts, vec![2; 4], "{url}");
        assert_eq!(sqlite_pragma(&db, "foreign_keys").await, "1");
        db.close().await;
    }
    // Two handles are two databases.
    let a = Db::connect(":memory:").await.expect("a");
    let b = Db::connect(":memory:").await.expect("b");
    let (Pool::Sqlite(pa), Pool::Sqlite(pb)) = (a.pool(), b.pool()) else {
        panic!("not SQLite")
    };
    sqlx::query("CREATE TABLE only_in_a (x INTEGER)")
        .execute(pa)
        .await
        .expect("create");
    let seen: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'only_in_a'")
            .fetch_one(pb)
            .await
            .expect("count");
    assert_eq!(seen, 0);
}

async fn futures_join(pool: sqlx::SqlitePool) -> Vec<i64> {
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM t")
                    .fetch_one(&pool)
                    .await
                    .expect("count")
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

// --- PostgreSQL and MariaDB ---------------------------------------------------

#[tokio::test]
async fn postgres_connects_with_both_schemes() {
    let url = pg_url();
    let rest = url.split_once("://").expect("a URL").1;
    for url in [format!("postgresql://{rest}"), format!("postgres://{rest}")] {
        let db = Db::connect_config(&config(DatabaseType::Postgresql, &url))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let Pool::Postgres(pool) = db.pool() else {
            panic!("not PostgreSQL")
        };
        let one: i32 = sqlx::query_scalar("SELECT 1")
            .fetch_one(pool)
            .await
            .expect("select");
        assert_eq!(one, 1);
        db.close().await;
    }
}

#[tokio::test]
async fn mysql_connects_in_utc_and_strict_mode() {
    let db = Db::connect_config(&config(DatabaseType::Mysql, &mysql_url()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let Pool::Mysql(pool) = db.pool() else {
        panic!("not MySQL")
    };
    let row = sqlx::query("SELECT @@SESSION.sql_mode, @@SESSION.time_zone")
        .fetch_one(pool)
        .await
        .expect("select");
    let mode: String = row.try_get(0).expect("sql_mode");
    let zone: String = row.try_get(1).expect("time_zone");
    assert!(mode.contains("STRICT_ALL_TABLES"), "sql_mode = {mode}");
    assert_eq!(zone, "+00:00");
    db.close().await;
}

#[tokio::test]
async fn closed_port_is_refused_quickly() {
    let pg = with_password(&with_port(&pg_url(), "1"), PW);
    let got = fails(config(DatabaseType::Postgresql, &pg)).await;
    assert_problem(&got, ConnectProblem::Unreachable, "connection refused");
    assert!(got.1.contains("127.0.0.1:1"), "{}", got.1);
    assert!(got.1.contains("invect:***@"), "{}", got.1);

    let my = with_password(&with_port(&mysql_url(), "1"), PW);
    let got = fails(config(DatabaseType::Mysql, &my)).await;
    assert_problem(&got, ConnectProblem::Unreachable, "connection refused");
}

#[tokio::test]
async fn wrong_password_is_a_refused_login() {
    let pg = with_password(&pg_url(), PW);
    let got = fails(config(DatabaseType::Postgresql, &pg)).await;
    assert_problem(&got, ConnectProblem::LoginRefused, "refused the login");
    assert!(got.1.contains("user `invect`"), "{}", got.1);

    let my = with_password(&mysql_url(), PW);
    let got = fails(config(DatabaseType::Mysql, &my)).await;
    assert_problem(&got, ConnectProblem::LoginRefused, "refused the login");
}

#[tokio::test]
async fn missing_database_is_named() {
    let pg = url_with_database(&pg_url(), "invect_no_such_db");
    let got = fails(config(DatabaseType::Postgresql, &pg)).await;
    assert_problem(&got, ConnectProblem::MissingDatabase, "does not exist");
    assert!(got.1.contains("`invect_no_such_db`"), "{}", got.1);
    // Quoted as the dialect quotes names, so the hint runs as written.
    let hint = "CREATE DATABASE \"invect_no_such_db\"";
    assert!(got.1.contains(hint), "{}", got.1);

    let my = url_with_database(&mysql_url(), "invect_no_such_db");
    let got = fails(config(DatabaseType::Mysql, &my)).await;
    assert_problem(&got, ConnectProblem::MissingDatabase, "does not exist");
    assert!(got.1.contains("`invect_no_such_db`"), "{}", got.1);
    let hint = "CREATE DATABASE `invect_no_such_db`";
    assert!(got.1.contains(hint), "{}", got.1);
}

#[tokio::test]
async fn unreachable_host_fails_within_the_timeout() {
    // Nothing answers at these; depending on the network the attempt is
    // rejected at once or hangs until the connect timeout.
    for url in [
        format!("postgres://invect:{PW}@10.255.255.1:5432/db"),
        format!("mysql://invect:{PW}@host.invalid:3306/db"),
    ] {
        let r#type = if url.starts_with("mysql") {
            DatabaseType::Mysql
        } else {
            DatabaseType::Postgresql
        };
        let (problem, message) = fails(config(r#type, &url)).await;
        assert!(
            matches!(
                problem,
                ConnectProblem::Unreachable | ConnectProblem::Timeout
            ),
            "{problem:?}: {message}"
        );
    }
}

/// A port that accepts connections and never says a word.
fn silent_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

#[tokio::test]
async fn silent_server_times_out() {
    let port = silent_server().to_string();
    let pg = with_password(&with_port(&pg_url(), &port), PW);
    let my = with_password(&with_port(&mysql_url(), &port), PW);
    let (pg, my) = tokio::join!(
        fails(config(DatabaseType::Postgresql, &pg)),
        fails(config(DatabaseType::Mysql, &my)),
    );
    assert_problem(&pg, ConnectProblem::Timeout, "did not answer within 10 s");
    assert_problem(&my, ConnectProblem::Timeout, "did not answer within 10 s");
}

#[tokio::test]
async fn malformed_and_hostile_strings_are_errors() {
    let long = format!("postgres://invect:{PW}@{}/db", "h".repeat(100_000));
    let cases: Vec<(DatabaseType, String, ConnectProblem, &str)> = vec![
        (
            DatabaseType::Postgresql,
            format!("postgres://invect:{PW}@127.0.0.1:notaport/db"),
            ConnectProblem::Malformed,
            "is not a valid PostgreSQL URL",
        ),
        (
            DatabaseType::Mysql,
            format!("mysql://invect:{PW}@127.0.0.1:99999/db"),
            ConnectProblem::Malformed,
            "is not a valid MySQL URL",
        ),
        (
            DatabaseType::Postgresql,
            format!("postgres://invect:{PW}@[::1/db"),
            ConnectProblem::Malformed,
            "is not a valid",
        ),
        (
            DatabaseType::Postgresql,
            format!("postgresql:invect:{PW}@host/db"),
            ConnectProblem::Malformed,
            "lacks the `//`",
        ),
        (
            DatabaseType::Sqlite,
            String::new(),
            ConnectProblem::Malformed,
            "is empty",
        ),
        (
            DatabaseType::Sqlite,
            "   ".into(),
            ConnectProblem::Malformed,
            "is empty",
        ),
        (
            DatabaseType::Sqlite,
            "dev.db".into(),
            ConnectProblem::Malformed,
            "has no scheme",
        ),
        (
            DatabaseType::Sqlite,
            "file:".into(),
            ConnectProblem::Malformed,
            "names no SQLite file",
        ),
        (
            DatabaseType::Sqlite,
            "file:/tmp/x%00y.db".into(),
            ConnectProblem::Malformed,
            "NUL",
        ),
        (
            DatabaseType::Sqlite,
            "sqlite:/tmp/x.db?bogus=1".into(),
            ConnectProblem::Malformed,
            "bogus",
        ),
        (
            DatabaseType::Postgresql,
            format!("oracle://invect:{PW}@host/db"),
            ConnectProblem::UnknownScheme,
            "unknown scheme `oracle`",
        ),
        (
            DatabaseType::Postgresql,
            format!("http://invect:{PW}@host/db\n\u{0}\u{202e}"),
            ConnectProblem::UnknownScheme,
            "unknown scheme `http`",
        ),
        (
            DatabaseType::Sqlite,
            format!("postgres://invect:{PW}@127.0.0.1:5432/db"),
            ConnectProblem::TypeMismatch,
            "does not match",
        ),
        (
            DatabaseType::Mysql,
            "file:./dev.db".into(),
            ConnectProblem::TypeMismatch,
            "does not match",
        ),
    ];
    for (r#type, url, problem, phrase) in cases {
        let got = fails(config(r#type, &url)).await;
        assert_problem(&got, problem, phrase);
        assert!(
            got.1.len() < 2_000,
            "message too long: {} bytes",
            got.1.len()
        );
        assert!(
            !got.1.contains('\u{0}'),
            "raw control character in {}",
            got.1
        );
    }
    // 100 kB of host name: refused by the parser or the resolver, quickly.
    let (problem, message) = fails(config(DatabaseType::Postgresql, &long)).await;
    assert!(
        matches!(
            problem,
            ConnectProblem::Malformed | ConnectProblem::Unreachable
        ),
        "{problem:?}"
    );
    assert!(
        message.len() < 2_000,
        "message too long: {} bytes",
        message.len()
    );
    // The bare-URL entry point infers the type and names `main`.
    let err = Db::connect(&format!("oracle://u:{PW}@h/db"))
        .await
        .expect_err("an unknown scheme");
    let message = err.to_string();
    assert!(message.starts_with("database `main`: "), "{message}");
    assert!(!message.contains(PW), "{message}");
}

#[tokio::test]
async fn unusable_sqlite_paths_are_explained() {
    let dir = tempdir();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "not a database, not a folder").expect("write");

    // A folder cannot be created below a file (even as root).
    let below_file = format!("file:{}/sub/dev.db", file.display());
    let got = fails(config(DatabaseType::Sqlite, &below_file)).await;
    assert_problem(&got, ConnectProblem::SqlitePath, "cannot create the folder");

    let folder = format!("file:{}", dir.path().display());
    let got = fails(config(DatabaseType::Sqlite, &folder)).await;
    assert_problem(&got, ConnectProblem::SqlitePath, "is a folder");

    let missing_rw = format!("sqlite://{}/missing.db?mode=rw", dir.path().display());
    let got = fails(config(DatabaseType::Sqlite, &missing_rw)).await;
    assert_problem(&got, ConnectProblem::SqlitePath, "cannot open or create");

    let not_sqlite = format!("file:{}", file.display());
    let got = fails(config(DatabaseType::Sqlite, &not_sqlite)).await;
    assert_problem(&got, ConnectProblem::SqlitePath, "is not a SQLite database");
}

// --- Config shapes --------------------------------------------------------------

#[test]
fn json_has_the_typescript_shape() {
    let json =
        r#"{ "type": "postgresql", "connectionString": "postgres://u:p@h/db", "id": "main" }"#;
    let parsed: DatabaseConfig = serde_json::from_str(json).expect("parse");
    assert_eq!(
        parsed,
        DatabaseConfig::new(DatabaseType::Postgresql, "postgres://u:p@h/db", "main")
    );
    assert_eq!(parsed, DatabaseConfig::from_json_str(json).expect("parse"));

    let with_prefix =
        r#"{"type":"postgres","connectionString":"x","id":"a","tablePrefix":"invect_"}"#;
    let parsed = DatabaseConfig::from_json_str(with_prefix).expect("parse");
    assert_eq!(parsed.r#type, DatabaseType::Postgresql);
    assert_eq!(parsed.table_prefix, "invect_");
    for (text, t) in [
        ("sqlite", DatabaseType::Sqlite),
        ("mysql", DatabaseType::Mysql),
    ] {
        let json = format!(r#"{{"type":"{text}","connectionString":"x","id":"a"}}"#);
        assert_eq!(
            DatabaseConfig::from_json_str(&json).expect("parse").r#type,
            t
        );
    }

    // Serializes back to the same shape; an empty prefix is left out.
    let back = serde_json::to_value(DatabaseConfig::new(DatabaseType::Mysql, "mysql://h/d", "m"))
        .expect("serialize");
    assert_eq!(
        back,
        serde_json::json!({ "type": "mysql", "connectionString": "mysql://h/d", "id": "m" })
    );
}

#[test]
fn json_errors_name_the_key_or_value() {
    let unknown_key =
        r#"{ "type": "sqlite", "connectionString": "file:x.db", "id": "main", "poolSize": 3 }"#;
    let e = serde_json::from_str::<DatabaseConfig>(unknown_key).expect_err("unknown key");
    assert!(e.to_string().contains("unknown field `poolSize`"), "{e}");
    let e = DatabaseConfig::from_json_str(unknown_key).expect_err("unknown key");
    let message = e.to_string();
    assert!(message.contains("poolSize"), "{message}");
    assert!(message.contains("line 1, column"), "{message}");

    let snake = r#"{ "type": "sqlite", "connection_string": "file:x.db", "id": "main" }"#;
    let message = DatabaseConfig::from_json_str(snake)
        .expect_err("snake")
        .to_string();
    assert!(message.contains("connection_string"), "{message}");

    let unknown_type = r#"{ "type": "oracle", "connectionString": "x", "id": "main" }"#;
    let message = DatabaseConfig::from_json_str(unknown_type)
        .expect_err("unknown type")
        .to_string();
    assert!(message.contains("oracle"), "{message}");
    assert!(message.contains("sqlite"), "{message}");

    let wrong_type = r#"{ "type": "sqlite", "connectionString": 42, "id": "main" }"#;
    let message = DatabaseConfig::from_json_str(wrong_type)
        .expect_err("wrong type")
        .to_string();
    assert!(message.contains("invalid type: integer `42`"), "{message}");

    let empty_id = r#"{ "type": "sqlite", "connectionString": "x", "id": " " }"#;
    let message = DatabaseConfig::from_json_str(empty_id)
        .expect_err("empty id")
        .to_string();
    assert!(message.contains("`id` is empty"), "{message}");

    let bad_prefix =
        r#"{ "type": "sqlite", "connectionString": "x", "id": "m", "tablePrefix": "Bad-Prefix" }"#;
    let message = DatabaseConfig::from_json_str(bad_prefix)
        .expect_err("bad prefix")
        .to_string();
    assert!(message.contains("table prefix `Bad-Prefix`"), "{message}");
}

const FULL_TOML: &str = r#"
schemaVerification = "strict"
migrationsDir = "db/migrations"

[database]
type = "mysql"
connectionString = "mysql://app:hunter2@db:3306/app"
id = "main"
tablePrefix = "invect_"
"#;

#[test]
fn toml_file_shape() {
    let c = InvectConfig::from_toml_str(FULL_TOML).expect("parse");
    assert_eq!(c.schema_verification, SchemaVerification::Strict);
    assert_eq!(c.migrations_dir, Path::new("db/migrations"));
    assert_eq!(
        c.database,
        DatabaseConfig::new(
            DatabaseType::Mysql,
            "mysql://app:hunter2@db:3306/app",
            "main"
        )
        .with_table_prefix("invect_")
    );

    let minimal =
        "[database]\ntype = \"sqlite\"\nconnectionString = \"file:./dev.db\"\nid = \"main\"\n";
    let c = InvectConfig::from_toml_str(minimal).expect("parse");
    assert_eq!(c.schema_verification, SchemaVerification::Off);
    assert_eq!(c.migrations_dir, Path::new("migrations"));
    assert_eq!(c.database.table_prefix, "");
    for (text, v) in [
        ("off", SchemaVerification::Off),
        ("warn", SchemaVerification::Warn),
    ] {
        let c = InvectConfig::from_toml_str(&format!("schemaVerification = \"{text}\"\n{minimal}"))
            .expect("parse");
        assert_eq!(c.schema_verification, v);
    }
}

/// Parses `text`, expecting an error at `line`; returns the message.
fn toml_error(text: &str, line: usize) -> String {
    let e = InvectConfig::from_toml_str(text).expect_err("an error");
    let message = e.to_string();
    match &e {
        Error::ConfigFile { line: got, .. } => {
            assert_eq!(*got, Some(line), "wrong line in: {message}")
        }
        other => panic!("expected Error::ConfigFile, got {other:?}"),
    }
    assert!(message.contains(&format!("line {line}")), "{message}");
    assert!(!message.contains("hunter2"), "password leaked: {message}");
    message
}

#[test]
fn toml_errors_name_the_line_and_the_key() {
    let unknown_db_key = FULL_TOML.replace("tablePrefix", "tablePrefx");
    let m = toml_error(&unknown_db_key, 9);
    assert!(m.contains("unknown field `tablePrefx`"), "{m}");

    let unknown_top_key = format!("poolSize = 3\n{FULL_TOML}");
    let m = toml_error(&unknown_top_key, 1);
    assert!(m.contains("unknown field `poolSize`"), "{m}");

    let snake = FULL_TOML.replace("connectionString", "connection_string");
    let m = toml_error(&snake, 7);
    assert!(m.contains("connection_string"), "{m}");

    let wrong_type = FULL_TOML.replace("id = \"main\"", "id = 7");
    let m = toml_error(&wrong_type, 8);
    assert!(m.contains("invalid type: integer `7`"), "{m}");

    let bad_enum = FULL_TOML.replace("\"strict\"", "\"loud\"");
    let m = toml_error(&bad_enum, 2);
    assert!(m.contains("loud"), "{m}");

    let bad_type = FULL_TOML.replace("\"mysql\"\n", "\"oracle\"\n");
    let m = toml_error(&bad_type, 6);
    assert!(m.contains("oracle"), "{m}");

    // Invalid TOML on the line that holds the password: the line is shown, redacted.
    let unterminated = FULL_TOML.replace("3306/app\"", "3306/app");
    let m = toml_error(&unterminated, 7);
    assert!(m.contains("app:***@db"), "{m}");

    let missing = FULL_TOML.replace("id = \"main\"\n", "");
    let e = InvectConfig::from_toml_str(&missing).expect_err("missing id");
    assert!(e.to_string().contains("missing field `id`"), "{e}");
}

#[test]
fn config_files_are_named_in_errors() {
    let dir = tempdir();
    let missing = dir.path().join("nope.toml");
    let message = InvectConfig::from_file(&missing)
        .expect_err("missing")
        .to_string();
    assert!(message.contains("nope.toml"), "{message}");
    assert!(message.contains("does not exist"), "{message}");

    let path = dir.path().join("invect.toml");
    std::fs::write(&path, FULL_TOML.replace("type = ", "kind = ")).expect("write");
    let message = InvectConfig::from_file(&path).expect_err("bad").to_string();
    assert!(
        message.starts_with(&format!(
            "config file `{}`, line 6, column 1",
            path.display()
        )),
        "{message}"
    );
    assert!(message.contains("`kind`"), "{message}");

    std::fs::write(&path, FULL_TOML).expect("write");
    assert!(InvectConfig::from_file(&path).is_ok());

    std::fs::write(&path, b"[database]\ntype = \"\xff\"\n").expect("write");
    let message = InvectConfig::from_file(&path)
        .expect_err("not utf-8")
        .to_string();
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn debug_and_redaction_hide_passwords() {
    let c = DatabaseConfig::new(
        DatabaseType::Postgresql,
        format!("postgres://app:{PW}@db:5432/app?sslmode=require"),
        "main",
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains(PW), "{debug}");
    assert!(
        debug.contains("postgres://app:***@db:5432/app?sslmode=require"),
        "{debug}"
    );

    let file = InvectConfig::from_toml_str(FULL_TOML).expect("parse");
    let debug = format!("{file:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("app:***@db"), "{debug}");

    for (url, expected) in [
        ("postgres://u:pw@h/db", "postgres://u:***@h/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        ("postgres://h/db", "postgres://h/db"),
        ("mysql://u:p@ss@h:3306/db", "mysql://u:***@h:3306/db"),
        ("mysql://u:pa/ss@h/db", "mysql://u:***@h/db"),
        ("postgres://u:pa?ss@h/db", "postgres://u:***@h/db"),
        ("postgres://u:@h/db", "postgres://u:***@h/db"),
        (
            "postgres://h/db?user=u&password=pw&sslmode=disable",
            "postgres://h/db?user=u&password=***&sslmode=disable",
        ),
        ("file:./dev.db", "file:./dev.db"),
        (":memory:", ":memory:"),
    ] {
        assert_eq!(redact_connection_string(url), expected, "{url}");
    }
}
