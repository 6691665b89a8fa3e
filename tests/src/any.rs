//! [`AnyTestDb`]: a throwaway database of whichever dialect a test names, so
//! one test body runs on all three.

use invect_runtime::{Db, Pool};
use invect_schema::DialectKind;
use sqlx::AssertSqlSafe;

use crate::{MySqlTestDb, PgTestDb, SqliteTestDb};

/// A fresh database of one dialect.
#[derive(Debug)]
pub enum AnyTestDb {
    Sqlite(SqliteTestDb),
    Postgres(PgTestDb),
    Mysql(MySqlTestDb),
}

impl AnyTestDb {
    /// Creates an empty database of `kind`.
    pub async fn new(kind: DialectKind) -> AnyTestDb {
        match kind {
            DialectKind::Sqlite => AnyTestDb::Sqlite(SqliteTestDb::new().await),
            DialectKind::Postgres => AnyTestDb::Postgres(PgTestDb::new().await),
            DialectKind::Mysql => AnyTestDb::Mysql(MySqlTestDb::new().await),
        }
    }

    pub fn kind(&self) -> DialectKind {
        match self {
            AnyTestDb::Sqlite(_) => DialectKind::Sqlite,
            AnyTestDb::Postgres(_) => DialectKind::Postgres,
            AnyTestDb::Mysql(_) => DialectKind::Mysql,
        }
    }

    /// Executes each statement in order as the owner; panics naming the one that fails.
    pub async fn apply(&self, statements: &[String]) {
        match self {
            AnyTestDb::Sqlite(t) => t.apply(statements).await,
            AnyTestDb::Postgres(t) => t.apply(statements).await,
            AnyTestDb::Mysql(t) => t.apply(statements).await,
        }
    }

    /// A URL that connects to this database as its owner.
    pub fn url(&self) -> &str {
        match self {
            AnyTestDb::Sqlite(t) => &t.url,
            AnyTestDb::Postgres(t) => &t.url,
            AnyTestDb::Mysql(t) => &t.url,
        }
    }

    /// The owner's handle, on the test's own pool (no session set-up).
    pub fn db(&self) -> Db {
        match self {
            AnyTestDb::Sqlite(t) => Db::from(t.pool.clone()),
            AnyTestDb::Postgres(t) => Db::from(t.pool.clone()),
            AnyTestDb::Mysql(t) => Db::from(t.pool.clone()),
        }
    }

    /// Closes the pool and drops the database.
    pub async fn drop(self) {
        match self {
            AnyTestDb::Sqlite(t) => t.drop().await,
            AnyTestDb::Postgres(t) => t.drop().await,
            AnyTestDb::Mysql(t) => t.drop().await,
        }
    }
}

/// Runs `sql` (one or more statements) on `db`; panics naming it on failure.
pub async fn raw(db: &Db, sql: &str) {
    let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
    let result = match db.pool() {
        Pool::Sqlite(p) => q.execute(p).await.map(drop),
        Pool::Postgres(p) => q.execute(p).await.map(drop),
        Pool::Mysql(p) => q.execute(p).await.map(drop),
    };
    result.unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", db.kind()));
}

/// One `#[tokio::test]` per dialect (modules `sqlite`, `postgres`, `mysql`)
/// for each `async fn(DialectKind)` named, which must be in scope as `super::name`.
#[macro_export]
macro_rules! per_dialect {
    ($($test:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $test() { super::$test(::invect_runtime::schema::DialectKind::Sqlite).await } )* }
        mod postgres { $( #[tokio::test] async fn $test() { super::$test(::invect_runtime::schema::DialectKind::Postgres).await } )* }
        mod mysql { $( #[tokio::test] async fn $test() { super::$test(::invect_runtime::schema::DialectKind::Mysql).await } )* }
    };
}
