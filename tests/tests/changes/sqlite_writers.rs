//! Read-then-write transactions on one SQLite file from 200 tasks and from
//! 4 processes at once: `Db::begin` takes the write lock up front (`BEGIN
//! IMMEDIATE`) and waits for it, so no "database is locked" reaches the
//! caller and every commit is there afterwards.

use std::process::{Command, Stdio};

use invect_runtime::core::{Flow, flows};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind::Sqlite;

use crate::support::{close, ok, open};

const SECONDS: u64 = 10;

/// Flows whose id starts with `tag-`.
async fn rows_of(db: &Db, tag: &str) -> u64 {
    let n = Flow::select()
        .filter(flows::id.like(format!("{tag}-%")))
        .count(db)
        .await;
    ok(Sqlite, "count", n)
}

#[path = "../../src/bin/sqlite-writer.rs"]
#[allow(dead_code)]
mod writer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_tasks_read_then_write_without_locked_errors() {
    let (test, db) = open(Sqlite).await;
    let (committed, errors) = writer::run(&db, SECONDS, "tasks", 200).await;
    assert!(
        errors.is_empty(),
        "{} errors reached the caller, e.g. {:?}",
        errors.len(),
        &errors[..errors.len().min(3)]
    );
    assert!(committed > 200, "only {committed} commits in {SECONDS} s");
    assert_eq!(
        rows_of(&db, "tasks").await,
        committed,
        "every committed row is there"
    );
    close(test, db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_read_then_write_without_locked_errors() {
    let (test, db) = open(Sqlite).await;
    let children: Vec<_> = (0..4)
        .map(|p| {
            Command::new(env!("CARGO_BIN_EXE_sqlite-writer"))
                .args([test.url(), &SECONDS.to_string(), &format!("p{p}"), "8"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("start sqlite-writer")
        })
        .collect();
    for (p, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().expect("sqlite-writer ran");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "process {p}: {stdout}");
        let words: Vec<&str> = stdout.split_whitespace().collect();
        let (committed, errors) = match words.as_slice() {
            ["committed", c, "errors", e, ..] => (c.parse::<u64>().ok(), e.parse::<u64>().ok()),
            _ => (None, None),
        };
        assert_eq!(errors, Some(0), "process {p} saw errors: {stdout}");
        let committed = committed.unwrap_or_else(|| panic!("process {p}: {stdout}"));
        assert!(committed > 20, "process {p}: only {committed} commits");
        assert_eq!(
            rows_of(&db, &format!("p{p}")).await,
            committed,
            "process {p}: every commit kept"
        );
    }
    close(test, db).await;
}
