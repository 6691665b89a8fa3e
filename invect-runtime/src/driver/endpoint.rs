//! What a [`Db`](crate::Db) knows about where its pool connects, for errors
//! at run time in the words of connect errors: the database id, the server
//! and its redacted URL, the pool's size and acquire timeout, and how to try
//! one connection by hand to learn why none came.
//!
//! sqlx's pool retries a refused connection until the acquire timeout and
//! then says only "pool timed out". So when taking a connection is still
//! waiting at half the timeout, one direct attempt runs beside it (one at a
//! time per pool): when the wait ends in a timeout, its error is the cause
//! named; when it connected, the pool was simply full.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_core::future::BoxFuture;
use invect_schema::DialectKind;

use super::conn::Conn;
use super::failure::{Ctx, Server, driver_detail, server_error};
use super::pool::{Pool, TxConn};
use super::{driver, statement_error};
use crate::config::DatabaseConfig;
use crate::error::{ConnectProblem, Error, Result};
use crate::redact::shown;

/// One direct connection attempt with the pool's options, closed at once.
pub(crate) type Probe =
    Arc<dyn Fn() -> BoxFuture<'static, std::result::Result<(), sqlx::Error>> + Send + Sync>;

/// Where a pool connects, and what its last direct connection attempt found.
pub(crate) struct Endpoint {
    /// `None` for a pool made elsewhere (`Db::from_pool`).
    id: Option<String>,
    ctx: Ctx,
    /// `None` for SQLite and for pools made elsewhere.
    server: Option<Server>,
    max_connections: u32,
    acquire_timeout: Duration,
    probe: Option<Probe>,
    probing: AtomicBool,
    last: Mutex<Option<Probed>>,
}

/// The outcome of a direct connection attempt: `Err` holds the problem and
/// its words.
#[derive(Debug, Clone)]
struct Probed {
    at: Instant,
    outcome: std::result::Result<(), (ConnectProblem, String)>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("id", &self.id)
            .field("url", &self.ctx.url)
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The endpoint of a pool opened for `config`.
    pub(crate) fn new(
        ctx: Ctx,
        config: &DatabaseConfig,
        server: Option<Server>,
        probe: Option<Probe>,
    ) -> Endpoint {
        Endpoint {
            id: Some(ctx.id().to_string()),
            ctx,
            server,
            max_connections: config.max_connections,
            acquire_timeout: config.acquire_timeout,
            probe,
            probing: AtomicBool::new(false),
            last: Mutex::new(None),
        }
    }

    /// The endpoint of a pool made elsewhere: no id, no URL, its own settings.
    pub(crate) fn of_pool(pool: &Pool) -> Endpoint {
        Endpoint {
            id: None,
            ctx: Ctx::new("", ""),
            server: None,
            max_connections: pool.max_connections(),
            acquire_timeout: pool.acquire_timeout(),
            probe: None,
            probing: AtomicBool::new(false),
            last: Mutex::new(None),
        }
    }

    /// Takes a connection from `pool`, failing in words.
    pub(crate) async fn acquire(self: &Arc<Self>, pool: &Pool) -> Result<Conn> {
        self.wait(pool, pool.acquire()).await
    }

    /// Starts a transaction on `pool` with `begin`, failing in words.
    pub(crate) async fn begin(
        self: &Arc<Self>,
        pool: &Pool,
        begin: &'static str,
    ) -> Result<TxConn> {
        self.wait(pool, pool.begin(begin)).await
    }

    /// Awaits `taking` (a connection taken from `pool`, then maybe a
    /// statement on it), probing the server once it has waited half the
    /// acquire timeout.
    async fn wait<T>(
        self: &Arc<Self>,
        pool: &Pool,
        taking: impl Future<Output = std::result::Result<T, sqlx::Error>>,
    ) -> Result<T> {
        let started = Instant::now();
        let mut taking = std::pin::pin!(taking);
        let half = self.acquire_timeout / 2;
        let result = match tokio::time::timeout(half, &mut taking).await {
            Ok(result) => result,
            Err(_) => {
                // Done by 90% of the timeout, so the cause is in when it ends.
                self.start_probe((self.acquire_timeout - half) * 4 / 5);
                taking.await
            }
        };
        result.map_err(|e| self.acquire_error(pool, e, started))
    }

