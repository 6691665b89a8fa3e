//! The lock a migration runs under: the database's one lock, which push
//! takes too (`crate::conn`), so concurrent pushes and migrations of one
//! database wait for each other.

use sqlx::AssertSqlSafe;

use super::{Run, resume};
use crate::conn::{Conn, MYSQL_LOCK_NAME, MYSQL_LOCK_WAIT_SECS, PG_LOCK_KEY, mysql_lock_timeout};
use crate::error::Result;

/// Runs under the database's advisory lock, the one push takes too (sqlx's
/// own lock has another key, so push would not wait for it); released even
/// when a step fails.
pub(super) async fn pg_locked(run: &Run, conn: &mut sqlx::PgConnection) -> Result<Vec<i64>> {
    let lock = format!("SELECT pg_advisory_lock({PG_LOCK_KEY})");
    let unlock = format!("SELECT pg_advisory_unlock({PG_LOCK_KEY})");
    sqlx::raw_sql(AssertSqlSafe(lock))
        .execute(&mut *conn)
        .await?;
    let result = run.pending(&mut *conn).await;
    let released = sqlx::raw_sql(AssertSqlSafe(unlock))
        .execute(&mut *conn)
        .await;
    let applied = result?;
    released?;
    Ok(applied)
}

/// Runs under the database's `GET_LOCK`, the one push takes too. sqlx's own
/// MySQL lock asks for an infinite wait with `-1`, which MariaDB answers with
/// NULL, taking no lock.
pub(super) async fn mysql_locked(run: &Run, conn: &mut Conn) -> Result<Vec<i64>> {
    let lock = format!("SELECT GET_LOCK({MYSQL_LOCK_NAME}, {MYSQL_LOCK_WAIT_SECS})");
    if conn.int(&lock).await? != Some(1) {
        return Err(mysql_lock_timeout());
    }
    let result = resume::mysql_pending(run, conn).await;
    let released = conn
        .execute(&format!("DO RELEASE_LOCK({MYSQL_LOCK_NAME})"))
        .await;
    let applied = result?;
    released?;
    Ok(applied)
}
