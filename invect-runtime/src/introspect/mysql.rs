//! MySQL / MariaDB introspection from `information_schema`, five queries
//! whatever the number of tables, all for `TABLE_SCHEMA = DATABASE()`.
//!
//! Names are `CAST(.. AS CHAR)`: MySQL 8 reports some `information_schema`
//! columns as binary strings, which do not decode as text.

use invect_schema::parse_mysql_enum;
use invect_schema::{ColumnType, DefaultValue};
use sqlx::Row;
use sqlx::mysql::{MySqlConnection, MySqlRow};

use super::{
    LiveColumn, LiveForeignKey, LiveSchema, LiveTable, is_null, literal_matches, strip_parens,
};
use crate::error::Result;

/// Every table and view. MariaDB also lists `SEQUENCE`s and
/// `SYSTEM VERSIONED` tables here; MySQL 8 has neither.
const TABLES: &str = "\
SELECT CAST(TABLE_NAME AS CHAR) AS name, CAST(TABLE_TYPE AS CHAR) AS kind
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME";

/// Columns of tables and views (view columns are dropped), in ordinal order,
/// with the default's text (see [`default_matches`] for how the two servers
/// write it).
const COLUMNS: &str = "\
SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(COLUMN_NAME AS CHAR) AS name,
       CAST(COLUMN_TYPE AS CHAR) AS data_type, CAST(IS_NULLABLE AS CHAR) AS nullable,
       CAST(COLUMN_DEFAULT AS CHAR) AS column_default
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION";

/// Index columns in key order; `PRIMARY` is the primary key. A functional
/// index part (MySQL 8) has no column name.
const INDEXES: &str = "\
SELECT CAST(TABLE_NAME AS CHAR) AS table_name, CAST(INDEX_NAME AS CHAR) AS name,
       CAST(COLUMN_NAME AS CHAR) AS column_name, CAST(NON_UNIQUE = 0 AS SIGNED) AS is_unique
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// Foreign-key columns in key order, with the delete rule. MariaDB shows
/// `REFERENTIAL_CONSTRAINTS` rows only to a user with some privilege besides
/// SELECT on the table (REFERENCES or SHOW VIEW will do; MySQL 8 is content
/// with SELECT): without one the rule is unknown and `on_delete` is empty.
const FOREIGN_KEYS: &str = "\
SELECT CAST(k.TABLE_NAME AS CHAR) AS table_name, CAST(k.CONSTRAINT_NAME AS CHAR) AS name,
       CAST(k.COLUMN_NAME AS CHAR) AS column_name,
       CAST(k.REFERENCED_TABLE_NAME AS CHAR) AS target_table,
       CAST(k.REFERENCED_COLUMN_NAME AS CHAR) AS target_column,
       CAST(coalesce(r.DELETE_RULE, '') AS CHAR) AS on_delete
FROM information_schema.KEY_COLUMN_USAGE k
LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA
 AND r.TABLE_NAME = k.TABLE_NAME
 AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// CHECK constraints, for MariaDB's JSON (`LONGTEXT` + `json_valid(col)`).
/// Only MariaDB's `CHECK_CONSTRAINTS` has `TABLE_NAME`, so it is read in a
/// MariaDB-only executable comment (`/*M! .. */`); MySQL 8 skips the comment,
/// returns rows without it, and they are ignored — its JSON is a real type.
const CHECKS: &str = "\
SELECT CAST(CHECK_CLAUSE AS CHAR) AS clause /*M!, CAST(TABLE_NAME AS CHAR) AS table_name */
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE()";

/// Reads the current database on `conn`, in whatever transaction it is in.
pub(super) async fn read(conn: &mut MySqlConnection) -> Result<LiveSchema> {
    let mut live = LiveSchema::default();
    for row in fetch(conn, &mut live, TABLES).await? {
        let name: String = row.try_get("name")?;
        match row.try_get::<String, _>("kind")?.as_str() {
            "BASE TABLE" | "SYSTEM VERSIONED" => {
                live.tables.insert(name, LiveTable::default());
            }
            _ => {
                live.other_relations.insert(name);
            }
        }
    }
    for row in fetch(conn, &mut live, COLUMNS).await? {
        let Some(table) = table(&mut live, &row)? else {
            continue;
        };
        table.columns.push(LiveColumn {
            name: row.try_get("name")?,
            data_type: lower_outside_quotes(&row.try_get::<String, _>("data_type")?),
            nullable: row.try_get::<String, _>("nullable")? == "YES",
            json_check: false,
            default: row.try_get("column_default")?,
        });
    }
    for row in fetch(conn, &mut live, INDEXES).await? {
        read_index_column(&mut live, &row)?;
    }
    for row in fetch(conn, &mut live, FOREIGN_KEYS).await? {
        read_foreign_key_column(&mut live, &row)?;
    }
    for row in fetch(conn, &mut live, CHECKS).await? {
        let table_name: String = match row.try_get("table_name") {
            Ok(name) => name,
            Err(sqlx::Error::ColumnNotFound(_)) => continue, // MySQL 8
            Err(e) => return Err(e.into()),
        };
        let clause: String = row.try_get("clause")?;
        let (Some(column), Some(table)) =
            (json_valid_column(&clause), live.tables.get_mut(&table_name))
        else {
            continue;
        };
        if let Some(c) = table.columns.iter_mut().find(|c| c.name == column) {
            c.json_check = true;
        }
    }
    Ok(live)
}

