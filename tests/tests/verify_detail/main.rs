//! Verification beyond tables and columns, on the real SQLite, PostgreSQL
//! and MariaDB: an index, foreign key or default changed by hand is
//! reported as a warning naming it (the startup check still passes,
//! `invect-cli verify --strict` fails), push neither refuses nor undoes
//! those changes, and a database made by push or by the generated DDL has
//! no warning at all, with every kind of default and with a table prefix.
//!
//! Needs the servers of `scripts/services.sh` (`source` it first).

// Helpers of the CLI and push tests, reused rather than copied; not every
// one is used here.
#[allow(dead_code, unused_imports)]
#[path = "../cli/support.rs"]
mod cli_support;
#[allow(dead_code, unused_imports)]
#[path = "../push/support.rs"]
mod push_support;

use invect_runtime::core::{flow_runs, flows};
use invect_runtime::prelude::*;
use invect_runtime::schema::DefaultValue;
use invect_runtime::schema::{DialectKind, IndexDef, OnDelete, foreign_key_name, render_table};
use invect_runtime::{Drift, ForeignKeyShape, IndexShape, InvectBuilder, Plugin};
use invect_runtime::{SchemaVerification, VerifyReport};
use invect_tests::AnyTestDb;
use serde_json::Value;

use cli_support::{cli, url_args, workdir};
use push_support::{AuditLog, FlowTenant, grant_select, invect_with, raw, revoke_select};

/// A plugin table with every kind of default, two declared indexes and two
/// foreign keys.
#[invect_table(name = "detail_rows", index(label, amount))]
#[derive(Debug, Clone, PartialEq)]
pub struct DetailRow {
    #[invect(primary_key, default = uuid)]
    pub id: Uuid,
    #[invect(references = flows::id, on_delete = cascade, index)]
    pub flow_id: String,
    #[invect(default = "it's")]
    pub label: String,
    #[invect(default = 7)]
    pub amount: i32,
    #[invect(default = -9_999_999_999, index)]
    pub big: i64,
    #[invect(default = false)]
    pub archived: bool,
    #[invect(default = "{\"a\":[1,2]}")]
    pub doc: Value,
    #[invect(text, default = "")]
    pub note: String,
    #[invect(default = now)]
    pub at: DateTime<Utc>,
    #[invect(references = flow_runs::id, on_delete = set_null)]
    pub run_id: Option<Uuid>,
}

invect_tests::per_dialect!(
    a_fresh_database_has_no_warnings,
    hand_made_changes_are_each_reported,
    the_cli_fails_strictly_on_a_warning,
);

/// The core tables and the test plugins, optionally under a prefix.
fn with_plugins(prefix: &'static str) -> impl FnOnce(InvectBuilder) -> InvectBuilder {
    move |b| {
        b.table_prefix(prefix).plugin(
            Plugin::new("detail")
                .table::<DetailRow>()
                .table::<AuditLog>()
                .extend::<FlowTenant>(),
        )
    }
}

/// Neither a problem nor a warning, or a panic showing the report.
#[track_caller]
fn assert_exact(kind: DialectKind, what: &str, report: &VerifyReport) {
    assert!(
        report.problems.is_empty() && report.warnings.is_empty(),
        "{kind}: {what}: {report}\n{:#?}",
        report.warnings
    );
    assert!(report.is_ok() && report.is_exact());
}

/// Push (with and without a prefix) and the generated DDL of the core tables
/// make databases that verify has nothing to say about: every default kind
/// (now, uuid, text, integer, bigint, boolean, JSON, enum), unique and
/// composite indexes, foreign keys with CASCADE and SET NULL.
async fn a_fresh_database_has_no_warnings(kind: DialectKind) {
    for prefix in ["", "vd_"] {
        let test = AnyTestDb::new(kind).await;
        let invect = invect_with(&test, with_plugins(prefix)).await;
        invect.push().await.expect("push");
        let report = invect.verify().await.expect("verify");
        assert_exact(kind, &format!("after push with prefix {prefix:?}"), &report);
        let live = invect_runtime::introspect::introspect(invect.db())
            .await
            .expect("introspect");
        let defaults = live.tables[&format!("{prefix}detail_rows")]
            .columns
            .iter()
            .filter(|c| c.default.as_deref().is_some_and(|d| d != "NULL"))
            .count();
        // uuid is made by the client on SQLite; every other default is the
        // server's (MariaDB writes a nullable column's lack of one as `NULL`)
        let expected = if kind == DialectKind::Sqlite { 7 } else { 8 };
        assert_eq!(defaults, expected, "{kind}: defaults read: {live:#?}");
        if kind == DialectKind::Mysql && prefix.is_empty() {
            // MariaDB hides ON DELETE from a SELECT-only user: no warning for it
            let ro = grant_select(&test).await;
            let as_ro = push_support::invect_at(&test, &ro).await;
            let report = as_ro.verify().await.expect("verify as a SELECT-only user");
            assert_exact(kind, "as a SELECT-only user", &report);
            as_ro.db().close().await;
            revoke_select(&test).await;
        }
        invect.db().close().await;
        test.drop().await;
    }
    let test = AnyTestDb::new(kind).await;
    test.apply(&invect_tests::core_ddl(kind)).await;
    let invect = push_support::invect(&test).await;
    let report = invect.verify().await.expect("verify");
    assert_exact(kind, "after the core DDL", &report);
    invect.db().close().await;
    test.drop().await;
}

