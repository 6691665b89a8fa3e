//! Reads a live database's catalog into one shape for all three databases,
//! so a test can compare what the server really has with what it expects.
//!
//! Types are reported as each server shows them: PostgreSQL's
//! `format_type()` (`timestamp(3) with time zone`, `jsonb`, an enum type's
//! name), MariaDB's `information_schema.COLUMNS.COLUMN_TYPE` (`varchar(255)`,
//! `int(11)`, `enum('A','B')`) and SQLite's declared type (`TEXT`).

use std::collections::BTreeMap;

use sqlx::{MySqlPool, PgPool, Row, SqlitePool};

/// Everything read from one database.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Tables by name.
    pub tables: BTreeMap<String, TableInfo>,
    /// PostgreSQL enum types and their labels in order (empty elsewhere).
    pub enums: BTreeMap<String, Vec<String>>,
}

/// One table as the server has it.
#[derive(Debug, Clone, Default)]
pub struct TableInfo {
    /// Columns in table order.
    pub columns: Vec<ColumnInfo>,
    /// Primary-key columns in key order.
    pub primary_key: Vec<String>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKeyInfo>,
    /// Indexes, including the ones behind primary keys and unique constraints.
    pub indexes: Vec<IndexInfo>,
    /// CHECK constraint clauses (MariaDB only).
    pub checks: Vec<String>,
}

impl TableInfo {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// One column as the server has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: String,
    /// The type as the server shows it.
    pub ty: String,
    pub nullable: bool,
}

/// One foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyInfo {
    pub columns: Vec<String>,
    pub target_table: String,
    pub target_columns: Vec<String>,
    /// The ON DELETE action, upper case: `CASCADE`, `NO ACTION`, ...
    pub on_delete: String,
}

/// One index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

fn get<'r, T, R>(row: &'r R, column: &str) -> T
where
    R: Row,
    T: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
{
    row.try_get(column)
        .unwrap_or_else(|e| panic!("catalog column {column}: {e}"))
}

/// Reads the `public` schema of a PostgreSQL database.
pub async fn read_pg(pool: &PgPool) -> sqlx::Result<Catalog> {
    let mut cat = Catalog::default();
    let columns = sqlx::query(
        "SELECT c.relname::text AS table_name, a.attname::text AS column_name,
                format_type(a.atttypid, a.atttypmod) AS ty, NOT a.attnotnull AS nullable
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
           AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum",
    )
    .fetch_all(pool)
    .await?;
    for row in &columns {
        let table: String = get(row, "table_name");
        cat.tables
            .entry(table)
            .or_default()
            .columns
            .push(ColumnInfo {
                name: get(row, "column_name"),
                ty: get(row, "ty"),
                nullable: get(row, "nullable"),
            });
    }

    let constraints = sqlx::query(
        "SELECT rel.relname::text AS table_name, con.contype::text AS kind,
                coalesce(ref.relname::text, '') AS target_table,
                con.confdeltype::text AS on_delete,
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
                      ORDER BY k.ord) AS columns,
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
                      ORDER BY k.ord) AS target_columns
         FROM pg_constraint con
         JOIN pg_class rel ON rel.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = rel.relnamespace
         LEFT JOIN pg_class ref ON ref.oid = con.confrelid
         WHERE n.nspname = 'public' AND con.contype IN ('p', 'f')
         ORDER BY rel.relname, con.conname",
    )
    .fetch_all(pool)
    .await?;
    for row in &constraints {
        let table: String = get(row, "table_name");
        let kind: String = get(row, "kind");
        let columns: Vec<String> = get(row, "columns");
        let info = cat.tables.entry(table).or_default();
        if kind == "p" {
            info.primary_key = columns;
        } else {
            let code: String = get(row, "on_delete");
            info.foreign_keys.push(ForeignKeyInfo {
                columns,
                target_table: get(row, "target_table"),
                target_columns: get(row, "target_columns"),
                on_delete: pg_action(&code).to_owned(),
            });
        }
    }

    let indexes = sqlx::query(
        "SELECT t.relname::text AS table_name, i.relname::text AS index_name,
                ix.indisunique AS is_unique,
                ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.num
                      ORDER BY k.ord) AS columns
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public'
         ORDER BY t.relname, i.relname",
    )
    .fetch_all(pool)
    .await?;
    for row in &indexes {
        let table: String = get(row, "table_name");
        cat.tables
            .entry(table)
            .or_default()
            .indexes
            .push(IndexInfo {
                name: get(row, "index_name"),
                columns: get(row, "columns"),
                unique: get(row, "is_unique"),
            });
    }

    let labels = sqlx::query(
        "SELECT t.typname::text AS type_name, e.enumlabel::text AS label
         FROM pg_type t
         JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = 'public'
         ORDER BY t.typname, e.enumsortorder",
    )
    .fetch_all(pool)
    .await?;
    for row in &labels {
        let name: String = get(row, "type_name");
        cat.enums.entry(name).or_default().push(get(row, "label"));
    }
    Ok(cat)
}

