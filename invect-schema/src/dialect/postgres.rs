//! PostgreSQL: native types, named enum types, server-side `now()` and UUIDs.

use super::{Dialect, DialectKind};
use crate::model::{ColumnDef, ColumnType, DefaultValue, EnumDef, TableDef};

/// PostgreSQL DDL.
#[derive(Debug, Clone, Copy)]
pub struct Postgres;

impl Dialect for Postgres {
    fn kind(&self) -> DialectKind {
        DialectKind::Postgres
    }

    fn column_type(&self, ty: &ColumnType) -> String {
        match ty {
            ColumnType::String { .. } | ColumnType::Text => "TEXT".into(),
            ColumnType::Number => "INTEGER".into(),
            ColumnType::BigInt => "BIGINT".into(),
            ColumnType::Boolean => "BOOLEAN".into(),
            ColumnType::Date => "TIMESTAMPTZ(3)".into(),
            ColumnType::Json => "JSONB".into(),
            ColumnType::Uuid => "UUID".into(),
            ColumnType::Enum(e) => self.quote(&e.name),
        }
    }

    fn function_default(&self, default: &DefaultValue) -> Option<String> {
        match default {
            DefaultValue::Now => Some("now()".into()),
            DefaultValue::Uuid => Some("gen_random_uuid()".into()),
            _ => None,
        }
    }

    /// Enum values are bound as text and cast to the enum type.
    fn placeholder(&self, n: usize, ty: &ColumnType) -> String {
        match ty {
            ColumnType::Enum(e) => format!("${n}::{}", self.quote(&e.name)),
            _ => format!("${n}"),
        }
    }

    fn copy_from_stdin(&self, table: &str, columns: &str) -> Option<String> {
        Some(format!(
            "COPY {table} ({columns}) FROM STDIN (FORMAT binary)"
        ))
    }

    fn nulls_order(&self, desc: bool) -> &'static str {
        if desc { " NULLS LAST" } else { " NULLS FIRST" }
    }

    fn unlimited(&self) -> &'static str {
        "ALL"
    }

    fn drop_enum(&self, e: &EnumDef) -> Option<String> {
        Some(format!("DROP TYPE {}", self.quote(&e.name)))
    }

    /// `timestamp` (read as UTC) and `timestamptz` of any precision (refused
    /// when a row has sub-millisecond digits TIMESTAMPTZ(3) would round),
    /// `json` (as the same JSON values in JSONB), and an enum type of
    /// another name whose labels are all declared (through their text). The
    /// live default goes first (it may not cast), the declared one after.
    fn adopt_conversion(
        &self,
        table: &str,
        c: &ColumnDef,
        live_type: &str,
        enum_labels: Option<&[String]>,
    ) -> Option<super::Conversion> {
        let col = self.quote(&c.name);
        let timestamp = |zone: &str| {
            live_type == format!("timestamp {zone} time zone")
                || live_type
                    .strip_prefix("timestamp(")
                    .and_then(|rest| rest.split_once(')'))
                    .is_some_and(|(n, rest)| {
                        n.parse::<u8>().is_ok() && rest == format!(" {zone} time zone")
                    })
        };
        let (using, changes_value) = match &c.ty {
            ColumnType::Date if timestamp("without") => (
                format!("{col} AT TIME ZONE 'UTC'"),
                Some(format!("{col} <> date_trunc('milliseconds', {col})")),
            ),
            ColumnType::Date if timestamp("with") => (
                col.clone(),
                Some(format!("{col} <> date_trunc('milliseconds', {col})")),
            ),
            ColumnType::Json if live_type == "json" => (format!("{col}::jsonb"), None),
            ColumnType::Enum(e)
                if enum_labels
                    .is_some_and(|l| l.iter().all(|v| e.values.iter().any(|d| d == v))) =>
            {
                (format!("{col}::text::{}", self.quote(&e.name)), None)
            }
            _ => return None,
        };
        let alter = format!("ALTER TABLE {} ALTER COLUMN {col}", self.quote(table));
        let mut statements = vec![
            format!("{alter} DROP DEFAULT"),
            format!("{alter} TYPE {} USING {using}", self.column_type(&c.ty)),
        ];
        if let Some(expr) = c.default.as_ref().and_then(|d| self.default_expr(d, &c.ty)) {
            statements.push(format!("{alter} SET DEFAULT {expr}"));
        }
        Some(super::Conversion {
            statements,
            changes_value,
        })
    }

    fn rename_constraint(&self, table: &str, from: &str, to: &str) -> Option<String> {
        Some(format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            self.quote(table),
            self.quote(from),
            self.quote(to)
        ))
    }

    /// Builds without blocking writers; cannot run in a transaction.
    fn create_index_online(&self, table: &str, i: &crate::IndexDef) -> String {
        self.create_index(table, i)
            .replacen(" INDEX ", " INDEX CONCURRENTLY ", 1)
    }

    fn drop_index_online(&self, _table: &str, name: &str) -> String {
        format!("DROP INDEX CONCURRENTLY IF EXISTS {}", self.quote(name))
    }

    fn online_index_needs_own_file(&self) -> bool {
        true
    }

    fn enum_values_need_own_file(&self) -> bool {
        true
    }

    fn create_enum(&self, e: &EnumDef) -> Option<String> {
        let values: Vec<String> = e.values.iter().map(|v| self.string_literal(v)).collect();
        Some(format!(
            "CREATE TYPE {} AS ENUM ({})",
            self.quote(&e.name),
            values.join(", ")
        ))
    }

    fn extend_enum(
        &self,
        e: &EnumDef,
        added: &[&str],
        _uses: &[(&TableDef, &ColumnDef)],
    ) -> Vec<String> {
        added
            .iter()
            .map(|v| {
                format!(
                    "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}",
                    self.quote(&e.name),
                    self.string_literal(v)
                )
            })
            .collect()
    }
}
