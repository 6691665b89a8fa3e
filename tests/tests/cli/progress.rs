//! Anything that runs past a second shows a spinner on a terminal, and only
//! there: a push of 300 plugin tables (bulk-cli) to PostgreSQL takes seconds.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use invect_runtime::schema::DialectKind;
use invect_tests::AnyTestDb;

use crate::support::{on_terminal, workdir};

const SPINNER: &str = "pushing to database `main`";
const TABLES: (&str, &str) = ("INVECT_BULK_TABLES", "300");

#[tokio::test]
async fn a_long_push_shows_a_spinner_on_a_terminal_only() {
    let bulk = Path::new(env!("CARGO_BIN_EXE_bulk-cli"));
    let dir = workdir();

    let test = AnyTestDb::new(DialectKind::Postgres).await;
    let args = ["migrate", "--push", "--yes", "--database-url", test.url()];
    let out = on_terminal(bulk, dir.path(), &args, "", &[TABLES]);
    out.ok().stdout_has("pushed:");
    assert!(
        out.elapsed.as_secs_f64() > 1.5,
        "the push took {:?}: too quick to show the spinner, make the schema larger",
        out.elapsed
    );
    out.stdout_has(SPINNER).stdout_has("\r\x1b[2K");
    test.drop().await;

    // The same push into a pipe: no spinner in logs.
    let quiet = AnyTestDb::new(DialectKind::Postgres).await;
    let start = Instant::now();
    let piped = Command::new(bulk)
        .args(["migrate", "--push", "--yes", "--database-url", quiet.url()])
        .current_dir(dir.path())
        .env(TABLES.0, TABLES.1)
        .stdin(Stdio::null())
        .output()
        .expect("run bulk-cli");
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(piped.status.success(), "bulk-cli push failed: {stderr}");
    assert!(start.elapsed().as_secs_f64() > 1.5, "too quick to tell");
    assert!(
        !stderr.contains(SPINNER) && !stderr.contains('\r'),
        "a spinner in a pipe: {stderr}"
    );
    quiet.drop().await;
}
