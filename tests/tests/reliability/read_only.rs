//! Verification is read-only: as a SELECT-only user on PostgreSQL and
//! MariaDB, and on a SQLite file that cannot be written (on a read-only bind
//! mount, where not even root can write, and through `mode=ro` on a
//! `chmod 444` file), `invect-cli verify` and `info` work and report the
//! drift, push fails, and nothing in the database changes.

use std::path::Path;
use std::process::Command;

use invect_runtime::Db;
use invect_runtime::schema::DialectKind;
use invect_tests::{AnyTestDb, catalog, raw};

use crate::cli_support::{Output, cli, workdir};
use crate::push_support::{create_app_tables, grant_select, invect, revoke_select};
use crate::support::{int, invect_cli};

/// The catalog and every table's row count: what a read-only run must leave.
async fn server_state(test: &AnyTestDb) -> (String, Vec<(String, i64)>) {
    let cat = match test {
        AnyTestDb::Postgres(t) => catalog::read_pg(&t.pool).await,
        AnyTestDb::Mysql(t) => catalog::read_mysql(&t.pool).await,
        AnyTestDb::Sqlite(t) => catalog::read_sqlite(&t.pool).await,
    }
    .expect("read the catalog");
    let db = test.db();
    let mut counts = Vec::new();
    for table in cat.tables.keys() {
        let quoted = match test.kind() {
            DialectKind::Mysql => format!("`{table}`"),
            _ => format!("\"{table}\""),
        };
        counts.push((
            table.clone(),
            int(&db, &format!("SELECT COUNT(*) FROM {quoted}")).await,
        ));
    }
    (format!("{cat:?}"), counts)
}

async fn verification_changes_nothing_as_a_select_only_user(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    invect(&test).await.push().await.expect("push as the owner");
    create_app_tables(&test).await;
    raw(&test.db(), "ALTER TABLE flow_runs DROP COLUMN error").await;
    let before = server_state(&test).await;
    let ro_url = grant_select(&test).await;
    let dir = workdir();
    let as_ro = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--database-url", ro_url.as_str()]);
        cli(dir.path(), &all)
    };
    as_ro(&["verify"]).ok().stderr_has("flow_runs.error");
    as_ro(&["verify", "--strict"])
        .exited(1)
        .stderr_has("column `flow_runs.error` is missing");
    as_ro(&["info"]).ok();
    as_ro(&["migrate", "--push", "--yes"]).exited(1);
    revoke_select(&test).await;
    assert_eq!(
        server_state(&test).await,
        before,
        "{kind}: a SELECT-only user's verify, info or push changed the database"
    );
    test.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_changes_nothing_as_a_select_only_user_postgres() {
    verification_changes_nothing_as_a_select_only_user(DialectKind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_changes_nothing_as_a_select_only_user_mysql() {
    verification_changes_nothing_as_a_select_only_user(DialectKind::Mysql).await;
}

/// Runs `invect-cli args...` with `dir` bind-mounted read-only over itself,
/// in a mount namespace of its own (util-linux `unshare`; the mount goes
/// away with the process).
fn cli_on_read_only_mount(dir: &Path, args: &[&str]) -> Output {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let d = quote(&dir.display().to_string());
    let mut line = format!(
        "mount --bind -o ro {d} {d} && exec {}",
        quote(&invect_cli().display().to_string())
    );
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    let start = std::time::Instant::now();
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &line])
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("cannot run unshare (util-linux): {e}"));
    Output {
        command: format!("invect-cli {} (read-only mount)", args.join(" ")),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// A pushed SQLite file (in WAL mode, as the runtime keeps it) with a column
/// dropped; then set `chmod 444`. On a read-only bind mount (which stops
/// root too) `verify` works, names the column, and push fails; through
/// `mode=ro` on the writable folder likewise. The file's bytes and
/// modification time are unchanged. (SQLite may leave its `-shm` and empty
/// `-wal` beside the file under `mode=ro` in a writable folder; they hold
/// no data.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_changes_nothing_on_a_read_only_sqlite_file() {
    let dir = workdir();
    let file = dir.path().join("ro.db");
    let url = format!("file:{}", file.display());
    cli(
        dir.path(),
        &["migrate", "--push", "--yes", "--database-url", &url],
    )
    .ok();
    let db = Db::connect(&url).await.expect("open the file");
    raw(&db, "ALTER TABLE flow_runs DROP COLUMN error").await;
    db.close().await;
    let mut perms = std::fs::metadata(&file).expect("the file").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&file, perms).expect("chmod 444");
    let stamp = |p: &Path| {
        let m = std::fs::metadata(p).expect("the file");
        (
            std::fs::read(p).expect("the file's bytes"),
            m.modified().ok(),
        )
    };
    let before = stamp(&file);

    for target in [url.clone(), format!("{url}?mode=ro")] {
        let on_mount = |args: &[&str]| {
            let mut all = args.to_vec();
            all.extend(["--database-url", target.as_str()]);
            cli_on_read_only_mount(dir.path(), &all)
        };
        on_mount(&["verify"]).ok().stderr_has("flow_runs.error");
        on_mount(&["verify", "--strict"])
            .exited(1)
            .stderr_has("column `flow_runs.error` is missing");
        on_mount(&["info"]).ok();
        on_mount(&["migrate", "--push", "--yes"])
            .exited(1)
            .stderr_has("readonly");
    }
    let ro = format!("{url}?mode=ro");
    let at = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--database-url", ro.as_str()]);
        cli(dir.path(), &all)
    };
    at(&["verify", "--strict"])
        .exited(1)
        .stderr_has("flow_runs.error");
    at(&["info"]).ok();
    at(&["migrate", "--push", "--yes"]).exited(1);
    assert!(before == stamp(&file), "the read-only SQLite file changed");
}
