//! SQLite introspection: `sqlite_master` joined with the table-valued
//! pragmas, four queries whatever the number of tables. SQLite's own
//! `sqlite_%` tables and indexes are left out.

use invect_schema::{ColumnType, DefaultValue, Dialect, Sqlite};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnection, SqliteRow};

use super::{
    LiveColumn, LiveForeignKey, LiveSchema, LiveTable, is_null, literal_matches, sql_string,
    strip_parens,
};
use crate::error::Result;

/// Tables, views and indexes: they share one namespace, so a view or an
/// index named like a table blocks its `CREATE TABLE`. (Triggers do not.)
const OBJECTS: &str = "\
SELECT name, type FROM sqlite_master
WHERE type IN ('table', 'view', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY name";

/// The columns of every table in order; `pk` is the position in the primary
/// key; `dflt_value` the default's text as written, without the parentheses
/// of an expression.
const COLUMNS: &str = "\
SELECT m.name AS table_name, p.name AS name, p.type AS data_type,
       p.\"notnull\" AS not_null, p.pk AS pk, p.dflt_value AS column_default
FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid";

/// Index columns in key order. Origin `c` is `CREATE INDEX`, `u` a UNIQUE
/// constraint's automatic index (kept, as a unique index), `pk` the primary
/// key's (left out). An expression has no column name.
const INDEXES: &str = "\
SELECT m.name AS table_name, l.name AS name, l.\"unique\" AS is_unique, i.name AS column_name
FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND l.origin <> 'pk'
ORDER BY m.name, l.name, i.seqno";

/// Foreign-key columns in key order. SQLite keeps no constraint names here.
const FOREIGN_KEYS: &str = "\
SELECT m.name AS table_name, f.id AS id, f.\"table\" AS target_table,
       f.\"from\" AS column_name, f.\"to\" AS target_column, f.on_delete AS on_delete
FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, f.id, f.seq";

/// Reads the `main` database on `conn`, in whatever transaction it is in.
pub(super) async fn read(conn: &mut SqliteConnection) -> Result<LiveSchema> {
    let mut live = LiveSchema::default();
    for row in fetch(conn, &mut live, OBJECTS).await? {
        let name: String = row.try_get("name")?;
        if row.try_get::<String, _>("type")? == "table" {
            live.tables.insert(name, LiveTable::default());
        } else {
            live.other_relations.insert(name);
        }
    }
    let mut primary_keys: Vec<(String, i64, String)> = Vec::new();
    for row in fetch(conn, &mut live, COLUMNS).await? {
        let table_name: String = row.try_get("table_name")?;
        let name: String = row.try_get("name")?;
        let pk: i64 = row.try_get("pk")?;
        if pk > 0 {
            primary_keys.push((table_name.clone(), pk, name.clone()));
        }
        let column = LiveColumn {
            name,
            data_type: row.try_get::<String, _>("data_type")?.to_lowercase(),
            nullable: row.try_get::<i64, _>("not_null")? == 0,
            json_check: false,
            default: row.try_get("column_default")?,
        };
        live.tables
            .entry(table_name)
            .or_default()
            .columns
            .push(column);
    }
    primary_keys.sort();
    for (table_name, _, column) in primary_keys {
        live.tables
            .entry(table_name)
            .or_default()
            .primary_key
            .push(column);
    }
    for row in fetch(conn, &mut live, INDEXES).await? {
        read_index_column(&mut live, &row)?;
    }
    let mut last_fk: Option<(String, i64)> = None;
    for row in fetch(conn, &mut live, FOREIGN_KEYS).await? {
        let key = (
            row.try_get::<String, _>("table_name")?,
            row.try_get::<i64, _>("id")?,
        );
        let column: String = row.try_get("column_name")?;
        let target_column: Option<String> = row.try_get("target_column")?;
        let table = live.tables.entry(key.0.clone()).or_default();
        match table.foreign_keys.last_mut() {
            Some(fk) if last_fk.as_ref() == Some(&key) => {
                fk.columns.push(column);
                fk.target_columns.extend(target_column);
            }
            _ => table.foreign_keys.push(LiveForeignKey {
                name: String::new(),
                columns: vec![column],
                target_table: row.try_get("target_table")?,
                target_columns: target_column.into_iter().collect(),
                on_delete: row.try_get::<String, _>("on_delete")?.to_uppercase(),
            }),
        }
        last_fk = Some(key);
    }
    fill_implicit_targets(&mut live);
    Ok(live)
}

/// Runs one catalog query and counts it.
async fn fetch(
    conn: &mut SqliteConnection,
    live: &mut LiveSchema,
    sql: &'static str,
) -> Result<Vec<SqliteRow>> {
    live.queries += 1;
    Ok(sqlx::query(sql).fetch_all(conn).await?)
}

/// Adds one index column row.
fn read_index_column(live: &mut LiveSchema, row: &SqliteRow) -> Result<()> {
    let table_name: String = row.try_get("table_name")?;
    let name: String = row.try_get("name")?;
    let column = row
        .try_get::<Option<String>, _>("column_name")?
        .unwrap_or_else(|| "(expression)".to_string());
    let table = live.tables.entry(table_name).or_default();
    let unique = row.try_get::<i64, _>("is_unique")? != 0;
    table.push_index_column(name, column, unique);
    Ok(())
}

/// `REFERENCES t` without columns means t's primary key; the pragma
/// reports no target columns then.
fn fill_implicit_targets(live: &mut LiveSchema) {
    let pks: Vec<(String, Vec<String>)> = live
        .tables
        .iter()
        .map(|(name, t)| (name.clone(), t.primary_key.clone()))
        .collect();
    for fk in live
        .tables
        .values_mut()
        .flat_map(|t| t.foreign_keys.iter_mut())
    {
        if fk.target_columns.is_empty()
            && let Some((_, pk)) = pks
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&fk.target_table))
        {
            fk.target_columns = pk.clone();
        }
    }
}

