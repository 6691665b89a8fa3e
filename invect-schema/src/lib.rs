//! Invect's schema model: tables, columns and abstract types, the DDL for
//! SQLite, PostgreSQL and MySQL, and the merge of core and plugin tables.
//!
//! Pure data: no database driver and no proc-macro, so the macro (at compile
//! time) and the runtime (at run time) share one set of rules.
//!
//! ```
//! use invect_schema::{DialectKind, Origin, SchemaBuilder, core::CORE_TABLES, render_schema};
//!
//! let schema = SchemaBuilder::new()
//!     .tables(Origin::Core, CORE_TABLES.iter().cloned())
//!     .build()?;
//! let ddl = render_schema(DialectKind::Postgres.dialect(), &schema);
//! assert!(ddl[0].starts_with("CREATE TYPE \"flow_run_status\""));
//! # Ok::<(), invect_schema::SchemaErrors>(())
//! ```

pub mod core;
mod dialect;
mod error;
pub mod ident;
mod merge;
mod model;
pub mod statements;
pub mod validate;

pub use dialect::{
    Dialect, DialectKind, MySql, Postgres, Sqlite, foreign_key_name, render_schema, render_script,
    render_table,
};
pub use error::{SchemaError, SchemaErrors};
pub use merge::{Schema, SchemaBuilder, SchemaTable};
pub use model::{
    ColumnDef, ColumnType, DefaultValue, EnumDef, Extension, ForeignKey, IndexDef, Name, OnDelete,
    Origin, TableDef,
};
