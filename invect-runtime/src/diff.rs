//! What separates a live database from the declared schema. Push turns the
//! differences into additive statements (or refuses); verification reports them.

use std::collections::BTreeSet;

use invect_schema::{ColumnDef, DialectKind, Schema, TableDef, parse_mysql_enum};

use crate::introspect::{LiveSchema, type_matches};
pub use crate::report::Drift;
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
            diff_column(kind, &t.def, c, live_table.column(&c.name), &mut out);
        }
        for index in t.def.effective_indexes() {
            let index_name = index.name(&name);
            if !live_table.indexes.iter().any(|i| i.name == index_name) {
                out.push(Drift::MissingIndex {
                    table: name.clone(),
                    index: index_name,
                });
            }
        }
    }
    out
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
    live: Option<&crate::introspect::LiveColumn>,
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
            table,
            column,
            expected_nullable: c.nullable,
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
