//! No data lost: a database with 10,000 flows, each with a version, a run
//! and a node execution, taken through a push of a plugin that adds a table
//! and a column to each of three core tables, and (another database) through
//! the same change as a migration file: every row is still there, unchanged.

use invect_tests::new_flow_run;
use std::hash::{DefaultHasher, Hash, Hasher};

use invect_runtime::core::{
    Flow, FlowRun, FlowVersion, NewFlow, NewFlowRun, NewFlowVersion, NewNodeExecution,
    NodeExecution, flow_runs,
};
use invect_runtime::migrate;
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use invect_runtime::{Plugin, merged_schema};
use invect_tests::AnyTestDb;
use serde_json::json;

use crate::per_dialect;
use crate::push_support::{invect, invect_with};
use crate::support::int;

per_dialect!(
    populated_database_keeps_every_row_through_a_push,
    populated_database_keeps_every_row_through_a_migration,
);

const FLOWS: usize = 10_000;

/// The plugin's own table.
#[invect_table(name = "run_reviews")]
#[derive(Debug, Clone, PartialEq)]
pub struct RunReview {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = flow_runs::id, on_delete = cascade, index)]
    pub flow_run_id: Uuid,
    pub verdict: String,
    #[invect(default = now)]
    pub created_at: DateTime<Utc>,
}

/// A column on `flows`.
#[invect_table(extends = invect_runtime::core::Flow)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowOwnerColumn {
    #[invect(index)]
    pub owner: Option<String>,
}

/// A column on `flow_runs`, NOT NULL with a default.
#[invect_table(extends = invect_runtime::core::FlowRun)]
#[derive(Debug, Clone, PartialEq)]
pub struct RunPriorityColumn {
    #[invect(default = 0)]
    pub priority: i32,
}

/// A column on `node_executions`.
#[invect_table(extends = invect_runtime::core::NodeExecution)]
#[derive(Debug, Clone, PartialEq)]
pub struct NodeCostColumn {
    pub cost_cents: Option<i64>,
}

fn plugin() -> Plugin {
    Plugin::new("review")
        .table::<RunReview>()
        .extend::<FlowOwnerColumn>()
        .extend::<RunPriorityColumn>()
        .extend::<NodeCostColumn>()
}

fn run_id(i: usize) -> Uuid {
    Uuid::from_u128(0x1000_0000 + i as u128)
}

/// 10,000 flows with a version, a run and a node execution each, with
/// quotes, backslashes, multibyte text and JSON in them.
async fn populate(db: &Db) {
    let flows = (0..FLOWS).map(|i| NewFlow {
        id: format!("flow-{i:05}"),
        name: format!("Flow {i} 'q' \"d\" \\ {}", "é😀".repeat(i % 5)),
        description: (i % 3 == 0).then(|| format!("line 1\nline 2 ; DROP TABLE flows; -- {i}")),
        tags: Some(json!(["t", i, {"k": "v"}])),
        live_version_number: Some(1),
        ..NewFlow::default()
    });
    Flow::insert_many(db, flows.collect::<Vec<_>>())
        .await
        .expect("insert the flows");
    let versions = (0..FLOWS).map(|i| NewFlowVersion {
        flow_id: format!("flow-{i:05}"),
        version: 1,
        invect_definition: json!({"nodes": [{"id": format!("n{i}")}], "edges": []}),
        created_at: None,
        created_by: Some(format!("user-{}", i % 17)),
    });
    FlowVersion::insert_many(db, versions.collect::<Vec<_>>())
        .await
        .expect("insert the versions");
    let runs = (0..FLOWS).map(|i| NewFlowRun {
        id: Some(run_id(i)),
        error: (i % 7 == 0).then(|| "boom 'x'".to_string()),
        duration: Some(i as i32),
        ..new_flow_run(format!("flow-{i:05}"), json!({"i": i}))
    });
    FlowRun::insert_many(db, runs.collect::<Vec<_>>())
        .await
        .expect("insert the runs");
    let nodes = (0..FLOWS).map(|i| NewNodeExecution {
        id: Some(Uuid::from_u128(0x2000_0000 + i as u128)),
        flow_run_id: run_id(i),
        node_id: format!("n{i}"),
        node_type: "core.input".into(),
        status: None,
        inputs: json!({"x": [i, "y"]}),
        outputs: None,
        error: None,
        started_at: None,
        completed_at: None,
        duration: None,
        retry_count: Some((i % 3) as i32),
    });
    NodeExecution::insert_many(db, nodes.collect::<Vec<_>>())
        .await
        .expect("insert the node executions");
}

