//! Rows for any declared schema, and what is compared before and after a
//! change: every table filled with `n` rows by multi-row `INSERT`s (values
//! derived from the row number, so a foreign key of row `i` points at row
//! `i` of its table), a checksum of every column of every table (each value
//! as the server writes it as text), row counts, and foreign keys checked
//! by the database itself (SQLite) or by joins (PostgreSQL, MariaDB).

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use invect_runtime::schema::{ColumnDef, ColumnType, DialectKind, Schema, TableDef};
use invect_runtime::{Db, Pool};
use sqlx::{AssertSqlSafe, Row};

/// Rows per `INSERT`.
const BATCH: usize = 500;

/// `(table, column)` → (row count, checksum of the column's values in key order).
pub type Sums = BTreeMap<(String, String), (usize, u64)>;

/// Rows of `sql`, every column read as optional text.
pub async fn text_rows(db: &Db, sql: &str) -> Vec<Vec<Option<String>>> {
    fn read<R: Row>(rows: Vec<R>) -> Result<Vec<Vec<Option<String>>>, sqlx::Error>
    where
        for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        usize: sqlx::ColumnIndex<R>,
    {
        rows.iter()
            .map(|r| (0..r.len()).map(|i| r.try_get(i)).collect())
            .collect()
    }
    let q = AssertSqlSafe(sql.to_string());
    let result = match db.pool() {
        Pool::Sqlite(p) => sqlx::query(q).fetch_all(p).await.and_then(read),
        Pool::Postgres(p) => sqlx::query(q).fetch_all(p).await.and_then(read),
        Pool::Mysql(p) => sqlx::query(q).fetch_all(p).await.and_then(read),
    };
    result.unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", db.kind()))
}

/// The one integer `sql` returns.
pub async fn int(db: &Db, sql: &str) -> i64 {
    let q = AssertSqlSafe(sql.to_string());
    let result = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar(q).fetch_one(p).await,
        Pool::Postgres(p) => sqlx::query_scalar(q).fetch_one(p).await,
        Pool::Mysql(p) => sqlx::query_scalar(q).fetch_one(p).await,
    };
    result.unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", db.kind()))
}

pub fn quote(kind: DialectKind, name: &str) -> String {
    kind.dialect().quote(name)
}

/// `column` as text, as the server writes it.
fn as_text(kind: DialectKind, column: &str) -> String {
    let q = quote(kind, column);
    match kind {
        DialectKind::Sqlite => format!("CAST({q} AS TEXT)"),
        DialectKind::Postgres => format!("{q}::text"),
        DialectKind::Mysql => format!("CAST({q} AS CHAR)"),
    }
}

/// Fills every table of `schema` (in creation order) with `n` rows.
pub async fn fill(db: &Db, schema: &Schema, n: usize) {
    for t in &schema.tables {
        fill_table(db, schema, &t.def, n).await;
    }
}

/// Fills the tables of `schema` named in `tables` with `n` rows each.
pub async fn fill_tables(db: &Db, schema: &Schema, tables: &[&str], n: usize) {
    for t in schema
        .tables
        .iter()
        .filter(|t| tables.contains(&&*t.def.name))
    {
        fill_table(db, schema, &t.def, n).await;
    }
}

async fn fill_table(db: &Db, schema: &Schema, t: &TableDef, n: usize) {
    let kind = db.kind();
    let names: Vec<String> = t.columns.iter().map(|c| quote(kind, &c.name)).collect();
    let head = format!(
        "INSERT INTO {} ({}) VALUES ",
        quote(kind, &t.name),
        names.join(", ")
    );
    for start in (0..n).step_by(BATCH) {
        let rows: Vec<String> = (start..n.min(start + BATCH))
            .map(|i| {
                let values: Vec<String> = t
                    .columns
                    .iter()
                    .map(|c| literal(kind, schema, t, c, i))
                    .collect();
                format!("({})", values.join(", "))
            })
            .collect();
        invect_tests::raw(db, &format!("{head}{}", rows.join(",\n"))).await;
    }
}

