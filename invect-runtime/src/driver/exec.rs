//! Statements on sqlx's per-dialect types: bound arguments, result rows, and
//! the mechanical dispatch of one statement to the pooled connection or
//! transaction of the dialect at hand, its failure worded by the
//! [`Endpoint`]. No behaviour differs here; that is the [`Driver`](super::Driver)'s.

use std::sync::Arc;

use futures_core::stream::BoxStream;
use invect_schema::{ColumnDef, DialectKind};
use sqlx::mysql::{MySqlArguments, MySqlRow};
use sqlx::postgres::{PgArguments, PgCopyIn, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

use super::conn::Conn;
use super::driver;
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
    bytes: Option<usize>,
    rows: Option<RowNulls>,
}

/// For arguments that are whole rows: the next field's column, and which
/// columns got a NULL in some row (so an insert knows where it needs the
/// `COALESCE` that gives a default).
#[derive(Debug)]
struct RowNulls {
    field: usize,
    nulls: Vec<bool>,
}

impl RowNulls {
    fn new(columns: usize) -> RowNulls {
        RowNulls {
            field: 0,
            nulls: vec![false; columns.max(1)],
        }
    }

    fn push(&mut self, null: bool) {
        self.nulls[self.field] |= null;
        self.field = (self.field + 1) % self.nulls.len();
    }
}

/// sqlx's arguments of each dialect, or rows for PostgreSQL's binary `COPY`.
#[derive(Debug)]
enum Values {
    Sqlite(SqliteArguments),
    Postgres(PgArguments),
    Mysql(MySqlArguments),
    PgCopy(CopyRows),
}

/// The data of a binary `COPY ... FROM STDIN` being written field by field.
#[derive(Debug)]
struct CopyRows {
    data: Vec<u8>,
    columns: usize,
}

/// The binary `COPY` signature, then flags and header extension (none).
const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The binary `COPY` trailer: a row of -1 fields.
const COPY_TRAILER: &[u8] = &(-1_i16).to_be_bytes();

impl Args {
    /// Empty arguments for `kind`.
    pub fn new(kind: DialectKind) -> Args {
        let values = match kind {
            DialectKind::Sqlite => Values::Sqlite(SqliteArguments::default()),
            DialectKind::Postgres => Values::Postgres(PgArguments::default()),
            DialectKind::Mysql => Values::Mysql(MySqlArguments::default()),
        };
        // Only a dialect with a statement size limit needs the count, and
        // counting costs (a JSON value is printed once more to measure it).
        let measured = driver(kind).packet_limit_query().is_some();
        Args {
            values,
            bytes: measured.then_some(0),
            rows: None,
        }
    }

    /// Empty arguments for `kind` that will hold whole rows of `columns`
    /// values each, noting which columns are NULL in some row ([`Args::null_in`]).
    pub(crate) fn for_rows(kind: DialectKind, columns: usize) -> Args {
        Args {
            rows: Some(RowNulls::new(columns)),
            ..Args::new(kind)
        }
    }

    /// Rows of `columns` fields each for a PostgreSQL binary `COPY`, written
    /// into `data` (emptied first, its capacity kept); start each row with
    /// [`Args::start_row`], then push its fields in column order, and take
    /// the bytes back with [`Args::into_copy_data`] for [`CopyIn::send`].
    pub(crate) fn copy_rows(columns: usize, mut data: Vec<u8>) -> Args {
        data.clear();
        Args {
            values: Values::PgCopy(CopyRows { data, columns }),
            bytes: None,
            rows: Some(RowNulls::new(columns)),
        }
    }

    /// The `COPY` rows written so far (empty for statement arguments).
    pub(crate) fn into_copy_data(self) -> Vec<u8> {
        match self.values {
            Values::PgCopy(rows) => rows.data,
            _ => Vec::new(),
        }
    }

