//! The data checks: every default produced by the database, ON DELETE
//! CASCADE really deleting, generated ids really new per row.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use invect_schema::DialectKind;
use sqlx::{AssertSqlSafe, MySqlPool, PgPool, Row, SqlitePool};

use crate::spec::Def::{self, Now, Uuid as NewUuid};
use crate::spec::Ty::{self, Bool, Date, Enum, Json, Num, Str, Text, Uuid};
use crate::spec::{SPEC, Table, enum_labels};

/// A pool of one of the three databases, for the dialect-neutral data checks.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Db<'a> {
    Sqlite(&'a SqlitePool),
    Pg(&'a PgPool),
    MySql(&'a MySqlPool),
}

impl Db<'_> {
    fn kind(self) -> DialectKind {
        match self {
            Db::Sqlite(_) => DialectKind::Sqlite,
            Db::Pg(_) => DialectKind::Postgres,
            Db::MySql(_) => DialectKind::Mysql,
        }
    }

    fn quote(self, ident: &str) -> String {
        match self {
            Db::MySql(_) => format!("`{ident}`"),
            _ => format!("\"{ident}\""),
        }
    }

    /// `column` converted to text by the server.
    fn as_text(self, column: &str) -> String {
        let q = self.quote(column);
        match self {
            Db::Sqlite(_) => format!("CAST({q} AS TEXT)"),
            Db::Pg(_) => format!("{q}::text"),
            Db::MySql(_) => format!("CAST({q} AS CHAR)"),
        }
    }

    /// Runs SQL built here from the spec's names and fixed test literals.
    async fn execute(self, sql: String) -> Result<(), String> {
        let result = match self {
            Db::Sqlite(p) => sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(p)
                .await
                .map(drop),
            Db::Pg(p) => sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(p)
                .await
                .map(drop),
            Db::MySql(p) => sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(p)
                .await
                .map(drop),
        };
        result.map_err(|e| format!("{e}\n    in: {sql}"))
    }

    /// The first column of the only row `sql` returns, as text.
    async fn fetch_text(self, sql: String) -> Result<Option<String>, String> {
        let result = match self {
            Db::Sqlite(p) => sqlx::query(AssertSqlSafe(sql.clone()))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get(0)),
            Db::Pg(p) => sqlx::query(AssertSqlSafe(sql.clone()))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get(0)),
            Db::MySql(p) => sqlx::query(AssertSqlSafe(sql.clone()))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get(0)),
        };
        result.map_err(|e| format!("{e}\n    in: {sql}"))
    }

    /// The first column of the only row `sql` returns, decoded as a UTC time
    /// the way the typed API will decode it.
    async fn fetch_time(self, sql: String) -> Result<DateTime<Utc>, String> {
        let result = match self {
            Db::Sqlite(p) => sqlx::query(AssertSqlSafe(sql.clone()))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get(0)),
            Db::Pg(p) => sqlx::query(AssertSqlSafe(sql.clone()))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get(0)),
            Db::MySql(p) => sqlx::query(AssertSqlSafe(sql.clone()))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get(0)),
        };
        result.map_err(|e| format!("{e}\n    in: {sql}"))
    }

    async fn count(self, table: &str) -> Result<i64, String> {
        let sql = format!(
            "SELECT {} FROM {}",
            self.as_text_expr("COUNT(*)"),
            self.quote(table)
        );
        let text = self.fetch_text(sql).await?.unwrap_or_default();
        text.parse()
            .map_err(|e| format!("count of {table} = {text:?}: {e}"))
    }

    fn as_text_expr(self, expr: &str) -> String {
        match self {
            Db::Sqlite(_) => format!("CAST({expr} AS TEXT)"),
            Db::Pg(_) => format!("({expr})::text"),
            Db::MySql(_) => format!("CAST({expr} AS CHAR)"),
        }
    }
}

/// A literal for a required column without a default.
fn literal(db: Db<'_>, table: &str, ty: Ty) -> String {
    match ty {
        Str | Text => format!("'{table}-value'"),
        Num => "1".to_owned(),
        Bool => "TRUE".to_owned(),
        Json => "'{}'".to_owned(),
        Date if db.kind() == DialectKind::Sqlite => "'2024-01-01T00:00:00.000Z'".to_owned(),
        Date => "'2024-01-01 00:00:00'".to_owned(),
        // SQLite has no UUID function: the client supplies ids.
        Uuid => format!("'{}'", fake_uuid()),
        Enum(name) => format!("'{}'", enum_labels(name)[0]),
    }
}

/// A UUID-shaped id, different on every call (SQLite's client-side ids).
fn fake_uuid() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "00000000-0000-4000-8000-{:012}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn is_uuid_text(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, ch)| {
            if [8, 13, 18, 23].contains(&i) {
                ch == '-'
            } else {
                ch.is_ascii_hexdigit()
            }
        })
}

