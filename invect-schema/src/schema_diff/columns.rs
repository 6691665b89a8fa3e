//! How a column changes between two schemas: what is automatic (widening,
//! a new default, NOT NULL → nullable), what needs `allow_narrowing` and a
//! look at the data first, and what Invect does not write at all.

use crate::dialect::Dialect;
use crate::model::{ColumnDef, ColumnType};

/// A column changing in place (both under its new name).
#[derive(Debug, Clone)]
pub struct ColumnChange<'a> {
    pub before: &'a ColumnDef,
    pub after: &'a ColumnDef,
    /// Whether the SQL type changes (not only nullability, default or CHECK).
    pub type_changed: bool,
}

/// The changes to one existing table, for [`Dialect::alter_table`].
#[derive(Debug, Clone)]
pub struct TableAlter<'a> {
    /// The table as it is when the changes run (new names, added columns in).
    pub current: &'a crate::TableDef,
    /// The table as it must be after.
    pub after: &'a crate::TableDef,
    pub changed: Vec<ColumnChange<'a>>,
    pub dropped: Vec<&'a ColumnDef>,
    /// The tables whose rows reference this one, directly or through each
    /// other, parents first (a SQLite rebuild keeps their rows).
    pub referenced_by: Vec<crate::Name>,
}

/// Rows that must not exist for a narrowing change to succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataCheck {
    /// `table.column` under the names the database has now.
    pub column: String,
    /// What the rows hold, for the message (`NULL`, `text that is not a whole number`).
    pub problem: String,
    /// `SELECT COUNT(*) …` over the database as it is now.
    pub count_sql: String,
}

/// What a change of one column is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Nothing the database sees changes.
    Same,
    /// Done without asking: no value can be lost or refused.
    Automatic,
    /// Needs `allow_narrowing`; the checks say which rows would be refused.
    Narrowing(Vec<DataCheck>),
    /// Not written by Invect; the reason says what to do instead.
    Unsupported(String),
}

/// How column `was` becomes `now`; `place` is `(table, column)` as the
/// database names them now, for the checks' SQL.
pub fn classify(d: &dyn Dialect, was: &ColumnDef, now: &ColumnDef, place: (&str, &str)) -> Kind {
    // An enum's values are diffed on their own (`extend_enum`).
    let mut seen = was.clone();
    if let (ColumnType::Enum(x), ColumnType::Enum(y)) = (&was.ty, &now.ty)
        && x.name == y.name
    {
        seen.ty = now.ty.clone();
    }
    if d.column_definition(&seen) == d.column_definition(now) {
        return Kind::Same;
    }
    let at = Where { d, place };
    let mut checks = Vec::new();
    let mut narrowing = false;
    match type_width(&was.ty, &now.ty) {
        Width::Same | Width::Wider => {}
        Width::Narrower(problem) => {
            narrowing = true;
            checks.push(at.check(&problem, &now.ty));
        }
        Width::Unsupported => {
            return Kind::Unsupported(format!(
                "column `{}.{}` changed type from `{}` to `{}`, which Invect does not convert; \
                 write that migration by hand (`invect-cli migrate --new NAME`): add a new column, \
                 copy the data over, then drop the old one",
                place.0, place.1, was.ty, now.ty
            ));
        }
    }
    if was.nullable && !now.nullable {
        narrowing = true;
        let backfilled = now
            .default
            .as_ref()
            .is_some_and(|v| d.default_expr(v, &now.ty).is_some());
        if !backfilled {
            checks.push(at.check(&Problem::Null, &now.ty));
        }
    }
    if narrowing {
        Kind::Narrowing(checks)
    } else {
        Kind::Automatic
    }
}

/// Whether the SQL type itself changes (not only nullability, default or CHECK).
pub fn type_changed(d: &dyn Dialect, was: &ColumnType, now: &ColumnType) -> bool {
    match (was, now) {
        (ColumnType::Enum(x), ColumnType::Enum(y)) => x.name != y.name,
        _ => d.column_type(was) != d.column_type(now),
    }
}

