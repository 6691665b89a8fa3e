//! Plugin tables built at run time: `n` tables of 12 columns each (a UUID
//! key, a foreign key to `flows`, an index), merged with the core tables the
//! way `invect_runtime::merged_schema` merges a plugin's.

use std::borrow::Cow;

use invect_schema::{
    ColumnDef, ColumnType, DefaultValue, DialectKind, ForeignKey, IndexDef, OnDelete, Origin,
    Schema, SchemaBuilder, TableDef, render_schema,
};

/// Plugin table number `i`: `bench_plugin_<i>` with 12 columns.
pub fn table(i: usize) -> TableDef {
    let col = |name: &str, ty: ColumnType, nullable: bool| ColumnDef {
        name: Cow::Owned(name.to_string()),
        ty,
        nullable,
        default: None,
        unique: false,
        references: None,
        renamed_from: None,
    };
    let with_default = |mut c: ColumnDef, d: DefaultValue| {
        c.default = Some(d);
        c
    };
    let mut flow_id = col("flow_id", ColumnType::STRING, false);
    flow_id.references = Some(ForeignKey {
        table: Cow::Borrowed("flows"),
        column: Cow::Borrowed("id"),
        on_delete: OnDelete::Cascade,
    });
    let columns = vec![
        with_default(col("id", ColumnType::Uuid, false), DefaultValue::Uuid),
        flow_id,
        col("name", ColumnType::STRING, false),
        col("description", ColumnType::Text, true),
        col("status", ColumnType::STRING, false),
        col("attempts", ColumnType::Number, false),
        col("bytes", ColumnType::BigInt, true),
        with_default(
            col("enabled", ColumnType::Boolean, false),
            DefaultValue::Bool(true),
        ),
        col("payload", ColumnType::Json, true),
        col("external_id", ColumnType::Uuid, true),
        with_default(
            col("created_at", ColumnType::Date, false),
            DefaultValue::Now,
        ),
        col("updated_at", ColumnType::Date, true),
    ];
    TableDef {
        name: Cow::Owned(format!("bench_plugin_{i:03}")),
        columns: Cow::Owned(columns),
        primary_key: Cow::Owned(vec![Cow::Borrowed("id")]),
        indexes: Cow::Owned(vec![IndexDef {
            columns: Cow::Owned(vec![Cow::Borrowed("status")]),
            unique: false,
        }]),
        order: 100,
        renamed_from: None,
    }
}

/// The core tables plus `n` plugin tables.
pub fn schema(n: usize) -> Schema {
    SchemaBuilder::new()
        .tables(
            Origin::Core,
            invect_runtime::core::tables().into_iter().cloned(),
        )
        .tables(Origin::Plugin(Cow::Borrowed("bench")), (0..n).map(table))
        .build()
        .unwrap_or_else(|e| panic!("the benchmark schema is invalid: {e}"))
}

/// The DDL of [`schema`] for one dialect.
pub fn ddl(kind: DialectKind, n: usize) -> Vec<String> {
    render_schema(kind.dialect(), &schema(n))
}
