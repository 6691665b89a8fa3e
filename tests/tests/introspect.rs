//! Introspection (`invect_runtime::introspect`) on the real SQLite,
//! PostgreSQL and MariaDB servers.
//!
//! - `core_schema_*`: the core DDL plus an application table and a view,
//!   read back: every core table and column, its type (and a wrong type
//!   refused), nullability, primary keys, indexes, foreign keys, PostgreSQL
//!   enum labels; the view is an other relation, not a table.
//! - `query_count_*`: the number of catalog queries is the same for the core
//!   schema and for the core schema plus 200 tables of 12 columns.
//! - `select_only_user_*`: a user that may only SELECT reads the very same
//!   `LiveSchema` as the owner (PostgreSQL, MariaDB).
//!
//! Needs the servers of `scripts/services.sh` (`source` it first).

use std::collections::BTreeMap;

use invect_runtime::introspect::{LiveSchema, LiveTable, introspect, type_matches};
use invect_runtime::schema::{
    ColumnType, Dialect, DialectKind, EnumDef, Sqlite, TableDef, foreign_key_name,
};
use invect_runtime::{Db, Pool};
use invect_tests::{AnyTestDb as TestDb, PgTestDb, core_ddl, core_schema, url_with_database};
use sqlx::AssertSqlSafe;

/// An application table beside Invect's, and a view over a core table.
const APP_TABLE: &str = "app_orders";
const APP_VIEW: &str = "app_flow_names";

/// A fresh database with the core DDL, the application table and the view.
async fn with_core(kind: DialectKind) -> TestDb {
    let test = TestDb::new(kind).await;
    let mut ddl = core_ddl(kind);
    ddl.push(format!(
        "CREATE TABLE {APP_TABLE} (id INTEGER NOT NULL PRIMARY KEY, note TEXT)"
    ));
    ddl.push(format!(
        "CREATE VIEW {APP_VIEW} AS SELECT id, name FROM flows"
    ));
    test.apply(&ddl).await;
    test
}

async fn read(db: &Db) -> LiveSchema {
    introspect(db)
        .await
        .unwrap_or_else(|e| panic!("introspection failed on {}: {e}", db.kind()))
}

// --- the core schema, read back ---------------------------------------------

async fn core_schema_is_read_back(kind: DialectKind) {
    let test = with_core(kind).await;
    let live = read(&test.db()).await;
    assert_core_schema(kind, &live);
    test.drop().await;
}

#[tokio::test]
async fn core_schema_sqlite() {
    core_schema_is_read_back(DialectKind::Sqlite).await;
}

#[tokio::test]
async fn core_schema_postgres() {
    core_schema_is_read_back(DialectKind::Postgres).await;
}

#[tokio::test]
async fn core_schema_mysql() {
    core_schema_is_read_back(DialectKind::Mysql).await;
}

