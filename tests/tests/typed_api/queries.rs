//! Topic 4: filters, ordering, limit/offset, one() and count() checked
//! against answers computed in Rust from the same 50 rows; update by key,
//! update_where, delete by key, delete_where; a composite key's
//! find/update/delete with a tuple.

use chrono::{DateTime, Utc};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use serde_json::json;

use crate::model::{Item, Level, Mood, NewPair, Pair, typed_items, typed_pairs};
use crate::support::{assert_recent, close, like, open, plugin_ddl, utc};

const N: i32 = 50;

pub async fn run(kind: DialectKind) {
    let (test, db) = open(kind, &plugin_ddl(kind)).await;
    let mut model = seed(&db).await;
    filters(&db, &model).await;
    ordering_and_paging(&db, &model).await;
    update_by_key(&db, &mut model).await;
    update_where(&db, &mut model).await;
    deletes(&db, &mut model).await;
    composite_key(&db).await;
    close(test, db).await;
}

// --- data ------------------------------------------------------------------------

const NAMES: [&str; 7] = [
    "alpha", "Beta", "gamma", "ALPHA", "beta_x", "delta%", "Zeta",
];
const MOODS: [Mood; 3] = [Mood::Happy, Mood::Sad, Mood::VeryCalm];
const LEVELS: [Level; 3] = [Level::Low, Level::Medium, Level::High];
const TAGS: [&str; 3] = ["red", "green", "blue"];

fn base() -> DateTime<Utc> {
    utc(2024, 2, 29, 23, 0, 0, 0)
}

fn item_uuid(i: i32) -> Uuid {
    Uuid::from_u128(0x3333_0000_0000_4000_8000_0000_0000_0000 + i as u128 * 0x1_0000_0001)
}

/// Row `i`: duplicated and negative numbers, mixed-case names, NULLs in a
/// pattern, dates crossing midnight, values beyond i32 in the bigint.
fn item(i: i32) -> Item {
    let u = i as usize;
    Item {
        id: i,
        name: format!("{}-{i:02}", NAMES[u % NAMES.len()]),
        n: (i * 7) % 10 - 5,
        big: (i64::from(i) - 25) * 400_000_000_000,
        flag: i % 3 == 0,
        at: base()
            + chrono::Duration::minutes(i64::from(i) * 37)
            + chrono::Duration::milliseconds(i64::from(i)),
        ref_id: item_uuid(i),
        mood: MOODS[(u / 2) % 3],
        level: LEVELS[u % 3],
        tag: (i % 5 != 0).then(|| TAGS[u % 3].to_string()),
        score: (i % 4 != 1).then_some(i * 3 - 60),
        seen_at: (i % 2 == 1).then(|| base() - chrono::Duration::hours(i64::from(i))),
        meta: (i % 3 != 1).then(|| json!({"i": i, "even": i % 2 == 0})),
    }
}

async fn seed(db: &Db) -> Vec<Item> {
    let model: Vec<Item> = (0..N).map(item).collect();
    let n = Item::insert_many(db, model.iter().map(Item::to_new))
        .await
        .unwrap_or_else(|e| panic!("insert_many of the items failed: {e}"));
    assert_eq!(n, N as u64);
    let all = Item::select()
        .order_by(typed_items::id.asc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("select of the items failed: {e}"));
    assert_eq!(all, model, "the items as stored");
    model
}

fn ids(rows: &[Item]) -> Vec<i32> {
    rows.iter().map(|r| r.id).collect()
}

/// All rows of the table, by id.
async fn stored(db: &Db) -> Vec<Item> {
    Item::select()
        .order_by(typed_items::id.asc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("select of every item failed: {e}"))
}

// --- filters ---------------------------------------------------------------------

