//! What separates a live database from the declared schema. Push turns the
//! differences into additive statements (or refuses); verification reports them.

use std::collections::BTreeSet;

use invect_schema::{
    ColumnDef, DialectKind, ForeignKey, IndexDef, Schema, TableDef, parse_mysql_enum,
};

use crate::introspect::{
    LiveColumn, LiveForeignKey, LiveSchema, LiveTable, default_matches, type_matches,
};
pub use crate::report::Drift;
use crate::report::{ForeignKeyShape, IndexShape};
/// Every difference, in creation order. `recorded` holds the tables Invect's
/// record says it created; a declared table outside it is foreign.
pub fn diff(
    kind: DialectKind,
    declared: &Schema,
    live: &LiveSchema,
    recorded: &BTreeSet<String>,
) -> Vec<Drift> {
    let mut out = Vec::new();
    if kind == DialectKind::Postgres {
        diff_pg_enums(declared, live, &mut out);
    }
    for t in &declared.tables {
        let name = t.def.name.to_string();
        if live.other_relations.contains(&name) {
            out.push(Drift::BlockedTable { table: name });
            continue;
        }
        let Some(live_table) = live.tables.get(&name) else {
            out.push(Drift::MissingTable { table: name });
            continue;
        };
        if !recorded.contains(&name) {
            out.push(Drift::ForeignTable {
                table: name.clone(),
            });
        }
        for c in t.def.columns.iter() {
            let live_column = live_table.column(&c.name);
            diff_column(kind, &t.def, c, live_column, &mut out);
            // A missing column is a problem already; its key is not a warning too.
            if let (Some(fk), Some(_)) = (&c.references, live_column) {
                diff_foreign_key(&name, c, fk, live_table, &mut out);
            }
        }
        for index in t.def.effective_indexes() {
            diff_index(&name, &index, live_table, &mut out);
        }
    }
    out
}

/// The index named as `index` is missing, or has other columns or uniqueness.
fn diff_index(table: &str, index: &IndexDef, live: &LiveTable, out: &mut Vec<Drift>) {
    let name = index.name(table);
    let expected = IndexShape {
        columns: index.columns.iter().map(|c| c.to_string()).collect(),
        unique: index.unique,
    };
    match live.indexes.iter().find(|i| i.name == name) {
        None => out.push(Drift::MissingIndex {
            table: table.to_string(),
            index: name,
        }),
        Some(found) if found.columns != expected.columns || found.unique != expected.unique => out
            .push(Drift::IndexMismatch {
                table: table.to_string(),
                index: name,
                found: IndexShape {
                    columns: found.columns.clone(),
                    unique: found.unique,
                },
                expected,
            }),
        Some(found) if !found.valid => out.push(Drift::InvalidIndex {
            table: table.to_string(),
            index: name,
        }),
        Some(_) => {}
    }
}

/// The column's foreign key is missing or points elsewhere. Keys are found
/// by column, never by constraint name: SQLite keeps no names, and a table
/// renamed by hand keeps its old constraint names.
fn diff_foreign_key(
    table: &str,
    c: &ColumnDef,
    fk: &ForeignKey,
    live: &LiveTable,
    out: &mut Vec<Drift>,
) {
    let expected = ForeignKeyShape {
        target_table: fk.table.to_string(),
        target_columns: vec![fk.column.to_string()],
        on_delete: fk.on_delete.sql().to_string(),
    };
    let on_column: Vec<&LiveForeignKey> = live
        .foreign_keys
        .iter()
        .filter(|f| matches!(f.columns.as_slice(), [only] if *only == *c.name))
        .collect();
    let (table, column) = (table.to_string(), c.name.to_string());
    let Some(first) = on_column.first() else {
        out.push(Drift::MissingForeignKey {
            table,
            column,
            expected,
        });
        return;
    };
    if on_column.iter().any(|f| same_foreign_key(&expected, f)) {
        return;
    }
    out.push(Drift::ForeignKeyMismatch {
        table,
        column,
        found: ForeignKeyShape {
            target_table: first.target_table.clone(),
            target_columns: first.target_columns.clone(),
            on_delete: first.on_delete.clone(),
        },
        expected,
    });
}

/// Same target and delete rule. An empty rule is unknown and matches any:
/// MariaDB hides it from a user with SELECT only. RESTRICT and NO ACTION
/// stay apart: every dialect (MariaDB included) reports the one written.
fn same_foreign_key(expected: &ForeignKeyShape, live: &LiveForeignKey) -> bool {
    live.target_table == expected.target_table
        && live.target_columns == expected.target_columns
        && (live.on_delete.is_empty() || live.on_delete == expected.on_delete)
}

fn diff_pg_enums(declared: &Schema, live: &LiveSchema, out: &mut Vec<Drift>) {
    for e in declared.enums() {
        match live.enums.get(e.name.as_ref()) {
            None => out.push(Drift::MissingEnum {
                name: e.name.to_string(),
            }),
            Some(have) => {
                let missing: Vec<String> = e
                    .values
                    .iter()
                    .filter(|v| !have.iter().any(|h| h == v.as_ref()))
                    .map(|v| v.to_string())
                    .collect();
                if !missing.is_empty() {
                    out.push(Drift::MissingEnumValues {
                        name: e.name.to_string(),
                        table: None,
                        column: None,
                        values: missing,
                    });
                }
            }
        }
    }
}

fn diff_column(
    kind: DialectKind,
    t: &TableDef,
    c: &ColumnDef,
    live: Option<&LiveColumn>,
    out: &mut Vec<Drift>,
) {
    let (table, column) = (t.name.to_string(), c.name.to_string());
    let Some(live) = live else {
        out.push(Drift::MissingColumn { table, column });
        return;
    };
    if !type_matches(kind, &c.ty, live) {
        match mysql_enum_missing(kind, c, &live.data_type) {
            Some(values) => out.push(Drift::MissingEnumValues {
                name: c
                    .ty
                    .as_enum()
                    .map(|e| e.name.to_string())
                    .unwrap_or_default(),
                table: Some(table.clone()),
                column: Some(column.clone()),
                values,
            }),
            None => out.push(Drift::TypeMismatch {
                table: table.clone(),
                column: column.clone(),
                expected: kind.dialect().column_type(&c.ty).to_lowercase(),
                found: live.data_type.clone(),
            }),
        }
    }
    if live.nullable != c.nullable {
        out.push(Drift::NullabilityMismatch {
            table: table.clone(),
            column: column.clone(),
            expected_nullable: c.nullable,
        });
    }
    if !default_matches(kind, c, live) {
        out.push(Drift::DefaultMismatch {
            table,
            column,
            expected: c
                .default
                .as_ref()
                .and_then(|d| kind.dialect().default_expr(d, &c.ty)),
            found: live.default.clone(),
        });
    }
}

/// On MySQL, an ENUM column whose live values are a prefix-compatible subset
/// of the declared ones: the declared values it lacks.
fn mysql_enum_missing(kind: DialectKind, c: &ColumnDef, live_type: &str) -> Option<Vec<String>> {
    let e = c.ty.as_enum().filter(|_| kind == DialectKind::Mysql)?;
    let have = parse_mysql_enum(live_type)?;
    if !have.iter().all(|h| e.values.iter().any(|v| v == h)) {
        return None;
    }
    Some(
        e.values
            .iter()
            .filter(|v| !have.iter().any(|h| h == v.as_ref()))
            .map(|v| v.to_string())
            .collect(),
    )
}
