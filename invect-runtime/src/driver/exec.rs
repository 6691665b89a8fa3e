//! Statements on sqlx's per-dialect types: bound arguments, result rows, and
//! the mechanical dispatch of one statement to the pooled connection or
//! transaction of the dialect at hand, its failure worded by the
//! [`Endpoint`]. No behaviour differs here; that is the [`Driver`](super::Driver)'s.

use std::sync::Arc;

use futures_core::stream::BoxStream;
use invect_schema::{ColumnDef, DialectKind};
use sqlx::mysql::{MySqlArguments, MySqlRow};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

use super::conn::Conn;
use super::endpoint::{Endpoint, Within};
use super::pool::{Pool, TxConn};
use crate::error::{Error, Result};
use crate::value::{BindResult, Value};

/// SQL text built from schema identifiers and placeholders only, never from
/// values (those are always bound). Cheap to clone: static or shared text.
#[derive(Debug, Clone)]
pub struct Sql(SqlStr);

impl Sql {
    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&'static str> for Sql {
    fn from(s: &'static str) -> Sql {
        Sql(s.into_sql_str())
    }
}

impl From<String> for Sql {
    fn from(s: String) -> Sql {
        Sql(AssertSqlSafe(s).into_sql_str())
    }
}

impl From<Arc<str>> for Sql {
    fn from(s: Arc<str>) -> Sql {
        Sql(AssertSqlSafe(s).into_sql_str())
    }
}

impl From<&Arc<str>> for Sql {
    fn from(s: &Arc<str>) -> Sql {
        Sql::from(s.clone())
    }
}

/// Bound parameters for one statement, in the executor's dialect, and about
/// how many bytes they take on the wire (to check against a server's limit).
#[derive(Debug)]
pub struct Args {
    values: Values,
    bytes: usize,
}

/// sqlx's arguments of each dialect.
#[derive(Debug)]
enum Values {
    Sqlite(SqliteArguments),
    Postgres(PgArguments),
    Mysql(MySqlArguments),
}

impl Args {
    /// Empty arguments for `kind`.
    pub fn new(kind: DialectKind) -> Args {
        let values = match kind {
            DialectKind::Sqlite => Values::Sqlite(SqliteArguments::default()),
            DialectKind::Postgres => Values::Postgres(PgArguments::default()),
            DialectKind::Mysql => Values::Mysql(MySqlArguments::default()),
        };
        Args { values, bytes: 0 }
    }

    /// Binds the next parameter, a value written to column `col`, after
    /// checking that every dialect stores it there ([`CheckValue`](crate::value::CheckValue)).
    pub fn push_column<V: Value + ?Sized>(&mut self, v: &V, col: &ColumnDef) -> BindResult {
        v.check(col)?;
        self.push(v)
    }

    /// Binds the next parameter.
    pub fn push<V: Value + ?Sized>(&mut self, v: &V) -> BindResult {
        self.bytes += v.wire_len();
        match &mut self.values {
            Values::Sqlite(a) => v.bind_sqlite(a),
            Values::Postgres(a) => v.bind_pg(a),
            Values::Mysql(a) => v.bind_mysql(a),
        }
    }

