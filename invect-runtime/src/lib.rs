//! Invect's runtime: connect to SQLite, PostgreSQL or MySQL and query the
//! tables declared with `#[invect_table]` through one typed API.
//!
//! ```no_run
//! use invect_runtime::prelude::*;
//! use invect_runtime::core::{Flow, NewFlow, flows};
//!
//! # async fn demo() -> invect_runtime::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! let flow = Flow::insert(&db, NewFlow { id: "f1".into(), name: "Hello".into(), ..NewFlow::default() }).await?;
//! let active = Flow::select().filter(flows::is_active.eq(true)).order_by(flows::name.asc()).all(&db).await?;
//! assert_eq!(active[0].id, flow.id);
//! # Ok(()) }
//! ```

// Generated code names `::invect_runtime`; this lets the core tables use the macro too.
extern crate self as invect_runtime;

mod adopt;
mod column;
mod config;
pub mod core;
#[cfg(feature = "credentials")]
pub mod credentials;
mod db;
mod diff;
mod driver;
mod error;
mod executor;
mod expr;
pub mod introspect;
mod invect;
pub mod migrate;
mod plugin;
mod push;
pub mod query;
mod redact;
mod renames;
mod report;
mod table;
mod tables;
pub mod value;
mod verify;

pub use adopt::{AdoptPlan, AdoptedTable, adopt, plan_adoption};
pub use column::ColumnExt;
pub use config::{DatabaseConfig, DatabaseType, InvectConfig, SchemaVerification};
pub use db::{Db, Tx};
pub use driver::{Args, CONNECT_TIMEOUT, Pool, RowRef, SQLITE_BUSY_TIMEOUT, Sql, TxConnection};
pub use error::{ConnectProblem, ConstraintKind, CredentialProblem, Error, Result, Violation};
pub use executor::Executor;
pub use invect::{DEFAULT_DATABASE_URL, Invect, InvectBuilder};
pub use invect_macros::{InvectEnum, invect_table};
pub use invect_schema as schema;
pub use plugin::{Plugin, merged_schema};
pub use push::{Plan, PushReport, plan, push};
pub use query::TableExt;
pub use redact::redact_connection_string;
pub use report::{Drift, ForeignKeyShape, IndexShape, VerifyReport};
pub use table::{Column, Expr, Order, Ordered, Table, TableExtension, Text};
pub use value::{InvectEnum, Value};
pub use verify::verify;

/// `use invect_runtime::prelude::*;` brings the macro, the handle types and
/// the types columns are declared with.
pub mod prelude {
    pub use crate::{ColumnExt, Db, Expr, InvectEnum, Table, TableExt, Tx, invect_table};
    pub use chrono::{DateTime, Utc};
    pub use sqlx::types::Json;
    pub use uuid::Uuid;
}

/// What generated code refers to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use chrono;
    pub use invect_schema;
    pub use serde_json;
    pub use sqlx::mysql::{MySqlArguments, MySqlRow};
    pub use sqlx::postgres::{PgArguments, PgRow};
    pub use sqlx::sqlite::{SqliteArguments, SqliteRow};
    pub use sqlx::{Arguments, Error as SqlxError};
    pub use uuid;

    /// Whether `name` is one of `variants` (a `const fn` for compile-time checks).
    pub const fn has_variant(variants: &[&str], name: &str) -> bool {
        let mut i = 0;
        while i < variants.len() {
            if bytes_eq(variants[i].as_bytes(), name.as_bytes()) {
                return true;
            }
            i += 1;
        }
        false
    }

    const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// Holds when `Self` and `B` are the same type.
    #[diagnostic::on_unimplemented(
        message = "`references` links columns of different types: the referenced column holds `{Self}`, this field holds `{B}`",
        label = "the referenced column's type differs",
        note = "a foreign key column must have the type of the column it references"
    )]
    pub trait SameType<B> {}
    impl<T> SameType<T> for T {}

    /// Instantiated by generated code to compare two column types.
    pub fn same_type<A: SameType<B>, B>() {}
}
