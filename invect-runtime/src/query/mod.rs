//! The typed queries: [`TableExt`]'s methods on every table call these
//! functions, which also work directly on any [`Table`](crate::Table).

mod chunk;
mod copy;
mod expr;
mod methods;
mod project;
mod returning;
mod select;
mod upsert;
mod write;

pub use crate::expr::{Numeric, SetExpr, now};
pub use methods::TableExt;
pub use project::{Columns, Grouped, MinMax, Projected};
pub use returning::delete_returning;
pub use select::{RowStream, Select};
pub use upsert::{Upsert, UpsertMany};
pub use write::{
    UpdateWhere, delete, delete_where, extension_get, extension_set, find, insert, insert_many,
    update,
};

use invect_schema::{ColumnDef, Dialect};

use std::sync::Arc;

use crate::driver::Args;
use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::table::{Node, Table};
use crate::tables::Resolved;
use crate::value::Value;

/// Runs `$body` with `$x` the executor: `$e` itself inside a transaction, or
/// a write transaction of its own, committed when `$body` succeeds.
macro_rules! in_transaction {
    ($e:expr, |$x:ident| $body:expr) => {
        match $e.as_db() {
            Some(db) => {
                let mut tx = db.begin().await?;
                let out = {
                    let $x = &mut &mut tx;
                    $body
                }?;
                tx.commit().await?;
                Ok(out)
            }
            None => {
                let $x = &mut $e;
                $body
            }
        }
    };
}
pub(crate) use in_transaction;

/// Longest `in_list` bound as one parameter per value; longer lists are one
/// JSON array (any length, past every dialect's parameter limit).
pub(crate) const IN_LIST_BINDS: usize = 1_000;

/// Table `T` as executor `e` sees it (under its database's prefix).
pub(crate) fn resolve<T: Table>(e: &impl Executor) -> Arc<Resolved> {
    e.tables().resolve::<T>(e.kind())
}

/// Builds SQL text and its arguments together so placeholders and values
/// can never get out of step. Only schema identifiers go into the text.
pub(crate) struct SqlWriter {
    pub sql: String,
    pub args: Args,
    d: &'static dyn Dialect,
    table: &'static str,
    prefix: Option<std::sync::Arc<str>>,
    n: usize,
}

impl SqlWriter {
    pub fn new(e: &impl crate::Executor, table: &'static str, base: &str) -> Self {
        let d = e.kind().dialect();
        SqlWriter {
            prefix: e.tables().prefix().map(Into::into),
            sql: base.to_string(),
            args: Args::new(d.kind()),
            d,
            table,
            n: 0,
        }
    }

    /// Appends a placeholder for column `col`'s type and binds `v` to it.
    pub fn value(&mut self, col: &ColumnDef, v: &dyn Value) -> Result<()> {
        self.n += 1;
        let ty = match &self.prefix {
            Some(p) => std::borrow::Cow::Owned(col.ty.with_prefix(p)),
            None => std::borrow::Cow::Borrowed(&col.ty),
        };
        self.sql.push_str(&self.d.placeholder(self.n, &ty));
        self.args.push(v).map_err(|source| Error::Bind {
            table: self.table,
            source,
        })
    }

    /// [`value`](Self::value) for a value written to `col`, after checking
    /// that every dialect stores it there.
    pub fn written(&mut self, col: &ColumnDef, v: &dyn Value) -> Result<()> {
        v.check(col).map_err(|source| Error::Bind {
            table: self.table,
            source,
        })?;
        self.value(col, v)
    }

    /// Counts `n` parameters bound outside the writer (a row bound by the
    /// table's own `bind_new`), so the next placeholder's number follows them.
    pub fn bound(&mut self, n: usize) {
        self.n += n;
    }

    /// The number of the next placeholder.
    pub fn next_param(&self) -> usize {
        self.n + 1
    }

    /// Appends a placeholder for a plain integer (LIMIT, OFFSET).
    pub fn int(&mut self, v: i64) -> Result<()> {
        self.n += 1;
        self.sql.push_str(
            &self
                .d
                .placeholder(self.n, &invect_schema::ColumnType::BigInt),
        );
        self.args.push(&v).map_err(|source| Error::Bind {
            table: self.table,
            source,
        })
    }

    pub fn column(&mut self, col: &ColumnDef) {
        let name = self.d.quote(&col.name);
        self.sql.push_str(&name);
    }

    pub fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    pub fn dialect(&self) -> &'static dyn Dialect {
        self.d
    }

    /// Appends ` WHERE <node>` unless the node matches everything.
    pub fn filter(&mut self, node: &Node) -> Result<()> {
        if !matches!(node, Node::All) {
            self.push(" WHERE ");
            self.node(node)?;
        }
        Ok(())
    }

    fn node(&mut self, node: &Node) -> Result<()> {
        match node {
            Node::Cmp { col, op, value } => {
                self.column(col);
                self.push(&format!(" {op} "));
                self.value(col, value.as_ref())?;
            }
            Node::Like { col, pattern } => {
                let subject = self.d.like_subject(&self.d.quote(&col.name));
                self.push(&subject);
                let (op, pattern) = self.d.like(pattern);
                self.push(op);
                self.value(col, &pattern)?;
            }
            Node::Null { col, negated } => {
                self.column(col);
                self.push(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            Node::In { values, .. } if values.is_empty() => self.push("1 = 0"),
            Node::In { col, values } if values.len() > IN_LIST_BINDS => {
                if !self.json_list(col, values)? {
                    self.in_binds(col, values)?;
                }
            }
            Node::In { col, values } => self.in_binds(col, values)?,
            Node::And(a, b) => self.pair(a, " AND ", b)?,
            Node::Or(a, b) => self.pair(a, " OR ", b)?,
            Node::Not(a) => {
                self.push("NOT (");
                self.node(a)?;
                self.push(")");
            }
            Node::All => self.push("1 = 1"),
        }
        Ok(())
    }

    /// `col IN (?, ?, …)`, one parameter per value.
    fn in_binds(&mut self, col: &ColumnDef, values: &[Box<dyn Value>]) -> Result<()> {
        self.column(col);
        self.push(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.value(col, v.as_ref())?;
        }
        self.push(")");
        Ok(())
    }

    /// `col IN (<elements of one bound JSON array>)`; `false` (nothing
    /// written) when the values have no list form (JSON columns).
    fn json_list(&mut self, col: &ColumnDef, values: &[Box<dyn Value>]) -> Result<bool> {
        let d = self.d;
        let Some(elements) = values
            .iter()
            .map(|v| v.list_element(d))
            .collect::<Option<Vec<_>>>()
        else {
            return Ok(false);
        };
        let ty = match &self.prefix {
            Some(p) => col.ty.with_prefix(p),
            None => col.ty.clone(),
        };
        self.n += 1;
        let placeholder = d.placeholder(self.n, &invect_schema::ColumnType::Text);
        self.push(&d.in_json_list(&d.quote(&col.name), &placeholder, &ty));
        let list = crate::value::ListParam(elements);
        self.args.push(&list).map_err(|source| Error::Bind {
            table: self.table,
            source,
        })?;
        Ok(true)
    }

    fn pair(&mut self, a: &Node, op: &str, b: &Node) -> Result<()> {
        self.push("(");
        self.node(a)?;
        self.push(op);
        self.node(b)?;
        self.push(")");
        Ok(())
    }
}

/// A bind error for table `T`.
pub(crate) fn bind_error<T: crate::Table>(source: crate::value::BoxDynError) -> Error {
    Error::Bind {
        table: T::NAME,
        source,
    }
}
