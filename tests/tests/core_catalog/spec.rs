//! shared/core-schema.md restated by hand (not derived from the renderer),
//! and DESIGN.md's dialect mapping as each server's catalog spells the types.

use invect_schema::DialectKind;

/// An abstract column type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    Str,
    Text,
    Num,
    Bool,
    Date,
    Json,
    Uuid,
    Enum(&'static str),
}

/// A column default.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Def {
    Now,
    Uuid,
    Bool(bool),
    Int(i64),
    Str(&'static str),
}

#[derive(Debug)]
pub(crate) struct Col {
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
    pub(crate) default: Option<Def>,
}

#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) columns: &'static [Col],
    pub(crate) primary_key: &'static [&'static str],
    /// (column, target table, target column); every one ON DELETE CASCADE.
    pub(crate) foreign_keys: &'static [(&'static str, &'static str, &'static str)],
    /// Columns with a single-column UNIQUE index.
    pub(crate) unique: &'static [&'static str],
}

pub(crate) const REQ: bool = true;
pub(crate) const OPT: bool = false;

pub(crate) const fn c(name: &'static str, ty: Ty, required: bool, default: Option<Def>) -> Col {
    Col {
        name,
        ty,
        required,
        default,
    }
}

use Def::{Now, Uuid as NewUuid};
use Ty::{Bool, Date, Enum, Json, Num, Str, Text, Uuid};

pub(crate) const ENUMS: &[(&str, &[&str])] = &[
    (
        "flow_run_status",
        &[
            "PENDING",
            "RUNNING",
            "SUCCESS",
            "FAILED",
            "CANCELLED",
            "PAUSED",
            "PAUSED_FOR_BATCH",
        ],
    ),
    (
        "node_execution_status",
        &[
            "PENDING",
            "RUNNING",
            "SUCCESS",
            "FAILED",
            "SKIPPED",
            "BATCH_SUBMITTED",
            "BATCH_PROCESSING",
        ],
    ),
    (
        "batch_status",
        &[
            "SUBMITTED",
            "PROCESSING",
            "COMPLETED",
            "FAILED",
            "CANCELLED",
        ],
    ),
    ("batch_provider", &["OPENAI", "ANTHROPIC"]),
];

