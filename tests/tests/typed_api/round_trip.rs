//! Topic 2: every value written through the typed API reads back equal,
//! through `insert`'s return value, `find` and `select`; database defaults
//! read back; hostile strings and 1 MB of text survive unchanged.

use chrono::{DateTime, SubsecRound, Utc};
use invect_runtime::core::{Flow, NewFlow, flows};
use invect_runtime::prelude::*;
use invect_runtime::schema::DialectKind;
use serde_json::json;

use crate::model::{Mood, NewTypedValue, Payload, TypedValue, typed_values};
use crate::support::{all_ddl, assert_recent, close, open, utc};

/// The literal default of `typed_values.note`, as declared.
const NOTE_DEFAULT: &str = "it's \"quoted\" \\ text; --";

/// Runs every round-trip scenario on a fresh database of `kind`.
pub async fn run(kind: DialectKind) {
    let (test, db) = open(kind, &all_ddl(kind)).await;
    let mut rows = 0;
    rows += defaults(&db).await;
    rows += extremes(&db).await;
    rows += json_values(&db).await;
    rows += hostile_strings(&db).await;
    rows += one_megabyte(&db).await;
    rows += updates(&db).await;
    still_there(&db, rows).await;
    // Last, so that a failure here does not hide the checks above.
    dates(&db).await;
    close(test, db).await;
}

// --- building rows -------------------------------------------------------------

fn payload(name: &str, depth: u32) -> Payload {
    Payload {
        name: name.to_string(),
        tags: vec![name.to_string(), "b".into(), String::new()],
        count: i64::MIN + i64::from(depth),
        ratio: -0.25 * f64::from(depth + 1),
        child: (depth > 0).then(|| Box::new(payload(&format!("{name}/child"), depth - 1))),
    }
}

fn nested_doc() -> serde_json::Value {
    json!({
        "a": {"b": [1, 2, {"c": null, "d": [[], {}]}]},
        "s": "quote \" apostrophe ' backslash \\ newline \n tab \t emoji 😀",
        "n": -1.5,
        "min": i64::MIN,
        "umax": u64::MAX,
        "t": true,
        "f": false,
        "empty": "",
        "unicode keys ü": {"'; DROP TABLE flows; --": 1}
    })
}

fn nested_array() -> serde_json::Value {
    json!([1, "two", [3, {"four": [4, 4.5]}], null, false, {"deep": [[["x"]]]}])
}

/// The key of `full(seed)`.
fn full_id(seed: u128) -> Uuid {
    Uuid::from_u128(0x1111_0000_0000_4000_8000_0000_0000_0000 + seed)
}

/// A row with every column set, every default overridden.
fn full(seed: u128) -> NewTypedValue {
    NewTypedValue {
        id: Some(full_id(seed)),
        label: format!("label {seed}"),
        body: format!("body {seed}"),
        code: format!("code-{seed}"),
        small: 7,
        big: 7_000_000_000,
        flag: true,
        // Distinct per row, so a filter on a date finds one row.
        at: utc(2023, 1, 1, 0, 0, 0, 0)
            + chrono::Duration::minutes(seed as i64)
            + chrono::Duration::milliseconds(seed as i64 % 1000),
        ref_id: Uuid::new_v4(),
        doc: nested_doc(),
        payload: Json(payload("p", 2)),
        mood: Mood::Sad,
        opt_label: Some(format!("opt label {seed}")),
        opt_body: Some(format!("opt body {seed}")),
        opt_code: Some("opt-code".into()),
        opt_small: Some(-7),
        opt_big: Some(-7_000_000_000),
        opt_flag: Some(false),
        opt_at: Some(utc(2001, 9, 9, 1, 46, 40, 1)),
        opt_ref: Some(Uuid::new_v4()),
        opt_doc: Some(nested_array()),
        opt_payload: Some(Json(payload("q", 0))),
        opt_mood: Some(Mood::VeryCalm),
        created_at: Some(utc(2020, 1, 2, 3, 4, 5, 6)),
        token: Some(Uuid::new_v4()),
        state: Some("explicit state".into()),
        note: Some("explicit note".into()),
        priority: Some(0),
        offset_ms: Some(1),
        enabled: Some(false),
        archived: Some(true),
        default_mood: Some(Mood::Happy),
    }
}

