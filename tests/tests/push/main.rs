//! `migrate --push` and the startup check against the real SQLite, PostgreSQL
//! and MariaDB servers: exactly the core schema, nothing twice, the
//! application's tables untouched, rows kept, concurrent pushes, failures
//! half-way, SELECT-only verification and a plugin.

mod enums;
mod renames;
mod support;

use invect_runtime::core::{Flow, NewFlow, flows};
use invect_runtime::schema::DialectKind;
use invect_runtime::{ColumnExt, TableExt};
use invect_runtime::{Drift, Error, Plugin, SchemaVerification};
use invect_tests::AnyTestDb;

use renames::push_applies_renames_and_widening_keeping_rows;
use support::{
    AuditLog, FlowTenant, NewAuditLog, app_snapshot, audit_logs, create_app_tables, flow_tenant,
    invect, invect_with, live_core, raw, reference_core,
};

invect_tests::per_dialect!(
    push_creates_exactly_the_core_schema_once,
    application_tables_are_left_as_they_were,
    dropped_column_comes_back_with_every_row,
    concurrent_pushes_all_succeed,
    view_named_like_a_core_table_is_refused_up_front,
    plugin_table_and_extension_push_verify_and_query,
    strict_and_warn_startup_checks,
    prefix_keeps_clear_of_the_applications_flows,
    non_additive_changes_are_refused,
    a_column_made_before_its_length_check_still_verifies,
    push_applies_renames_and_widening_keeping_rows,
);

/// A `max_length` column added before Invect wrote a length CHECK for it
/// (SQLite and PostgreSQL): verify passes, push finds nothing to do, and
/// the typed API still refuses an over-long value before sending it.
async fn a_column_made_before_its_length_check_still_verifies(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let core = invect(&test).await;
    core.push().await.expect("push the core");
    let db = core.db();
    let (tenant, plan) = match kind {
        DialectKind::Mysql => ("VARCHAR(64)", "VARCHAR(255)"),
        _ => ("TEXT", "TEXT"),
    };
    raw(
        db,
        &format!("ALTER TABLE flows ADD COLUMN tenant_id {tenant}"),
    )
    .await;
    raw(db, "CREATE INDEX flows_tenant_id_idx ON flows (tenant_id)").await;
    raw(
        db,
        &format!("ALTER TABLE flows ADD COLUMN plan {plan} NOT NULL DEFAULT 'free'"),
    )
    .await;
    let plugin = Plugin::new("audit-log").extend::<FlowTenant>();
    let invect = invect_with(&test, |b| b.plugin(plugin)).await;
    let report = invect.verify().await.expect("verify");
    assert!(report.is_ok(), "{kind}: {report}");
    let plan = invect.plan().await.expect("plan");
    assert!(
        plan.statements.is_empty() && plan.refusals.is_empty(),
        "{kind}: {plan:?}"
    );
    let flow = Flow::insert(
        invect.db(),
        NewFlow {
            id: "f".into(),
            name: "F".into(),
            ..NewFlow::default()
        },
    )
    .await
    .expect("insert");
    let long = FlowTenant {
        tenant_id: Some("t".repeat(65)),
        plan: "pro".into(),
    };
    let refused = FlowTenant::set(invect.db(), &flow.id, &long).await;
    let e = refused.expect_err("65 characters in a max_length = 64 column");
    assert!(e.to_string().contains("max_length of 64"), "{kind}: {e}");
    invect.db().close().await;
    test.drop().await;
}

async fn push_creates_exactly_the_core_schema_once(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let invect = invect(&test).await;

    let before = invect.verify().await.expect("verify on an empty database");
    assert!(
        before.problems.contains(&Drift::MissingTable {
            table: "flows".into()
        }),
        "{kind}: an empty database must be reported as missing `flows`: {before}"
    );

    let first = invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: first push failed: {e}"));
    assert!(
        !first.statements.is_empty(),
        "{kind}: the first push ran nothing"
    );
    assert_eq!(
        live_core(invect.db()).await,
        reference_core(kind).await,
        "{kind}: push did not create exactly the core DDL's schema"
    );

    let second = invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: second push failed: {e}"));
    assert_eq!(
        second.statements,
        Vec::<String>::new(),
        "{kind}: the second push ran statements"
    );
    let plan = invect.plan().await.expect("plan");
    assert!(
        plan.statements.is_empty() && plan.refusals.is_empty(),
        "{kind}: plan after push: {plan:?}"
    );
    let report = invect.verify().await.expect("verify");
    assert!(report.is_ok(), "{kind}: verify after push: {report}");

    invect.db().close().await;
    test.drop().await;
}

