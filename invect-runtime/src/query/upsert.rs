//! Upserts: insert a row, or on a conflict with its primary key or a unique
//! key update the stored row (or leave it), and return the row as stored.
//! `ON CONFLICT … DO UPDATE … RETURNING` on PostgreSQL and SQLite; on MySQL
//! `ON DUPLICATE KEY UPDATE` and a read-back in the same transaction.

use std::marker::PhantomData;

use invect_schema::statements::insert_values;
use invect_schema::{ColumnDef, TableDef};

use super::expr::{Assignment, assignment_methods};
use super::project::Columns;
use super::write::chunk_sql;
use super::{SqlWriter, bind_error, in_transaction, resolve};
use crate::driver::Args;
use crate::driver::chunk_rows;
use crate::error::{ConstraintKind, Error, Result, Violation};
use crate::executor::Executor;
use crate::expr::{Ex, SetExpr};
use crate::table::{Column, Table};
use crate::tables::Resolved;
use invect_schema::statements::Defaults;

/// What an upsert does on a conflict: which key, and which columns it sets.
#[derive(Default)]
struct OnConflict {
    /// The conflict key's columns; `None` for the primary key.
    target: Option<Vec<&'static ColumnDef>>,
    sets: Vec<Assignment>,
    nothing: bool,
}

/// `T::upsert(new)…execute(&db)`: one row, returned as stored.
#[must_use = "an upsert does nothing until `.execute()` runs it"]
pub struct Upsert<T: Table> {
    new: T::New,
    conflict: OnConflict,
}

/// `T::upsert_many(rows)…execute(&db)`: many rows, in chunked statements.
#[must_use = "an upsert does nothing until `.execute()` runs it"]
pub struct UpsertMany<T, I> {
    rows: I,
    conflict: OnConflict,
    _table: PhantomData<fn() -> T>,
}

impl<T: Table> std::fmt::Debug for Upsert<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upsert").finish_non_exhaustive()
    }
}

impl<T, I> std::fmt::Debug for UpsertMany<T, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpsertMany").finish_non_exhaustive()
    }
}

/// The conflict settings of both builders, written once.
macro_rules! conflict_methods {
    () => {
        /// The key whose conflict turns the insert into an update: the primary
        /// key unless given, else a column or tuple of columns that is the
        /// primary key or a declared unique key. (MySQL's `ON DUPLICATE KEY`
        /// fires on any unique key of the table; the target only checks the
        /// declaration there.)
        pub fn on_conflict(mut self, columns: impl Columns<T>) -> Self {
            self.conflict.target = Some(columns.defs());
            self
        }

        /// On a conflict, sets column `c` to the value the insert proposed.
        /// Without any `update`, `set` or `set_expr`, every column but the
        /// key's and the conflict key's is updated so.
        pub fn update<C: Column<Table = T>>(mut self, _c: C) -> Self {
            self.conflict.sets.push((C::DEF, Ex::Excluded(C::DEF)));
            self
        }

        assignment_methods!(conflict.sets);

        /// On a conflict, leaves the stored row as it is (and returns it).
        pub fn do_nothing(mut self) -> Self {
            self.conflict.nothing = true;
            self
        }
    };
}

impl<T: Table> Upsert<T> {
    /// Inserts `new` unless its key is taken.
    pub fn new(new: T::New) -> Self {
        Upsert {
            new,
            conflict: OnConflict::default(),
        }
    }

    conflict_methods!();

