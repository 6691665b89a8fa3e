//! Updates and deletes that return the rows they changed: `RETURNING` where
//! the dialect has it; on MySQL the same result inside one transaction (lock
//! the matching rows, change them by primary key, read them back).

use invect_schema::LockWait;
use invect_schema::statements::{key_columns, key_condition};

use super::write::UpdateWhere;
use super::{SqlWriter, bind_error, in_transaction, resolve};
use crate::driver::driver;
use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::table::{Expr, Node, Table};

/// Deletes the rows matching `filter` and returns them as they were.
pub async fn delete_returning<T: Table>(mut e: impl Executor, filter: Expr<T>) -> Result<Vec<T>> {
    let t = resolve::<T>(&e);
    let d = e.kind().dialect();
    let head = format!("DELETE FROM {}", d.quote(&t.def.name));
    let out: Result<Vec<T>> = if d.has_returning() {
        let mut w = SqlWriter::new(&e, T::NAME, &head);
        w.filter(&filter.node)?;
        w.push(&format!(" RETURNING {}", t.statements.columns));
        e.fetch_all(w.sql.into(), w.args, T::decode).await
    } else {
        in_transaction!(e, |x| {
            let rows = locked_rows::<T>(x, &filter.node).await?;
            let keys: Vec<T::Key> = rows.iter().map(T::key).collect();
            for chunk in keys.chunks(keys_per_statement::<T>(&*x, 0)) {
                let mut w = SqlWriter::new(&*x, T::NAME, &head);
                w.keys::<T>(chunk)?;
                x.execute(w.sql.into(), w.args).await?;
            }
            Ok::<_, Error>(rows)
        })
    };
    out.map_err(|err| err.in_table(&t.def))
}

impl<T: Table> UpdateWhere<T> {
    /// Runs the update and returns the updated rows as stored. With no
    /// `set`, nothing runs and no row is returned. On MySQL, which has no
    /// `RETURNING`, the rows are locked, updated by primary key and read back
    /// in one transaction (the caller's, or one of its own).
    pub async fn returning(self, mut e: impl Executor) -> Result<Vec<T>> {
        if self.sets.is_empty() {
            return Ok(Vec::new());
        }
        let t = resolve::<T>(&e);
        let out: Result<Vec<T>> = if e.kind().dialect().has_returning() {
            let mut w = self.render(&e, &self.filter)?;
            w.push(&format!(" RETURNING {}", t.statements.columns));
            e.fetch_all(w.sql.into(), w.args, T::decode).await
        } else {
            in_transaction!(e, |x| {
                let rows = locked_rows::<T>(x, &self.filter).await?;
                let keys: Vec<T::Key> = rows.iter().map(T::key).collect();
                let per = keys_per_statement::<T>(&*x, self.sets.len());
                for chunk in keys.chunks(per) {
                    let mut w = self.render(&*x, &Node::All)?;
                    w.keys::<T>(chunk)?;
                    x.execute(w.sql.into(), w.args).await?;
                }
                rows_by_key::<T>(x, &keys).await
            })
        };
        out.map_err(|err| err.in_table(&t.def))
    }
}

/// The rows matching `filter`, locked until the transaction ends.
async fn locked_rows<T: Table>(e: &mut impl Executor, filter: &Node) -> Result<Vec<T>> {
    let select = resolve::<T>(&*e).statements.select.clone();
    let mut w = SqlWriter::new(&*e, T::NAME, &select);
    w.filter(filter)?;
    w.push(e.kind().dialect().lock_clause(LockWait::Wait));
    e.fetch_all(w.sql.into(), w.args, T::decode).await
}

/// The rows with primary keys `keys`.
async fn rows_by_key<T: Table>(e: &mut impl Executor, keys: &[T::Key]) -> Result<Vec<T>> {
    let select = resolve::<T>(&*e).statements.select.clone();
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(keys_per_statement::<T>(&*e, 0)) {
        let mut w = SqlWriter::new(&*e, T::NAME, &select);
        w.keys::<T>(chunk)?;
        out.extend(e.fetch_all(w.sql.into(), w.args, T::decode).await?);
    }
    Ok(out)
}

/// How many keys of `T` one statement can bind besides `other` parameters.
fn keys_per_statement<T: Table>(e: &impl Executor, other: usize) -> usize {
    let key_len = T::DEF.primary_key.len().max(1);
    (driver(e.kind()).max_params().saturating_sub(other) / key_len).max(1)
}

impl SqlWriter {
    /// Appends ` WHERE (k = ? AND …) OR (…)` matching the rows with `keys`.
    pub(crate) fn keys<T: Table>(&mut self, keys: &[T::Key]) -> Result<()> {
        let def = T::DEF;
        let columns = key_columns(def);
        self.push(" WHERE ");
        if keys.is_empty() {
            self.push("1 = 0");
        }
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                self.push(" OR ");
            }
            let condition = key_condition(self.dialect(), &columns, self.next_param());
            self.push(&format!("({condition})"));
            T::bind_key(key, &mut self.args).map_err(bind_error::<T>)?;
            self.bound(columns.len());
        }
        Ok(())
    }
}
