//! One `migrate` run's plan, and the files it becomes: the enum values
//! first where they must be committed first, the main file, one file per
//! index built online; each with its down file.

use std::path::Path;

use invect_schema::{DialectKind, MigrationPlan, Schema, plan_migration, plan_reverse};

use super::files::{DOWN_SUFFIX, Header, UP_SUFFIX, file_text};
use super::{DiffOptions, NewMigration};
use crate::error::{Error, Result};

/// The name suffix of the file adding enum values first.
pub(super) const ENUM_SUFFIX: &str = "_enum_values";

/// A planned run and its reverse.
pub(super) struct Run {
    pub kind: DialectKind,
    pub plan: MigrationPlan,
    pub down: Vec<String>,
}

/// The run from `old` to `new`; `None` when there is nothing to run.
pub(super) fn plan(
    kind: DialectKind,
    old: &Schema,
    new: &Schema,
    prefix: &str,
    options: DiffOptions,
) -> Result<Option<Run>> {
    let d = kind.dialect();
    let refused = |reasons| Error::MigrationRefused { reasons };
    let plan = plan_migration(d, old, new, prefix, options).map_err(refused)?;
    if plan.is_empty() && plan.kept.is_empty() {
        return Ok(None);
    }
    let down = plan_reverse(d, old, new, &plan.target, prefix).map_err(refused)?;
    Ok(Some(Run { kind, plan, down }))
}

impl Run {
    /// The files, from `version` on, in the order they run; none when the
    /// run only keeps what is no longer declared.
    pub fn files(&self, dir: &Path, version: i64, name: &str) -> Vec<NewMigration> {
        let kind = self.kind;
        let mut out = Vec::new();
        let mut next = version;
        if !self.plan.enum_values.is_empty() {
            let name = format!("{name}{ENUM_SUFFIX}");
            let mut up = Header::up(kind, next, &name);
            up.lines.push(
                "Enum values first, committed before a later file uses them (PostgreSQL \
                 refuses a value added in the same transaction)."
                    .into(),
            );
            let mut down = Header::down(kind, next, &name);
            down.lines
                .push("PostgreSQL cannot remove an enum value; nothing to undo.".into());
            out.push(file(
                dir,
                next,
                &name,
                (&up, &self.plan.enum_values),
                (&down, &[]),
            ));
            next += 1;
        }
        if !self.plan.statements.is_empty() {
            let up = Header::up(kind, next, name);
            let mut down = Header::down(kind, next, name);
            if !self.plan.losses.is_empty() {
                down.lines.push(
                    "What the migration dropped comes back as a definition only: \
                     its rows and values are not restored."
                        .into(),
                );
            }
            out.push(file(
                dir,
                next,
                name,
                (&up, &self.plan.statements),
                (&down, &self.down),
            ));
            next += 1;
        }
        let d = kind.dialect();
        for (i, index) in self.plan.online_indexes.iter().enumerate() {
            let name = format!("{name}_index_{}", i + 1);
            let mut up = Header::up(kind, next, &name);
            up.no_transaction = true;
            up.lines.push(format!(
                "Builds `{}` while writers go on, outside a transaction.",
                index.name
            ));
            let mut down = Header::down(kind, next, &name);
            down.no_transaction = true;
            let drop = [d.drop_index_online(&index.table, &index.name)];
            out.push(file(
                dir,
                next,
                &name,
                (&up, std::slice::from_ref(&index.sql)),
                (&down, &drop),
            ));
            next += 1;
        }
        out
    }
}

/// An empty reversible migration for the user to fill in.
pub(super) fn empty(dir: &Path, kind: DialectKind, version: i64, name: &str) -> NewMigration {
    let mut up = Header::up(kind, version, name);
    up.lines = vec![
        format!(
            "Migration {version}_{name} ({kind}), made by `invect-cli migrate --new`: write its SQL here."
        ),
        "Its snapshot records the declared schema: this file must take the database there.".into(),
        "Applied once by sqlx's migrator; do not edit it once applied.".into(),
    ];
    let mut down = Header::down(kind, version, name);
    down.lines
        .push("Write the SQL that undoes the up file (`invect-cli migrate --revert`).".into());
    file(dir, version, name, (&up, &[]), (&down, &[]))
}

fn file(
    dir: &Path,
    version: i64,
    name: &str,
    up: (&Header, &[String]),
    down: (&Header, &[String]),
) -> NewMigration {
    NewMigration {
        version,
        name: name.to_string(),
        path: dir.join(format!("{version}_{name}{UP_SUFFIX}")),
        sql: file_text(up.0, up.1),
        down_path: Some(dir.join(format!("{version}_{name}{DOWN_SUFFIX}"))),
        down_sql: Some(file_text(down.0, down.1)),
    }
}
