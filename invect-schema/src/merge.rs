//! Merging core tables, plugin tables and extensions into one ordered schema.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::{SchemaError, SchemaErrors};
use crate::model::{ColumnDef, EnumDef, Extension, Origin, TableDef};
use crate::validate::{validate_extension, validate_table};

/// A table of the merged schema and where its parts came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaTable {
    #[serde(flatten)]
    pub def: TableDef,
    pub origin: Origin,
    /// Origin of each column, parallel to `def.columns`.
    pub column_origins: Vec<Origin>,
}

/// The merged schema, tables in creation order (foreign-key targets first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub tables: Vec<SchemaTable>,
}

impl Schema {
    /// The table with this name.
    pub fn table(&self, name: &str) -> Option<&SchemaTable> {
        self.tables.iter().find(|t| t.def.name == name)
    }

    /// Every enum type used, once each, in first-use order.
    pub fn enums(&self) -> Vec<&EnumDef> {
        let mut out: Vec<&EnumDef> = Vec::new();
        for e in self.tables.iter().flat_map(|t| t.def.enums()) {
            if !out.iter().any(|x| x.name == e.name) {
                out.push(e);
            }
        }
        out
    }

    /// The same schema with `prefix` put before every table and enum type
    /// name, foreign keys included, so Invect's tables sit beside an
    /// application's own without clashing.
    pub fn with_prefix(&self, prefix: &str) -> Result<Schema, SchemaErrors> {
        if prefix.is_empty() {
            return Ok(self.clone());
        }
        let mut out = self.clone();
        for t in &mut out.tables {
            t.def = t.def.with_prefix(prefix);
        }
        let errors: Vec<SchemaError> = out
            .tables
            .iter()
            .flat_map(|t| validate_table(&t.def))
            .collect();
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(SchemaErrors(errors))
        }
    }
}

/// Collects core and plugin definitions, then [`SchemaBuilder::build`]s them.
///
/// ```
/// use invect_schema::{Origin, SchemaBuilder};
/// let empty = SchemaBuilder::new().tables(Origin::Core, []).build().expect("nothing to conflict");
/// assert!(empty.tables.is_empty());
/// ```
#[derive(Debug, Default, Clone)]
pub struct SchemaBuilder {
    tables: Vec<(TableDef, Origin)>,
    extensions: Vec<(Extension, Origin)>,
}

impl SchemaBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds whole tables declared by `origin`.
    pub fn tables(mut self, origin: Origin, tables: impl IntoIterator<Item = TableDef>) -> Self {
        self.tables
            .extend(tables.into_iter().map(|t| (t, origin.clone())));
        self
    }

    /// Adds columns that `origin` puts on an existing table.
    pub fn extension(mut self, origin: Origin, ext: Extension) -> Self {
        self.extensions.push((ext, origin));
        self
    }

    /// Validates, merges and orders everything; reports every problem at once.
    pub fn build(self) -> Result<Schema, SchemaErrors> {
        let mut errors = Vec::new();
        let mut tables: Vec<SchemaTable> = Vec::new();
        for (def, origin) in self.tables {
            errors.extend(validate_table(&def));
            if let Some(first) = tables.iter().find(|t| t.def.name == def.name) {
                errors.push(SchemaError::DuplicateTable {
                    table: def.name.to_string(),
                    first: first.origin.clone(),
                    second: origin,
                });
                continue;
            }
            let column_origins = vec![origin.clone(); def.columns.len()];
            tables.push(SchemaTable {
                def,
                origin,
                column_origins,
            });
        }
        for (ext, origin) in self.extensions {
            errors.extend(validate_extension(&ext, &origin));
            apply_extension(&mut tables, ext, origin, &mut errors);
        }
        check_references(&tables, &mut errors);
        check_enums(&tables, &mut errors);
        if !errors.is_empty() {
            return Err(SchemaErrors(errors));
        }
        let tables = creation_order(tables)?;
        Ok(Schema { tables })
    }
}

fn apply_extension(
    tables: &mut [SchemaTable],
    ext: Extension,
    origin: Origin,
    errors: &mut Vec<SchemaError>,
) {
    let Some(target) = tables.iter_mut().find(|t| t.def.name == ext.table) else {
        errors.push(SchemaError::ExtendsMissingTable {
            table: ext.table.to_string(),
            origin,
        });
        return;
    };
    for col in ext.columns.iter() {
        if let Some(i) = target.def.columns.iter().position(|c| c.name == col.name) {
            errors.push(SchemaError::ColumnConflict {
                table: ext.table.to_string(),
                column: col.name.to_string(),
                existing: target.column_origins[i].clone(),
                added: origin.clone(),
            });
            continue;
        }
        target.def.columns.to_mut().push(col.clone());
        target.column_origins.push(origin.clone());
    }
    target
        .def
        .indexes
        .to_mut()
        .extend(ext.indexes.iter().cloned());
}

