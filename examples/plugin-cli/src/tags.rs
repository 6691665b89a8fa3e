//! The `tags` plugin: a table of its own (`flow_tags`) and a column it adds
//! to the core `flows` table (`flows.owner_email`).

use invect_runtime::Plugin;
use invect_runtime::core::flows;
use invect_runtime::prelude::*;

/// A tag on a flow; deleted with its flow.
#[invect_table(name = "flow_tags", unique(flow_id, tag))]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTag {
    /// The tag's id, generated when not given.
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    /// The tagged flow.
    #[invect(references = flows::id, on_delete = cascade, index)]
    pub flow_id: String,
    /// The tag itself.
    #[invect(max_length = 64)]
    pub tag: String,
    /// When the tag was added.
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
}

/// The column the plugin adds to `flows`.
#[invect_table(extends = invect_runtime::core::Flow)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowOwner {
    /// Who to tell about the flow; optional, so existing rows stay valid.
    #[invect(max_length = 255, index)]
    pub owner_email: Option<String>,
}

/// The plugin, as the application registers it.
pub fn plugin() -> Plugin {
    Plugin::new("tags").table::<FlowTag>().extend::<FlowOwner>()
}
