//! One fresh database of any dialect, the typed API's [`Db`] on it, and the
//! DDL of the test tables.

use chrono::{DateTime, TimeZone, Utc};
use invect_runtime::schema::{DialectKind, render_table};
use invect_runtime::{Db, InvectEnum, Table};
use invect_tests::core_ddl;

use crate::model::{Item, Level, Mood, Pair, TypedValue};

/// A throwaway database of one dialect.
pub use invect_tests::AnyTestDb as TestDb;

/// A fresh database with `ddl` applied, and the typed API's handle on it.
///
/// The handle comes from `Db::connect(url)`, the application's path: it is
/// what sets the session up (UTC time zone and strict mode on MySQL,
/// `case_sensitive_like` and foreign keys on SQLite).
pub async fn open(kind: DialectKind, ddl: &[String]) -> (TestDb, Db) {
    let test = TestDb::new(kind).await;
    test.apply(ddl).await;
    let db = Db::connect(test.url())
        .await
        .unwrap_or_else(|e| panic!("Db::connect({}) failed: {e}", test.url()));
    assert_eq!(db.kind(), kind, "Db::connect picked the wrong dialect");
    (test, db)
}

/// Closes the handle and drops the database.
pub async fn close(test: TestDb, db: Db) {
    db.close().await;
    test.drop().await;
}

/// The enum types of the test tables (PostgreSQL only), then the tables.
pub fn plugin_ddl(kind: DialectKind) -> Vec<String> {
    let d = kind.dialect();
    let mut out: Vec<String> = [Mood::ENUM_DEF, Level::ENUM_DEF]
        .iter()
        .filter_map(|e| d.create_enum(e))
        .collect();
    for t in [TypedValue::DEF, Pair::DEF, Item::DEF] {
        out.extend(render_table(d, t));
    }
    out
}

/// The core schema and the test tables.
pub fn all_ddl(kind: DialectKind) -> Vec<String> {
    let mut out = core_ddl(kind);
    out.extend(plugin_ddl(kind));
    out
}

/// A UTC instant from its parts, with milliseconds.
pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("a valid date")
        + chrono::Duration::milliseconds(i64::from(ms))
}

/// Asserts that `at` is a database-written "now": within a minute of the
/// client's clock and with no precision finer than milliseconds.
#[track_caller]
pub fn assert_recent(what: &str, at: DateTime<Utc>) {
    let diff = (Utc::now() - at).num_seconds().abs();
    assert!(
        diff <= 60,
        "{what}: {at} is {diff}s away from now; a `now` default must be the current UTC time"
    );
    assert_eq!(
        at.timestamp_subsec_nanos() % 1_000_000,
        0,
        "{what}: {at} has sub-millisecond digits; dates are stored with milliseconds"
    );
}

/// `LIKE` in Rust: `%` any run, `_` one character, case-sensitive.
pub fn like(s: &str, pattern: &str) -> bool {
    fn go(s: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('%', rest)) => (0..=s.len()).any(|i| go(&s[i..], rest)),
            Some(('_', rest)) => !s.is_empty() && go(&s[1..], rest),
            Some((c, rest)) => s.first() == Some(c) && go(&s[1..], rest),
        }
    }
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    go(&s, &p)
}

#[test]
fn like_matches_as_sql_does() {
    assert!(like("alpha-01", "alpha%"));
    assert!(!like("ALPHA-01", "alpha%"));
    assert!(like("beta_x", "beta_x"));
    assert!(like("betaXx", "beta_x"));
    assert!(!like("beta", "beta_"));
    assert!(like("", "%"));
    assert!(!like("", "_"));
    assert!(like("a%b", "%\u{25}%"));
}