    /// Starts the next row of a `COPY` (nothing for statement arguments).
    pub(crate) fn start_row(&mut self) {
        if let Values::PgCopy(rows) = &mut self.values {
            let n = i16::try_from(rows.columns).unwrap_or(i16::MAX);
            rows.data.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// Whether column `i` was NULL in some row so far (arguments made by
    /// [`Args::for_rows`] or [`Args::copy_rows`]; `true` for others, which
    /// do not keep count).
    pub(crate) fn null_in(&self, i: usize) -> bool {
        self.rows
            .as_ref()
            .is_none_or(|r| r.nulls.get(i).copied().unwrap_or(true))
    }

    /// Binds the next parameter, a value written to column `col`, after
    /// checking that every dialect stores it there ([`CheckValue`](crate::value::CheckValue)).
    pub fn push_column<V: Value + ?Sized>(&mut self, v: &V, col: &ColumnDef) -> BindResult {
        v.check(col)?;
        self.push(v)
    }

    /// Binds the next parameter.
    pub fn push<V: Value + ?Sized>(&mut self, v: &V) -> BindResult {
        if let Some(rows) = &mut self.rows {
            rows.push(v.is_null());
        }
        let measured = match &mut self.values {
            Values::Sqlite(a) => v.bind_sqlite(a).map(|()| None),
            Values::Postgres(a) => v.bind_pg(a).map(|()| None),
            Values::Mysql(a) => v.bind_mysql_sized(a, &|| v.wire_len()).map(Some),
            Values::PgCopy(rows) => v.copy_pg(&mut rows.data).map(|()| None),
        }?;
        if let Some(bytes) = &mut self.bytes {
            *bytes += measured.unwrap_or_else(|| v.wire_len());
        }
        Ok(())
    }

    /// About how many bytes the bound values take on the wire, where the
    /// dialect has a statement size limit to check it against (0 elsewhere).
    pub fn bytes(&self) -> usize {
        self.bytes.unwrap_or(0)
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

/// A binary `COPY ... FROM STDIN` under way on a transaction's connection:
/// the caller sends rows a part at a time (writing the next part while the
/// server takes the one before), then finishes or aborts it.
pub(crate) struct CopyIn<'c> {
    copy: PgCopyIn<&'c mut sqlx::PgConnection>,
    ep: &'c Endpoint,
}

impl TxConn {
    /// Starts `sql`, a `COPY ... FROM STDIN (FORMAT binary)`, and sends the
    /// binary header.
    pub(crate) async fn copy_in<'c>(
        &'c mut self,
        ep: &'c Endpoint,
        sql: &str,
    ) -> Result<CopyIn<'c>> {
        let TxConn::Postgres(t) = self else {
            return Err(mismatch());
        };
        let c: &mut sqlx::PgConnection = t;
        let copy = c
            .copy_in_raw(sql)
            .await
            .map_err(|e| ep.statement_error(DialectKind::Postgres, e, Within::Transaction))?;
        let mut copy = CopyIn { copy, ep };
        copy.send(COPY_HEADER).await?;
        Ok(copy)
    }
}

impl CopyIn<'_> {
    /// Sends `data`, whole rows written by [`Args::copy_rows`]; after a
    /// failure, [`CopyIn::abort`] it.
    pub(crate) async fn send(&mut self, data: &[u8]) -> Result<()> {
        match self.copy.send(data).await {
            Ok(_) => Ok(()),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Ends the `COPY`; returns the number of rows copied.
    pub(crate) async fn finish(mut self) -> Result<u64> {
        self.send(COPY_TRAILER).await?;
        let ep = self.ep;
        (self.copy.finish().await)
            .map_err(|e| ep.statement_error(DialectKind::Postgres, e, Within::Transaction))
    }

    /// Ends the `COPY` without keeping anything of it (the server answers
    /// with an error, which is the expected answer, not a new failure).
    pub(crate) async fn abort(self, why: &str) {
        let _ = self.copy.abort(why).await;
    }

    fn failed(&self, e: sqlx::Error) -> Error {
        self.ep
            .statement_error(DialectKind::Postgres, e, Within::Transaction)
    }
}