fn ms(dt: DateTime<Utc>) -> DateTime<Utc> {
    dt.trunc_subsecs(3)
}

/// The stored row for a new row whose every defaulted field is set.
fn expected(new: &NewTypedValue) -> TypedValue {
    let set = "expected() needs every defaulted field set";
    TypedValue {
        id: new.id.expect(set),
        label: new.label.clone(),
        body: new.body.clone(),
        code: new.code.clone(),
        small: new.small,
        big: new.big,
        flag: new.flag,
        at: ms(new.at),
        ref_id: new.ref_id,
        doc: new.doc.clone(),
        payload: new.payload.clone(),
        mood: new.mood,
        opt_label: new.opt_label.clone(),
        opt_body: new.opt_body.clone(),
        opt_code: new.opt_code.clone(),
        opt_small: new.opt_small,
        opt_big: new.opt_big,
        opt_flag: new.opt_flag,
        opt_at: new.opt_at.map(ms),
        opt_ref: new.opt_ref,
        opt_doc: new.opt_doc.clone(),
        opt_payload: new.opt_payload.clone(),
        opt_mood: new.opt_mood,
        created_at: ms(new.created_at.expect(set)),
        token: new.token.expect(set),
        state: new.state.clone().expect(set),
        note: new.note.clone().expect(set),
        priority: new.priority.expect(set),
        offset_ms: new.offset_ms.expect(set),
        enabled: new.enabled.expect(set),
        archived: new.archived.expect(set),
        default_mood: new.default_mood.expect(set),
    }
}

/// `{:?}` cut to a readable length (a 1 MB string would drown the message).
fn short(v: &impl std::fmt::Debug) -> String {
    let s = format!("{v:?}");
    if s.chars().count() <= 300 {
        return s;
    }
    let head: String = s.chars().take(150).collect();
    let tail: String = {
        let mut t: Vec<char> = s.chars().rev().take(100).collect();
        t.reverse();
        t.into_iter().collect()
    };
    format!("{head}…({} chars)…{tail}", s.chars().count())
}

/// Every column where `got` differs from `want`, one line each.
fn diff_rows(got: &TypedValue, want: &TypedValue) -> Vec<String> {
    let mut diffs = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => {$(
            if got.$f != want.$f {
                diffs.push(format!(
                    "  {}: got {}, expected {}",
                    stringify!($f), short(&got.$f), short(&want.$f)
                ));
            }
        )*};
    }
    cmp!(
        id,
        label,
        body,
        code,
        small,
        big,
        flag,
        at,
        ref_id,
        doc,
        payload,
        mood,
        opt_label,
        opt_body,
        opt_code,
        opt_small,
        opt_big,
        opt_flag,
        opt_at,
        opt_ref,
        opt_doc,
        opt_payload,
        opt_mood,
        created_at,
        token,
        state,
        note,
        priority,
        offset_ms,
        enabled,
        archived,
        default_mood
    );
    if diffs.is_empty() && got != want {
        diffs.push("  (rows differ in a column the list above misses)".into());
    }
    diffs
}

fn same(what: &str, got: &TypedValue, want: &TypedValue) -> Result<(), String> {
    let diffs = diff_rows(got, want);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what}: the row read back differs:\n{}",
            diffs.join("\n")
        ))
    }
}

/// Asserts `got == want`, naming every column that differs.
#[track_caller]
fn assert_same(what: &str, got: &TypedValue, want: &TypedValue) {
    if let Err(e) = same(what, got, want) {
        panic!("{e}");
    }
}

