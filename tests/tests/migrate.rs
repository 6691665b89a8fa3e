//! `migrate` (migration files) against the real SQLite, PostgreSQL and
//! MariaDB servers: the first file creates exactly the core schema, a rerun
//! writes and applies nothing, a plugin gives a second file with just the
//! additions, an edited applied file stops everything, a failing file is
//! rolled back (PostgreSQL, SQLite) or reported with what to do (MySQL), and
//! the application's own sqlx history is never touched.

use std::path::{Path, PathBuf};

use invect_runtime::core::{Flow, NewFlow};
use invect_runtime::introspect::{LiveSchema, introspect};
use invect_runtime::migrate::{
    self, MIGRATIONS_TABLE, MigrationState, NewMigration, SNAPSHOT_DIR, dialect_dir,
};
use invect_runtime::prelude::*;
use invect_runtime::schema::meta::{META_TABLE, record_sql};
use invect_runtime::schema::{DialectKind, Schema, render_table};
use invect_runtime::{Error, Plugin, Pool, merged_schema, plan};
use invect_tests::plugin::{AuditLog, NewAuditLog};
use invect_tests::{AnyTestDb, core_ddl};
use sqlx::migrate::Migrator;

/// A column the plugin adds to the core `flows` table.
#[invect_table(extends = invect_runtime::core::Flow)]
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTenant {
    #[invect(index, max_length = 64)]
    pub tenant_id: Option<String>,
}

invect_tests::per_dialect!(
    migrate_writes_applies_and_extends,
    edited_applied_file_stops_everything,
    failing_migration_is_reported_with_what_to_do,
    concurrent_applies_all_succeed_once,
    prefixed_migrations_leave_nothing_for_push,
    an_enum_value_and_a_column_defaulting_to_it_apply_and_revert,
);

/// A new enum value and a new column defaulting to it, through files: on
/// PostgreSQL the value goes in a first file, committed before the main one
/// uses it ("unsafe use of new value" otherwise); every dialect applies,
/// verifies and reverts.
async fn an_enum_value_and_a_column_defaulting_to_it_apply_and_revert(kind: DialectKind) {
    use invect_tests::stages::{plugin_v1, plugin_v2};
    let test = AnyTestDb::new(kind).await;
    let db = test.db();
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let v1 = merged_schema(&[plugin_v1()], "").expect("v1");
    let v2 = merged_schema(&[plugin_v2()], "").expect("v2");
    write(root, kind, &v1, "stages");
    apply(&db, root).await;
    raw(
        &db,
        "INSERT INTO stage_tasks (id, stage) VALUES ('a', 'doing')",
    )
    .await;
    let changes = migrate::write_changes(root, kind, &v2, "", "parked", Default::default(), false)
        .expect("write v2")
        .expect("files");
    let names: Vec<&str> = changes.files.iter().map(|f| f.name.as_str()).collect();
    let expected: &[&str] = match kind {
        DialectKind::Postgres => &["parked_enum_values", "parked"],
        _ => &["parked"],
    };
    assert_eq!(names, expected, "{kind}");
    let applied = apply(&db, root).await;
    assert_eq!(applied.len(), expected.len(), "{kind}");
    let parked = ints(
        &db,
        "SELECT COUNT(*) FROM stage_tasks WHERE parked_as = 'parked'",
    )
    .await;
    assert_eq!(parked, [1], "{kind}: the old row gets the new default");
    let report = invect_runtime::verify(&db, &v2, "main")
        .await
        .expect("verify v2");
    assert!(report.is_exact(), "{kind}: {report}");
    let reverted = migrate::revert(&db, root, expected.len())
        .await
        .expect("revert");
    assert_eq!(reverted.len(), expected.len(), "{kind}");
    let report = invect_runtime::verify(&db, &v1, "main")
        .await
        .expect("verify v1");
    assert!(report.is_exact(), "{kind}: {report}");
    test.drop().await;
}

fn core() -> Schema {
    merged_schema(&[], "").expect("the core schema")
}

