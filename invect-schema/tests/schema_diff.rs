//! Exact migration SQL per dialect from `diff_schemas` / `plan_migration`:
//! the first migration, an additive one (new enum value, table, column and
//! index), none when nothing changed, renames, drops with and without the
//! opt-in, narrowing changes, reverse migrations, and refusals.

use std::borrow::Cow::{Borrowed as B, Owned};

use invect_schema::{
    ColumnDef, ColumnType, DefaultValue, DialectKind, EnumDef, Extension, ForeignKey, IndexDef,
    Name, OnDelete, Origin, Schema, SchemaBuilder, TableDef, diff_schemas,
};

#[path = "schema_diff/changes.rs"]
mod changes;

const STATUS: EnumDef = EnumDef {
    name: B("item_status"),
    values: B(&[B("new"), B("done")] as &[Name]),
};

const STATUS_MORE: EnumDef = EnumDef {
    name: B("item_status"),
    values: B(&[B("new"), B("done"), B("it's")] as &[Name]),
};

fn column(name: &'static str, ty: ColumnType, f: impl FnOnce(&mut ColumnDef)) -> ColumnDef {
    let mut c = ColumnDef::new(name, ty);
    f(&mut c);
    c
}

fn table(name: &'static str, columns: Vec<ColumnDef>) -> TableDef {
    TableDef {
        name: B(name),
        columns: Owned(columns),
        primary_key: Owned(vec![B("id")]),
        indexes: Owned(Vec::new()),
        order: 0,
        renamed_from: None,
    }
}

fn items(status: EnumDef) -> TableDef {
    table(
        "items",
        vec![
            column("id", ColumnType::STRING, |_| {}),
            column("status", ColumnType::Enum(status), |c| {
                c.default = Some(DefaultValue::Str(B("new")))
            }),
        ],
    )
}

fn notes() -> TableDef {
    table(
        "notes",
        vec![
            column("id", ColumnType::STRING, |_| {}),
            column("item_id", ColumnType::STRING, |c| {
                c.nullable = true;
                c.references = Some(ForeignKey {
                    table: B("items"),
                    column: B("id"),
                    on_delete: OnDelete::Cascade,
                });
            }),
        ],
    )
}

/// `items.note`: nullable text with an index, added by a plugin.
fn note_extension() -> Extension {
    Extension {
        table: B("items"),
        columns: Owned(vec![column("note", ColumnType::Text, |c| {
            c.nullable = true
        })]),
        indexes: Owned(vec![IndexDef {
            columns: Owned(vec![B("note")]),
            unique: false,
        }]),
    }
}

fn core(tables: Vec<TableDef>) -> SchemaBuilder {
    SchemaBuilder::new().tables(Origin::Core, tables)
}

fn build(builder: SchemaBuilder) -> Schema {
    builder.build().expect("a valid test schema")
}

/// Version 1: `items` only.
fn v1() -> Schema {
    build(core(vec![items(STATUS)]))
}

/// Version 2: a new enum value, a plugin table and a plugin column with an index.
fn v2() -> Schema {
    let plugin = Origin::Plugin(B("notes"));
    build(
        core(vec![items(STATUS_MORE)])
            .tables(plugin.clone(), [notes()])
            .extension(plugin, note_extension()),
    )
}

fn diff(kind: DialectKind, old: &Schema, new: &Schema) -> Vec<String> {
    diff_schemas(kind.dialect(), old, new, "")
        .unwrap_or_else(|reasons| panic!("{kind}: refused: {reasons:#?}"))
}

fn refusals(old: &Schema, new: &Schema) -> Vec<String> {
    match diff_schemas(DialectKind::Postgres.dialect(), old, new, "") {
        Ok(sql) => panic!("expected a refusal, got {sql:#?}"),
        Err(reasons) => reasons,
    }
}

#[test]
fn first_migration_sqlite() {
    assert_eq!(
        diff(DialectKind::Sqlite, &Schema::default(), &v1()),
        [
            "CREATE TABLE \"invect_schema_tables\" (\n  \"table_name\" TEXT NOT NULL,\n  \"origin\" TEXT NOT NULL,\n  \"created_at\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),\n  PRIMARY KEY (\"table_name\")\n)",
            "INSERT INTO \"invect_schema_tables\" (\"table_name\", \"origin\") VALUES ('items', 'core')",
            "CREATE TABLE \"items\" (\n  \"id\" TEXT NOT NULL,\n  \"status\" TEXT NOT NULL DEFAULT 'new',\n  PRIMARY KEY (\"id\")\n)",
        ]
    );
}

