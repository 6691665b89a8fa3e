//! Exact DDL per dialect for a plugin table that uses every feature:
//! composite primary key, multi-column and unique indexes, an enum, every
//! abstract type and every kind of default, a foreign key, and an extension.

use std::borrow::Cow::Borrowed as B;

use invect_schema::{
    ColumnDef, ColumnType, DefaultValue, DialectKind, EnumDef, ForeignKey, IndexDef, Name,
    OnDelete, TableDef, render_table,
};

const LEVEL: EnumDef = EnumDef {
    name: B("audit_level"),
    values: B(&[B("INFO"), B("WARN"), B("it's")] as &[Name]),
};

fn column(name: &'static str, ty: ColumnType, f: impl FnOnce(&mut ColumnDef)) -> ColumnDef {
    let mut c = ColumnDef::new(name, ty);
    f(&mut c);
    c
}

fn audit_table() -> TableDef {
    let cols = vec![
        column(
            "tenant",
            ColumnType::String {
                max_length: Some(64),
            },
            |_| {},
        ),
        column("seq", ColumnType::BigInt, |_| {}),
        column("id", ColumnType::Uuid, |c| {
            c.default = Some(DefaultValue::Uuid)
        }),
        column("flow_id", ColumnType::STRING, |c| {
            c.nullable = true;
            c.references = Some(ForeignKey {
                table: B("flows"),
                column: B("id"),
                on_delete: OnDelete::SetNull,
            });
        }),
        column("body", ColumnType::Text, |c| {
            c.default = Some(DefaultValue::Str(B("it's \\ here")))
        }),
        column("attempts", ColumnType::Number, |c| {
            c.default = Some(DefaultValue::Int(-3))
        }),
        column("ok", ColumnType::Boolean, |c| {
            c.default = Some(DefaultValue::Bool(false))
        }),
        column("at", ColumnType::Date, |c| {
            c.default = Some(DefaultValue::Now)
        }),
        column("meta", ColumnType::Json, |c| c.nullable = true),
        column("level", ColumnType::Enum(LEVEL), |c| {
            c.default = Some(DefaultValue::Str(B("WARN")))
        }),
        column("code", ColumnType::STRING, |c| c.unique = true),
    ];
    TableDef {
        name: B("audit_logs"),
        columns: cols.into(),
        primary_key: vec![B("tenant"), B("seq")].into(),
        indexes: vec![IndexDef {
            columns: vec![B("level"), B("at")].into(),
            unique: false,
        }]
        .into(),
        order: 100,
        renamed_from: None,
    }
}

fn ddl(kind: DialectKind) -> String {
    let mut out = Vec::new();
    if let Some(e) = kind.dialect().create_enum(&LEVEL) {
        out.push(e);
    }
    out.extend(render_table(kind.dialect(), &audit_table()));
    out.join(";\n")
}

#[test]
fn sqlite_plugin_table() {
    assert_eq!(
        ddl(DialectKind::Sqlite),
        r#"CREATE TABLE "audit_logs" (
  "tenant" TEXT NOT NULL CHECK (length("tenant") <= 64),
  "seq" INTEGER NOT NULL,
  "id" TEXT NOT NULL,
  "flow_id" TEXT,
  "body" TEXT NOT NULL DEFAULT 'it''s \ here',
  "attempts" INTEGER NOT NULL DEFAULT -3,
  "ok" INTEGER NOT NULL DEFAULT 0,
  "at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  "meta" TEXT,
  "level" TEXT NOT NULL DEFAULT 'WARN',
  "code" TEXT NOT NULL,
  PRIMARY KEY ("tenant", "seq"),
  CONSTRAINT "audit_logs_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows" ("id") ON DELETE SET NULL
);
CREATE INDEX "audit_logs_level_at_idx" ON "audit_logs" ("level", "at");
CREATE UNIQUE INDEX "audit_logs_code_key" ON "audit_logs" ("code");
CREATE INDEX "audit_logs_flow_id_idx" ON "audit_logs" ("flow_id")"#
    );
}

