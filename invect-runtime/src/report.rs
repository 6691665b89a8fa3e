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
    /// PostgreSQL: the index is there but INVALID, left by a `CREATE INDEX
    /// CONCURRENTLY` that failed (duplicates for a unique index) or was
    /// interrupted; push drops and rebuilds it.
    InvalidIndex {
        table: String,
        index: String,
    },
    /// An index has the declared name but other columns or uniqueness.
    IndexMismatch {
        table: String,
        index: String,
        expected: IndexShape,
        found: IndexShape,
    },
    /// A declared `references` has no foreign key on its column.
    MissingForeignKey {
        table: String,
        column: String,
        expected: ForeignKeyShape,
    },
    /// The column's foreign key has another target or `ON DELETE` (the first
    /// one found, when the column has several and none is the declared one).
    ForeignKeyMismatch {
        table: String,
        column: String,
        expected: ForeignKeyShape,
        found: ForeignKeyShape,
    },
    /// The column's database default is not the declared one (`None`: no
    /// default; `expected` as Invect's DDL writes it, `found` as the server does).
    DefaultMismatch {
        table: String,
        column: String,
        expected: Option<String>,
        found: Option<String>,
    },
}

/// An index's key columns, in order, and whether it is unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexShape {
    pub columns: Vec<String>,
    pub unique: bool,
}

/// What a foreign key points at and what happens on delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyShape {
    pub target_table: String,
    pub target_columns: Vec<String>,
    /// `CASCADE`, `SET NULL`, `RESTRICT`, `NO ACTION`; empty when the server
    /// does not say (MariaDB, to a user with SELECT only).
    pub on_delete: String,
}

impl std::fmt::Display for IndexShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unique = if self.unique { "UNIQUE " } else { "" };
        write!(f, "{unique}({})", self.columns.join(", "))
    }
}

impl std::fmt::Display for ForeignKeyShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}({})",
            self.target_table,
            self.target_columns.join(", ")
        )?;
        match self.on_delete.as_str() {
            "" => Ok(()),
            rule => write!(f, " ON DELETE {rule}"),
        }
    }
}

impl Drift {
    /// Whether verification counts this as a problem (indexes, keys,
    /// defaults and foreign ownership are not a startup failure).
    pub fn breaks_queries(&self) -> bool {
        !matches!(self, Drift::ForeignTable { .. }) && !self.is_warning()
    }

    /// Whether verification reports this as a warning: queries still work,
    /// but the database is not what the schema declares (a missing or
    /// different index, foreign key or default).
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Drift::MissingIndex { .. }
                | Drift::InvalidIndex { .. }
                | Drift::IndexMismatch { .. }
                | Drift::MissingForeignKey { .. }
                | Drift::ForeignKeyMismatch { .. }
                | Drift::DefaultMismatch { .. }
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
            Drift::InvalidIndex { table, index } => write!(
                f,
                "index `{index}` on `{table}` is INVALID (a CREATE INDEX CONCURRENTLY failed or was \
                 interrupted); `invect-cli migrate --push`, or the migration that builds it, rebuilds it"
            ),
            Drift::IndexMismatch {
                table,
                index,
                expected,
                found,
            } => write!(
                f,
                "index `{index}` on `{table}` is `{found}` but `{expected}` is declared"
            ),
            Drift::MissingForeignKey {
                table,
                column,
                expected,
            } => write!(
                f,
                "foreign key on `{table}.{column}` (references `{expected}`) is missing"
            ),
            Drift::ForeignKeyMismatch {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "foreign key on `{table}.{column}` references `{found}` but `{expected}` is declared"
            ),
            Drift::DefaultMismatch {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "column `{table}.{column}` has {} but {} is declared",
                default_words(found),
                default_words(expected)
            ),
        }
    }
}

/// `default `x`` or `no default`.
fn default_words(default: &Option<String>) -> String {
    match default {
        Some(d) => format!("default `{d}`"),
        None => "no default".to_string(),
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
    /// What differs from the declared schema without breaking queries:
    /// missing or different indexes and foreign keys, different defaults
    /// (a failure only for `verify --strict`).
    pub warnings: Vec<Drift>,
}

impl VerifyReport {
    /// Whether the database has every table and column Invect needs
    /// (warnings allowed: this is the startup check).
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether the database is exactly the declared schema: no problem and
    /// no warning (`verify --strict`).
    pub fn is_exact(&self) -> bool {
        self.problems.is_empty() && self.warnings.is_empty()
    }
}

impl std::fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_ok() {
            write!(
                f,
                "database `{}` has every table and column Invect needs",
                self.database_id
            )?;
            if self.warnings.is_empty() {
                return Ok(());
            }
            write!(f, ", but ")?;
            return self.write_warnings(f);
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
        )?;
        if self.warnings.is_empty() {
            return Ok(());
        }
        write!(f, "\nand ")?;
        self.write_warnings(f)
    }
}

impl VerifyReport {
    /// The warnings after a count, one a line, and what fixes them.
    fn write_warnings(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} warning(s) (queries work; indexes, foreign keys or defaults differ from the schema):",
            self.warnings.len()
        )?;
        for w in &self.warnings {
            writeln!(f, "  - {w}")?;
        }
        write!(
            f,
            "push adds a missing index and rebuilds an INVALID one; anything else needs a migration, or the database changed back by hand"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(problems: Vec<Drift>, warnings: Vec<Drift>) -> VerifyReport {
        VerifyReport {
            database_id: "main".into(),
            problems,
            warnings,
        }
    }

    fn default_drift(expected: Option<&str>, found: Option<&str>) -> Drift {
        Drift::DefaultMismatch {
            table: "flows".into(),
            column: "is_active".into(),
            expected: expected.map(Into::into),
            found: found.map(Into::into),
        }
    }

    #[test]
    fn warnings_pass_the_startup_check_but_are_listed() {
        let r = report(Vec::new(), vec![default_drift(Some("TRUE"), None)]);
        assert!(r.is_ok() && !r.is_exact());
        let text = r.to_string();
        assert!(text.starts_with(
            "database `main` has every table and column Invect needs, but 1 warning(s)"
        ));
        assert!(text.contains(
            "  - column `flows.is_active` has no default but default `TRUE` is declared"
        ));
        let missing = Drift::MissingColumn {
            table: "flows".into(),
            column: "name".into(),
        };
        let r = report(vec![missing], vec![default_drift(None, Some("0"))]);
        assert!(!r.is_ok());
        assert!(r.to_string().contains("\nand 1 warning(s)"), "{r}");
        assert!(
            r.to_string()
                .contains("has default `0` but no default is declared"),
            "{r}"
        );
    }

    #[test]
    fn shapes_read_like_sql() {
        let index = IndexShape {
            columns: vec!["a".into(), "b".into()],
            unique: true,
        };
        assert_eq!(index.to_string(), "UNIQUE (a, b)");
        let mut fk = ForeignKeyShape {
            target_table: "flows".into(),
            target_columns: vec!["id".into()],
            on_delete: "SET NULL".into(),
        };
        assert_eq!(fk.to_string(), "flows(id) ON DELETE SET NULL");
        fk.on_delete.clear();
        assert_eq!(fk.to_string(), "flows(id)");
        assert!(default_drift(None, None).is_warning());
        assert!(!default_drift(None, None).breaks_queries());
    }
}