/// Everything the core DDL declares is in `live`, as declared.
fn assert_core_schema(kind: DialectKind, live: &LiveSchema) {
    let schema = core_schema();
    for t in &schema.tables {
        let table = live
            .tables
            .get(t.def.name.as_ref())
            .unwrap_or_else(|| panic!("{kind}: table {} not read", t.def.name));
        assert_columns(kind, &t.def, table);
        assert_keys(kind, &t.def, table);
    }
    assert!(
        live.tables.contains_key(APP_TABLE),
        "{kind}: {APP_TABLE} not read"
    );
    assert!(
        live.other_relations.contains(APP_VIEW),
        "{kind}: the view is not among the other relations: {:?}",
        live.other_relations
    );
    assert!(
        !live.tables.contains_key(APP_VIEW),
        "{kind}: the view was read as a table"
    );

    // Spot checks of what the loops above rely on.
    let versions = &live.tables["flow_versions"];
    assert_eq!(versions.primary_key, ["flow_id", "version"], "{kind}");
    let triggers = &live.tables["flow_triggers"];
    let webhook = triggers
        .indexes
        .iter()
        .find(|i| i.name == "flow_triggers_webhook_path_key");
    assert!(
        webhook.is_some_and(|i| i.unique && i.columns == ["webhook_path"]),
        "{kind}: flow_triggers_webhook_path_key: {:?}",
        triggers.indexes
    );
    let runs = &live.tables["flow_runs"];
    assert!(
        runs.indexes
            .iter()
            .any(|i| i.name == "flow_runs_flow_id_idx" && !i.unique && i.columns == ["flow_id"]),
        "{kind}: flow_runs_flow_id_idx: {:?}",
        runs.indexes
    );
    let fk = runs.foreign_keys.iter().find(|f| f.columns == ["flow_id"]);
    assert!(
        fk.is_some_and(|f| f.target_table == "flows"
            && f.target_columns == ["id"]
            && f.on_delete == "CASCADE"),
        "{kind}: flow_runs.flow_id foreign key: {:?}",
        runs.foreign_keys
    );

    let expected_enums: BTreeMap<String, Vec<String>> = match kind {
        DialectKind::Postgres => schema.enums().into_iter().map(enum_labels).collect(),
        _ => BTreeMap::new(),
    };
    assert_eq!(live.enums, expected_enums, "{kind}: enum types");
    if kind == DialectKind::Postgres {
        assert_eq!(
            live.enums["batch_status"],
            [
                "SUBMITTED",
                "PROCESSING",
                "COMPLETED",
                "FAILED",
                "CANCELLED"
            ]
        );
    }
}

fn enum_labels(e: &EnumDef) -> (String, Vec<String>) {
    let labels = e.values.iter().map(|v| v.to_string()).collect();
    (e.name.to_string(), labels)
}

/// Every declared column exists with a matching type and nullability, and a
/// wrong type does not match it.
fn assert_columns(kind: DialectKind, def: &TableDef, table: &LiveTable) {
    for c in def.columns.iter() {
        let at = format!("{kind}: {}.{}", def.name, c.name);
        let live = table
            .column(&c.name)
            .unwrap_or_else(|| panic!("{at}: column not read"));
        assert!(
            type_matches(kind, &c.ty, live),
            "{at}: {} does not match {live:?}",
            c.ty
        );
        let wrong = wrong_type(kind, &c.ty);
        assert!(
            !type_matches(kind, &wrong, live),
            "{at}: {wrong} matches {live:?}"
        );
        assert_eq!(live.nullable, c.nullable, "{at}: nullability");
        // MariaDB's JSON is LONGTEXT with a json_valid CHECK, and only JSON has one.
        let json_check =
            kind == DialectKind::Mysql && c.ty == ColumnType::Json && live.data_type == "longtext";
        assert_eq!(live.json_check, json_check, "{at}: json_check of {live:?}");
    }
    let live_names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let declared: Vec<&str> = def.columns.iter().map(|c| c.name.as_ref()).collect();
    assert_eq!(live_names, declared, "{kind}: {} column order", def.name);
}

/// A type that renders differently from `ty` in `kind`.
fn wrong_type(kind: DialectKind, ty: &ColumnType) -> ColumnType {
    match (kind, ty) {
        (DialectKind::Sqlite, ty) if Sqlite.column_type(ty) == "INTEGER" => ColumnType::Text,
        (_, ColumnType::Number) => ColumnType::BigInt,
        // An enum whose values the live one lacks (MySQL), named otherwise (PostgreSQL).
        (DialectKind::Mysql | DialectKind::Postgres, ColumnType::Enum(e)) => {
            let mut values = e.values.to_vec();
            values.push("NOT_A_VALUE".into());
            ColumnType::Enum(EnumDef {
                name: format!("{}_other", e.name).into(),
                values: values.into(),
            })
        }
        _ => ColumnType::Number,
    }
}

