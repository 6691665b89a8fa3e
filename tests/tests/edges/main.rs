//! Values at the edges of each type mean the same on SQLite, PostgreSQL and
//! MariaDB: what one dialect cannot store is refused on all three before
//! anything is sent (row count unchanged, later selects still work), and
//! `LIKE` has one meaning.
//!
//! Needs the servers of `scripts/services.sh` (`source` it first).

use chrono::{DateTime, TimeZone, Utc};
use invect_runtime::core::Flow;
use invect_runtime::prelude::*;
use invect_runtime::schema::{DialectKind, render_table};
use invect_runtime::{Db, Error, Table};
use invect_tests::AnyTestDb;
use serde_json::{Value, json};

/// One row of every edge this file tries.
#[invect_table(name = "edge_rows")]
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRow {
    #[invect(primary_key)]
    pub id: i32,
    #[invect(max_length = 20)]
    pub code: String,
    /// A plain string: at most 255 characters everywhere.
    #[invect(index)]
    pub word: String,
    pub at: DateTime<Utc>,
    pub doc: Value,
    #[invect(text)]
    pub note: Option<String>,
}

invect_tests::per_dialect!(
    dates_outside_the_common_range_are_refused,
    max_length_holds_for_every_writer,
    json_deeper_than_the_limit_is_refused,
    like_has_one_meaning,
    values_over_the_servers_packet_limit_are_refused,
    in_list_of_any_length_finds_the_rows,
);

/// Past 1,000 values `in_list` binds one JSON array, so lists beyond every
/// dialect's parameter limit (SQLite 32,766; PostgreSQL and MySQL 65,535)
/// work, for integers, text, dates, UUIDs and enums alike.
async fn in_list_of_any_length_finds_the_rows(kind: DialectKind) {
    use invect_runtime::core::{FlowRun, FlowRunStatus, NewFlow, flow_runs};
    let (test, db) = open(kind).await;
    test.apply(&invect_tests::core_ddl(kind)).await;
    let rows: Vec<NewEdgeRow> = (0..5)
        .map(|i| NewEdgeRow {
            at: utc(2026, 1, 2, 3, 4, i as u32),
            ..row(i * 1000, &format!("w{i}"))
        })
        .collect();
    EdgeRow::insert_many(&db, rows).await.expect("insert");
    let ids = |n: i32| (0..n).map(|i| i * 7).chain([1000, 4000]);
    for n in [10, 1_000, 100_000] {
        let found = EdgeRow::select()
            .filter(edge_rows::id.in_list(ids(n)))
            .count(&db)
            .await;
        let truth = [0, 1000, 2000, 3000, 4000]
            .iter()
            .filter(|id| ids(n).any(|x| x == **id))
            .count() as u64;
        assert_eq!(
            found.expect("in_list of ids"),
            truth,
            "{kind}: {n} integers"
        );
    }
    let words: Vec<String> = (0..40_000).map(|i| format!("w{}", i * 3)).collect();
    let found = EdgeRow::select()
        .filter(edge_rows::word.in_list(words))
        .count(&db)
        .await;
    assert_eq!(found.expect("in_list of words"), 2, "{kind}: w0 and w3");
    let dates: Vec<DateTime<Utc>> = (0..2_000)
        .map(|i| utc(2026, 1, 2, 3, 4, 0) + chrono::Duration::seconds(i * 2))
        .collect();
    let found = EdgeRow::select()
        .filter(edge_rows::at.in_list(dates))
        .count(&db)
        .await;
    assert_eq!(
        found.expect("in_list of dates"),
        3,
        "{kind}: seconds 0, 2, 4"
    );
    Flow::insert(
        &db,
        NewFlow {
            id: "f".into(),
            name: "F".into(),
            ..NewFlow::default()
        },
    )
    .await
    .expect("flow");
    FlowRun::insert_many(
        &db,
        (0..3).map(|i| invect_tests::new_flow_run("f", json!({ "i": i }))),
    )
    .await
    .expect("runs");
    let runs = FlowRun::select().all(&db).await.expect("runs");
    let mut uuids: Vec<Uuid> = (0..70_000).map(|_| Uuid::new_v4()).collect();
    uuids.push(runs[1].id);
    let found = FlowRun::select()
        .filter(flow_runs::id.in_list(uuids))
        .all(&db)
        .await;
    assert_eq!(found.expect("in_list of uuids").len(), 1, "{kind}: uuids");
    let statuses =
        std::iter::repeat_n(FlowRunStatus::Pending, 1_500).chain([FlowRunStatus::Failed]);
    let found = FlowRun::select()
        .filter(flow_runs::status.in_list(statuses))
        .count(&db)
        .await;
    assert_eq!(found.expect("in_list of enums"), 3, "{kind}: enums");
    db.close().await;
    test.drop().await;
}

