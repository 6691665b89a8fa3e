//! The upgrade of issue 13: a database at version 1 (core + the `upgrade`
//! plugin) with 10,000 rows in every table taken to version 2 (a table
//! and a column renamed, two columns widened, one made nullable, one
//! dropped, one new index) by real `upgrade-cli` processes, through
//! migration files and back with `--revert`, and through `migrate --push`.

use std::collections::BTreeSet;

use invect_runtime::introspect::introspect;
use invect_runtime::schema::{DialectKind, Schema};

use crate::rows::{self, Sums};
use crate::support::{Project, Version};

/// Rows in every table.
pub const ROWS: usize = 10_000;

/// How many rows of a nullable column the filler leaves NULL (`i % 7 == 3`).
fn nulls(n: usize) -> i64 {
    (0..n).filter(|i| i % 7 == 3).count() as i64
}

/// `(table, column)` of `new` under the names `old` had, following the
/// declared renames; `None` for what `old` lacks.
fn old_place(old: &Schema, new: &Schema, table: &str, column: &str) -> Option<(String, String)> {
    // A name still there is the same table or column (a rename applies
    // only when the old name exists and the new one does not).
    let t = new.table(table)?;
    let old_table = match old.table(table) {
        Some(_) => table,
        None => t.def.renamed_from.as_deref()?,
    };
    let was = old.table(old_table)?;
    let c = t.def.column(column)?;
    let old_column = match was.def.column(column) {
        Some(_) => column,
        None => c.renamed_from.as_deref()?,
    };
    was.def.column(old_column)?;
    Some((old_table.to_string(), old_column.to_string()))
}

/// Asserts that `after` (read under `new`'s names) holds exactly what
/// `before` (read under `old`'s) held, except for the `dropped` columns.
pub fn assert_same_rows(
    kind: DialectKind,
    (old, before): (&Schema, &Sums),
    (new, after): (&Schema, &Sums),
    dropped: &[(&str, &str)],
) {
    let mut seen = BTreeSet::new();
    for ((table, column), sum) in after {
        let place = old_place(old, new, table, column)
            .unwrap_or_else(|| panic!("{kind}: {table}.{column} is new"));
        assert_eq!(
            before.get(&place),
            Some(sum),
            "{kind}: {table}.{column} (was {}.{}) changed",
            place.0,
            place.1
        );
        seen.insert(place);
    }
    let lost: Vec<_> = before
        .keys()
        .filter(|k| !seen.contains(*k))
        .map(|(t, c)| (t.as_str(), c.as_str()))
        .collect();
    assert_eq!(lost, dropped, "{kind}: columns gone");
}

/// Version 1 applied by `migrate`, then every table filled.
async fn at_version_1(kind: DialectKind, push: bool) -> Project {
    let p = Project::new(kind).await;
    let args: &[&str] = if push {
        &["migrate", "--push", "--yes"]
    } else {
        &["migrate", "--yes"]
    };
    p.run(Version::V1, args).await.ok();
    let v1 = Version::V1.schema();
    rows::fill(&p.db(), &v1, ROWS).await;
    let counts = rows::counts(&p.db(), &v1).await;
    assert!(
        counts.values().all(|n| *n == ROWS as i64),
        "{kind}: {counts:?}"
    );
    assert_eq!(
        counts.len(),
        13,
        "{kind}: ten core tables and three of the plugin"
    );
    assert_eq!(
        rows::foreign_key_problems(&p.db(), &v1).await,
        Vec::<String>::new(),
        "{kind}: version 1's rows"
    );
    p
}

