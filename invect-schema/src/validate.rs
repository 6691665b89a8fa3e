//! Checks on a single table or extension, before any merging.
//!
//! The macro runs the same rules at compile time (with spans); the runtime runs
//! them again on whatever it is given, so hand-built definitions are held to
//! the same standard.

use std::collections::HashSet;

use crate::error::{ColumnAttribute, SchemaError};
use crate::ident::check_identifier;
use crate::model::{ColumnDef, ColumnType, DefaultValue, EnumDef, Extension, OnDelete, TableDef};

/// MySQL's longest `VARCHAR` in utf8mb4.
pub const MAX_VARCHAR: u32 = 16_383;

/// Every problem with one table definition.
pub fn validate_table(t: &TableDef) -> Vec<SchemaError> {
    let mut errors = Vec::new();
    if let Some(e) = name_error("table", &t.name) {
        errors.push(e)
    }
    if t.columns.is_empty() {
        errors.push(SchemaError::NoColumns {
            table: t.name.to_string(),
        });
    }
    check_columns(&t.name, &t.columns, &mut errors);
    if let Some(old) = &t.renamed_from {
        let problem = check_identifier(old).err().map(|p| p.to_string());
        let problem = problem
            .or_else(|| (old == &t.name).then(|| "is the table's own name; remove it".to_string()));
        if let Some(message) = problem {
            errors.push(SchemaError::BadRename {
                table: t.name.to_string(),
                old: old.to_string(),
                message,
            });
        }
    }
    if t.primary_key.is_empty() {
        errors.push(SchemaError::NoPrimaryKey {
            table: t.name.to_string(),
        });
    }
    for key in t.primary_key.iter() {
        match t.column(key) {
            None => errors.push(unknown(&t.name, key, "primary key")),
            Some(c) if c.nullable => errors.push(SchemaError::NullablePrimaryKey {
                table: t.name.to_string(),
                column: key.to_string(),
            }),
            Some(_) => {}
        }
    }
    for index in t.indexes.iter() {
        if index.columns.is_empty() {
            errors.push(unknown(&t.name, "", "an index"));
        }
        for col in index.columns.iter().filter(|c| t.column(c).is_none()) {
            errors.push(unknown(&t.name, col, "an index"));
        }
    }
    errors
}

/// Every problem with an extension on its own (the target is checked at merge).
pub fn validate_extension(ext: &Extension, origin: &crate::Origin) -> Vec<SchemaError> {
    let mut errors = Vec::new();
    check_columns(&ext.table, &ext.columns, &mut errors);
    for col in ext
        .columns
        .iter()
        .filter(|c| !c.nullable && c.default.is_none())
    {
        errors.push(SchemaError::ExtensionNotNull {
            table: ext.table.to_string(),
            column: col.name.to_string(),
            origin: origin.clone(),
        });
    }
    for index in ext.indexes.iter() {
        for col in index
            .columns
            .iter()
            .filter(|c| !ext.columns.iter().any(|x| x.name == **c))
        {
            errors.push(unknown(&ext.table, col, "an index of the extension"));
        }
    }
    errors
}

/// Why `default` cannot be the default of a `ty` column, if it cannot.
pub fn check_default(ty: &ColumnType, default: &DefaultValue) -> Result<(), String> {
    let fits = match (default, ty) {
        (DefaultValue::Now, ColumnType::Date) | (DefaultValue::Uuid, ColumnType::Uuid) => true,
        (DefaultValue::Str(_), ColumnType::String { .. } | ColumnType::Text) => true,
        (DefaultValue::Str(_), ColumnType::Json) => true,
        (DefaultValue::Str(v), ColumnType::Enum(e)) => {
            if e.values.iter().any(|x| x == v) {
                true
            } else {
                return Err(format!(
                    "default {v:?} is not a value of enum `{}`; expected one of {}",
                    e.name,
                    list(e.values.iter().map(|v| v.as_ref()))
                ));
            }
        }
        (DefaultValue::Int(i), ColumnType::Number) => i32::try_from(*i).is_ok(),
        (DefaultValue::Int(_), ColumnType::BigInt) => true,
        (DefaultValue::Bool(_), ColumnType::Boolean) => true,
        _ => false,
    };
    if fits {
        return Ok(());
    }
    Err(format!(
        "default `{default}` does not fit a {ty} column; {}",
        expected_defaults(ty)
    ))
}

