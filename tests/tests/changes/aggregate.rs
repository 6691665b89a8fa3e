//! Dashboards without loading rows: counts by status, max/min/sum, and a
//! few columns as a typed tuple, each checked against the rows themselves.

use std::collections::BTreeMap;

use invect_runtime::core::{FlowRun, FlowRunStatus, flow_runs};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;

use crate::support::{close, flow, ok, open, pending_runs};

/// Gives the runs a spread of statuses and durations.
async fn spread(db: &Db) -> Vec<FlowRun> {
    let kind = db.kind();
    let statuses = [
        FlowRunStatus::Success,
        FlowRunStatus::Failed,
        FlowRunStatus::Running,
    ];
    let runs = ok(kind, "select", FlowRun::select().all(db).await);
    for (i, r) in runs.iter().enumerate() {
        if i % 4 == 3 {
            continue; // stays PENDING, duration NULL
        }
        let n = FlowRun::update_where(flow_runs::id.eq(r.id))
            .set(flow_runs::status, statuses[i % 3])
            .set(flow_runs::duration, Some((i * 10) as i32))
            .execute(db)
            .await;
        assert_eq!(ok(kind, "update", n), 1);
    }
    ok(kind, "select", FlowRun::select().all(db).await)
}

pub async fn group_by_counts_match_the_rows(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "f").await;
    flow(&db, "g").await;
    pending_runs(&db, "f", 37).await;
    pending_runs(&db, "g", 11).await;
    let runs = spread(&db).await;
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for r in &runs {
        *expected.entry(format!("{:?}", r.status)).or_default() += 1;
    }
    let counted = FlowRun::select()
        .group_by(flow_runs::status)
        .count(&db)
        .await;
    let counted: BTreeMap<String, i64> = ok(kind, "group by status", counted)
        .into_iter()
        .map(|(s, n)| (format!("{s:?}"), n))
        .collect();
    assert_eq!(counted, expected, "{kind}: counts by status");
    // Two columns and a filter.
    let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in runs.iter().filter(|r| r.status != FlowRunStatus::Pending) {
        *expected
            .entry((r.flow_id.clone(), format!("{:?}", r.status)))
            .or_default() += 1;
    }
    let counted = FlowRun::select()
        .filter(flow_runs::status.ne(FlowRunStatus::Pending))
        .group_by((flow_runs::flow_id, flow_runs::status))
        .count(&db)
        .await;
    let counted: BTreeMap<(String, String), i64> = ok(kind, "group by two", counted)
        .into_iter()
        .map(|((f, s), n)| ((f, format!("{s:?}")), n))
        .collect();
    assert_eq!(counted, expected, "{kind}: counts by flow and status");
    close(test, db).await;
}

pub async fn projections_and_aggregates_decode_typed(kind: DialectKind) {
    let (test, db) = open(kind).await;
    flow(&db, "f").await;
    pending_runs(&db, "f", 20).await;
    let runs = spread(&db).await;
    let durations: Vec<i32> = runs.iter().filter_map(|r| r.duration).collect();
    let sum = FlowRun::select().sum(flow_runs::duration, &db).await;
    let sum = ok(kind, "sum", sum);
    assert_eq!(
        sum,
        durations.iter().map(|d| i64::from(*d)).sum::<i64>(),
        "{kind}: sum"
    );
    let max = ok(
        kind,
        "max",
        FlowRun::select().max(flow_runs::duration, &db).await,
    );
    assert_eq!(max, durations.iter().copied().max(), "{kind}: max");
    let min = FlowRun::select()
        .filter(flow_runs::status.eq(FlowRunStatus::Failed))
        .min(flow_runs::duration, &db)
        .await;
    let failed_min = runs
        .iter()
        .filter(|r| r.status == FlowRunStatus::Failed)
        .filter_map(|r| r.duration)
        .min();
    assert_eq!(ok(kind, "min", min), failed_min, "{kind}: min of failed");
    let latest = ok(
        kind,
        "max date",
        FlowRun::select().max(flow_runs::started_at, &db).await,
    );
    assert_eq!(
        latest,
        runs.iter().map(|r| r.started_at).max(),
        "{kind}: max date"
    );
    let none = FlowRun::select()
        .filter(flow_runs::flow_version.eq(42))
        .sum(flow_runs::duration, &db)
        .await;
    assert_eq!(ok(kind, "sum of nothing", none), 0);
    // A typed tuple of three columns, in the query's order.
    let projected = FlowRun::select()
        .order_by(flow_runs::duration.asc())
        .columns((flow_runs::id, flow_runs::status, flow_runs::duration))
        .all(&db)
        .await;
    let projected: Vec<(Uuid, FlowRunStatus, Option<i32>)> = ok(kind, "columns", projected);
    let mut expected: Vec<(Uuid, FlowRunStatus, Option<i32>)> =
        runs.iter().map(|r| (r.id, r.status, r.duration)).collect();
    expected.sort_by_key(|(id, _, d)| (*d, *id));
    let mut got = projected.clone();
    got.sort_by_key(|(id, _, d)| (*d, *id));
    assert_eq!(got, expected, "{kind}: projected rows");
    assert!(
        projected.windows(2).all(|w| w[0].2 <= w[1].2),
        "{kind}: ordered by duration"
    );
    let one = FlowRun::select()
        .filter(flow_runs::id.eq(runs[0].id))
        .columns(flow_runs::inputs)
        .one(&db)
        .await;
    assert_eq!(ok(kind, "one column", one), Some(runs[0].inputs.clone()));
    close(test, db).await;
}