#[test]
fn postgres_plugin_table() {
    assert_eq!(
        ddl(DialectKind::Postgres),
        r#"CREATE TYPE "audit_level" AS ENUM ('INFO', 'WARN', 'it''s');
CREATE TABLE "audit_logs" (
  "tenant" TEXT NOT NULL CHECK (char_length("tenant") <= 64),
  "seq" BIGINT NOT NULL,
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "flow_id" TEXT,
  "body" TEXT NOT NULL DEFAULT 'it''s \ here',
  "attempts" INTEGER NOT NULL DEFAULT -3,
  "ok" BOOLEAN NOT NULL DEFAULT FALSE,
  "at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "meta" JSONB,
  "level" "audit_level" NOT NULL DEFAULT 'WARN',
  "code" TEXT NOT NULL,
  PRIMARY KEY ("tenant", "seq"),
  CONSTRAINT "audit_logs_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows" ("id") ON DELETE SET NULL
);
CREATE INDEX "audit_logs_level_at_idx" ON "audit_logs" ("level", "at");
CREATE UNIQUE INDEX "audit_logs_code_key" ON "audit_logs" ("code");
CREATE INDEX "audit_logs_flow_id_idx" ON "audit_logs" ("flow_id")"#
    );
}

#[test]
fn mysql_plugin_table() {
    assert_eq!(
        ddl(DialectKind::Mysql),
        r#"CREATE TABLE `audit_logs` (
  `tenant` VARCHAR(64) NOT NULL,
  `seq` BIGINT NOT NULL,
  `id` CHAR(36) NOT NULL DEFAULT (UUID()),
  `flow_id` VARCHAR(255),
  `body` LONGTEXT NOT NULL DEFAULT ('it''s \\ here'),
  `attempts` INT NOT NULL DEFAULT -3,
  `ok` BOOLEAN NOT NULL DEFAULT FALSE,
  `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `meta` JSON,
  `level` ENUM('INFO', 'WARN', 'it''s') NOT NULL DEFAULT 'WARN',
  `code` VARCHAR(255) NOT NULL,
  PRIMARY KEY (`tenant`, `seq`),
  CONSTRAINT `audit_logs_flow_id_fkey` FOREIGN KEY (`flow_id`) REFERENCES `flows` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `audit_logs_level_at_idx` ON `audit_logs` (`level`, `at`);
CREATE UNIQUE INDEX `audit_logs_code_key` ON `audit_logs` (`code`);
CREATE INDEX `audit_logs_flow_id_idx` ON `audit_logs` (`flow_id`)"#
    );
}

fn tenant_column() -> ColumnDef {
    let mut c = ColumnDef::new("parent_id", ColumnType::Uuid);
    c.nullable = true;
    c.references = Some(ForeignKey {
        table: B("flow_runs"),
        column: B("id"),
        on_delete: OnDelete::Cascade,
    });
    c
}

#[test]
fn add_column_with_foreign_key_per_dialect() {
    let col = tenant_column();
    assert_eq!(
        DialectKind::Sqlite
            .dialect()
            .add_column("node_executions", &col),
        vec![
            r#"ALTER TABLE "node_executions" ADD COLUMN "parent_id" TEXT CONSTRAINT "node_executions_parent_id_fkey" REFERENCES "flow_runs" ("id") ON DELETE CASCADE"#
        ]
    );
    assert_eq!(
        DialectKind::Postgres
            .dialect()
            .add_column("node_executions", &col),
        vec![
            r#"ALTER TABLE "node_executions" ADD COLUMN "parent_id" UUID CONSTRAINT "node_executions_parent_id_fkey" REFERENCES "flow_runs" ("id") ON DELETE CASCADE"#
        ]
    );
    assert_eq!(
        DialectKind::Mysql.dialect().add_column("node_executions", &col),
        vec![
            "ALTER TABLE `node_executions` ADD COLUMN `parent_id` CHAR(36)".to_string(),
            "ALTER TABLE `node_executions` ADD CONSTRAINT `node_executions_parent_id_fkey` FOREIGN KEY (`parent_id`) REFERENCES `flow_runs` (`id`) ON DELETE CASCADE".to_string(),
        ]
    );
}

#[test]
fn extending_an_enum_per_dialect() {
    let table = audit_table();
    let level = table.column("level").expect("level column").clone();
    let uses = [(&table, &level)];
    assert!(
        DialectKind::Sqlite
            .dialect()
            .extend_enum(&LEVEL, &["ERROR"], &uses)
            .is_empty()
    );
    assert_eq!(
        DialectKind::Postgres
            .dialect()
            .extend_enum(&LEVEL, &["ERROR"], &uses),
        vec![r#"ALTER TYPE "audit_level" ADD VALUE IF NOT EXISTS 'ERROR'"#]
    );
    assert_eq!(
        DialectKind::Mysql
            .dialect()
            .extend_enum(&LEVEL, &["ERROR"], &uses),
        vec![
            "ALTER TABLE `audit_logs` MODIFY COLUMN `level` ENUM('INFO', 'WARN', 'it''s', 'ERROR') NOT NULL DEFAULT 'WARN'"
        ]
    );
}
