//! PostgreSQL: a revert whose down file needs a lock another session holds
//! fails after its lock timeout, reverting nothing, instead of queueing
//! every writer of the table behind it; once the lock is free it reverts.

use std::time::{Duration, Instant};

use invect_runtime::migrate::{self, DiffOptions};
use invect_runtime::schema::DialectKind;
use sqlx::{Connection, PgConnection};

use crate::support::{Project, history};

mod v1 {
    use invect_runtime::prelude::*;

    #[invect_table(name = "lt_items")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct LtItem {
        #[invect(primary_key)]
        pub id: i64,
    }
}

#[tokio::test]
async fn revert_gives_up_after_its_lock_timeout() {
    let kind = DialectKind::Postgres;
    let p = Project::new(kind).await;
    let db = p.db();
    let root = p.dir.path().join("migrations");
    let empty = invect_runtime::merged_schema(&[], "").expect("core");
    let with_items = invect_runtime::merged_schema(
        &[invect_runtime::Plugin::new("lt").table::<v1::LtItem>()],
        "",
    )
    .expect("core + lt");
    let options = DiffOptions::default();
    migrate::write_changes(&root, kind, &empty, "", "core", options, false).expect("write core");
    let items = migrate::write_changes(&root, kind, &with_items, "", "items", options, false)
        .expect("write items")
        .expect("a migration");
    migrate::apply(&db, &root).await.expect("apply both");
    let before = history(&db).await;

    let mut holder = PgConnection::connect(p.test.url())
        .await
        .expect("a second session");
    sqlx::raw_sql("BEGIN; SELECT * FROM lt_items")
        .execute(&mut holder)
        .await
        .expect("hold a lock on lt_items");
    let start = Instant::now();
    let timeout = Duration::from_millis(300);
    let refused = migrate::revert_with_lock_timeout(&db, &root, 1, timeout).await;
    let waited = start.elapsed();
    let message = refused
        .expect_err("the DROP waits for the lock")
        .to_string();
    assert!(message.contains("lock timeout"), "{message}");
    assert!(
        waited < Duration::from_secs(5),
        "waited {waited:?}, not ~{timeout:?}"
    );
    assert_eq!(history(&db).await, before, "nothing reverted");

    sqlx::raw_sql("COMMIT")
        .execute(&mut holder)
        .await
        .expect("release");
    let reverted = migrate::revert_with_lock_timeout(&db, &root, 1, timeout).await;
    assert_eq!(
        reverted.expect("revert once the lock is free"),
        [items.files[0].version]
    );
    let _ = holder.close().await;
    p.drop().await;
}