/// Inserts `new` and checks the row from `insert`, `find` and `select`
/// against `want`.
async fn try_round_trip(
    db: &Db,
    what: &str,
    new: NewTypedValue,
    want: &TypedValue,
) -> Result<(), String> {
    let inserted = TypedValue::insert(db, new)
        .await
        .map_err(|e| format!("{what}: insert failed: {e}"))?;
    same(&format!("{what} (insert's return value)"), &inserted, want)?;
    let found = TypedValue::find(db, want.id)
        .await
        .map_err(|e| format!("{what}: find failed: {e}"))?
        .ok_or_else(|| format!("{what}: find returned no row for {}", want.id))?;
    same(&format!("{what} (find)"), &found, want)?;
    let selected = TypedValue::select()
        .filter(typed_values::id.eq(want.id))
        .all(db)
        .await
        .map_err(|e| format!("{what}: select failed: {e}"))?;
    if selected.len() != 1 {
        return Err(format!(
            "{what}: select by id found {} rows",
            selected.len()
        ));
    }
    same(&format!("{what} (select)"), &selected[0], want)
}

async fn check_round_trip(db: &Db, what: &str, new: NewTypedValue, want: &TypedValue) {
    if let Err(e) = try_round_trip(db, what, new, want).await {
        panic!("{e}");
    }
}

async fn round_trip(db: &Db, what: &str, new: NewTypedValue) {
    let want = expected(&new);
    check_round_trip(db, what, new, &want).await;
}

// --- scenarios -------------------------------------------------------------------

/// Every defaulted column left out: the database's (or the client's) default
/// reads back, through insert's return value and find.
async fn defaults(db: &Db) -> usize {
    let new = NewTypedValue {
        id: None,
        created_at: None,
        token: None,
        state: None,
        note: None,
        priority: None,
        offset_ms: None,
        enabled: None,
        archived: None,
        default_mood: None,
        ..full(0)
    };
    let given = new.clone();
    let got = TypedValue::insert(db, new)
        .await
        .unwrap_or_else(|e| panic!("insert with every default failed: {e}"));

    assert!(!got.id.is_nil(), "default uuid key is nil");
    assert!(!got.token.is_nil(), "default uuid token is nil");
    assert_ne!(got.id, got.token, "two uuid defaults of one row are equal");
    assert_recent("default now (created_at)", got.created_at);
    let want = TypedValue {
        id: got.id,
        token: got.token,
        created_at: got.created_at,
        state: "pending".into(),
        note: NOTE_DEFAULT.into(),
        priority: 42,
        offset_ms: -9_000_000_000,
        enabled: true,
        archived: false,
        default_mood: Mood::VeryCalm,
        ..expected(&NewTypedValue {
            id: Some(Uuid::nil()),
            created_at: Some(Utc::now()),
            token: Some(Uuid::nil()),
            state: Some(String::new()),
            note: Some(String::new()),
            priority: Some(0),
            offset_ms: Some(0),
            enabled: Some(false),
            archived: Some(false),
            default_mood: Some(Mood::Happy),
            ..given.clone()
        })
    };
    assert_same("defaults (insert's return value)", &got, &want);
    let found = TypedValue::find(db, got.id)
        .await
        .unwrap_or_else(|e| panic!("find of the defaulted row failed: {e}"));
    assert_eq!(found.as_ref(), Some(&want), "defaults (find)");

    // A second row gets new generated values.
    let second = TypedValue::insert(db, given)
        .await
        .unwrap_or_else(|e| panic!("second insert with every default failed: {e}"));
    assert_ne!(second.id, got.id, "default uuid repeated across rows");
    assert_ne!(
        second.token, got.token,
        "default uuid token repeated across rows"
    );
    assert_recent("second default now", second.created_at);
    2
}