    /// Runs the upsert; returns the row as stored: the inserted one, or the
    /// one that held the key, updated (or left, with [`do_nothing`](Self::do_nothing)).
    pub async fn execute(mut self, mut e: impl Executor) -> Result<T> {
        let t = resolve::<T>(&e);
        let kind = e.kind();
        let d = kind.dialect();
        T::prepare_new(&mut self.new, d);
        let target = self.conflict.target::<T>()?;
        let out: Result<T> = if d.has_returning() {
            let mut w = self.conflict.statement::<T>(&e, &t, &target, 1)?;
            T::bind_new(&self.new, &mut w.args).map_err(bind_error::<T>)?;
            w.push(&format!(" RETURNING {}", t.statements.columns));
            match e.fetch_optional(w.sql.into(), w.args, T::decode).await {
                Ok(Some(row)) => Ok(row),
                Ok(None) => stored::<T>(&mut e, &t, &target, &self.new)
                    .await?
                    .ok_or(Error::NotFound { table: T::NAME }),
                Err(err) => Err(err),
            }
        } else {
            // Inside the caller's transaction a savepoint undoes a wrong update alone.
            let savepoint = e.as_db().is_none();
            in_transaction!(e, |x| {
                if savepoint {
                    x.execute("SAVEPOINT invect_upsert".into(), Args::new(kind))
                        .await?;
                }
                let mut w = self.conflict.statement::<T>(&*x, &t, &target, 1)?;
                T::bind_new(&self.new, &mut w.args).map_err(bind_error::<T>)?;
                x.execute(w.sql.into(), w.args).await?;
                let mut row = stored::<T>(x, &t, &target, &self.new).await?;
                if let (None, Some(key)) = (&row, T::new_key(&self.new)) {
                    // A NULL in the target never conflicts: the row went in under its key.
                    let mut args = Args::new(kind);
                    T::bind_key(&key, &mut args).map_err(bind_error::<T>)?;
                    let find = (&t.statements.find).into();
                    row = x.fetch_optional(find, args, T::decode).await?;
                }
                if row.is_none() && savepoint {
                    x.execute(
                        "ROLLBACK TO SAVEPOINT invect_upsert".into(),
                        Args::new(kind),
                    )
                    .await?;
                }
                row.ok_or_else(|| other_key::<T>(&target))
            })
        };
        out.map_err(|err| err.in_table(&t.def))
    }
}

impl<T: Table, I: IntoIterator<Item = T::New>> UpsertMany<T, I> {
    /// Upserts every row of `rows`.
    pub fn new(rows: I) -> Self {
        UpsertMany {
            rows,
            conflict: OnConflict::default(),
            _table: PhantomData,
        }
    }

    conflict_methods!();

    /// Runs the upserts in multi-row statements below the dialect's parameter
    /// limit, all in one transaction (the caller's, if given one); returns
    /// the number of rows given. On PostgreSQL one statement may not carry
    /// the same key twice ("cannot affect row a second time"): dedupe first.
    pub async fn execute(self, mut e: impl Executor) -> Result<u64>
    where
        I::IntoIter: Send,
    {
        let t = resolve::<T>(&e);
        let target = self.conflict.target::<T>()?;
        let mut rows = self.rows.into_iter().peekable();
        if rows.peek().is_none() {
            return Ok(0);
        }
        let conflict = &self.conflict;
        let out: Result<u64> = in_transaction!(e, |x| {
            upsert_chunks::<T>(x, &t, conflict, &target, &mut rows).await
        });
        out.map_err(|err| err.in_table(&t.def))
    }
}

