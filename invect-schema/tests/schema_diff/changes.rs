//! Schema changes beyond additions: declared renames, drops (opt-in), kept
//! columns made nullable, narrowing with its data checks, and the reverse.

use super::*;
use invect_schema::{DiffOptions, plan_migration, plan_reverse};

const DROP: DiffOptions = DiffOptions {
    allow_drop: true,
    allow_narrowing: false,
};

/// v2 with `notes` renamed to `remarks` and `items.note` to `items.memo`.
fn renamed() -> Schema {
    let plugin = Origin::Plugin(B("notes"));
    let mut remarks = notes();
    remarks.name = B("remarks");
    remarks.renamed_from = Some(B("notes"));
    let mut ext = note_extension();
    let memo = &mut ext.columns.to_mut()[0];
    memo.name = B("memo");
    memo.renamed_from = Some(B("note"));
    ext.indexes.to_mut()[0].columns = Owned(vec![B("memo")]);
    build(
        core(vec![items(STATUS_MORE)])
            .tables(plugin.clone(), [remarks])
            .extension(plugin, ext),
    )
}

#[test]
fn renames_move_tables_columns_records_and_index_names() {
    assert_eq!(
        diff(DialectKind::Postgres, &v2(), &renamed()),
        [
            "ALTER TABLE \"notes\" RENAME TO \"remarks\"",
            "UPDATE \"invect_schema_tables\" SET \"table_name\" = 'remarks' WHERE \"table_name\" = 'notes'",
            "ALTER TABLE \"items\" RENAME COLUMN \"note\" TO \"memo\"",
            "ALTER TABLE \"remarks\" RENAME CONSTRAINT \"notes_item_id_fkey\" TO \"remarks_item_id_fkey\"",
            "ALTER INDEX \"items_note_idx\" RENAME TO \"items_memo_idx\"",
            "ALTER INDEX \"notes_item_id_idx\" RENAME TO \"remarks_item_id_idx\"",
        ]
    );
    let sqlite = diff(DialectKind::Sqlite, &v2(), &renamed());
    assert!(
        sqlite.contains(&"DROP INDEX \"items_note_idx\"".to_string()),
        "{sqlite:#?}"
    );
    assert!(
        sqlite.contains(&"CREATE INDEX \"items_memo_idx\" ON \"items\" (\"memo\")".to_string())
    );
    let mysql = diff(DialectKind::Mysql, &v2(), &renamed());
    assert!(
        mysql.contains(
            &"ALTER TABLE `items` RENAME INDEX `items_note_idx` TO `items_memo_idx`".to_string()
        ),
        "{mysql:#?}"
    );
}

#[test]
fn a_rename_already_applied_is_nothing_to_do() {
    for kind in DialectKind::ALL {
        assert_eq!(
            diff(kind, &renamed(), &renamed()),
            Vec::<String>::new(),
            "{kind}"
        );
    }
}

#[test]
fn reverse_of_a_rename_renames_back() {
    let d = DialectKind::Postgres.dialect();
    let plan = plan_migration(d, &v2(), &renamed(), "", DiffOptions::default()).expect("plan");
    let down = plan_reverse(d, &v2(), &renamed(), &plan.target, "").expect("reverse");
    assert_eq!(
        down[..3],
        [
            "ALTER TABLE \"remarks\" RENAME TO \"notes\"",
            "UPDATE \"invect_schema_tables\" SET \"table_name\" = 'notes' WHERE \"table_name\" = 'remarks'",
            "ALTER TABLE \"items\" RENAME COLUMN \"memo\" TO \"note\"",
        ]
    );
    assert!(
        down.contains(&"ALTER INDEX \"items_memo_idx\" RENAME TO \"items_note_idx\"".to_string()),
        "{down:#?}"
    );
}

/// v2 without `items.note` and without the `notes` table.
fn shrunk() -> Schema {
    build(core(vec![items(STATUS_MORE)]))
}