/// Whether the declared type is the one `expected` renders to (`TEXT` or
/// `INTEGER`), ignoring case.
pub(super) fn type_matches(expected: &ColumnType, live: &LiveColumn) -> bool {
    live.data_type
        .trim()
        .eq_ignore_ascii_case(&Sqlite.column_type(expected))
}

/// Whether the live default (SQLite keeps the DDL's text) is `declared`:
/// `now` as Invect's own `strftime` text, literals by value (`1` for `true`).
pub(super) fn default_matches(
    declared: Option<&DefaultValue>,
    ty: &ColumnType,
    live: Option<&str>,
) -> bool {
    let live = live.filter(|l| !is_null(l)).map(strip_parens);
    let (Some(declared), Some(live)) = (declared, live) else {
        return declared.is_none() && live.is_none();
    };
    match declared {
        DefaultValue::Now => Sqlite
            .function_default(declared)
            .is_some_and(|now| strip_parens(&now) == live),
        DefaultValue::Uuid => false,
        _ => match sql_string(live) {
            Some(text) => literal_matches(declared, ty, &text),
            None => literal_matches(declared, ty, live),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow::Borrowed;

    use invect_schema::EnumDef;

    use super::*;

    fn live(data_type: &str) -> LiveColumn {
        LiveColumn {
            name: "c".into(),
            data_type: data_type.into(),
            nullable: false,
            json_check: false,
            default: None,
        }
    }

    #[test]
    fn declared_types_match_in_any_case() {
        let status = ColumnType::Enum(EnumDef {
            name: Borrowed("status"),
            values: Borrowed(&[Borrowed("A")]),
        });
        let cases = [
            (ColumnType::STRING, "text"),
            (ColumnType::Text, "TEXT"),
            (ColumnType::Json, "text"),
            (ColumnType::Date, "text"),
            (ColumnType::Uuid, "text"),
            (status, "text"),
            (ColumnType::Number, "integer"),
            (ColumnType::BigInt, "INTEGER"),
            (ColumnType::Boolean, "integer"),
        ];
        for (ty, text) in cases {
            assert!(type_matches(&ty, &live(text)), "{ty} should match {text}");
        }
    }

    #[test]
    fn other_declared_types_do_not_match() {
        let cases = [
            (ColumnType::STRING, "integer"),
            (ColumnType::STRING, "varchar(255)"),
            (ColumnType::Text, ""),
            (ColumnType::Number, "text"),
            (ColumnType::Number, "int"),
            (ColumnType::BigInt, "bigint"),
            (ColumnType::Boolean, "boolean"),
            (ColumnType::Json, "blob"),
        ];
        for (ty, text) in cases {
            assert!(
                !type_matches(&ty, &live(text)),
                "{ty} should not match {text}"
            );
        }
    }

    #[test]
    fn defaults_match_as_written() {
        use invect_schema::DefaultValue as D;
        let text = |s: &str| D::Str(s.to_string().into());
        let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
        let cases = [
            (D::Now, ColumnType::Date, now),
            (text("it's"), ColumnType::Text, "'it''s'"),
            (text("{}"), ColumnType::Json, "'{}'"),
            (D::Int(-5), ColumnType::Number, "-5"),
            (D::Bool(true), ColumnType::Boolean, "1"),
            (D::Bool(false), ColumnType::Boolean, "FALSE"),
        ];
        for (declared, ty, live) in cases {
            assert!(
                default_matches(Some(&declared), &ty, Some(live)),
                "{declared} should match {live}"
            );
        }
        assert!(default_matches(None, &ColumnType::Uuid, None));
        assert!(default_matches(None, &ColumnType::Text, Some("NULL")));
        assert!(!default_matches(None, &ColumnType::Text, Some("'x'")));
        assert!(!default_matches(
            Some(&D::Now),
            &ColumnType::Date,
            Some("CURRENT_TIMESTAMP")
        ));
        assert!(!default_matches(
            Some(&D::Int(1)),
            &ColumnType::Number,
            None
        ));
    }
}