async fn upsert_chunks<T: Table>(
    e: &mut impl Executor,
    t: &Resolved,
    conflict: &OnConflict,
    target: &[&'static ColumnDef],
    rows: &mut impl Iterator<Item = T::New>,
) -> Result<u64> {
    let d = e.kind().dialect();
    let per_chunk = chunk_rows(e.kind(), t.def.columns.len() + conflict.sets.len());
    let mut chunk: Vec<T::New> = Vec::with_capacity(per_chunk);
    let mut total = 0;
    loop {
        chunk.clear();
        chunk.extend(rows.by_ref().take(per_chunk));
        if chunk.is_empty() {
            return Ok(total);
        }
        let mut w = conflict.statement::<T>(&*e, t, target, chunk.len())?;
        for new in chunk.iter_mut() {
            T::prepare_new(new, d);
            T::bind_new(new, &mut w.args).map_err(bind_error::<T>)?;
        }
        e.execute(w.sql.into(), w.args).await?;
        total += chunk.len() as u64;
    }
}

impl OnConflict {
    /// The conflict key's columns (of `T::DEF`, whose columns are those of
    /// every prefix), checked to be the primary key or a declared unique key.
    fn target<T: Table>(&self) -> Result<Vec<&'static ColumnDef>> {
        let def: &'static TableDef = T::DEF;
        let Some(target) = &self.target else {
            return Ok(invect_schema::statements::key_columns(def));
        };
        let mut names: Vec<&str> = target.iter().map(|c| c.name.as_ref()).collect();
        names.sort_unstable();
        let same = |cols: &[invect_schema::Name]| {
            let mut cols: Vec<&str> = cols.iter().map(|c| c.as_ref()).collect();
            cols.sort_unstable();
            cols == names
        };
        let is_key = same(&def.primary_key)
            || def.indexes.iter().any(|i| i.unique && same(&i.columns))
            || matches!(target.as_slice(), [c] if c.unique);
        if is_key {
            return Ok(target.clone());
        }
        Err(Error::InvalidQuery(format!(
            "upsert of `{}` on ({}): a conflict target must be the primary key or a unique key; \
             declare one with #[invect(unique)] on the field, or leave the target out for the primary key",
            T::NAME,
            names.join(", ")
        )))
    }

    /// `INSERT … VALUES (…), … <on conflict>` for `rows` rows; the rows'
    /// parameters come first (bound by the caller), then the update's.
    fn statement<T: Table>(
        &self,
        e: &impl Executor,
        t: &Resolved,
        target: &[&'static ColumnDef],
        rows: usize,
    ) -> Result<SqlWriter> {
        let d = e.kind().dialect();
        // A single row's INSERT is made once per handle (shared with
        // insert_many's cache); a batch's only once it is a full chunk.
        let insert = if rows == 1 || rows == chunk_rows(e.kind(), t.def.columns.len()) {
            e.tables().chunk::<T>(rows, Defaults::Coalesce, || {
                chunk_sql(d, &t.def, rows, Defaults::Coalesce)
            })
        } else {
            chunk_sql(d, &t.def, rows, Defaults::Coalesce).into()
        };
        let mut w = SqlWriter::new(e, T::NAME, &insert);
        w.bound(rows * t.def.columns.len());
        let defaults;
        let sets: &[Assignment] = if self.sets.is_empty() {
            defaults = default_sets::<T>(target);
            &defaults
        } else {
            &self.sets
        };
        let mark = w.sql.len();
        if !self.nothing {
            w.assignments(&d.quote(&t.def.name), sets)?;
        }
        let set = w.sql.split_off(mark);
        let quoted: Vec<String> = target.iter().map(|c| d.quote(&c.name)).collect();
        w.push(&d.on_conflict(&quoted, &set));
        Ok(w)
    }
}

/// Every column outside the primary and conflict keys, from the proposed row.
fn default_sets<T: Table>(target: &[&ColumnDef]) -> Vec<Assignment> {
    let def: &'static TableDef = T::DEF;
    def.columns
        .iter()
        .filter(|c| !def.primary_key.contains(&c.name))
        .filter(|c| !target.iter().any(|t| t.name == c.name))
        .map(|c| (c, Ex::Excluded(c)))
        .collect()
}

/// The row that holds the conflict key of `new`, read back after the upsert.
async fn stored<T: Table>(
    e: &mut impl Executor,
    t: &Resolved,
    target: &[&'static ColumnDef],
    new: &T::New,
) -> Result<Option<T>> {
    let d = e.kind().dialect();
    let mut w = SqlWriter::new(&*e, T::NAME, &t.statements.select);
    for (i, c) in target.iter().enumerate() {
        let index = t.def.columns.iter().position(|x| x.name == c.name);
        let index = index.ok_or(Error::NotFound { table: T::NAME })?;
        w.push(if i == 0 { " WHERE " } else { " AND " });
        w.column(c);
        w.push(" = ");
        let value = insert_values(d, t.def.columns[index..=index].iter(), w.next_param());
        w.push(&value);
        T::bind_new_column(new, index, &mut w.args).map_err(bind_error::<T>)?;
        w.bound(1);
    }
    e.fetch_optional(w.sql.into(), w.args, T::decode).await
}

/// MySQL's `ON DUPLICATE KEY UPDATE` met another unique key than the target
/// (no row holds the target's value after it): refused as every dialect does.
fn other_key<T: Table>(target: &[&ColumnDef]) -> Error {
    let names: Vec<String> = target.iter().map(|c| c.name.to_string()).collect();
    Error::Constraint(Box::new(Violation {
        kind: ConstraintKind::Unique,
        table: Some(T::NAME.to_string()),
        constraint: None,
        columns: Vec::new(),
        message: format!(
            "the row conflicts on a unique key other than the upsert's target ({}); nothing was written",
            names.join(", ")
        ),
        source: None,
    }))
}
