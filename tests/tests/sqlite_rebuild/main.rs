//! `rebuild_table` on real SQLite files (foreign keys on, as sqlx opens
//! every connection): a table referenced from an `ON DELETE CASCADE` and an
//! `ON DELETE SET NULL` table (and a grandchild), with a composite key, a
//! unique column, a declared index and a foreign key of its own, rebuilt
//! inside one transaction and as an sqlx migration, keeps every row; a fill
//! that breaks a foreign key fails and changes nothing. And why a plain
//! rename or `defer_foreign_keys` would not do.

use std::borrow::Cow::{Borrowed, Owned};

use invect_schema::{
    ColumnDef, ColumnType, DefaultValue, Dialect, ForeignKey, IndexDef, Name, OnDelete, Sqlite,
    TableDef, rebuild_table, referencing_tables, render_table, script_text,
};
use invect_tests::SqliteTestDb;
use sqlx::{AssertSqlSafe, SqlitePool};

/// Rows in each table.
const ROWS: i64 = 1_200;

fn column(name: &'static str, ty: ColumnType) -> ColumnDef {
    ColumnDef::new(name, ty)
}

fn nullable(c: ColumnDef) -> ColumnDef {
    ColumnDef {
        nullable: true,
        ..c
    }
}

fn refers(
    c: ColumnDef,
    table: &'static str,
    column: &'static str,
    on_delete: OnDelete,
) -> ColumnDef {
    ColumnDef {
        references: Some(ForeignKey {
            table: Borrowed(table),
            column: Borrowed(column),
            on_delete,
        }),
        ..c
    }
}

fn table(name: &'static str, columns: Vec<ColumnDef>, key: &[&'static str]) -> TableDef {
    TableDef {
        name: Borrowed(name),
        columns: Owned(columns),
        primary_key: Owned(key.iter().map(|k| Borrowed(*k)).collect()),
        indexes: Borrowed(&[]),
        order: 0,
        renamed_from: None,
    }
}

/// `parents` before the change: `code` text holding numbers, `note`
/// nullable, `label` NOT NULL with a default, `status` defaulting to `new`.
fn parents_before() -> TableDef {
    let mut t = table(
        "parents",
        vec![
            column("region", ColumnType::STRING),
            ColumnDef {
                unique: true,
                ..column("id", ColumnType::Number)
            },
            column("code", ColumnType::STRING),
            column("big", ColumnType::Number),
            nullable(column("note", ColumnType::Text)),
            ColumnDef {
                default: Some(DefaultValue::Str(Borrowed("x"))),
                ..column("label", ColumnType::STRING)
            },
            ColumnDef {
                default: Some(DefaultValue::Str(Borrowed("new"))),
                ..column("status", ColumnType::STRING)
            },
            refers(
                nullable(column("owner_id", ColumnType::Number)),
                "owners",
                "id",
                OnDelete::Restrict,
            ),
            refers(
                nullable(column("up", ColumnType::Number)),
                "parents",
                "id",
                OnDelete::SetNull,
            ),
        ],
        &["region", "id"],
    );
    t.indexes = Owned(vec![IndexDef {
        columns: Owned(vec![Borrowed("status"), Borrowed("code")]),
        unique: false,
    }]);
    t
}

/// `parents` after: `code` an integer, `big` a bigint, `note` NOT NULL,
/// `label` nullable, `status` defaulting to `active`.
fn parents_after() -> TableDef {
    let mut t = parents_before();
    let mut columns = t.columns.to_vec();
    for c in &mut columns {
        match c.name.as_ref() {
            "code" => c.ty = ColumnType::Number,
            "big" => c.ty = ColumnType::BigInt,
            "note" => c.nullable = false,
            "label" => c.nullable = true,
            "status" => c.default = Some(DefaultValue::Str(Borrowed("active"))),
            _ => {}
        }
    }
    t.columns = Owned(columns);
    t
}

/// The old row's value of each column of `parents_after`.
fn fill() -> Vec<(Name, String)> {
    parents_after()
        .columns
        .iter()
        .map(|c| {
            let q = Sqlite.quote(&c.name);
            let expr = match c.name.as_ref() {
                "code" => format!("CAST({q} AS INTEGER)"),
                "note" => format!("COALESCE({q}, 'none')"),
                _ => q,
            };
            (c.name.clone(), expr)
        })
        .collect()
}