type Case = (&'static str, fn() -> Expr<Item>, fn(&Item) -> bool);

fn c(what: &'static str, make: fn() -> Expr<Item>, pred: fn(&Item) -> bool) -> Case {
    (what, make, pred)
}

fn cutoff() -> DateTime<Utc> {
    // Exactly row 20's `at`: lt/le/gt/ge differ at it.
    item(20).at
}

fn cases() -> Vec<Case> {
    use typed_items as t;
    vec![
        c("id = 7", || t::id.eq(7), |r| r.id == 7),
        c(
            "name = 'Beta-01'",
            || t::name.eq("Beta-01"),
            |r| r.name == "Beta-01",
        ),
        c(
            "name = 'beta-01' (case-sensitive)",
            || t::name.eq("beta-01"),
            |r| r.name == "beta-01",
        ),
        c("n <> 0", || t::n.ne(0), |r| r.n != 0),
        c("n < 0", || t::n.lt(0), |r| r.n < 0),
        c("n <= 0", || t::n.le(0), |r| r.n <= 0),
        c("n > 2", || t::n.gt(2), |r| r.n > 2),
        c("n >= 2", || t::n.ge(2), |r| r.n >= 2),
        c("big > 0", || t::big.gt(0), |r| r.big > 0),
        c(
            "big <= -4e12",
            || t::big.le(-4_000_000_000_000_i64),
            |r| r.big <= -4_000_000_000_000,
        ),
        c(
            "big = 10 * 400e9",
            || t::big.eq(4_000_000_000_000_i64),
            |r| r.big == 4_000_000_000_000,
        ),
        c("flag = true", || t::flag.eq(true), |r| r.flag),
        c("flag = false", || t::flag.eq(false), |r| !r.flag),
        c("flag <> true", || t::flag.ne(true), |r| !r.flag),
        c("at < cutoff", || t::at.lt(cutoff()), |r| r.at < cutoff()),
        c("at <= cutoff", || t::at.le(cutoff()), |r| r.at <= cutoff()),
        c("at > cutoff", || t::at.gt(cutoff()), |r| r.at > cutoff()),
        c("at >= cutoff", || t::at.ge(cutoff()), |r| r.at >= cutoff()),
        c("at = cutoff", || t::at.eq(cutoff()), |r| r.at == cutoff()),
        c(
            "ref_id = uuid 13",
            || t::ref_id.eq(item_uuid(13)),
            |r| r.ref_id == item_uuid(13),
        ),
        c(
            "ref_id <> uuid 13",
            || t::ref_id.ne(item_uuid(13)),
            |r| r.ref_id != item_uuid(13),
        ),
        c(
            "ref_id in (3, 4, missing)",
            || t::ref_id.in_list([item_uuid(3), item_uuid(4), Uuid::nil()]),
            |r| [item_uuid(3), item_uuid(4)].contains(&r.ref_id),
        ),
        c(
            "mood = sad",
            || t::mood.eq(Mood::Sad),
            |r| r.mood == Mood::Sad,
        ),
        c(
            "mood <> very_calm",
            || t::mood.ne(Mood::VeryCalm),
            |r| r.mood != Mood::VeryCalm,
        ),
        c(
            "mood in (happy, very_calm)",
            || t::mood.in_list([Mood::Happy, Mood::VeryCalm]),
            |r| matches!(r.mood, Mood::Happy | Mood::VeryCalm),
        ),
        c(
            "level = high",
            || t::level.eq(Level::High),
            |r| r.level == Level::High,
        ),
        c("tag IS NULL", || t::tag.is_null(), |r| r.tag.is_none()),
        c(
            "tag IS NOT NULL",
            || t::tag.is_not_null(),
            |r| r.tag.is_some(),
        ),
        c(
            "tag = 'red'",
            || t::tag.eq("red"),
            |r| r.tag.as_deref() == Some("red"),
        ),
        // SQL's three-valued logic: NULL <> 'red' is not true.
        c(
            "tag <> 'red'",
            || t::tag.ne("red"),
            |r| r.tag.as_deref().is_some_and(|t| t != "red"),
        ),
        c(
            "NOT (tag = 'red')",
            || t::tag.eq("red").not(),
            |r| r.tag.as_deref().is_some_and(|t| t != "red"),
        ),
        c(
            "tag in ('red', 'blue')",
            || t::tag.in_list(["red", "blue"]),
            |r| matches!(r.tag.as_deref(), Some("red" | "blue")),
        ),
        c(
            "score > 0",
            || t::score.gt(0),
            |r| r.score.is_some_and(|s| s > 0),
        ),
        c(
            "score <= -30",
            || t::score.le(-30),
            |r| r.score.is_some_and(|s| s <= -30),
        ),
        c(
            "score IS NULL",
            || t::score.is_null(),
            |r| r.score.is_none(),
        ),
        c(
            "seen_at IS NOT NULL",
            || t::seen_at.is_not_null(),
            |r| r.seen_at.is_some(),
        ),
        c(
            "seen_at < base - 20h",
            || t::seen_at.lt(base() - chrono::Duration::hours(20)),
            |r| {
                r.seen_at
                    .is_some_and(|s| s < base() - chrono::Duration::hours(20))
            },
        ),
        c("meta IS NULL", || t::meta.is_null(), |r| r.meta.is_none()),
        c(
            "id in (1, 3, 5, 99)",
            || t::id.in_list([1, 3, 5, 99]),
            |r| [1, 3, 5].contains(&r.id),
        ),
        c("id in ()", || t::id.in_list(Vec::<i32>::new()), |_| false),
        c(
            "NOT (id in ())",
            || t::id.in_list(Vec::<i32>::new()).not(),
            |_| true,
        ),
        c(
            "tag in ()",
            || t::tag.in_list(Vec::<String>::new()),
            |_| false,
        ),
        c(
            "name LIKE 'alpha%'",
            || t::name.like("alpha%"),
            |r| like(&r.name, "alpha%"),
        ),
        c(
            "name LIKE 'ALPHA%'",
            || t::name.like("ALPHA%"),
            |r| like(&r.name, "ALPHA%"),
        ),
        c(
            "name LIKE '%eta%'",
            || t::name.like("%eta%"),
            |r| like(&r.name, "%eta%"),
        ),
        c(
            "name LIKE '_amma-_4'",
            || t::name.like("_amma-_4"),
            |r| like(&r.name, "_amma-_4"),
        ),
        c(
            "name LIKE 'beta_x%'",
            || t::name.like("beta_x%"),
            |r| like(&r.name, "beta_x%"),
        ),
        c(
            "name LIKE 'delta%' (a literal % in data)",
            || t::name.like("delta%"),
            |r| like(&r.name, "delta%"),
        ),
        c("name LIKE '' ", || t::name.like(""), |r| r.name.is_empty()),
        c(
            "tag LIKE '%e%'",
            || t::tag.like("%e%"),
            |r| r.tag.as_deref().is_some_and(|t| like(t, "%e%")),
        ),
        c(
            "NOT (name LIKE '%a%')",
            || t::name.like("%a%").not(),
            |r| !like(&r.name, "%a%"),
        ),
        c(
            "n > 0 AND flag",
            || t::n.gt(0).and(t::flag.eq(true)),
            |r| r.n > 0 && r.flag,
        ),
        c(
            "n < -3 OR tag IS NULL",
            || t::n.lt(-3).or(t::tag.is_null()),
            |r| r.n < -3 || r.tag.is_none(),
        ),
        c("NOT (n > 0)", || t::n.gt(0).not(), |r| r.n <= 0),
        c(
            "(n > 0 OR mood = sad) AND NOT (flag)",
            || {
                t::n.gt(0)
                    .or(t::mood.eq(Mood::Sad))
                    .and(t::flag.eq(true).not())
            },
            |r| (r.n > 0 || r.mood == Mood::Sad) && !r.flag,
        ),
        c(
            "n > 0 OR (mood = sad AND NOT flag)",
            || {
                t::n.gt(0)
                    .or(t::mood.eq(Mood::Sad).and(t::flag.eq(true).not()))
            },
            |r| r.n > 0 || (r.mood == Mood::Sad && !r.flag),
        ),
        c(
            "NOT (n > 0 AND (tag IS NULL OR score IS NULL))",
            || {
                t::n.gt(0)
                    .and(t::tag.is_null().or(t::score.is_null()))
                    .not()
            },
            |r| !(r.n > 0 && (r.tag.is_none() || r.score.is_none())),
        ),
        c(
            "NOT NOT (id < 10)",
            || t::id.lt(10).not().not(),
            |r| r.id < 10,
        ),
        c(
            "id >= 10 AND id < 20 AND n <> -5",
            || t::id.ge(10).and(t::id.lt(20)).and(t::n.ne(-5)),
            |r| r.id >= 10 && r.id < 20 && r.n != -5,
        ),
        c("all", Expr::all, |_| true),
        c("NOT all", || Expr::all().not(), |_| false),
    ]
}

async fn filters(db: &Db, model: &[Item]) {
    // Cases meant to match nothing or everything; every other case must
    // split the rows, or a filter that is ignored could pass it.
    const TOTAL: [&str; 7] = [
        "name = 'beta-01' (case-sensitive)",
        "id in ()",
        "NOT (id in ())",
        "tag in ()",
        "name LIKE '' ",
        "all",
        "NOT all",
    ];
    let mut failures = Vec::new();
    for (what, make, pred) in cases() {
        let want: Vec<i32> = model.iter().filter(|r| pred(r)).map(|r| r.id).collect();
        if (want.is_empty() || want.len() == model.len()) != TOTAL.contains(&what) {
            failures.push(format!(
                "{what}: matches {} of {} rows; fix the test data",
                want.len(),
                model.len()
            ));
        }
        let got = Item::select()
            .filter(make())
            .order_by(typed_items::id.asc())
            .all(db)
            .await;
        match got {
            Err(e) => failures.push(format!("{what}: select failed: {e}")),
            Ok(rows) => {
                if ids(&rows) != want {
                    failures.push(format!(
                        "{what}: select got ids {:?}, expected {want:?}",
                        ids(&rows)
                    ));
                } else {
                    // Whole rows, not just ids.
                    let full: Vec<Item> = model.iter().filter(|r| pred(r)).cloned().collect();
                    if rows != full {
                        failures.push(format!("{what}: rows differ from the model"));
                    }
                }
            }
        }
        match Item::select().filter(make()).count(db).await {
            Err(e) => failures.push(format!("{what}: count failed: {e}")),
            Ok(n) if n != want.len() as u64 => {
                failures.push(format!("{what}: count got {n}, expected {}", want.len()))
            }
            Ok(_) => {}
        }
    }
    // Two `filter` calls combine with AND.
    let got = Item::select()
        .filter(typed_items::n.ge(0))
        .filter(typed_items::tag.eq("green"))
        .order_by(typed_items::id.asc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("select with two filters failed: {e}"));
    let want: Vec<i32> = model
        .iter()
        .filter(|r| r.n >= 0 && r.tag.as_deref() == Some("green"))
        .map(|r| r.id)
        .collect();
    if ids(&got) != want {
        failures.push(format!(
            "two filters: got {:?}, expected {want:?}",
            ids(&got)
        ));
    }
    assert!(
        failures.is_empty(),
        "{} filter case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// --- ordering, limit/offset, one, count ------------------------------------------

async fn ordering_and_paging(db: &Db, model: &[Item]) {
    use typed_items as t;

    // Multi-key: n ascending, then name descending (names are unique and
    // mixed-case, so byte order matters).
    let got = Item::select()
        .order_by(t::n.asc())
        .order_by(t::name.desc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("order by n, name desc failed: {e}"));
    let mut want = model.to_vec();
    want.sort_by(|a, b| a.n.cmp(&b.n).then(b.name.cmp(&a.name)));
    assert_eq!(ids(&got), ids(&want), "ORDER BY n ASC, name DESC");
    assert_eq!(got, want, "ORDER BY n ASC, name DESC (rows)");

    let got = Item::select()
        .order_by(t::flag.desc())
        .order_by(t::big.asc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("order by flag desc, big failed: {e}"));
    let mut want = model.to_vec();
    want.sort_by(|a, b| b.flag.cmp(&a.flag).then(a.big.cmp(&b.big)));
    assert_eq!(ids(&got), ids(&want), "ORDER BY flag DESC, big ASC");

    let got = Item::select()
        .order_by(t::at.desc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("order by at desc failed: {e}"));
    let mut want = model.to_vec();
    want.sort_by_key(|r| std::cmp::Reverse(r.at));
    assert_eq!(ids(&got), ids(&want), "ORDER BY at DESC");

    let got = Item::select()
        .order_by(t::name.asc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("order by name failed: {e}"));
    let mut want = model.to_vec();
    want.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(ids(&got), ids(&want), "ORDER BY name ASC (byte order)");

    let got = Item::select()
        .order_by(t::ref_id.desc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("order by ref_id failed: {e}"));
    let mut want = model.to_vec();
    want.sort_by_key(|r| std::cmp::Reverse(r.ref_id));
    assert_eq!(ids(&got), ids(&want), "ORDER BY ref_id DESC");

    // Filter + order + limit + offset.
    let got = Item::select()
        .filter(t::flag.eq(true))
        .order_by(t::big.desc())
        .limit(3)
        .offset(1)
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("filtered page failed: {e}"));
    let mut want: Vec<Item> = model.iter().filter(|r| r.flag).cloned().collect();
    want.sort_by_key(|r| std::cmp::Reverse(r.big));
    let want: Vec<Item> = want.into_iter().skip(1).take(3).collect();
    assert_eq!(got, want, "flag = true ORDER BY big DESC LIMIT 3 OFFSET 1");

    // Pages by id.
    let page = |limit: Option<u64>, offset: Option<u64>| {
        let mut q = Item::select().order_by(t::id.asc());
        if let Some(l) = limit {
            q = q.limit(l);
        }
        if let Some(o) = offset {
            q = q.offset(o);
        }
        q
    };
    for (limit, offset) in [
        (Some(5), None),
        (Some(5), Some(10)),
        (None, Some(45)),
        (None, Some(0)),
        (Some(10), Some(48)),
        (Some(0), None),
        (Some(0), Some(3)),
        (None, Some(100)),
        (Some(100), None),
        (Some(u64::MAX), Some(1)),
    ] {
        let got = page(limit, offset)
            .all(db)
            .await
            .unwrap_or_else(|e| panic!("limit {limit:?} offset {offset:?} failed: {e}"));
        let want: Vec<i32> = (0..N)
            .skip(offset.unwrap_or(0) as usize)
            .take(limit.map_or(usize::MAX, |l| l.min(usize::MAX as u64) as usize))
            .collect();
        assert_eq!(ids(&got), want, "LIMIT {limit:?} OFFSET {offset:?}");
    }

    // one(): the first row in order; None when nothing matches.
    let last = Item::select()
        .order_by(t::id.desc())
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("one() failed: {e}"));
    assert_eq!(
        last.as_ref(),
        Some(&model[N as usize - 1]),
        "one() ORDER BY id DESC"
    );
    let third = page(Some(3), Some(2))
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("one() with limit/offset failed: {e}"));
    assert_eq!(third.as_ref(), Some(&model[2]), "one() LIMIT 3 OFFSET 2");
    let past = page(None, Some(50))
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("one() past the end failed: {e}"));
    assert_eq!(past, None, "one() OFFSET 50");
    let none = Item::select()
        .filter(t::name.eq("no such name"))
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("one() with no match failed: {e}"));
    assert_eq!(none, None, "one() with no match");
    let lowest = Item::select()
        .filter(t::tag.eq("blue"))
        .order_by(t::score.asc())
        .order_by(t::id.asc())
        .filter(t::score.is_not_null())
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("one() filtered failed: {e}"))
        .expect("a blue row with a score");
    let want = model
        .iter()
        .filter(|r| r.tag.as_deref() == Some("blue") && r.score.is_some())
        .min_by_key(|r| (r.score, r.id))
        .expect("a blue row with a score");
    assert_eq!(&lowest, want, "one() of blue rows by score");

    // count(): filter applies, ordering/limit/offset do not.
    let n = Item::select()
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count failed: {e}"));
    assert_eq!(n, N as u64, "count of every row");
    let n = Item::select()
        .filter(t::n.lt(0).or(t::tag.is_null()))
        .order_by(t::id.desc())
        .limit(2)
        .offset(3)
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count with a filter failed: {e}"));
    let want = model.iter().filter(|r| r.n < 0 || r.tag.is_none()).count() as u64;
    assert_eq!(n, want, "count with a filter (limit/offset ignored)");
}