/// The ten tables in core-schema.md's order, which puts every FK target
/// before the tables that reference it.
pub(crate) const SPEC: &[Table] = &[
    Table {
        name: "flows",
        columns: &[
            c("id", Str, REQ, None),
            c("name", Str, REQ, None),
            c("description", Str, OPT, None),
            c("tags", Json, OPT, None),
            c("is_active", Bool, REQ, Some(Def::Bool(true))),
            c("live_version_number", Num, OPT, None),
            c("created_at", Date, REQ, Some(Now)),
            c("updated_at", Date, REQ, Some(Now)),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
        unique: &[],
    },
    Table {
        name: "flow_versions",
        columns: &[
            c("flow_id", Str, REQ, None),
            c("version", Num, REQ, None),
            c("invect_definition", Json, REQ, None),
            c("created_at", Date, REQ, Some(Now)),
            c("created_by", Str, OPT, None),
        ],
        primary_key: &["flow_id", "version"],
        foreign_keys: &[("flow_id", "flows", "id")],
        unique: &[],
    },
    Table {
        name: "flow_runs",
        columns: &[
            c("id", Uuid, REQ, Some(NewUuid)),
            c("flow_id", Str, REQ, None),
            c("flow_version", Num, REQ, None),
            c(
                "status",
                Enum("flow_run_status"),
                REQ,
                Some(Def::Str("PENDING")),
            ),
            c("inputs", Json, REQ, None),
            c("outputs", Json, OPT, None),
            c("error", Text, OPT, None),
            c("started_at", Date, REQ, Some(Now)),
            c("completed_at", Date, OPT, None),
            c("duration", Num, OPT, None),
            c("created_by", Str, OPT, None),
            c("trigger_type", Str, OPT, None),
            c("trigger_id", Str, OPT, None),
            c("trigger_node_id", Str, OPT, None),
            c("trigger_data", Json, OPT, None),
            c("last_heartbeat_at", Date, OPT, None),
        ],
        primary_key: &["id"],
        foreign_keys: &[("flow_id", "flows", "id")],
        unique: &[],
    },
    Table {
        name: "node_executions",
        columns: &[
            c("id", Uuid, REQ, Some(NewUuid)),
            c("flow_run_id", Uuid, REQ, None),
            c("node_id", Str, REQ, None),
            c("node_type", Str, REQ, None),
            c(
                "status",
                Enum("node_execution_status"),
                REQ,
                Some(Def::Str("PENDING")),
            ),
            c("inputs", Json, REQ, None),
            c("outputs", Json, OPT, None),
            c("error", Text, OPT, None),
            c("started_at", Date, REQ, Some(Now)),
            c("completed_at", Date, OPT, None),
            c("duration", Num, OPT, None),
            c("retry_count", Num, REQ, Some(Def::Int(0))),
        ],
        primary_key: &["id"],
        foreign_keys: &[("flow_run_id", "flow_runs", "id")],
        unique: &[],
    },
    Table {
        name: "credentials",
        columns: &[
            c("id", Uuid, REQ, Some(NewUuid)),
            c("name", Str, REQ, None),
            c("type", Str, REQ, None),
            c("auth_type", Str, REQ, None),
            c("config", Json, REQ, None),
            c("description", Text, OPT, None),
            c("is_active", Bool, REQ, Some(Def::Bool(true))),
            c("workspace_id", Str, OPT, None),
            c("is_shared", Bool, REQ, Some(Def::Bool(false))),
            c("metadata", Json, OPT, None),
            c("last_used_at", Date, OPT, None),
            c("expires_at", Date, OPT, None),
            c("created_at", Date, REQ, Some(Now)),
            c("updated_at", Date, REQ, Some(Now)),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
        unique: &[],
    },
    Table {
        name: "batch_jobs",
        columns: &[
            c("id", Uuid, REQ, Some(NewUuid)),
            c("flow_run_id", Uuid, REQ, None),
            c("node_id", Str, REQ, None),
            c("provider", Enum("batch_provider"), REQ, None),
            c("batch_id", Str, OPT, None),
            c(
                "status",
                Enum("batch_status"),
                REQ,
                Some(Def::Str("SUBMITTED")),
            ),
            c("request_data", Json, REQ, None),
            c("response_data", Json, OPT, None),
            c("error", Text, OPT, None),
            c("submitted_at", Date, REQ, Some(Now)),
            c("completed_at", Date, OPT, None),
            c("created_at", Date, REQ, Some(Now)),
            c("updated_at", Date, REQ, Some(Now)),
        ],
        primary_key: &["id"],
        foreign_keys: &[("flow_run_id", "flow_runs", "id")],
        unique: &[],
    },
    Table {
        name: "agent_tool_executions",
        columns: &[
            c("id", Uuid, REQ, Some(NewUuid)),
            c("node_execution_id", Uuid, REQ, None),
            c("flow_run_id", Uuid, REQ, None),
            c("tool_id", Str, REQ, None),
            c("tool_name", Str, REQ, None),
            c("iteration", Num, REQ, None),
            c("input", Json, REQ, None),
            c("output", Json, OPT, None),
            c("error", Text, OPT, None),
            c("success", Bool, REQ, None),
            c("started_at", Date, REQ, Some(Now)),
            c("completed_at", Date, OPT, None),
            c("duration", Num, OPT, None),
        ],
        primary_key: &["id"],
        foreign_keys: &[
            ("node_execution_id", "node_executions", "id"),
            ("flow_run_id", "flow_runs", "id"),
        ],
        unique: &[],
    },
    Table {
        name: "flow_access",
        columns: &[
            c("id", Uuid, REQ, Some(NewUuid)),
            c("flow_id", Str, REQ, None),
            c("user_id", Str, OPT, None),
            c("team_id", Str, OPT, None),
            c("permission", Str, REQ, Some(Def::Str("viewer"))),
            c("granted_by", Str, OPT, None),
            c("granted_at", Date, REQ, Some(Now)),
            c("expires_at", Date, OPT, None),
        ],
        primary_key: &["id"],
        foreign_keys: &[("flow_id", "flows", "id")],
        unique: &[],
    },
    Table {
        name: "flow_triggers",
        columns: &[
            c("id", Uuid, REQ, Some(NewUuid)),
            c("flow_id", Str, REQ, None),
            c("node_id", Str, REQ, None),
            c("type", Str, REQ, None),
            c("is_enabled", Bool, REQ, Some(Def::Bool(true))),
            c("webhook_path", Str, OPT, None),
            c("webhook_secret", Str, OPT, None),
            c("cron_expression", Str, OPT, None),
            c("cron_timezone", Str, OPT, None),
            c("last_triggered_at", Date, OPT, None),
            c("created_at", Date, REQ, Some(Now)),
            c("updated_at", Date, REQ, Some(Now)),
        ],
        primary_key: &["id"],
        foreign_keys: &[("flow_id", "flows", "id")],
        unique: &["webhook_path"],
    },
    Table {
        name: "chat_messages",
        columns: &[
            c("id", Uuid, REQ, Some(NewUuid)),
            c("flow_id", Str, REQ, None),
            c("role", Str, REQ, None),
            c("content", Text, REQ, Some(Def::Str(""))),
            c("tool_meta", Json, OPT, None),
            c("created_at", Date, REQ, Some(Now)),
        ],
        primary_key: &["id"],
        foreign_keys: &[("flow_id", "flows", "id")],
        unique: &[],
    },
];

pub(crate) fn enum_labels(name: &str) -> &'static [&'static str] {
    ENUMS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, labels)| *labels)
        .unwrap_or_else(|| panic!("enum {name} is not in ENUMS"))
}

/// DESIGN.md's dialect mapping, as each server's catalog spells the type.
pub(crate) fn expected_type(kind: DialectKind, ty: Ty) -> String {
    let s = match (kind, ty) {
        (DialectKind::Sqlite, Num | Bool) => "INTEGER",
        (DialectKind::Sqlite, _) => "TEXT",

        (DialectKind::Postgres, Str | Text) => "text",
        (DialectKind::Postgres, Num) => "integer",
        (DialectKind::Postgres, Bool) => "boolean",
        (DialectKind::Postgres, Date) => "timestamp(3) with time zone",
        (DialectKind::Postgres, Json) => "jsonb",
        (DialectKind::Postgres, Uuid) => "uuid",
        (DialectKind::Postgres, Enum(name)) => name,

        (DialectKind::Mysql, Str) => "varchar(255)",
        (DialectKind::Mysql, Text) => "longtext",
        (DialectKind::Mysql, Num) => "int(11)",
        (DialectKind::Mysql, Bool) => "tinyint(1)",
        (DialectKind::Mysql, Date) => "datetime(3)",
        // MariaDB: JSON is an alias of LONGTEXT plus a json_valid() CHECK.
        (DialectKind::Mysql, Json) => "longtext",
        (DialectKind::Mysql, Uuid) => "char(36)",
        (DialectKind::Mysql, Enum(name)) => {
            let labels: Vec<String> = enum_labels(name).iter().map(|l| format!("'{l}'")).collect();
            return format!("enum({})", labels.join(","));
        }
    };
    s.to_owned()
}
