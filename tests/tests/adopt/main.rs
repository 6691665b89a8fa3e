//! `migrate --adopt` on the TypeScript Invect's own schemas
//! (tests/fixtures/typescript-invect/): with 1,000 rows in every table it
//! is adopted, `verify --strict` passes, a second push has nothing to do,
//! a plugin's push adds its table and columns, and every row is kept; a
//! database with one column of another type is refused naming it, with
//! nothing changed; without `--adopt`, push still refuses the tables.

mod rows;
#[allow(dead_code, unused_imports)]
#[path = "../cli/support.rs"]
mod support;

use invect_runtime::introspect::{LiveSchema, introspect};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use invect_runtime::{DatabaseConfig, DatabaseType, Invect, Plugin};
use invect_tests::AnyTestDb;
use invect_tests::plugin::AuditLog;

use rows::{Digests, digests, fill, fixture};
use support::{cli, url_args, workdir};

invect_tests::per_dialect!(
    typescript_schema_is_adopted_with_every_row,
    a_column_of_another_type_is_refused_with_nothing_changed,
    without_adopt_push_still_refuses_the_tables,
);

/// Columns a plugin adds to the core `flows` table.
#[invect_table(extends = invect_runtime::core::Flow)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTenant {
    #[invect(index, max_length = 64)]
    pub tenant_id: Option<String>,
    #[invect(default = "free")]
    pub plan: String,
}

fn database_type(kind: DialectKind) -> DatabaseType {
    match kind {
        DialectKind::Sqlite => DatabaseType::Sqlite,
        DialectKind::Postgres => DatabaseType::Postgresql,
        DialectKind::Mysql => DatabaseType::Mysql,
    }
}

/// The TypeScript Invect's database with 1,000 rows in every table.
async fn typescript_database(kind: DialectKind, rows: usize) -> (AnyTestDb, LiveSchema) {
    let test = AnyTestDb::new(kind).await;
    test.apply(&fixture(kind, None)).await;
    let live = introspect(&test.db())
        .await
        .expect("introspect the fixture");
    fill(&test.db(), &live, rows).await;
    (test, live)
}

async fn typescript_schema_is_adopted_with_every_row(kind: DialectKind) {
    let (test, live) = typescript_database(kind, 1000).await;
    let before: Digests = digests(&test.db(), &live, false).await;
    assert!(
        before.values().all(|(n, _)| *n == 1000),
        "{kind}: {before:?}"
    );
    let dir = workdir();
    let url = test.url().to_string();

    let args = ["migrate", "--adopt", "--dry-run", "--format", "json"];
    let planned = cli(dir.path(), &url_args(&args, &url));
    let doc: serde_json::Value = serde_json::from_str(&planned.ok().stdout)
        .unwrap_or_else(|e| panic!("{kind}: no JSON ({e}):\n{planned}"));
    assert_eq!(
        (doc["format"].as_u64(), doc["upToDate"].as_bool()),
        (Some(1), Some(false))
    );
    let renamed = serde_json::json!({ "table": "flow_runs", "renamedFrom": "flow_executions" });
    assert!(
        doc["tables"]
            .as_array()
            .is_some_and(|t| t.contains(&renamed)),
        "{kind}: {doc}"
    );
    assert!(doc["recordsAsApplied"].as_u64() >= Some(1), "{kind}: {doc}");
    assert_eq!(doc["refusals"], serde_json::json!([]), "{kind}: {doc}");
    assert_eq!(
        digests(&test.db(), &live, false).await,
        before,
        "{kind}: a dry run changes nothing"
    );

    let adopted = cli(
        dir.path(),
        &url_args(&["migrate", "--adopt", "--yes"], &url),
    );
    adopted
        .ok()
        .stdout_has("adopt table `flow_executions` as `flow_runs`");
    adopted.stdout_has("adopt table `execution_traces` as `node_executions`");
    adopted.stdout_has("as applied");
    cli(dir.path(), &url_args(&["verify", "--strict"], &url)).ok();
    cli(dir.path(), &url_args(&["migrate", "--push", "--yes"], &url))
        .ok()
        .stdout_has("nothing to push");
    cli(dir.path(), &url_args(&["migrate", "--yes"], &url))
        .ok()
        .stdout_has("up to date");
    assert_eq!(
        digests(&test.db(), &live, true).await,
        before,
        "{kind}: rows after adoption"
    );

    let config = DatabaseConfig::new(database_type(kind), &url, "main");
    let plugin = Plugin::new("audit-log")
        .table::<AuditLog>()
        .extend::<FlowTenant>();
    let invect = Invect::builder()
        .base_database_config(config)
        .plugin(plugin)
        .build()
        .await
        .unwrap_or_else(|e| panic!("{kind}: build with the plugin: {e}"));
    let pushed = invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: plugin push: {e}"));
    let all = pushed.statements.join("\n");
    for wanted in ["audit_logs", "tenant_id", "plan"] {
        assert!(
            all.contains(wanted),
            "{kind}: plugin push lacks {wanted}:\n{all}"
        );
    }
    assert!(invect.verify().await.expect("verify").is_ok(), "{kind}");
    assert!(
        invect.plan().await.expect("plan").statements.is_empty(),
        "{kind}"
    );
    invect.db().close().await;
    assert_eq!(
        digests(&test.db(), &live, true).await,
        before,
        "{kind}: rows after the plugin"
    );
    test.drop().await;
}

