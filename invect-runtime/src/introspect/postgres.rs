//! PostgreSQL introspection from `pg_catalog`, five queries whatever the
//! number of tables. Not `information_schema`: its constraint views show only
//! what the current user owns or may change, so a SELECT-only user would see
//! no keys at all; `pg_catalog` shows everything to everyone.

use invect_schema::{ColumnType, DefaultValue};
use sqlx::Row;
use sqlx::postgres::{PgConnection, PgRow};

use super::{
    LiveColumn, LiveForeignKey, LiveIndex, LiveSchema, LiveTable, is_null, literal_matches,
    sql_string, strip_parens,
};
use crate::error::Result;

/// Every relation of the current schema and its kind (`r` table,
/// `p` partitioned table, `v` view, `m` materialized view, `S` sequence,
/// `i`/`I` index, `c` composite type, `f` foreign table). Tables come from
/// here, not from the columns, so a table without columns is still seen.
const RELATIONS: &str = "\
SELECT c.relname::text AS name, c.relkind::text AS kind
FROM pg_catalog.pg_class c
WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
ORDER BY c.relname";

/// The columns of every table, in ordinal order, each with its default as
/// `pg_get_expr` writes it (`'x'::text`; a generated column's expression is
/// no default).
const COLUMNS: &str = "\
SELECT c.relname::text AS table_name, a.attname::text AS name,
       lower(pg_catalog.format_type(a.atttypid, a.atttypmod)) AS data_type,
       NOT a.attnotnull AS nullable,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS column_default
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum";

/// Every index but the primary key's, key columns in order (an expression
/// as its text; `INCLUDE` columns left out).
const INDEXES: &str = "\
SELECT t.relname::text AS table_name, i.relname::text AS name, ix.indisunique AS is_unique,
       ix.indisvalid AS is_valid,
       ARRAY(SELECT coalesce(a.attname::text, pg_catalog.pg_get_indexdef(ix.indexrelid, k.ord::int, true))
             FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(num, ord)
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.num
             WHERE k.ord <= ix.indnkeyatts
             ORDER BY k.ord) AS columns
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid
JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
WHERE t.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND t.relkind IN ('r', 'p') AND NOT ix.indisprimary
ORDER BY t.relname, i.relname";

/// Primary keys (`p`) and foreign keys (`f`), columns in constraint order.
const CONSTRAINTS: &str = "\
SELECT t.relname::text AS table_name, con.conname::text AS name, con.contype::text AS kind,
       coalesce(r.relname::text, '') AS target_table, con.confdeltype::text AS on_delete,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.ord) AS columns,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
             ORDER BY k.ord) AS target_columns
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
LEFT JOIN pg_catalog.pg_class r ON r.oid = con.confrelid
WHERE t.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND t.relkind IN ('r', 'p') AND con.contype IN ('p', 'f')
ORDER BY t.relname, con.conname";

/// Enum types of the current schema and their labels in order.
const ENUMS: &str = "\
SELECT t.typname::text AS name, e.enumlabel::text AS label
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
WHERE t.typnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
ORDER BY t.typname, e.enumsortorder";

/// Reads the current schema on `conn`, in whatever transaction it is in.
pub(super) async fn read(conn: &mut PgConnection) -> Result<LiveSchema> {
    let mut live = LiveSchema::default();
    for row in fetch(conn, &mut live, RELATIONS).await? {
        let name: String = row.try_get("name")?;
        match row.try_get::<String, _>("kind")?.as_str() {
            "r" | "p" => {
                live.tables.insert(name, LiveTable::default());
            }
            _ => {
                live.other_relations.insert(name);
            }
        }
    }
    for row in fetch(conn, &mut live, COLUMNS).await? {
        let column = LiveColumn {
            name: row.try_get("name")?,
            data_type: row.try_get("data_type")?,
            nullable: row.try_get("nullable")?,
            json_check: false,
            default: row.try_get("column_default")?,
        };
        table(&mut live, &row)?.columns.push(column);
    }
    for row in fetch(conn, &mut live, INDEXES).await? {
        let index = LiveIndex {
            name: row.try_get("name")?,
            columns: row.try_get("columns")?,
            unique: row.try_get("is_unique")?,
            valid: row.try_get("is_valid")?,
        };
        table(&mut live, &row)?.indexes.push(index);
    }
    for row in fetch(conn, &mut live, CONSTRAINTS).await? {
        let columns: Vec<String> = row.try_get("columns")?;
        if row.try_get::<String, _>("kind")? == "p" {
            table(&mut live, &row)?.primary_key = columns;
            continue;
        }
        let fk = LiveForeignKey {
            name: row.try_get("name")?,
            columns,
            target_table: row.try_get("target_table")?,
            target_columns: row.try_get("target_columns")?,
            on_delete: on_delete(&row.try_get::<String, _>("on_delete")?).to_string(),
        };
        table(&mut live, &row)?.foreign_keys.push(fk);
    }
    for row in fetch(conn, &mut live, ENUMS).await? {
        let name: String = row.try_get("name")?;
        live.enums
            .entry(name)
            .or_default()
            .push(row.try_get("label")?);
    }
    Ok(live)
}