    /// About how many bytes the bound values take on the wire.
    pub fn bytes(&self) -> usize {
        self.bytes
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

/// The error for arguments of one dialect sent to another (they are built
/// from the executor's own `kind()`, so this is a bug, not a user mistake).
fn mismatch() -> Error {
    Error::Database(sqlx::Error::Protocol(
        "arguments built for another dialect".into(),
    ))
}

/// One dialect's arm of a statement: `$c` is the sqlx executor, `$row!(r)`
/// wraps a row of that dialect.
macro_rules! dispatch {
    ($conn:expr, $args:expr, $enum:ident, |$x:ident| $exec:expr, |$c:ident, $a:ident, $row:ident| $body:expr) => {
        match ($conn, $args.values) {
            ($enum::Sqlite($x), Values::Sqlite($a)) => {
                let $c = $exec;
                #[allow(unused_macros)]
                macro_rules! $row {
                    ($r:expr) => {
                        RowRef::Sqlite($r)
                    };
                }
                $body
            }
            ($enum::Postgres($x), Values::Postgres($a)) => {
                let $c = $exec;
                #[allow(unused_macros)]
                macro_rules! $row {
                    ($r:expr) => {
                        RowRef::Postgres($r)
                    };
                }
                $body
            }
            ($enum::Mysql($x), Values::Mysql($a)) => {
                let $c = $exec;
                #[allow(unused_macros)]
                macro_rules! $row {
                    ($r:expr) => {
                        RowRef::Mysql($r)
                    };
                }
                $body
            }
            _ => Err(mismatch()),
        }
    };
}

/// `run`, `fetch_all` and `fetch_optional` on a pooled [`Conn`] or a
/// [`TxConn`], `$within` saying which for the failures' words.
macro_rules! impl_statements {
    ($ty:ty, $recv:ty, $enum:ident, $within:expr, |$x:ident| $exec:expr) => {
        impl $ty {
            /// Runs a statement and returns the number of rows it affected.
            pub(crate) async fn run(
                self: $recv,
                ep: &Endpoint,
                sql: Sql,
                args: Args,
            ) -> Result<u64> {
                let kind = self.kind();
                dispatch!(self, args, $enum, |$x| $exec, |c, a, _row| {
                    Ok(sqlx::query_with(sql.0, a)
                        .execute(c)
                        .await
                        .map_err(|e| ep.statement_error(kind, e, $within))?
                        .rows_affected())
                })
            }

            /// Runs a query and decodes every row with `decode`.
            pub(crate) async fn fetch_all<T, F>(
                self: $recv,
                ep: &Endpoint,
                sql: Sql,
                args: Args,
                decode: F,
            ) -> Result<Vec<T>>
            where
                T: Send + Unpin,
                F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync,
            {
                let kind = self.kind();
                dispatch!(self, args, $enum, |$x| $exec, |c, a, row| {
                    sqlx::query_with(sql.0, a)
                        .try_map(|r| decode(row!(&r)))
                        .fetch_all(c)
                        .await
                        .map_err(|e| ep.statement_error(kind, e, $within))
                })
            }

            /// Runs a query and decodes the first row, if any.
            pub(crate) async fn fetch_optional<T, F>(
                self: $recv,
                ep: &Endpoint,
                sql: Sql,
                args: Args,
                decode: F,
            ) -> Result<Option<T>>
            where
                T: Send + Unpin,
                F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync,
            {
                let kind = self.kind();
                dispatch!(self, args, $enum, |$x| $exec, |c, a, row| {
                    sqlx::query_with(sql.0, a)
                        .try_map(|r| decode(row!(&r)))
                        .fetch_optional(c)
                        .await
                        .map_err(|e| ep.statement_error(kind, e, $within))
                })
            }
        }
    };
}

impl_statements!(Conn, &mut Self, Conn, Within::Pool, |c| &mut **c);
impl_statements!(TxConn, &mut Self, TxConn, Within::Transaction, |t| &mut **t);

impl Pool {
    /// Runs a query and yields its rows as the database sends them.
    pub(crate) fn fetch<'a, T, F>(
        &'a self,
        sql: Sql,
        args: Args,
        decode: F,
    ) -> Result<BoxStream<'a, std::result::Result<T, sqlx::Error>>>
    where
        T: Send + Unpin + 'a,
        F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync + 'a,
    {
        Ok(match (self, args.values) {
            (Pool::Sqlite(p), Values::Sqlite(a)) => sqlx::query_with(sql.0, a)
                .try_map(move |r| decode(RowRef::Sqlite(&r)))
                .fetch(p),
            (Pool::Postgres(p), Values::Postgres(a)) => sqlx::query_with(sql.0, a)
                .try_map(move |r| decode(RowRef::Postgres(&r)))
                .fetch(p),
            (Pool::Mysql(p), Values::Mysql(a)) => sqlx::query_with(sql.0, a)
                .try_map(move |r| decode(RowRef::Mysql(&r)))
                .fetch(p),
            _ => return Err(mismatch()),
        })
    }
}