/// Runs one catalog query and counts it.
async fn fetch(
    conn: &mut MySqlConnection,
    live: &mut LiveSchema,
    sql: &'static str,
) -> Result<Vec<MySqlRow>> {
    live.queries += 1;
    Ok(sqlx::query(sql).fetch_all(conn).await?)
}

/// The base table a row's `table_name` names, `None` for a view's row.
fn table<'a>(live: &'a mut LiveSchema, row: &MySqlRow) -> Result<Option<&'a mut LiveTable>> {
    let name: String = row.try_get("table_name")?;
    Ok(live.tables.get_mut(&name))
}

/// Adds one `STATISTICS` row: a primary-key column or an index column.
fn read_index_column(live: &mut LiveSchema, row: &MySqlRow) -> Result<()> {
    let Some(table) = table(live, row)? else {
        return Ok(());
    };
    let name: String = row.try_get("name")?;
    let column = row
        .try_get::<Option<String>, _>("column_name")?
        .unwrap_or_else(|| "(expression)".to_string());
    if name == "PRIMARY" {
        table.primary_key.push(column);
        return Ok(());
    }
    let unique = row.try_get::<i64, _>("is_unique")? != 0;
    table.push_index_column(name, column, unique);
    Ok(())
}

/// Adds one `KEY_COLUMN_USAGE` row of a foreign key.
fn read_foreign_key_column(live: &mut LiveSchema, row: &MySqlRow) -> Result<()> {
    let Some(table) = table(live, row)? else {
        return Ok(());
    };
    let name: String = row.try_get("name")?;
    let column: String = row.try_get("column_name")?;
    let target_column: String = row.try_get("target_column")?;
    match table.foreign_keys.iter_mut().find(|f| f.name == name) {
        Some(fk) => {
            fk.columns.push(column);
            fk.target_columns.push(target_column);
        }
        None => table.foreign_keys.push(LiveForeignKey {
            name,
            columns: vec![column],
            target_table: row.try_get("target_table")?,
            target_columns: vec![target_column],
            on_delete: row.try_get::<String, _>("on_delete")?.to_uppercase(),
        }),
    }
    Ok(())
}

/// The column a `json_valid(`col`)` CHECK clause validates.
fn json_valid_column(clause: &str) -> Option<String> {
    let clause = clause.trim();
    let (head, rest) = clause.split_at_checked("json_valid(".len())?;
    if !head.eq_ignore_ascii_case("json_valid(") {
        return None;
    }
    let quoted = rest.strip_suffix(')')?.trim();
    let name = quoted.strip_prefix('`')?.strip_suffix('`')?;
    if name.replace("``", "").contains('`') {
        return None; // more than one identifier
    }
    Some(name.replace("``", "`"))
}

/// `text` lower-cased except inside single-quoted literals, so ENUM values
/// keep their case: `ENUM('A')` → `enum('A')`.
fn lower_outside_quotes(text: &str) -> String {
    let mut quoted = false;
    text.chars()
        .map(|c| {
            if c == '\'' {
                quoted = !quoted;
            }
            if quoted { c } else { c.to_ascii_lowercase() }
        })
        .collect()
}

