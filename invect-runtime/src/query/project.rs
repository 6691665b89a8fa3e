//! Reading less than whole rows: a subset of columns as a typed tuple,
//! counts grouped by columns, and `MAX` / `MIN` / `SUM` of a column.

use invect_schema::ColumnDef;

use super::select::Select;
use super::{SqlWriter, resolve};
use crate::driver::RowRef;
use crate::error::Result;
use crate::executor::Executor;
use crate::expr::Numeric;
use crate::table::{Column, Table};
use crate::value::Value;

/// One column handle or a tuple of up to six, all of table `T`: what
/// [`Select::columns`] reads and [`Select::group_by`] groups by.
pub trait Columns<T>: Send {
    /// The decoded values: the column's type, or a tuple of them.
    type Output: Send + Unpin;
    /// The columns, in order.
    fn defs(&self) -> Vec<&'static ColumnDef>;
    /// Decodes the columns from the start of `row`.
    fn decode(row: RowRef<'_>) -> Result<Self::Output, sqlx::Error>;
}

impl<C: Column> Columns<C::Table> for C
where
    C::Value: Unpin,
{
    type Output = C::Value;
    fn defs(&self) -> Vec<&'static ColumnDef> {
        vec![C::DEF]
    }
    fn decode(row: RowRef<'_>) -> Result<C::Value, sqlx::Error> {
        row.get(0)
    }
}

/// `Columns` for a tuple of column handles of one table.
macro_rules! tuple_columns {
    ($($c:ident $i:tt),+) => {
        impl<T: Table, $($c: Column<Table = T>),+> Columns<T> for ($($c,)+)
        where
            $($c::Value: Unpin,)+
        {
            type Output = ($($c::Value,)+);
            fn defs(&self) -> Vec<&'static ColumnDef> {
                vec![$($c::DEF),+]
            }
            fn decode(row: RowRef<'_>) -> Result<Self::Output, sqlx::Error> {
                Ok(($(row.get::<$c::Value>($i)?,)+))
            }
        }
    };
}
tuple_columns!(A 0);
tuple_columns!(A 0, B 1);
tuple_columns!(A 0, B 1, C 2);
tuple_columns!(A 0, B 1, C 2, D 3);
tuple_columns!(A 0, B 1, C 2, D 3, E 4);
tuple_columns!(A 0, B 1, C 2, D 3, E 4, F 5);

/// Column types `max` and `min` apply to: ordered alike on every dialect and
/// with an aggregate on each (PostgreSQL has no `MAX` of a UUID or boolean).
#[diagnostic::on_unimplemented(message = "`{Self}` columns have no max/min on every dialect")]
pub trait MinMax {}
impl MinMax for String {}
impl MinMax for i32 {}
impl MinMax for i64 {}
impl MinMax for chrono::DateTime<chrono::Utc> {}

/// `"a", "b"` of `defs`.
fn column_list(w: &SqlWriter, defs: &[&ColumnDef]) -> String {
    let d = w.dialect();
    defs.iter()
        .map(|c| d.quote(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A [`Select`] of some columns only: `select().columns((a, b)).all(&db)`.
#[must_use = "a query does nothing until `.all()` or `.one()` runs it"]
pub struct Projected<T, P> {
    select: Select<T>,
    columns: P,
}

impl<T, P> std::fmt::Debug for Projected<T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Projected").finish_non_exhaustive()
    }
}

impl<T: Table, P: Columns<T>> Projected<T, P> {
    fn base(&self, e: &impl Executor) -> String {
        let d = e.kind().dialect();
        let cols: Vec<String> = self
            .columns
            .defs()
            .iter()
            .map(|c| d.quote(&c.name))
            .collect();
        format!(
            "SELECT {} FROM {}",
            cols.join(", "),
            d.quote(&resolve::<T>(e).def.name)
        )
    }

    /// The chosen columns of every matching row.
    pub async fn all(self, mut e: impl Executor) -> Result<Vec<P::Output>> {
        let w = self.select.render(&e, &self.base(&e), None)?;
        e.fetch_all(w.sql.into(), w.args, P::decode).await
    }

    /// The chosen columns of the first matching row, if any.
    pub async fn one(self, mut e: impl Executor) -> Result<Option<P::Output>> {
        let w = self.select.render(&e, &self.base(&e), Some(1))?;
        e.fetch_optional(w.sql.into(), w.args, P::decode).await
    }
}

/// Matching rows grouped by some columns: `select().group_by(status).count(&db)`.
#[must_use = "a query does nothing until `.count()` runs it"]
pub struct Grouped<T, P> {
    select: Select<T>,
    columns: P,
}

impl<T, P> std::fmt::Debug for Grouped<T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grouped").finish_non_exhaustive()
    }
}

