//! `migrate --push`, `verify` and `info` on each dialect.

use invect_runtime::schema::DialectKind;
use invect_tests::AnyTestDb;

use crate::per_dialect;
use crate::support::{cli, raw, url_args, workdir};

per_dialect!(push_verify_and_info);

/// An empty database fails `verify --strict`, warns under `verify`, is left
/// alone by a refused or dry-run push, is pushed with `--yes`, then verifies,
/// pushes nothing more, and shows in `info` without its password.
async fn push_verify_and_info(kind: DialectKind) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    let url = test.url().to_string();
    let at = |args: &[&str]| cli(dir.path(), &url_args(args, &url));

    at(&["verify", "--strict"])
        .failed()
        .stderr_has("does not match")
        .stderr_has("invect-cli migrate --push");
    at(&["verify"]).ok().stderr_has("warning:");

    at(&["migrate", "--push"])
        .failed()
        .stdout_has("CREATE TABLE")
        .stderr_has("--yes");
    at(&["migrate", "--push", "--dry-run"])
        .ok()
        .stdout_has("CREATE TABLE")
        .stdout_has("dry run");
    at(&["verify", "--strict"]).failed();

    at(&["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("pushed:");
    at(&["verify", "--strict"]).ok().stdout_has("ok:");
    at(&["migrate", "--push", "--yes"])
        .ok()
        .stdout_has("up to date");

    let info = at(&["info"]);
    info.ok()
        .stdout_has(&format!("dialect {kind})"))
        .stdout_has("core: credentials, flows")
        .stdout_has("(from --database-url)")
        .stdout_has("0 applied, 0 pending");
    if kind != DialectKind::Sqlite {
        info.stdout_has(":***@").never_shows("invect:invect@");
    }
    test.drop().await;
}

/// A column whose type was changed by hand: push refuses and changes
/// nothing, `verify` names the column.
async fn push_refusal_changes_nothing(kind: DialectKind, alter: &str) {
    let test = AnyTestDb::new(kind).await;
    let dir = workdir();
    let url = test.url().to_string();
    let at = |args: &[&str]| cli(dir.path(), &url_args(args, &url));
    at(&["migrate", "--push", "--yes"]).ok();
    raw(&test.db(), alter).await;
    at(&["migrate", "--push", "--yes"])
        .failed()
        .stderr_has("push refused, nothing was changed")
        .stderr_has("flows.live_version_number")
        .never_shows("pushed:");
    at(&["verify", "--strict"])
        .failed()
        .stderr_has("flows.live_version_number");
    test.drop().await;
}

#[tokio::test]
async fn push_refusal_on_postgres() {
    let alter = "ALTER TABLE flows ALTER COLUMN live_version_number TYPE text";
    push_refusal_changes_nothing(DialectKind::Postgres, alter).await;
}

#[tokio::test]
async fn push_refusal_on_mysql() {
    let alter = "ALTER TABLE flows MODIFY live_version_number TEXT";
    push_refusal_changes_nothing(DialectKind::Mysql, alter).await;
}
