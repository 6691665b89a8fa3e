//! SQLite's table rebuild (placeholder until the tested version lands).

use super::{Dialect, Sqlite, render_table};
use crate::model::{Name, TableDef};

/// Statements that rebuild the existing table `current` into `after`.
pub fn rebuild_table(current: &str, after: &TableDef, fill: &[(Name, String)]) -> Vec<String> {
    let d = Sqlite;
    let tmp = format!("{current}__invect_old");
    let cols: Vec<String> = fill.iter().map(|(c, _)| d.quote(c)).collect();
    let exprs: Vec<&str> = fill.iter().map(|(_, e)| e.as_str()).collect();
    let mut out = vec![
        "PRAGMA legacy_alter_table = ON".to_string(),
        d.rename_table(current, &tmp),
    ];
    let mut ddl = render_table(&d, after);
    out.push(ddl.remove(0));
    out.push(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        d.quote(&after.name),
        cols.join(", "),
        exprs.join(", "),
        d.quote(&tmp)
    ));
    out.push(d.drop_table(&tmp));
    out.extend(ddl);
    out.push("PRAGMA legacy_alter_table = OFF".to_string());
    out
}