/// What kind of rows a narrowing change refuses.
pub(crate) enum Problem {
    Null,
    LongerThan(u32),
    NotInteger,
    OutOfI32,
    NotIn(Vec<String>),
}

enum Width {
    Same,
    Wider,
    Narrower(Problem),
    Unsupported,
}

fn length(ty: &ColumnType) -> Option<u32> {
    match ty {
        ColumnType::String { max_length } => {
            Some(max_length.unwrap_or(ColumnType::DEFAULT_MAX_LENGTH))
        }
        _ => None,
    }
}

/// The longest decimal text of an integer type (`-2147483648`).
fn digits(ty: &ColumnType) -> u32 {
    match ty {
        ColumnType::Number => 11,
        _ => 20,
    }
}

/// Whether every value of `a` is a value of `b`.
fn type_width(a: &ColumnType, b: &ColumnType) -> Width {
    use ColumnType::*;
    match (a, b) {
        _ if a == b => Width::Same,
        (Enum(x), Enum(y)) if x.name == y.name => Width::Same,
        (String { .. }, String { .. }) => match (length(a), length(b)) {
            (Some(x), Some(y)) if y >= x => Width::Wider,
            (_, Some(y)) => Width::Narrower(Problem::LongerThan(y)),
            _ => Width::Unsupported,
        },
        (String { .. } | Enum(_) | Number | BigInt | Uuid, Text) => Width::Wider,
        (Enum(_), String { .. }) => Width::Wider,
        (Number, BigInt) => Width::Wider,
        // The reverse of string → number: without it a migration making a
        // `String` field a number was refused for its down file.
        (Number | BigInt, String { .. }) => match length(b) {
            Some(y) if y >= digits(a) => Width::Wider,
            _ => Width::Unsupported,
        },
        (BigInt, Number) => Width::Narrower(Problem::OutOfI32),
        (Text, String { max_length }) => Width::Narrower(Problem::LongerThan(
            max_length.unwrap_or(ColumnType::DEFAULT_MAX_LENGTH),
        )),
        (Text | String { .. }, Number | BigInt) => Width::Narrower(Problem::NotInteger),
        (Text | String { .. }, Enum(e)) => Width::Narrower(Problem::NotIn(
            e.values.iter().map(|v| v.to_string()).collect(),
        )),
        _ => Width::Unsupported,
    }
}

/// The column a check looks at.
struct Where<'a> {
    d: &'a dyn Dialect,
    place: (&'a str, &'a str),
}

impl Where<'_> {
    fn check(&self, problem: &Problem, ty: &ColumnType) -> DataCheck {
        let d = self.d;
        let col = d.quote(self.place.1);
        let (what, condition) = match problem {
            Problem::Null => ("NULL".to_string(), format!("{col} IS NULL")),
            Problem::LongerThan(n) => (
                format!("text longer than {n} characters"),
                format!("{}({col}) > {n}", d.length_function()),
            ),
            Problem::NotInteger => (
                format!("text that is not a whole number ({ty})"),
                d.not_integer(&col),
            ),
            Problem::OutOfI32 => (
                "numbers outside the 32-bit range".to_string(),
                format!("{col} NOT BETWEEN {} AND {}", i32::MIN, i32::MAX),
            ),
            Problem::NotIn(values) => {
                let list: Vec<String> = values.iter().map(|v| d.string_literal(v)).collect();
                (
                    format!("values outside {}", list.join(", ")),
                    format!("{col} NOT IN ({})", list.join(", ")),
                )
            }
        };
        DataCheck {
            column: format!("{}.{}", self.place.0, self.place.1),
            count_sql: format!(
                "SELECT COUNT(*) FROM {} WHERE {condition}",
                d.quote(self.place.0)
            ),
            problem: what,
        }
    }
}
