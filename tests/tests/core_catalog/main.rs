//! The ten core tables on the real servers. For each of SQLite, PostgreSQL
//! and MariaDB: run the rendered core DDL on a fresh database, read the
//! server's catalog, and compare it with `spec::SPEC`, which restates
//! shared/core-schema.md (and DESIGN.md's dialect mapping) by hand rather
//! than from the renderer. Then insert a row with only the required columns
//! into every table to see each default produced by the database, and delete
//! the flow to see ON DELETE CASCADE empty every child table, and insert a
//! second row to see a generated UUID differ from the first.
//!
//! Every mismatch is collected and reported at once as `table.column:
//! expected X, found Y`.

mod data;
mod spec;

use std::fmt::Write as _;

use invect_schema::DialectKind;
use invect_tests::catalog::{self, Catalog};
use invect_tests::{MySqlTestDb, PgTestDb, SqliteTestDb, core_ddl};

use data::{Db, check_data};
use spec::{ENUMS, SPEC, Table, Ty, expected_type};

// --- the catalog check -------------------------------------------------------

/// Every difference between `cat` and `SPEC`, one line each.
fn check_catalog(kind: DialectKind, cat: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    for extra in cat
        .tables
        .keys()
        .filter(|t| !SPEC.iter().any(|s| s.name == *t))
    {
        problems.push(format!("{extra}: unexpected table"));
    }
    for table in SPEC {
        let Some(found) = cat.tables.get(table.name) else {
            problems.push(format!("{}: table missing", table.name));
            continue;
        };
        check_columns(kind, table, found, &mut problems);
        check_keys(table, found, &mut problems);
        if kind == DialectKind::Mysql {
            check_json_checks(table, found, &mut problems);
        }
    }
    if kind == DialectKind::Postgres {
        for (name, labels) in ENUMS {
            match cat.enums.get(*name) {
                None => problems.push(format!("enum type {name}: missing")),
                Some(found) if found != labels => problems.push(format!(
                    "enum type {name}: expected labels {labels:?}, found {found:?}"
                )),
                Some(_) => {}
            }
        }
    }
    problems
}

fn check_columns(
    kind: DialectKind,
    table: &Table,
    found: &catalog::TableInfo,
    problems: &mut Vec<String>,
) {
    let t = table.name;
    for col in table.columns {
        let Some(f) = found.column(col.name) else {
            problems.push(format!("{t}.{}: column missing", col.name));
            continue;
        };
        let want = expected_type(kind, col.ty);
        if f.ty != want {
            problems.push(format!(
                "{t}.{}: expected type {want:?}, found {:?}",
                col.name, f.ty
            ));
        }
        if f.nullable == col.required {
            let says = |nullable: bool| if nullable { "NULL" } else { "NOT NULL" };
            problems.push(format!(
                "{t}.{}: expected {}, found {}",
                col.name,
                says(!col.required),
                says(f.nullable)
            ));
        }
    }
    for f in &found.columns {
        if !table.columns.iter().any(|c| c.name == f.name) {
            problems.push(format!("{t}.{}: unexpected column ({})", f.name, f.ty));
        }
    }
}