impl<T: Table, P: Columns<T>> Grouped<T, P> {
    /// Each group's values and how many matching rows it has, in no
    /// particular order; groups without rows are absent.
    pub async fn count(self, mut e: impl Executor) -> Result<Vec<(P::Output, i64)>> {
        let d = e.kind().dialect();
        let defs = self.columns.defs();
        let table = d.quote(&resolve::<T>(&e).def.name);
        let mut w = SqlWriter::new(&e, T::NAME, "");
        let cols = column_list(&w, &defs);
        w.push(&format!("SELECT {cols}, COUNT(*) FROM {table}"));
        w.filter(self.select.filter_node())?;
        w.push(&format!(" GROUP BY {cols}"));
        let n = defs.len();
        e.fetch_all(w.sql.into(), w.args, move |r: RowRef<'_>| {
            Ok((P::decode(r)?, r.get::<i64>(n)?))
        })
        .await
    }
}

impl<T: Table> Select<T> {
    /// Reads only `columns` (a column handle or a tuple of them), decoded
    /// to their declared types, with this query's filter, order and limit.
    pub fn columns<P: Columns<T>>(self, columns: P) -> Projected<T, P> {
        Projected {
            select: self,
            columns,
        }
    }

    /// Groups the matching rows by `columns` (ordering and limit ignored).
    pub fn group_by<P: Columns<T>>(self, columns: P) -> Grouped<T, P> {
        Grouped {
            select: self,
            columns,
        }
    }

    /// The largest value of column `c` among the matching rows; `None`
    /// when no row matches or every value is NULL.
    pub async fn max<C>(self, c: C, e: impl Executor) -> Result<Option<C::Param>>
    where
        C: Column<Table = T>,
        C::Param: MinMax,
        Option<C::Param>: Value + Unpin,
    {
        self.aggregate::<C, Option<C::Param>>(c, "MAX", e).await
    }

    /// The smallest value of column `c` among the matching rows.
    pub async fn min<C>(self, c: C, e: impl Executor) -> Result<Option<C::Param>>
    where
        C: Column<Table = T>,
        C::Param: MinMax,
        Option<C::Param>: Value + Unpin,
    {
        self.aggregate::<C, Option<C::Param>>(c, "MIN", e).await
    }

    /// The sum of column `c` over the matching rows, as an `i64` (0 when no
    /// row matches).
    pub async fn sum<C>(self, c: C, e: impl Executor) -> Result<i64>
    where
        C: Column<Table = T>,
        C::Param: Numeric,
    {
        let sum = self.aggregate::<C, Option<i64>>(c, "SUM", e).await?;
        Ok(sum.unwrap_or(0))
    }

    /// `SELECT <function>(c) FROM t WHERE …`, decoded as `V`.
    async fn aggregate<C: Column<Table = T>, V: Value + Unpin + 'static>(
        self,
        _c: C,
        function: &str,
        mut e: impl Executor,
    ) -> Result<V> {
        let d = e.kind().dialect();
        let table = d.quote(&resolve::<T>(&e).def.name);
        let call = format!("{function}({})", d.quote(&C::DEF.name));
        let call = if function == "SUM" {
            d.bigint(&call)
        } else {
            call
        };
        let mut w = SqlWriter::new(&e, T::NAME, &format!("SELECT {call} FROM {table}"));
        w.filter(self.filter_node())?;
        let row = e
            .fetch_optional(w.sql.into(), w.args, |r: RowRef<'_>| r.get::<V>(0))
            .await?;
        row.ok_or(crate::Error::NotFound { table: T::NAME })
    }
}
