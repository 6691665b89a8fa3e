//! Narrowing changes meeting rows they would refuse: `up_old_items.legacy`
//! made NOT NULL without a default while some rows are NULL, and
//! `up_children.note` turned from text into a number while most rows are
//! not numbers. `migrate` refuses, saying to pass `--allow-narrowing`;
//! with it, it refuses naming how many rows each change meets; neither
//! writes a file or changes the database. Once the rows are fixed the same
//! command applies.

use invect_runtime::schema::DialectKind;

use crate::rows;
use crate::support::{Project, Version};

/// Rows in each plugin table (the core tables stay empty).
const ROWS: usize = 700;

pub async fn narrowing_with_offending_rows_is_refused_with_the_count(kind: DialectKind) {
    let p = Project::new(kind).await;
    let db = p.db();
    p.run(Version::V1, &["migrate", "--yes"]).await.ok();
    let v1 = Version::V1.schema();
    let plugin = ["up_parents", "up_old_items", "up_children"];
    rows::fill_tables(&db, &v1, &plugin, ROWS).await;
    // Notes of rows 1, 11, 21, ... are whole numbers; the others are not.
    invect_tests::raw(
        &db,
        "UPDATE up_children SET note = '7' WHERE id LIKE '%1-up%'",
    )
    .await;
    let numbers = (0..ROWS).filter(|i| i % 10 == 1).count();
    let nulls = (0..ROWS).filter(|i| i % 7 == 3).count();
    let null_sql = "SELECT COUNT(*) FROM up_old_items WHERE legacy IS NULL";
    assert_eq!(rows::int(&db, null_sql).await, nulls as i64, "{kind}");
    let before = p.state(&v1).await;
    let files = p.files();

    let plain = p.run(Version::Narrow, &["migrate", "--yes"]).await;
    plain.failed().stderr_has("--allow-narrowing");
    assert_eq!(p.files(), files, "{kind}: a file was written\n{plain}");
    assert_eq!(p.state(&v1).await, before, "{kind}: the database changed");

    let allowed = p
        .run(Version::Narrow, &["migrate", "--allow-narrowing", "--yes"])
        .await;
    allowed
        .failed()
        .stderr_has(&format!(
            "column `up_children.note` has {} row(s) with text that is not a whole number",
            ROWS - numbers
        ))
        .stderr_has(&format!(
            "column `up_old_items.legacy` has {nulls} row(s) with NULL"
        ))
        .stderr_has("nothing was written or applied");
    assert_eq!(p.files(), files, "{kind}: a file was written\n{allowed}");
    assert_eq!(p.state(&v1).await, before, "{kind}: the database changed");

    // The refusal was the rows': fixed, the same command applies.
    invect_tests::raw(
        &db,
        "UPDATE up_children SET note = '8' WHERE id NOT LIKE '%1-up%'",
    )
    .await;
    invect_tests::raw(
        &db,
        "UPDATE up_old_items SET legacy = 'x' WHERE legacy IS NULL",
    )
    .await;
    p.run(Version::Narrow, &["migrate", "--allow-narrowing", "--yes"])
        .await
        .ok()
        .stdout_has("applied migration");
    p.run(Version::Narrow, &["verify", "--strict"]).await.ok();
    let sevens = rows::int(&db, "SELECT COUNT(*) FROM up_children WHERE note = 7").await;
    let eights = rows::int(&db, "SELECT COUNT(*) FROM up_children WHERE note = 8").await;
    assert_eq!(
        (sevens, eights),
        (numbers as i64, (ROWS - numbers) as i64),
        "{kind}"
    );
    p.drop().await;
}