// --- writes ----------------------------------------------------------------------

async fn update_by_key(db: &Db, model: &mut [Item]) {
    // Every column of row 10 changes, NULLs become values and back.
    let before = model[10].clone();
    let mut row = before.clone();
    row.name = "renamed 'x' \"y\" \\z".into();
    row.n = i32::MIN;
    row.big = i64::MAX;
    row.flag = !row.flag;
    row.at = utc(2030, 1, 1, 0, 0, 0, 999);
    row.ref_id = Uuid::new_v4();
    row.mood = Mood::VeryCalm;
    row.level = Level::High;
    row.tag = if row.tag.is_some() {
        None
    } else {
        Some("new".into())
    };
    row.score = if row.score.is_some() { None } else { Some(1) };
    row.seen_at = if row.seen_at.is_some() {
        None
    } else {
        Some(utc(1999, 12, 31, 23, 59, 59, 1))
    };
    row.meta = if row.meta.is_some() {
        None
    } else {
        Some(json!([1, {"a": "b"}]))
    };
    assert_ne!(row, before);
    let n = Item::update(db, &row)
        .await
        .unwrap_or_else(|e| panic!("update by key failed: {e}"));
    assert_eq!(n, 1, "update by key: rows matched");
    let found = Item::find(db, 10)
        .await
        .unwrap_or_else(|e| panic!("find after update failed: {e}"));
    assert_eq!(found.as_ref(), Some(&row), "the updated row");
    model[10] = row.clone();

    // Writing the same values again still matches the row.
    let n = Item::update(db, &row)
        .await
        .unwrap_or_else(|e| panic!("update with unchanged values failed: {e}"));
    assert_eq!(n, 1, "update with unchanged values: rows matched");

    // No row with that key: 0, and nothing is created.
    let ghost = Item { id: 999, ..row };
    let n = Item::update(db, &ghost)
        .await
        .unwrap_or_else(|e| panic!("update of a missing key failed: {e}"));
    assert_eq!(n, 0, "update of a missing key");
    let found = Item::find(db, 999)
        .await
        .unwrap_or_else(|e| panic!("find of a missing key failed: {e}"));
    assert_eq!(found, None);
    assert_eq!(
        stored(db).await,
        model,
        "every row after the updates by key"
    );
}

