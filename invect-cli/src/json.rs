//! `--format json`: the documents `verify`, `info`, `migrate --push
//! --dry-run` and `migrate --adopt --dry-run` print, with camelCase keys
//! like invect.toml's. Each has `"format": 1`, raised only when a key
//! changes meaning or goes away.

use serde_json::{Value, json};

use invect_runtime::migrate::NewMigration;
use invect_runtime::{
    AdoptPlan, DatabaseConfig, Drift, ForeignKeyShape, IndexShape, Plan, VerifyReport,
};

/// The version of these documents.
const FORMAT: u32 = 1;

/// `verify`'s report: `ok` (the startup check passes), `exact` (no
/// warning either: what `--strict` asks), and each problem and warning with
/// its kind, place and message.
pub fn verify(config: &DatabaseConfig, report: &VerifyReport) -> Value {
    json!({
        "format": FORMAT,
        "database": config.id,
        "type": config.r#type.as_str(),
        "ok": report.is_ok(),
        "exact": report.is_exact(),
        "problems": report.problems.iter().map(drift).collect::<Vec<_>>(),
        "warnings": report.warnings.iter().map(drift).collect::<Vec<_>>(),
    })
}

/// The plan of `migrate --push --dry-run`: the statements push would run and
/// what it refuses (a non-empty `refusals` means push would change nothing).
pub fn plan(config: &DatabaseConfig, plan: &Plan) -> Value {
    json!({
        "format": FORMAT,
        "database": config.id,
        "type": config.r#type.as_str(),
        "upToDate": plan.statements.is_empty() && plan.refusals.is_empty(),
        "statements": plan.statements,
        "refusals": plan.refusals,
    })
}

/// The plan of `migrate --adopt --dry-run`: the tables taken over (with
/// the name each had), the statements, what is kept as found, the
/// refusals (any means nothing would change), the migration files it
/// would write and how many migrations it would record as applied.
pub fn adoption(
    config: &DatabaseConfig,
    plan: &AdoptPlan,
    writes: &[NewMigration],
    records: usize,
) -> Value {
    let tables: Vec<Value> = (plan.tables.iter())
        .map(|t| json!({ "table": t.table, "renamedFrom": t.renamed_from }))
        .collect();
    json!({
        "format": FORMAT,
        "database": config.id,
        "type": config.r#type.as_str(),
        "upToDate": plan.statements.is_empty() && records == 0 && plan.refusals.is_empty(),
        "tables": tables,
        "statements": plan.statements,
        "kept": plan.kept,
        "refusals": plan.refusals,
        "writes": writes.iter().map(|m| m.path.display().to_string()).collect::<Vec<_>>(),
        "recordsAsApplied": records,
    })
}

/// One difference, as `{"kind": "missingColumn", "table": ..., "message": ...}`.
fn drift(d: &Drift) -> Value {
    let mut v = match d {
        Drift::MissingEnum { name } => json!({ "kind": "missingEnum", "enum": name }),
        Drift::MissingEnumValues {
            name,
            table,
            column,
            values,
        } => json!({
            "kind": "missingEnumValues", "enum": name, "table": table,
            "column": column, "values": values,
        }),
        Drift::MissingTable { table } => json!({ "kind": "missingTable", "table": table }),
        Drift::BlockedTable { table } => json!({ "kind": "blockedTable", "table": table }),
        Drift::ForeignTable { table } => json!({ "kind": "foreignTable", "table": table }),
        Drift::MissingColumn { table, column } => {
            json!({ "kind": "missingColumn", "table": table, "column": column })
        }
        Drift::TypeMismatch {
            table,
            column,
            expected,
            found,
        } => json!({
            "kind": "typeMismatch", "table": table, "column": column,
            "expected": expected, "found": found,
        }),
        Drift::NullabilityMismatch {
            table,
            column,
            expected_nullable,
        } => json!({
            "kind": "nullabilityMismatch", "table": table, "column": column,
            "expectedNullable": expected_nullable,
        }),
        Drift::MissingIndex { table, index } => {
            json!({ "kind": "missingIndex", "table": table, "index": index })
        }
        Drift::InvalidIndex { table, index } => {
            json!({ "kind": "invalidIndex", "table": table, "index": index })
        }
        Drift::IndexMismatch {
            table,
            index,
            expected,
            found,
        } => json!({
            "kind": "indexMismatch", "table": table, "index": index,
            "expected": index_shape(expected), "found": index_shape(found),
        }),
        Drift::MissingForeignKey {
            table,
            column,
            expected,
        } => json!({
            "kind": "missingForeignKey", "table": table, "column": column,
            "expected": foreign_key_shape(expected),
        }),
        Drift::ForeignKeyMismatch {
            table,
            column,
            expected,
            found,
        } => json!({
            "kind": "foreignKeyMismatch", "table": table, "column": column,
            "expected": foreign_key_shape(expected), "found": foreign_key_shape(found),
        }),
        Drift::DefaultMismatch {
            table,
            column,
            expected,
            found,
        } => json!({
            "kind": "defaultMismatch", "table": table, "column": column,
            "expected": expected, "found": found,
        }),
    };
    v["message"] = Value::String(d.to_string());
    v
}

/// `{"columns": [...], "unique": true}`.
fn index_shape(shape: &IndexShape) -> Value {
    json!({ "columns": shape.columns, "unique": shape.unique })
}

/// `{"table": ..., "columns": [...], "onDelete": "CASCADE"}` (`null` when unknown).
fn foreign_key_shape(shape: &ForeignKeyShape) -> Value {
    let on_delete = Some(shape.on_delete.as_str()).filter(|r| !r.is_empty());
    json!({
        "table": shape.target_table,
        "columns": shape.target_columns,
        "onDelete": on_delete,
    })
}

/// `"format": 1` and the rest of an `info` document.
pub fn info(fields: Value) -> Value {
    let mut v = json!({ "format": FORMAT });
    if let (Some(doc), Value::Object(rest)) = (v.as_object_mut(), fields) {
        doc.extend(rest);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_its_place() {
        let d = Drift::MissingColumn {
            table: "flows".into(),
            column: "name".into(),
        };
        let v = drift(&d);
        assert_eq!(v["kind"], "missingColumn");
        assert_eq!(v["column"], "name");
        assert_eq!(v["message"], d.to_string());
    }

    #[test]
    fn a_warning_names_what_differs() {
        let d = Drift::ForeignKeyMismatch {
            table: "flow_runs".into(),
            column: "flow_id".into(),
            expected: ForeignKeyShape {
                target_table: "flows".into(),
                target_columns: vec!["id".into()],
                on_delete: "CASCADE".into(),
            },
            found: ForeignKeyShape {
                target_table: "flows".into(),
                target_columns: vec!["id".into()],
                on_delete: String::new(),
            },
        };
        let v = drift(&d);
        assert_eq!(v["kind"], "foreignKeyMismatch");
        assert_eq!(v["expected"]["onDelete"], "CASCADE");
        assert_eq!(v["found"]["onDelete"], Value::Null);
        assert_eq!(v["found"]["columns"][0], "id");
    }
}