/// Primary key, declared and generated indexes (not the primary key's), and
/// foreign keys as declared.
fn assert_keys(kind: DialectKind, def: &TableDef, table: &LiveTable) {
    let name = &def.name;
    let pk: Vec<&str> = def.primary_key.iter().map(|c| c.as_ref()).collect();
    assert_eq!(table.primary_key, pk, "{kind}: {name} primary key");

    let expected = def.effective_indexes();
    assert_eq!(
        table.indexes.len(),
        expected.len(),
        "{kind}: {name} indexes (the primary key's must not be one): {:?}",
        table.indexes
    );
    for index in &expected {
        let index_name = index.name(name);
        let live = table.indexes.iter().find(|i| i.name == index_name);
        assert!(
            live.is_some_and(|i| i.unique == index.unique && i.columns == index.columns.as_ref()),
            "{kind}: {name} index {index_name} ({:?}, unique {}): {:?}",
            index.columns,
            index.unique,
            table.indexes
        );
    }

    let declared: Vec<_> = def
        .columns
        .iter()
        .filter_map(|c| c.references.as_ref().map(|fk| (c, fk)))
        .collect();
    assert_eq!(
        table.foreign_keys.len(),
        declared.len(),
        "{kind}: {name} foreign keys: {:?}",
        table.foreign_keys
    );
    for (c, fk) in declared {
        let live = table
            .foreign_keys
            .iter()
            .find(|f| f.columns == [c.name.as_ref()])
            .unwrap_or_else(|| panic!("{kind}: {name}.{} foreign key not read", c.name));
        assert_eq!(live.target_table, fk.table, "{kind}: {name}.{}", c.name);
        assert_eq!(
            live.target_columns,
            [fk.column.as_ref()],
            "{kind}: {name}.{}",
            c.name
        );
        assert_eq!(
            live.on_delete,
            fk.on_delete.sql(),
            "{kind}: {name}.{}",
            c.name
        );
        // SQLite does not report constraint names.
        let constraint = match kind {
            DialectKind::Sqlite => String::new(),
            _ => foreign_key_name(name, &c.name),
        };
        assert_eq!(
            live.name, constraint,
            "{kind}: {name}.{} constraint name",
            c.name
        );
    }
}

// --- a constant number of catalog queries -----------------------------------

/// How many tables the plugin-sized schema adds, and columns per table.
const EXTRA_TABLES: usize = 200;
const EXTRA_COLUMNS: usize = 12;

async fn query_count_is_constant(kind: DialectKind) {
    let test = with_core(kind).await;
    let db = test.db();
    let core = read(&db).await;
    assert!(core.queries > 0, "{kind}: no query counted");

    test.apply(&extra_tables_ddl(kind)).await;
    let started = std::time::Instant::now();
    let big = read(&db).await;
    let elapsed = started.elapsed();
    println!(
        "{kind}: {} catalog queries for {} tables, {} for {} tables ({elapsed:?})",
        core.queries,
        core.tables.len(),
        big.queries,
        big.tables.len()
    );

    assert_eq!(big.tables.len(), core.tables.len() + EXTRA_TABLES, "{kind}");
    for i in 0..EXTRA_TABLES {
        let t = &big.tables[&extra_name(i)];
        assert_eq!(t.columns.len(), EXTRA_COLUMNS, "{kind}: {}", extra_name(i));
        assert_eq!(t.primary_key, ["id"], "{kind}: {}", extra_name(i));
        assert_eq!(
            t.indexes.len(),
            2,
            "{kind}: {}: {:?}",
            extra_name(i),
            t.indexes
        );
        assert_eq!(
            t.foreign_keys.len(),
            usize::from(i > 0),
            "{kind}: {}",
            extra_name(i)
        );
    }
    assert_eq!(
        big.queries, core.queries,
        "{kind}: catalog queries grew with the tables"
    );
    test.drop().await;
}

fn extra_name(i: usize) -> String {
    format!("extra_{i:03}")
}

