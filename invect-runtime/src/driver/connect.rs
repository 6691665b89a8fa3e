//! Opening a pool for a [`DatabaseConfig`]: its connection string read once,
//! checked against the configured type, then opened by the dialect's file
//! within bounded time; every failure an [`Error::Connect`](crate::Error::Connect)
//! in words (see `failure.rs`). The pool comes with its [`Endpoint`], which
//! words the failures at run time.

use std::pin::pin;
use std::sync::Arc;

use futures_core::future::BoxFuture;
use sqlx::{ConnectOptions, Connection};

use super::endpoint::{Endpoint, Probe};
use super::failure::{Ctx, Server, probe, server_error};
use super::pool::{Pool, pool_options};
use super::url::{Location, Target};
use super::{mysql, postgres, sqlite};
use crate::config::DatabaseConfig;
use crate::error::{ConnectProblem, Result};

pub use super::failure::CONNECT_TIMEOUT;

/// What a server pool connects to, for its [`Endpoint`].
pub(super) struct Remote {
    pub server: Server,
    pub probe: Probe,
}

/// Opens a pool for `config`.
pub(crate) async fn connect_pool(config: &DatabaseConfig) -> Result<(Pool, Endpoint)> {
    let ctx = Ctx::new(&config.id, &config.connection_string);
    config.validate()?;
    let target = Target::parse(&ctx, config.connection_string.trim())?;
    let found = target.r#type;
    if found != config.r#type {
        return Err(ctx.fail(
            ConnectProblem::TypeMismatch,
            format!(
                "`type` is `{}`, which does not match the connection string `{}` (a {} connection string); set `type` to `{}` or use a {} connection string",
                config.r#type,
                ctx.url,
                found.label(),
                found,
                config.r#type.label(),
            ),
        ));
    }
    let (pool, remote) = match target.location {
        Location::Memory { query } => (
            sqlite::connect_sqlite_memory(&ctx, config, query).await?,
            None,
        ),
        Location::File { path, query } => (
            sqlite::connect_sqlite_file(&ctx, config, path, query).await?,
            None,
        ),
        Location::Server { url } if found == crate::config::DatabaseType::Postgresql => {
            let (pool, remote) = postgres::connect_postgres(&ctx, config, url).await?;
            (pool, Some(remote))
        }
        Location::Server { url } => {
            let (pool, remote) = mysql::connect_mysql(&ctx, config, url).await?;
            (pool, Some(remote))
        }
    };
    let (server, probe) = remote.map(|r| (r.server, r.probe)).unzip();
    Ok((pool, Endpoint::new(ctx, config, server, probe)))
}

/// What every new connection of a server pool starts with (its session
/// statements), run on the direct connection too.
pub(super) type Start<C> = Arc<
    dyn for<'c> Fn(&'c mut C) -> BoxFuture<'c, std::result::Result<(), sqlx::Error>> + Send + Sync,
>;

/// A [`Start`] from a closure (which gets its signature from this bound).
pub(super) fn start<C, F>(f: F) -> Start<C>
where
    F: for<'c> Fn(&'c mut C) -> BoxFuture<'c, std::result::Result<(), sqlx::Error>>
        + Send
        + Sync
        + 'static,
{
    Arc::new(f)
}

/// How long a pool may take to open before a direct connection tries the
/// server beside it: a server that answers sooner costs one connection only.
const PROBE_AFTER: std::time::Duration = std::time::Duration::from_millis(100);

/// Opens a server's pool, each connection begun with `start`. The pool
/// retries refused connections and failed session statements until its
/// timeout and then reports only the timeout, so when it has not opened
/// within [`PROBE_AFTER`] (or failed), a direct connection tries the server
/// and `start`, and its failure is what words the error.
pub(super) async fn open_checked<DB: sqlx::Database>(
    ctx: &Ctx,
    server: &Server,
    config: &DatabaseConfig,
    opts: <DB::Connection as Connection>::Options,
    start: Start<DB::Connection>,
) -> Result<sqlx::Pool<DB>> {
    let check = |opts, start| try_direct::<DB>(ctx, server, opts, start);
    let each = Arc::clone(&start);
    let open = pool_options::<DB>(config)
        .after_connect(move |conn, _| each(conn))
        .connect_with(opts.clone());
    let mut open = pin!(open);
    let opened = match tokio::time::timeout(PROBE_AFTER, &mut open).await {
        Ok(opened) => opened,
        Err(_) => {
            let mut check = pin!(check(opts.clone(), Arc::clone(&start)));
            return tokio::select! {
                checked = &mut check => {
                    checked?;
                    open.await.map_err(|e| server_error(ctx, server, e))
                }
                opened = &mut open => match opened {
                    Ok(pool) => Ok(pool),
                    Err(e) => {
                        check.await?;
                        Err(server_error(ctx, server, e))
                    }
                },
            };
        }
    };
    match opened {
        Ok(pool) => Ok(pool),
        // A pool failure is worded by the direct attempt's, if it fails too.
        Err(e) => {
            check(opts, start).await?;
            Err(server_error(ctx, server, e))
        }
    }
}

/// One direct connection with `opts` and its `start`, closed at once: the
/// failure in words, where the pool would only time out.
async fn try_direct<DB: sqlx::Database>(
    ctx: &Ctx,
    server: &Server,
    opts: <DB::Connection as Connection>::Options,
    start: Start<DB::Connection>,
) -> Result<()> {
    let mut conn = probe(ctx, server, opts.connect()).await?;
    let setup = start(&mut conn).await;
    let _ = conn.close().await;
    setup.map_err(|e| server_error(ctx, server, e))
}

/// A direct connection attempt with `opts`, closed at once.
pub(super) fn probe_with<O>(opts: O) -> Probe
where
    O: ConnectOptions,
    O::Connection: Sized,
{
    Arc::new(move || {
        let opts = opts.clone();
        Box::pin(async move { opts.connect().await?.close().await })
    })
}

/// Runs `session` (the statements every new connection starts with) on `conn`.
pub(super) async fn run_session<DB: sqlx::Database>(
    conn: &mut DB::Connection,
    session: &[String],
) -> std::result::Result<(), sqlx::Error>
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    for sql in session {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