/// Every table: owners, parents, the two children, the grandchild.
fn schema() -> Vec<TableDef> {
    vec![
        table(
            "owners",
            vec![
                column("id", ColumnType::Number),
                column("name", ColumnType::STRING),
            ],
            &["id"],
        ),
        parents_before(),
        table(
            "cascade_children",
            vec![
                column("id", ColumnType::Number),
                refers(
                    column("parent_id", ColumnType::Number),
                    "parents",
                    "id",
                    OnDelete::Cascade,
                ),
                column("payload", ColumnType::Text),
            ],
            &["id"],
        ),
        table(
            "setnull_children",
            vec![
                column("id", ColumnType::Number),
                refers(
                    nullable(column("parent_id", ColumnType::Number)),
                    "parents",
                    "id",
                    OnDelete::SetNull,
                ),
            ],
            &["id"],
        ),
        table(
            "grandchildren",
            vec![
                column("id", ColumnType::Number),
                refers(
                    column("child_id", ColumnType::Number),
                    "cascade_children",
                    "id",
                    OnDelete::Cascade,
                ),
            ],
            &["id"],
        ),
    ]
}

/// Every table but `parents`, in `schema` order.
const OTHERS: [&str; 4] = [
    "owners",
    "cascade_children",
    "setnull_children",
    "grandchildren",
];

/// The five tables with [`ROWS`] rows each (a tenth of `note` NULL, a chain of `up`).
async fn seeded() -> SqliteTestDb {
    let db = SqliteTestDb::new().await;
    let mut sql: Vec<String> = schema()
        .iter()
        .flat_map(|t| render_table(&Sqlite, t))
        .collect();
    let series =
        format!("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {ROWS})");
    sql.extend([
        format!("{series} INSERT INTO owners SELECT i, 'owner ' || i FROM s"),
        format!(
            "{series} INSERT INTO parents (region, id, code, big, note, label, status, owner_id, up) \
             SELECT 'r' || (i % 7), i, CAST(i * 3 AS TEXT), i * 1000000, \
             CASE WHEN i % 10 = 0 THEN NULL ELSE 'note ' || i END, 'label ' || i, \
             CASE WHEN i % 2 = 0 THEN 'new' ELSE 'done' END, i, NULLIF(i - 1, 0) FROM s"
        ),
        format!("{series} INSERT INTO cascade_children SELECT i, i, 'payload ' || i FROM s"),
        format!("{series} INSERT INTO setnull_children SELECT i, i FROM s"),
        format!("{series} INSERT INTO grandchildren SELECT i, i FROM s"),
    ]);
    db.apply(&sql).await;
    db
}

async fn scalar(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(AssertSqlSafe(sql.to_string()))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"))
}

async fn texts(pool: &SqlitePool, sql: &str) -> Vec<String> {
    sqlx::query_scalar(AssertSqlSafe(sql.to_string()))
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"))
}

/// Every row of `table` as the text of each of `columns` (value and storage
/// class), in key order: a checksum that misses nothing.
async fn rows(pool: &SqlitePool, table: &str, columns: &[String]) -> Vec<String> {
    let each: Vec<String> = columns
        .iter()
        .map(|c| format!("quote({c}) || ':' || typeof({c})"))
        .collect();
    texts(
        pool,
        &format!(
            "SELECT {} FROM \"{table}\" ORDER BY rowid",
            each.join(" || ',' || ")
        ),
    )
    .await
}

fn quoted_columns(t: &TableDef) -> Vec<String> {
    t.columns.iter().map(|c| Sqlite.quote(&c.name)).collect()
}

/// The rows of every table but `parents`, and `parents` as the fill turns it.
async fn snapshot(pool: &SqlitePool, parents: &[String]) -> Vec<Vec<String>> {
    let mut all = vec![rows(pool, "parents", parents).await];
    for t in schema().iter().filter(|t| t.name != "parents") {
        all.push(rows(pool, &t.name, &quoted_columns(t)).await);
    }
    all
}

/// `parents`' rows as the fill makes them: what the rebuilt table must hold.
fn filled() -> Vec<String> {
    fill().into_iter().map(|(_, e)| e).collect()
}

async fn foreign_key_violations(pool: &SqlitePool) -> i64 {
    scalar(pool, "SELECT count(*) FROM pragma_foreign_key_check").await
}

async fn table_sql(pool: &SqlitePool, table: &str) -> String {
    texts(
        pool,
        &format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
    )
    .await
    .join("")
}

fn statements() -> Vec<String> {
    let tables = schema();
    let keep = referencing_tables(&tables, "parents");
    assert_eq!(
        keep,
        ["cascade_children", "setnull_children", "grandchildren"]
    );
    rebuild_table("parents", &parents_after(), &fill(), &keep)
}