fn with_plugin() -> Schema {
    let plugin = Plugin::new("audit")
        .table::<AuditLog>()
        .extend::<FlowTenant>();
    merged_schema(&[plugin], "").expect("core + plugin")
}

/// The `.sql` files of a dialect folder that apply (not the down files), sorted.
fn sql_files(root: &Path, kind: DialectKind) -> Vec<PathBuf> {
    let dir = dialect_dir(root, kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let name = p.to_string_lossy();
        name.ends_with(".sql") && !name.ends_with(".down.sql")
    });
    files.sort();
    files
}

/// `write_pending` that must write a file.
fn write(root: &Path, kind: DialectKind, schema: &Schema, name: &str) -> NewMigration {
    migrate::write_pending(root, kind, schema, "", name, false)
        .unwrap_or_else(|e| panic!("{kind}: write_pending failed: {e}"))
        .unwrap_or_else(|| panic!("{kind}: write_pending wrote nothing"))
}

async fn apply(db: &Db, root: &Path) -> Vec<i64> {
    migrate::apply(db, root)
        .await
        .unwrap_or_else(|e| panic!("{}: apply failed: {e}", db.kind()))
}

use invect_tests::raw;

/// The first column of every row, as integers.
async fn ints(db: &Db, sql: &'static str) -> Vec<i64> {
    let result = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await,
        Pool::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await,
        Pool::Mysql(p) => sqlx::query_scalar(sql).fetch_all(p).await,
    };
    result.unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", db.kind()))
}

/// The versions in `invect_migrations`, one row each.
async fn history(db: &Db) -> Vec<i64> {
    ints(db, "SELECT version FROM invect_migrations ORDER BY version").await
}

/// The application's own sqlx history: version, description, checksum.
async fn app_history(db: &Db) -> Vec<(i64, String, Vec<u8>)> {
    const SQL: &str =
        "SELECT version, description, checksum FROM _sqlx_migrations ORDER BY version";
    let result = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_as(SQL).fetch_all(p).await,
        Pool::Postgres(p) => sqlx::query_as(SQL).fetch_all(p).await,
        Pool::Mysql(p) => sqlx::query_as(SQL).fetch_all(p).await,
    };
    result.unwrap_or_else(|e| panic!("{}: reading _sqlx_migrations: {e}", db.kind()))
}

/// The application runs its own sqlx migrations (default table) first.
async fn run_app_migrations(db: &Db, dir: &Path) {
    std::fs::create_dir_all(dir).expect("app migrations folder");
    std::fs::write(
        dir.join("1_app_notes.sql"),
        "CREATE TABLE app_notes (id VARCHAR(20) NOT NULL PRIMARY KEY, body VARCHAR(200));\n",
    )
    .expect("app migration file");
    let migrator = Migrator::new(dir).await.expect("app migrator");
    let result = match db.pool() {
        Pool::Sqlite(p) => migrator.run(p).await,
        Pool::Postgres(p) => migrator.run(p).await,
        Pool::Mysql(p) => migrator.run(p).await,
    };
    result.unwrap_or_else(|e| panic!("{}: app migrations failed: {e}", db.kind()));
}

/// Whether a name is Invect's bookkeeping or the application's.
fn bookkeeping(name: &str) -> bool {
    name.starts_with(META_TABLE)
        || name.starts_with(MIGRATIONS_TABLE)
        || name.starts_with("_sqlx_migrations")
        || name.starts_with("app_")
}

/// The database's schema without bookkeeping and application tables.
async fn live_invect(db: &Db) -> LiveSchema {
    let mut live = introspect(db)
        .await
        .unwrap_or_else(|e| panic!("{}: introspection failed: {e}", db.kind()));
    live.tables.retain(|name, _| !bookkeeping(name));
    live.other_relations.retain(|name| !bookkeeping(name));
    live
}

/// The schema of a fresh database that ran the core DDL.
async fn reference_core(kind: DialectKind) -> LiveSchema {
    let test = AnyTestDb::new(kind).await;
    test.apply(&core_ddl(kind)).await;
    let live = live_invect(&test.db()).await;
    test.drop().await;
    live
}