#[test]
fn removals_are_kept_without_the_opt_in() {
    let d = DialectKind::Postgres.dialect();
    let plan = plan_migration(d, &v2(), &shrunk(), "", DiffOptions::default()).expect("plan");
    assert!(plan.is_empty(), "{plan:#?}");
    assert_eq!(plan.kept.len(), 2, "{:#?}", plan.kept);
    assert!(
        plan.target.table("notes").is_some(),
        "a kept table stays in the target"
    );
    let items = &plan.target.table("items").expect("items").def;
    assert!(items.column("note").is_some_and(|c| c.nullable));
    // Nothing left to do next time: the target is where the database is.
    let again =
        plan_migration(d, &plan.target, &shrunk(), "", DiffOptions::default()).expect("plan");
    assert!(again.is_empty(), "{again:#?}");
}

#[test]
fn a_kept_not_null_column_is_made_nullable() {
    let with = |default: Option<DefaultValue>| {
        let mut t = items(STATUS);
        t.columns
            .to_mut()
            .push(column("rank", ColumnType::Number, |c| c.default = default));
        build(core(vec![t]))
    };
    // Without a default it would refuse inserts that leave it out.
    let old = with(None);
    let sql = diff(DialectKind::Postgres, &old, &v1());
    assert_eq!(
        sql,
        ["ALTER TABLE \"items\" ALTER COLUMN \"rank\" DROP NOT NULL"]
    );
    let sql = diff(DialectKind::Mysql, &old, &v1());
    assert_eq!(sql, ["ALTER TABLE `items` MODIFY COLUMN `rank` INT"]);
    // With one, inserts get it: nothing to change.
    let sql = diff(
        DialectKind::Postgres,
        &with(Some(DefaultValue::Int(0))),
        &v1(),
    );
    assert_eq!(sql, Vec::<String>::new());
}

#[test]
fn drops_need_the_opt_in_and_say_what_they_lose() {
    let d = DialectKind::Postgres.dialect();
    let plan = plan_migration(d, &v2(), &shrunk(), "", DROP).expect("plan");
    assert_eq!(
        plan.statements,
        [
            "DROP TABLE \"notes\"",
            "DELETE FROM \"invect_schema_tables\" WHERE \"table_name\" = 'notes'",
            "ALTER TABLE \"items\" DROP COLUMN \"note\"",
        ]
    );
    let losses: Vec<&str> = plan.losses.iter().map(|(_, sql)| sql.as_str()).collect();
    assert_eq!(
        losses,
        [
            "SELECT COUNT(*) FROM \"notes\"",
            "SELECT COUNT(\"note\") FROM \"items\""
        ]
    );
    let down = plan_reverse(d, &v2(), &shrunk(), &plan.target, "").expect("reverse");
    assert!(
        down.iter().any(|s| s.starts_with("CREATE TABLE \"notes\"")),
        "{down:#?}"
    );
    assert!(down.contains(&"ALTER TABLE \"items\" ADD COLUMN \"note\" TEXT".to_string()));
}

#[test]
fn narrowing_needs_the_opt_in_and_checks_rows_first() {
    let mut strict = items(STATUS_MORE);
    strict
        .columns
        .to_mut()
        .push(column("note", ColumnType::Text, |_| {}));
    let new = build(core(vec![strict]).tables(Origin::Plugin(B("notes")), [notes()]));
    let d = DialectKind::Postgres.dialect();
    let refused =
        plan_migration(d, &v2(), &new, "", DiffOptions::default()).expect_err("narrowing");
    assert!(refused_narrowing(&refused[0], "items.note"), "{refused:?}");
    let options = DiffOptions {
        allow_narrowing: true,
        ..DiffOptions::default()
    };
    let plan = plan_migration(d, &v2(), &new, "", options).expect("allowed");
    assert_eq!(
        plan.statements,
        [
            "DROP INDEX IF EXISTS \"items_note_idx\"", // the plugin's index is no longer declared
            "ALTER TABLE \"items\" ALTER COLUMN \"note\" SET NOT NULL",
        ]
    );
    assert_eq!(plan.checks.len(), 1);
    assert_eq!(
        plan.checks[0].count_sql,
        "SELECT COUNT(*) FROM \"items\" WHERE \"note\" IS NULL"
    );
}

