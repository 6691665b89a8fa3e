//! Invect's schema model: tables, columns and abstract types, the DDL for
//! SQLite, PostgreSQL and MySQL, and the merge of core and plugin tables.
//!
//! Pure data: no database driver and no proc-macro, so the macro (at compile
//! time) and the runtime (at run time) share one set of rules.
//!
//! ```
//! use std::borrow::Cow::Borrowed;
//! use invect_schema::{ColumnDef, ColumnType, DialectKind, Origin, SchemaBuilder, TableDef, render_schema};
//!
//! static COLUMNS: [ColumnDef; 2] = [
//!     ColumnDef::new("id", ColumnType::Uuid),
//!     ColumnDef::new("action", ColumnType::Text),
//! ];
//! let audit = TableDef {
//!     name: Borrowed("audit_logs"),
//!     columns: Borrowed(&COLUMNS),
//!     primary_key: Borrowed(&[Borrowed("id")]),
//!     indexes: Borrowed(&[]),
//!     order: 100,
//!     renamed_from: None,
//! };
//! let schema = SchemaBuilder::new().tables(Origin::Plugin(Borrowed("audit")), [audit]).build()?;
//! let ddl = render_schema(DialectKind::Postgres.dialect(), &schema);
//! assert_eq!(ddl[0], "CREATE TABLE \"audit_logs\" (\n  \"id\" UUID NOT NULL,\n  \"action\" TEXT NOT NULL,\n  PRIMARY KEY (\"id\")\n)");
//! # Ok::<(), invect_schema::SchemaErrors>(())
//! ```

pub mod alter;
mod dialect;
mod error;
pub mod ident;
mod merge;
pub mod meta;
mod schema_diff;
pub use schema_diff::{
    ChangeKind, ColumnChange, DataCheck, DiffOptions, MigrationPlan, OnlineIndex, TableAlter,
    before_renames, classify, diff_schemas, plan_migration, plan_reverse, type_changed,
};
mod model;
pub mod statements;
pub mod validate;

pub use dialect::{
    Conversion, Dialect, DialectKind, LikeToken, LockWait, MySql, Postgres, Sqlite,
    foreign_key_name, like_literal, like_tokens, parse_mysql_enum, rebuild_table,
    referencing_tables, render_schema, render_script, render_table, script_text,
};
pub use error::{ColumnAttribute, SchemaError, SchemaErrors};
pub use merge::{Schema, SchemaBuilder, SchemaTable};
pub use model::{
    ColumnDef, ColumnType, DefaultValue, EnumDef, Extension, ForeignKey, IndexDef, Name, OnDelete,
    Origin, TableDef,
};