async fn open(kind: DialectKind) -> (AnyTestDb, Db) {
    let test = AnyTestDb::new(kind).await;
    test.apply(&render_table(kind.dialect(), EdgeRow::DEF))
        .await;
    let db = Db::connect(test.url()).await.expect("connect");
    (test, db)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("a date")
}

fn row(id: i32, word: &str) -> NewEdgeRow {
    NewEdgeRow {
        id,
        code: format!("c{id}"),
        word: word.into(),
        at: utc(2026, 1, 2, 3, 4, 5),
        doc: json!({"id": id}),
        note: None,
    }
}

/// `r` is a bind error saying `words`, and the table still has `rows` rows
/// that a select reads.
async fn refused<T: std::fmt::Debug>(
    db: &Db,
    what: &str,
    r: invect_runtime::Result<T>,
    words: &str,
    rows: u64,
) {
    let kind = db.kind();
    match r {
        Err(e @ Error::Bind { .. }) => {
            assert!(e.to_string().contains(words), "{kind}: {what}: {e}")
        }
        other => panic!("{kind}: {what}: expected a bind error, got {other:?}"),
    }
    let all = EdgeRow::select().all(db).await;
    let all = all.unwrap_or_else(|e| panic!("{kind}: select after {what}: {e}"));
    assert_eq!(
        all.len() as u64,
        rows,
        "{kind}: {what} changed the row count"
    );
}

async fn dates_outside_the_common_range_are_refused(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let lowest = utc(1000, 1, 1, 0, 0, 0);
    let highest = utc(9999, 12, 31, 23, 59, 59) + chrono::Duration::milliseconds(999);
    for (id, at) in [(1, lowest), (2, highest)] {
        let stored = EdgeRow::insert(&db, NewEdgeRow { at, ..row(id, "w") }).await;
        assert_eq!(stored.expect("an edge date").at, at, "{kind}");
        let found = EdgeRow::find(&db, id).await.expect("find").expect("row");
        assert_eq!(found.at, at, "{kind}: read back");
    }
    let outside = [
        utc(10000, 1, 1, 0, 0, 0),
        utc(999, 12, 31, 23, 59, 59),
        utc(-1, 1, 1, 0, 0, 0),
    ];
    for at in outside {
        let r = EdgeRow::insert(&db, NewEdgeRow { at, ..row(9, "w") }).await;
        refused(&db, "insert", r, "outside the dates", 2).await;
        let r = EdgeRow::insert_many(&db, [row(10, "w"), NewEdgeRow { at, ..row(11, "w") }]).await;
        refused(&db, "insert_many", r, "outside the dates", 2).await;
        let mut changed = EdgeRow::find(&db, 1).await.expect("find").expect("row");
        changed.at = at;
        refused(
            &db,
            "update",
            EdgeRow::update(&db, &changed).await,
            "outside the dates",
            2,
        )
        .await;
        let r = EdgeRow::update_where(edge_rows::id.eq(1))
            .set(edge_rows::at, at)
            .execute(&db)
            .await;
        refused(&db, "update_where", r, "outside the dates", 2).await;
    }
    let kept = EdgeRow::find(&db, 1).await.expect("find").expect("row");
    assert_eq!(
        kept.at, lowest,
        "{kind}: the refused updates changed nothing"
    );
    db.close().await;
    test.drop().await;
}

