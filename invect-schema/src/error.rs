//! Errors in table definitions and in merging them into one schema.

use crate::ident::IdentifierProblem;
use crate::model::Origin;

/// One problem with a definition or with the merged schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    #[error("{what} name `{name}` {problem}")]
    InvalidName {
        what: &'static str,
        name: String,
        problem: IdentifierProblem,
    },
    #[error("table `{table}`: renamed_from = \"{old}\" {message}")]
    BadRename {
        table: String,
        old: String,
        message: String,
    },
    #[error("table `{table}` has no columns; declare at least one field")]
    NoColumns { table: String },
    #[error("table `{table}` declares column `{column}` twice; rename one of them")]
    DuplicateColumn { table: String, column: String },
    #[error("table `{table}` has no primary key; mark a column `primary_key`")]
    NoPrimaryKey { table: String },
    #[error("table `{table}`: {role} names column `{column}`, which the table does not have")]
    UnknownColumn {
        table: String,
        column: String,
        role: &'static str,
    },
    #[error("table `{table}`: primary key column `{column}` is nullable; make it NOT NULL")]
    NullablePrimaryKey { table: String, column: String },
    #[error("column `{table}.{column}`: {message}")]
    BadColumn {
        table: String,
        column: String,
        /// The part of the column the problem is in (the macro reports it there).
        attribute: ColumnAttribute,
        message: String,
    },
    #[error("enum type `{name}`: {message}")]
    BadEnum {
        name: String,
        /// The value concerned; `None` when the problem is the whole list.
        value: Option<String>,
        message: String,
    },
    #[error(
        "column `{table}.{column}` added by {origin} is NOT NULL without a default, so rows \
         already in `{table}` could not get a value; make it nullable (Option<T>) or give it a default"
    )]
    ExtensionNotNull {
        table: String,
        column: String,
        origin: Origin,
    },
    #[error("table `{table}` is declared by both {first} and {second}; rename one of them")]
    DuplicateTable {
        table: String,
        first: Origin,
        second: Origin,
    },
    #[error(
        "column `{table}.{column}` is declared by both {existing} and {added}; \
         a plugin can only add new columns"
    )]
    ColumnConflict {
        table: String,
        column: String,
        existing: Origin,
        added: Origin,
    },
    #[error("{origin} extends table `{table}`, which no core table or plugin declares")]
    ExtendsMissingTable { table: String, origin: Origin },
    #[error(
        "column `{table}.{column}` ({origin}) references `{target_table}.{target_column}`, \
         which does not exist"
    )]
    MissingReference {
        table: String,
        column: String,
        origin: Origin,
        target_table: String,
        target_column: String,
    },
    #[error(
        "column `{table}.{column}` is {column_type} but references \
         `{target_table}.{target_column}`, which is {target_type}; the types must match"
    )]
    ReferenceTypeMismatch {
        table: String,
        column: String,
        column_type: String,
        target_table: String,
        target_column: String,
        target_type: String,
    },
    #[error(
        "enum type `{name}` is declared with different values by `{first_table}` and \
         `{second_table}`; use one Rust enum for both or rename one"
    )]
    EnumConflict {
        name: String,
        first_table: String,
        second_table: String,
    },
    #[error("foreign keys form a cycle: {}; break it with a nullable column added later", tables.join(" -> "))]
    Cycle { tables: Vec<String> },
}

/// Which part of a column a [`SchemaError::BadColumn`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnAttribute {
    /// The default value.
    Default,
    /// The `max_length` of a string column.
    MaxLength,
    /// The foreign key's `ON DELETE` action.
    OnDelete,
    /// The column's earlier name, `renamed_from`.
    RenamedFrom,
}

/// Every problem found at once, so a user fixes them in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaErrors(pub Vec<SchemaError>);

impl std::fmt::Display for SchemaErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} schema errors:", many.len())?;
                many.iter().try_for_each(|e| write!(f, "\n  - {e}"))
            }
        }
    }
}

impl std::error::Error for SchemaErrors {}

impl From<SchemaError> for SchemaErrors {
    fn from(e: SchemaError) -> Self {
        SchemaErrors(vec![e])
    }
}
