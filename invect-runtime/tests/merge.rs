//! Merging core and plugin definitions: order, extensions, and every conflict
//! reported with both sides named.

use std::borrow::Cow::Borrowed as B;

use invect_runtime::schema::{
    ColumnDef, ColumnType, DefaultValue, Extension, ForeignKey, Name, OnDelete, Origin, Schema,
    SchemaBuilder, SchemaError, TableDef,
};

fn plugin(id: &'static str) -> Origin {
    Origin::Plugin(B(id))
}

fn table(name: &'static str, order: i32, columns: Vec<ColumnDef>) -> TableDef {
    TableDef {
        name: B(name),
        columns: columns.into(),
        primary_key: vec![B("id") as Name].into(),
        indexes: B(&[]),
        order,
        renamed_from: None,
    }
}

fn id() -> ColumnDef {
    ColumnDef::new("id", ColumnType::STRING)
}

fn fk(name: &'static str, target: &'static str) -> ColumnDef {
    let mut c = ColumnDef::new(name, ColumnType::STRING);
    c.references = Some(ForeignKey {
        table: B(target),
        column: B("id"),
        on_delete: OnDelete::Cascade,
    });
    c
}

fn nullable(name: &'static str, ty: ColumnType) -> ColumnDef {
    let mut c = ColumnDef::new(name, ty);
    c.nullable = true;
    c
}

fn core() -> SchemaBuilder {
    SchemaBuilder::new().tables(
        Origin::Core,
        invect_runtime::core::tables().into_iter().cloned(),
    )
}

fn names(schema: &Schema) -> Vec<&str> {
    schema.tables.iter().map(|t| t.def.name.as_ref()).collect()
}

fn errors(builder: SchemaBuilder) -> Vec<String> {
    builder
        .build()
        .expect_err("merge should fail")
        .0
        .iter()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn core_tables_come_in_fk_order_with_order_hint_breaking_ties() {
    let schema = core().build().expect("core builds");
    assert_eq!(
        names(&schema),
        [
            "credentials",
            "flows",
            "flow_access",
            "flow_triggers",
            "flow_versions",
            "chat_messages",
            "flow_runs",
            "node_executions",
            "batch_jobs",
            "agent_tool_executions"
        ]
    );
}

#[test]
fn foreign_key_targets_come_first_whatever_the_order_hint() {
    // `child` asks to be first (order 0) but references `parent` (order 99).
    let schema = SchemaBuilder::new()
        .tables(
            plugin("p"),
            [
                table("child", 0, vec![id(), fk("parent_id", "parent")]),
                table("parent", 99, vec![id()]),
            ],
        )
        .build()
        .expect("builds");
    assert_eq!(names(&schema), ["parent", "child"]);
}

#[test]
fn self_references_do_not_count_as_cycles() {
    let schema = SchemaBuilder::new()
        .tables(
            plugin("p"),
            [table(
                "tree",
                0,
                vec![id(), {
                    let mut c = fk("parent_id", "tree");
                    c.nullable = true;
                    c
                }],
            )],
        )
        .build()
        .expect("builds");
    assert_eq!(names(&schema), ["tree"]);
}

#[test]
fn cycle_is_an_error_naming_the_loop() {
    let errs = errors(SchemaBuilder::new().tables(
        plugin("p"),
        [
            table("a", 0, vec![id(), fk("b_id", "b")]),
            table("b", 0, vec![id(), fk("a_id", "a")]),
        ],
    ));
    assert_eq!(
        errs,
        ["foreign keys form a cycle: a -> b -> a; break it with a nullable column added later"]
    );
}

#[test]
fn plugin_tables_and_extensions_merge_into_core() {
    let ext = Extension {
        table: B("flows"),
        columns: vec![nullable("tenant_id", ColumnType::STRING)].into(),
        indexes: B(&[]),
    };
    let schema = core()
        .tables(
            plugin("audit"),
            [table("audit_logs", 100, vec![id(), fk("flow_id", "flows")])],
        )
        .extension(plugin("tenancy"), ext)
        .build()
        .expect("builds");
    let flows = schema.table("flows").expect("flows");
    assert_eq!(
        flows.def.columns.last().map(|c| c.name.as_ref()),
        Some("tenant_id")
    );
    assert_eq!(flows.column_origins.last(), Some(&plugin("tenancy")));
    assert_eq!(flows.origin, Origin::Core);
    assert_eq!(
        schema.table("audit_logs").map(|t| &t.origin),
        Some(&plugin("audit"))
    );
    assert_eq!(names(&schema).last(), Some(&"audit_logs"));
}

#[test]
fn two_tables_with_one_name_name_both_sides() {
    let errs = errors(core().tables(plugin("audit"), [table("flows", 0, vec![id()])]));
    assert_eq!(
        errs,
        ["table `flows` is declared by both core and plugin `audit`; rename one of them"]
    );
}

#[test]
fn a_column_that_already_exists_names_both_sides() {
    let ext = Extension {
        table: B("flows"),
        columns: vec![nullable("name", ColumnType::Text)].into(),
        indexes: B(&[]),
    };
    let errs = errors(core().extension(plugin("tenancy"), ext));
    assert_eq!(
        errs,
        [
            "column `flows.name` is declared by both core and plugin `tenancy`; a plugin can only add new columns"
        ]
    );
}

#[test]
fn extending_a_missing_table_is_an_error() {
    let ext = Extension {
        table: B("users"),
        columns: vec![nullable("x", ColumnType::Text)].into(),
        indexes: B(&[]),
    };
    assert_eq!(
        errors(core().extension(plugin("tenancy"), ext)),
        ["plugin `tenancy` extends table `users`, which no core table or plugin declares"]
    );
}

#[test]
fn a_not_null_extension_column_without_default_is_an_error() {
    let ext = Extension {
        table: B("flows"),
        columns: vec![ColumnDef::new("tenant_id", ColumnType::STRING)].into(),
        indexes: B(&[]),
    };
    let errs = errors(core().extension(plugin("tenancy"), ext));
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with(
            "column `flows.tenant_id` added by plugin `tenancy` is NOT NULL without a default"
        ),
        "{errs:?}"
    );
}

