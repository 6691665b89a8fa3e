//! `T::select().filter(..).order_by(..).limit(..).offset(..).all(&db)`.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{SqlWriter, resolve};
use crate::db::Db;
use crate::driver::RowRef;
use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::table::{Expr, Node, Order, Table};
use futures_core::Stream;
use futures_core::stream::BoxStream;
use invect_schema::LockWait;

/// A query over table `T`'s rows, run by `all`, `one` or `count`.
#[must_use = "a query does nothing until `.all()`, `.one()` or `.count()` runs it"]
pub struct Select<T> {
    filter: Node,
    order: Vec<(&'static invect_schema::ColumnDef, bool)>,
    limit: Option<u64>,
    offset: Option<u64>,
    lock: Option<LockWait>,
    _table: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Select<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Select")
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

impl<T: Table> Default for Select<T> {
    fn default() -> Self {
        Select {
            filter: Node::All,
            order: Vec::new(),
            limit: None,
            offset: None,
            lock: None,
            _table: PhantomData,
        }
    }
}

impl<T: Table> Select<T> {
    /// Keeps rows matching `e` (and any earlier filter).
    pub fn filter(mut self, e: Expr<T>) -> Self {
        self.filter = match std::mem::replace(&mut self.filter, Node::All) {
            Node::All => e.node,
            prev => Node::And(Box::new(prev), Box::new(e.node)),
        };
        self
    }

    /// Sorts by `o`, after any earlier sort key.
    pub fn order_by(mut self, o: Order<T>) -> Self {
        self.order.push((o.col, o.desc));
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    /// Locks the selected rows until the transaction ends (`FOR UPDATE`), so
    /// no other transaction changes or locks them meanwhile. Only inside a
    /// transaction. On SQLite there are no row locks and none is needed: a
    /// write transaction ([`Db::begin`]) holds the whole database.
    pub fn for_update(mut self) -> Self {
        self.lock = Some(LockWait::Wait);
        self
    }

    /// [`for_update`](Self::for_update) that leaves out rows another
    /// transaction has locked (`SKIP LOCKED`), so workers claiming from one
    /// queue never wait for one another. PostgreSQL, MySQL 8, MariaDB 10.6+.
    pub fn skip_locked(mut self) -> Self {
        self.lock = Some(LockWait::SkipLocked);
        self
    }

    /// [`for_update`](Self::for_update) that fails at once instead of
    /// waiting when a row is locked by another transaction (`NOWAIT`).
    pub fn no_wait(mut self) -> Self {
        self.lock = Some(LockWait::NoWait);
        self
    }

    /// Every matching row.
    pub async fn all(self, mut e: impl Executor) -> Result<Vec<T>> {
        let w = self.render(&e, &resolve::<T>(&e).statements.select, None)?;
        e.fetch_all(w.sql.into(), w.args, T::decode).await
    }

    /// Every matching row as a [`Stream`], each decoded as the database sends
    /// it, so memory stays flat however many rows match. The query starts on
    /// the first poll and holds one pooled connection until the stream ends or
    /// is dropped. Only on `&Db`: inside a transaction, use [`Select::all`].
    ///
    /// ```no_run
    /// use invect_runtime::prelude::*;
    /// use invect_runtime::core::{NodeExecution, node_executions};
    ///
    /// # async fn demo(db: &Db) -> invect_runtime::Result<()> {
    /// let mut rows = NodeExecution::select()
    ///     .filter(node_executions::node_type.eq("llm"))
    ///     .stream(db);
    /// let mut retries = 0;
    /// while let Some(row) = rows.next().await {
    ///     retries += row?.retry_count;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self, db: &Db) -> RowStream<'_, T> {
        match self.render(&db, &resolve::<T>(&db).statements.select, None) {
            Ok(w) => RowStream::open(db, w),
            Err(e) => RowStream::failed(e),
        }
    }

    /// The first matching row, if any.
    pub async fn one(self, mut e: impl Executor) -> Result<Option<T>> {
        let w = self.render(&e, &resolve::<T>(&e).statements.select, Some(1))?;
        e.fetch_optional(w.sql.into(), w.args, T::decode).await
    }

    /// How many rows match the filter (ordering, limit and offset ignored).
    pub async fn count(self, mut e: impl Executor) -> Result<u64> {
        let mut w = SqlWriter::new(&e, T::NAME, &resolve::<T>(&e).statements.count);
        w.filter(&self.filter)?;
        let n = e
            .fetch_optional(w.sql.into(), w.args, |r: RowRef<'_>| r.get::<i64>(0))
            .await?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    /// The filter of every condition given so far.
    pub(crate) fn filter_node(&self) -> &Node {
        &self.filter
    }

    /// `base` (a `SELECT … FROM t`) with the filter, order, limit and lock.
    pub(crate) fn render(
        &self,
        e: &impl Executor,
        base: &str,
        limit_override: Option<u64>,
    ) -> Result<SqlWriter> {
        if self.lock.is_some() && e.as_db().is_some() {
            return Err(Error::InvalidQuery(format!(
                "a row lock on `{}` outside a transaction would end with its statement; \
                 run the query on a transaction (`let mut tx = db.begin().await?; … .all(&mut tx)`)",
                T::NAME
            )));
        }
        let mut w = SqlWriter::new(e, T::NAME, base);
        w.filter(&self.filter)?;
        for (i, (col, desc)) in self.order.iter().enumerate() {
            w.push(if i == 0 { " ORDER BY " } else { ", " });
            w.column(col);
            w.push(if *desc { " DESC" } else { " ASC" });
            let nulls = w.dialect().nulls_order(*desc);
            w.push(nulls);
        }
        let limit = match (self.limit, limit_override) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (limit, self.offset) {
            (None, None) => {}
            (Some(n), _) => {
                w.push(" LIMIT ");
                w.int(clamp(n))?;
            }
            (None, Some(_)) => {
                let unlimited = w.dialect().unlimited();
                w.push(&format!(" LIMIT {unlimited}"));
            }
        }
        if let Some(n) = self.offset {
            w.push(" OFFSET ");
            w.int(clamp(n))?;
        }
        if let Some(wait) = self.lock {
            let clause = w.dialect().lock_clause(wait);
            w.push(clause);
        }
        Ok(w)
    }
}

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The rows of [`Select::stream`]: a [`Stream`] of `Result<T>`, also
/// readable without any stream library through [`RowStream::next`].
#[must_use = "a stream does nothing until it is polled"]
pub struct RowStream<'a, T> {
    rows: Option<BoxStream<'a, std::result::Result<T, sqlx::Error>>>,
    /// An error found before the query ran, yielded first.
    error: Option<Error>,
}

impl<T> std::fmt::Debug for RowStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream")
            .field("done", &self.rows.is_none())
            .finish_non_exhaustive()
    }
}

impl<'a, T: Table> RowStream<'a, T> {
    fn open(db: &'a Db, w: SqlWriter) -> Self {
        let rows = match db.pool.fetch(w.sql.into(), w.args, |r| T::decode(r)) {
            Ok(rows) => rows,
            Err(e) => return Self::failed(e),
        };
        RowStream {
            rows: Some(rows),
            error: None,
        }
    }

    fn failed(e: Error) -> Self {
        RowStream {
            rows: None,
            error: Some(e),
        }
    }

    /// The next row; `None` once every row has been read (or after an error).
    pub async fn next(&mut self) -> Option<Result<T>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T> Stream for RowStream<'_, T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = self.get_mut();
        if let Some(e) = this.error.take() {
            return Poll::Ready(Some(Err(e)));
        }
        let Some(rows) = this.rows.as_mut() else {
            return Poll::Ready(None);
        };
        match rows.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(row))) => Poll::Ready(Some(Ok(row))),
            Poll::Ready(Some(Err(e))) => {
                // Stop after the first error, like `all` does.
                this.rows = None;
                Poll::Ready(Some(Err(e.into())))
            }
            Poll::Ready(None) => {
                this.rows = None;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.rows {
            Some(rows) => rows.size_hint(),
            None => {
                let n = usize::from(self.error.is_some());
                (n, Some(n))
            }
        }
    }
}
