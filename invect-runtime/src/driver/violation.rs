//! Constraint violations in the same words on every dialect: the kind from
//! sqlx's classification, the table, constraint and columns from what each
//! server says (its per-dialect reading is the driver's `violation_place`).

use sqlx::error::ErrorKind;

use super::{DialectKind, driver};
use crate::error::{ConstraintKind, Error, Violation};

/// Where a violated constraint sits, as far as the server's error says.
#[derive(Debug, Default)]
pub(crate) struct Place {
    pub table: Option<String>,
    pub constraint: Option<String>,
    pub columns: Vec<String>,
}

/// The error of a statement of dialect `kind`: a broken constraint becomes
/// [`Error::Constraint`], anything else [`Error::Database`].
pub(crate) fn statement_error(kind: DialectKind, e: sqlx::Error) -> Error {
    let sqlx::Error::Database(db) = &e else {
        return Error::Database(e);
    };
    let constraint = match db.kind() {
        ErrorKind::UniqueViolation => ConstraintKind::Unique,
        ErrorKind::ForeignKeyViolation => ConstraintKind::ForeignKey,
        ErrorKind::NotNullViolation => ConstraintKind::NotNull,
        ErrorKind::CheckViolation => ConstraintKind::Check,
        _ => return Error::Database(e),
    };
    let place = driver(kind).violation_place(db.as_ref());
    let db = db.as_ref();
    Error::Constraint(Box::new(Violation {
        kind: constraint,
        table: place.table,
        constraint: place.constraint,
        columns: place.columns,
        message: db.message().to_string(),
        source: Some(e),
    }))
}

/// The text between `start` and the next `end` in `s`.
pub(crate) fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

/// `a`, `b` out of a list like `` `a`, `b` `` or `a, b`.
pub(crate) fn names(list: &str) -> Vec<String> {
    list.split(',')
        .map(|c| {
            c.trim()
                .trim_matches(|ch| ch == '`' || ch == '"')
                .to_string()
        })
        .filter(|c| !c.is_empty())
        .collect()
}