#[test]
fn foreign_key_to_a_missing_table_or_column_is_an_error() {
    let mut bad_col = fk("flow_id", "flows");
    if let Some(r) = &mut bad_col.references {
        r.column = B("uuid");
    }
    let errs = errors(core().tables(
        plugin("audit"),
        [
            table("a", 0, vec![id(), fk("x_id", "nowhere")]),
            table("b", 0, vec![id(), bad_col]),
        ],
    ));
    assert_eq!(
        errs,
        [
            "column `a.x_id` (plugin `audit`) references `nowhere.id`, which does not exist",
            "column `b.flow_id` (plugin `audit`) references `flows.uuid`, which does not exist",
        ]
    );
}

#[test]
fn foreign_key_of_another_type_is_an_error() {
    let mut c = ColumnDef::new("run_id", ColumnType::STRING);
    c.references = Some(ForeignKey {
        table: B("flow_runs"),
        column: B("id"),
        on_delete: OnDelete::Cascade,
    });
    assert_eq!(
        errors(core().tables(plugin("audit"), [table("a", 0, vec![id(), c])])),
        [
            "column `a.run_id` is string but references `flow_runs.id`, which is uuid; the types must match"
        ]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut bad_default = ColumnDef::new("at", ColumnType::STRING);
    bad_default.default = Some(DefaultValue::Now);
    let t = TableDef {
        name: B("Bad-Name"),
        columns: vec![bad_default, ColumnDef::new("at", ColumnType::Text)].into(),
        primary_key: B(&[]),
        indexes: B(&[]),
        order: 0,
        renamed_from: None,
    };
    let err = SchemaBuilder::new()
        .tables(plugin("p"), [t])
        .build()
        .expect_err("fails");
    assert!(matches!(err.0[0], SchemaError::InvalidName { .. }));
    let text = err.to_string();
    assert!(text.starts_with("4 schema errors:"), "{text}");
    assert!(
        text.contains(
            "column `Bad-Name.at`: default `now` does not fit a string column; use a string literal"
        ),
        "{text}"
    );
    assert!(text.contains("declares column `at` twice"), "{text}");
    assert!(text.contains("has no primary key"), "{text}");
}

#[test]
fn prefix_renames_tables_foreign_keys_and_enums() {
    let schema = core()
        .build()
        .expect("builds")
        .with_prefix("invect_")
        .expect("prefix fits");
    let runs = schema.table("invect_flow_runs").expect("prefixed table");
    let fk = runs
        .def
        .column("flow_id")
        .and_then(|c| c.references.as_ref())
        .expect("fk");
    assert_eq!(fk.table, "invect_flows");
    assert_eq!(
        runs.def
            .column("status")
            .and_then(|c| c.ty.as_enum())
            .map(|e| e.name.as_ref()),
        Some("invect_flow_run_status")
    );
    assert!(schema.table("flows").is_none());
}

#[test]
fn schema_round_trips_through_json() {
    let schema = core().build().expect("builds");
    let json = serde_json::to_string_pretty(&schema).expect("serializes");
    let back: Schema = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, schema);
}
