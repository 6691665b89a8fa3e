//! The ten core tables of `shared/core-schema.md`, written with the model by
//! hand. The `#[invect_table]` declarations in invect-runtime replace these;
//! both must render the same DDL (see the fixtures under `tests/fixtures`).

use std::borrow::Cow::Borrowed as B;

use crate::model::ColumnType::{Boolean, Date, Json, Number, Text, Uuid};
use crate::model::{
    ColumnDef, ColumnType, DefaultValue, EnumDef, ForeignKey, IndexDef, Name, OnDelete, TableDef,
};

const STRING: ColumnType = ColumnType::STRING;

macro_rules! names {
    ($($v:literal),* $(,)?) => { B(&[$(B($v)),*] as &[Name]) };
}

/// One column: `col!(name, TYPE [, null] [, default = D] [, unique] [, fk = table.column])`.
macro_rules! col {
    ($name:literal, $ty:expr $(, $flag:ident $(= $val:expr)?)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut c = ColumnDef::new($name, $ty);
        $( col!(@set c, $flag $(= $val)?); )*
        c
    }};
    (@set $c:ident, null) => { $c.nullable = true; };
    (@set $c:ident, unique) => { $c.unique = true; };
    // `replace` + `forget`: a const context cannot run the old value's destructor.
    (@set $c:ident, default = $d:expr) => { std::mem::forget(std::mem::replace(&mut $c.default, Some($d))); };
    (@set $c:ident, fk = $t:literal) => {
        let fk = ForeignKey { table: B($t), column: B("id"), on_delete: OnDelete::Cascade };
        std::mem::forget(std::mem::replace(&mut $c.references, Some(fk)));
    };
}

const NOW: DefaultValue = DefaultValue::Now;
const UUID: DefaultValue = DefaultValue::Uuid;
const fn lit(s: &'static str) -> DefaultValue {
    DefaultValue::Str(B(s))
}

pub const FLOW_RUN_STATUS: EnumDef = EnumDef {
    name: B("flow_run_status"),
    values: names![
        "PENDING",
        "RUNNING",
        "SUCCESS",
        "FAILED",
        "CANCELLED",
        "PAUSED",
        "PAUSED_FOR_BATCH"
    ],
};
pub const NODE_EXECUTION_STATUS: EnumDef = EnumDef {
    name: B("node_execution_status"),
    values: names![
        "PENDING",
        "RUNNING",
        "SUCCESS",
        "FAILED",
        "SKIPPED",
        "BATCH_SUBMITTED",
        "BATCH_PROCESSING"
    ],
};
pub const BATCH_STATUS: EnumDef = EnumDef {
    name: B("batch_status"),
    values: names![
        "SUBMITTED",
        "PROCESSING",
        "COMPLETED",
        "FAILED",
        "CANCELLED"
    ],
};
pub const BATCH_PROVIDER: EnumDef = EnumDef {
    name: B("batch_provider"),
    values: names!["OPENAI", "ANTHROPIC"],
};

/// A table whose columns live in a `const`, so the slice is `'static`.
macro_rules! table {
    ($name:literal, $order:literal, [$($col:expr),* $(,)?], [$($pk:expr),*]) => {{
        const COLUMNS: &[ColumnDef] = &[$($col),*];
        const PRIMARY_KEY: &[Name] = &[$($pk),*];
        TableDef { name: B($name), columns: B(COLUMNS), primary_key: B(PRIMARY_KEY), indexes: B(&[] as &[IndexDef]), order: $order }
    }};
}

