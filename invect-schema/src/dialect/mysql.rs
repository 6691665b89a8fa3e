//! MySQL 8 (tested on MariaDB 10.11): backtick quoting, inline ENUM, utf8mb4
//! with a binary collation so keys compare exactly as on the other dialects.

use super::{Dialect, DialectKind};
use crate::model::{ColumnDef, ColumnType, DefaultValue, EnumDef, TableDef};

/// MySQL DDL.
#[derive(Debug, Clone, Copy)]
pub struct MySql;

impl Dialect for MySql {
    fn kind(&self) -> DialectKind {
        DialectKind::Mysql
    }

    fn quote(&self, ident: &str) -> String {
        format!("`{}`", ident.replace('`', "``"))
    }

    /// Backslash is an escape character in MySQL's default SQL mode.
    fn string_literal(&self, s: &str) -> String {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    }

    fn column_type(&self, ty: &ColumnType) -> String {
        match ty {
            ColumnType::String { max_length } => {
                format!(
                    "VARCHAR({})",
                    max_length.unwrap_or(ColumnType::DEFAULT_MAX_LENGTH)
                )
            }
            ColumnType::Text => "LONGTEXT".into(),
            ColumnType::Number => "INT".into(),
            ColumnType::BigInt => "BIGINT".into(),
            ColumnType::Boolean => "BOOLEAN".into(),
            ColumnType::Date => "DATETIME(3)".into(),
            ColumnType::Json => "JSON".into(),
            ColumnType::Uuid => "CHAR(36)".into(),
            ColumnType::Enum(e) => {
                let values: Vec<String> = e.values.iter().map(|v| self.string_literal(v)).collect();
                format!("ENUM({})", values.join(", "))
            }
        }
    }

    fn function_default(&self, default: &DefaultValue) -> Option<String> {
        match default {
            DefaultValue::Now => Some("CURRENT_TIMESTAMP(3)".into()),
            DefaultValue::Uuid => Some("(UUID())".into()),
            _ => None,
        }
    }

    /// MySQL 8 accepts a literal default on LONGTEXT/JSON only as an expression.
    fn default_expr(&self, default: &DefaultValue, ty: &ColumnType) -> Option<String> {
        match (default, ty) {
            (DefaultValue::Str(s), ColumnType::Text | ColumnType::Json) => {
                Some(format!("({})", self.string_literal(s)))
            }
            (DefaultValue::Now | DefaultValue::Uuid, _) => self.function_default(default),
            (DefaultValue::Str(s), _) => Some(self.string_literal(s)),
            (DefaultValue::Int(i), _) => Some(i.to_string()),
            (DefaultValue::Bool(b), _) => Some(self.bool_literal(*b).to_string()),
        }
    }

    fn has_returning(&self) -> bool {
        false
    }

