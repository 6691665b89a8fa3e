//! insert, insert_many, find, update, delete, and their filtered forms.

use std::marker::PhantomData;

use invect_schema::statements::{Defaults, copy_from_stdin, row_values};
use invect_schema::{DialectKind, TableDef};

use super::chunk::{defaults_needed, next_chunk};
use super::copy::copy_chunks;
use super::expr::{Assignment, assignment_methods};
use super::{SqlWriter, bind_error, in_transaction, resolve};
use crate::driver::{Args, RowRef, Sql, chunk_rows, driver};
use crate::error::{Error, Result};
use crate::executor::Executor;
use crate::expr::{Ex, SetExpr};
use crate::table::{Column, Expr, Node, Table, TableExtension};

/// Inserts one row and returns it as stored, database defaults included.
pub async fn insert<T: Table>(e: impl Executor, new: T::New) -> Result<T> {
    let t = resolve::<T>(&e);
    insert_row::<T>(e, new)
        .await
        .map_err(|err| err.in_table(&t.def))
}

async fn insert_row<T: Table>(mut e: impl Executor, mut new: T::New) -> Result<T> {
    let kind = e.kind();
    let d = kind.dialect();
    T::prepare_new(&mut new, d);
    let st = &resolve::<T>(&e).statements;
    let mut args = Args::new(kind);
    T::bind_new(&new, &mut args).map_err(bind_error::<T>)?;
    if st.generated.is_empty() {
        // Nothing made by the database: the row is what was sent.
        e.execute((&st.insert).into(), args).await?;
        return Ok(T::from_insert(new, None)?);
    }
    // The caller's values are moved into the row, not read back: only the
    // defaulted columns come from the database.
    let new = std::sync::Mutex::new(Some(new));
    let assemble = |r: RowRef<'_>| {
        let taken = new.lock().map(|mut n| n.take()).ok().flatten();
        T::from_insert(taken.ok_or(sqlx::Error::RowNotFound)?, Some(r))
    };
    if d.has_returning() {
        let row = e
            .fetch_optional((&st.insert).into(), args, assemble)
            .await?;
        return row.ok_or(Error::NotFound { table: T::NAME });
    }
    // No RETURNING (MySQL): insert and read back in one transaction, so an
    // error reading the row back means it was not written either.
    let key = new
        .lock()
        .ok()
        .and_then(|n| n.as_ref().and_then(T::new_key))
        .ok_or(Error::NotFound { table: T::NAME })?;
    let mut key_args = Args::new(kind);
    T::bind_key(&key, &mut key_args).map_err(bind_error::<T>)?;
    in_transaction!(e, |x| {
        x.execute((&st.insert).into(), args).await?;
        let row = x
            .fetch_optional((&st.generated).into(), key_args, assemble)
            .await?;
        row.ok_or(Error::NotFound { table: T::NAME })
    })
}

/// Inserts many rows with multi-row `INSERT`s, chunked below the dialect's
/// parameter limit (PostgreSQL: one binary `COPY`), all in one transaction
/// (the caller's, if given one), each chunk bound while the database runs
/// the one before.
/// Rows are taken from `rows` one chunk at a time, so an iterator that makes
/// them as it goes never has more than a chunk of them in memory.
/// Returns the number of rows inserted.
pub async fn insert_many<T: Table>(
    mut e: impl Executor,
    rows: impl IntoIterator<Item = T::New>,
) -> Result<u64> {
    let mut rows = rows.into_iter().peekable();
    if rows.peek().is_none() {
        return Ok(0);
    }
    match e.as_db() {
        Some(db) => {
            let mut tx = db.begin().await?;
            let n = insert_chunks::<T>(&mut &mut tx, rows).await?;
            tx.commit().await?;
            Ok(n)
        }
        None => insert_chunks::<T>(&mut e, rows).await,
    }
}

