//! One table adoption would take over, compared with its declaration:
//! columns, types, nullability, the primary key and the foreign keys must
//! match (or a type be one the dialect converts without changing a value);
//! indexes equal to declared ones but named otherwise take Invect's names.

use std::collections::BTreeMap;

use invect_schema::{ColumnDef, Conversion, Dialect, DialectKind, EnumDef, TableDef};
use invect_schema::{foreign_key_name, parse_mysql_enum};

use crate::introspect::{LiveSchema, LiveTable, default_matches, type_matches};
use crate::report::Drift;

/// A column to convert to its declared type.
pub(super) struct Converted {
    pub column: String,
    pub conversion: Conversion,
}

/// What adopting one table takes, under its declared name.
#[derive(Default)]
pub(super) struct Taken {
    pub conversions: Vec<Converted>,
    /// Enum types the conversions need (PostgreSQL), not yet live.
    pub enums: Vec<EnumDef>,
    /// Statements giving indexes and constraints Invect's names.
    pub renames: Vec<String>,
    /// `(live name, Invect's name)` of the indexes renamed.
    pub index_names: Vec<(String, String)>,
    /// Columns whose declared default is set in place.
    pub defaults: Vec<String>,
    /// Whether a default differs where only a rebuild changes it (SQLite).
    pub rebuild: bool,
    pub kept: Vec<String>,
    pub refusals: Vec<String>,
}

/// Compares `live_name`'s live table with `def`; `names` maps each table
/// being adopted from its live name to its declared one.
pub(super) fn table(
    kind: DialectKind,
    def: &TableDef,
    live_name: &str,
    live: &LiveSchema,
    names: &BTreeMap<String, String>,
) -> Taken {
    let d = kind.dialect();
    let mut out = Taken::default();
    let Some(lt) = live.tables.get(live_name) else {
        return out;
    };
    let declared = def.name.to_string();
    for c in def.columns.iter() {
        column(kind, def, c, live_name, lt, live, &mut out);
    }
    for lc in &lt.columns {
        if def.column(&lc.name).is_none() {
            out.kept.push(format!(
                "column `{live_name}.{}` is not declared; kept as it is",
                lc.name
            ));
        }
    }
    let mut have: Vec<&str> = lt.primary_key.iter().map(String::as_str).collect();
    let mut want: Vec<&str> = def.primary_key.iter().map(|n| n.as_ref()).collect();
    have.sort_unstable();
    want.sort_unstable();
    if have != want {
        out.refusals.push(format!(
            "table `{live_name}` has primary key ({}) but ({}) is declared",
            have.join(", "),
            want.join(", ")
        ));
    }
    foreign_keys(d, def, &declared, live_name, lt, names, &mut out);
    indexes(d, def, &declared, lt, &mut out);
    out
}

fn column(
    kind: DialectKind,
    def: &TableDef,
    c: &ColumnDef,
    live_name: &str,
    lt: &LiveTable,
    live: &LiveSchema,
    out: &mut Taken,
) {
    let d = kind.dialect();
    let Some(lc) = lt.column(&c.name) else {
        if let Some(old) = c.renamed_from.as_ref().filter(|o| lt.column(o).is_some()) {
            out.refusals.push(format!(
                "column `{live_name}.{old}` is declared renamed to `{}`; adoption renames tables, \
                 not columns: rename it by hand first",
                c.name
            ));
        }
        // Otherwise missing: added as push adds it, or refused by push's rule.
        return;
    };
    let mut converted = false;
    if !type_matches(kind, &c.ty, lc) && !enum_to_extend(c, &lc.data_type) {
        let labels = live.enums.get(lc.data_type.trim_matches('"'));
        match d.adopt_conversion(&def.name, c, &lc.data_type, labels.map(Vec::as_slice)) {
            Some(conversion) => {
                if let Some(e) = c.ty.as_enum()
                    && !live.enums.contains_key(e.name.as_ref())
                    && !out.enums.iter().any(|have| have.name == e.name)
                {
                    out.enums.push(e.clone());
                }
                out.conversions.push(Converted {
                    column: c.name.to_string(),
                    conversion,
                });
                converted = true;
            }
            None => out.refusals.push(format!(
                "{}; adoption converts only types that keep every value",
                Drift::TypeMismatch {
                    table: live_name.to_string(),
                    column: c.name.to_string(),
                    expected: d.column_type(&c.ty).to_lowercase(),
                    found: lc.data_type.clone(),
                }
            )),
        }
    }
    if lc.nullable != c.nullable {
        out.refusals.push(
            Drift::NullabilityMismatch {
                table: live_name.to_string(),
                column: c.name.to_string(),
                expected_nullable: c.nullable,
            }
            .to_string(),
        );
    }
    if !converted && !default_matches(kind, c, lc) {
        match d.set_default(&def.name, c) {
            Some(_) => out.defaults.push(c.name.to_string()),
            None if d.rebuilds_tables() && c.default.is_some() => out.rebuild = true,
            None => {}
        }
    }
}