#[test]
fn widening_is_automatic_on_every_dialect() {
    let mut wide = items(STATUS);
    wide.columns
        .to_mut()
        .push(column("n", ColumnType::BigInt, |c| c.nullable = true));
    let mut narrow = items(STATUS);
    narrow
        .columns
        .to_mut()
        .push(column("n", ColumnType::Number, |_| {}));
    let (old, new) = (build(core(vec![narrow])), build(core(vec![wide])));
    assert_eq!(
        diff(DialectKind::Postgres, &old, &new),
        [
            "ALTER TABLE \"items\" ALTER COLUMN \"n\" TYPE BIGINT USING CAST(\"n\" AS BIGINT)",
            "ALTER TABLE \"items\" ALTER COLUMN \"n\" DROP NOT NULL",
        ]
    );
    assert_eq!(
        diff(DialectKind::Mysql, &old, &new),
        ["ALTER TABLE `items` MODIFY COLUMN `n` BIGINT"]
    );
    let sqlite = diff(DialectKind::Sqlite, &old, &new);
    assert!(
        sqlite
            .iter()
            .any(|s| s.starts_with("INSERT INTO \"items\"")),
        "SQLite rebuilds: {sqlite:#?}"
    );
}

/// A SQLite rebuild of a referenced table keeps the referencing rows aside
/// (dropping the table would cascade to them), in the down file as in the
/// up file: the reverse once planned its rebuilds without the schema's
/// tables, so a `--revert` emptied every child table.
#[test]
fn reverse_rebuild_keeps_the_referencing_rows() {
    let with_n = |ty, nullable| {
        let mut t = items(STATUS);
        t.columns
            .to_mut()
            .push(column("n", ty, |c| c.nullable = nullable));
        build(core(vec![t]).tables(Origin::Plugin(B("notes")), [notes()]))
    };
    let (old, new) = (
        with_n(ColumnType::Number, false),
        with_n(ColumnType::BigInt, true),
    );
    let d = DialectKind::Sqlite.dialect();
    let options = DiffOptions::default();
    let plan = plan_migration(d, &old, &new, "", options).expect("widening");
    let keep = "CREATE TEMP TABLE \"invect_keep_0\" AS SELECT * FROM \"notes\"";
    assert!(
        plan.statements.iter().any(|s| s == keep),
        "up: {:#?}",
        plan.statements
    );
    let down = plan_reverse(d, &old, &new, &plan.target, "").expect("reverse");
    assert!(down.iter().any(|s| s == keep), "down: {down:#?}");
}

/// A string column made a number (`allow_narrowing`) has a down file that
/// makes it a string again: number → string is widening when the string
/// holds every number's text (it was refused, and with it the migration).
#[test]
fn string_to_number_reverses_to_string() {
    let with_n = |ty| {
        let mut t = items(STATUS);
        t.columns.to_mut().push(column("n", ty, |_| {}));
        build(core(vec![t]))
    };
    let (old, new) = (with_n(ColumnType::STRING), with_n(ColumnType::Number));
    let d = DialectKind::Postgres.dialect();
    let options = DiffOptions {
        allow_narrowing: true,
        ..DiffOptions::default()
    };
    let plan = plan_migration(d, &old, &new, "", options).expect("string -> number");
    assert_eq!(plan.checks.len(), 1, "{:#?}", plan.checks);
    let down = plan_reverse(d, &old, &new, &plan.target, "").expect("number -> string");
    assert!(
        down.contains(
            &"ALTER TABLE \"items\" ALTER COLUMN \"n\" TYPE TEXT USING CAST(\"n\" AS TEXT)"
                .to_string()
        ),
        "{down:#?}"
    );
    let short = with_n(ColumnType::String {
        max_length: Some(5),
    });
    assert!(
        plan_migration(d, &new, &short, "", options).is_err(),
        "5 characters hold no i32"
    );
}