/// What defaults a column type accepts, for error messages.
fn expected_defaults(ty: &ColumnType) -> &'static str {
    match ty {
        ColumnType::String { .. } | ColumnType::Text => "use a string literal",
        ColumnType::Json => "use a string literal holding JSON",
        ColumnType::Number => "use an integer literal within i32",
        ColumnType::BigInt => "use an integer literal",
        ColumnType::Boolean => "use `true` or `false`",
        ColumnType::Date => "use `now`",
        ColumnType::Uuid => "use `uuid`",
        ColumnType::Enum(_) => "use one of the enum's values",
    }
}

/// Problems with an enum type's name and values.
pub fn validate_enum(e: &EnumDef) -> Vec<SchemaError> {
    let mut errors: Vec<SchemaError> = name_error("enum type", &e.name).into_iter().collect();
    let bad = |value: Option<&str>, message: String| SchemaError::BadEnum {
        name: e.name.to_string(),
        value: value.map(str::to_string),
        message,
    };
    if e.values.is_empty() {
        errors.push(bad(
            None,
            "has no values; declare at least one variant".into(),
        ));
    }
    let mut seen = HashSet::new();
    for v in e.values.iter() {
        if v.is_empty() {
            errors.push(bad(Some(v), "has an empty value".into()));
        } else if !seen.insert(v) {
            errors.push(bad(Some(v), format!("declares value {v:?} twice")));
        }
    }
    errors
}

fn check_columns(table: &str, columns: &[ColumnDef], errors: &mut Vec<SchemaError>) {
    let mut seen = HashSet::new();
    for c in columns {
        if let Some(e) = name_error("column", &c.name) {
            errors.push(e)
        }
        if !seen.insert(c.name.as_ref()) {
            errors.push(SchemaError::DuplicateColumn {
                table: table.to_string(),
                column: c.name.to_string(),
            });
        }
        let mut bad = |attribute: ColumnAttribute, message: String| {
            errors.push(SchemaError::BadColumn {
                table: table.to_string(),
                column: c.name.to_string(),
                attribute,
                message,
            })
        };
        if let Some(Err(message)) = c.default.as_ref().map(|d| check_default(&c.ty, d)) {
            bad(ColumnAttribute::Default, message);
        }
        if let Some(message) = c
            .renamed_from
            .as_ref()
            .and_then(|old| rename_problem(columns, c, old))
        {
            bad(ColumnAttribute::RenamedFrom, message);
        }
        if let ColumnType::String {
            max_length: Some(n),
        } = c.ty
            && (n == 0 || n > MAX_VARCHAR)
        {
            bad(
                ColumnAttribute::MaxLength,
                format!(
                    "max_length {n} is out of range; use 1 to {MAX_VARCHAR}, or `text` for longer values"
                ),
            );
        }
        if let Some(fk) = &c.references
            && fk.on_delete == OnDelete::SetNull
            && !c.nullable
        {
            bad(
                ColumnAttribute::OnDelete,
                "on_delete = set_null needs a nullable column (Option<T>)".into(),
            );
        }
        if let ColumnType::Enum(e) = &c.ty {
            errors.extend(validate_enum(e));
        }
    }
}

/// Why column `c` cannot have been renamed from `old`: not an identifier,
/// its own name, or the name of another column of the table.
fn rename_problem(columns: &[ColumnDef], c: &ColumnDef, old: &str) -> Option<String> {
    if let Err(p) = check_identifier(old) {
        return Some(format!("renamed_from = \"{old}\" {p}"));
    }
    if old == c.name {
        return Some(format!(
            "renamed_from = \"{old}\" is the column's own name; remove it"
        ));
    }
    if columns.iter().any(|o| o.name == old) {
        return Some(format!(
            "renamed_from = \"{old}\" is the name of another column of the table; \
             a column can only take a name no column has"
        ));
    }
    None
}

fn name_error(what: &'static str, name: &str) -> Option<SchemaError> {
    check_identifier(name)
        .err()
        .map(|problem| SchemaError::InvalidName {
            what,
            name: name.to_string(),
            problem,
        })
}

fn unknown(table: &str, column: &str, role: &'static str) -> SchemaError {
    SchemaError::UnknownColumn {
        table: table.to_string(),
        column: column.to_string(),
        role,
    }
}

/// `a`, `b` or `c` style list for messages.
pub fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
