//! MySQL (and MariaDB): what it does differently at run time, and opening a
//! pool (UTC sessions in strict SQL mode).

use std::str::FromStr;

use invect_schema::meta::MIGRATIONS_TABLE;
use sqlx::error::DatabaseError;
use sqlx::mysql::{MySqlConnectOptions, MySqlDatabaseError};
use sqlx::{ConnectOptions, Connection, MySql};

use super::failure::{Ctx, Server, probe, server_error};
use super::lock::LOCK_WAIT_SECS;
use super::pool::{Pool, pool_options};
use super::violation::{Place, between, names};
use super::{Driver, Kept, SessionLock};
use crate::config::DatabaseType;
use crate::error::{ConnectProblem, Result, dirty_advice};

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

    fn connect_problem(&self, db: &dyn DatabaseError) -> Option<ConnectProblem> {
        match db.try_downcast_ref::<MySqlDatabaseError>()?.number() {
            // access denied (password, no access to the database, plugin)
            1045 | 1044 | 1698 | 1251 => Some(ConnectProblem::LoginRefused),
            // unknown database
            1049 => Some(ConnectProblem::MissingDatabase),
            _ => None,
        }
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
            Kept::Nothing => "it failed before any of its statements was committed, so nothing of \
                 it was applied (files before it in this run stay applied); fix the cause and run \
                 migrate again"
                .to_string(),
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

pub(super) async fn connect_mysql(ctx: &Ctx, source: &str) -> Result<Pool> {
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
    let mut conn = probe(ctx, &server, opts.connect()).await?;
    let strict = sqlx::Executor::execute(&mut conn, STRICT_MODE).await;
    let _ = conn.close().await;
    strict.map_err(|e| server_error(ctx, &server, e))?;
    let pool = pool_options::<MySql>()
        .after_connect(|conn, _| {
            Box::pin(async move {
                // Strict mode: an oversized or invalid value is an error, never silently cut.
                sqlx::Executor::execute(&mut *conn, STRICT_MODE).await?;
                Ok(())
            })
        })
        .connect_with(opts)
        .await
        .map_err(|e| server_error(ctx, &server, e))?;
    Ok(Pool::Mysql(pool))
}