/// Runs one catalog query and counts it.
async fn fetch(
    conn: &mut PgConnection,
    live: &mut LiveSchema,
    sql: &'static str,
) -> Result<Vec<PgRow>> {
    live.queries += 1;
    Ok(sqlx::query(sql).fetch_all(conn).await?)
}

/// The table a row's `table_name` names (created if the relation query
/// missed it, i.e. a table created between the two queries).
fn table<'a>(live: &'a mut LiveSchema, row: &PgRow) -> Result<&'a mut LiveTable> {
    let name: String = row.try_get("table_name")?;
    Ok(live.tables.entry(name).or_default())
}

/// `pg_constraint.confdeltype` as the words after `ON DELETE`.
fn on_delete(code: &str) -> &'static str {
    match code {
        "c" => "CASCADE",
        "n" => "SET NULL",
        "r" => "RESTRICT",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    }
}

/// Whether `live` has the type `expected` renders to (`TEXT`, `INTEGER`,
/// `TIMESTAMPTZ(3)`, `"flow_run_status"`...), aliases allowed.
pub(super) fn type_matches(expected: &ColumnType, live: &LiveColumn) -> bool {
    let t = live.data_type.trim();
    match expected {
        ColumnType::String { .. } | ColumnType::Text => t == "text",
        ColumnType::Number => matches!(t, "integer" | "int4" | "int"),
        ColumnType::BigInt => matches!(t, "bigint" | "int8"),
        ColumnType::Boolean => matches!(t, "boolean" | "bool"),
        ColumnType::Date => matches!(t, "timestamp(3) with time zone" | "timestamptz(3)"),
        ColumnType::Json => t == "jsonb",
        ColumnType::Uuid => t == "uuid",
        ColumnType::Enum(e) => unquote(t) == e.name,
    }
}

/// Whether the live default is `declared`. PostgreSQL writes literals with
/// their casts (`'PENDING'::"flow_run_status"`, `'-5'::integer`, `jsonb`
/// text re-spaced) and `now` as `now()` (`CURRENT_TIMESTAMP`, the same
/// moment, is accepted too).
pub(super) fn default_matches(
    declared: Option<&DefaultValue>,
    ty: &ColumnType,
    live: Option<&str>,
) -> bool {
    let live = live.map(without_casts).filter(|l| !is_null(l));
    let (Some(declared), Some(live)) = (declared, live) else {
        return declared.is_none() && live.is_none();
    };
    let call = live.to_ascii_lowercase();
    match declared {
        DefaultValue::Now => matches!(call.as_str(), "now()" | "current_timestamp"),
        DefaultValue::Uuid => call == "gen_random_uuid()",
        _ => match sql_string(live) {
            Some(text) => literal_matches(declared, ty, &text),
            None => literal_matches(declared, ty, live),
        },
    }
}

/// A default's text without enclosing parentheses and trailing casts:
/// `('a'::character varying)::text` → `'a'`.
fn without_casts(text: &str) -> &str {
    let mut t = strip_parens(text);
    while let Some(at) = last_cast(t) {
        t = strip_parens(&t[..at]);
    }
    t
}

/// Where the last `::` outside quotes and parentheses starts.
fn last_cast(text: &str) -> Option<usize> {
    let (mut depth, mut quote, mut last) = (0i32, None, None);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'(') => depth += 1,
            (None, b')') => depth -= 1,
            (None, b':')
                if depth == 0
                    && bytes.get(i + 1) == Some(&b':')
                    && i.checked_sub(1).and_then(|p| bytes.get(p)) != Some(&b':') =>
            {
                last = Some(i);
            }
            _ => {}
        }
    }
    last
}

