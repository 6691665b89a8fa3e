//! Values the database computes when it writes: the column itself plus one,
//! another column, `now()`, `COALESCE`. Used by the `set_expr` of
//! `update_where` and of upserts, so a counter is bumped in one statement
//! instead of read, changed and written.
//! Rendered to SQL by `query/expr.rs`.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use invect_schema::ColumnDef;

use crate::table::Column;
use crate::value::Value;

/// An expression over a row of table `T` whose value has type `V` (the
/// column's type without `Option`). Build it from a column handle
/// (`flow_runs::started_at.into()`), [`ColumnExt::add`](crate::ColumnExt::add),
/// [`ColumnExt::coalesce`](crate::ColumnExt::coalesce), [`now`] or [`SetExpr::value`].
pub struct SetExpr<T, V> {
    pub(crate) node: Ex,
    _types: PhantomData<fn() -> (T, V)>,
}

impl<T, V> std::fmt::Debug for SetExpr<T, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetExpr").finish_non_exhaustive()
    }
}

/// The expression tree; values are always bound, never written into the text.
pub(crate) enum Ex {
    /// A column of the row being written (its stored value).
    Column(&'static ColumnDef),
    /// A bound value.
    Value(Box<dyn Value>),
    /// The database's current time, as the `now` default writes it.
    Now,
    /// The value a conflicting insert proposed for a column (upserts).
    Excluded(&'static ColumnDef),
    Binary(Box<Ex>, &'static str, Box<Ex>),
    Coalesce(Box<Ex>, Box<Ex>),
}

impl<T, V> SetExpr<T, V> {
    pub(crate) fn new(node: Ex) -> Self {
        SetExpr {
            node,
            _types: PhantomData,
        }
    }

    /// A bound value, to combine with other expressions.
    pub fn value(v: V) -> Self
    where
        V: Value + 'static,
    {
        SetExpr::new(Ex::Value(Box::new(v)))
    }
}

impl<T, V: Numeric + Value + 'static> SetExpr<T, V> {
    /// `self + v`.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, v: impl Into<V>) -> Self {
        self.binary("+", v.into())
    }

    /// `self - v`.
    #[allow(clippy::should_implement_trait)]
    pub fn sub(self, v: impl Into<V>) -> Self {
        self.binary("-", v.into())
    }

    fn binary(self, op: &'static str, v: V) -> Self {
        SetExpr::new(Ex::Binary(
            Box::new(self.node),
            op,
            Box::new(Ex::Value(Box::new(v))),
        ))
    }
}

impl<T, V: Value + 'static> SetExpr<T, V> {
    /// `COALESCE(self, v)`: `v` where `self` is NULL.
    pub fn coalesce(self, v: impl Into<V>) -> Self {
        SetExpr::new(Ex::Coalesce(
            Box::new(self.node),
            Box::new(Ex::Value(Box::new(v.into()))),
        ))
    }
}

/// A column's stored value.
impl<C: Column> From<C> for SetExpr<C::Table, C::Param> {
    fn from(_: C) -> Self {
        SetExpr::new(Ex::Column(C::DEF))
    }
}

/// The database's current time (millisecond precision, UTC), for
/// `set_expr(flow_runs::completed_at, now())`.
pub fn now<T>() -> SetExpr<T, DateTime<Utc>> {
    SetExpr::new(Ex::Now)
}

/// Column types `add` and `sub` apply to.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number column type; add and sub apply to i32 and i64"
)]
pub trait Numeric {}
impl Numeric for i32 {}
impl Numeric for i64 {}