async fn application_tables_are_left_as_they_were(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    create_app_tables(&test).await;
    let owner = test.db();
    let before = app_snapshot(&owner).await;

    let invect = invect(&test).await;
    invect.verify().await.expect("verify before push");
    invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: push failed: {e}"));
    invect.verify().await.expect("verify after push");
    invect.push().await.expect("second push");

    assert_eq!(
        app_snapshot(&owner).await,
        before,
        "{kind}: push or verify changed the application's tables"
    );
    invect.db().close().await;
    owner.close().await;
    test.drop().await;
}

async fn dropped_column_comes_back_with_every_row(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let invect = invect(&test).await;
    invect.push().await.expect("push");
    let db = invect.db();
    let rows: Vec<NewFlow> = (0..500)
        .map(|i| NewFlow {
            id: format!("flow-{i:03}"),
            name: format!("Flow {i} 'quoted' \\ {}", "é".repeat(i % 7)),
            tags: Some(serde_json::json!(["t", i])),
            live_version_number: Some(i as i32),
            ..NewFlow::default()
        })
        .collect();
    Flow::insert_many(db, rows).await.expect("insert 500 flows");
    let before = Flow::select()
        .order_by(flows::id.asc())
        .all(db)
        .await
        .expect("read flows");
    assert_eq!(before.len(), 500);

    raw(db, "ALTER TABLE flows DROP COLUMN description").await;
    let report = invect.verify().await.expect("verify");
    assert_eq!(
        report.problems,
        vec![Drift::MissingColumn {
            table: "flows".into(),
            column: "description".into()
        }],
        "{kind}: verify must name exactly the dropped column"
    );

    let pushed = invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: push failed: {e}"));
    assert_eq!(
        pushed.statements.len(),
        1,
        "{kind}: one ADD COLUMN expected: {:?}",
        pushed.statements
    );
    assert!(
        pushed.statements[0].contains("description"),
        "{kind}: {:?}",
        pushed.statements
    );
    let after = Flow::select()
        .order_by(flows::id.asc())
        .all(db)
        .await
        .expect("read flows");
    assert_eq!(after, before, "{kind}: rows changed across the push");
    assert!(invect.verify().await.expect("verify").is_ok());
    db.close().await;
    test.drop().await;
}

async fn concurrent_pushes_all_succeed(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let mut instances = Vec::new();
    for _ in 0..8 {
        // Each its own pool, as separate deployers would be.
        instances.push(invect(&test).await);
    }
    let tasks: Vec<_> = instances
        .iter()
        .cloned()
        .map(|i| tokio::spawn(async move { i.push().await }))
        .collect();
    let mut executed = 0;
    for (n, task) in tasks.into_iter().enumerate() {
        let report = task
            .await
            .expect("push task panicked")
            .unwrap_or_else(|e| panic!("{kind}: concurrent push {n} failed: {e}"));
        executed += usize::from(!report.statements.is_empty());
    }
    assert_eq!(
        executed, 1,
        "{kind}: exactly one push should have had work to do"
    );
    assert_eq!(
        live_core(instances[0].db()).await,
        reference_core(kind).await,
        "{kind}: schema incomplete"
    );
    for i in &instances {
        i.db().close().await;
    }
    test.drop().await;
}

async fn view_named_like_a_core_table_is_refused_up_front(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let owner = test.db();
    raw(
        &owner,
        "CREATE TABLE app_runs (id INTEGER NOT NULL PRIMARY KEY)",
    )
    .await;
    raw(&owner, "CREATE VIEW flow_runs AS SELECT id FROM app_runs").await;
    let invect = invect(&test).await;

    let err = invect
        .push()
        .await
        .expect_err("push past a view named flow_runs");
    let message = err.to_string();
    assert!(
        matches!(err, Error::PushRefused { .. }),
        "{kind}: {message}"
    );
    assert!(
        message.contains("`flow_runs`") && message.contains("view"),
        "{kind}: {message}"
    );
    let live = invect_runtime::introspect::introspect(&owner)
        .await
        .expect("introspect");
    assert_eq!(
        live.tables.keys().cloned().collect::<Vec<_>>(),
        vec!["app_runs".to_string()],
        "{kind}: a refused push created tables"
    );
    invect.db().close().await;
    owner.close().await;
    test.drop().await;
}