async fn update_where(db: &Db, model: &mut [Item]) {
    use typed_items as t;
    let new_at = utc(2031, 5, 6, 7, 8, 9, 10);

    // Several columns at once, one of them to NULL.
    let n = Item::update_where(t::n.gt(2).and(t::tag.is_not_null()))
        .set(t::tag, None)
        .set(t::score, Some(7))
        .set(t::mood, Mood::Sad)
        .set(t::level, Level::Low)
        .set(t::at, new_at)
        .set(t::name, "set 'by' update_where")
        .execute(db)
        .await
        .unwrap_or_else(|e| panic!("update_where failed: {e}"));
    let mut want = 0;
    for r in model.iter_mut().filter(|r| r.n > 2 && r.tag.is_some()) {
        r.tag = None;
        r.score = Some(7);
        r.mood = Mood::Sad;
        r.level = Level::Low;
        r.at = new_at;
        r.name = "set 'by' update_where".into();
        want += 1;
    }
    assert!(
        want > 0,
        "the update_where case matches nothing; fix the data"
    );
    assert_eq!(n, want, "update_where: rows matched");
    assert_eq!(stored(db).await, model, "rows after update_where");

    // NULL to a value, on rows chosen by IS NULL.
    let n = Item::update_where(t::meta.is_null())
        .set(t::meta, Some(json!({"filled": true})))
        .set(t::seen_at, Some(new_at))
        .execute(db)
        .await
        .unwrap_or_else(|e| panic!("update_where meta IS NULL failed: {e}"));
    let mut want = 0;
    for r in model.iter_mut().filter(|r| r.meta.is_none()) {
        r.meta = Some(json!({"filled": true}));
        r.seen_at = Some(new_at);
        want += 1;
    }
    assert_eq!(n, want, "update_where meta IS NULL: rows matched");
    assert_eq!(stored(db).await, model, "rows after filling NULLs");

    // Matching nothing, and setting nothing.
    let n = Item::update_where(t::id.gt(1_000))
        .set(t::n, 0)
        .execute(db)
        .await
        .unwrap_or_else(|e| panic!("update_where matching nothing failed: {e}"));
    assert_eq!(n, 0, "update_where matching nothing");
    let n = Item::update_where(Expr::all())
        .execute(db)
        .await
        .unwrap_or_else(|e| panic!("update_where with no set failed: {e}"));
    assert_eq!(n, 0, "update_where with no set");

    // Every row.
    let n = Item::update_where(Expr::all())
        .set(t::flag, false)
        .execute(db)
        .await
        .unwrap_or_else(|e| panic!("update_where of every row failed: {e}"));
    assert_eq!(n, N as u64, "update_where of every row");
    for r in model.iter_mut() {
        r.flag = false;
    }
    assert_eq!(stored(db).await, model, "rows after updating every row");
}