    /// Runs one direct connection attempt in the background, unless one runs.
    fn start_probe(self: &Arc<Self>, budget: Duration) {
        let Some(probe) = self.probe.clone() else {
            return;
        };
        if self.probing.swap(true, Ordering::AcqRel) {
            return;
        }
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let outcome = match tokio::time::timeout(budget, probe()).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(me.connect_failure(e)),
                Err(_) => Err((
                    ConnectProblem::Timeout,
                    format!(
                        "{} did not answer a new connection within {}; check that it is running and that no firewall drops the connection",
                        me.at(),
                        words(budget)
                    ),
                )),
            };
            *me.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(Probed {
                at: Instant::now(),
                outcome,
            });
            me.probing.store(false, Ordering::Release);
        });
    }

    /// A failed connection attempt in the words of a connect error.
    fn connect_failure(&self, e: sqlx::Error) -> (ConnectProblem, String) {
        let Some(server) = &self.server else {
            let detail = self.ctx.text(&driver_detail(&e));
            return (
                ConnectProblem::Other,
                format!("cannot open a connection ({detail})"),
            );
        };
        match server_error(&self.ctx, server, e) {
            Error::Connect {
                problem, message, ..
            } => (problem, message),
            other => (ConnectProblem::Other, other.to_string()),
        }
    }

    fn fail(&self, problem: ConnectProblem, message: String) -> Error {
        Error::Unavailable {
            id: self.id.clone(),
            problem,
            message,
        }
    }

    /// The server in messages: `the PostgreSQL server at host:port`.
    fn at(&self) -> String {
        match &self.server {
            Some(s) => format!("the {} server at {}", s.r#type.label(), shown(&s.address)),
            None => "the database".to_string(),
        }
    }

    /// Why taking a connection (started at `started`) failed with `e`.
    fn acquire_error(&self, pool: &Pool, e: sqlx::Error, started: Instant) -> Error {
        match e {
            sqlx::Error::PoolTimedOut => self.timed_out(pool, started),
            sqlx::Error::PoolClosed => self.fail(
                ConnectProblem::Other,
                "the pool is closed (`Db::close` was called); connect again to go on".into(),
            ),
            // A BEGIN the server refused, on a connection the pool gave.
            sqlx::Error::Database(ref db)
                if driver(pool.kind()).connect_problem(db.as_ref()).is_none() =>
            {
                self.statement_error(pool.kind(), e, Within::Pool)
            }
            e => {
                let (problem, message) = self.connect_failure(e);
                self.fail(problem, format!("cannot open a new connection: {message}"))
            }
        }
    }

    /// No connection within the acquire timeout: the last attempt's error,
    /// or a full pool.
    fn timed_out(&self, pool: &Pool, started: Instant) -> Error {
        let waited = format!(
            "no connection came free within {} (acquireTimeoutMillis)",
            words(self.acquire_timeout)
        );
        let probed = self
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .filter(|p| p.at >= started);
        match probed.map(|p| p.outcome) {
            Some(Err((problem, cause))) => self.fail(problem, format!("{waited}: {cause}")),
            Some(Ok(())) => self.exhausted(&waited),
            None if pool.size() >= self.max_connections => self.exhausted(&waited),
            None => self.fail(
                ConnectProblem::Timeout,
                format!(
                    "{waited}: {} did not answer in time; check that it is running and reachable{}",
                    self.at(),
                    self.url_hint()
                ),
            ),
        }
    }

    fn exhausted(&self, waited: &str) -> Error {
        self.fail(
            ConnectProblem::PoolExhausted,
            format!(
                "{waited}: all {} connections of the pool (maxConnections) stayed in use; raise maxConnections or acquireTimeoutMillis, or hold connections for less time (a transaction keeps its connection until commit or rollback)",
                self.max_connections
            ),
        )
    }

    fn url_hint(&self) -> String {
        if self.ctx.url.is_empty() {
            String::new()
        } else {
            format!(" (`{}`)", self.ctx.url)
        }
    }

    /// Whether `e` means the connection broke off rather than the server
    /// refusing the statement.
    fn lost(&self, kind: DialectKind, e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
            sqlx::Error::Database(db) => driver(kind).connection_lost(db.as_ref()),
            _ => false,
        }
    }

    /// The error of a statement of dialect `kind` run `within` a pool or a
    /// transaction: a broken connection in words, a constraint typed, the
    /// rest as sqlx said it.
    pub(crate) fn statement_error(
        &self,
        kind: DialectKind,
        e: sqlx::Error,
        within: Within,
    ) -> Error {
        if !self.lost(kind, &e) {
            return statement_error(kind, e);
        }
        let detail = match &e {
            // sqlx's "expected to read 5 bytes, got 0 bytes at EOF", rustls's
            // "peer closed connection without sending TLS close_notify: <url>".
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                "closed unexpectedly".to_string()
            }
            _ => self.ctx.text(&driver_detail(&e)),
        };
        let outcome = match within {
            Within::Pool => "the statement may or may not have taken effect",
            Within::Transaction => {
                "the transaction did not complete and the server rolls it back, nothing of it is kept"
            }
            Within::Commit => {
                "whether the transaction was committed is unknown: check the data before running it again"
            }
        };
        self.fail(
            ConnectProblem::ConnectionLost,
            format!(
                "the connection to {} broke off ({detail}); {outcome}; check that the server is running and reachable{}, then try again",
                self.at(),
                self.url_hint()
            ),
        )
    }
}

/// Where a statement ran, which says what a broken connection left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Within {
    /// On a connection of the pool, outside a transaction.
    Pool,
    /// Inside a transaction.
    Transaction,
    /// The `COMMIT` of a transaction.
    Commit,
}

/// `1 s`, `1.5 s`, `250 ms`.
pub(crate) fn words(d: Duration) -> String {
    let ms = d.as_millis();
    match ms {
        0..=999 => format!("{ms} ms"),
        _ if ms.is_multiple_of(1000) => format!("{} s", ms / 1000),
        _ => format!("{:.1} s", d.as_secs_f64()),
    }
}
