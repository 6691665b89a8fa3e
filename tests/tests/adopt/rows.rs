//! The TypeScript Invect's DDL, rows valid by its foreign keys for every
//! table, and a digest of every column of every row that survives the
//! type conversions adoption makes (instants as epoch milliseconds, JSON
//! as its value), with renamed tables under their declared names.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use invect_runtime::introspect::LiveSchema;
use invect_runtime::schema::{ColumnType, DialectKind, Schema};
use invect_runtime::{Db, Pool};
use invect_tests::{core_schema, raw};
use sqlx::{AssertSqlSafe, Row};

/// By declared table name: `(rows, digest of every column of every row)`.
pub type Digests = BTreeMap<String, (usize, u64)>;

/// The fixture's statements for `kind`, with `replace` (from, to) applied once.
pub fn fixture(kind: DialectKind, replace: Option<(&str, &str)>) -> Vec<String> {
    let file = match kind {
        DialectKind::Sqlite => "sqlite.sql",
        DialectKind::Postgres => "postgres.sql",
        DialectKind::Mysql => "mysql.sql",
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/typescript-invect")
        .join(file);
    let mut sql = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if let Some((from, to)) = replace {
        assert!(sql.contains(from), "{file} has no `{from}`");
        sql = sql.replacen(from, to, 1);
    }
    sql.split("--> statement-breakpoint")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The declared name of a fixture table.
fn declared_name(schema: &Schema, live: &str) -> String {
    schema
        .tables
        .iter()
        .find(|t| t.def.name == live || t.def.renamed_from.as_deref() == Some(live))
        .map(|t| t.def.name.to_string())
        .unwrap_or_else(|| live.to_string())
}

fn ty<'a>(schema: &'a Schema, table: &str, column: &str) -> Option<&'a ColumnType> {
    Some(&schema.table(table)?.def.column(column)?.ty)
}

/// Inserts `n` rows into every table of `live` (parents first), every
/// column given a value (a nullable one NULL in every fourth row).
pub async fn fill(db: &Db, live: &LiveSchema, n: usize) {
    let schema = core_schema();
    let d = db.kind().dialect();
    for t in &schema.tables {
        let declared = t.def.name.to_string();
        let Some((live_name, lt)) = live
            .tables
            .iter()
            .find(|(name, _)| declared_name(&schema, name) == declared)
        else {
            panic!("the fixture lacks {declared}");
        };
        let columns: Vec<String> = lt.columns.iter().map(|c| d.quote(&c.name)).collect();
        let mut values = Vec::new();
        for i in 0..n {
            let row: Vec<String> = lt
                .columns
                .iter()
                .map(|c| {
                    let def = t.def.column(&c.name);
                    if c.nullable && i % 4 == 0 {
                        return "NULL".into();
                    }
                    value(&schema, &declared, def, &c.name, i)
                })
                .collect();
            values.push(format!("({})", row.join(", ")));
        }
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            d.quote(live_name),
            columns.join(", "),
            values.join(", ")
        );
        raw(db, &sql).await;
    }
}

/// Row `i`'s value of a column: keys follow the row number, so row `i` of
/// a child refers to row `i` of its parent.
fn value(
    schema: &Schema,
    table: &str,
    def: Option<&invect_runtime::schema::ColumnDef>,
    column: &str,
    i: usize,
) -> String {
    let Some(def) = def else {
        return format!("'{column}-{table}-{i}'");
    };
    if let Some(r) = &def.references {
        return key(schema, &r.table, i);
    }
    if schema
        .table(table)
        .is_some_and(|t| t.def.primary_key.contains(&def.name) && t.def.primary_key.len() == 1)
    {
        return key(schema, table, i);
    }
    match &def.ty {
        ColumnType::Enum(e) => format!("'{}'", e.values[i % e.values.len()]),
        ColumnType::Number | ColumnType::BigInt => (i % 7 + 1).to_string(),
        ColumnType::Boolean => if i.is_multiple_of(2) { "TRUE" } else { "FALSE" }.into(),
        ColumnType::Date => format!(
            "'2025-{:02}-{:02} {:02}:{:02}:{:02}.{:03}'",
            1 + i % 12,
            1 + i % 28,
            i % 24,
            i % 60,
            (i * 7) % 60,
            (i * 37) % 1000
        ),
        ColumnType::Json => format!("'{{\"row\": {i}, \"tags\": [\"a\", \"it''s\"]}}'"),
        ColumnType::Uuid => format!("'{}'", uuid(99, i)),
        ColumnType::String { .. } | ColumnType::Text => format!("'{column} {i} ''quoted'''"),
    }
}

