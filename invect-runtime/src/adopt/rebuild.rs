//! Where a declared default differs and only a rebuild changes it (SQLite):
//! the table made anew from its declaration plus the columns and indexes
//! it has that Invect does not declare, every row of it and of the tables
//! referencing it kept (`invect_schema::rebuild_table`).

use invect_schema::{ColumnDef, ColumnType, DialectKind, IndexDef, Name, TableDef, rebuild_table};

use crate::introspect::{LiveIndex, LiveSchema, live_type};

/// The statements rebuilding `def`'s live table, or why not.
pub(super) fn rebuild(
    kind: DialectKind,
    def: &TableDef,
    live: &mut LiveSchema,
) -> Result<Vec<String>, String> {
    let d = kind.dialect();
    let table = def.name.to_string();
    let Some(lt) = live.tables.get(&table) else {
        return Ok(Vec::new());
    };
    let mut after = def.clone();
    let mut columns = after.columns.to_vec();
    for lc in lt.columns.iter().filter(|c| def.column(&c.name).is_none()) {
        if let Some(default) = &lc.default {
            return Err(format!(
                "table `{table}` takes its declared defaults only by a rebuild, which would lose \
                 the default {default} of its undeclared column `{}`: drop that default by hand first",
                lc.name
            ));
        }
        let mut c = ColumnDef::new("", live_type(kind, lc).unwrap_or(ColumnType::Text));
        c.name = Name::from(lc.name.clone());
        c.nullable = lc.nullable;
        columns.push(c);
    }
    after.columns = columns.into();
    let declared = after.effective_indexes();
    let mut indexes = after.indexes.to_vec();
    for i in &lt.indexes {
        let index = IndexDef {
            columns: i.columns.iter().map(|c| Name::from(c.clone())).collect(),
            unique: i.unique,
        };
        if !declared.contains(&index) && !indexes.contains(&index) {
            indexes.push(index);
        }
    }
    after.indexes = indexes.into();
    let fill: Vec<(Name, String)> = after
        .columns
        .iter()
        .map(|c| (c.name.clone(), d.quote(&c.name)))
        .collect();
    let keep = referencing(live, &table);
    let statements = rebuild_table(&table, &after, &fill, &keep);
    if let Some(lt) = live.tables.get_mut(&table) {
        lt.indexes = after
            .effective_indexes()
            .into_iter()
            .map(|i| LiveIndex {
                name: i.name(&table),
                columns: i.columns.iter().map(|c| c.to_string()).collect(),
                unique: i.unique,
                valid: true,
            })
            .collect();
    }
    Ok(statements)
}

/// Every live table whose foreign keys lead to `table`, parents first.
fn referencing(live: &LiveSchema, table: &str) -> Vec<Name> {
    let mut found: Vec<String> = Vec::new();
    let mut targets = vec![table.to_string()];
    let mut i = 0;
    while i < targets.len() {
        let target = targets[i].clone();
        for (name, t) in &live.tables {
            let refers = t.foreign_keys.iter().any(|fk| fk.target_table == target);
            if refers && name != table && !found.contains(name) {
                found.push(name.clone());
                targets.push(name.clone());
            }
        }
        i += 1;
    }
    found.into_iter().map(Name::from).collect()
}
