//! PostgreSQL: a push that adds a value to an enum type and a column
//! defaulting to it (a value PostgreSQL cannot use in the transaction that
//! added it) commits the value first, under the same lock, then the rest;
//! concurrent pushes of that change, from tasks and from processes, all
//! succeed and add the value once.

use std::process::{Command, Stdio};

use invect_runtime::schema::DialectKind;
use invect_runtime::{Invect, TableExt};
use invect_tests::stages::{plugin_v1, plugin_v2, v2};
use invect_tests::{AnyTestDb, raw};

use crate::support::invect_with;

/// A PostgreSQL database at version 1 of the plugin, with two tasks.
async fn at_version_1() -> AnyTestDb {
    let test = AnyTestDb::new(DialectKind::Postgres).await;
    let v1 = invect_with(&test, |b| b.plugin(plugin_v1())).await;
    v1.push()
        .await
        .unwrap_or_else(|e| panic!("push version 1: {e}"));
    raw(
        v1.db(),
        "INSERT INTO stage_tasks (id, stage) VALUES ('a', 'doing'), ('b', DEFAULT)",
    )
    .await;
    v1.db().close().await;
    test
}

async fn version_2(test: &AnyTestDb) -> Invect {
    invect_with(test, |b| b.plugin(plugin_v2())).await
}

/// `task_stage`'s values, in their order.
async fn labels(test: &AnyTestDb) -> Vec<String> {
    let AnyTestDb::Postgres(pg) = test else {
        panic!("PostgreSQL only")
    };
    sqlx::query_scalar(
        "SELECT e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
         WHERE t.typname = 'task_stage' ORDER BY e.enumsortorder",
    )
    .fetch_all(&pg.pool)
    .await
    .unwrap_or_else(|e| panic!("cannot read task_stage's values: {e}"))
}

/// What every successful version-2 push leaves: the value once, the old
/// rows with the new column's default, verify clean, nothing left to push.
async fn assert_at_version_2(test: &AnyTestDb) {
    assert_eq!(labels(test).await, ["todo", "doing", "parked"]);
    let invect = version_2(test).await;
    let mut tasks = v2::StageTask::select()
        .all(invect.db())
        .await
        .expect("select the tasks");
    tasks.sort_by(|a, b| a.id.cmp(&b.id));
    let stages: Vec<_> = tasks
        .iter()
        .map(|t| (t.id.as_str(), t.stage, t.parked_as))
        .collect();
    assert_eq!(
        stages,
        [
            ("a", v2::TaskStage::Doing, v2::TaskStage::Parked),
            ("b", v2::TaskStage::Todo, v2::TaskStage::Parked)
        ]
    );
    let report = invect.verify().await.expect("verify");
    assert!(report.is_ok(), "{report}");
    let again = invect.push().await.expect("push again");
    assert!(again.statements.is_empty(), "{:?}", again.statements);
    invect.db().close().await;
}

#[tokio::test]
async fn enum_value_added_and_used_as_a_default_in_one_push() {
    let test = at_version_1().await;
    let invect = version_2(&test).await;
    let plan = invect.plan().await.expect("plan");
    assert_eq!(
        plan.enum_values,
        ["ALTER TYPE \"task_stage\" ADD VALUE IF NOT EXISTS 'parked'"]
    );
    let report = invect
        .push()
        .await
        .unwrap_or_else(|e| panic!("push version 2: {e}"));
    assert_eq!(
        report.statements.first(),
        plan.enum_values.first(),
        "{:?}",
        report.statements
    );
    assert!(
        report
            .statements
            .iter()
            .any(|s| s.contains("ADD COLUMN \"parked_as\"") && s.contains("'parked'")),
        "{:?}",
        report.statements
    );
    invect.db().close().await;
    assert_at_version_2(&test).await;
    test.drop().await;
}

#[tokio::test]
async fn concurrent_pushes_of_a_new_enum_value_all_succeed() {
    let test = at_version_1().await;
    let mut instances = Vec::new();
    for _ in 0..4 {
        instances.push(version_2(&test).await);
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
            .unwrap_or_else(|e| panic!("concurrent push {n} failed: {e}"));
        executed += usize::from(!report.statements.is_empty());
    }
    assert_eq!(
        executed, 1,
        "exactly one push should have changed the schema"
    );
    for i in &instances {
        i.db().close().await;
    }
    assert_at_version_2(&test).await;
    test.drop().await;
}

#[tokio::test]
async fn pushes_of_a_new_enum_value_from_two_processes_both_succeed() {
    let test = at_version_1().await;
    let dir = tempfile::tempdir().expect("a working directory");
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_stage-cli"))
                .current_dir(dir.path())
                .args(["migrate", "--push", "--yes", "--database-url", test.url()])
                .env_remove("DATABASE_URL")
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start stage-cli: {e}"))
        })
        .collect();
    for (n, child) in children.into_iter().enumerate() {
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .expect("waiting task panicked")
            .unwrap_or_else(|e| panic!("waiting for stage-cli {n}: {e}"));
        assert!(
            out.status.success(),
            "stage-cli {n} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_at_version_2(&test).await;
    test.drop().await;
}
