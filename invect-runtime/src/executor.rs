//! Running statements on a [`Db`] or a [`Tx`] alike.

use std::future::Future;

use invect_schema::DialectKind;

use crate::db::{Db, Tx};
use crate::driver::{Args, RowRef, Sql};
use crate::error::Result;
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

/// Implements [`Executor`] for `&Db` or `&mut Tx`, `$conn` reaching the
/// pooled or transaction connection the driver runs statements on (`&Db`
/// takes one from the pool per statement, failures in words).
macro_rules! impl_executor {
    ($ty:ty, $base:ident, |$s:ident| $conn:expr, $db:expr) => {
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
                $conn.run(&$s.endpoint, sql, args).await
            }

            async fn fetch_all<T, F>(&mut self, sql: Sql, args: Args, decode: F) -> Result<Vec<T>>
            where
                T: Send + Unpin,
                F: Fn(RowRef<'_>) -> Result<T, sqlx::Error> + Send + Sync,
            {
                let $s = self;
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
                $conn.fetch_optional(&$s.endpoint, sql, args, decode).await
            }
        }
    };
}

impl_executor!(&Db, Db, |s| s.acquire().await?, Some(*s));
impl_executor!(&mut Tx, Tx, |s| s.conn, None);