/// 200 tables: `id`, `parent_id` (a foreign key to the first one, which has
/// none) and ten text columns; an index on `parent_id` (which MySQL would
/// otherwise create by itself for the foreign key) and one on `c2`.
fn extra_tables_ddl(kind: DialectKind) -> Vec<String> {
    let text = match kind {
        DialectKind::Mysql => "VARCHAR(100)",
        _ => "TEXT",
    };
    let mut out = Vec::new();
    for i in 0..EXTRA_TABLES {
        let name = extra_name(i);
        let mut columns = vec![
            "id INTEGER NOT NULL PRIMARY KEY".to_string(),
            "parent_id INTEGER".to_string(),
        ];
        columns.extend((2..EXTRA_COLUMNS).map(|n| format!("c{n} {text}")));
        if i > 0 {
            columns.push(format!(
                "CONSTRAINT {name}_parent_fkey FOREIGN KEY (parent_id) REFERENCES extra_000 (id)"
            ));
        }
        out.push(format!("CREATE TABLE {name} ({})", columns.join(", ")));
        out.push(format!(
            "CREATE INDEX {name}_parent_id_idx ON {name} (parent_id)"
        ));
        out.push(format!("CREATE INDEX {name}_c2_idx ON {name} (c2)"));
    }
    out
}

#[tokio::test]
async fn query_count_sqlite() {
    query_count_is_constant(DialectKind::Sqlite).await;
}

#[tokio::test]
async fn query_count_postgres() {
    query_count_is_constant(DialectKind::Postgres).await;
}

#[tokio::test]
async fn query_count_mysql() {
    query_count_is_constant(DialectKind::Mysql).await;
}

// --- a SELECT-only user -----------------------------------------------------

/// `var` from the environment (set by `scripts/services.sh`); tests never skip.
fn env_url(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run `bash scripts/test.sh` or `source scripts/services.sh` first")
    })
}

async fn raw(pool: &Pool, sql: &str) -> Result<(), sqlx::Error> {
    let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
    match pool {
        Pool::Sqlite(p) => q.execute(p).await.map(drop),
        Pool::Postgres(p) => q.execute(p).await.map(drop),
        Pool::Mysql(p) => q.execute(p).await.map(drop),
    }
}

/// Runs `statements` as the database's owner.
async fn as_owner(test: &TestDb, statements: &[String]) {
    let owner = test.db();
    for sql in statements {
        raw(owner.pool(), sql)
            .await
            .unwrap_or_else(|e| panic!("the owner cannot run `{sql}`: {e}"));
    }
}

/// The statements that let `invect_ro` SELECT in the test database, and
/// `invect_ro`'s URL for it.
fn select_grants(test: &TestDb) -> (Vec<String>, String) {
    match test {
        TestDb::Postgres(t) => (
            vec![
                format!("GRANT CONNECT ON DATABASE \"{}\" TO invect_ro", t.name),
                "GRANT USAGE ON SCHEMA public TO invect_ro".to_string(),
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO invect_ro".to_string(),
            ],
            url_with_database(&env_url("INVECT_TEST_PG_RO_URL"), &t.name),
        ),
        TestDb::Mysql(t) => (
            vec![format!("GRANT SELECT ON `{}`.* TO 'invect_ro'@'%'", t.name)],
            url_with_database(&env_url("INVECT_TEST_MYSQL_RO_URL"), &t.name),
        ),
        TestDb::Sqlite(_) => unreachable!("SQLite has no users"),
    }
}

/// What `invect_ro` could do and saw, collected before any assertion so the
/// grants are revoked even when one fails.
#[derive(Debug)]
struct ReadOnlyRun {
    created: Result<(), sqlx::Error>,
    inserted: Result<(), sqlx::Error>,
    selected: Result<(), sqlx::Error>,
    seen: invect_runtime::Result<LiveSchema>,
}

async fn run_as(url: &str) -> ReadOnlyRun {
    let ro = Db::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect as invect_ro to {url}: {e}"));
    let run = ReadOnlyRun {
        created: raw(ro.pool(), "CREATE TABLE ro_probe (x INTEGER)").await,
        inserted: raw(ro.pool(), "INSERT INTO flows (id, name) VALUES ('x', 'x')").await,
        selected: raw(ro.pool(), "SELECT count(*) FROM flows").await,
        seen: introspect(&ro).await,
    };
    ro.close().await;
    run
}

impl ReadOnlyRun {
    /// The user could read but not write, and introspection worked.
    fn schema(self, kind: DialectKind) -> LiveSchema {
        assert!(self.created.is_err(), "{kind}: invect_ro may create tables");
        assert!(self.inserted.is_err(), "{kind}: invect_ro may insert");
        assert!(
            self.selected.is_ok(),
            "{kind}: invect_ro may not select: {:?}",
            self.selected
        );
        self.seen
            .unwrap_or_else(|e| panic!("{kind}: introspection as invect_ro failed: {e}"))
    }
}