/// Integer and boolean extremes, every nullable column NULL and not NULL.
async fn extremes(db: &Db) -> usize {
    let max = NewTypedValue {
        small: i32::MAX,
        big: i64::MAX,
        flag: true,
        opt_small: Some(i32::MIN),
        opt_big: Some(i64::MIN),
        opt_flag: Some(true),
        priority: Some(i32::MAX),
        offset_ms: Some(i64::MAX),
        ..full(1)
    };
    round_trip(db, "maxima, every nullable column set", max).await;

    let min = NewTypedValue {
        small: i32::MIN,
        big: i64::MIN,
        flag: false,
        opt_label: None,
        opt_body: None,
        opt_code: None,
        opt_small: None,
        opt_big: None,
        opt_flag: None,
        opt_at: None,
        opt_ref: None,
        opt_doc: None,
        opt_payload: None,
        opt_mood: None,
        priority: Some(i32::MIN),
        offset_ms: Some(i64::MIN),
        ..full(2)
    };
    round_trip(db, "minima, every nullable column NULL", min).await;

    // Zero and false in the nullable columns are values, not NULL.
    let zero = NewTypedValue {
        small: 0,
        big: 0,
        opt_small: Some(0),
        opt_big: Some(0),
        opt_flag: Some(false),
        // (opt_label "" is among the hostile strings, filtered on there.)
        opt_body: Some(String::new()),
        opt_code: Some(String::new()),
        opt_ref: Some(Uuid::nil()),
        opt_mood: Some(Mood::Happy),
        ..full(3)
    };
    round_trip(db, "zeros and empty strings in nullable columns", zero).await;

    // Filters on the extremes find exactly their rows.
    for (what, expr, id) in [
        ("big = i64::MAX", typed_values::big.eq(i64::MAX), 1),
        ("big = i64::MIN", typed_values::big.eq(i64::MIN), 2),
        ("small = i32::MAX", typed_values::small.eq(i32::MAX), 1),
        ("small = i32::MIN", typed_values::small.eq(i32::MIN), 2),
        ("opt_big = i64::MIN", typed_values::opt_big.eq(i64::MIN), 1),
        ("opt_small = 0", typed_values::opt_small.eq(0), 3),
    ] {
        let rows = TypedValue::select()
            .filter(expr)
            .all(db)
            .await
            .unwrap_or_else(|e| panic!("select where {what} failed: {e}"));
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![full_id(id)], "select where {what}");
    }
    3
}