async fn insert_chunks<T: Table>(
    e: &mut impl Executor,
    mut rows: impl Iterator<Item = T::New>,
) -> Result<u64> {
    let kind = e.kind();
    let d = kind.dialect();
    let table = &resolve::<T>(&*e).def;
    let per_statement = chunk_rows(kind, table.columns.len());
    // Where the dialect has a binary COPY, batches of at least `from` rows
    // go by COPY, written `per_copy` rows at a time.
    let copy = driver(kind)
        .copy_rows()
        .and_then(|(from, per_copy)| Some((from, per_copy, copy_from_stdin(d, table)?)));
    let Some((from, per_copy, sql)) = copy else {
        return insert_statements::<T>(e, rows, per_statement).await;
    };
    let per_chunk = per_copy.max(1);
    let mut chunk: Vec<T::New> = Vec::with_capacity(per_chunk);
    let mut total = 0;
    loop {
        next_chunk::<T>(&mut chunk, &mut rows, per_chunk, d);
        if chunk.is_empty() {
            return Ok(total);
        }
        if chunk.len() >= from
            && let Some(tx) = e.as_tx()
        {
            // Leaves in `chunk` the rows that must go by INSERT, if any.
            total += copy_chunks::<T>(tx, &sql, table, &mut chunk, &mut rows, per_chunk)
                .await
                .map_err(|err| err.in_table(table))?;
        }
        for part in chunk.chunks(per_statement) {
            let (args, defaults) = bind_part::<T>(kind, table, part)?;
            let sql = part_sql::<T>(&*e, part.len(), per_statement, defaults);
            total += e
                .execute(sql, args)
                .await
                .map_err(|err| err.in_table(table))?;
        }
    }
}

/// Inserts `rows` by multi-row `INSERT`s of `per_statement` rows, binding
/// each statement's values while the database runs the statement before.
async fn insert_statements<T: Table>(
    e: &mut impl Executor,
    mut rows: impl Iterator<Item = T::New>,
    per_statement: usize,
) -> Result<u64> {
    let kind = e.kind();
    let d = kind.dialect();
    let table = &resolve::<T>(&*e).def;
    let mut chunk: Vec<T::New> = Vec::with_capacity(per_statement);
    let (mut total, mut ready) = (0, None);
    loop {
        let running = async {
            match ready {
                Some((sql, args)) => e.execute(sql, args).await,
                None => Ok(0),
            }
        };
        // Runs to its end once `running` has sent its statement and waits.
        let binding = async {
            next_chunk::<T>(&mut chunk, &mut rows, per_statement, d);
            let bound = (!chunk.is_empty()).then(|| bind_part::<T>(kind, table, &chunk));
            bound.transpose()
        };
        let (ran, bound) = tokio::join!(running, binding);
        total += ran.map_err(|err| err.in_table(table))?;
        let Some((args, defaults)) = bound? else {
            return Ok(total);
        };
        ready = Some((
            part_sql::<T>(&*e, chunk.len(), per_statement, defaults),
            args,
        ));
    }
}

/// The values of `rows` for one multi-row `INSERT`, and whether some row
/// leaves a defaulted column to the database.
fn bind_part<T: Table>(
    kind: DialectKind,
    table: &TableDef,
    rows: &[T::New],
) -> Result<(Args, Defaults)> {
    let mut args = Args::for_rows(kind, table.columns.len());
    for new in rows {
        T::bind_new(new, &mut args).map_err(bind_error::<T>)?;
    }
    let defaults = defaults_needed(kind.dialect(), table, &args);
    Ok((args, defaults))
}

/// The multi-row `INSERT` of `n` rows (at most `per_statement`). A full
/// chunk's statement is made once per handle, so a large insert_many
/// neither rebuilds nor copies it for every chunk.
fn part_sql<T: Table>(
    e: &impl Executor,
    n: usize,
    per_statement: usize,
    defaults: Defaults,
) -> Sql {
    let d = e.kind().dialect();
    let table = &resolve::<T>(e).def;
    if n == per_statement {
        e.tables()
            .chunk::<T>(per_statement, defaults, || {
                chunk_sql(d, table, per_statement, defaults)
            })
            .into()
    } else {
        chunk_sql(d, table, n, defaults).into()
    }
}

/// `INSERT INTO t (...) VALUES (...), (...)` for `rows` rows of `table`.
pub(super) fn chunk_sql(
    d: &dyn invect_schema::Dialect,
    table: &TableDef,
    rows: usize,
    defaults: Defaults,
) -> String {
    let mut sql = invect_schema::statements::insert_head(d, table);
    for i in 0..rows {
        sql.push_str(if i == 0 { "(" } else { ", (" });
        sql.push_str(&row_values(
            d,
            table.columns.iter(),
            i * table.columns.len() + 1,
            defaults,
        ));
        sql.push(')');
    }
    sql
}