/// Inserts one row into every table, parents first (see `insert_minimal_row`).
/// Returns each table's `id` as text, for the foreign keys of later tables.
async fn insert_minimal_rows(db: Db<'_>) -> Result<BTreeMap<&'static str, String>, String> {
    let mut ids = BTreeMap::new();
    for table in SPEC {
        insert_minimal_row(db, table, &ids).await?;
        if table.columns.iter().any(|c| c.name == "id") {
            let sql = format!("SELECT {} FROM {}", db.as_text("id"), db.quote(table.name));
            let id = db
                .fetch_text(sql)
                .await?
                .ok_or_else(|| format!("{}.id: NULL", table.name))?;
            ids.insert(table.name, id);
        }
    }
    Ok(ids)
}

/// Inserts a row giving only the required columns that have no default
/// (and, on SQLite, the client-side UUID id), foreign keys pointing at `ids`.
async fn insert_minimal_row(
    db: Db<'_>,
    table: &Table,
    ids: &BTreeMap<&'static str, String>,
) -> Result<(), String> {
    let mut names = Vec::new();
    let mut values = Vec::new();
    for col in table.columns {
        let value = if db.kind() == DialectKind::Sqlite && matches!(col.default, Some(NewUuid)) {
            format!("'{}'", fake_uuid())
        } else if !col.required || col.default.is_some() {
            continue;
        } else if let Some((_, target, _)) =
            table.foreign_keys.iter().find(|(c, _, _)| *c == col.name)
        {
            let id = ids
                .get(target)
                .ok_or_else(|| format!("no {target} row for {}.{}", table.name, col.name))?;
            format!("'{id}'")
        } else {
            literal(db, table.name, col.ty)
        };
        names.push(db.quote(col.name));
        values.push(value);
    }
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        db.quote(table.name),
        names.join(", "),
        values.join(", ")
    );
    db.execute(sql)
        .await
        .map_err(|e| format!("{}: insert failed: {e}", table.name))
}

/// Compares every defaulted column of the rows `insert_minimal_rows` wrote
/// with the spec's default.
async fn check_defaults(db: Db<'_>, problems: &mut Vec<String>) -> Result<(), String> {
    let now = Utc::now();
    for table in SPEC {
        for col in table.columns {
            let Some(default) = col.default else { continue };
            let t = table.name;
            let n = col.name;
            let from = db.quote(t);
            match default {
                Now => {
                    let at = db
                        .fetch_time(format!("SELECT {} FROM {from}", db.quote(n)))
                        .await?;
                    let off = (at - now).num_milliseconds().abs();
                    if off > 60_000 {
                        problems.push(format!(
                            "{t}.{n}: expected the current time {now}, found {at}"
                        ));
                    }
                }
                NewUuid if db.kind() == DialectKind::Sqlite => {} // client side
                NewUuid => {
                    let found = db
                        .fetch_text(format!("SELECT {} FROM {from}", db.as_text(n)))
                        .await?;
                    if !found.as_deref().is_some_and(is_uuid_text) {
                        problems.push(format!(
                            "{t}.{n}: expected a generated 36-char UUID, found {found:?}"
                        ));
                    }
                }
                Def::Bool(b) if db.kind() == DialectKind::Postgres => {
                    check_text(db, t, n, &b.to_string(), problems).await?;
                }
                Def::Bool(b) => check_text(db, t, n, &u8::from(b).to_string(), problems).await?,
                Def::Int(i) => check_text(db, t, n, &i.to_string(), problems).await?,
                Def::Str(s) => check_text(db, t, n, s, problems).await?,
            }
        }
    }
    Ok(())
}

/// Compares `table.column` (as text) with `want`.
async fn check_text(
    db: Db<'_>,
    table: &str,
    column: &str,
    want: &str,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    let sql = format!("SELECT {} FROM {}", db.as_text(column), db.quote(table));
    let found = db.fetch_text(sql).await?;
    if found.as_deref() != Some(want) {
        problems.push(format!(
            "{table}.{column}: expected default {want:?}, found {found:?}"
        ));
    }
    Ok(())
}

/// Deletes the one flow; every table under it must be empty afterwards and
/// `credentials` (which does not reference flows) untouched.
async fn check_cascade(
    db: Db<'_>,
    flow_id: &str,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    for table in SPEC {
        let n = db.count(table.name).await?;
        if n != 1 {
            problems.push(format!(
                "{}: expected 1 row before the delete, found {n}",
                table.name
            ));
        }
    }
    let sql = format!(
        "DELETE FROM {} WHERE {} = '{flow_id}'",
        db.quote("flows"),
        db.quote("id")
    );
    db.execute(sql)
        .await
        .map_err(|e| format!("flows: delete failed: {e}"))?;
    for table in SPEC {
        let want = i64::from(table.name == "credentials");
        let n = db.count(table.name).await?;
        if n != want {
            problems.push(format!(
                "{}: expected {want} row(s) after deleting the flow (ON DELETE CASCADE), found {n}",
                table.name
            ));
        }
    }
    Ok(())
}

/// A UUID default must produce a new value per row, not a constant: a second
/// `credentials` row (no foreign keys) must get an id of its own.
async fn check_ids_differ(db: Db<'_>, problems: &mut Vec<String>) -> Result<(), String> {
    if db.kind() == DialectKind::Sqlite {
        return Ok(()); // client side
    }
    let table = SPEC
        .iter()
        .find(|t| t.name == "credentials")
        .ok_or("no credentials in SPEC")?;
    insert_minimal_row(db, table, &BTreeMap::new()).await?;
    let sql = format!(
        "SELECT {} FROM {}",
        db.as_text_expr(&format!("COUNT(DISTINCT {})", db.quote("id"))),
        db.quote(table.name)
    );
    let distinct = db.fetch_text(sql).await?;
    if distinct.as_deref() != Some("2") {
        problems.push(format!(
            "credentials.id: two inserted rows got {distinct:?} distinct generated ids, expected 2"
        ));
    }
    Ok(())
}

pub(crate) async fn check_data(db: Db<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    let result = async {
        let ids = insert_minimal_rows(db).await?;
        check_defaults(db, &mut problems).await?;
        let flow_id = ids.get("flows").cloned().unwrap_or_default();
        check_cascade(db, &flow_id, &mut problems).await?;
        check_ids_differ(db, &mut problems).await
    }
    .await;
    if let Err(e) = result {
        problems.push(e);
    }
    problems
}