fn states(list: &[(i64, bool)], description: &str) -> Vec<MigrationState> {
    list.iter()
        .map(|(version, applied)| MigrationState {
            version: *version,
            description: description.to_string(),
            applied: *applied,
        })
        .collect()
}

async fn migrate_writes_applies_and_extends(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let db = test.db();
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    run_app_migrations(&db, &root.join("app_migrations")).await;
    let app_before = app_history(&db).await;

    // First run: one file (and its snapshot), applied.
    let first = write(root, kind, &core(), "core tables");
    assert_eq!(first.name, "core_tables");
    assert_eq!(
        sql_files(root, kind),
        std::slice::from_ref(&first.path),
        "{kind}"
    );
    let snapshot = dialect_dir(root, kind)
        .join(SNAPSHOT_DIR)
        .join(format!("{}.json", first.version));
    assert!(
        snapshot.is_file(),
        "{kind}: no snapshot {}",
        snapshot.display()
    );
    let status = migrate::status(&db, root).await.expect("status");
    assert_eq!(status, states(&[(first.version, false)], "core tables"));
    assert_eq!(apply(&db, root).await, [first.version], "{kind}");
    assert_eq!(
        live_invect(&db).await,
        reference_core(kind).await,
        "{kind}: the first migration did not create exactly the core DDL's schema"
    );
    let recorded = ints(&db, "SELECT COUNT(*) FROM invect_schema_tables").await;
    assert_eq!(
        recorded,
        [10],
        "{kind}: the record table must list the ten core tables"
    );
    let push_plan = plan(&db, &core(), "").await.expect("push plan");
    assert_eq!(push_plan, Default::default(), "{kind}: push sees work left");

    // Second run, nothing changed: nothing written, nothing applied.
    let again = migrate::write_pending(root, kind, &core(), "", "again", false).expect("rerun");
    assert_eq!(again, None, "{kind}");
    assert_eq!(apply(&db, root).await, Vec::<i64>::new(), "{kind}");
    assert_eq!(sql_files(root, kind).len(), 1, "{kind}");

    // A plugin: a second file with just the additions.
    let dry = migrate::write_pending(root, kind, &with_plugin(), "", "audit", true)
        .expect("dry run")
        .expect("a dry run still computes the migration");
    assert!(
        !dry.path.exists(),
        "{kind}: a dry run wrote {}",
        dry.path.display()
    );
    let second = write(root, kind, &with_plugin(), "audit");
    assert!(second.version > first.version, "{kind}: versions must grow");
    // The header names the version, a clock reading: a second may pass between the two calls.
    let dry_sql = dry
        .sql
        .replace(&dry.version.to_string(), &second.version.to_string());
    assert_eq!(dry_sql, second.sql, "{kind}");
    // PostgreSQL builds the index on the existing table in a file of its own.
    let run = files_from(root, kind, second.version);
    let expected_files = if kind == DialectKind::Postgres { 2 } else { 1 };
    assert_eq!(run.len(), expected_files, "{kind}: {run:?}");
    let text: String = run.iter().map(|(_, sql)| sql.as_str()).collect();
    assert_only_additions(kind, &text);
    let versions: Vec<i64> = run.iter().map(|(v, _)| *v).collect();
    assert_eq!(apply(&db, root).await, versions, "{kind}");
    let push_plan = plan(&db, &with_plugin(), "").await.expect("push plan");
    assert_eq!(push_plan, Default::default(), "{kind}: push sees work left");
    Flow::insert(
        &db,
        NewFlow {
            id: "f1".into(),
            name: "F".into(),
            ..NewFlow::default()
        },
    )
    .await
    .expect("insert a flow");
    let log = NewAuditLog {
        action: "run".into(),
        flow_id: Some("f1".into()),
        ..NewAuditLog::default()
    };
    AuditLog::insert(&db, log)
        .await
        .expect("insert into the plugin table");

    let status = migrate::status(&db, root).await.expect("status");
    assert!(status.iter().all(|s| s.applied), "{kind}: {status:?}");
    let mut all = vec![first.version];
    all.extend(versions);
    assert_eq!(history(&db).await, all, "{kind}");
    assert_eq!(
        app_history(&db).await,
        app_before,
        "{kind}: _sqlx_migrations changed"
    );
    test.drop().await;
}

