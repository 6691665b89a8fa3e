//! Running statements on a [`Db`] or a [`Tx`] alike.

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

use invect_schema::DialectKind;
use sqlx::mysql::{MySqlArguments, MySqlRow};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{AssertSqlSafe, SqlStr};

use crate::db::{Db, Pool, Tx, TxConn};
use crate::error::{Error, Result};
use crate::value::{BindResult, Value};

/// SQL text: `'static` from the macro, or built at run time from schema
/// identifiers and placeholders only.
pub type Sql = Cow<'static, str>;

fn sql_str(sql: Sql) -> SqlStr {
    use sqlx::SqlSafeStr;
    match sql {
        Cow::Borrowed(s) => s.into_sql_str(),
        Cow::Owned(s) => AssertSqlSafe(s).into_sql_str(),
    }
}

/// Bound parameters for one statement, in the executor's dialect.
#[derive(Debug)]
pub enum Args {
    Sqlite(SqliteArguments),
    Postgres(PgArguments),
    Mysql(MySqlArguments),
}

impl Args {
    /// Empty arguments for `kind`.
    pub fn new(kind: DialectKind) -> Args {
        match kind {
            DialectKind::Sqlite => Args::Sqlite(SqliteArguments::default()),
            DialectKind::Postgres => Args::Postgres(PgArguments::default()),
            DialectKind::Mysql => Args::Mysql(MySqlArguments::default()),
        }
    }

    /// Binds the next parameter.
    pub fn push<V: Value + ?Sized>(&mut self, v: &V) -> BindResult {
        match self {
            Args::Sqlite(a) => v.bind_sqlite(a),
            Args::Postgres(a) => v.bind_pg(a),
            Args::Mysql(a) => v.bind_mysql(a),
        }
    }
}

/// One result row, in the executor's dialect.
#[derive(Debug, Clone, Copy)]
pub enum RowRef<'r> {
    Sqlite(&'r SqliteRow),
    Postgres(&'r PgRow),
    Mysql(&'r MySqlRow),
}

impl RowRef<'_> {
    /// Decodes column `i` (0-based, in select order).
    pub fn get<V: Value>(&self, i: usize) -> Result<V, sqlx::Error> {
        match self {
            RowRef::Sqlite(r) => V::decode_sqlite(r, i),
            RowRef::Postgres(r) => V::decode_pg(r, i),
            RowRef::Mysql(r) => V::decode_mysql(r, i),
        }
    }
}

/// Something statements run on: `&Db` (a pooled connection per statement) or
/// `&mut Tx` (the transaction's connection).
pub trait Executor: Send {
    /// The dialect of the database behind this executor.
    fn kind(&self) -> DialectKind;

    /// The pool, when not inside a transaction.
    fn as_db(&self) -> Option<&Db>;

    /// The table prefix of the database, if one is set.
    fn table_prefix(&self) -> Option<&Arc<str>>;

    /// Runs a statement and returns the number of rows it affected.
    fn execute(&mut self, sql: Sql, args: Args) -> impl Future<Output = Result<u64>> + Send;

    /// Runs a query and decodes every row with `decode`.
    fn fetch_all<T, F>(
        &mut self,
        sql: Sql,
        args: Args,
        decode: F,
    ) -> impl Future<Output = Result<Vec<T>>> + Send
    where
        T: Send + Unpin,
        F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync;

    /// Runs a query and decodes the first row, if any.
    fn fetch_optional<T, F>(
        &mut self,
        sql: Sql,
        args: Args,
        decode: F,
    ) -> impl Future<Output = Result<Option<T>>> + Send
    where
        T: Send + Unpin,
        F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync;
}

/// Expands one dialect's arm of a statement: the arguments must match the
/// connection's dialect (they are built from `kind()`, so they always do).
/// `$c` is the sqlx executor, `$row!(r)` wraps a row of that dialect.
macro_rules! dispatch {
    ($conn:expr, $args:expr, $enum:ident, |$x:ident| $exec:expr, |$c:ident, $a:ident, $row:ident| $body:expr) => {
        match ($conn, $args) {
            ($enum::Sqlite($x), Args::Sqlite($a)) => {
                let $c = $exec;
                #[allow(unused_macros)]
                macro_rules! $row {
                    ($r:expr) => {
                        RowRef::Sqlite($r)
                    };
                }
                $body
            }
            ($enum::Postgres($x), Args::Postgres($a)) => {
                let $c = $exec;
                #[allow(unused_macros)]
                macro_rules! $row {
                    ($r:expr) => {
                        RowRef::Postgres($r)
                    };
                }
                $body
            }
            ($enum::Mysql($x), Args::Mysql($a)) => {
                let $c = $exec;
                #[allow(unused_macros)]
                macro_rules! $row {
                    ($r:expr) => {
                        RowRef::Mysql($r)
                    };
                }
                $body
            }
            _ => Err(Error::Database(sqlx::Error::Protocol(
                "arguments built for another dialect".into(),
            ))),
        }
    };
}

/// Implements [`Executor`] for `&Db` or `&mut Tx`: `$conn` reaches the
/// dialect enum from `self`, `$exec` turns its payload into a sqlx executor.
macro_rules! impl_executor {
    ($ty:ty, $inner:ident, $enum:ident, |$s:ident| $conn:expr, |$x:ident| $exec:expr, $db:expr) => {
        impl Executor for $ty {
            fn kind(&self) -> DialectKind {
                $inner::kind(self)
            }

            #[allow(unused_variables)]
            fn as_db(&self) -> Option<&Db> {
                let $s = self;
                $db
            }

            fn table_prefix(&self) -> Option<&Arc<str>> {
                self.prefix.as_ref()
            }

            async fn execute(&mut self, sql: Sql, args: Args) -> Result<u64> {
                let $s = self;
                dispatch!($conn, args, $enum, |$x| $exec, |c, a, _row| {
                    Ok(sqlx::query_with(sql_str(sql), a)
                        .execute(c)
                        .await?
                        .rows_affected())
                })
            }

            async fn fetch_all<T, F>(&mut self, sql: Sql, args: Args, decode: F) -> Result<Vec<T>>
            where
                T: Send + Unpin,
                F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync,
            {
                let $s = self;
                dispatch!($conn, args, $enum, |$x| $exec, |c, a, row| {
                    Ok(sqlx::query_with(sql_str(sql), a)
                        .try_map(|r| decode(row!(&r)))
                        .fetch_all(c)
                        .await?)
                })
            }

            async fn fetch_optional<T, F>(
                &mut self,
                sql: Sql,
                args: Args,
                decode: F,
            ) -> Result<Option<T>>
            where
                T: Send + Unpin,
                F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync,
            {
                let $s = self;
                dispatch!($conn, args, $enum, |$x| $exec, |c, a, row| {
                    Ok(sqlx::query_with(sql_str(sql), a)
                        .try_map(|r| decode(row!(&r)))
                        .fetch_optional(c)
                        .await?)
                })
            }
        }
    };
}

impl_executor!(&Db, Db, Pool, |s| &s.pool, |p| p, Some(*s));
impl_executor!(&mut Tx, Tx, TxConn, |s| &mut s.conn, |t| &mut **t, None);