/// SQLite's hand rebuild of `detail_rows` (it can neither drop a foreign
/// key nor change a default in place): the table as pushed but without the
/// `run_id` key (its index kept), `flow_id` ON DELETE RESTRICT, `label`'s
/// default changed, `amount`'s dropped.
fn sqlite_rebuild() -> Vec<String> {
    let mut def = DetailRow::DEF.clone();
    for c in def.columns.to_mut() {
        match c.name.as_ref() {
            "run_id" => c.references = None,
            "label" => c.default = Some(DefaultValue::Str("changed".into())),
            "amount" => c.default = None,
            "flow_id" => {
                if let Some(fk) = c.references.as_mut() {
                    fk.on_delete = OnDelete::Restrict;
                }
            }
            _ => {}
        }
    }
    def.indexes.to_mut().push(IndexDef {
        columns: vec!["run_id".into()].into(),
        unique: false,
    });
    let mut sql = vec!["DROP TABLE detail_rows".to_string()];
    sql.extend(render_table(DialectKind::Sqlite.dialect(), &def));
    sql
}

/// By hand: drop an index, recreate another with other columns, drop one
/// foreign key, change another's ON DELETE, change one default and drop
/// another. Verify names exactly those, as warnings; the startup check
/// passes; push adds back only the missing index and refuses nothing.
async fn hand_made_changes_are_each_reported(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let invect = invect_with(&test, with_plugins("")).await;
    invect.push().await.expect("push");
    let (fk_run, fk_flow) = (
        foreign_key_name("detail_rows", "run_id"),
        foreign_key_name("detail_rows", "flow_id"),
    );
    let mut sql = match kind {
        DialectKind::Sqlite => sqlite_rebuild(),
        DialectKind::Postgres => vec![
            format!("ALTER TABLE detail_rows DROP CONSTRAINT \"{fk_run}\""),
            format!(
                "ALTER TABLE detail_rows DROP CONSTRAINT \"{fk_flow}\", ADD CONSTRAINT \"{fk_flow}\" \
                 FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE RESTRICT"
            ),
        ],
        DialectKind::Mysql => vec![
            format!("ALTER TABLE detail_rows DROP FOREIGN KEY `{fk_run}`"),
            format!("ALTER TABLE detail_rows DROP FOREIGN KEY `{fk_flow}`"),
            format!(
                "ALTER TABLE detail_rows ADD CONSTRAINT `{fk_flow}` \
                 FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE RESTRICT"
            ),
        ],
    };
    if kind != DialectKind::Sqlite {
        sql.push("ALTER TABLE detail_rows ALTER COLUMN label SET DEFAULT 'changed'".into());
        sql.push("ALTER TABLE detail_rows ALTER COLUMN amount DROP DEFAULT".into());
    }
    let on = if kind == DialectKind::Mysql {
        " ON detail_rows"
    } else {
        ""
    };
    sql.push(format!("DROP INDEX detail_rows_label_amount_idx{on}"));
    sql.push(format!("DROP INDEX detail_rows_big_idx{on}"));
    sql.push("CREATE INDEX detail_rows_big_idx ON detail_rows (big, label)".into());
    // SQLite in one batch, so on one connection: a pooled connection whose
    // cached schema is stale can refuse to create an index another one has
    // just dropped.
    let db = test.db();
    if kind == DialectKind::Sqlite {
        raw(&db, &sql.join(";\n")).await;
    } else {
        for s in &sql {
            raw(&db, s).await;
        }
    }

    let report = invect.verify().await.expect("verify");
    assert!(
        report.is_ok(),
        "{kind}: a warning failed the check: {report}"
    );
    assert!(!report.is_exact(), "{kind}: {report}");
    let mut found = report.warnings.clone();
    found.sort_by_key(|d| d.to_string());
    let mut expected = expected_warnings(kind);
    expected.sort_by_key(|d| d.to_string());
    assert_eq!(found, expected, "{kind}: {report}");
    let text = report.to_string();
    for words in [
        "index `detail_rows_label_amount_idx` on `detail_rows` is missing",
        "index `detail_rows_big_idx` on `detail_rows` is `(big, label)` but `(big)` is declared",
        "foreign key on `detail_rows.run_id` (references `flow_runs(id) ON DELETE SET NULL`) is missing",
        "foreign key on `detail_rows.flow_id` references `flows(id) ON DELETE RESTRICT` but \
         `flows(id) ON DELETE CASCADE` is declared",
        "column `detail_rows.amount` has no default but default `7` is declared",
        "6 warning(s)",
    ] {
        assert!(text.contains(words), "{kind}: no {words:?} in\n{text}");
    }

    // The startup check, strict, still lets the application start.
    let strict = invect_with(&test, |b| {
        with_plugins("")(b).schema_verification(SchemaVerification::Strict)
    })
    .await;
    strict.db().close().await;

    // Push is additive: it brings back the dropped index, nothing else.
    let plan = invect.plan().await.expect("plan");
    assert!(plan.refusals.is_empty(), "{kind}: {plan:?}");
    assert_eq!(plan.statements.len(), 1, "{kind}: {plan:?}");
    assert!(
        plan.statements[0].contains("detail_rows_label_amount_idx"),
        "{kind}: {plan:?}"
    );
    invect.push().await.expect("push over the changes");
    let after = invect.verify().await.expect("verify");
    assert_eq!(after.warnings.len(), 5, "{kind}: {after}");
    assert!(
        !after
            .warnings
            .iter()
            .any(|w| matches!(w, Drift::MissingIndex { .. })),
        "{kind}: {after}"
    );
    invect.db().close().await;
    test.drop().await;
}

