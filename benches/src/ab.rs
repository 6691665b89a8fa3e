//! Interleaved A/B timing shared by the `invect-*-ab` binaries: batches of
//! calls through the generated API and through hand-written sqlx, the order
//! swapped every round so a load change on a shared machine hits both alike.

use std::future::Future;
use std::time::Instant;

use crate::{Spread, median};

/// Runs `$body` with `$p` the sqlx pool of `$db` and `$m` the matching
/// dialect module of the hand-written baseline `$hand` (`hand`, `hand_changes`).
#[macro_export]
macro_rules! on_pool {
    ($hand:ident, $db:expr, |$p:ident, $m:ident| $body:expr) => {
        match $db.pool() {
            ::invect_runtime::Pool::Sqlite($p) => {
                use $crate::$hand::sqlite as $m;
                $body
            }
            ::invect_runtime::Pool::Postgres($p) => {
                use $crate::$hand::postgres as $m;
                $body
            }
            ::invect_runtime::Pool::Mysql($p) => {
                use $crate::$hand::mysql as $m;
                $body
            }
        }
    };
}

/// Per-call seconds of `calls` runs of `f`, after `setup` (untimed).
async fn batch<S, SF, F, Fut>(calls: usize, setup: &S, f: &F) -> f64
where
    S: Fn() -> SF,
    SF: Future<Output = ()>,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    setup().await;
    let start = Instant::now();
    for i in 0..calls {
        f(i).await;
    }
    start.elapsed().as_secs_f64() / calls as f64
}

/// Alternates `a` (invect) and `b` (sqlx) for `rounds` after one warm-up
/// batch each, `setup` before every batch; prints the medians and the
/// per-round ratio invect / sqlx (median and min–max over rounds: a ratio
/// taken within one round cancels the load both batches of it saw).
pub async fn compare<S, SF, A, AF, B, BF>(
    name: &str,
    rounds: usize,
    calls: usize,
    setup: S,
    a: A,
    b: B,
) where
    S: Fn() -> SF,
    SF: Future<Output = ()>,
    A: Fn(usize) -> AF,
    AF: Future<Output = ()>,
    B: Fn(usize) -> BF,
    BF: Future<Output = ()>,
{
    let (mut sa, mut sb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    batch(calls, &setup, &a).await;
    batch(calls, &setup, &b).await;
    for round in 0..rounds {
        // Swap the order every round so neither always goes first.
        let (ta, tb) = if round % 2 == 0 {
            let ta = batch(calls, &setup, &a).await;
            (ta, batch(calls, &setup, &b).await)
        } else {
            let tb = batch(calls, &setup, &b).await;
            (batch(calls, &setup, &a).await, tb)
        };
        sa.push(ta);
        sb.push(tb);
        ratios.push(ta / tb);
    }
    let (ma, mb) = (median(&mut sa), median(&mut sb));
    println!(
        "{name:<20} invect {:8.1} µs  sqlx {:8.1} µs  ratio {}",
        ma * 1e6,
        mb * 1e6,
        Spread::of(&mut ratios)
    );
}

/// A setup that does nothing, for comparisons whose batches need none.
pub async fn no_setup() {}