#[test]
fn first_migration_postgres_creates_the_enum_type() {
    assert_eq!(
        diff(DialectKind::Postgres, &Schema::default(), &v1()),
        [
            "CREATE TABLE \"invect_schema_tables\" (\n  \"table_name\" TEXT NOT NULL,\n  \"origin\" TEXT NOT NULL,\n  \"created_at\" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),\n  PRIMARY KEY (\"table_name\")\n)",
            "CREATE TYPE \"item_status\" AS ENUM ('new', 'done')",
            "INSERT INTO \"invect_schema_tables\" (\"table_name\", \"origin\") VALUES ('items', 'core')",
            "CREATE TABLE \"items\" (\n  \"id\" TEXT NOT NULL,\n  \"status\" \"item_status\" NOT NULL DEFAULT 'new',\n  PRIMARY KEY (\"id\")\n)",
        ]
    );
}

#[test]
fn first_migration_mysql_with_a_prefix() {
    let schema = v1().with_prefix("inv_").expect("prefix fits");
    let sql = diff_schemas(
        DialectKind::Mysql.dialect(),
        &Schema::default(),
        &schema,
        "inv_",
    )
    .expect("additive");
    assert_eq!(
        sql,
        [
            "CREATE TABLE `inv_invect_schema_tables` (\n  `table_name` VARCHAR(255) NOT NULL,\n  `origin` VARCHAR(255) NOT NULL,\n  `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n  PRIMARY KEY (`table_name`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
            "INSERT INTO `inv_invect_schema_tables` (`table_name`, `origin`) VALUES ('inv_items', 'core')",
            "CREATE TABLE `inv_items` (\n  `id` VARCHAR(255) NOT NULL,\n  `status` ENUM('new', 'done') NOT NULL DEFAULT 'new',\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
        ]
    );
}

#[test]
fn additions_sqlite() {
    assert_eq!(
        diff(DialectKind::Sqlite, &v1(), &v2()),
        [
            "INSERT INTO \"invect_schema_tables\" (\"table_name\", \"origin\") VALUES ('notes', 'plugin `notes`')",
            "CREATE TABLE \"notes\" (\n  \"id\" TEXT NOT NULL,\n  \"item_id\" TEXT,\n  PRIMARY KEY (\"id\"),\n  CONSTRAINT \"notes_item_id_fkey\" FOREIGN KEY (\"item_id\") REFERENCES \"items\" (\"id\") ON DELETE CASCADE\n)",
            "CREATE INDEX \"notes_item_id_idx\" ON \"notes\" (\"item_id\")",
            "ALTER TABLE \"items\" ADD COLUMN \"note\" TEXT",
            "CREATE INDEX \"items_note_idx\" ON \"items\" (\"note\")",
        ]
    );
}

#[test]
fn additions_postgres() {
    assert_eq!(
        diff(DialectKind::Postgres, &v1(), &v2()),
        [
            "ALTER TYPE \"item_status\" ADD VALUE IF NOT EXISTS 'it''s'",
            "INSERT INTO \"invect_schema_tables\" (\"table_name\", \"origin\") VALUES ('notes', 'plugin `notes`')",
            "CREATE TABLE \"notes\" (\n  \"id\" TEXT NOT NULL,\n  \"item_id\" TEXT,\n  PRIMARY KEY (\"id\"),\n  CONSTRAINT \"notes_item_id_fkey\" FOREIGN KEY (\"item_id\") REFERENCES \"items\" (\"id\") ON DELETE CASCADE\n)",
            "CREATE INDEX \"notes_item_id_idx\" ON \"notes\" (\"item_id\")",
            "ALTER TABLE \"items\" ADD COLUMN \"note\" TEXT",
            "CREATE INDEX CONCURRENTLY \"items_note_idx\" ON \"items\" (\"note\")",
        ]
    );
}