async fn select_only_user_sees_the_same(kind: DialectKind) {
    let test = with_core(kind).await;
    let owner = read(&test.db()).await;
    let (grants, ro_url) = select_grants(&test);
    as_owner(&test, &grants).await;
    let select_only = run_as(&ro_url).await;

    // MariaDB hides REFERENTIAL_CONSTRAINTS (the delete rules) from a user
    // with SELECT alone; REFERENCES, which reads and writes nothing, shows them.
    let mut with_references = None;
    if let TestDb::Mysql(t) = &test {
        let on = format!("`{}`.*", t.name);
        as_owner(
            &test,
            &[format!("GRANT REFERENCES ON {on} TO 'invect_ro'@'%'")],
        )
        .await;
        with_references = Some(run_as(&ro_url).await);
        // Grants outlive DROP DATABASE on MariaDB.
        as_owner(
            &test,
            &[format!(
                "REVOKE SELECT, REFERENCES ON {on} FROM 'invect_ro'@'%'"
            )],
        )
        .await;
    }

    if let TestDb::Postgres(t) = &test {
        wait_for_ro_backends(t).await;
    }

    let seen = select_only.schema(kind);
    assert_core_schema_but_delete_rules(kind, &seen);
    let mut expected = owner.clone();
    if kind == DialectKind::Mysql {
        let fks = expected
            .tables
            .values_mut()
            .flat_map(|t| t.foreign_keys.iter_mut());
        fks.for_each(|fk| fk.on_delete.clear());
    }
    assert_eq!(
        seen, expected,
        "{kind}: the SELECT-only user reads another schema"
    );
    if let Some(run) = with_references {
        let seen = run.schema(kind);
        assert_eq!(
            seen, owner,
            "{kind}: SELECT and REFERENCES do not show everything"
        );
    }
    test.drop().await;
}

/// [`assert_core_schema`] on a copy whose unknown delete rules (empty:
/// MariaDB, SELECT only) are filled in from the declarations, after checking
/// that every foreign key is still there with its columns and target.
fn assert_core_schema_but_delete_rules(kind: DialectKind, live: &LiveSchema) {
    let mut filled = live.clone();
    for t in &core_schema().tables {
        let Some(table) = filled.tables.get_mut(t.def.name.as_ref()) else {
            continue; // reported by assert_core_schema
        };
        for fk in table
            .foreign_keys
            .iter_mut()
            .filter(|fk| fk.on_delete.is_empty())
        {
            let declared = fk
                .columns
                .first()
                .and_then(|c| t.def.column(c))
                .and_then(|c| c.references.as_ref());
            if let Some(declared) = declared {
                fk.on_delete = declared.on_delete.sql().to_string();
            }
        }
    }
    assert_core_schema(kind, &filled);
}

/// Waits (up to 5 s) until the server has ended `invect_ro`'s closed
/// sessions: `DROP DATABASE .. WITH (FORCE)` may not terminate another
/// role's backend, so one still exiting would keep the database alive.
async fn wait_for_ro_backends(t: &PgTestDb) {
    const COUNT: &str = "SELECT count(*) FROM pg_stat_activity \
                         WHERE datname = current_database() AND usename = 'invect_ro'";
    for _ in 0..50 {
        match sqlx::query_scalar::<_, i64>(COUNT).fetch_one(&t.pool).await {
            Ok(0) => return,
            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            Err(e) => panic!("cannot count invect_ro's sessions: {e}"),
        }
    }
    eprintln!(
        "warning: invect_ro still connected to {}; it may outlive the test",
        t.name
    );
}

#[tokio::test]
async fn select_only_user_postgres() {
    select_only_user_sees_the_same(DialectKind::Postgres).await;
}

#[tokio::test]
async fn select_only_user_mysql() {
    select_only_user_sees_the_same(DialectKind::Mysql).await;
}
