//! The SQL of [`SetExpr`](crate::expr::SetExpr)s: each value bound, each
//! column qualified with its table, the dialect's `now` and `excluded`.

use invect_schema::{ColumnDef, DefaultValue};

use super::SqlWriter;
use crate::error::Result;
use crate::expr::Ex;

impl SqlWriter {
    /// Appends `ex`, the new value of column `target`; columns are qualified
    /// with `table` (quoted), so an upsert's `SET` means the stored row.
    pub(crate) fn expr(&mut self, table: &str, target: &ColumnDef, ex: &Ex) -> Result<()> {
        match ex {
            Ex::Column(c) => {
                self.push(table);
                self.push(".");
                self.column(c);
            }
            Ex::Value(v) => self.written(target, v.as_ref())?,
            Ex::Now => {
                let now = self.dialect().function_default(&DefaultValue::Now);
                self.push(now.as_deref().unwrap_or("CURRENT_TIMESTAMP"));
            }
            Ex::Excluded(c) => {
                let excluded = self.dialect().excluded(&c.name);
                self.push(&excluded);
            }
            Ex::Binary(a, op, b) => {
                self.push("(");
                self.expr(table, target, a)?;
                self.push(&format!(" {op} "));
                self.expr(table, target, b)?;
                self.push(")");
            }
            Ex::Coalesce(a, b) => {
                self.push("COALESCE(");
                self.expr(table, target, a)?;
                self.push(", ");
                self.expr(table, target, b)?;
                self.push(")");
            }
        }
        Ok(())
    }

    /// Appends `"c" = <ex>, …`: the assignments of an `UPDATE` or upsert.
    pub(crate) fn assignments(&mut self, table: &str, sets: &[Assignment]) -> Result<()> {
        for (i, (col, ex)) in sets.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.column(col);
            self.push(" = ");
            self.expr(table, col, ex)?;
        }
        Ok(())
    }
}

/// One `SET` of a column to an expression.
pub(crate) type Assignment = (&'static ColumnDef, Ex);

/// `set` and `set_expr` of a builder whose assignments are `self.$($field).+`
/// (an `UPDATE`'s, or an upsert's update on a conflict): written once.
macro_rules! assignment_methods {
    ($($field:ident).+) => {
        /// Sets column `c` to `v` (`None` for NULL on a nullable column).
        pub fn set<C: Column<Table = T>>(mut self, _c: C, v: impl Into<C::Value>) -> Self {
            self.$($field).+.push((C::DEF, Ex::Value(Box::new(v.into()))));
            self
        }

        /// Sets column `c` to an expression the database computes from the
        /// row as it is when written, so concurrent updates never lose one
        /// another: `set_expr(node_executions::retry_count, node_executions::retry_count.add(1))`.
        pub fn set_expr<C: Column<Table = T>>(
            mut self,
            _c: C,
            e: impl Into<SetExpr<T, C::Param>>,
        ) -> Self {
            self.$($field).+.push((C::DEF, e.into().node));
            self
        }
    };
}
pub(crate) use assignment_methods;