/// `pg_constraint.confdeltype` as SQL words.
fn pg_action(code: &str) -> &'static str {
    match code {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "UNKNOWN",
    }
}

/// Reads the current database (`DATABASE()`) of a MariaDB/MySQL server.
pub async fn read_mysql(pool: &MySqlPool) -> sqlx::Result<Catalog> {
    let mut cat = Catalog::default();
    // CAST(.. AS CHAR): MySQL 8 reports some information_schema columns as
    // binary strings; MariaDB does not, but the cast costs nothing.
    let columns = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(COLUMN_NAME AS CHAR) AS column_name,
                CAST(COLUMN_TYPE AS CHAR) AS ty, CAST(IS_NULLABLE AS CHAR) AS nullable
         FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE()
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .fetch_all(pool)
    .await?;
    for row in &columns {
        let table: String = get(row, "table_name");
        let nullable: String = get(row, "nullable");
        cat.tables
            .entry(table)
            .or_default()
            .columns
            .push(ColumnInfo {
                name: get(row, "column_name"),
                ty: get(row, "ty"),
                nullable: nullable == "YES",
            });
    }

    let key_columns = sqlx::query(
        "SELECT CAST(k.TABLE_NAME AS CHAR) AS table_name,
                CAST(k.CONSTRAINT_NAME AS CHAR) AS constraint_name,
                CAST(k.COLUMN_NAME AS CHAR) AS column_name,
                CAST(coalesce(k.REFERENCED_TABLE_NAME, '') AS CHAR) AS target_table,
                CAST(coalesce(k.REFERENCED_COLUMN_NAME, '') AS CHAR) AS target_column,
                CAST(coalesce(r.DELETE_RULE, '') AS CHAR) AS on_delete
         FROM information_schema.KEY_COLUMN_USAGE k
         LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA
          AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
          AND r.TABLE_NAME = k.TABLE_NAME
         WHERE k.TABLE_SCHEMA = DATABASE()
           AND (k.CONSTRAINT_NAME = 'PRIMARY' OR k.REFERENCED_TABLE_NAME IS NOT NULL)
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .fetch_all(pool)
    .await?;
    let mut fks: BTreeMap<(String, String), ForeignKeyInfo> = BTreeMap::new();
    for row in &key_columns {
        let table: String = get(row, "table_name");
        let constraint: String = get(row, "constraint_name");
        let column: String = get(row, "column_name");
        if constraint == "PRIMARY" {
            cat.tables
                .entry(table)
                .or_default()
                .primary_key
                .push(column);
            continue;
        }
        let fk = fks
            .entry((table, constraint))
            .or_insert_with(|| ForeignKeyInfo {
                columns: Vec::new(),
                target_table: get(row, "target_table"),
                target_columns: Vec::new(),
                on_delete: get::<String, _>(row, "on_delete").to_uppercase(),
            });
        fk.columns.push(column);
        fk.target_columns.push(get(row, "target_column"));
    }
    for ((table, _), fk) in fks {
        cat.tables.entry(table).or_default().foreign_keys.push(fk);
    }

    let index_columns = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(INDEX_NAME AS CHAR) AS index_name,
                CAST(COLUMN_NAME AS CHAR) AS column_name, NON_UNIQUE = 0 AS is_unique
         FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = DATABASE()
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .fetch_all(pool)
    .await?;
    for row in &index_columns {
        let table: String = get(row, "table_name");
        let name: String = get(row, "index_name");
        let column: String = get(row, "column_name");
        let unique: bool = get(row, "is_unique");
        let indexes = &mut cat.tables.entry(table).or_default().indexes;
        match indexes.iter_mut().find(|i| i.name == name) {
            Some(index) => index.columns.push(column),
            None => indexes.push(IndexInfo {
                name,
                columns: vec![column],
                unique,
            }),
        }
    }

    let checks = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(CHECK_CLAUSE AS CHAR) AS clause
         FROM information_schema.CHECK_CONSTRAINTS
         WHERE CONSTRAINT_SCHEMA = DATABASE()
         ORDER BY TABLE_NAME, CONSTRAINT_NAME",
    )
    .fetch_all(pool)
    .await?;
    for row in &checks {
        let table: String = get(row, "table_name");
        cat.tables
            .entry(table)
            .or_default()
            .checks
            .push(get(row, "clause"));
    }
    Ok(cat)
}