/// The ten core tables, in the order core-schema.md lists them.
pub static CORE_TABLES: [TableDef; 10] = [
    table!(
        "flows",
        10,
        [
            col!("id", STRING),
            col!("name", STRING),
            col!("description", STRING, null),
            col!("tags", Json, null),
            col!("is_active", Boolean, default = DefaultValue::Bool(true)),
            col!("live_version_number", Number, null),
            col!("created_at", Date, default = NOW),
            col!("updated_at", Date, default = NOW),
        ],
        [B("id")]
    ),
    table!(
        "flow_versions",
        20,
        [
            col!("flow_id", STRING, fk = "flows"),
            col!("version", Number),
            col!("invect_definition", Json),
            col!("created_at", Date, default = NOW),
            col!("created_by", STRING, null),
        ],
        [B("flow_id"), B("version")]
    ),
    table!(
        "flow_runs",
        30,
        [
            col!("id", Uuid, default = UUID),
            col!("flow_id", STRING, fk = "flows"),
            col!("flow_version", Number),
            col!(
                "status",
                ColumnType::Enum(FLOW_RUN_STATUS),
                default = lit("PENDING")
            ),
            col!("inputs", Json),
            col!("outputs", Json, null),
            col!("error", Text, null),
            col!("started_at", Date, default = NOW),
            col!("completed_at", Date, null),
            col!("duration", Number, null),
            col!("created_by", STRING, null),
            col!("trigger_type", STRING, null),
            col!("trigger_id", STRING, null),
            col!("trigger_node_id", STRING, null),
            col!("trigger_data", Json, null),
            col!("last_heartbeat_at", Date, null),
        ],
        [B("id")]
    ),
    table!(
        "node_executions",
        40,
        [
            col!("id", Uuid, default = UUID),
            col!("flow_run_id", Uuid, fk = "flow_runs"),
            col!("node_id", STRING),
            col!("node_type", STRING),
            col!(
                "status",
                ColumnType::Enum(NODE_EXECUTION_STATUS),
                default = lit("PENDING")
            ),
            col!("inputs", Json),
            col!("outputs", Json, null),
            col!("error", Text, null),
            col!("started_at", Date, default = NOW),
            col!("completed_at", Date, null),
            col!("duration", Number, null),
            col!("retry_count", Number, default = DefaultValue::Int(0)),
        ],
        [B("id")]
    ),
    table!(
        "credentials",
        10,
        [
            col!("id", Uuid, default = UUID),
            col!("name", STRING),
            col!("type", STRING),
            col!("auth_type", STRING),
            col!("config", Json),
            col!("description", Text, null),
            col!("is_active", Boolean, default = DefaultValue::Bool(true)),
            col!("workspace_id", STRING, null),
            col!("is_shared", Boolean, default = DefaultValue::Bool(false)),
            col!("metadata", Json, null),
            col!("last_used_at", Date, null),
            col!("expires_at", Date, null),
            col!("created_at", Date, default = NOW),
            col!("updated_at", Date, default = NOW),
        ],
        [B("id")]
    ),
    table!(
        "batch_jobs",
        50,
        [
            col!("id", Uuid, default = UUID),
            col!("flow_run_id", Uuid, fk = "flow_runs"),
            col!("node_id", STRING),
            col!("provider", ColumnType::Enum(BATCH_PROVIDER)),
            col!("batch_id", STRING, null),
            col!(
                "status",
                ColumnType::Enum(BATCH_STATUS),
                default = lit("SUBMITTED")
            ),
            col!("request_data", Json),
            col!("response_data", Json, null),
            col!("error", Text, null),
            col!("submitted_at", Date, default = NOW),
            col!("completed_at", Date, null),
            col!("created_at", Date, default = NOW),
            col!("updated_at", Date, default = NOW),
        ],
        [B("id")]
    ),
    table!(
        "agent_tool_executions",
        60,
        [
            col!("id", Uuid, default = UUID),
            col!("node_execution_id", Uuid, fk = "node_executions"),
            col!("flow_run_id", Uuid, fk = "flow_runs"),
            col!("tool_id", STRING),
            col!("tool_name", STRING),
            col!("iteration", Number),
            col!("input", Json),
            col!("output", Json, null),
            col!("error", Text, null),
            col!("success", Boolean),
            col!("started_at", Date, default = NOW),
            col!("completed_at", Date, null),
            col!("duration", Number, null),
        ],
        [B("id")]
    ),
    table!(
        "flow_access",
        20,
        [
            col!("id", Uuid, default = UUID),
            col!("flow_id", STRING, fk = "flows"),
            col!("user_id", STRING, null),
            col!("team_id", STRING, null),
            col!("permission", STRING, default = lit("viewer")),
            col!("granted_by", STRING, null),
            col!("granted_at", Date, default = NOW),
            col!("expires_at", Date, null),
        ],
        [B("id")]
    ),
    table!(
        "flow_triggers",
        20,
        [
            col!("id", Uuid, default = UUID),
            col!("flow_id", STRING, fk = "flows"),
            col!("node_id", STRING),
            col!("type", STRING),
            col!("is_enabled", Boolean, default = DefaultValue::Bool(true)),
            col!("webhook_path", STRING, null, unique),
            col!("webhook_secret", STRING, null),
            col!("cron_expression", STRING, null),
            col!("cron_timezone", STRING, null),
            col!("last_triggered_at", Date, null),
            col!("created_at", Date, default = NOW),
            col!("updated_at", Date, default = NOW),
        ],
        [B("id")]
    ),
    table!(
        "chat_messages",
        30,
        [
            col!("id", Uuid, default = UUID),
            col!("flow_id", STRING, fk = "flows"),
            col!("role", STRING),
            col!("content", Text, default = lit("")),
            col!("tool_meta", Json, null),
            col!("created_at", Date, default = NOW),
        ],
        [B("id")]
    ),
];