    /// `timestamp`/`datetime` of up to 3 digits (read in the session's UTC),
    /// `text`/`mediumtext`, and `varchar(36)` UUIDs (refused when a value
    /// ends in a space, which CHAR drops), each by one `MODIFY` to the
    /// declared definition (a key column's foreign keys dropped first and
    /// made again after: MySQL changes its type no other way).
    fn adopt_conversion(
        &self,
        table: &str,
        c: &ColumnDef,
        live_type: &str,
        _enum_labels: Option<&[String]>,
    ) -> Option<super::Conversion> {
        let col = self.quote(&c.name);
        let up_to_ms = |name: &str| {
            live_type == name
                || live_type
                    .strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('('))
                    .is_some_and(|rest| matches!(rest, "0)" | "1)" | "2)" | "3)"))
        };
        let changes_value = match &c.ty {
            ColumnType::Date if up_to_ms("timestamp") || up_to_ms("datetime") => None,
            ColumnType::Text if matches!(live_type, "text" | "mediumtext" | "tinytext") => None,
            ColumnType::Uuid if live_type == "varchar(36)" => Some(format!("{col} LIKE '% '")),
            _ => return None,
        };
        Some(super::Conversion {
            statements: vec![format!(
                "ALTER TABLE {} MODIFY COLUMN {}",
                self.quote(table),
                self.column_definition(c)
            )],
            changes_value,
        })
    }

    /// Literal defaults of short columns only: `ALTER COLUMN … SET DEFAULT`
    /// takes no expression, and TEXT/JSON defaults are expressions here.
    fn set_default(&self, table: &str, c: &ColumnDef) -> Option<String> {
        let literal = matches!(
            c.default,
            Some(DefaultValue::Str(_) | DefaultValue::Int(_) | DefaultValue::Bool(_))
        );
        let short = !matches!(c.ty, ColumnType::Text | ColumnType::Json);
        let expr = self.default_expr(c.default.as_ref()?, &c.ty)?;
        (literal && short).then(|| {
            format!(
                "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {expr}",
                self.quote(table),
                self.quote(&c.name)
            )
        })
    }

    /// Invect's keys compare as on the other dialects: utf8mb4, binary
    /// collation (a foreign key to a column of another collation is refused).
    fn adopt_table(&self, table: &str) -> Option<String> {
        Some(format!(
            "ALTER TABLE {} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
            self.quote(table)
        ))
    }

    fn drop_foreign_key_to_retype(&self, table: &str, name: &str) -> Option<String> {
        Some(format!(
            "ALTER TABLE {} DROP FOREIGN KEY {}",
            self.quote(table),
            self.quote(name)
        ))
    }

    /// MySQL 5.7+ / MariaDB 10.5.2+.
    fn rename_index(&self, table: &str, from: &str, to: &str, _i: &crate::IndexDef) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} RENAME INDEX {} TO {}",
            self.quote(table),
            self.quote(from),
            self.quote(to)
        )]
    }

    /// MySQL 8 has no `DROP INDEX IF EXISTS` (MariaDB has).
    fn drop_index(&self, table: &str, name: &str) -> String {
        format!("DROP INDEX {} ON {}", self.quote(name), self.quote(table))
    }

    /// Built in place while writers go on (both MySQL 8 and MariaDB).
    fn create_index_online(&self, table: &str, i: &crate::IndexDef) -> String {
        format!(
            "{} ALGORITHM=INPLACE LOCK=NONE",
            self.create_index(table, i)
        )
    }

    /// One `MODIFY` restating the column: type, nullability and default.
    fn alter_column(&self, table: &str, change: &crate::ColumnChange) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} MODIFY COLUMN {}",
            self.quote(table),
            self.column_definition(change.after)
        )]
    }

    /// A foreign key must go before its column can.
    fn drop_column(&self, table: &str, c: &ColumnDef) -> Vec<String> {
        let mut out = Vec::new();
        if c.references.is_some() {
            out.push(format!(
                "ALTER TABLE {} DROP FOREIGN KEY {}",
                self.quote(table),
                self.quote(&super::foreign_key_name(table, &c.name))
            ));
        }
        out.push(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            self.quote(table),
            self.quote(&c.name)
        ));
        out
    }

    fn not_integer(&self, col: &str) -> String {
        format!("{col} NOT REGEXP '^[[:space:]]*-?[0-9]+[[:space:]]*$'")
    }

    /// The largest LIMIT MySQL accepts, its documented way to say "all rows".
    /// `ON DUPLICATE KEY UPDATE`, which fires on any unique key (MySQL has
    /// no conflict target); "nothing" is the no-op `k = k`.
    fn on_conflict(&self, target: &[String], set: &str) -> String {
        match (set.is_empty(), target.first()) {
            (true, Some(k)) => format!(" ON DUPLICATE KEY UPDATE {k} = {k}"),
            _ => format!(" ON DUPLICATE KEY UPDATE {set}"),
        }
    }

    /// `VALUES(c)`: deprecated since MySQL 8.0.20 in favour of a row alias,
    /// which MariaDB lacks; both still accept it.
    fn excluded(&self, c: &str) -> String {
        format!("VALUES({})", self.quote(c))
    }

    /// `CONCAT(col)`: MariaDB 10.11's index range for `LIKE 'abc%'` on a
    /// `utf8mb4_bin` index ends below 4-byte characters, so rows like
    /// `abc🦀` are missed; outside the index range (a full index scan) every
    /// row is seen. Same collation, so still case-sensitive.
    fn like_subject(&self, col: &str) -> String {
        format!("CONCAT({col})")
    }

    /// None: `VARCHAR(n)` in strict mode refuses longer text itself.
    fn length_check(&self, _c: &ColumnDef) -> Option<String> {
        None
    }

    fn date_text_format(&self) -> &'static str {
        "%Y-%m-%d %H:%M:%S%.3f"
    }

    /// `JSON_TABLE` (MySQL 8.0.4+, MariaDB 10.6+); enums are read as text,
    /// which `JSON_TABLE` has no `ENUM` for. The comparison takes the
    /// column's collation, so it stays case-sensitive.
    fn in_json_list(&self, subject: &str, placeholder: &str, ty: &ColumnType) -> String {
        let element = match ty {
            ColumnType::Enum(_) => "VARCHAR(255)".to_string(),
            other => self.column_type(other),
        };
        format!(
            "{subject} IN (SELECT j.v FROM JSON_TABLE({placeholder}, '$[*]' COLUMNS (v {element} PATH '$')) AS j)"
        )
    }

    fn bigint(&self, expr: &str) -> String {
        format!("CAST({expr} AS SIGNED)")
    }

    fn unlimited(&self) -> &'static str {
        "18446744073709551615"
    }

    fn table_options(&self) -> &'static str {
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
    }

    /// An ENUM column is redefined with the full new value list.
    fn extend_enum(
        &self,
        e: &EnumDef,
        added: &[&str],
        uses: &[(&TableDef, &ColumnDef)],
    ) -> Vec<String> {
        let mut values = e.values.to_vec();
        for v in added {
            if !values.iter().any(|x| x == v) {
                values.push(v.to_string().into());
            }
        }
        let extended = ColumnType::Enum(EnumDef {
            name: e.name.clone(),
            values: values.into(),
        });
        uses.iter()
            .map(|(t, c)| {
                let col = ColumnDef {
                    ty: extended.clone(),
                    ..(*c).clone()
                };
                format!(
                    "ALTER TABLE {} MODIFY COLUMN {}",
                    self.quote(&t.name),
                    self.column_definition(&col)
                )
            })
            .collect()
    }

    /// Column first, constraint second: each step can be checked and re-run.
    fn add_column(&self, table: &str, c: &ColumnDef) -> Vec<String> {
        let mut out = vec![format!(
            "ALTER TABLE {} ADD COLUMN {}",
            self.quote(table),
            self.column_definition(c)
        )];
        if let Some(fk) = &c.references {
            out.push(format!(
                "ALTER TABLE {} ADD {}",
                self.quote(table),
                self.foreign_key(table, c, fk)
            ));
        }
        out
    }
}

