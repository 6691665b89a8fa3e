//! Tables under a table prefix: their definition and statements, rendered
//! once per (table, dialect, prefix) and kept for the life of the process,
//! so prefixed queries cost what unprefixed ones do after the first call.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use invect_schema::statements::{TableStatements, table_statements};
use invect_schema::{DialectKind, TableDef};

use crate::executor::Executor;
use crate::table::Table;

/// A table's definition and statements under one prefix.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub def: &'static TableDef,
    pub statements: &'static TableStatements<&'static str>,
}

type Key = (TypeId, DialectKind, Arc<str>);

fn cache() -> &'static Mutex<HashMap<Key, &'static Resolved>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, &'static Resolved>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Table `T` as executor `e` sees it: the macro's statements without a
/// prefix, rendered (once) and cached with one.
pub(crate) fn resolve<T: Table>(e: &impl Executor) -> Resolved {
    let kind = e.kind();
    let Some(prefix) = e.table_prefix() else {
        return Resolved {
            def: T::DEF,
            statements: T::statements(kind),
        };
    };
    let key = (TypeId::of::<T>(), kind, prefix.clone());
    // A poisoned lock only means another thread panicked mid-insert; the map is still usable.
    let mut map = cache().lock().unwrap_or_else(|p| p.into_inner());
    let found = *map.entry(key).or_insert_with(|| {
        let def: &'static TableDef = Box::leak(Box::new(T::DEF.with_prefix(prefix)));
        let s = table_statements(kind.dialect(), def);
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let statements = Box::leak(Box::new(TableStatements {
            insert: leak(s.insert),
            select: leak(s.select),
            find: leak(s.find),
            update: leak(s.update),
            delete: leak(s.delete),
            count: leak(s.count),
        }));
        Box::leak(Box::new(Resolved { def, statements }))
    });
    Resolved {
        def: found.def,
        statements: found.statements,
    }
}
