//! What separates a live database from the declared schema, and what
//! verification found: pure data and its wording, shared by push, verify
//! and the errors that carry them.

/// One difference between the declared schema and the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// A PostgreSQL enum type is missing.
    MissingEnum {
        name: String,
    },
    /// An enum lacks values (a PostgreSQL type, or a MySQL ENUM column).
    MissingEnumValues {
        name: String,
        table: Option<String>,
        column: Option<String>,
        values: Vec<String>,
    },
    MissingTable {
        table: String,
    },
    /// A view or other relation holds a declared table's name.
    BlockedTable {
        table: String,
    },
    /// A table with a declared name exists but Invect did not create it.
    ForeignTable {
        table: String,
    },
    MissingColumn {
        table: String,
        column: String,
    },
    TypeMismatch {
        table: String,
        column: String,
        expected: String,
        found: String,
    },
    NullabilityMismatch {
        table: String,
        column: String,
        expected_nullable: bool,
    },
    MissingIndex {
        table: String,
        index: String,
    },
}

impl Drift {
    /// Whether verification counts this as a problem (indexes and foreign
    /// ownership are push's business, not a startup failure).
    pub fn breaks_queries(&self) -> bool {
        !matches!(
            self,
            Drift::MissingIndex { .. } | Drift::ForeignTable { .. }
        )
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::MissingEnum { name } => write!(f, "enum type `{name}` is missing"),
            Drift::MissingEnumValues {
                name,
                table: Some(t),
                column: Some(c),
                values,
            } => {
                write!(
                    f,
                    "column `{t}.{c}` (enum `{name}`) lacks values {}",
                    quoted(values)
                )
            }
            Drift::MissingEnumValues { name, values, .. } => {
                write!(f, "enum type `{name}` lacks values {}", quoted(values))
            }
            Drift::MissingTable { table } => write!(f, "table `{table}` is missing"),
            Drift::BlockedTable { table } => write!(
                f,
                "`{table}` exists but is not a table (a view?); rename or drop it, or set a table prefix"
            ),
            Drift::ForeignTable { table } => write!(
                f,
                "table `{table}` exists but was not created by Invect; Invect never alters it. \
                 Set a table prefix (e.g. `tablePrefix = \"invect_\"`) so Invect's tables get their own names"
            ),
            Drift::MissingColumn { table, column } => {
                write!(f, "column `{table}.{column}` is missing")
            }
            Drift::TypeMismatch {
                table,
                column,
                expected,
                found,
            } => {
                write!(
                    f,
                    "column `{table}.{column}` is `{found}` but `{expected}` is declared"
                )
            }
            Drift::NullabilityMismatch {
                table,
                column,
                expected_nullable,
            } => write!(
                f,
                "column `{table}.{column}` is {} but {} is declared",
                if *expected_nullable {
                    "NOT NULL"
                } else {
                    "nullable"
                },
                if *expected_nullable {
                    "nullable"
                } else {
                    "NOT NULL"
                }
            ),
            Drift::MissingIndex { table, index } => {
                write!(f, "index `{index}` on `{table}` is missing")
            }
        }
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Database id from the configuration, for messages.
    pub database_id: String,
    /// Every problem that would break Invect's queries.
    pub problems: Vec<Drift>,
}

impl VerifyReport {
    /// Whether the database has every table and column Invect needs.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl std::fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_ok() {
            return write!(
                f,
                "database `{}` has every table and column Invect needs",
                self.database_id
            );
        }
        writeln!(
            f,
            "database `{}` does not match Invect's schema ({} problem(s)):",
            self.database_id,
            self.problems.len()
        )?;
        for p in &self.problems {
            writeln!(f, "  - {p}")?;
        }
        write!(
            f,
            "to fix it: run `invect-cli generate`, then `invect-cli migrate --push` (development) \
             or `invect-cli migrate` (production)"
        )
    }
}