/// Row count and a checksum of every row (their `Debug` text, sorted) of
/// each populated core table, read through the typed API.
async fn checksums(db: &Db) -> Vec<(&'static str, usize, u64)> {
    fn sum<T: std::fmt::Debug>(name: &'static str, rows: Vec<T>) -> (&'static str, usize, u64) {
        let mut lines: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
        lines.sort();
        let mut h = DefaultHasher::new();
        lines.hash(&mut h);
        (name, lines.len(), h.finish())
    }
    vec![
        sum("flows", Flow::select().all(db).await.expect("flows")),
        sum(
            "flow_versions",
            FlowVersion::select().all(db).await.expect("versions"),
        ),
        sum("flow_runs", FlowRun::select().all(db).await.expect("runs")),
        sum(
            "node_executions",
            NodeExecution::select().all(db).await.expect("nodes"),
        ),
    ]
}

/// The plugin is usable on the old rows: every run got the default priority.
async fn plugin_columns_filled(kind: DialectKind, db: &Db) {
    let sql = "SELECT COUNT(*) FROM flow_runs WHERE priority = 0";
    assert_eq!(
        int(db, sql).await,
        FLOWS as i64,
        "{kind}: default on old rows"
    );
    let with_priority = FlowRun::select()
        .filter(flow_runs::flow_version.eq(1))
        .count(db)
        .await
        .expect("count the runs");
    assert_eq!(with_priority, FLOWS as u64, "{kind}");
}

async fn populated_database_keeps_every_row_through_a_push(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let core = invect(&test).await;
    core.push().await.expect("push the core tables");
    populate(core.db()).await;
    let before = checksums(core.db()).await;
    assert!(
        before.iter().all(|(_, n, _)| *n == FLOWS),
        "{kind}: {before:?}"
    );

    let with_plugin = invect_with(&test, |b| b.plugin(plugin())).await;
    let report = with_plugin
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: push of the plugin failed: {e}"));
    assert!(
        report.statements.iter().any(|s| s.contains("run_reviews")),
        "{kind}: {:?}",
        report.statements
    );
    assert_eq!(
        checksums(with_plugin.db()).await,
        before,
        "{kind}: rows changed"
    );
    assert!(
        with_plugin.verify().await.expect("verify").is_ok(),
        "{kind}"
    );
    plugin_columns_filled(kind, with_plugin.db()).await;
    core.db().close().await;
    with_plugin.db().close().await;
    test.drop().await;
}

async fn populated_database_keeps_every_row_through_a_migration(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let root = tempfile::tempdir().expect("a migrations folder");
    let root = root.path();
    let core = invect(&test).await;
    let db = core.db();
    let core_schema = merged_schema(&[], "").expect("the core schema");
    migrate::write_pending(root, kind, &core_schema, "", "core", false).expect("write core");
    migrate::apply(db, root).await.expect("apply core");
    populate(db).await;
    let before = checksums(db).await;

    let schema = merged_schema(&[plugin()], "").expect("core + plugin");
    let written =
        migrate::write_changes(root, kind, &schema, "", "review", Default::default(), false)
            .expect("write the plugin's migration")
            .expect("files");
    // PostgreSQL builds an index on an existing table in a file of its own.
    let versions: Vec<i64> = written.files.iter().map(|f| f.version).collect();
    assert_eq!(
        migrate::apply(db, root)
            .await
            .expect("apply the plugin's migration"),
        versions,
        "{kind}"
    );
    assert_eq!(checksums(db).await, before, "{kind}: rows changed");
    let with_plugin = invect_with(&test, |b| b.plugin(plugin())).await;
    assert!(
        with_plugin.verify().await.expect("verify").is_ok(),
        "{kind}"
    );
    plugin_columns_filled(kind, db).await;
    db.close().await;
    with_plugin.db().close().await;
    test.drop().await;
}