/// Milliseconds in UTC, the ends of MySQL's DATETIME range, and finer
/// precision cut to milliseconds (not rounded).
async fn dates(db: &Db) -> usize {
    let cases = [
        ("leap day, ms", utc(2024, 2, 29, 23, 59, 59, 123)),
        ("unix epoch", utc(1970, 1, 1, 0, 0, 0, 0)),
        (
            "last ms before the epoch",
            utc(1969, 12, 31, 23, 59, 59, 999),
        ),
        (
            "2038-01-19T03:14:07Z (last 32-bit second)",
            utc(2038, 1, 19, 3, 14, 7, 0),
        ),
        (
            "2038-01-19T03:14:08Z (first second past 32 bits)",
            utc(2038, 1, 19, 3, 14, 8, 0),
        ),
        ("year 2100", utc(2100, 6, 15, 12, 30, 0, 250)),
        (
            "year 1000 (MySQL DATETIME's first day)",
            utc(1000, 1, 1, 0, 0, 0, 0),
        ),
        (
            "year 9999 last ms (MySQL DATETIME's last)",
            utc(9999, 12, 31, 23, 59, 59, 999),
        ),
        ("one ms", utc(2000, 1, 1, 0, 0, 0, 1)),
    ];
    let mut failures = Vec::new();
    for (i, (what, at)) in cases.iter().enumerate() {
        let new = NewTypedValue {
            at: *at,
            opt_at: Some(*at),
            created_at: Some(*at),
            ..full(100 + i as u128)
        };
        let want = expected(&new);
        if let Err(e) = try_round_trip(db, &format!("date {what} ({at:?})"), new, &want).await {
            failures.push(e);
            continue;
        }
        match TypedValue::select()
            .filter(typed_values::at.eq(*at))
            .all(db)
            .await
        {
            Ok(rows) if rows.len() == 1 && rows[0].at == *at => {}
            Ok(rows) => failures.push(format!(
                "date {what}: select where at = {at:?} found {} rows",
                rows.len()
            )),
            Err(e) => failures.push(format!("date {what}: select where at = {at:?} failed: {e}")),
        }
    }
    // A date outside 1970..2038 in a nullable column next to an ordinary one.
    let new = NewTypedValue {
        opt_at: Some(utc(2100, 1, 1, 0, 0, 0, 0)),
        ..full(120)
    };
    let want = expected(&new);
    if let Err(e) = try_round_trip(db, "nullable date in 2100", new, &want).await {
        failures.push(e);
    }
    assert!(
        failures.is_empty(),
        "{} of {} dates do not round-trip:\n{}",
        failures.len(),
        cases.len() + 1,
        failures.join("\n")
    );

    // Nanoseconds: truncated to .123 / .999, never rounded up to the next ms.
    let fine = utc(2024, 2, 29, 23, 59, 58, 0) + chrono::Duration::nanoseconds(123_456_789);
    let almost = utc(2000, 12, 31, 23, 59, 59, 0) + chrono::Duration::nanoseconds(999_999_999);
    let new = NewTypedValue {
        at: fine,
        opt_at: Some(almost),
        created_at: Some(almost),
        ..full(110)
    };
    let mut want = expected(&new);
    want.at = utc(2024, 2, 29, 23, 59, 58, 123);
    want.opt_at = Some(utc(2000, 12, 31, 23, 59, 59, 999));
    want.created_at = utc(2000, 12, 31, 23, 59, 59, 999);
    check_round_trip(db, "sub-millisecond dates", new, &want).await;
    // Filtering with the unrounded value finds the row (both sides cut to ms).
    let n = TypedValue::select()
        .filter(typed_values::at.eq(fine))
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count where at = {fine} failed: {e}"));
    assert_eq!(n, 1, "a filter on a sub-millisecond date misses its row");
    cases.len() + 2
}

/// JSON objects and arrays (nested), scalars, JSON null, serde structs.
async fn json_values(db: &Db) -> usize {
    let cases: Vec<(&str, serde_json::Value, Option<serde_json::Value>)> = vec![
        ("nested object / array", nested_doc(), Some(nested_array())),
        ("array / object", nested_array(), Some(nested_doc())),
        ("empty object / empty array", json!({}), Some(json!([]))),
        (
            "string / number",
            json!("just \"text\" 'x' \\"),
            Some(json!(-0.5)),
        ),
        ("true / i64::MIN", json!(true), Some(json!(i64::MIN))),
        ("JSON null / JSON null", json!(null), Some(json!(null))),
    ];
    let n = cases.len();
    for (i, (what, doc, opt_doc)) in cases.into_iter().enumerate() {
        let new = NewTypedValue {
            doc,
            opt_doc,
            payload: Json(payload(&format!("json {i} ü 😀 \"q\""), i as u32)),
            opt_payload: Some(Json(Payload {
                name: String::new(),
                tags: Vec::new(),
                count: i64::MAX,
                ratio: 1e300,
                child: None,
            })),
            ..full(200 + i as u128)
        };
        round_trip(db, &format!("json {what}"), new).await;
    }
    n
}

/// Strings that break naive SQL building, and multibyte text at the length
/// limits of VARCHAR(255) and VARCHAR(20).
fn hostile() -> Vec<String> {
    vec![
        "it's".into(),
        "say \"hi\"".into(),
        "back\\slash \\\\ \\n \\' \\\" \\0 \\%".into(),
        "tab\tnewline\ncr\r\u{1}\u{1f}\u{7f} end".into(),
        "emoji 😀👍🏽👨‍👩‍👧 中文 é ß".into(),
        "'; DROP TABLE flows; --".into(),
        "'; DROP TABLE typed_values; --".into(),
        "\"; DROP TABLE typed_values; --".into(),
        "` ; DROP TABLE typed_values; -- `".into(),
        String::new(),
        // Trailing spaces: values stay distinct from the trimmed string here;
        // `consistency.rs` checks " " against "" in filters.
        "  leading and trailing  ".into(),
        "%_ wildcards %%".into(),
        "? $1 :name @p1 %s {}".into(),
        "\u{feff}BOM and \u{200b}zero width".into(),
        "é".repeat(255),
        "😀".repeat(255),
    ]
}

