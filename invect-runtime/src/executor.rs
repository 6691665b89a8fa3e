//! Running statements on a [`Db`] or a [`Tx`] alike.

use std::future::Future;

use invect_schema::DialectKind;

use crate::db::{Db, Tx};
use crate::driver::driver;
use crate::driver::{Args, RowRef, Sql};
use crate::error::{Error, Result};
use crate::tables::Tables;

/// Something statements run on: `&Db` (a pooled connection per statement) or
/// `&mut Tx` (the transaction's connection).
pub trait Executor: Send {
    /// The dialect of the database behind this executor.
    fn kind(&self) -> DialectKind;

    /// The pool, when not inside a transaction.
    fn as_db(&self) -> Option<&Db>;

    /// The database's table prefix and the tables resolved under it.
    #[doc(hidden)]
    fn tables(&self) -> &Tables;

    /// Runs a statement and returns the number of rows it affected.
    fn execute(&mut self, sql: Sql, args: Args) -> impl Future<Output = Result<u64>> + Send;

    /// The transaction, when inside one (for statements driven step by
    /// step, such as a `COPY`).
    #[doc(hidden)]
    fn as_tx(&mut self) -> Option<&mut Tx>;

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

/// Statements whose values are smaller than this are never near a server's
/// size limit (MySQL's `max_allowed_packet` is at least 1 MiB by default).
const LARGE_STATEMENT: usize = 1 << 20;

/// Returns [`Error::TooLarge`] from the enclosing function when `$sql` with
/// `$args` is over the server's statement size limit, which is read from the
/// server at the first large statement (MySQL drops the connection instead
/// of answering such a statement with an error).
macro_rules! refuse_oversized {
    ($s:ident, $conn:expr, $sql:expr, $args:expr) => {
        let bytes = $args.bytes() + $sql.as_str().len();
        if bytes > LARGE_STATEMENT {
            let kind = Executor::kind(&*$s);
            let limit = match ($s.tables.packet_limit(), driver(kind).packet_limit_query()) {
                (Some(limit), _) => Some(limit),
                (None, Some(query)) => {
                    let endpoint = &$s.endpoint;
                    let read = $conn
                        .fetch_optional(endpoint, query.into(), Args::new(kind), |r| {
                            r.get::<i64>(0)
                        })
                        .await?;
                    let limit = read.unwrap_or(i64::MAX);
                    $s.tables.set_packet_limit(limit);
                    Some(limit)
                }
                (None, None) => None,
            };
            if let Some(limit) = limit.filter(|l| bytes as i64 > *l) {
                return Err(Error::TooLarge { bytes, limit });
            }
        }
    };
}

/// Implements [`Executor`] for `&Db` or `&mut Tx`, `$conn` reaching the
/// pooled or transaction connection the driver runs statements on (`&Db`
/// takes one from the pool per statement, failures in words); `$db` and
/// `$tx` give the handle itself as a `Db` or a `Tx` where it is one.
macro_rules! impl_executor {
    ($ty:ty, $base:ident, |$s:ident| $conn:expr, $db:expr, $tx:expr) => {
        impl Executor for $ty {
            fn kind(&self) -> DialectKind {
                $base::kind(self)
            }

            #[allow(unused_variables)]
            fn as_db(&self) -> Option<&Db> {
                let $s = self;
                $db
            }

            fn tables(&self) -> &Tables {
                &self.tables
            }

            async fn execute(&mut self, sql: Sql, args: Args) -> Result<u64> {
                let $s = self;
                refuse_oversized!($s, $conn, sql, args);
                $conn.run(&$s.endpoint, sql, args).await
            }

            #[allow(unused_variables)]
            fn as_tx(&mut self) -> Option<&mut Tx> {
                let $s = self;
                $tx
            }

            async fn fetch_all<T, F>(&mut self, sql: Sql, args: Args, decode: F) -> Result<Vec<T>>
            where
                T: Send + Unpin,
                F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync,
            {
                let $s = self;
                refuse_oversized!($s, $conn, sql, args);
                $conn.fetch_all(&$s.endpoint, sql, args, decode).await
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
                refuse_oversized!($s, $conn, sql, args);
                $conn.fetch_optional(&$s.endpoint, sql, args, decode).await
            }
        }
    };
}

impl_executor!(&Db, Db, |s| s.acquire().await?, Some(*s), None);
impl_executor!(&mut Tx, Tx, |s| s.conn, None, Some(&mut **s));