async fn plugin_table_and_extension_push_verify_and_query(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let plugin = Plugin::new("audit-log")
        .table::<AuditLog>()
        .extend::<FlowTenant>();
    let invect = invect_with(&test, |b| b.plugin(plugin.clone())).await;
    invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: push failed: {e}"));
    let report = invect.verify().await.expect("verify");
    assert!(report.is_ok(), "{kind}: {report}");

    let db = invect.db();
    let flow = Flow::insert(
        db,
        NewFlow {
            id: "f1".into(),
            name: "One".into(),
            ..NewFlow::default()
        },
    )
    .await
    .expect("insert flow");
    FlowTenant::set(
        db,
        &flow.id,
        &FlowTenant {
            tenant_id: Some("acme".into()),
            plan: "pro".into(),
        },
    )
    .await
    .expect("set the extension's columns");
    let tenant = FlowTenant::get(db, &flow.id)
        .await
        .expect("get")
        .expect("a row");
    assert_eq!(tenant.tenant_id.as_deref(), Some("acme"));
    let acme = Flow::select()
        .filter(flow_tenant::tenant_id.eq("acme"))
        .all(db)
        .await
        .expect("filter");
    assert_eq!(acme, vec![flow.clone()]);

    let log = AuditLog::insert(
        db,
        NewAuditLog {
            id: None,
            action: "run".into(),
            flow_id: Some("f1".into()),
            created_at: None,
        },
    )
    .await
    .expect("insert audit log");
    let found = AuditLog::select()
        .filter(audit_logs::flow_id.eq("f1"))
        .all(db)
        .await
        .expect("select");
    assert_eq!(found, vec![log]);

    // The plugin's table is now Invect's: dropping it is drift.
    raw(db, "DROP TABLE audit_logs").await;
    let report = invect.verify().await.expect("verify");
    assert_eq!(
        report.problems,
        vec![Drift::MissingTable {
            table: "audit_logs".into()
        }],
        "{kind}"
    );
    db.close().await;
    test.drop().await;
}

async fn strict_and_warn_startup_checks(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let strict = invect_runtime::Invect::builder()
        .base_database_config(support::config(&test))
        .schema_verification(SchemaVerification::Strict)
        .build()
        .await;
    let message = match strict {
        Err(e @ Error::Verification(_)) => e.to_string(),
        other => panic!("{kind}: strict verification of an empty database: {other:?}"),
    };
    for needle in [
        "table `flows` is missing",
        "table `chat_messages` is missing",
        "invect-cli generate",
        "invect-cli migrate --push",
        "invect-cli migrate`",
    ] {
        assert!(
            message.contains(needle),
            "{kind}: `{needle}` not in:\n{message}"
        );
    }
    let warn = invect_with(&test, |b| b.schema_verification(SchemaVerification::Warn)).await;
    warn.push().await.expect("push");
    let strict = invect_with(&test, |b| b.schema_verification(SchemaVerification::Strict)).await;
    strict.db().close().await;
    warn.db().close().await;
    test.drop().await;
}

async fn prefix_keeps_clear_of_the_applications_flows(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let owner = test.db();
    raw(
        &owner,
        "CREATE TABLE flows (id INTEGER NOT NULL PRIMARY KEY, title VARCHAR(50))",
    )
    .await;
    raw(&owner, "INSERT INTO flows (id, title) VALUES (1, 'mine')").await;

    let unprefixed = invect(&test).await;
    let err = unprefixed
        .push()
        .await
        .expect_err("push over the application's flows");
    let message = err.to_string();
    assert!(
        message.contains("`flows`") && message.contains("prefix"),
        "{kind}: {message}"
    );
    unprefixed.db().close().await;

    let prefixed = invect_with(&test, |b| b.table_prefix("invect_")).await;
    prefixed
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: prefixed push failed: {e}"));
    assert!(prefixed.verify().await.expect("verify").is_ok());
    let db = prefixed.db();
    Flow::insert(
        db,
        NewFlow {
            id: "f1".into(),
            name: "Invect's".into(),
            ..NewFlow::default()
        },
    )
    .await
    .expect("insert into invect_flows");
    let live = invect_runtime::introspect::introspect(&owner)
        .await
        .expect("introspect");
    assert!(
        live.tables.contains_key("invect_flows") && live.tables.contains_key("invect_flow_runs")
    );
    let mine = live.tables.get("flows").expect("the application's flows");
    assert_eq!(
        mine.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "title"]
    );
    db.close().await;
    owner.close().await;
    test.drop().await;
}

