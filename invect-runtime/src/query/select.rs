//! `T::select().filter(..).order_by(..).limit(..).offset(..).all(&db)`.

use std::marker::PhantomData;

use super::SqlWriter;
use crate::error::Result;
use crate::executor::{Executor, RowRef};
use crate::table::{Expr, Node, Order, Table};

/// A query over table `T`'s rows, run by `all`, `one` or `count`.
#[must_use = "a query does nothing until `.all()`, `.one()` or `.count()` runs it"]
pub struct Select<T> {
    filter: Node,
    order: Vec<(&'static invect_schema::ColumnDef, bool)>,
    limit: Option<u64>,
    offset: Option<u64>,
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

    /// Every matching row.
    pub async fn all(self, mut e: impl Executor) -> Result<Vec<T>> {
        let w = self.render(&e, None)?;
        e.fetch_all(w.sql.into(), w.args, T::decode).await
    }

    /// The first matching row, if any.
    pub async fn one(self, mut e: impl Executor) -> Result<Option<T>> {
        let w = self.render(&e, Some(1))?;
        e.fetch_optional(w.sql.into(), w.args, T::decode).await
    }

    /// How many rows match the filter (ordering, limit and offset ignored).
    pub async fn count(self, mut e: impl Executor) -> Result<u64> {
        let mut w = SqlWriter::new(
            &e,
            T::NAME,
            crate::prefix::resolve::<T>(&e).statements.count,
        );
        w.filter(&self.filter)?;
        let n = e
            .fetch_optional(w.sql.into(), w.args, |r: RowRef<'_>| r.get::<i64>(0))
            .await?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    fn render(&self, e: &impl Executor, limit_override: Option<u64>) -> Result<SqlWriter> {
        let mut w = SqlWriter::new(e, T::NAME, crate::prefix::resolve::<T>(e).statements.select);
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
        Ok(w)
    }
}

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
