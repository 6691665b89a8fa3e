//! Reading a live database's schema into plain data, per dialect, with a
//! fixed number of catalog queries whatever the number of tables. Read-only:
//! works for a user that can only SELECT.

mod mysql;
mod postgres;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet};

use invect_schema::{ColumnDef, ColumnType, DefaultValue, DialectKind};

use crate::Db;
use crate::error::Result;

/// A column as the server describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveColumn {
    pub name: String,
    /// The server's own type text, lower-cased (`timestamp(3) with time zone`,
    /// `varchar(255)`, `TEXT` → `text`, an enum type's name on PostgreSQL,
    /// `enum('a','b')` on MySQL).
    pub data_type: String,
    pub nullable: bool,
    /// MariaDB: the column has a `json_valid(...)` CHECK (its JSON is LONGTEXT).
    pub json_check: bool,
    /// The default as the server writes it (`now()`, `'PENDING'::"status"`,
    /// `current_timestamp(3)`, `'x'`); `None` without one.
    pub default: Option<String>,
}

/// An index (including unique constraints' indexes; not the primary key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveIndex {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    /// False for PostgreSQL's INVALID index, left by a `CREATE INDEX
    /// CONCURRENTLY` that failed or was interrupted: kept up to date by
    /// writes but never used, and a unique one enforces nothing reliably.
    pub valid: bool,
}

/// A foreign key constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub target_table: String,
    pub target_columns: Vec<String>,
    /// `CASCADE`, `SET NULL`, `RESTRICT`, `NO ACTION`.
    pub on_delete: String,
}

/// A base table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveTable {
    /// In ordinal order.
    pub columns: Vec<LiveColumn>,
    pub primary_key: Vec<String>,
    pub indexes: Vec<LiveIndex>,
    pub foreign_keys: Vec<LiveForeignKey>,
}

impl LiveTable {
    pub fn column(&self, name: &str) -> Option<&LiveColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Adds the next key column of index `name` (catalogs list an index one
    /// row per column, in key order), creating the index on its first row.
    pub(crate) fn push_index_column(&mut self, name: String, column: String, unique: bool) {
        match self.indexes.iter_mut().find(|i| i.name == name) {
            Some(index) => index.columns.push(column),
            None => self.indexes.push(LiveIndex {
                name,
                columns: vec![column],
                unique,
                valid: true,
            }),
        }
    }
}

/// Everything introspection saw in the current schema / database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveSchema {
    pub tables: BTreeMap<String, LiveTable>,
    /// Views and other non-table relations, by name (they block a CREATE TABLE).
    pub other_relations: BTreeSet<String>,
    /// PostgreSQL enum types and their labels in order.
    pub enums: BTreeMap<String, Vec<String>>,
    /// How many catalog queries this introspection ran.
    pub queries: usize,
}

/// Reads the schema of the database `db` is connected to (PostgreSQL: the
/// current schema, `current_schema()`; MySQL: `DATABASE()`; SQLite: `main`).
pub async fn introspect(db: &Db) -> Result<LiveSchema> {
    let mut conn = db.acquire().await?;
    conn.begin_read().await?;
    let live = introspect_conn(&mut conn).await;
    conn.end_read().await?;
    live
}

/// Reads the schema on one connection, inside whatever transaction it is in
/// (push reads and writes under one lock and transaction).
pub(crate) async fn introspect_conn(conn: &mut crate::driver::Conn) -> Result<LiveSchema> {
    use crate::driver::Conn;
    match conn {
        Conn::Sqlite(c) => sqlite::read(c).await,
        Conn::Postgres(c) => postgres::read(c).await,
        Conn::Mysql(c) => mysql::read(c).await,
    }
}

/// Whether a live column's type is what `expected` renders to in `kind`,
/// after normalizing the server's aliases (int4 = integer, MariaDB's JSON =
/// LONGTEXT with a json_valid CHECK, `int(11)` = `int`...).
pub fn type_matches(kind: DialectKind, expected: &ColumnType, live: &LiveColumn) -> bool {
    match kind {
        DialectKind::Sqlite => sqlite::type_matches(expected, live),
        DialectKind::Postgres => postgres::type_matches(expected, live),
        DialectKind::Mysql => mysql::type_matches(expected, live),
    }
}

/// Whether a live column's default is the one `c` declares in `kind`: the
/// same value, whatever the server's spelling (casts, quotes, parentheses,
/// `1` for `true`). A declared default that gets no DDL default in `kind`
/// (`uuid` on SQLite, made by the client) expects none.
pub fn default_matches(kind: DialectKind, c: &ColumnDef, live: &LiveColumn) -> bool {
    let declared = c
        .default
        .as_ref()
        .filter(|d| kind.dialect().default_expr(d, &c.ty).is_some());
    let live = live.default.as_deref();
    match kind {
        DialectKind::Sqlite => sqlite::default_matches(declared, &c.ty, live),
        DialectKind::Postgres => postgres::default_matches(declared, &c.ty, live),
        DialectKind::Mysql => mysql::default_matches(declared, &c.ty, live),
    }
}

/// Whether `value`, the text of a literal default without its quotes, is
/// the string, integer or boolean `declared` (JSON compared as JSON, since
/// PostgreSQL rewrites `jsonb` text).
fn literal_matches(declared: &DefaultValue, ty: &ColumnType, value: &str) -> bool {
    match declared {
        DefaultValue::Str(s) if *ty == ColumnType::Json => same_json(s, value),
        DefaultValue::Str(s) => s == value,
        DefaultValue::Int(i) => value.trim().parse::<i64>() == Ok(*i),
        DefaultValue::Bool(b) => match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" => *b,
            "0" | "false" => !*b,
            _ => false,
        },
        DefaultValue::Now | DefaultValue::Uuid => false,
    }
}

/// Two JSON texts with the same value; texts that are not JSON compare as text.
fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// `text` without the parentheses that enclose all of it, and trimmed:
/// `((now()))` → `now()`, but `(a) + (b)` stays.
fn strip_parens(text: &str) -> &str {
    let mut t = text.trim();
    while let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        if !balanced(inner) {
            break;
        }
        t = inner.trim();
    }
    t
}

/// Whether every parenthesis outside quotes in `text` closes in order.
fn balanced(text: &str) -> bool {
    let (mut depth, mut quote) = (0i32, None);
    for c in text.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0 && quote.is_none()
}

/// The value of a standard SQL string literal, `'it''s'` → `it's`; `None`
/// when `text` is not exactly one such literal.
fn sql_string(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner.replace("''", "").contains('\'') {
        return None;
    }
    Some(inner.replace("''", "'"))
}

/// Whether a default's text is SQL `NULL` (an explicit `DEFAULT NULL`,
/// which is no default).
fn is_null(text: &str) -> bool {
    strip_parens(text).eq_ignore_ascii_case("null")
}

/// The abstract type a live column has, when it is one Invect renders
/// (push reads it to tell a widening change from a narrowing one). Enum
/// columns give `None`: their values are compared on their own.
pub fn live_type(kind: DialectKind, live: &LiveColumn) -> Option<ColumnType> {
    let length = live
        .data_type
        .trim()
        .strip_prefix("varchar(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|n| n.parse().ok());
    [
        ColumnType::Number,
        ColumnType::BigInt,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::Json,
        ColumnType::Uuid,
        ColumnType::Text,
        ColumnType::String { max_length: length },
    ]
    .into_iter()
    .find(|ty| type_matches(kind, ty, live))
}