/// A NOT NULL column without default on a table with rows, and a column
/// whose type changed: push changes nothing and says what a migration must do.
async fn non_additive_changes_are_refused(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let invect = invect(&test).await;
    invect.push().await.expect("push");
    let db = invect.db();
    Flow::insert(
        db,
        NewFlow {
            id: "f1".into(),
            name: "One".into(),
            ..NewFlow::default()
        },
    )
    .await
    .expect("insert");
    // One call, so one connection: another SQLite connection whose schema
    // cache predates the DROP would see the re-added column as a duplicate.
    raw(
        db,
        "ALTER TABLE flows DROP COLUMN name; ALTER TABLE flows DROP COLUMN live_version_number; \
         ALTER TABLE flows ADD COLUMN live_version_number VARCHAR(10)",
    )
    .await;
    let before = invect_runtime::introspect::introspect(db)
        .await
        .expect("introspect");

    let err = invect
        .push()
        .await
        .expect_err("push of a NOT NULL column into a table with rows");
    let Error::PushRefused { reasons } = &err else {
        panic!("{kind}: not a refusal: {err}")
    };
    assert_eq!(reasons.len(), 2, "{kind}: {err}");
    assert!(
        reasons[0].contains("`flows.name`")
            && reasons[0].contains("has rows")
            && reasons[0].contains("migration"),
        "{kind}: {}",
        reasons[0]
    );
    assert!(
        reasons[1].contains("`flows.live_version_number`")
            && reasons[1].contains("type")
            && reasons[1].contains("migration"),
        "{kind}: {}",
        reasons[1]
    );
    let plan = invect.plan().await.expect("plan");
    assert_eq!(plan.refusals, *reasons, "{kind}: plan and push disagree");

    let after = invect_runtime::introspect::introspect(db)
        .await
        .expect("introspect");
    assert_eq!(after, before, "{kind}: a refused push changed the schema");
    let report = invect.verify().await.expect("verify");
    assert_eq!(report.problems.len(), 2, "{kind}: {report}");
    db.close().await;
    test.drop().await;
}

// --- failures half-way ----------------------------------------------------------

/// PostgreSQL and SQLite: a view named like an index of a late table makes
/// its CREATE INDEX fail after the earlier tables were created; the whole
/// push rolls back and names the object.
async fn failed_push_leaves_nothing(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let owner = test.db();
    let index = support::late_index_name();
    raw(
        &owner,
        "CREATE TABLE app_runs (id INTEGER NOT NULL PRIMARY KEY)",
    )
    .await;
    raw(
        &owner,
        &format!("CREATE VIEW {index} AS SELECT id FROM app_runs"),
    )
    .await;
    let invect = invect(&test).await;

    let err = invect
        .push()
        .await
        .expect_err("push past the blocking view");
    assert!(
        err.to_string().contains(&index),
        "{kind}: the error does not name `{index}`: {err}"
    );
    let live = invect_runtime::introspect::introspect(&owner)
        .await
        .expect("introspect");
    assert_eq!(
        live.tables.keys().cloned().collect::<Vec<_>>(),
        vec!["app_runs".to_string()],
        "{kind}: push left tables behind"
    );
    assert!(
        live.enums.is_empty(),
        "{kind}: push left enum types behind: {:?}",
        live.enums
    );

    raw(&owner, &format!("DROP VIEW {index}")).await;
    invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("{kind}: push after the fix failed: {e}"));
    assert_eq!(live_core(invect.db()).await, reference_core(kind).await);
    invect.db().close().await;
    owner.close().await;
    test.drop().await;
}

#[tokio::test]
async fn failed_push_leaves_nothing_sqlite() {
    failed_push_leaves_nothing(DialectKind::Sqlite).await;
}

#[tokio::test]
async fn failed_push_leaves_nothing_postgres() {
    failed_push_leaves_nothing(DialectKind::Postgres).await;
}

/// MySQL commits DDL as it goes: a push that fails half-way (a foreign key
/// name already taken by the application) completes when run again once the
/// obstacle is gone.
#[tokio::test]
async fn failed_push_completes_on_rerun_mysql() {
    let kind = DialectKind::Mysql;
    let test = AnyTestDb::new(kind).await;
    let owner = test.db();
    let fk = support::late_foreign_key_name();
    raw(
        &owner,
        "CREATE TABLE app_parent (id INTEGER NOT NULL PRIMARY KEY)",
    )
    .await;
    raw(
        &owner,
        &format!(
            "CREATE TABLE app_child (parent_id INTEGER, CONSTRAINT `{fk}` FOREIGN KEY (parent_id) REFERENCES app_parent (id))"
        ),
    )
    .await;
    let invect = invect(&test).await;

    let err = invect
        .push()
        .await
        .expect_err("push past the taken constraint name");
    let message = err.to_string();
    assert!(
        message.contains("node_executions"),
        "the error does not name the table: {message}"
    );
    let live = invect_runtime::introspect::introspect(&owner)
        .await
        .expect("introspect");
    assert!(
        live.tables.contains_key("flows"),
        "MySQL should have kept the tables created before the failure"
    );
    assert!(!live.tables.contains_key("node_executions"));

    raw(&owner, "DROP TABLE app_child").await;
    invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("push after the fix failed: {e}"));
    assert_eq!(live_core(invect.db()).await, reference_core(kind).await);
    assert!(
        invect
            .push()
            .await
            .expect("third push")
            .statements
            .is_empty()
    );
    invect.db().close().await;
    owner.close().await;
    test.drop().await;
}