/// The row with primary key `key`, if there is one.
pub async fn find<T: Table>(mut e: impl Executor, key: &T::Key) -> Result<Option<T>> {
    let kind = e.kind();
    let mut args = Args::new(kind);
    T::bind_key(key, &mut args).map_err(bind_error::<T>)?;
    e.fetch_optional((&resolve::<T>(&e).statements.find).into(), args, T::decode)
        .await
}

/// Writes every column of `row` to the row with its primary key. Returns the
/// number of rows matched (0 when no row has that key).
pub async fn update<T: Table>(e: impl Executor, row: &T) -> Result<u64> {
    let t = resolve::<T>(&e);
    update_row::<T>(e, row)
        .await
        .map_err(|err| err.in_table(&t.def))
}

async fn update_row<T: Table>(mut e: impl Executor, row: &T) -> Result<u64> {
    let kind = e.kind();
    let mut args = Args::new(kind);
    row.bind_update(&mut args).map_err(bind_error::<T>)?;
    e.execute((&resolve::<T>(&e).statements.update).into(), args)
        .await
}

/// Deletes the row with primary key `key`. Returns the number deleted (0 or 1).
pub async fn delete<T: Table>(e: impl Executor, key: &T::Key) -> Result<u64> {
    let t = resolve::<T>(&e);
    delete_row::<T>(e, key)
        .await
        .map_err(|err| err.in_table(&t.def))
}

async fn delete_row<T: Table>(mut e: impl Executor, key: &T::Key) -> Result<u64> {
    let kind = e.kind();
    let mut args = Args::new(kind);
    T::bind_key(key, &mut args).map_err(bind_error::<T>)?;
    e.execute((&resolve::<T>(&e).statements.delete).into(), args)
        .await
}

/// Deletes every row matching `filter`; returns how many.
pub async fn delete_where<T: Table>(e: impl Executor, filter: Expr<T>) -> Result<u64> {
    let t = resolve::<T>(&e);
    delete_rows::<T>(e, filter)
        .await
        .map_err(|err| err.in_table(&t.def))
}

async fn delete_rows<T: Table>(mut e: impl Executor, filter: Expr<T>) -> Result<u64> {
    let kind = e.kind();
    let d = kind.dialect();
    let table = &resolve::<T>(&e).def;
    let mut w = SqlWriter::new(
        &e,
        T::NAME,
        &format!("DELETE FROM {}", d.quote(&table.name)),
    );
    w.filter(&filter.node)?;
    e.execute(w.sql.into(), w.args).await
}

/// A partial update: `T::update_where(filter).set(col, v).execute(&db)`.
#[must_use = "an update does nothing until `.execute()` or `.returning()` runs it"]
pub struct UpdateWhere<T> {
    pub(super) filter: Node,
    pub(super) sets: Vec<Assignment>,
    _table: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for UpdateWhere<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateWhere")
            .field("columns", &self.sets.len())
            .finish_non_exhaustive()
    }
}

impl<T: Table> UpdateWhere<T> {
    /// Updates the rows matching `filter` (use [`Expr::all`] for every row).
    pub fn new(filter: Expr<T>) -> Self {
        UpdateWhere {
            filter: filter.node,
            sets: Vec::new(),
            _table: PhantomData,
        }
    }

    assignment_methods!(sets);

    /// Runs the update; returns the number of rows matched. With no `set`,
    /// nothing runs and 0 is returned.
    pub async fn execute(self, mut e: impl Executor) -> Result<u64> {
        if self.sets.is_empty() {
            return Ok(0);
        }
        let w = self.render(&e, &self.filter)?;
        e.execute(w.sql.into(), w.args)
            .await
            .map_err(|err| err.in_table(&resolve::<T>(&e).def))
    }

    /// `UPDATE … SET … WHERE <filter>` (or the given condition).
    pub(super) fn render(&self, e: &impl Executor, filter: &Node) -> Result<SqlWriter> {
        let d = e.kind().dialect();
        let table = d.quote(&resolve::<T>(e).def.name);
        let mut w = SqlWriter::new(e, T::NAME, &format!("UPDATE {table} SET "));
        w.assignments(&table, &self.sets)?;
        w.filter(filter)?;
        Ok(w)
    }
}

