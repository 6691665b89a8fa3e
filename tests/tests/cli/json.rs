//! `--format json` for `verify`, `info` and the plan of `migrate --push
//! --dry-run`, on each dialect: one document on stdout that CI can gate on.

use invect_runtime::schema::DialectKind;
use invect_tests::AnyTestDb;
use serde_json::Value;

use crate::per_dialect;
use crate::support::{Output, cli, raw, url_args, workdir};

per_dialect!(json_reports_for_ci);

/// stdout as JSON, or a panic showing the run.
#[track_caller]
fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("`{}` printed no JSON ({e}):\n{out}", out.command))
}

async fn json_reports_for_ci(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    let url = test.url().to_string();
    let at = |args: &[&str]| cli(dir.path(), &url_args(args, &url));

    let plan = json(at(&["migrate", "--push", "--dry-run", "--format", "json"]).ok());
    assert_eq!(plan["format"], 1);
    assert_eq!(plan["upToDate"], false);
    let statements = plan["statements"].as_array().expect("statements");
    assert!(
        statements
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.contains("CREATE TABLE")))
    );
    assert_eq!(plan["refusals"], Value::Array(vec![]));

    // Drift: exit 0 without --strict, 1 with it; the document either way.
    let report = json(at(&["verify", "--format", "json"]).ok());
    assert_eq!(
        (report["ok"].clone(), report["type"].clone()),
        (Value::Bool(false), kind_type(kind))
    );
    let problems = report["problems"].as_array().expect("problems");
    assert!(
        problems
            .iter()
            .any(|p| p["kind"] == "missingTable" && p["table"] == "flows")
    );
    let strict = at(&["verify", "--strict", "--format", "json"]);
    assert_eq!(json(strict.exited(1))["ok"], false);

    at(&["migrate", "--push", "--yes"]).ok();
    raw(&test.db(), "ALTER TABLE flow_runs DROP COLUMN error").await;
    let report = json(at(&["verify", "--strict", "--format", "json"]).exited(1));
    let missing = &report["problems"][0];
    assert_eq!(
        (
            missing["kind"].as_str(),
            missing["table"].as_str(),
            missing["column"].as_str()
        ),
        (Some("missingColumn"), Some("flow_runs"), Some("error")),
        "{report}"
    );
    let plan = json(at(&["migrate", "--push", "--dry-run", "--format", "json"]).ok());
    assert_eq!(
        plan["statements"].as_array().map(Vec::len),
        Some(1),
        "{plan}"
    );
    at(&["migrate", "--push", "--yes"]).ok();
    let plan = json(at(&["migrate", "--push", "--dry-run", "--format", "json"]).ok());
    assert_eq!(
        (plan["upToDate"].clone(), plan["statements"].clone()),
        (Value::Bool(true), Value::Array(vec![]))
    );
    assert_eq!(
        json(at(&["verify", "--strict", "--format", "json"]).ok())["ok"],
        true
    );

    let info = at(&["info", "--format", "json"]);
    let doc = json(info.ok());
    assert_eq!(doc["dialect"], kind.as_str());
    assert_eq!(doc["tables"].as_array().map(Vec::len), Some(10));
    assert_eq!(doc["connectionFrom"], "--database-url");
    assert_eq!(doc["migrations"], Value::Array(vec![]));
    if kind != DialectKind::Sqlite {
        info.never_shows("invect:invect@");
        assert!(
            doc["connection"]
                .as_str()
                .is_some_and(|c| c.contains(":***@")),
            "{doc}"
        );
    }
    test.drop().await;
}

fn kind_type(kind: DialectKind) -> Value {
    Value::String(
        invect_runtime::DatabaseType::from(kind)
            .as_str()
            .to_string(),
    )
}