async fn deletes(db: &Db, model: &mut Vec<Item>) {
    use typed_items as t;
    let n = Item::delete(db, 3)
        .await
        .unwrap_or_else(|e| panic!("delete by key failed: {e}"));
    assert_eq!(n, 1, "delete by key");
    let n = Item::delete(db, 3)
        .await
        .unwrap_or_else(|e| panic!("second delete by key failed: {e}"));
    assert_eq!(n, 0, "delete of a key already deleted");
    let found = Item::find(db, 3)
        .await
        .unwrap_or_else(|e| panic!("find after delete failed: {e}"));
    assert_eq!(found, None, "find after delete");
    model.retain(|r| r.id != 3);
    assert_eq!(stored(db).await, *model, "rows after delete by key");

    let n = Item::delete_where(db, t::n.lt(0).and(t::score.is_not_null()))
        .await
        .unwrap_or_else(|e| panic!("delete_where failed: {e}"));
    let before = model.len();
    model.retain(|r| !(r.n < 0 && r.score.is_some()));
    assert!(
        before > model.len(),
        "the delete_where case matches nothing; fix the data"
    );
    assert_eq!(
        n,
        (before - model.len()) as u64,
        "delete_where: rows deleted"
    );
    assert_eq!(stored(db).await, *model, "rows after delete_where");

    let n = Item::delete_where(db, t::id.in_list(Vec::<i32>::new()))
        .await
        .unwrap_or_else(|e| panic!("delete_where of an empty list failed: {e}"));
    assert_eq!(n, 0, "delete_where id IN ()");

    let n = Item::delete_where(db, Expr::all())
        .await
        .unwrap_or_else(|e| panic!("delete_where of every row failed: {e}"));
    assert_eq!(n, model.len() as u64, "delete_where of every row");
    let left = Item::select()
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count failed: {e}"));
    assert_eq!(left, 0, "rows left after deleting every row");
    model.clear();
}

