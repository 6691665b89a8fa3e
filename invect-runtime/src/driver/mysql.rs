//! MySQL (and MariaDB): what it does differently at run time, and opening a
//! pool (UTC sessions in strict SQL mode).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use invect_schema::meta::MIGRATIONS_TABLE;
use sqlx::MySql;
use sqlx::error::DatabaseError;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError};
use tokio::sync::OnceCell;

use super::connect::{Remote, open_checked, probe_with, run_session, start};
use super::failure::{Ctx, Server};
use super::lock::LOCK_WAIT_SECS;
use super::pool::Pool;
use super::violation::{Place, between, names};
use super::{Driver, Kept, SessionLock, tls};
use crate::config::{DatabaseConfig, DatabaseType};
use crate::error::{ConnectProblem, Error, Result, dirty_advice};

/// The `GET_LOCK` name of the current database, shared by push and migrate
/// (`invect_` and the MD5 of the database name: 39 characters, under
/// MySQL's limit of 64).
const LOCK_NAME: &str = "CONCAT('invect_', MD5(DATABASE()))";

/// Adds strict mode to whatever SQL mode the server gives the session.
const STRICT_MODE: &str =
    "SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'STRICT_ALL_TABLES')";

/// MySQL: DDL commits as it goes; `GET_LOCK` is the lock.
#[derive(Debug)]
pub(crate) struct Mysql;

impl Driver for Mysql {
    fn begin_read(&self) -> &'static str {
        "START TRANSACTION READ ONLY"
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    /// sqlx's own MySQL lock asks for an infinite wait with `-1`, which
    /// MariaDB answers with NULL, taking no lock: this one waits a bounded time.
    fn session_lock(&self) -> Option<SessionLock> {
        Some(SessionLock {
            acquire: format!("SELECT GET_LOCK({LOCK_NAME}, {LOCK_WAIT_SECS})"),
            release: format!("DO RELEASE_LOCK({LOCK_NAME})"),
        })
    }

    fn chunk_params(&self) -> usize {
        6_000
    }

    /// Metadata locks, in whole seconds (at least 1).
    fn lock_timeout_sql(&self, timeout: std::time::Duration) -> Option<(String, String)> {
        Some((
            format!(
                "SET SESSION lock_wait_timeout = {}",
                timeout.as_secs().max(1)
            ),
            "SET SESSION lock_wait_timeout = DEFAULT".to_string(),
        ))
    }

    fn connect_problem(&self, db: &dyn DatabaseError) -> Option<ConnectProblem> {
        match db.try_downcast_ref::<MySqlDatabaseError>()?.number() {
            // access denied (password, no access to the database, plugin)
            1045 | 1044 | 1698 | 1251 => Some(ConnectProblem::LoginRefused),
            // unknown database
            1049 => Some(ConnectProblem::MissingDatabase),
            _ => None,
        }
    }

    /// Server shutdown in progress (1053), connection killed (MariaDB's 1927).
    fn connection_lost(&self, db: &dyn DatabaseError) -> bool {
        db.try_downcast_ref::<MySqlDatabaseError>()
            .is_some_and(|e| matches!(e.number(), 1053 | 1927))
    }

    /// MariaDB: `max_statement_time`, in seconds, for every statement.
    /// MySQL 8: `max_execution_time`, in milliseconds, which bounds read-only
    /// `SELECT`s only (MySQL has no limit for other statements).
    fn statement_timeout_sql(&self, timeout: Duration, version: &str) -> Option<String> {
        Some(if version.contains("MariaDB") {
            format!(
                "SET SESSION max_statement_time = {:.3}",
                timeout.as_secs_f64()
            )
        } else {
            format!("SET SESSION max_execution_time = {}", timeout.as_millis())
        })
    }

    /// From the message, by error number: `for key 'k'` (MySQL 8 writes
    /// `'t.k'`), ``Column 'c' cannot be null``, a foreign key's
    /// ``(`db`.`t`, CONSTRAINT `fk` FOREIGN KEY (`c`)``, a CHECK's
    /// ``CONSTRAINT `name` failed for `db`.`t` `` (MariaDB) or
    /// `Check constraint 'name' is violated` (MySQL).
    fn violation_place(&self, db: &dyn DatabaseError) -> Place {
        let m = db.message();
        let mut place = Place::default();
        if let Some(key) = between(m, "for key '", "'") {
            match key.rsplit_once('.') {
                Some((t, k)) => (place.table, place.constraint) = (Some(t.into()), Some(k.into())),
                None => place.constraint = Some(key.into()),
            }
        } else if let Some(c) = between(m, "Column '", "'").or(between(m, "Field '", "'")) {
            place.columns = vec![c.to_string()];
        } else if let Some(fk) = between(m, "CONSTRAINT `", "`") {
            place.constraint = Some(fk.to_string());
            place.table = between(m, "`.`", "`").map(str::to_string);
            place.columns = between(m, "FOREIGN KEY (", ")")
                .map(names)
                .unwrap_or_default();
        } else if let Some(check) = between(m, "constraint '", "'") {
            place.constraint = Some(check.to_string());
        }
        place
    }