/// Reads a SQLite database (its `main` schema).
pub async fn read_sqlite(pool: &SqlitePool) -> sqlx::Result<Catalog> {
    let mut cat = Catalog::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema
         WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
         ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    for table in tables {
        let mut info = TableInfo::default();

        let columns = sqlx::query(
            "SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info(?1) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(pool)
        .await?;
        let mut pk: Vec<(i64, String)> = Vec::new();
        for row in &columns {
            let name: String = get(row, "name");
            let position: i64 = get(row, "pk");
            if position > 0 {
                pk.push((position, name.clone()));
            }
            let not_null: i64 = get(row, "not_null");
            info.columns.push(ColumnInfo {
                name,
                ty: get(row, "type"),
                nullable: not_null == 0,
            });
        }
        pk.sort();
        info.primary_key = pk.into_iter().map(|(_, name)| name).collect();

        let fk_rows = sqlx::query(
            "SELECT id, \"table\" AS target_table, \"from\" AS from_column, \"to\" AS to_column,
                    on_delete
             FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )
        .bind(&table)
        .fetch_all(pool)
        .await?;
        let mut fks: BTreeMap<i64, ForeignKeyInfo> = BTreeMap::new();
        for row in &fk_rows {
            let fk = fks.entry(get(row, "id")).or_insert_with(|| ForeignKeyInfo {
                columns: Vec::new(),
                target_table: get(row, "target_table"),
                target_columns: Vec::new(),
                on_delete: get::<String, _>(row, "on_delete").to_uppercase(),
            });
            fk.columns.push(get(row, "from_column"));
            fk.target_columns.push(get(row, "to_column"));
        }
        info.foreign_keys = fks.into_values().collect();

        let index_rows = sqlx::query(
            "SELECT name, \"unique\" AS is_unique FROM pragma_index_list(?1) ORDER BY name",
        )
        .bind(&table)
        .fetch_all(pool)
        .await?;
        for row in &index_rows {
            let name: String = get(row, "name");
            let unique: i64 = get(row, "is_unique");
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(pool)
                    .await?;
            info.indexes.push(IndexInfo {
                name,
                columns,
                unique: unique != 0,
            });
        }
        cat.tables.insert(table, info);
    }
    Ok(cat)
}