/// find/update/delete with a `(group, order)` tuple key.
async fn composite_key(db: &Db) {
    use typed_pairs as p;
    let mut made = Vec::new();
    for (g, o, label) in [
        ("g1", 1, Some("one")),
        ("g1", 2, None),
        ("g2", 1, Some("'; DROP TABLE typed_pairs; --")),
        ("G1", 1, Some("upper")),
    ] {
        let row = Pair::insert(
            db,
            NewPair {
                group: g.into(),
                order: o,
                label: label.map(str::to_string),
                created_at: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("insert of pair ({g}, {o}) failed: {e}"));
        assert_eq!((row.group.as_str(), row.order), (g, o));
        assert_eq!(row.label.as_deref(), label);
        assert_recent("pair created_at default", row.created_at);
        made.push(row);
    }

    for (i, row) in made.iter().enumerate() {
        let found = Pair::find(db, (row.group.clone(), row.order))
            .await
            .unwrap_or_else(|e| panic!("find of pair {i} failed: {e}"));
        assert_eq!(
            found.as_ref(),
            Some(row),
            "find of pair ({}, {})",
            row.group,
            row.order
        );
    }
    for (g, o) in [("g1", 3), ("g2", 2), ("g3", 1), ("g", 1)] {
        let found = Pair::find(db, (g.to_string(), o))
            .await
            .unwrap_or_else(|e| panic!("find of missing pair failed: {e}"));
        assert_eq!(found, None, "find of missing pair ({g}, {o})");
    }

    // Update one row by its tuple; its neighbours keep their values.
    let mut changed = made[1].clone();
    changed.label = Some("two".into());
    changed.created_at = utc(2022, 2, 2, 2, 2, 2, 2);
    let n = Pair::update(db, &changed)
        .await
        .unwrap_or_else(|e| panic!("update of a pair failed: {e}"));
    assert_eq!(n, 1, "update of pair (g1, 2)");
    made[1] = changed.clone();
    let ghost = Pair {
        order: 9,
        ..changed.clone()
    };
    let n = Pair::update(db, &ghost)
        .await
        .unwrap_or_else(|e| panic!("update of a missing pair failed: {e}"));
    assert_eq!(n, 0, "update of missing pair (g1, 9)");

    let rows = Pair::select()
        .order_by(p::group.asc())
        .order_by(p::order.desc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("select of pairs failed: {e}"));
    let mut want = made.clone();
    want.sort_by(|a, b| a.group.cmp(&b.group).then(b.order.cmp(&a.order)));
    assert_eq!(rows, want, "pairs ORDER BY group, order DESC");

    let n = Pair::select()
        .filter(p::group.eq("g1"))
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count of pairs failed: {e}"));
    assert_eq!(n, 2, "pairs in g1");

    // Delete by tuple.
    let n = Pair::delete(db, ("g1".to_string(), 1))
        .await
        .unwrap_or_else(|e| panic!("delete of a pair failed: {e}"));
    assert_eq!(n, 1, "delete of pair (g1, 1)");
    let n = Pair::delete(db, ("g1".to_string(), 1))
        .await
        .unwrap_or_else(|e| panic!("second delete of a pair failed: {e}"));
    assert_eq!(n, 0, "second delete of pair (g1, 1)");
    made.remove(0);
    let rows = Pair::select()
        .order_by(p::group.asc())
        .order_by(p::order.asc())
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("select of pairs failed: {e}"));
    let mut want = made.clone();
    want.sort_by(|a, b| a.group.cmp(&b.group).then(a.order.cmp(&b.order)));
    assert_eq!(rows, want, "pairs after deleting (g1, 1)");

    let n = Pair::update_where(p::group.eq("g2").and(p::order.eq(1)))
        .set(p::label, None)
        .execute(db)
        .await
        .unwrap_or_else(|e| panic!("update_where on pairs failed: {e}"));
    assert_eq!(n, 1);
    let g2 = Pair::find(db, ("g2".to_string(), 1))
        .await
        .unwrap_or_else(|e| panic!("find of (g2, 1) failed: {e}"))
        .expect("pair (g2, 1)");
    assert_eq!(g2.label, None, "label set to NULL by update_where");
}
