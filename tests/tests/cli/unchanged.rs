//! Commands that must change nothing, and don't: every refusal, every dry
//! run and every "no" leaves an empty folder empty (no `dev.db`, no
//! `-wal`/`-shm`, no migration files); reading a SQLite file leaves its
//! bytes, modification time and journal mode as they were.

use std::path::Path;
use std::time::SystemTime;

use invect_runtime::credentials::EncryptionKey;
use invect_runtime::schema::DialectKind;

use crate::support::{
    Bin, Output, cli, cli_on_terminal, cli_on_terminal_interrupted, entries, run_env, run_script,
    workdir,
};

/// Panics unless `dir` is still empty after `out`.
#[track_caller]
fn still_empty(dir: &Path, out: &Output) {
    let left = entries(dir);
    assert!(left.is_empty(), "`{}` left {left:?}:\n{out}", out.command);
}

#[test]
fn refusals_and_dry_runs_leave_an_empty_folder_empty() {
    let dir = workdir();
    let d = dir.path();
    let refused = [
        &["migrate", "--push"][..],
        &["migrate"],
        &["migrate", "--baseline"],
        &["credentials", "rotate"],
    ];
    for args in refused {
        let out = cli(d, args);
        out.failed();
        still_empty(d, &out);
    }
    let dry_runs = [
        &["migrate", "--push", "--dry-run"][..],
        &["migrate", "--push", "--dry-run", "--format", "json"],
        &["migrate", "--dry-run"],
    ];
    for args in dry_runs {
        let out = cli(d, args);
        out.ok().stdout_has("CREATE TABLE");
        still_empty(d, &out);
    }
    // Refused after looking: a baseline of a database without the schema
    // (the migration file is not written first), rotation of no database.
    let out = cli(d, &["migrate", "--baseline", "--yes"]);
    out.failed().stderr_has("does not have the whole schema");
    still_empty(d, &out);
    let out = cli(d, &["migrate", "--baseline", "--dry-run"]);
    out.failed().stderr_has("does not have the whole schema");
    still_empty(d, &out);
    let key = EncryptionKey::from_bytes([7; 32]).to_base64();
    let keys = [
        ("INVECT_ENCRYPTION_KEY", key.as_str()),
        ("INVECT_PREVIOUS_ENCRYPTION_KEYS", key.as_str()),
    ];
    for args in [
        &["credentials", "rotate", "--dry-run"][..],
        &["credentials", "rotate", "--yes"],
    ] {
        let out = run_env(Bin::Cli, d, args, &keys);
        out.failed().stderr_has("no SQLite database");
        still_empty(d, &out);
    }
}

/// "n" at the prompt, an empty answer, and Ctrl-C all leave nothing.
#[test]
fn no_at_the_prompt_and_ctrl_c_leave_an_empty_folder_empty() {
    let dir = workdir();
    let d = dir.path();
    for (args, input) in [
        (&["migrate", "--push"][..], "n\n"),
        (&["migrate", "--push"], "\n"),
        (&["migrate"], "n\n"),
    ] {
        let out = cli_on_terminal(d, args, input);
        out.failed().stdout_has("[y/N]").stdout_has("cancelled");
        still_empty(d, &out);
    }
    for args in [&["migrate", "--push"][..], &["migrate"]] {
        let out = cli_on_terminal_interrupted(d, args);
        assert_ne!(out.code, Some(0), "{out}");
        still_empty(d, &out);
    }
}

/// The file's bytes and modification time.
fn stamp(file: &Path) -> (Vec<u8>, Option<SystemTime>) {
    let meta = std::fs::metadata(file).expect("the database file");
    (
        std::fs::read(file).expect("its bytes"),
        meta.modified().ok(),
    )
}

/// A database made by running `generate`'s SQLite script with `sqlite3` is
/// in rollback-journal mode; `verify` (text and JSON), `info`, dry runs and
/// refused pushes and migrations leave its bytes, modification time and
/// journal mode (header bytes 18 and 19 = 1), and the folder, as they were.
#[test]
fn reading_a_rollback_journal_file_changes_nothing() {
    let dir = workdir();
    let d = dir.path();
    cli(d, &["generate"]).ok();
    let file = d.join("dev.db");
    run_script(
        DialectKind::Sqlite,
        &file.display().to_string(),
        &d.join("invect/schema.sqlite.sql"),
    );
    let before = stamp(&file);
    assert_eq!(
        (before.0[18], before.0[19]),
        (1, 1),
        "sqlite3 made a WAL file"
    );
    let folder = entries(d);
    // An mtime change within the clock's resolution would go unseen.
    std::thread::sleep(std::time::Duration::from_millis(50));
    let runs: [(&[&str], bool); 8] = [
        (&["verify", "--strict"], true),
        (&["verify", "--format", "json"], true),
        (&["info"], true),
        (&["info", "--format", "json"], true),
        (&["migrate", "--push", "--dry-run"], true),
        (&["migrate", "--push", "--yes"], true), // up to date: nothing to write
        (&["migrate", "--dry-run"], false),      // no history: refused
        (&["migrate", "--baseline"], false),     // no --yes
    ];
    for (args, ok) in runs {
        let out = cli(d, args);
        if ok {
            out.ok();
        } else {
            out.failed();
        }
        assert!(
            stamp(&file) == before,
            "`{}` changed dev.db:\n{out}",
            out.command
        );
        assert_eq!(entries(d), folder, "`{}` left files:\n{out}", out.command);
    }
}

/// On a WAL file (as push leaves it) `verify` and dry runs leave no `-wal`
/// or `-shm` behind and do not change the file.
#[test]
fn reading_a_wal_file_leaves_no_files_behind() {
    let dir = workdir();
    let d = dir.path();
    cli(d, &["migrate", "--push", "--yes"]).ok();
    let file = d.join("dev.db");
    let before = stamp(&file);
    assert_eq!(
        (before.0[18], before.0[19]),
        (2, 2),
        "push left no WAL file"
    );
    let folder = entries(d);
    assert_eq!(folder, ["dev.db"]);
    for args in [
        &["verify", "--strict"][..],
        &["info"],
        &["migrate", "--push", "--dry-run"],
        &["migrate", "--dry-run"],
    ] {
        let out = cli(d, args);
        assert_eq!(entries(d), folder, "`{}` left files:\n{out}", out.command);
        assert!(
            stamp(&file) == before,
            "`{}` changed dev.db:\n{out}",
            out.command
        );
    }
}