/// The key condition of `table`: `"a" = ? AND "b" = ?` numbered from `first`.
fn key_condition(
    d: &dyn invect_schema::Dialect,
    table: &invect_schema::TableDef,
    first: usize,
) -> String {
    invect_schema::statements::key_condition(
        d,
        &invect_schema::statements::key_columns(table),
        first,
    )
}

/// The columns extension `X` added to the row of its target with `key`.
pub async fn extension_get<X: TableExtension>(
    mut e: impl Executor,
    key: &<X::Target as Table>::Key,
) -> Result<Option<X>> {
    let kind = e.kind();
    let d = kind.dialect();
    let target = &resolve::<X::Target>(&e).def;
    let cols: Vec<String> = X::EXTENSION
        .columns
        .iter()
        .map(|c| d.quote(&c.name))
        .collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE {}",
        cols.join(", "),
        d.quote(&target.name),
        key_condition(d, target, 1)
    );
    let mut args = Args::new(kind);
    X::Target::bind_key(key, &mut args).map_err(bind_error::<X::Target>)?;
    e.fetch_optional(sql.into(), args, X::decode).await
}

/// Writes extension `X`'s columns on the row of its target with `key`;
/// returns the rows matched.
pub async fn extension_set<X: TableExtension>(
    mut e: impl Executor,
    key: &<X::Target as Table>::Key,
    value: &X,
) -> Result<u64> {
    let kind = e.kind();
    let d = kind.dialect();
    let target = &resolve::<X::Target>(&e).def;
    let cols: Vec<&invect_schema::ColumnDef> = X::EXTENSION.columns.iter().collect();
    let sets = invect_schema::statements::assignments(d, &cols, 1);
    let sql = format!(
        "UPDATE {} SET {} WHERE {}",
        d.quote(&target.name),
        sets,
        key_condition(d, target, cols.len() + 1)
    );
    let mut args = Args::new(kind);
    value.bind(&mut args).map_err(bind_error::<X::Target>)?;
    X::Target::bind_key(key, &mut args).map_err(bind_error::<X::Target>)?;
    e.execute(sql.into(), args).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{NewNodeExecution, NodeExecution, NodeExecutionStatus};
    use crate::value::BoxDynError;
    use invect_schema::DialectKind;
    use uuid::Uuid;

    fn row(status: Option<NodeExecutionStatus>) -> NewNodeExecution {
        NewNodeExecution {
            id: Some(Uuid::nil()),
            flow_run_id: Uuid::nil(),
            node_id: "n".into(),
            node_type: "t".into(),
            status,
            inputs: serde_json::json!({}),
            outputs: None,
            error: None,
            started_at: Some(chrono::Utc::now()),
            completed_at: None,
            duration: None,
            retry_count: Some(0),
        }
    }

    /// The form a chunk needs, from its rows bound as they would be sent.
    fn form(kind: DialectKind, rows: &[NewNodeExecution]) -> Result<Defaults, BoxDynError> {
        let mut args = Args::for_rows(kind, NodeExecution::DEF.columns.len());
        for r in rows {
            NodeExecution::bind_new(r, &mut args)?;
        }
        Ok(defaults_needed(kind.dialect(), NodeExecution::DEF, &args))
    }

    #[test]
    fn bare_placeholders_only_when_every_row_gives_the_defaults() -> Result<(), BoxDynError> {
        let given = row(Some(NodeExecutionStatus::Running));
        for kind in [
            DialectKind::Sqlite,
            DialectKind::Postgres,
            DialectKind::Mysql,
        ] {
            assert_eq!(
                form(kind, &[given.clone(), given.clone()])?,
                Defaults::Given
            );
            // A NULL in a nullable column without a default needs nothing.
            assert_eq!(form(kind, std::slice::from_ref(&given))?, Defaults::Given);
            // The second row leaves `status` to its default.
            assert_eq!(form(kind, &[given.clone(), row(None)])?, Defaults::Coalesce);
            let d = kind.dialect();
            let bare = chunk_sql(d, NodeExecution::DEF, 2, Defaults::Given);
            assert!(!bare.contains("COALESCE"), "{kind:?}: {bare}");
            let coalesce = chunk_sql(d, NodeExecution::DEF, 2, Defaults::Coalesce);
            assert!(coalesce.contains("COALESCE"), "{kind:?}: {coalesce}");
        }
        Ok(())
    }
}
