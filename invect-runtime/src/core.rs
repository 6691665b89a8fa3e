//! The ten core tables of `shared/core-schema.md`, declared with
//! `#[invect_table]`. Their DDL is pinned by `tests/fixtures/core.*.sql`.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::{InvectEnum, invect_table};

/// Status of a flow run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, InvectEnum)]
#[invect(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlowRunStatus {
    Pending,
    Running,
    Success,
    Failed,
    Cancelled,
    Paused,
    PausedForBatch,
}

/// Status of one node's execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, InvectEnum)]
#[invect(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NodeExecutionStatus {
    Pending,
    Running,
    Success,
    Failed,
    Skipped,
    BatchSubmitted,
    BatchProcessing,
}

/// Status of a provider batch job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, InvectEnum)]
#[invect(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BatchStatus {
    Submitted,
    Processing,
    Completed,
    Failed,
    Cancelled,
}

/// The provider running a batch job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, InvectEnum)]
#[invect(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BatchProvider {
    Openai,
    Anthropic,
}

/// A flow definition.
#[invect_table(name = "flows", order = 10)]
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    #[invect(primary_key)]
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// An array of strings.
    pub tags: Option<Value>,
    #[invect(default = true)]
    pub is_active: bool,
    pub live_version_number: Option<i32>,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
    #[invect(default = now)]
    pub updated_at: DateTime<Utc>,
}

/// One version of a flow's definition.
#[invect_table(name = "flow_versions", order = 20, primary_key(flow_id, version))]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowVersion {
    #[invect(references = flows::id, on_delete = cascade)]
    pub flow_id: String,
    pub version: i32,
    /// Nodes, edges, parameters.
    pub invect_definition: Value,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
}

/// One execution of a flow.
#[invect_table(name = "flow_runs", order = 30, renamed_from = "flow_executions")]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRun {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = flows::id, on_delete = cascade)]
    pub flow_id: String,
    pub flow_version: i32,
    #[invect(enum, default = "PENDING")]
    pub status: FlowRunStatus,
    pub inputs: Value,
    pub outputs: Option<Value>,
    #[invect(text)]
    pub error: Option<String>,
    #[invect(default = now)]
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Milliseconds.
    pub duration: Option<i32>,
    pub created_by: Option<String>,
    pub trigger_type: Option<String>,
    pub trigger_id: Option<String>,
    pub trigger_node_id: Option<String>,
    pub trigger_data: Option<Value>,
    pub last_heartbeat_at: Option<DateTime<Utc>>,
}

/// The trace of one node within a run.
#[invect_table(
    name = "node_executions",
    order = 40,
    renamed_from = "execution_traces"
)]
#[derive(Debug, Clone, PartialEq)]
pub struct NodeExecution {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = flow_runs::id, on_delete = cascade)]
    pub flow_run_id: Uuid,
    pub node_id: String,
    pub node_type: String,
    #[invect(enum, default = "PENDING")]
    pub status: NodeExecutionStatus,
    pub inputs: Value,
    pub outputs: Option<Value>,
    #[invect(text)]
    pub error: Option<String>,
    #[invect(default = now)]
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Milliseconds.
    pub duration: Option<i32>,
    #[invect(default = 0)]
    pub retry_count: i32,
}

/// A stored credential; `config` holds the encrypted envelope.
#[invect_table(name = "credentials", order = 10)]
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    pub name: String,
    /// e.g. llm, http-api, database.
    pub r#type: String,
    /// e.g. apiKey, oauth2.
    pub auth_type: String,
    pub config: Value,
    #[invect(text)]
    pub description: Option<String>,
    #[invect(default = true)]
    pub is_active: bool,
    pub workspace_id: Option<String>,
    #[invect(default = false)]
    pub is_shared: bool,
    pub metadata: Option<Value>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
    #[invect(default = now)]
    pub updated_at: DateTime<Utc>,
}

/// An OpenAI or Anthropic batch job.
#[invect_table(name = "batch_jobs", order = 50)]
#[derive(Debug, Clone, PartialEq)]
pub struct BatchJob {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = flow_runs::id, on_delete = cascade)]
    pub flow_run_id: Uuid,
    pub node_id: String,
    #[invect(enum)]
    pub provider: BatchProvider,
    /// The provider's id.
    pub batch_id: Option<String>,
    #[invect(enum, default = "SUBMITTED")]
    pub status: BatchStatus,
    pub request_data: Value,
    pub response_data: Option<Value>,
    #[invect(text)]
    pub error: Option<String>,
    #[invect(default = now)]
    pub submitted_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
    #[invect(default = now)]
    pub updated_at: DateTime<Utc>,
}

/// A tool call inside an agent node.
#[invect_table(name = "agent_tool_executions", order = 60)]
#[derive(Debug, Clone, PartialEq)]
pub struct AgentToolExecution {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = node_executions::id, on_delete = cascade)]
    pub node_execution_id: Uuid,
    #[invect(references = flow_runs::id, on_delete = cascade)]
    pub flow_run_id: Uuid,
    pub tool_id: String,
    pub tool_name: String,
    pub iteration: i32,
    pub input: Value,
    pub output: Option<Value>,
    #[invect(text)]
    pub error: Option<String>,
    pub success: bool,
    #[invect(default = now)]
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Milliseconds.
    pub duration: Option<i32>,
}

/// Per-flow access control.
#[invect_table(name = "flow_access", order = 20)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowAccess {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = flows::id, on_delete = cascade)]
    pub flow_id: String,
    pub user_id: Option<String>,
    pub team_id: Option<String>,
    /// owner, editor, operator, viewer.
    #[invect(default = "viewer")]
    pub permission: String,
    pub granted_by: Option<String>,
    #[invect(default = now)]
    pub granted_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A webhook or cron trigger of a flow.
#[invect_table(name = "flow_triggers", order = 20)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTrigger {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = flows::id, on_delete = cascade)]
    pub flow_id: String,
    pub node_id: String,
    /// manual, cron, webhook.
    pub r#type: String,
    #[invect(default = true)]
    pub is_enabled: bool,
    #[invect(unique)]
    pub webhook_path: Option<String>,
    pub webhook_secret: Option<String>,
    pub cron_expression: Option<String>,
    pub cron_timezone: Option<String>,
    pub last_triggered_at: Option<DateTime<Utc>>,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
    #[invect(default = now)]
    pub updated_at: DateTime<Utc>,
}

/// A message of a conversational flow.
#[invect_table(name = "chat_messages", order = 30)]
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = flows::id, on_delete = cascade)]
    pub flow_id: String,
    /// user, assistant, system, tool.
    pub role: String,
    #[invect(text, default = "")]
    pub content: String,
    pub tool_meta: Option<Value>,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
}

/// The ten core tables' metadata, in the order core-schema.md lists them.
pub fn tables() -> [&'static crate::schema::TableDef; 10] {
    use crate::Table;
    [
        Flow::DEF,
        FlowVersion::DEF,
        FlowRun::DEF,
        NodeExecution::DEF,
        Credential::DEF,
        BatchJob::DEF,
        AgentToolExecution::DEF,
        FlowAccess::DEF,
        FlowTrigger::DEF,
        ChatMessage::DEF,
    ]
}

/// The core schema alone, merged and in creation order.
pub fn schema() -> Result<crate::schema::Schema, crate::schema::SchemaErrors> {
    crate::schema::SchemaBuilder::new()
        .tables(crate::schema::Origin::Core, tables().into_iter().cloned())
        .build()
}
