//! Bad connection strings of every kind: each command exits non-zero within
//! 30 s with a message, never prints the password, never panics.

use std::time::Duration;

use invect_tests::{mysql_url, pg_url, url_with_database};

use crate::support::{Bin, Output, run_env, url_parts, workdir};

/// A password no message may show.
const SECRET: &str = "Hunter2Secret";
/// The longest a failing command may take.
const LIMIT: Duration = Duration::from_secs(30);

/// `url` with its password replaced by [`SECRET`].
fn with_secret(url: &str) -> String {
    let p = url_parts(url);
    url.replacen(
        &format!("{}:{}@", p.user, p.password),
        &format!("{}:{SECRET}@", p.user),
        1,
    )
}

/// Runs every database command on `url` (as a flag, and as `DATABASE_URL`)
/// and checks how each fails; returns the outputs.
fn fails_cleanly(label: &str, url: &str, secrets: &[&str], expect: &str) -> Vec<Output> {
    let dir = workdir();
    let mut outputs = Vec::new();
    let commands: [&[&str]; 4] = [
        &["verify", "--strict"],
        &["migrate", "--push", "--yes"],
        &["migrate", "--yes"],
        &["info"],
    ];
    for args in commands {
        let mut with_flag = args.to_vec();
        with_flag.extend(["--database-url", url]);
        outputs.push(run_env(Bin::Cli, dir.path(), &with_flag, &[]));
    }
    outputs.push(run_env(
        Bin::Cli,
        dir.path(),
        &["verify"],
        &[("DATABASE_URL", url)],
    ));
    for out in &outputs {
        out.failed().stderr_has("error:").stderr_has(expect);
        assert!(
            out.elapsed < LIMIT,
            "{label}: `{}` took {:?}",
            out.command,
            out.elapsed
        );
        for secret in secrets {
            out.never_shows(secret);
        }
    }
    outputs
}

#[test]
fn malformed_urls() {
    fails_cleanly(
        "postgres bad port",
        &format!("postgres://invect:{SECRET}@127.0.0.1:notaport/db"),
        &[SECRET],
        "not a valid PostgreSQL URL",
    );
    fails_cleanly(
        "mysql bad port",
        &format!("mysql://invect:{SECRET}@127.0.0.1:99999999/db"),
        &[SECRET],
        "MySQL",
    );
}

#[test]
fn unknown_scheme() {
    fails_cleanly(
        "mongodb",
        &format!("mongodb://invect:{SECRET}@127.0.0.1/db"),
        &[SECRET],
        "mongodb",
    );
}

#[test]
fn wrong_passwords() {
    let pg = with_secret(&pg_url());
    fails_cleanly("postgres password", &pg, &[SECRET], "refused the login");
    let my = with_secret(&mysql_url());
    fails_cleanly("mysql password", &my, &[SECRET], "refused the login");
}

#[test]
fn closed_ports() {
    fails_cleanly(
        "postgres closed port",
        &format!("postgres://invect:{SECRET}@127.0.0.1:1/db"),
        &[SECRET],
        "connection refused",
    );
    fails_cleanly(
        "mysql closed port",
        &format!("mysql://invect:{SECRET}@127.0.0.1:1/db"),
        &[SECRET],
        "connection refused",
    );
}

#[test]
fn missing_databases() {
    for base in [pg_url(), mysql_url()] {
        let url = url_with_database(&base, "invect_t_no_such_database");
        let p = url_parts(&url);
        let login = format!("{}:{}@", p.user, p.password);
        let outputs = fails_cleanly("missing database", &url, &[&login], "does not exist");
        // The hint quotes the name as the dialect does.
        let quoted = if base.starts_with("mysql") {
            "`invect_t_no_such_database`"
        } else {
            "\"invect_t_no_such_database\""
        };
        for out in outputs {
            out.stderr_has(&format!("CREATE DATABASE {quoted}"));
        }
    }
}

/// A MySQL URL without a database is refused up front (`verify` used to
/// report every table missing and exit 0).
#[test]
fn mysql_url_without_a_database() {
    let p = url_parts(&mysql_url());
    let url = format!("mysql://{}:{SECRET}@{}:{}", p.user, p.host, p.port);
    fails_cleanly(
        "mysql without database",
        &url,
        &[SECRET],
        "names no database",
    );
}

#[test]
fn unwritable_sqlite_paths() {
    fails_cleanly(
        "sqlite in /proc",
        "file:/proc/invect-cli-test/dev.db",
        &[],
        "SQLite",
    );
    let dir = workdir();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").expect("a file");
    fails_cleanly(
        "sqlite under a file",
        &format!("file:{}/dev.db", blocker.display()),
        &[],
        "SQLite",
    );
}