    fn migration_failure_advice(&self, version: i64, kept: Kept) -> String {
        let half = format!(
            "MySQL commits each DDL statement as it goes, so the statements before the failing one \
             stay applied and `{MIGRATIONS_TABLE}` marks version {version} unfinished"
        );
        match kept {
            Kept::Nothing | Kept::OutsideTransaction => {
                "it failed before any of its statements was committed, so nothing of \
                 it was applied (files before it in this run stay applied); fix the cause and run \
                 migrate again"
                    .to_string()
            }
            Kept::PartOfGenerated => format!(
                "{half}; Invect wrote this file, so once the cause is fixed the next `migrate` \
                 completes it"
            ),
            Kept::PartOfHandWritten => format!("{half}; {}", dirty_advice(&version)),
        }
    }

    fn packet_limit_query(&self) -> Option<&'static str> {
        Some("SELECT CAST(@@max_allowed_packet AS SIGNED)")
    }

    fn current_schema(&self) -> &'static str {
        "DATABASE()"
    }
}

/// The MySQL parameters naming TLS files: CA, client certificate, key.
const TLS_FILES: [&[&str]; 3] = [
    &["ssl-ca", "sslca"],
    &["ssl-cert", "sslcert"],
    &["ssl-key", "sslkey"],
];

pub(super) async fn connect_mysql(
    ctx: &Ctx,
    config: &DatabaseConfig,
    source: &str,
) -> Result<(Pool, Remote)> {
    tls::check_files(ctx, source, &TLS_FILES)?;
    let opts = MySqlConnectOptions::from_str(source)
        .map_err(|e| ctx.malformed(DatabaseType::Mysql, &e))?
        .timezone(Some("+00:00".to_string()));
    let server = Server {
        r#type: DatabaseType::Mysql,
        address: match opts.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => format!("{}:{}", opts.get_host(), opts.get_port()),
        },
        user: opts.get_username().to_string(),
        database: opts.get_database().map(str::to_string),
    };
    if server.database.as_deref().is_none_or(str::is_empty) {
        return Err(no_database(ctx));
    }
    let timeout = config.statement_timeout;
    // Worked out on the first connection (the direct one or the pool's),
    // reused by the others.
    let session = Arc::new(OnceCell::new());
    let start = start(move |conn| {
        let session = Arc::clone(&session);
        Box::pin(async move { start_session(conn, timeout, &session).await })
    });
    let pool = open_checked(ctx, &server, config, opts.clone(), start).await?;
    let probe = probe_with(opts);
    Ok((Pool::Mysql(pool), Remote { server, probe }))
}

/// Runs what every connection starts with: strict mode (an oversized or
/// invalid value is an error, never silently cut), and the statement timeout
/// of this server (MariaDB and MySQL name it differently, so `session` is
/// worked out on the first connection that needs it).
async fn start_session(
    conn: &mut MySqlConnection,
    timeout: Option<Duration>,
    session: &OnceCell<Vec<String>>,
) -> std::result::Result<(), sqlx::Error> {
    let session = session
        .get_or_try_init(|| async {
            let mut session = vec![STRICT_MODE.to_string()];
            if let Some(timeout) = timeout {
                let version: String = sqlx::query_scalar("SELECT VERSION()")
                    .fetch_one(&mut *conn)
                    .await?;
                session.extend(Mysql.statement_timeout_sql(timeout, &version));
            }
            Ok::<_, sqlx::Error>(session)
        })
        .await?;
    run_session::<MySql>(conn, session).await
}

/// A MySQL connection string without a database: Invect's tables would
/// land nowhere (`DATABASE()` is NULL), so it is refused before connecting.
fn no_database(ctx: &Ctx) -> Error {
    ctx.fail(
        ConnectProblem::MissingDatabase,
        format!(
            "the connection string `{}` names no database; add one to its path (mysql://user:password@host:3306/invect, say), creating it first if need be (CREATE DATABASE `invect`)",
            ctx.url
        ),
    )
}
