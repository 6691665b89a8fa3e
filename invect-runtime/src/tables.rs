//! The tables of one database handle as its statements see them: each
//! table's definition and SQL under the handle's table prefix (none or one),
//! rendered from the table's `DEF` at first use and kept as long as the
//! handle, so every query after the first reuses the same text. One path for
//! prefixed and unprefixed tables alike; memory grows with the tables (and
//! `insert_many` chunk sizes) a handle uses, never with the calls.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use invect_schema::statements::{Defaults, TableStatements, table_statements};
use invect_schema::{DialectKind, TableDef};

use crate::table::Table;

/// A table's definition and statements under one handle's prefix.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub def: TableDef,
    pub statements: TableStatements<Arc<str>>,
}

/// What a [`Db`](crate::Db) and its transactions share: the prefix, and the
/// tables resolved under it. Not public API.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Tables {
    prefix: Option<Arc<str>>,
    resolved: RwLock<HashMap<TypeId, Arc<Resolved>>>,
    chunks: RwLock<HashMap<(TypeId, usize, Defaults), Arc<str>>>,
    /// The server's statement size limit, read at the first large statement.
    packet_limit: std::sync::OnceLock<i64>,
}

impl Tables {
    /// No tables resolved yet, under `prefix` (`""` for none).
    pub(crate) fn new(prefix: &str) -> Tables {
        Tables {
            prefix: (!prefix.is_empty()).then(|| prefix.into()),
            ..Tables::default()
        }
    }

    /// The table prefix, `None` when there is none.
    pub(crate) fn prefix(&self) -> Option<&str> {
        self.prefix.as_deref()
    }

    /// Table `T` in dialect `kind` (a handle speaks one dialect).
    pub(crate) fn resolve<T: Table>(&self, kind: DialectKind) -> Arc<Resolved> {
        let key = TypeId::of::<T>();
        if let Some(found) = read(&self.resolved).get(&key) {
            return found.clone();
        }
        let def = T::DEF.with_prefix(self.prefix().unwrap_or(""));
        let s = table_statements(kind.dialect(), &def);
        let statements = TableStatements {
            insert: s.insert.into(),
            select: s.select.into(),
            find: s.find.into(),
            update: s.update.into(),
            delete: s.delete.into(),
            count: s.count.into(),
            columns: s.columns.into(),
            generated: s.generated.into(),
        };
        let resolved = Arc::new(Resolved { def, statements });
        write(&self.resolved).entry(key).or_insert(resolved).clone()
    }

    /// The server's statement size limit, if it has been read.
    pub(crate) fn packet_limit(&self) -> Option<i64> {
        self.packet_limit.get().copied()
    }

    /// Keeps the server's statement size limit.
    pub(crate) fn set_packet_limit(&self, limit: i64) {
        let _ = self.packet_limit.set(limit);
    }

    /// The `rows`-row `INSERT` of table `T` in form `defaults`, made by
    /// `render` at first use.
    pub(crate) fn chunk<T: Table>(
        &self,
        rows: usize,
        defaults: Defaults,
        render: impl FnOnce() -> String,
    ) -> Arc<str> {
        let key = (TypeId::of::<T>(), rows, defaults);
        if let Some(found) = read(&self.chunks).get(&key) {
            return found.clone();
        }
        write(&self.chunks)
            .entry(key)
            .or_insert_with(|| render().into())
            .clone()
    }
}

/// A poisoned lock only means another thread panicked mid-insert; the map is still usable.
fn read<K, V>(lock: &RwLock<HashMap<K, V>>) -> std::sync::RwLockReadGuard<'_, HashMap<K, V>> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<K, V>(lock: &RwLock<HashMap<K, V>>) -> std::sync::RwLockWriteGuard<'_, HashMap<K, V>> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}