/// The values of a MySQL column type `enum('a','b''c')` as the catalog shows
/// it, quotes undone (`["a", "b'c"]`); `None` for any other type. The one
/// reader of that syntax (introspection and drift both use it).
pub fn parse_mysql_enum(data_type: &str) -> Option<Vec<String>> {
    let mut rest = data_type.strip_prefix("enum(")?.strip_suffix(')')?;
    let mut values = Vec::new();
    loop {
        rest = rest.strip_prefix('\'')?;
        let mut value = String::new();
        loop {
            let end = rest.find('\'')?;
            value.push_str(&rest[..end]);
            rest = &rest[end + 1..];
            match rest.strip_prefix('\'') {
                Some(after) => {
                    value.push('\'');
                    rest = after;
                }
                None => break,
            }
        }
        values.push(value);
        match rest.strip_prefix(',') {
            Some(after) => rest = after,
            None if rest.is_empty() => return Some(values),
            None => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_mysql_enum;

    #[test]
    fn enum_values_undo_quoting() {
        assert_eq!(
            parse_mysql_enum("enum('a','it''s','')"),
            Some(vec!["a".to_string(), "it's".to_string(), String::new()])
        );
        assert_eq!(parse_mysql_enum("enum('a'"), None);
        assert_eq!(parse_mysql_enum("enum('a' 'b')"), None);
        assert_eq!(parse_mysql_enum("set('a')"), None);
    }

    #[test]
    fn quotes_and_spaces_survive() {
        assert_eq!(
            parse_mysql_enum("enum('a','b''c','d e')"),
            Some(vec!["a".into(), "b'c".into(), "d e".into()])
        );
        assert_eq!(parse_mysql_enum("varchar(3)"), None);
    }
}