async fn a_column_of_another_type_is_refused_with_nothing_changed(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let changed = match kind {
        DialectKind::Sqlite => (
            "`live_version_number` integer",
            "`live_version_number` text",
        ),
        DialectKind::Postgres => (
            "\"live_version_number\" integer",
            "\"live_version_number\" text",
        ),
        DialectKind::Mysql => (
            "`live_version_number` int",
            "`live_version_number` varchar(20)",
        ),
    };
    test.apply(&fixture(kind, Some(changed))).await;
    let live = introspect(&test.db()).await.expect("introspect");
    fill(&test.db(), &live, 50).await;
    let before = (
        schema_of(&test).await,
        digests(&test.db(), &live, false).await,
    );
    let dir = workdir();
    let url = test.url().to_string();
    cli(
        dir.path(),
        &url_args(&["migrate", "--adopt", "--yes"], &url),
    )
    .failed()
    .stderr_has("flows.live_version_number")
    .stderr_has("nothing was changed");
    let args = ["migrate", "--adopt", "--dry-run", "--format", "json"];
    let planned = cli(dir.path(), &url_args(&args, &url));
    let doc: serde_json::Value = serde_json::from_str(&planned.failed().stdout)
        .unwrap_or_else(|e| panic!("{kind}: no JSON ({e}):\n{planned}"));
    let refusals = doc["refusals"].as_array().cloned().unwrap_or_default();
    assert!(
        refusals.iter().any(|r| r
            .as_str()
            .is_some_and(|r| r.contains("flows.live_version_number"))),
        "{kind}: {doc}"
    );
    let after = (
        schema_of(&test).await,
        digests(&test.db(), &live, false).await,
    );
    assert_eq!(
        after, before,
        "{kind}: a refused adoption changed the database"
    );
    assert!(
        !dir.path().join("migrations").exists(),
        "{kind}: a refused adoption wrote migration files"
    );
    test.drop().await;
}

async fn without_adopt_push_still_refuses_the_tables(kind: DialectKind) {
    let (test, live) = typescript_database(kind, 10).await;
    let before = (
        schema_of(&test).await,
        digests(&test.db(), &live, false).await,
    );
    let dir = workdir();
    let url = test.url().to_string();
    cli(dir.path(), &url_args(&["migrate", "--push", "--yes"], &url))
        .failed()
        .stderr_has("`flows` exists but was not created by Invect");
    let after = (
        schema_of(&test).await,
        digests(&test.db(), &live, false).await,
    );
    assert_eq!(after, before, "{kind}: a refused push changed the database");
    test.drop().await;
}

/// The whole live schema (without the count of catalog queries).
async fn schema_of(test: &AnyTestDb) -> LiveSchema {
    let mut live = introspect(&test.db()).await.expect("introspect");
    live.queries = 0;
    live
}