#[test]
fn additions_mysql() {
    assert_eq!(
        diff(DialectKind::Mysql, &v1(), &v2()),
        [
            "ALTER TABLE `items` MODIFY COLUMN `status` ENUM('new', 'done', 'it''s') NOT NULL DEFAULT 'new'",
            "INSERT INTO `invect_schema_tables` (`table_name`, `origin`) VALUES ('notes', 'plugin `notes`')",
            "CREATE TABLE `notes` (\n  `id` VARCHAR(255) NOT NULL,\n  `item_id` VARCHAR(255),\n  PRIMARY KEY (`id`),\n  CONSTRAINT `notes_item_id_fkey` FOREIGN KEY (`item_id`) REFERENCES `items` (`id`) ON DELETE CASCADE\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
            "CREATE INDEX `notes_item_id_idx` ON `notes` (`item_id`)",
            "ALTER TABLE `items` ADD COLUMN `note` LONGTEXT",
            "CREATE INDEX `items_note_idx` ON `items` (`note`) ALGORITHM=INPLACE LOCK=NONE",
        ]
    );
}

#[test]
fn nothing_changed_gives_no_statements() {
    for kind in DialectKind::ALL {
        assert_eq!(diff(kind, &v2(), &v2()), Vec::<String>::new(), "{kind}");
    }
}

#[test]
fn a_longer_string_is_widened_in_place() {
    let longer = |n| {
        let mut t = items(STATUS);
        t.columns.to_mut()[0].ty = ColumnType::String {
            max_length: Some(n),
        };
        build(core(vec![t]))
    };
    assert_eq!(
        diff(DialectKind::Postgres, &v1(), &longer(300)),
        [
            "ALTER TABLE \"items\" DROP CONSTRAINT IF EXISTS \"items_id_check\"",
            "ALTER TABLE \"items\" ADD CONSTRAINT \"items_id_check\" CHECK (char_length(\"id\") <= 300)"
        ]
    );
    assert_eq!(
        diff(DialectKind::Mysql, &v1(), &longer(300)),
        ["ALTER TABLE `items` MODIFY COLUMN `id` VARCHAR(300) NOT NULL"]
    );
    let shorter = diff_schemas(DialectKind::Mysql.dialect(), &v1(), &longer(100), "")
        .expect_err("VARCHAR(255) -> VARCHAR(100) narrows");
    assert!(refused_narrowing(&shorter[0], "items.id"), "{shorter:?}");
}

fn refused_narrowing(reason: &str, column: &str) -> bool {
    reason.starts_with(&format!("column `{column}` changes from"))
        && reason.contains("--allow-narrowing")
}

#[test]
fn refusals_say_what_to_do() {
    let mut changed = items(STATUS);
    {
        let cols = changed.columns.to_mut();
        cols[0].ty = ColumnType::Number; // id: string -> number, narrowing
        cols[1].ty = ColumnType::Json; // status: enum -> json, not converted
        cols.push(column("rank", ColumnType::Number, |_| {})); // NOT NULL, no default
    }
    let reasons = refusals(&v2(), &build(core(vec![changed])));
    let expected = [
        "column `items.rank` is NOT NULL without a database default",
        "column `items.id` changes from NOT NULL string to NOT NULL number",
        "column `items.status` changed type from `enum item_status` to `json`, which Invect does not convert",
    ];
    assert_eq!(reasons.len(), expected.len(), "{reasons:#?}");
    for (reason, start) in reasons.iter().zip(expected) {
        assert!(
            reason.starts_with(start),
            "{reason:?} should start with {start:?}"
        );
    }
}

#[test]
fn sqlite_refuses_columns_it_cannot_add() {
    let mut t = items(STATUS);
    t.columns
        .to_mut()
        .push(column("seen_at", ColumnType::Date, |c| {
            c.default = Some(DefaultValue::Now)
        }));
    let with_now = build(core(vec![t]));
    let reasons = diff_schemas(DialectKind::Sqlite.dialect(), &v1(), &with_now, "")
        .expect_err("SQLite cannot add a NOT NULL column defaulting to now");
    assert!(reasons[0].contains("SQLite cannot add"), "{reasons:?}");
    let sql = diff(DialectKind::Postgres, &v1(), &with_now);
    assert_eq!(
        sql,
        ["ALTER TABLE \"items\" ADD COLUMN \"seen_at\" TIMESTAMPTZ(3) NOT NULL DEFAULT now()"]
    );
}