pub async fn upgrade_through_files_keeps_every_row_and_reverts(kind: DialectKind) {
    let (v1, v2) = (Version::V1.schema(), Version::V2.schema());
    let p = at_version_1(kind, false).await;
    let db = p.db();
    let before = rows::sums(&db, &v1).await;
    let legacy = rows::int(&db, "SELECT COUNT(legacy) FROM up_old_items").await;
    assert_eq!(legacy, (ROWS as i64) - nulls(ROWS), "{kind}");
    let files_at_v1 = p.up_files();

    let out = p
        .run(Version::V2, &["migrate", "--allow-drop", "--yes"])
        .await;
    out.ok().stderr_has(&format!(
        "dropping column `up_old_items.legacy` loses {legacy} row(s) / value(s)"
    ));
    let written = p.up_files().len() - files_at_v1.len();
    // PostgreSQL builds the new index CONCURRENTLY in a file of its own.
    let expected = if kind == DialectKind::Postgres { 2 } else { 1 };
    assert_eq!(written, expected, "{kind}: files written\n{out}");
    assert_eq!(
        out.stdout.matches("applied migration").count(),
        written,
        "{out}"
    );

    let after = rows::sums(&db, &v2).await;
    assert_same_rows(
        kind,
        (&v1, &before),
        (&v2, &after),
        &[("up_old_items", "legacy")],
    );
    assert_eq!(
        rows::foreign_key_problems(&db, &v2).await,
        Vec::<String>::new(),
        "{kind}: version 2's foreign keys"
    );
    let live = introspect(&db).await.expect("introspect");
    assert!(
        !live.tables.contains_key("up_old_items"),
        "{kind}: old name left"
    );
    let children = &live.tables["up_children"];
    assert!(children.column("title").is_none() && children.column("label").is_some());
    assert!(
        children.column("note").is_some_and(|c| c.nullable),
        "{kind}"
    );
    assert!(
        children.indexes.iter().any(|i| i.columns == ["label"]),
        "{kind}: no index on label: {:?}",
        children.indexes
    );
    p.run(Version::V2, &["verify", "--strict"]).await.ok();

    // Nothing left to do.
    let again = p
        .run(Version::V2, &["migrate", "--allow-drop", "--yes"])
        .await;
    again.ok().stdout_has("up to date");
    assert_eq!(
        p.up_files().len(),
        files_at_v1.len() + written,
        "{kind}: {again}"
    );

    // And back: version 1's schema, every kept value, `legacy` empty.
    let n = written.to_string();
    let out = p
        .run(Version::V2, &["migrate", "--revert", &n, "--yes"])
        .await;
    out.ok();
    assert_eq!(
        out.stdout.matches("reverted migration").count(),
        written,
        "{out}"
    );
    p.run(Version::V1, &["verify", "--strict"]).await.ok();
    let reverted = rows::sums(&db, &v1).await;
    let key = ("up_old_items".to_string(), "legacy".to_string());
    for (place, sum) in &before {
        if *place != key {
            assert_eq!(
                reverted.get(place),
                Some(sum),
                "{kind}: {place:?} after revert"
            );
        }
    }
    let back = rows::int(&db, "SELECT COUNT(legacy) FROM up_old_items").await;
    assert_eq!(
        back, 0,
        "{kind}: a dropped column comes back without its data"
    );
    assert_eq!(reverted[&key].0, ROWS, "{kind}");
    assert_eq!(
        rows::foreign_key_problems(&db, &v1).await,
        Vec::<String>::new(),
        "{kind}: version 1's foreign keys after the revert"
    );
    p.drop().await;
}

pub async fn upgrade_through_push_keeps_every_row(kind: DialectKind) {
    let (v1, v2) = (Version::V1.schema(), Version::V2.schema());
    let p = at_version_1(kind, true).await;
    let db = p.db();
    let before = rows::sums(&db, &v1).await;

    let out = p.run(Version::V2, &["migrate", "--push", "--yes"]).await;
    out.ok();
    // Push never drops: `legacy` is kept with its values.
    let after = rows::sums(&db, &v2).await;
    let legacy = rows::table_sums(&db, "up_items", &["id"], &["legacy"]).await;
    let legacy_sum = legacy.values().next().copied();
    assert_same_rows(
        kind,
        (&v1, &before),
        (&v2, &after),
        &[("up_old_items", "legacy")],
    );
    assert_eq!(
        legacy_sum.as_ref(),
        before.get(&("up_old_items".to_string(), "legacy".to_string())),
        "{kind}: the column no longer declared keeps its values"
    );
    assert_eq!(
        rows::foreign_key_problems(&db, &v2).await,
        Vec::<String>::new(),
        "{kind}: version 2's foreign keys after the push"
    );
    let live = introspect(&db).await.expect("introspect");
    assert!(
        !live.tables.contains_key("up_old_items"),
        "{kind}: old name left"
    );
    let parents = &live.tables["up_parents"];
    let score = parents.column("score").expect("score").data_type.clone();
    // SQLite's INTEGER holds 64 bits already.
    let bigint = if kind == DialectKind::Sqlite {
        "integer"
    } else {
        "bigint"
    };
    assert!(score.starts_with(bigint), "{kind}: score is {score}");
    let name = parents.column("name").expect("name").data_type.clone();
    assert!(name.contains("text"), "{kind}: name is {name}");
    let children = &live.tables["up_children"];
    assert!(children.column("label").is_some() && children.column("title").is_none());
    assert!(
        children.column("note").is_some_and(|c| c.nullable),
        "{kind}"
    );
    p.run(Version::V2, &["verify", "--strict"]).await.ok();
    let again = p.run(Version::V2, &["migrate", "--push", "--yes"]).await;
    again.ok().stdout_has("up to date");
    p.drop().await;
}