/// Runs `sql` in one transaction on `pool`, committing only if all succeed.
async fn in_one_transaction(pool: &SqlitePool, sql: &[String]) -> Result<(), String> {
    let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
    for s in sql {
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(s.clone()))
            .execute(&mut *tx)
            .await
        {
            return Err(format!("`{s}`: {e}"));
        }
    }
    tx.commit().await.map_err(|e| e.to_string())
}

/// What every successful rebuild leaves: the same rows (parents as filled),
/// no broken reference, the new definition and its indexes.
async fn assert_rebuilt(pool: &SqlitePool, expected: &[Vec<String>]) {
    for t in std::iter::once("parents").chain(OTHERS) {
        assert_eq!(
            scalar(pool, &format!("SELECT count(*) FROM \"{t}\"")).await,
            ROWS,
            "{t}"
        );
    }
    assert_eq!(
        snapshot(pool, &quoted_columns(&parents_after())).await,
        expected
    );
    assert_eq!(foreign_key_violations(pool).await, 0);
    assert_eq!(
        table_sql(pool, "parents").await,
        Sqlite.create_table(&parents_after())
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT count(*) FROM parents WHERE typeof(code) <> 'integer' OR note IS NULL"
        )
        .await,
        0
    );
    let info = texts(
        pool,
        "SELECT name || ' ' || \"notnull\" || ' ' || coalesce(dflt_value, '-') FROM pragma_table_info('parents') \
         WHERE name IN ('note', 'label', 'status') ORDER BY cid",
    )
    .await;
    assert_eq!(info, ["note 1 -", "label 0 'x'", "status 1 'active'"]);
    let mut indexes = texts(
        pool,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'parents' AND sql IS NOT NULL ORDER BY name",
    )
    .await;
    let mut declared: Vec<String> = parents_after()
        .effective_indexes()
        .iter()
        .map(|i| i.name("parents"))
        .collect();
    declared.sort();
    indexes.sort();
    assert_eq!(indexes, declared);
    assert_eq!(declared.len(), 4, "{declared:?}");
    let leftovers = scalar(pool, "SELECT count(*) FROM sqlite_temp_master").await
        + scalar(
            pool,
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'invect_%'",
        )
        .await;
    assert_eq!(leftovers, 0);
    // The new default and NOT NULL hold for new rows, the references still cascade.
    sqlx::raw_sql("INSERT INTO parents (region, id, code, big, note) VALUES ('r', 0, 1, 1, 'n')")
        .execute(pool)
        .await
        .expect("insert with defaults");
    assert_eq!(
        scalar(
            pool,
            "SELECT count(*) FROM parents WHERE id = 0 AND status = 'active'"
        )
        .await,
        1
    );
    sqlx::raw_sql("DELETE FROM parents WHERE id = 5")
        .execute(pool)
        .await
        .expect("delete a parent");
    assert_eq!(
        scalar(
            pool,
            "SELECT count(*) FROM cascade_children WHERE parent_id = 5"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT count(*) FROM grandchildren WHERE child_id = 5"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT count(*) FROM setnull_children WHERE id = 5 AND parent_id IS NULL"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT count(*) FROM parents WHERE id = 6 AND up IS NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn rebuild_in_one_transaction_keeps_every_row_and_reference() {
    let db = seeded().await;
    let expected = snapshot(&db.pool, &filled()).await;
    assert_eq!(
        scalar(&db.pool, "SELECT count(*) FROM parents WHERE note IS NULL").await,
        ROWS / 10
    );
    in_one_transaction(&db.pool, &statements())
        .await
        .unwrap_or_else(|e| panic!("rebuild failed: {e}"));
    assert_rebuilt(&db.pool, &expected).await;
    db.drop().await;
}

#[tokio::test]
async fn rebuild_as_an_sqlx_migration_keeps_every_row_and_reference() {
    let db = seeded().await;
    let expected = snapshot(&db.pool, &filled()).await;
    let dir = tempfile::tempdir().expect("a migrations folder");
    std::fs::write(
        dir.path().join("1_rebuild_parents.sql"),
        script_text(&statements()),
    )
    .expect("write the migration");
    let migrator = sqlx::migrate::Migrator::new(dir.path())
        .await
        .expect("read the migration");
    migrator
        .run(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("migration failed: {e}"));
    assert_rebuilt(&db.pool, &expected).await;
    db.drop().await;
}

/// A fill that breaks a reference (the children's parents, or the table's
/// own owner) fails the last statement, and the transaction leaves the
/// database as it was.
#[tokio::test]
async fn a_fill_that_breaks_a_foreign_key_fails_and_changes_nothing() {
    let db = seeded().await;
    let columns = quoted_columns(&parents_before());
    let before = snapshot(&db.pool, &columns).await;
    let ddl = table_sql(&db.pool, "parents").await;
    for (column, broken) in [
        ("id", "\"id\" + 100000"),
        ("owner_id", "\"owner_id\" + 100000"),
    ] {
        let mut fill = fill();
        for (c, e) in &mut fill {
            if c == column {
                *e = broken.to_string();
            }
        }
        let keep = referencing_tables(&schema(), "parents");
        let sql = rebuild_table("parents", &parents_after(), &fill, &keep);
        let e = in_one_transaction(&db.pool, &sql)
            .await
            .expect_err("a broken reference must fail");
        assert!(
            e.contains("foreign keys hold after rebuilding parents"),
            "{column}: {e}"
        );
        assert_eq!(snapshot(&db.pool, &columns).await, before, "{column}");
        assert_eq!(table_sql(&db.pool, "parents").await, ddl, "{column}");
        assert_eq!(foreign_key_violations(&db.pool).await, 0, "{column}");
    }
    let dir = tempfile::tempdir().expect("a migrations folder");
    let mut fill = fill();
    fill[1].1 = "\"id\" + 100000".into();
    let keep = referencing_tables(&schema(), "parents");
    let script = script_text(&rebuild_table("parents", &parents_after(), &fill, &keep));
    std::fs::write(dir.path().join("1_rebuild_parents.sql"), script).expect("write the migration");
    let migrator = sqlx::migrate::Migrator::new(dir.path())
        .await
        .expect("read the migration");
    migrator
        .run(&db.pool)
        .await
        .expect_err("the migration must fail");
    assert_eq!(snapshot(&db.pool, &columns).await, before);
    assert_eq!(table_sql(&db.pool, "parents").await, ddl);
    db.drop().await;
}

/// Why the rebuild keeps the referencing rows aside: inside a transaction
/// (foreign keys stay on), renaming the table away under
/// `legacy_alter_table` still rewrites the children's REFERENCES to follow
/// it, and dropping it, deferred or not, cascades: either way the CASCADE
/// child loses every row (and the grandchild with it) and the SET NULL
/// child every reference, while `foreign_key_check` finds nothing wrong.
#[tokio::test]
async fn rename_or_deferred_drop_in_a_transaction_loses_referencing_rows() {
    let after = parents_after();
    let create = Sqlite.create_table(&after);
    let temp = create.replacen(
        "CREATE TABLE \"parents\"",
        "CREATE TABLE \"parents_new\"",
        1,
    );
    let columns = quoted_columns(&after).join(", ");
    let values = filled().join(", ");
    let legacy_rename = vec![
        "PRAGMA legacy_alter_table = ON".to_string(),
        "ALTER TABLE parents RENAME TO parents_old".to_string(),
        create.clone(),
        "CREATE UNIQUE INDEX parents_new_id_key ON parents (id)".to_string(),
        format!("INSERT INTO parents ({columns}) SELECT {values} FROM parents_old"),
        "DROP TABLE parents_old".to_string(),
        "PRAGMA legacy_alter_table = OFF".to_string(),
    ];
    let deferred_drop = vec![
        "PRAGMA defer_foreign_keys = ON".to_string(),
        temp,
        "CREATE UNIQUE INDEX parents_new_id_key ON parents_new (id)".to_string(),
        format!("INSERT INTO parents_new ({columns}) SELECT {values} FROM parents"),
        "DROP TABLE parents".to_string(),
        "ALTER TABLE parents_new RENAME TO parents".to_string(),
    ];
    for (name, sql) in [
        ("legacy rename", legacy_rename),
        ("deferred drop", deferred_drop),
    ] {
        let db = seeded().await;
        in_one_transaction(&db.pool, &sql)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            scalar(&db.pool, "SELECT count(*) FROM cascade_children").await,
            0,
            "{name}"
        );
        assert_eq!(
            scalar(&db.pool, "SELECT count(*) FROM grandchildren").await,
            0,
            "{name}"
        );
        assert_eq!(
            scalar(
                &db.pool,
                "SELECT count(*) FROM setnull_children WHERE parent_id IS NOT NULL"
            )
            .await,
            0,
            "{name}"
        );
        assert_eq!(foreign_key_violations(&db.pool).await, 0, "{name}");
        db.drop().await;
    }
}
