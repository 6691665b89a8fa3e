//! PostgreSQL: what it does differently at run time, and opening a pool.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Postgres as SqlxPostgres;
use sqlx::error::DatabaseError;
use sqlx::postgres::{PgConnectOptions, PgDatabaseError, PgSslMode};

use super::connect::{Remote, open_checked, probe_with, run_session, start};
use super::failure::{Ctx, Server};
use super::pool::Pool;
use super::tls;
use super::violation::{Place, between, names};
use super::{Driver, Kept, SessionLock};
use crate::config::{DatabaseConfig, DatabaseType};
use crate::error::{ConnectProblem, Result};

/// The advisory lock key of the current database, shared by push
/// (`pg_advisory_xact_lock`, inside its transaction) and migrate
/// (`pg_advisory_lock` around sqlx's migrator): the first 64 bits of
/// `md5('invect:' || current_database())`, so deployers of one database wait
/// for each other and those of other databases do not.
const LOCK_KEY: &str =
    "('x' || substr(md5('invect:' || current_database()), 1, 16))::bit(64)::bigint";

/// PostgreSQL: transactional DDL, advisory locks.
#[derive(Debug)]
pub(crate) struct Postgres;

impl Driver for Postgres {
    fn begin_read(&self) -> &'static str {
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    }

    fn transaction_lock(&self) -> Option<String> {
        Some(format!("SELECT pg_advisory_xact_lock({LOCK_KEY})"))
    }

    fn session_lock(&self) -> Option<SessionLock> {
        Some(SessionLock {
            acquire: format!("SELECT 1::int8 FROM (SELECT pg_advisory_lock({LOCK_KEY})) AS l"),
            release: format!("SELECT pg_advisory_unlock({LOCK_KEY})"),
        })
    }

    /// A long VALUES list is planned at every execution, so ~100 rows win.
    fn chunk_params(&self) -> usize {
        1_200
    }

    /// Binary `COPY` is faster than multi-row `INSERT` from 0 rows on
    /// (benches/RESULTS.md, `invect-insert-ab`); sent 1,000 rows (~250 kB)
    /// at a time, each written while the server takes the one before.
    fn copy_rows(&self) -> Option<(usize, usize)> {
        Some((0, 1_000))
    }

    fn invalid_indexes_sql(&self) -> Option<&'static str> {
        Some(
            "SELECT t.relname::text, i.relname::text FROM pg_catalog.pg_index ix \
             JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid \
             WHERE NOT ix.indisvalid AND t.relnamespace = \
             (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())",
        )
    }

    fn connect_problem(&self, db: &dyn DatabaseError) -> Option<ConnectProblem> {
        match db.try_downcast_ref::<PgDatabaseError>()?.code() {
            // invalid_password, invalid_authorization_specification
            "28P01" | "28000" => Some(ConnectProblem::LoginRefused),
            // invalid_catalog_name
            "3D000" => Some(ConnectProblem::MissingDatabase),
            _ => None,
        }
    }

    /// admin_shutdown, crash_shutdown, cannot_connect_now.
    fn connection_lost(&self, db: &dyn DatabaseError) -> bool {
        db.try_downcast_ref::<PgDatabaseError>()
            .is_some_and(|pg| matches!(pg.code(), "57P01" | "57P02" | "57P03"))
    }

    /// `statement_timeout`, in milliseconds.
    fn statement_timeout_sql(&self, timeout: Duration, _version: &str) -> Option<String> {
        Some(format!("SET statement_timeout = {}", timeout.as_millis()))
    }

    /// Columns from the detail (`Key (a, b)=(…) already exists.`) or the
    /// NOT NULL error's column field.
    fn violation_place(&self, db: &dyn DatabaseError) -> Place {
        let pg = db.try_downcast_ref::<PgDatabaseError>();
        let columns = match pg {
            Some(pg) => match (pg.column(), pg.detail().and_then(|d| between(d, "(", ")="))) {
                (Some(c), _) => vec![c.to_string()],
                (None, Some(list)) => names(list),
                (None, None) => Vec::new(),
            },
            None => Vec::new(),
        };
        Place {
            table: db.table().map(str::to_string),
            constraint: db.constraint().map(str::to_string),
            columns,
        }
    }

    fn migration_failure_advice(&self, _version: i64, kept: Kept) -> String {
        match kept {
            Kept::OutsideTransaction => "it ran outside a transaction; a CREATE INDEX \
                 CONCURRENTLY that fails leaves an INVALID index, which the next run drops \
                 before building it again: fix the cause (for a unique index, the duplicate \
                 values) and run migrate again"
                .to_string(),
            _ => "it was rolled back (files before it in this run stay applied); \
                 fix the cause and run migrate again"
                .to_string(),
        }
    }
}

/// The PostgreSQL parameters naming TLS files: CA, client certificate, key.
const TLS_FILES: [&[&str]; 3] = [
    &["sslrootcert", "ssl-root-cert", "ssl-ca"],
    &["sslcert", "ssl-cert"],
    &["sslkey", "ssl-key"],
];

pub(super) async fn connect_postgres(
    ctx: &Ctx,
    config: &DatabaseConfig,
    source: &str,
) -> Result<(Pool, Remote)> {
    tls::check_files(ctx, source, &TLS_FILES)?;
    let mut opts = PgConnectOptions::from_str(source)
        .map_err(|e| ctx.malformed(DatabaseType::Postgresql, &e))?;
    // As libpq: `require` with a CA file verifies the certificate against it.
    if matches!(opts.get_ssl_mode(), PgSslMode::Require)
        && tls::param(source, TLS_FILES[0]).is_some()
    {
        opts = opts.ssl_mode(PgSslMode::VerifyCa);
    }
    let server = Server {
        r#type: DatabaseType::Postgresql,
        address: match opts.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => format!("{}:{}", opts.get_host(), opts.get_port()),
        },
        user: opts.get_username().to_string(),
        // PostgreSQL's default database is the one named like the user.
        database: Some(
            opts.get_database()
                .unwrap_or(opts.get_username())
                .to_string(),
        ),
    };
    let session: Vec<String> = config
        .statement_timeout
        .and_then(|t| Postgres.statement_timeout_sql(t, ""))
        .into_iter()
        .collect();
    let session = Arc::new(session);
    let start = start(move |conn| {
        let session = Arc::clone(&session);
        Box::pin(async move { run_session::<SqlxPostgres>(conn, &session).await })
    });
    let pool = open_checked(ctx, &server, config, opts.clone(), start).await?;
    let probe = probe_with(opts);
    Ok((Pool::Postgres(pool), Remote { server, probe }))
}
