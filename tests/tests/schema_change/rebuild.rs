//! SQLite's table rebuild through a generated migration: `rb_hubs`,
//! referenced by `rb_spokes` (ON DELETE CASCADE) and `rb_tags` (ON DELETE
//! SET NULL), changes `code` from string to number (`allow_narrowing`, every
//! code a whole number). Dropping the old table with foreign keys on would
//! cascade to, or null, every referencing row; the migration keeps them:
//! every row of all three tables is there after, unchanged, the codes are
//! integers, and `PRAGMA foreign_key_check` is empty.

use invect_runtime::migrate::{self, DiffOptions};
use invect_runtime::schema::{DialectKind, Schema};
use invect_runtime::{Plugin, merged_schema};

use crate::rows;
use crate::support::Project;

mod v1 {
    use invect_runtime::prelude::*;

    #[invect_table(name = "rb_hubs")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct RbHub {
        #[invect(primary_key)]
        pub id: String,
        pub code: String,
    }

    #[invect_table(name = "rb_spokes")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct RbSpoke {
        #[invect(primary_key)]
        pub id: String,
        #[invect(references = rb_hubs::id, on_delete = cascade, index)]
        pub hub_id: String,
        pub weight: i32,
    }

    #[invect_table(name = "rb_tags")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct RbTag {
        #[invect(primary_key)]
        pub id: String,
        #[invect(references = rb_hubs::id, on_delete = set_null, index)]
        pub hub_id: Option<String>,
        pub label: String,
    }
}

mod v2 {
    use invect_runtime::prelude::*;

    /// `code` is a number now.
    #[invect_table(name = "rb_hubs")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct RbHub {
        #[invect(primary_key)]
        pub id: String,
        pub code: i32,
    }
}

const ROWS: usize = 3_000;

fn schema(v2: bool) -> Schema {
    let plugin = Plugin::new("rebuild");
    let plugin = if v2 {
        plugin.table::<v2::RbHub>()
    } else {
        plugin.table::<v1::RbHub>()
    };
    let plugin = plugin.table::<v1::RbSpoke>().table::<v1::RbTag>();
    merged_schema(&[plugin], "").expect("core + the rebuild plugin")
}

const TABLES: [&str; 3] = ["rb_hubs", "rb_spokes", "rb_tags"];

#[tokio::test]
async fn sqlite_rebuild_keeps_every_referencing_row() {
    let kind = DialectKind::Sqlite;
    let p = Project::new(kind).await;
    let db = p.db();
    let root = p.dir.path().join("migrations");
    let options = DiffOptions {
        allow_narrowing: true,
        ..DiffOptions::default()
    };
    let (old, new) = (schema(false), schema(true));
    migrate::write_changes(&root, kind, &old, "", "v1", options, false).expect("write v1");
    migrate::apply(&db, &root).await.expect("apply v1");
    rows::fill_tables(&db, &old, &TABLES, ROWS).await;
    // Every code a whole number, so the narrowing change meets no row it refuses.
    invect_tests::raw(
        &db,
        "UPDATE rb_hubs SET code = CAST(length(id) * 1000 + rowid AS TEXT)",
    )
    .await;
    let spoke_sums = rows::table_sums(&db, "rb_spokes", &["id"], &["hub_id", "weight"]).await;
    let tag_sums = rows::table_sums(&db, "rb_tags", &["id"], &["hub_id", "label"]).await;
    let hub_ids = rows::table_sums(&db, "rb_hubs", &["id"], &["id"]).await;
    let codes = rows::text_rows(
        &db,
        "SELECT id, CAST(code AS TEXT) FROM rb_hubs ORDER BY id",
    )
    .await;
    let linked = rows::int(&db, "SELECT COUNT(hub_id) FROM rb_tags").await;
    assert!(
        linked > 0 && (linked as usize) < ROWS,
        "some tags link a hub, some not"
    );

    let changes = migrate::write_changes(&root, kind, &new, "", "code", options, false)
        .expect("write the change")
        .expect("a migration");
    let sql = &changes.main().expect("a file").sql;
    assert!(sql.contains("DROP TABLE \"rb_hubs\""), "a rebuild:\n{sql}");
    assert!(
        sql.contains("AS SELECT * FROM \"rb_spokes\"")
            && sql.contains("AS SELECT * FROM \"rb_tags\""),
        "both referencing tables kept aside:\n{sql}"
    );
    assert_eq!(migrate::check_data(&db, &changes).await.expect("check"), []);
    migrate::apply(&db, &root).await.expect("apply the rebuild");

    assert_eq!(
        rows::table_sums(&db, "rb_spokes", &["id"], &["hub_id", "weight"]).await,
        spoke_sums
    );
    assert_eq!(
        rows::table_sums(&db, "rb_tags", &["id"], &["hub_id", "label"]).await,
        tag_sums
    );
    assert_eq!(
        rows::table_sums(&db, "rb_hubs", &["id"], &["id"]).await,
        hub_ids
    );
    assert_eq!(
        rows::text_rows(
            &db,
            "SELECT id, CAST(code AS TEXT) FROM rb_hubs ORDER BY id"
        )
        .await,
        codes
    );
    let typed = "SELECT COUNT(*) FROM rb_hubs WHERE typeof(code) = 'integer'";
    assert_eq!(
        rows::int(&db, typed).await,
        ROWS as i64,
        "codes are integers now"
    );
    assert_eq!(
        rows::foreign_key_problems(&db, &new).await,
        Vec::<String>::new()
    );
    let joined = "SELECT COUNT(*) FROM rb_spokes s JOIN rb_hubs h ON h.id = s.hub_id";
    assert_eq!(
        rows::int(&db, joined).await,
        ROWS as i64,
        "every spoke has its hub"
    );
    // The keys are live: deleting a hub still cascades and sets NULL.
    invect_tests::raw(&db, "DELETE FROM rb_hubs WHERE id LIKE '0-%'").await;
    let spokes = rows::int(&db, "SELECT COUNT(*) FROM rb_spokes").await;
    assert_eq!(
        spokes,
        ROWS as i64 - 1,
        "ON DELETE CASCADE after the rebuild"
    );
    assert_eq!(
        rows::int(&db, "SELECT COUNT(hub_id) FROM rb_tags").await,
        linked - 1
    );
    p.drop().await;
}