/// The version and text of each file that applies, from `version` on.
fn files_from(root: &Path, kind: DialectKind, version: i64) -> Vec<(i64, String)> {
    sql_files(root, kind)
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            let v: i64 = name.split('_').next()?.parse().ok()?;
            let text = std::fs::read_to_string(&p).ok()?;
            (v >= version).then_some((v, text))
        })
        .collect()
}

/// The second file holds the plugin's table (recorded first), the new
/// column with its index, and nothing of the core tables.
fn assert_only_additions(kind: DialectKind, sql: &str) {
    let d = kind.dialect();
    let schema = with_plugin();
    let audit = schema.table("audit_logs").expect("audit_logs");
    let mut expected = vec![record_sql(d, "", "audit_logs", "plugin `audit`")];
    expected.extend(render_table(d, &audit.def));
    let tenant = schema
        .table("flows")
        .and_then(|t| t.def.column("tenant_id"));
    expected.extend(d.add_column("flows", tenant.expect("flows.tenant_id")));
    let code: String = sql
        .lines()
        .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    let body: Vec<&str> = code
        .split(";\n")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(body.len(), expected.len() + 1, "{kind}: {sql}");
    assert_eq!(&body[..expected.len()], expected, "{kind}");
    assert!(
        body[expected.len()].contains("flows_tenant_id_idx"),
        "{kind}: {sql}"
    );
}

async fn edited_applied_file_stops_everything(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let db = test.db();
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let first = write(root, kind, &core(), "core");
    apply(&db, root).await;

    let original = std::fs::read_to_string(&first.path).expect("read the first file");
    std::fs::write(&first.path, format!("{original}\n-- edited\n")).expect("edit");
    let manual = dialect_dir(root, kind).join(format!("{}_manual.sql", first.version + 1));
    std::fs::write(
        &manual,
        "CREATE TABLE manual_t (id INTEGER NOT NULL PRIMARY KEY);\n",
    )
    .expect("a pending hand-written file");

    let err = migrate::apply(&db, root)
        .await
        .expect_err("an edited applied file must be an error");
    assert!(
        matches!(err, Error::MigrationModified { .. }),
        "{kind}: {err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&first.path.display().to_string()),
        "{kind}: {message}"
    );
    assert!(message.contains("nothing was applied"), "{kind}: {message}");
    let live = introspect(&db).await.expect("introspect");
    assert!(
        !live.tables.contains_key("manual_t"),
        "{kind}: a pending file was applied"
    );
    assert_eq!(history(&db).await, [first.version], "{kind}");

    std::fs::write(&first.path, original).expect("restore");
    assert_eq!(apply(&db, root).await, [first.version + 1], "{kind}");
    assert_eq!(
        history(&db).await,
        [first.version, first.version + 1],
        "{kind}"
    );
    test.drop().await;
}