async fn hostile_strings(db: &Db) -> usize {
    let strings = hostile();
    for (i, s) in strings.iter().enumerate() {
        let code: String = s.chars().take(20).collect();
        let new = NewTypedValue {
            label: s.clone(),
            body: s.clone(),
            code: code.clone(),
            opt_label: Some(s.clone()),
            opt_body: Some(s.clone()),
            opt_code: Some(code),
            doc: json!({ s.as_str(): s, "list": [s] }),
            payload: Json(Payload {
                name: s.clone(),
                tags: vec![s.clone()],
                count: i as i64,
                ratio: 0.5,
                child: None,
            }),
            state: Some(s.clone()),
            note: Some(s.clone()),
            ..full(300 + i as u128)
        };
        let what = format!("string #{i} {}", short(s));
        round_trip(db, &what, new).await;
        // The value works as a filter parameter too.
        for (col, expr) in [
            ("label", typed_values::label.eq(s.as_str())),
            ("opt_label", typed_values::opt_label.eq(s.as_str())),
            ("body", typed_values::body.eq(s.as_str())),
        ] {
            let ids: Vec<Uuid> = TypedValue::select()
                .filter(expr)
                .all(db)
                .await
                .unwrap_or_else(|e| panic!("{what}: select where {col} = it failed: {e}"))
                .into_iter()
                .map(|r| r.id)
                .collect();
            assert_eq!(
                ids,
                vec![full_id(300 + i as u128)],
                "{what}: select where {col} = it"
            );
        }
    }

    // A hostile primary key and name in a core table.
    let evil = "'; DROP TABLE flows; --";
    let flow = Flow::insert(
        db,
        NewFlow {
            id: evil.into(),
            name: "Robert'); DROP TABLE flows;--".into(),
            description: Some("\\'\"`".into()),
            ..NewFlow::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("insert of a flow with a hostile id failed: {e}"));
    assert_eq!(flow.id, evil);
    let found = Flow::find(db, evil)
        .await
        .unwrap_or_else(|e| panic!("find of the hostile flow failed: {e}"));
    assert_eq!(found.as_ref(), Some(&flow), "find of the hostile flow");
    let by_name = Flow::select()
        .filter(flows::name.eq("Robert'); DROP TABLE flows;--"))
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("select of the hostile flow failed: {e}"));
    assert_eq!(by_name, Some(flow), "select of the hostile flow by name");
    strings.len()
}

/// A little over 1 MiB of multibyte text in the text columns.
async fn one_megabyte(db: &Db) -> usize {
    let line = "Invect ünïcödé 😀 'quotes' \"double\" \\ back\tslash\n";
    let mut big = String::new();
    while big.len() < 1 << 20 {
        big.push_str(line);
    }
    big.push_str("the end");
    let new = NewTypedValue {
        body: big.clone(),
        opt_body: Some(big.clone()),
        note: Some(big.clone()),
        ..full(400)
    };
    round_trip(db, "1 MiB of text", new).await;
    let n = TypedValue::select()
        .filter(typed_values::body.eq(big))
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("count where body = 1 MiB failed: {e}"));
    assert_eq!(n, 1, "a filter on the 1 MiB value");
    1
}