/// The SQL literal of column `c` of `t` in row `i`.
fn literal(kind: DialectKind, schema: &Schema, t: &TableDef, c: &ColumnDef, i: usize) -> String {
    let key = t.primary_key.contains(&c.name);
    if let Some(fk) = &c.references {
        if c.nullable && i % 5 == 4 {
            return "NULL".into();
        }
        let target = schema.table(&fk.table).expect("the referenced table");
        let col = target
            .def
            .column(&fk.column)
            .expect("the referenced column");
        return literal(kind, schema, &target.def, col, i);
    }
    if c.nullable && !key && !c.unique && i % 7 == 3 {
        return "NULL".into();
    }
    let text = |limit: Option<u32>| {
        let s = format!("{i}-{}-{}'s é😀", t.name, c.name);
        let s: String = match limit {
            Some(m) => s.chars().take(m as usize).collect(),
            None => s,
        };
        format!("'{}'", s.replace('\'', "''"))
    };
    match &c.ty {
        ColumnType::String { max_length } => {
            text(Some(max_length.unwrap_or(ColumnType::DEFAULT_MAX_LENGTH)))
        }
        ColumnType::Text => text(None),
        ColumnType::Number => format!("{}", i as i64 * 3 - 7),
        ColumnType::BigInt => format!("{}", i as i64 * 1_000_003),
        ColumnType::Boolean => match kind {
            DialectKind::Postgres => ["FALSE", "TRUE"][i % 2].into(),
            _ => ["0", "1"][i % 2].into(),
        },
        ColumnType::Date => {
            let (h, m, s) = (i / 3600 % 24, i / 60 % 60, i % 60);
            let day = 1 + i / 86_400 % 28;
            match kind {
                DialectKind::Sqlite => format!("'2024-02-{day:02}T{h:02}:{m:02}:{s:02}.123Z'"),
                DialectKind::Postgres => format!("'2024-02-{day:02} {h:02}:{m:02}:{s:02}.123+00'"),
                DialectKind::Mysql => format!("'2024-02-{day:02} {h:02}:{m:02}:{s:02}.123'"),
            }
        }
        ColumnType::Json => format!("'{{\"i\": {i}, \"s\": \"a''b\", \"l\": [1, null]}}'"),
        ColumnType::Uuid => format!("'00000000-0000-4000-8000-{i:012}'"),
        ColumnType::Enum(e) => format!("'{}'", e.values[i % e.values.len()]),
    }
}

/// Checksums of every column of the tables of `schema` the database has.
pub async fn sums(db: &Db, schema: &Schema) -> Sums {
    let mut out = Sums::new();
    for t in &schema.tables {
        let names: Vec<&str> = t.def.columns.iter().map(|c| &*c.name).collect();
        let key: Vec<&str> = t.def.primary_key.iter().map(|k| &**k).collect();
        out.extend(table_sums(db, &t.def.name, &key, &names).await);
    }
    out
}

/// Checksums of `columns` of `table`, rows in the order of their `key`.
pub async fn table_sums(db: &Db, table: &str, key: &[&str], columns: &[&str]) -> Sums {
    let kind = db.kind();
    let mut exprs: Vec<String> = key.iter().map(|k| as_text(kind, k)).collect();
    exprs.extend(columns.iter().map(|c| as_text(kind, c)));
    let sql = format!("SELECT {} FROM {}", exprs.join(", "), quote(kind, table));
    let mut rows = text_rows(db, &sql).await;
    rows.sort_by(|a, b| a[..key.len()].cmp(&b[..key.len()]));
    columns
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let mut h = DefaultHasher::new();
            for r in &rows {
                r[key.len() + j].hash(&mut h);
            }
            ((table.to_string(), c.to_string()), (rows.len(), h.finish()))
        })
        .collect()
}

/// Row counts of the tables of `schema`.
pub async fn counts(db: &Db, schema: &Schema) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for t in &schema.tables {
        let q = quote(db.kind(), &t.def.name);
        out.insert(
            t.def.name.to_string(),
            int(db, &format!("SELECT COUNT(*) FROM {q}")).await,
        );
    }
    out
}

/// Problems with the foreign keys `schema` declares: on SQLite what
/// `PRAGMA foreign_key_check` reports; elsewhere rows whose key has no
/// parent row (by a join), and declared keys the catalog lacks.
pub async fn foreign_key_problems(db: &Db, schema: &Schema) -> Vec<String> {
    let kind = db.kind();
    if kind == DialectKind::Sqlite {
        let rows = text_rows(db, "PRAGMA foreign_key_check").await;
        return rows.iter().map(|r| format!("{r:?}")).collect();
    }
    let mut problems = Vec::new();
    for t in &schema.tables {
        for c in t.def.columns.iter() {
            let Some(fk) = &c.references else { continue };
            let q = |n: &str| quote(kind, n);
            let orphans = format!(
                "SELECT COUNT(*) FROM {} c LEFT JOIN {} p ON c.{} = p.{} \
                 WHERE c.{} IS NOT NULL AND p.{} IS NULL",
                q(&t.def.name),
                q(&fk.table),
                q(&c.name),
                q(&fk.column),
                q(&c.name),
                q(&fk.column)
            );
            let n = int(db, &orphans).await;
            if n > 0 {
                problems.push(format!("{}.{}: {n} orphan row(s)", t.def.name, c.name));
            }
            if constraints(db, &t.def.name, &c.name, &fk.table).await == 0 {
                problems.push(format!(
                    "{}.{}: no foreign key constraint to {} in the catalog",
                    t.def.name, c.name, fk.table
                ));
            }
        }
    }
    problems
}

/// How many foreign key constraints on `table.column` reference `target`.
async fn constraints(db: &Db, table: &str, column: &str, target: &str) -> i64 {
    let sql = match db.kind() {
        DialectKind::Postgres => format!(
            "SELECT COUNT(*) FROM pg_constraint k \
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) \
             WHERE k.contype = 'f' AND k.conrelid = '\"{table}\"'::regclass \
             AND k.confrelid = '\"{target}\"'::regclass AND a.attname = '{column}'"
        ),
        _ => format!(
            "SELECT COUNT(*) FROM information_schema.KEY_COLUMN_USAGE \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' \
             AND COLUMN_NAME = '{column}' AND REFERENCED_TABLE_NAME = '{target}'"
        ),
    };
    int(db, &sql).await
}
