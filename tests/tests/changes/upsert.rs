//! Upserts on the primary key and on a declared unique key, at once from
//! many tasks, for many rows, and refused on a key they do not target.

use std::sync::Arc;

use invect_runtime::core::{FlowTrigger, NewFlowTrigger, flow_triggers};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::support::{close, flow, ok, open};

fn trigger(path: &str, cron: &str) -> NewFlowTrigger {
    NewFlowTrigger {
        flow_id: "f".into(),
        node_id: "webhook".into(),
        r#type: "webhook".into(),
        webhook_path: Some(path.into()),
        cron_expression: Some(cron.into()),
        ..NewFlowTrigger::default()
    }
}

pub async fn sixteen_tasks_upsert_one_key_at_once(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "f").await;
    let start = Arc::new(Barrier::new(16));
    let mut tasks = JoinSet::new();
    for i in 0..16 {
        let (db, start) = (db.clone(), start.clone());
        tasks.spawn(async move {
            start.wait().await;
            let stored = FlowTrigger::upsert(trigger("/hook", &format!("cron {i}")))
                .on_conflict(flow_triggers::webhook_path)
                .update(flow_triggers::cron_expression)
                .execute(&db)
                .await?;
            Ok::<_, invect_runtime::Error>((i, stored))
        });
    }
    let mut ids = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (i, stored) = ok(kind, "an upserting task", done.expect("task"));
        assert_eq!(
            stored.cron_expression,
            Some(format!("cron {i}")),
            "{kind}: returned as stored"
        );
        ids.push(stored.id);
    }
    let rows = ok(kind, "select", FlowTrigger::select().all(&db).await);
    assert_eq!(rows.len(), 1, "{kind}: one row for one key");
    assert!(
        ids.iter().all(|id| *id == rows[0].id),
        "{kind}: every upsert returned the one row"
    );
    // The last write wins: a later upsert's value is the one stored.
    let last = FlowTrigger::upsert(trigger("/hook", "last"))
        .on_conflict(flow_triggers::webhook_path)
        .update(flow_triggers::cron_expression)
        .execute(&db)
        .await;
    assert_eq!(
        ok(kind, "last upsert", last).cron_expression.as_deref(),
        Some("last")
    );
    let stored = ok(kind, "find", FlowTrigger::find(&db, rows[0].id).await).expect("row");
    assert_eq!(
        stored.cron_expression.as_deref(),
        Some("last"),
        "{kind}: last value wins"
    );
    close(test, db).await;
}

pub async fn do_nothing_and_upsert_many_keep_one_row_per_key(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "f").await;
    let first = FlowTrigger::upsert(trigger("/a", "one"))
        .on_conflict(flow_triggers::webhook_path)
        .do_nothing()
        .execute(&db)
        .await;
    let first = ok(kind, "first do-nothing upsert", first);
    let again = FlowTrigger::upsert(trigger("/a", "two"))
        .on_conflict(flow_triggers::webhook_path)
        .do_nothing()
        .execute(&db)
        .await;
    let again = ok(kind, "second do-nothing upsert", again);
    assert_eq!(
        again, first,
        "{kind}: do_nothing returns the stored row unchanged"
    );
    // By primary key, every other column taken from the new row by default.
    let mut by_key = trigger("/a", "three");
    by_key.id = Some(first.id);
    by_key.is_enabled = Some(false);
    let updated = ok(
        kind,
        "upsert on the key",
        FlowTrigger::upsert(by_key).execute(&db).await,
    );
    assert_eq!((updated.id, updated.is_enabled), (first.id, false));
    assert_eq!(updated.cron_expression.as_deref(), Some("three"));
    // Many rows: 300 new paths and the existing one, twice.
    let rows = || {
        (0..300)
            .map(|i| trigger(&format!("/m{i}"), "m"))
            .chain([trigger("/a", "many")])
    };
    for _ in 0..2 {
        let n = FlowTrigger::upsert_many(rows())
            .on_conflict(flow_triggers::webhook_path)
            .update(flow_triggers::cron_expression)
            .execute(&db)
            .await;
        assert_eq!(ok(kind, "upsert_many", n), 301);
    }
    assert_eq!(
        ok(kind, "count", FlowTrigger::select().count(&db).await),
        301
    );
    let a = FlowTrigger::select()
        .filter(flow_triggers::webhook_path.eq("/a"))
        .one(&db)
        .await;
    let a = ok(kind, "select /a", a).expect("row /a");
    assert_eq!(
        (a.id, a.cron_expression.as_deref()),
        (first.id, Some("many"))
    );
    close(test, db).await;
}

pub async fn upsert_refuses_a_conflict_on_another_key(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "f").await;
    let held = ok(
        kind,
        "insert",
        FlowTrigger::insert(&db, trigger("/taken", "x")).await,
    );
    // Targeting the primary key with a new id, the path belongs to another row.
    let err = FlowTrigger::upsert(trigger("/taken", "y"))
        .execute(&db)
        .await;
    let err = err.expect_err("a conflict on another unique key must be refused");
    assert!(
        err.is_unique_violation(),
        "{kind}: not a unique violation: {err:?}"
    );
    let v = err.violation().expect("a violation");
    assert_eq!(v.table.as_deref(), Some("flow_triggers"), "{kind}: {v:?}");
    let stored = ok(kind, "find", FlowTrigger::find(&db, held.id).await).expect("row");
    assert_eq!(stored, held, "{kind}: the other row is untouched");
    assert_eq!(ok(kind, "count", FlowTrigger::select().count(&db).await), 1);
    // Inside a transaction, the refusal leaves the transaction usable.
    let mut tx = ok(kind, "begin", db.begin().await);
    let err = FlowTrigger::upsert(trigger("/taken", "z"))
        .execute(&mut tx)
        .await;
    assert!(
        err.is_err_and(|e| e.is_unique_violation()),
        "{kind}: in a transaction"
    );
    if kind != DialectKind::Postgres {
        // PostgreSQL aborts the transaction on any error; the others go on.
        let ok_row = FlowTrigger::upsert(trigger("/free", "w"))
            .execute(&mut tx)
            .await;
        ok(kind, "upsert after the refusal", ok_row);
        ok(kind, "commit", tx.commit().await);
        assert_eq!(ok(kind, "count", FlowTrigger::select().count(&db).await), 2);
    } else {
        ok(kind, "rollback", tx.rollback().await);
    }
    // A target that is no key is refused before anything is sent.
    let err = FlowTrigger::upsert(trigger("/q", "q"))
        .on_conflict(flow_triggers::node_id)
        .execute(&db)
        .await
        .expect_err("node_id is no unique key");
    let text = err.to_string();
    assert!(
        text.contains("node_id") && text.contains("unique"),
        "{kind}: {text}"
    );
    close(test, db).await;
}