fn check_keys(table: &Table, found: &catalog::TableInfo, problems: &mut Vec<String>) {
    let t = table.name;
    if found.primary_key != table.primary_key {
        problems.push(format!(
            "{t}: expected primary key {:?}, found {:?}",
            table.primary_key, found.primary_key
        ));
    }
    for &(column, target, target_column) in table.foreign_keys {
        match found.foreign_keys.iter().find(|fk| fk.columns == [column]) {
            None => problems.push(format!(
                "{t}.{column}: foreign key to {target}.{target_column} missing"
            )),
            Some(fk) => {
                if fk.target_table != target || fk.target_columns != [target_column] {
                    problems.push(format!(
                        "{t}.{column}: expected a foreign key to {target}({target_column}), found one to {}({})",
                        fk.target_table,
                        fk.target_columns.join(", ")
                    ));
                }
                if fk.on_delete != "CASCADE" {
                    problems.push(format!(
                        "{t}.{column}: expected ON DELETE CASCADE, found ON DELETE {}",
                        fk.on_delete
                    ));
                }
            }
        }
        if !found
            .indexes
            .iter()
            .any(|i| i.columns.first().map(String::as_str) == Some(column))
        {
            problems.push(format!(
                "{t}.{column}: no index starts with this foreign-key column (indexes: {:?})",
                found.indexes
            ));
        }
    }
    for fk in &found.foreign_keys {
        if !table
            .foreign_keys
            .iter()
            .any(|(col, _, _)| fk.columns == [*col])
        {
            problems.push(format!("{t}: unexpected foreign key {fk:?}"));
        }
    }
    for &column in table.unique {
        if !found
            .indexes
            .iter()
            .any(|i| i.unique && i.columns == [column])
        {
            problems.push(format!(
                "{t}.{column}: no UNIQUE index on this column alone (indexes: {:?})",
                found.indexes
            ));
        }
    }
}

/// MariaDB stores JSON as LONGTEXT: the type is only real with its CHECK.
fn check_json_checks(table: &Table, found: &catalog::TableInfo, problems: &mut Vec<String>) {
    let normalized: Vec<String> = found
        .checks
        .iter()
        .map(|clause| clause.to_lowercase().replace(['`', ' '], ""))
        .collect();
    for col in table.columns.iter().filter(|c| matches!(c.ty, Ty::Json)) {
        let want = format!("json_valid({})", col.name);
        if !normalized.iter().any(|clause| clause.contains(&want)) {
            problems.push(format!(
                "{}.{}: expected a CHECK (json_valid(`{}`)), found checks {:?}",
                table.name, col.name, col.name, found.checks
            ));
        }
    }
}

fn assert_no_problems(server: &str, problems: &[String]) {
    if problems.is_empty() {
        return;
    }
    let mut msg = format!(
        "{server}: the core schema differs from core-schema.md in {} place(s):\n",
        problems.len()
    );
    for p in problems {
        let _ = writeln!(msg, "  - {p}");
    }
    panic!("{msg}");
}

// --- one test per database ---------------------------------------------------

#[tokio::test]
async fn core_tables_on_sqlite_match_the_spec() {
    let db = SqliteTestDb::new().await;
    db.apply(&core_ddl(DialectKind::Sqlite)).await;
    let mut problems = match catalog::read_sqlite(&db.pool).await {
        Ok(cat) => check_catalog(DialectKind::Sqlite, &cat),
        Err(e) => vec![format!("reading the catalog failed: {e}")],
    };
    problems.extend(check_data(Db::Sqlite(&db.pool)).await);
    db.drop().await;
    assert_no_problems("SQLite", &problems);
}

#[tokio::test]
async fn core_tables_on_postgres_match_the_spec() {
    let db = PgTestDb::new().await;
    db.apply(&core_ddl(DialectKind::Postgres)).await;
    let mut problems = match catalog::read_pg(&db.pool).await {
        Ok(cat) => check_catalog(DialectKind::Postgres, &cat),
        Err(e) => vec![format!("reading the catalog failed: {e}")],
    };
    problems.extend(check_data(Db::Pg(&db.pool)).await);
    db.drop().await;
    assert_no_problems("PostgreSQL", &problems);
}

#[tokio::test]
async fn core_tables_on_mariadb_match_the_spec() {
    let db = MySqlTestDb::new().await;
    db.apply(&core_ddl(DialectKind::Mysql)).await;
    let mut problems = match catalog::read_mysql(&db.pool).await {
        Ok(cat) => check_catalog(DialectKind::Mysql, &cat),
        Err(e) => vec![format!("reading the catalog failed: {e}")],
    };
    problems.extend(check_data(Db::MySql(&db.pool)).await);
    db.drop().await;
    assert_no_problems("MariaDB", &problems);
}