/// Every foreign key must point at an existing column of the same type.
fn check_references(tables: &[SchemaTable], errors: &mut Vec<SchemaError>) {
    for t in tables {
        for (col, origin) in t.def.columns.iter().zip(&t.column_origins) {
            let Some(fk) = &col.references else { continue };
            let target = tables
                .iter()
                .find(|x| x.def.name == fk.table)
                .and_then(|x| x.def.column(&fk.column));
            match target {
                None => errors.push(SchemaError::MissingReference {
                    table: t.def.name.to_string(),
                    column: col.name.to_string(),
                    origin: origin.clone(),
                    target_table: fk.table.to_string(),
                    target_column: fk.column.to_string(),
                }),
                Some(target) if !same_key_type(col, target) => {
                    errors.push(SchemaError::ReferenceTypeMismatch {
                        table: t.def.name.to_string(),
                        column: col.name.to_string(),
                        column_type: col.ty.to_string(),
                        target_table: fk.table.to_string(),
                        target_column: fk.column.to_string(),
                        target_type: target.ty.to_string(),
                    })
                }
                Some(_) => {}
            }
        }
    }
}

/// String lengths may differ between a key and its reference; nothing else may.
fn same_key_type(a: &ColumnDef, b: &ColumnDef) -> bool {
    use crate::ColumnType::String;
    matches!((&a.ty, &b.ty), (String { .. }, String { .. })) || a.ty == b.ty
}

/// One enum name, one set of values, across all tables.
fn check_enums(tables: &[SchemaTable], errors: &mut Vec<SchemaError>) {
    let mut seen: HashMap<&str, (&EnumDef, &str)> = HashMap::new();
    for t in tables {
        for e in t.def.enums() {
            match seen.get(e.name.as_ref()) {
                Some((first, first_table)) if first.values != e.values => {
                    errors.push(SchemaError::EnumConflict {
                        name: e.name.to_string(),
                        first_table: first_table.to_string(),
                        second_table: t.def.name.to_string(),
                    })
                }
                Some(_) => {}
                None => {
                    seen.insert(&e.name, (e, &t.def.name));
                }
            }
        }
    }
}

/// Topological order: a table comes after every table it references; among
/// tables that are ready, the lowest `order` hint first, then by name.
fn creation_order(tables: Vec<SchemaTable>) -> Result<Vec<SchemaTable>, SchemaErrors> {
    let deps: Vec<Vec<usize>> = tables
        .iter()
        .map(|t| {
            t.def
                .columns
                .iter()
                .filter_map(|c| c.references.as_ref())
                .filter(|fk| fk.table != t.def.name)
                .filter_map(|fk| tables.iter().position(|x| x.def.name == fk.table))
                .collect()
        })
        .collect();
    let mut placed = vec![false; tables.len()];
    let mut order = Vec::with_capacity(tables.len());
    while order.len() < tables.len() {
        let ready = (0..tables.len())
            .filter(|&i| !placed[i] && deps[i].iter().all(|&d| placed[d]))
            .min_by_key(|&i| (tables[i].def.order, tables[i].def.name.clone()));
        let Some(next) = ready else {
            return Err(cycle_error(&tables, &deps, &placed).into());
        };
        placed[next] = true;
        order.push(next);
    }
    let mut slots: Vec<Option<SchemaTable>> = tables.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// Walks unplaced dependencies from any unplaced table until one repeats.
fn cycle_error(tables: &[SchemaTable], deps: &[Vec<usize>], placed: &[bool]) -> SchemaError {
    let mut path: Vec<usize> = Vec::new();
    let mut visited = BTreeMap::new();
    let mut at = (0..tables.len()).find(|&i| !placed[i]).unwrap_or(0);
    while let std::collections::btree_map::Entry::Vacant(v) = visited.entry(at) {
        v.insert(path.len());
        path.push(at);
        at = deps[at].iter().copied().find(|&d| !placed[d]).unwrap_or(at);
    }
    let start = visited.get(&at).copied().unwrap_or(0);
    let mut names: Vec<String> = path[start..]
        .iter()
        .map(|&i| tables[i].def.name.to_string())
        .collect();
    names.push(tables[at].def.name.to_string());
    SchemaError::Cycle { tables: names }
}