/// The six warnings of [`hand_made_changes_are_each_reported`].
fn expected_warnings(kind: DialectKind) -> Vec<Drift> {
    let t = || "detail_rows".to_string();
    let fk = |table: &str, column: &str, on_delete: &str| ForeignKeyShape {
        target_table: table.into(),
        target_columns: vec![column.into()],
        on_delete: on_delete.into(),
    };
    let changed = match kind {
        DialectKind::Postgres => "'changed'::text",
        _ => "'changed'",
    };
    vec![
        Drift::MissingIndex {
            table: t(),
            index: "detail_rows_label_amount_idx".into(),
        },
        Drift::IndexMismatch {
            table: t(),
            index: "detail_rows_big_idx".into(),
            expected: IndexShape {
                columns: vec!["big".into()],
                unique: false,
            },
            found: IndexShape {
                columns: vec!["big".into(), "label".into()],
                unique: false,
            },
        },
        Drift::MissingForeignKey {
            table: t(),
            column: "run_id".into(),
            expected: fk("flow_runs", "id", "SET NULL"),
        },
        Drift::ForeignKeyMismatch {
            table: t(),
            column: "flow_id".into(),
            expected: fk("flows", "id", "CASCADE"),
            found: fk("flows", "id", "RESTRICT"),
        },
        Drift::DefaultMismatch {
            table: t(),
            column: "label".into(),
            expected: Some("'it''s'".into()),
            found: Some(changed.into()),
        },
        Drift::DefaultMismatch {
            table: t(),
            column: "amount".into(),
            expected: Some("7".into()),
            found: None,
        },
    ]
}

/// The stock `invect-cli` on the core tables: a unique index recreated as
/// a plain one is a warning; `verify` prints it and exits 0, `--strict`
/// exits 1 naming it, `--format json` lists it under `warnings`.
async fn the_cli_fails_strictly_on_a_warning(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    let url = test.url().to_string();
    let at = |args: &[&str]| cli(dir.path(), &url_args(args, &url));
    at(&["migrate", "--push", "--yes"]).ok();
    at(&["verify", "--strict"]).ok();
    let index = "flow_triggers_webhook_path_key";
    let drop = match kind {
        DialectKind::Mysql => format!("DROP INDEX {index} ON flow_triggers"),
        _ => format!("DROP INDEX {index}"),
    };
    raw(&test.db(), &drop).await;
    raw(
        &test.db(),
        &format!("CREATE INDEX {index} ON flow_triggers (webhook_path)"),
    )
    .await;
    let words = format!(
        "index `{index}` on `flow_triggers` is `(webhook_path)` but `UNIQUE (webhook_path)` is declared"
    );
    at(&["verify"]).ok().stderr_has(&words);
    at(&["verify", "--strict"]).exited(1).stderr_has(&words);
    let out = at(&["verify", "--strict", "--format", "json"]);
    let report: Value = serde_json::from_str(&out.exited(1).stdout)
        .unwrap_or_else(|e| panic!("{kind}: no JSON ({e}):\n{out}"));
    assert_eq!(
        (report["ok"].clone(), report["exact"].clone()),
        (Value::Bool(true), Value::Bool(false)),
        "{report}"
    );
    assert_eq!(report["problems"], Value::Array(vec![]), "{report}");
    let warning = &report["warnings"][0];
    assert_eq!(warning["kind"], "indexMismatch", "{report}");
    assert_eq!(warning["index"], index, "{report}");
    assert_eq!(warning["expected"]["unique"], true, "{report}");
    assert_eq!(warning["found"]["unique"], false, "{report}");
    assert_eq!(warning["message"], words, "{report}");
    at(&["migrate", "--push", "--yes"]).ok();
    at(&["verify", "--strict"]).exited(1).stderr_has(&words);
    test.drop().await;
}