/// `update` of every column by key, value to NULL and back, and
/// `update_where` setting columns of every type.
async fn updates(db: &Db) -> usize {
    let new = full(500);
    let original = expected(&new);
    check_round_trip(db, "row to update", new, &original).await;

    let changed = TypedValue {
        id: original.id,
        label: "changed 'label'".into(),
        body: "changed \"body\"".into(),
        code: "changed\\code".into(),
        small: i32::MIN,
        big: i64::MIN,
        flag: !original.flag,
        at: utc(1999, 12, 31, 23, 59, 59, 999),
        ref_id: Uuid::new_v4(),
        doc: nested_array(),
        payload: Json(payload("changed", 3)),
        mood: Mood::Happy,
        opt_label: None,
        opt_body: None,
        opt_code: None,
        opt_small: None,
        opt_big: None,
        opt_flag: None,
        opt_at: None,
        opt_ref: None,
        opt_doc: None,
        opt_payload: None,
        opt_mood: None,
        created_at: utc(2011, 11, 11, 11, 11, 11, 111),
        token: Uuid::new_v4(),
        state: "changed state".into(),
        note: "changed note".into(),
        priority: -1,
        offset_ms: i64::MAX,
        enabled: !original.enabled,
        archived: !original.archived,
        default_mood: Mood::Sad,
    };
    let n = TypedValue::update(db, &changed)
        .await
        .unwrap_or_else(|e| panic!("update of every column failed: {e}"));
    assert_eq!(n, 1, "update of every column: rows matched");
    let found = TypedValue::find(db, original.id)
        .await
        .unwrap_or_else(|e| panic!("find after update failed: {e}"))
        .expect("the updated row");
    assert_same("update of every column (values to NULL)", &found, &changed);

    // And back: NULL to values.
    let n = TypedValue::update(db, &original)
        .await
        .unwrap_or_else(|e| panic!("update back failed: {e}"));
    assert_eq!(n, 1, "update back: rows matched");
    let found = TypedValue::find(db, original.id)
        .await
        .unwrap_or_else(|e| panic!("find after update back failed: {e}"))
        .expect("the updated row");
    assert_same("update back (NULLs to values)", &found, &original);

    // update_where with a value of every kind.
    let at = utc(2024, 2, 28, 23, 59, 59, 321);
    let token = Uuid::new_v4();
    let n = TypedValue::update_where(typed_values::id.eq(original.id))
        .set(typed_values::label, "set by update_where")
        .set(typed_values::big, i64::MIN)
        .set(typed_values::flag, false)
        .set(typed_values::at, at)
        .set(typed_values::token, token)
        .set(typed_values::doc, json!({"set": [1, 2]}))
        .set(typed_values::payload, Json(payload("set", 1)))
        .set(typed_values::mood, Mood::VeryCalm)
        .set(typed_values::opt_mood, None)
        .set(typed_values::opt_at, None)
        .set(typed_values::opt_ref, None)
        .set(typed_values::opt_payload, None)
        .set(typed_values::opt_doc, Some(json!("x")))
        .set(typed_values::opt_small, Some(i32::MAX))
        .execute(db)
        .await
        .unwrap_or_else(|e| panic!("update_where of every kind of value failed: {e}"));
    assert_eq!(n, 1, "update_where by id: rows matched");
    let want = TypedValue {
        label: "set by update_where".into(),
        big: i64::MIN,
        flag: false,
        at,
        token,
        doc: json!({"set": [1, 2]}),
        payload: Json(payload("set", 1)),
        mood: Mood::VeryCalm,
        opt_mood: None,
        opt_at: None,
        opt_ref: None,
        opt_payload: None,
        opt_doc: Some(json!("x")),
        opt_small: Some(i32::MAX),
        ..original.clone()
    };
    let found = TypedValue::find(db, original.id)
        .await
        .unwrap_or_else(|e| panic!("find after update_where failed: {e}"))
        .expect("the updated row");
    assert_same("update_where of every kind of value", &found, &want);
    1
}

/// After all that, the tables are there and hold exactly the rows inserted.
async fn still_there(db: &Db, rows: usize) {
    let n = TypedValue::select()
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("typed_values is gone: {e}"));
    assert_eq!(n, rows as u64, "typed_values row count");
    let flows = Flow::select()
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("flows is gone: {e}"));
    assert_eq!(flows, 1, "flows row count");
}
