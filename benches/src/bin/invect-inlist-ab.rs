//! Which form of a long `IN` list is fastest, per dialect and list length:
//! one parameter per value (`IN (?, ?, …)`), one JSON array parameter (the
//! form `in_list` switches to past 1,000 values: `json_each`,
//! `jsonb_array_elements_text`, `JSON_TABLE`), and on PostgreSQL one array
//! parameter (`= ANY($1)`). Interleaved rounds over a 100,000-row table;
//! prints the median per query (and min–max over rounds) of each form.
//! Lists longer than a dialect's parameter limit have no bind form.
//!
//! `invect-inlist-ab [ROUNDS]`

use std::time::Instant;

use invect_benches::{KINDS, close, label, median, open, runtime};
use invect_runtime::Pool;
use invect_runtime::schema::DialectKind;
use sqlx::AssertSqlSafe;

const ROWS: i64 = 100_000;
const SIZES: [usize; 3] = [10, 1_000, 100_000];

/// Every `step`-th id, `n` of them (half of them present in the table).
fn ids(n: usize) -> Vec<i64> {
    (0..n as i64).map(|i| i * 2).collect()
}

fn binds_sql(kind: DialectKind, n: usize) -> String {
    let ph: Vec<String> = (1..=n)
        .map(|i| match kind {
            DialectKind::Postgres => format!("${i}"),
            _ => "?".to_string(),
        })
        .collect();
    format!(
        "SELECT COUNT(*) FROM inlist WHERE id IN ({})",
        ph.join(", ")
    )
}

fn json_sql(kind: DialectKind) -> &'static str {
    match kind {
        DialectKind::Sqlite => {
            "SELECT COUNT(*) FROM inlist WHERE id IN (SELECT value FROM json_each(?))"
        }
        DialectKind::Postgres => {
            "SELECT COUNT(*) FROM inlist WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::BIGINT)"
        }
        DialectKind::Mysql => {
            "SELECT COUNT(*) FROM inlist WHERE id IN (SELECT j.v FROM JSON_TABLE(?, '$[*]' COLUMNS (v BIGINT PATH '$')) AS j)"
        }
    }
}

/// Runs one form's query `calls` times; seconds per query.
macro_rules! timed {
    ($p:expr, $sql:expr, $calls:expr, |$q:ident| $bind:expr) => {{
        let start = Instant::now();
        for _ in 0..$calls {
            let $q = sqlx::query_scalar::<_, i64>(AssertSqlSafe($sql.to_string()));
            let n: i64 = $bind.fetch_one($p).await.expect("query");
            assert!(n > 0);
        }
        start.elapsed().as_secs_f64() / $calls as f64
    }};
}

/// One round of `form` at list length `n`: seconds per query.
async fn round(pool: &Pool, kind: DialectKind, form: &str, n: usize, calls: usize) -> f64 {
    let list = ids(n);
    let json = serde_json::to_string(&list).expect("json");
    let binds = binds_sql(kind, n);
    match (pool, form) {
        (Pool::Sqlite(p), "binds") => {
            timed!(p, binds, calls, |q| list.iter().fold(q, |q, v| q.bind(*v)))
        }
        (Pool::Sqlite(p), _) => timed!(p, json_sql(kind), calls, |q| q.bind(&json)),
        (Pool::Postgres(p), "binds") => {
            timed!(p, binds, calls, |q| list.iter().fold(q, |q, v| q.bind(*v)))
        }
        (Pool::Postgres(p), "array") => timed!(
            p,
            "SELECT COUNT(*) FROM inlist WHERE id = ANY($1)",
            calls,
            |q| q.bind(&list)
        ),
        (Pool::Postgres(p), _) => timed!(p, json_sql(kind), calls, |q| q.bind(&json)),
        (Pool::Mysql(p), "binds") => {
            timed!(p, binds, calls, |q| list.iter().fold(q, |q, v| q.bind(*v)))
        }
        (Pool::Mysql(p), _) => timed!(p, json_sql(kind), calls, |q| q.bind(&json)),
    }
}

async fn seed(db: &invect_runtime::Db) {
    invect_tests::raw(db, "CREATE TABLE inlist (id BIGINT NOT NULL PRIMARY KEY)").await;
    for chunk in 0..(ROWS / 1000) {
        let values: Vec<String> = (0..1000)
            .map(|i| format!("({})", chunk * 1000 + i))
            .collect();
        invect_tests::raw(
            db,
            &format!("INSERT INTO inlist (id) VALUES {}", values.join(", ")),
        )
        .await;
    }
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(11);
    runtime().block_on(async {
        for kind in KINDS {
            let (test, db) = open(kind).await;
            seed(&db).await;
            let limit = if kind == DialectKind::Sqlite {
                32_766
            } else {
                65_535
            };
            for n in SIZES {
                let calls = (20_000 / n).clamp(2, 200);
                let mut forms = vec!["json"];
                if n <= limit {
                    forms.push("binds");
                }
                if kind == DialectKind::Postgres {
                    forms.push("array");
                }
                let mut samples: Vec<Vec<f64>> = vec![Vec::new(); forms.len()];
                for r in 0..rounds {
                    for k in 0..forms.len() {
                        let f = (k + r) % forms.len();
                        samples[f].push(round(db.pool(), kind, forms[f], n, calls).await);
                    }
                }
                for (form, s) in forms.iter().zip(samples.iter_mut()) {
                    let (lo, hi) = (
                        s.iter().cloned().fold(f64::MAX, f64::min),
                        s.iter().cloned().fold(0.0, f64::max),
                    );
                    println!(
                        "{:<8} n={n:<7} {form:<6} {:9.1} µs  (min–max {:.1}–{:.1})",
                        label(kind),
                        median(s) * 1e6,
                        lo * 1e6,
                        hi * 1e6
                    );
                }
            }
            close(test, db).await;
        }
    });
}