async fn failing_migration_is_reported_with_what_to_do(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let db = test.db();
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let dir = dialect_dir(root, kind);
    std::fs::create_dir_all(&dir).expect("migrations folder");
    let file = dir.join("1_twice.sql");
    std::fs::write(
        &file,
        "CREATE TABLE half_t (id INTEGER NOT NULL PRIMARY KEY);\n\
         CREATE TABLE half_t (id INTEGER NOT NULL PRIMARY KEY);\n",
    )
    .expect("a file that fails half-way");

    let err = migrate::apply(&db, root).await.expect_err("the file fails");
    assert!(
        matches!(err, Error::MigrationFailed { version: 1, .. }),
        "{kind}: {err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("1_twice.sql"), "{kind}: {message}");
    let half_applied = introspect(&db)
        .await
        .expect("introspect")
        .tables
        .contains_key("half_t");
    let again = migrate::apply(&db, root).await.expect_err("it still fails");
    let again_message = again.to_string();
    if kind == DialectKind::Mysql {
        assert!(half_applied, "MariaDB commits the first CREATE TABLE");
        assert!(
            message.contains("UPDATE invect_migrations SET success = TRUE WHERE version = 1"),
            "{message}"
        );
        assert!(
            matches!(again, Error::MigrationDirty { version: 1, .. }),
            "{again:?}"
        );
        assert!(again_message.contains("1_twice.sql"), "{again_message}");
        assert!(
            again_message.contains("DELETE FROM invect_migrations WHERE version = 1"),
            "{again_message}"
        );
        assert!(
            !again_message.contains("_sqlx_migrations"),
            "{again_message}"
        );
    } else {
        assert!(!half_applied, "{kind}: the failed file must be rolled back");
        assert!(message.contains("rolled back"), "{kind}: {message}");
        assert!(!message.contains("invect_migrations"), "{kind}: {message}");
        assert!(
            matches!(again, Error::MigrationFailed { .. }),
            "{kind}: {again:?}"
        );
        let status = migrate::status(&db, root).await.expect("status");
        assert_eq!(status, states(&[(1, false)], "twice"), "{kind}");
    }
    raw(&db, "DROP TABLE IF EXISTS half_t").await;
    test.drop().await;
}

#[test]
fn a_corrupted_snapshot_is_named() {
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let kind = DialectKind::Sqlite;
    let first = write(root, kind, &core(), "core");
    let snapshot = dialect_dir(root, kind)
        .join(SNAPSHOT_DIR)
        .join(format!("{}.json", first.version));
    std::fs::write(&snapshot, "{ not json").expect("corrupt the snapshot");
    let err = migrate::write_pending(root, kind, &with_plugin(), "", "next", false)
        .expect_err("a corrupted snapshot is an error");
    let message = err.to_string();
    assert!(
        message.contains(&snapshot.display().to_string()),
        "{message}"
    );
    assert!(message.contains("restore it"), "{message}");
    assert_eq!(
        sql_files(root, kind),
        [first.path],
        "nothing may be written"
    );
}

#[test]
fn removals_without_the_opt_in_keep_everything() {
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let kind = DialectKind::Postgres;
    let first = write(root, kind, &with_plugin(), "all");
    let changes = migrate::write_changes(
        root,
        kind,
        &core(),
        "",
        "drop_plugin",
        Default::default(),
        false,
    )
    .expect("removals are kept, not refused");
    // flows.tenant_id is nullable and audit_logs stays: nothing to run, both said.
    let changes = changes.expect("what is kept is said");
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(changes.kept.len(), 2, "{:?}", changes.kept);
    assert_eq!(
        sql_files(root, kind),
        [first.path],
        "nothing may be written"
    );
    let dropping = migrate::DiffOptions {
        allow_drop: true,
        ..Default::default()
    };
    let changes = migrate::write_changes(root, kind, &core(), "", "drop_plugin", dropping, true)
        .expect("drops with the opt-in")
        .expect("something to drop");
    let main = changes.main().expect("a file");
    assert!(
        main.sql.contains("DROP TABLE \"audit_logs\""),
        "{}",
        main.sql
    );
    assert!(
        main.sql.contains("DROP COLUMN \"tenant_id\""),
        "{}",
        main.sql
    );
    let down = main.down_sql.as_deref().unwrap_or_default();
    assert!(down.contains("CREATE TABLE \"audit_logs\""), "{down}");
    assert!(
        down.contains("not restored"),
        "the down file says data is not restored: {down}"
    );
    assert_eq!(changes.losses.len(), 2, "{:?}", changes.losses);
}

#[test]
fn changes_invect_does_not_write_are_refused_and_write_nothing() {
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let kind = DialectKind::Postgres;
    let first = write(root, kind, &core(), "core");
    let mut changed = core();
    let flows = changed
        .tables
        .iter_mut()
        .find(|t| t.def.name == "flows")
        .expect("flows");
    flows.def.primary_key = std::borrow::Cow::Owned(vec!["name".into()]);
    let err = migrate::write_pending(root, kind, &changed, "", "new_key", false)
        .expect_err("a primary key change is refused");
    assert!(matches!(err, Error::MigrationRefused { .. }), "{err:?}");
    assert!(err.to_string().contains("primary key of `flows`"), "{err}");
    assert_eq!(
        sql_files(root, kind),
        [first.path],
        "nothing may be written"
    );
}

#[test]
fn a_changed_prefix_is_refused() {
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let kind = DialectKind::Mysql;
    write(root, kind, &core(), "core");
    let prefixed = merged_schema(&[], "inv_").expect("prefixed core");
    let err = migrate::write_pending(root, kind, &prefixed, "inv_", "p", false)
        .expect_err("a changed prefix is refused");
    assert!(err.to_string().contains("table prefix"), "{err}");
}

async fn concurrent_applies_all_succeed_once(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let db = test.db();
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path().to_path_buf();
    let first = write(&root, kind, &with_plugin(), "all");
    let runs = (0..4).map(|_| {
        let (db, root) = (db.clone(), root.clone());
        tokio::spawn(async move { migrate::apply(&db, &root).await })
    });
    let mut applied = Vec::new();
    for run in runs.collect::<Vec<_>>() {
        let result = run.await.expect("the task ran");
        applied.extend(result.unwrap_or_else(|e| panic!("{kind}: a concurrent apply failed: {e}")));
    }
    assert_eq!(applied, [first.version], "{kind}: applied once in all");
    assert_eq!(history(&db).await, [first.version], "{kind}");
    test.drop().await;
}

#[test]
fn a_name_without_letters_is_refused() {
    let root = tempfile::tempdir().expect("temporary folder");
    let err = migrate::write_pending(root.path(), DialectKind::Sqlite, &core(), "", " -- ", false)
        .expect_err("no usable name");
    assert!(err.to_string().contains("add_audit_logs"), "{err}");
}

#[test]
fn a_hand_written_migration_is_adopted() {
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let kind = DialectKind::Postgres;
    let first = write(root, kind, &with_plugin(), "all");
    let manual = dialect_dir(root, kind).join(format!("{}_drop_audit.sql", first.version + 1));
    std::fs::write(
        &manual,
        "DELETE FROM invect_schema_tables WHERE table_name = 'audit_logs';\n\
         DROP TABLE audit_logs;\n\
         ALTER TABLE flows DROP COLUMN tenant_id;\n",
    )
    .expect("hand-written file");
    let adopted = migrate::adopt_hand_written(root, kind, &core(), "").expect("adopt");
    assert_eq!(adopted, Some(first.version + 1));
    let next = migrate::write_pending(root, kind, &core(), "", "after", false).expect("diff");
    assert_eq!(next, None, "the hand-written file covers the change");
    assert_eq!(
        migrate::adopt_hand_written(root, kind, &core(), "").expect("again"),
        None
    );
}

async fn prefixed_migrations_leave_nothing_for_push(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let db = test.db();
    let root = tempfile::tempdir().expect("temporary folder");
    let root = root.path();
    let plugin = Plugin::new("audit").table::<AuditLog>();
    let schema = merged_schema(&[plugin], "inv_").expect("prefixed schema");
    let first = migrate::write_pending(root, kind, &schema, "inv_", "prefixed", false)
        .expect("write")
        .expect("a file");
    assert!(
        first.sql.contains("inv_invect_schema_tables"),
        "{kind}: {}",
        first.sql
    );
    assert_eq!(apply(&db, root).await, [first.version], "{kind}");
    let push_plan = plan(&db, &schema, "inv_").await.expect("push plan");
    assert_eq!(push_plan, Default::default(), "{kind}: push sees work left");
    let live = introspect(&db).await.expect("introspect");
    assert!(
        live.tables.contains_key("inv_flows") && !live.tables.contains_key("flows"),
        "{kind}"
    );
    test.drop().await;
}