/// `base` or `base(N)` (an integer with its display width, as MariaDB shows it).
fn is_int(data_type: &str, base: &str) -> bool {
    match data_type.strip_prefix(base) {
        Some("") => true,
        Some(width) => width
            .strip_prefix('(')
            .and_then(|w| w.strip_suffix(')'))
            .is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// Whether `live` has the type `expected` renders to, as MySQL 8 or MariaDB
/// reports it (`int` or `int(11)`, `json` or MariaDB's checked `longtext`).
/// An ENUM matches when it has every expected value: extra values are the
/// database's business, missing ones are for push to add.
pub(super) fn type_matches(expected: &ColumnType, live: &LiveColumn) -> bool {
    let t = live.data_type.trim();
    match expected {
        ColumnType::String { max_length } => {
            let n = max_length.unwrap_or(ColumnType::DEFAULT_MAX_LENGTH);
            t.strip_prefix("varchar(")
                .and_then(|rest| rest.strip_suffix(')'))
                .is_some_and(|len| len.parse() == Ok(n))
        }
        ColumnType::Text => t == "longtext" && !live.json_check,
        ColumnType::Number => is_int(t, "int"),
        ColumnType::BigInt => is_int(t, "bigint"),
        ColumnType::Boolean => t == "tinyint(1)",
        ColumnType::Date => t == "datetime(3)",
        ColumnType::Json => t == "json" || (t == "longtext" && live.json_check),
        ColumnType::Uuid => t == "char(36)",
        ColumnType::Enum(e) => parse_mysql_enum(t)
            .is_some_and(|live| e.values.iter().all(|v| live.iter().any(|l| l == v))),
    }
}

/// Whether the live `COLUMN_DEFAULT` is `declared`. The servers differ:
/// MariaDB (10.2.7+) writes a literal quoted (`'PENDING'`, `'it''s'`,
/// `'a\\b'`), an explicit `DEFAULT NULL` as the word `NULL`, `now` as
/// `current_timestamp(3)` and an expression default without its
/// parentheses (`uuid()`, `('{}')` as `'{}'`); MySQL 8 writes a literal
/// unquoted (`PENDING`), `DEFAULT NULL` as SQL NULL, `CURRENT_TIMESTAMP(3)`
/// in capitals, and an expression default's text with a character set
/// introducer and escaped quotes (`_utf8mb4\'{}\'`). Both forms are read.
pub(super) fn default_matches(
    declared: Option<&DefaultValue>,
    ty: &ColumnType,
    live: Option<&str>,
) -> bool {
    let live = live.filter(|l| !is_null(l)).map(strip_parens);
    let (Some(declared), Some(live)) = (declared, live) else {
        return declared.is_none() && live.is_none();
    };
    let call = live.to_ascii_lowercase();
    match declared {
        DefaultValue::Now => matches!(call.as_str(), "current_timestamp(3)" | "now(3)"),
        DefaultValue::Uuid => call == "uuid()",
        _ => {
            let quoted = mysql_string(live).or_else(|| mysql_string(&unintroduced(live)?));
            quoted.is_some_and(|text| literal_matches(declared, ty, &text))
                || literal_matches(declared, ty, live)
        }
    }
}

/// MySQL 8's text of a string expression, `_utf8mb4\'a\'` → `'a'`.
fn unintroduced(text: &str) -> Option<String> {
    let rest = text.strip_prefix('_')?;
    let start = rest.find(|c: char| !c.is_ascii_alphanumeric())?;
    Some(rest[start..].replace("\\'", "'"))
}

/// The value of one MySQL string literal, with doubled quotes and
/// backslash escapes (`'it''s'`, `'a\\b'`); `None` if `text` is not one.
fn mysql_string(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(match chars.next()? {
                '0' => '\0',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'Z' => '\x1a',
                other => other,
            }),
            '\'' if chars.next()? == '\'' => out.push('\''),
            '\'' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow::Borrowed;

    use invect_schema::EnumDef;

    use super::*;

    fn live(data_type: &str, json_check: bool) -> LiveColumn {
        LiveColumn {
            name: "c".into(),
            data_type: data_type.into(),
            nullable: false,
            json_check,
            default: None,
        }
    }

    fn status() -> ColumnType {
        ColumnType::Enum(EnumDef {
            name: Borrowed("status"),
            values: Borrowed(&[Borrowed("PENDING"), Borrowed("IT'S")]),
        })
    }

    #[test]
    fn server_spellings_match() {
        let cases = [
            (ColumnType::STRING, "varchar(255)", false),
            (
                ColumnType::String {
                    max_length: Some(64),
                },
                "varchar(64)",
                false,
            ),
            (ColumnType::Text, "longtext", false),
            (ColumnType::Number, "int", false),
            (ColumnType::Number, "int(11)", false),
            (ColumnType::BigInt, "bigint", false),
            (ColumnType::BigInt, "bigint(20)", false),
            (ColumnType::Boolean, "tinyint(1)", false),
            (ColumnType::Date, "datetime(3)", false),
            (ColumnType::Json, "json", false),
            (ColumnType::Json, "longtext", true),
            (ColumnType::Uuid, "char(36)", false),
            (status(), "enum('PENDING','IT''S')", false),
            (status(), "enum('PENDING','RUNNING','IT''S')", false),
            (status(), "enum('IT''S','PENDING')", false),
        ];
        for (ty, text, check) in cases {
            assert!(
                type_matches(&ty, &live(text, check)),
                "{ty} should match {text}"
            );
        }
    }

    #[test]
    fn other_types_do_not_match() {
        let cases = [
            (ColumnType::STRING, "varchar(191)", false),
            (
                ColumnType::String {
                    max_length: Some(64),
                },
                "varchar(255)",
                false,
            ),
            (ColumnType::STRING, "longtext", false),
            (ColumnType::Text, "longtext", true),
            (ColumnType::Text, "text", false),
            (ColumnType::Number, "bigint(20)", false),
            (ColumnType::Number, "int(11) unsigned", false),
            (ColumnType::Number, "tinyint(1)", false),
            (ColumnType::BigInt, "int(11)", false),
            (ColumnType::Boolean, "tinyint(4)", false),
            (ColumnType::Date, "datetime", false),
            (ColumnType::Date, "timestamp(3)", false),
            (ColumnType::Json, "longtext", false),
            (ColumnType::Uuid, "varchar(36)", false),
            (status(), "enum('PENDING')", false),
            (status(), "enum('pending','IT''S')", false),
            (status(), "varchar(255)", false),
        ];
        for (ty, text, check) in cases {
            assert!(
                !type_matches(&ty, &live(text, check)),
                "{ty} should not match {text}"
            );
        }
    }

    #[test]
    fn only_text_outside_quotes_is_lowered() {
        assert_eq!(lower_outside_quotes("ENUM('A','b''C')"), "enum('A','b''C')");
        assert_eq!(lower_outside_quotes("VARCHAR(255)"), "varchar(255)");
    }

    #[test]
    fn json_valid_checks_name_their_column() {
        assert_eq!(json_valid_column("json_valid(`tags`)"), Some("tags".into()));
        assert_eq!(json_valid_column("JSON_VALID(`a``b`)"), Some("a`b".into()));
        assert_eq!(json_valid_column("`tags` <> ''"), None);
        assert_eq!(json_valid_column("json_valid(`a`) and `b` > 0"), None);
        assert_eq!(json_valid_column("json_valid(`a`) or (`b`)"), None);
    }

    #[test]
    fn both_servers_spellings_of_defaults_match() {
        use invect_schema::DefaultValue as D;
        let text = |s: &str| D::Str(s.to_string().into());
        let cases = [
            // MariaDB 10.11, as read from the server
            (D::Now, ColumnType::Date, "current_timestamp(3)"),
            (D::Uuid, ColumnType::Uuid, "uuid()"),
            (text("it's"), ColumnType::STRING, "'it''s'"),
            (text("a\\b"), ColumnType::STRING, "'a\\\\b'"),
            (text(""), ColumnType::Text, "''"),
            (text("{\"a\":1}"), ColumnType::Json, "'{\"a\":1}'"),
            (text("NULL"), ColumnType::STRING, "'NULL'"),
            (text("PENDING"), status(), "'PENDING'"),
            (D::Int(-5), ColumnType::Number, "-5"),
            (D::Bool(true), ColumnType::Boolean, "1"),
            (D::Bool(false), ColumnType::Boolean, "0"),
            // MySQL 8, as its manual shows it
            (D::Now, ColumnType::Date, "CURRENT_TIMESTAMP(3)"),
            (text("PENDING"), status(), "PENDING"),
            (text("{}"), ColumnType::Json, "_utf8mb4\\'{}\\'"),
            (D::Int(0), ColumnType::Number, "0"),
        ];
        for (declared, ty, live) in cases {
            assert!(
                default_matches(Some(&declared), &ty, Some(live)),
                "{declared} should match {live}"
            );
        }
        assert!(default_matches(None, &ColumnType::Text, None));
        assert!(default_matches(None, &ColumnType::Text, Some("NULL")));
    }

    #[test]
    fn other_defaults_do_not_match() {
        use invect_schema::DefaultValue as D;
        let text = |s: &str| D::Str(s.to_string().into());
        let cases = [
            (Some(D::Now), ColumnType::Date, None),
            (None, ColumnType::Uuid, Some("uuid()")),
            (Some(D::Now), ColumnType::Date, Some("current_timestamp()")),
            (Some(text("x")), ColumnType::STRING, Some("'y'")),
            (Some(text("PENDING")), status(), Some("'RUNNING'")),
            (Some(text("{}")), ColumnType::Json, Some("'[]'")),
            (Some(D::Int(1)), ColumnType::Number, Some("2")),
            (Some(D::Bool(true)), ColumnType::Boolean, Some("0")),
        ];
        for (declared, ty, live) in cases {
            assert!(
                !default_matches(declared.as_ref(), &ty, live),
                "{declared:?} should not match {live:?}"
            );
        }
    }
}
