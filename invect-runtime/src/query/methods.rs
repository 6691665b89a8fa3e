//! [`TableExt`]: the typed queries of every table (`Flow::select()`,
//! `Flow::insert(..)`, …) as one generic trait, so `#[invect_table]` generates
//! no per-table methods (issue 16: the macro's build cost).

use std::future::Future;

use crate::error::Result;
use crate::executor::Executor;
use crate::table::{Expr, Table};

use super::{Select, UpdateWhere, Upsert, UpsertMany};

/// The typed queries of every [`Table`], in the prelude:
/// `use invect_runtime::prelude::*;` and then `Flow::find(&db, id)`.
pub trait TableExt: Table {
    /// Starts a query over this table's rows.
    fn select() -> Select<Self> {
        Select::default()
    }

    /// Inserts a row and returns it as stored (database defaults filled in).
    fn insert(db: impl Executor, new: Self::New) -> impl Future<Output = Result<Self>> + Send {
        super::insert::<Self>(db, new)
    }

    /// Inserts many rows in chunked multi-row INSERTs (binary `COPY` on
    /// PostgreSQL), in one transaction, binding each chunk while the
    /// database takes the one before; returns how many.
    fn insert_many(
        db: impl Executor,
        rows: impl IntoIterator<Item = Self::New, IntoIter: Send> + Send,
    ) -> impl Future<Output = Result<u64>> + Send {
        super::insert_many::<Self>(db, rows)
    }

    /// The row with this primary key, if any.
    fn find(
        db: impl Executor,
        key: impl Into<Self::Key>,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        let key = key.into();
        async move { super::find::<Self>(db, &key).await }
    }

    /// Writes every column of `row` by its primary key; returns the rows matched.
    fn update(db: impl Executor, row: &Self) -> impl Future<Output = Result<u64>> + Send {
        super::update::<Self>(db, row)
    }

    /// A partial update of the rows matching `filter`.
    fn update_where(filter: Expr<Self>) -> UpdateWhere<Self> {
        UpdateWhere::new(filter)
    }

    /// Deletes the row with this primary key; returns the rows deleted.
    fn delete(
        db: impl Executor,
        key: impl Into<Self::Key>,
    ) -> impl Future<Output = Result<u64>> + Send {
        let key = key.into();
        async move { super::delete::<Self>(db, &key).await }
    }

    /// Deletes the rows matching `filter`; returns how many.
    fn delete_where(
        db: impl Executor,
        filter: Expr<Self>,
    ) -> impl Future<Output = Result<u64>> + Send {
        super::delete_where::<Self>(db, filter)
    }

    /// Deletes the rows matching `filter` and returns them as they were.
    fn delete_returning(
        db: impl Executor,
        filter: Expr<Self>,
    ) -> impl Future<Output = Result<Vec<Self>>> + Send {
        super::delete_returning::<Self>(db, filter)
    }

    /// Inserts `new`, or on a conflict with its key updates the stored row.
    fn upsert(new: Self::New) -> Upsert<Self> {
        Upsert::new(new)
    }

    /// [`upsert`](Self::upsert) for many rows, in chunked multi-row statements.
    fn upsert_many<I: IntoIterator<Item = Self::New>>(rows: I) -> UpsertMany<Self, I> {
        UpsertMany::new(rows)
    }
}

impl<T: Table> TableExt for T {}