// --- a SELECT-only user ---------------------------------------------------------

async fn verify_as_select_only_user(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    invect(&test).await.push().await.expect("push as the owner");
    let owner = test.db();
    let ro_url = support::grant_select(&test).await;

    let ro = support::invect_at(&test, &ro_url).await;
    let report = ro
        .verify()
        .await
        .unwrap_or_else(|e| panic!("{kind}: verify as invect_ro failed: {e}"));
    assert!(report.is_ok(), "{kind}: {report}");
    assert!(
        ro.push().await.is_ok_and(|r| r.statements.is_empty()),
        "{kind}: nothing to push"
    );

    raw(&owner, "ALTER TABLE flow_runs DROP COLUMN error").await;
    let report = ro.verify().await.expect("verify as invect_ro");
    assert_eq!(
        report.problems,
        vec![Drift::MissingColumn {
            table: "flow_runs".into(),
            column: "error".into()
        }],
        "{kind}"
    );
    let push = ro.push().await;
    assert!(push.is_err(), "{kind}: a SELECT-only user could push");
    ro.db().close().await;
    support::revoke_select(&test).await;
    owner.close().await;
    test.drop().await;
}

#[tokio::test]
async fn verify_as_select_only_user_postgres() {
    verify_as_select_only_user(DialectKind::Postgres).await;
}

#[tokio::test]
async fn verify_as_select_only_user_mysql() {
    verify_as_select_only_user(DialectKind::Mysql).await;
}

/// A nullable column that references `flows.id` and has a default.
#[invect_runtime::invect_table(extends = invect_runtime::core::Flow)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTemplate {
    #[invect(references = flows::id, default = "f1")]
    pub template_flow_id: Option<String>,
}

/// SQLite cannot `ADD COLUMN` a foreign key with a default. Push and plan
/// refuse it with the reason migrations give (one rule in invect-schema),
/// never SQLite's raw "Cannot add a REFERENCES column with non-NULL default
/// value"; nothing changes. PostgreSQL adds it in place.
#[tokio::test]
async fn referencing_column_with_default_is_refused_alike_by_plan_push_and_migrate_sqlite() {
    let test = AnyTestDb::new(DialectKind::Sqlite).await;
    invect(&test).await.push().await.expect("core push");
    let db = test.db();
    let new = NewFlow {
        id: "f1".into(),
        name: "One".into(),
        ..NewFlow::default()
    };
    Flow::insert(&db, new).await.expect("insert");
    let before = invect_runtime::introspect::introspect(&db)
        .await
        .expect("introspect");
    let plugin = || Plugin::new("templates").extend::<FlowTemplate>();
    let invect = invect_with(&test, |b| b.plugin(plugin())).await;

    let plan = invect.plan().await.expect("plan");
    let err = invect.push().await.expect_err("push must refuse");
    let Error::PushRefused { reasons } = &err else {
        panic!("not a refusal: {err}")
    };
    assert_eq!(plan.refusals, *reasons, "plan and push disagree");
    assert_eq!(reasons.len(), 1, "{err}");
    assert!(
        reasons[0].contains("`flows.template_flow_id`") && reasons[0].contains("foreign key"),
        "{}",
        reasons[0]
    );
    assert!(
        !err.to_string().contains("Cannot add"),
        "raw SQLite error: {err}"
    );

    let schema = invect_runtime::merged_schema(&[plugin()], "").expect("schema");
    let core = invect_runtime::merged_schema(&[], "").expect("core schema");
    let migration =
        invect_runtime::schema::diff_schemas(DialectKind::Sqlite.dialect(), &core, &schema, "")
            .expect_err("a migration file must refuse it too");
    assert_eq!(migration, *reasons, "migrate and push word it differently");

    let after = invect_runtime::introspect::introspect(&db)
        .await
        .expect("introspect");
    assert_eq!(after, before, "a refused push changed the schema");
}