/// A type name without its identifier quotes (`"a""b"` → `a"b`).
fn unquote(name: &str) -> std::borrow::Cow<'_, str> {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\"").into(),
        None => name.into(),
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

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

    fn status() -> ColumnType {
        ColumnType::Enum(EnumDef {
            name: Cow::Borrowed("flow_run_status"),
            values: Cow::Borrowed(&[Cow::Borrowed("PENDING")]),
        })
    }

    #[test]
    fn server_spellings_and_aliases_match() {
        let cases = [
            (ColumnType::STRING, "text"),
            (ColumnType::Text, "text"),
            (ColumnType::Number, "integer"),
            (ColumnType::Number, "int4"),
            (ColumnType::BigInt, "bigint"),
            (ColumnType::BigInt, "int8"),
            (ColumnType::Boolean, "boolean"),
            (ColumnType::Boolean, "bool"),
            (ColumnType::Date, "timestamp(3) with time zone"),
            (ColumnType::Date, "timestamptz(3)"),
            (ColumnType::Json, "jsonb"),
            (ColumnType::Uuid, "uuid"),
            (status(), "flow_run_status"),
            (status(), "\"flow_run_status\""),
        ];
        for (ty, text) in cases {
            assert!(type_matches(&ty, &live(text)), "{ty} should match {text}");
        }
    }

    #[test]
    fn other_types_do_not_match() {
        let cases = [
            (ColumnType::STRING, "character varying(255)"),
            (ColumnType::Number, "bigint"),
            (ColumnType::Number, "smallint"),
            (ColumnType::BigInt, "integer"),
            (ColumnType::Boolean, "integer"),
            (ColumnType::Date, "timestamp(3) without time zone"),
            (ColumnType::Date, "timestamp with time zone"),
            (ColumnType::Date, "timestamptz(6)"),
            (ColumnType::Json, "json"),
            (ColumnType::Json, "text"),
            (ColumnType::Uuid, "text"),
            (status(), "text"),
            (status(), "node_execution_status"),
            (status(), "other.flow_run_status"),
        ];
        for (ty, text) in cases {
            assert!(
                !type_matches(&ty, &live(text)),
                "{ty} should not match {text}"
            );
        }
    }

    #[test]
    fn on_delete_codes_become_sql_words() {
        assert_eq!(on_delete("c"), "CASCADE");
        assert_eq!(on_delete("n"), "SET NULL");
        assert_eq!(on_delete("r"), "RESTRICT");
        assert_eq!(on_delete("d"), "SET DEFAULT");
        assert_eq!(on_delete("a"), "NO ACTION");
    }

    #[test]
    fn server_spellings_of_defaults_match() {
        use invect_schema::DefaultValue as D;
        let text = |s: &str| D::Str(s.to_string().into());
        let cases = [
            (D::Now, ColumnType::Date, "now()"),
            (D::Now, ColumnType::Date, "CURRENT_TIMESTAMP"),
            (D::Uuid, ColumnType::Uuid, "gen_random_uuid()"),
            (text("it's"), ColumnType::Text, "'it''s'::text"),
            (text(""), ColumnType::Text, "''::text"),
            (
                text("x"),
                ColumnType::STRING,
                "('x'::character varying)::text",
            ),
            (text("PENDING"), status(), "'PENDING'::flow_run_status"),
            (text("A"), status(), "'A'::\"Pre_St\""),
            (text("{\"a\":1}"), ColumnType::Json, "'{\"a\": 1}'::jsonb"),
            (D::Int(0), ColumnType::Number, "0"),
            (D::Int(-5), ColumnType::Number, "'-5'::integer"),
            (
                D::Int(9_999_999_999),
                ColumnType::BigInt,
                "'9999999999'::bigint",
            ),
            (D::Bool(true), ColumnType::Boolean, "true"),
            (D::Bool(false), ColumnType::Boolean, "false"),
        ];
        for (declared, ty, live) in cases {
            assert!(
                default_matches(Some(&declared), &ty, Some(live)),
                "{declared} should match {live}"
            );
        }
        assert!(default_matches(None, &ColumnType::Text, None));
        assert!(default_matches(None, &ColumnType::Text, Some("NULL::text")));
    }

    #[test]
    fn other_defaults_do_not_match() {
        use invect_schema::DefaultValue as D;
        let text = |s: &str| D::Str(s.to_string().into());
        let cases = [
            (Some(D::Now), ColumnType::Date, None),
            (None, ColumnType::Date, Some("now()")),
            (
                Some(D::Now),
                ColumnType::Date,
                Some("statement_timestamp()"),
            ),
            (Some(text("x")), ColumnType::Text, Some("'y'::text")),
            (Some(text("x")), ColumnType::Text, Some("'x' || 'y'")),
            (
                Some(text("PENDING")),
                status(),
                Some("'RUNNING'::flow_run_status"),
            ),
            (Some(text("{}")), ColumnType::Json, Some("'[]'::jsonb")),
            (Some(D::Int(1)), ColumnType::Number, Some("2")),
            (Some(D::Bool(true)), ColumnType::Boolean, Some("false")),
        ];
        for (declared, ty, live) in cases {
            assert!(
                !default_matches(declared.as_ref(), &ty, live),
                "{declared:?} should not match {live:?}"
            );
        }
    }
}
