//! Opening a pool for a [`DatabaseConfig`]: its connection string read once,
//! checked against the configured type, then opened by the dialect's file
//! within bounded time; every failure an [`Error::Connect`](crate::Error::Connect)
//! in words (see `failure.rs`).

use super::failure::Ctx;
use super::pool::Pool;
use super::url::{Location, Target};
use super::{mysql, postgres, sqlite};
use crate::config::DatabaseConfig;
use crate::error::{ConnectProblem, Result};

pub use super::failure::CONNECT_TIMEOUT;

/// Opens a pool for `config`.
pub(crate) async fn connect_pool(config: &DatabaseConfig) -> Result<Pool> {
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
    match target.location {
        Location::Memory { query } => sqlite::connect_sqlite_memory(&ctx, query).await,
        Location::File { path, query } => sqlite::connect_sqlite_file(&ctx, path, query).await,
        Location::Server { url } if found == crate::config::DatabaseType::Postgresql => {
            postgres::connect_postgres(&ctx, url).await
        }
        Location::Server { url } => mysql::connect_mysql(&ctx, url).await,
    }
}