/// A MySQL ENUM holding some of the declared values: push adds the rest.
fn enum_to_extend(c: &ColumnDef, live_type: &str) -> bool {
    let (Some(e), Some(have)) = (c.ty.as_enum(), parse_mysql_enum(live_type)) else {
        return false;
    };
    have.iter().all(|h| e.values.iter().any(|v| v == h))
}

/// Every declared foreign key must be live, to the same column (under its
/// declared table name) with the same `ON DELETE`; PostgreSQL's take
/// Invect's names, elsewhere they keep theirs.
fn foreign_keys(
    d: &dyn Dialect,
    def: &TableDef,
    declared: &str,
    live_name: &str,
    lt: &LiveTable,
    names: &BTreeMap<String, String>,
    out: &mut Taken,
) {
    for c in def.columns.iter() {
        let Some(r) = &c.references else { continue };
        let target = |t: &str| names.get(t).cloned().unwrap_or_else(|| t.to_string());
        let found = lt
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.len() == 1 && fk.columns[0] == c.name.as_ref());
        let Some(fk) = found else {
            out.refusals.push(format!(
                "column `{live_name}.{}` has no foreign key, but one to `{}.{}` (ON DELETE {}) is declared",
                c.name,
                r.table,
                r.column,
                r.on_delete.sql()
            ));
            continue;
        };
        let same = target(&fk.target_table) == r.table.as_ref()
            && fk.target_columns.len() == 1
            && fk.target_columns[0] == r.column.as_ref()
            && fk.on_delete.eq_ignore_ascii_case(r.on_delete.sql());
        if !same {
            out.refusals.push(format!(
                "column `{live_name}.{}` has a foreign key to `{}.{}` ON DELETE {}, but one to `{}.{}` ON DELETE {} is declared",
                c.name,
                fk.target_table,
                fk.target_columns.join(", "),
                fk.on_delete,
                r.table,
                r.column,
                r.on_delete.sql()
            ));
            continue;
        }
        let name = foreign_key_name(declared, &c.name);
        if fk.name != name {
            out.renames
                .extend(d.rename_constraint(declared, &fk.name, &name));
        }
    }
}

/// A live index with a declared index's columns and uniqueness but another
/// name takes Invect's name; the declared ones still missing push creates.
fn indexes(d: &dyn Dialect, def: &TableDef, declared: &str, lt: &LiveTable, out: &mut Taken) {
    let wanted = def.effective_indexes();
    let mut matched = Vec::new();
    for index in &wanted {
        let name = index.name(declared);
        if lt.indexes.iter().any(|i| i.name == name) {
            matched.push(name);
            continue;
        }
        let same = lt.indexes.iter().find(|i| {
            i.unique == index.unique
                && i.columns.len() == index.columns.len()
                && i.columns
                    .iter()
                    .zip(index.columns.iter())
                    .all(|(a, b)| a == b.as_ref())
                && !matched.contains(&i.name)
        });
        if let Some(i) = same {
            out.renames
                .extend(d.rename_index(declared, &i.name, &name, index));
            out.index_names.push((i.name.clone(), name.clone()));
            matched.push(i.name.clone());
        }
    }
    for i in &lt.indexes {
        if !matched.contains(&i.name) {
            out.kept.push(format!(
                "index `{}` on `{declared}` ({}) is not declared; kept as it is",
                i.name,
                i.columns.join(", ")
            ));
        }
    }
}