async fn max_length_holds_for_every_writer(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let twenty = "x".repeat(20);
    let stored = EdgeRow::insert(
        &db,
        NewEdgeRow {
            code: twenty.clone(),
            ..row(1, "w")
        },
    )
    .await;
    assert_eq!(stored.expect("20 characters fit").code, twenty);
    let wide = "🦀".repeat(20);
    let stored = EdgeRow::insert(
        &db,
        NewEdgeRow {
            code: wide.clone(),
            ..row(2, "w")
        },
    )
    .await;
    assert_eq!(
        stored.expect("20 four-byte characters fit").code,
        wide,
        "{kind}"
    );
    let long = "x".repeat(21);
    let r = EdgeRow::insert(
        &db,
        NewEdgeRow {
            code: long.clone(),
            ..row(3, "w")
        },
    )
    .await;
    refused(&db, "insert", r, "max_length of 20", 2).await;
    let r = EdgeRow::insert_many(
        &db,
        [
            row(4, "w"),
            NewEdgeRow {
                code: long.clone(),
                ..row(5, "w")
            },
        ],
    )
    .await;
    refused(&db, "insert_many", r, "max_length of 20", 2).await;
    let mut changed = EdgeRow::find(&db, 1).await.expect("find").expect("row");
    changed.code = long.clone();
    refused(
        &db,
        "update",
        EdgeRow::update(&db, &changed).await,
        "max_length of 20",
        2,
    )
    .await;
    let r = EdgeRow::update_where(edge_rows::id.eq(1))
        .set(edge_rows::code, long.clone())
        .execute(&db)
        .await;
    refused(&db, "update_where", r, "max_length of 20", 2).await;
    let r = EdgeRow::upsert(NewEdgeRow {
        code: long.clone(),
        ..row(1, "w")
    })
    .execute(&db)
    .await;
    refused(&db, "upsert", r, "max_length of 20", 2).await;
    let r = EdgeRow::insert(
        &db,
        NewEdgeRow {
            word: "w".repeat(256),
            ..row(6, "w")
        },
    )
    .await;
    refused(&db, "a plain string of 256", r, "max_length of 255", 2).await;
    // Raw SQL is held to it by the DDL: a CHECK on SQLite and PostgreSQL,
    // VARCHAR(20) on MySQL.
    let sql = format!(
        "INSERT INTO edge_rows (id, code, word, at, doc) VALUES (7, '{long}', 'w', '2026-01-01 00:00:00', '{{}}')"
    );
    let raw = match db.pool() {
        invect_runtime::Pool::Sqlite(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(p)
            .await
            .map(drop),
        invect_runtime::Pool::Postgres(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(p)
            .await
            .map(drop),
        invect_runtime::Pool::Mysql(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(p)
            .await
            .map(drop),
    };
    assert!(raw.is_err(), "{kind}: a raw 21-character write was stored");
    assert_eq!(
        EdgeRow::select().count(&db).await.expect("count"),
        2,
        "{kind}"
    );
    db.close().await;
    test.drop().await;
}

/// `{"a": … {"a": 1} …}` nested `depth` deep.
fn nested(depth: usize) -> Value {
    (0..depth).fold(json!(1), |v, _| json!({ "a": v }))
}

async fn json_deeper_than_the_limit_is_refused(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let limit = invect_runtime::value::MAX_JSON_DEPTH;
    let stored = EdgeRow::insert(
        &db,
        NewEdgeRow {
            doc: nested(limit),
            ..row(1, "w")
        },
    )
    .await;
    assert_eq!(
        stored.expect("the deepest JSON every dialect stores").doc,
        nested(limit),
        "{kind}"
    );
    let r = EdgeRow::insert(
        &db,
        NewEdgeRow {
            doc: nested(limit + 1),
            ..row(2, "w")
        },
    )
    .await;
    refused(&db, "JSON one level deeper", r, "nested 32 deep", 1).await;
    let r = EdgeRow::insert(
        &db,
        NewEdgeRow {
            doc: nested(200),
            ..row(2, "w")
        },
    )
    .await;
    refused(&db, "JSON 200 deep", r, "over the 31", 1).await;
    let r = EdgeRow::insert(
        &db,
        NewEdgeRow {
            doc: json!({"s": "a\u{0}b"}),
            ..row(2, "w")
        },
    )
    .await;
    refused(&db, "JSON with a NUL", r, "U+0000", 1).await;
    db.close().await;
    test.drop().await;
}

/// MariaDB drops the connection for a statement over `max_allowed_packet`
/// (16 MiB here); Invect reads the limit and refuses first, naming it.
async fn values_over_the_servers_packet_limit_are_refused(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let big = "x".repeat(20 << 20);
    let r = EdgeRow::insert(
        &db,
        NewEdgeRow {
            note: Some(big.clone()),
            ..row(1, "w")
        },
    )
    .await;
    if kind == DialectKind::Mysql {
        match r {
            Err(e @ Error::TooLarge { .. }) => {
                assert!(
                    e.to_string().contains("max_allowed_packet of 16777216"),
                    "{e}"
                )
            }
            other => panic!("expected TooLarge, got {:?}", other.map(|r| r.id)),
        }
        assert_eq!(EdgeRow::select().count(&db).await.expect("select after"), 0);
        let small = EdgeRow::insert(
            &db,
            NewEdgeRow {
                note: Some("x".repeat(1 << 20)),
                ..row(2, "w")
            },
        )
        .await;
        assert_eq!(
            small.expect("1 MiB fits").note.map(|n| n.len()),
            Some(1 << 20)
        );
    } else {
        let stored = r.unwrap_or_else(|e| panic!("{kind}: 20 MiB of text: {e}"));
        assert_eq!(
            stored.note.as_deref().map(str::len),
            Some(big.len()),
            "{kind}"
        );
    }
    db.close().await;
    test.drop().await;
}

async fn like_has_one_meaning(kind: DialectKind) {
    let (test, db) = open(kind).await;
    let words = [
        "50%",
        "50x",
        r"50\x",
        "a_b",
        "axb",
        "emoji🦀z",
        "emojiaz",
        "Emojiaz",
        r"back\slash",
    ];
    let rows: Vec<NewEdgeRow> = words
        .iter()
        .enumerate()
        .map(|(i, w)| row(i as i32, w))
        .collect();
    EdgeRow::insert_many(&db, rows).await.expect("insert");
    let find = |e: invect_runtime::Expr<EdgeRow>| {
        let db = db.clone();
        async move {
            let mut got: Vec<String> = EdgeRow::select()
                .filter(e)
                .all(&db)
                .await
                .expect("select")
                .into_iter()
                .map(|r| r.word)
                .collect();
            got.sort();
            got
        }
    };
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(
        find(edge_rows::word.like(r"50\%")).await,
        sorted(&["50%"]),
        "{kind}: \\% is a literal %"
    );
    assert_eq!(
        find(edge_rows::word.like("50%")).await,
        sorted(&["50%", "50x", r"50\x"]),
        "{kind}"
    );
    assert_eq!(
        find(edge_rows::word.like(r"a\_b")).await,
        sorted(&["a_b"]),
        "{kind}: \\_ is a literal _"
    );
    assert_eq!(
        find(edge_rows::word.like(r"back\\slash")).await,
        sorted(&[r"back\slash"]),
        "{kind}: \\\\ is a backslash"
    );
    assert_eq!(
        find(edge_rows::word.contains("0%")).await,
        sorted(&["50%"]),
        "{kind}: contains is literal"
    );
    assert_eq!(
        find(edge_rows::word.starts_with("a_")).await,
        sorted(&["a_b"]),
        "{kind}"
    );
    assert_eq!(
        find(edge_rows::word.ends_with(r"\x")).await,
        sorted(&[r"50\x"]),
        "{kind}"
    );
    // Case-sensitive, and (MariaDB's index range) 4-byte characters found.
    assert_eq!(
        find(edge_rows::word.like("emoji_z")).await,
        sorted(&["emoji🦀z", "emojiaz"]),
        "{kind}"
    );
    assert_eq!(
        find(edge_rows::word.starts_with("emoji")).await,
        sorted(&["emoji🦀z", "emojiaz"]),
        "{kind}"
    );
    if kind == DialectKind::Mysql {
        // The MariaDB behaviour worked around: its index range misses the row.
        let p = match db.pool() {
            invect_runtime::Pool::Mysql(p) => p.clone(),
            _ => unreachable!(),
        };
        let direct: Vec<(String,)> =
            sqlx::query_as("SELECT word FROM edge_rows WHERE word LIKE 'emoji%'")
                .fetch_all(&p)
                .await
                .expect("direct LIKE");
        let version: (String,) = sqlx::query_as("SELECT VERSION()")
            .fetch_one(&p)
            .await
            .expect("version");
        if version.0.contains("MariaDB") {
            assert_eq!(
                direct.len(),
                1,
                "MariaDB {}: the index range bug is gone; README's note on it can go",
                version.0
            );
        }
    }
    db.close().await;
    test.drop().await;
}
