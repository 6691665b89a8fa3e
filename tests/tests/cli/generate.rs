//! `generate`: deterministic files, and scripts each database's own client
//! runs on an empty database, after which `verify --strict` passes and push
//! has nothing to do.

use invect_runtime::schema::{DialectKind, Schema};
use invect_tests::AnyTestDb;

use crate::per_dialect;
use crate::support::{cli, run_script, workdir};

#[test]
fn generate_writes_four_deterministic_files() {
    let dir = workdir();
    cli(dir.path(), &["generate"])
        .ok()
        .stdout_has("wrote invect/schema.json")
        .stdout_has("10 core");
    let read = |name: &str| {
        std::fs::read_to_string(dir.path().join("invect").join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let names = [
        "schema.json",
        "schema.sqlite.sql",
        "schema.postgres.sql",
        "schema.mysql.sql",
    ];
    let first: Vec<String> = names.iter().map(|n| read(n)).collect();
    cli(dir.path(), &["generate"]).ok();
    let second: Vec<String> = names.iter().map(|n| read(n)).collect();
    assert_eq!(first, second, "generate is not deterministic");

    let schema: Schema = serde_json::from_str(&first[0]).expect("schema.json is a Schema");
    assert_eq!(schema, invect_tests::core_schema());
    for sql in &first[1..] {
        assert!(sql.contains("invect_schema_tables"));
        assert_eq!(sql.matches("INSERT INTO").count(), 10);
    }
}

#[test]
fn generate_out_and_dry_run() {
    let dir = workdir();
    cli(dir.path(), &["generate", "--out", "gen", "--dry-run"])
        .ok()
        .stdout_has("would write gen/schema.mysql.sql");
    assert!(!dir.path().join("gen").exists(), "--dry-run wrote files");
    cli(dir.path(), &["generate", "-o", "gen/nested"]).ok();
    assert!(dir.path().join("gen/nested/schema.postgres.sql").is_file());

    std::fs::write(dir.path().join("blocker"), "a file, not a folder").expect("a file");
    cli(dir.path(), &["generate", "--out", "blocker/x"])
        .failed()
        .stderr_has("cannot write")
        .stderr_has("--out");
}

per_dialect!(generated_script_runs_with_the_databases_client);

async fn generated_script_runs_with_the_databases_client(kind: DialectKind) {
    let dir = workdir();
    cli(dir.path(), &["generate"]).ok();
    let test = AnyTestDb::new(kind).await;
    let target = match &test {
        AnyTestDb::Sqlite(t) => t.path.display().to_string(),
        other => other.url().to_string(),
    };
    let script = dir.path().join(format!("invect/schema.{kind}.sql"));
    run_script(kind, &target, &script);

    let url = test.url().to_string();
    cli(dir.path(), &["verify", "--strict", "--database-url", &url]).ok();
    cli(
        dir.path(),
        &["migrate", "--push", "--yes", "--database-url", &url],
    )
    .ok()
    .stdout_has("up to date");
    test.drop().await;
}