/// Row `i`'s primary key in `table` (a UUID per table, or flows' text id).
fn key(schema: &Schema, table: &str, i: usize) -> String {
    let n = schema
        .tables
        .iter()
        .position(|t| t.def.name == table)
        .expect("a declared table");
    match ty(schema, table, "id") {
        Some(ColumnType::Uuid) => format!("'{}'", uuid(n, i)),
        _ => format!("'{table}-{i}'"),
    }
}

fn uuid(table: usize, i: usize) -> String {
    format!("{table:08x}-0000-4000-8000-{i:012x}")
}

/// The digest of every table of `live` (the fixture's tables); `renamed`:
/// read them under their declared names (after adoption).
pub async fn digests(db: &Db, live: &LiveSchema, renamed: bool) -> Digests {
    let schema = core_schema();
    let kind = db.kind();
    let d = kind.dialect();
    let mut out = Digests::new();
    for (live_name, lt) in &live.tables {
        let declared = declared_name(&schema, live_name);
        let table = if renamed { &declared } else { live_name };
        let exprs: Vec<String> = lt
            .columns
            .iter()
            .map(|c| {
                let col = d.quote(&c.name);
                let text = render(kind, &col, ty(&schema, &declared, &c.name));
                format!("COALESCE({text}, '~null~')")
            })
            .collect();
        let order: Vec<String> = lt.primary_key.iter().map(|k| d.quote(k)).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            exprs.join(", "),
            d.quote(table),
            order.join(", ")
        );
        let rows = fetch(db, &sql, exprs.len()).await;
        let mut h = DefaultHasher::new();
        rows.hash(&mut h);
        out.insert(declared, (rows.len(), h.finish()));
    }
    out
}

/// A column as text that its adopted type renders the same.
fn render(kind: DialectKind, col: &str, ty: Option<&ColumnType>) -> String {
    match (kind, ty) {
        (DialectKind::Postgres, Some(ColumnType::Date)) => {
            format!("CAST(EXTRACT(EPOCH FROM {col}) * 1000 AS TEXT)")
        }
        (DialectKind::Postgres, Some(ColumnType::Json)) => {
            format!("CAST(CAST(CAST({col} AS TEXT) AS JSONB) AS TEXT)")
        }
        (DialectKind::Mysql, Some(ColumnType::Date)) => {
            format!("CAST(ROUND(UNIX_TIMESTAMP({col}) * 1000) AS CHAR)")
        }
        (DialectKind::Mysql, _) => format!("CAST({col} AS CHAR)"),
        _ => format!("CAST({col} AS TEXT)"),
    }
}

async fn fetch(db: &Db, sql: &str, width: usize) -> Vec<Vec<String>> {
    macro_rules! read {
        ($pool:expr) => {
            sqlx::query(AssertSqlSafe(sql.to_string()))
                .fetch_all($pool)
                .await
                .unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", db.kind()))
                .iter()
                .map(|r| (0..width).map(|i| r.get::<String, _>(i)).collect())
                .collect()
        };
    }
    match db.pool() {
        Pool::Sqlite(p) => read!(p),
        Pool::Postgres(p) => read!(p),
        Pool::Mysql(p) => read!(p),
    }
}
