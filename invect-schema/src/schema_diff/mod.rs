//! The difference between two declared schemas: what a migration file must
//! run to go from the schema of the last migration (`old`) to the declared
//! one (`new`), and back. Pure: no database is read, so the result can be
//! written to a file and reviewed before it is applied.
//!
//! Additions, declared renames, widening type changes, NOT NULL → nullable
//! and new defaults are written as they come. Drops need
//! [`DiffOptions::allow_drop`]; narrowing changes (text → number, nullable →
//! NOT NULL, a shorter string) need [`DiffOptions::allow_narrowing`] and come
//! with the [`DataCheck`]s to run first. A removed column kept without the
//! opt-in is made nullable, so inserts that no longer name it still work.

mod columns;
mod indexes;
mod renames;
mod reverse;

use std::collections::{BTreeMap, BTreeSet};

use crate::alter::{add_needs_empty_table, cannot_add_column};
use crate::dialect::Dialect;
use crate::merge::{Schema, SchemaTable};
use crate::meta::{create_database, create_recorded, forget_sql, rename_record_sql};
use crate::model::{ColumnDef, EnumDef, TableDef};
use columns::Kind;
pub use columns::{
    ColumnChange, DataCheck, Kind as ChangeKind, TableAlter, classify, type_changed,
};
use renames::Renames;
pub use renames::before_renames;
pub use reverse::plan_reverse;

/// What a migration may do beyond adding, renaming and widening.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiffOptions {
    /// Drop the tables and columns no longer declared (`migrate --allow-drop`).
    #[serde(default)]
    pub allow_drop: bool,
    /// Make narrowing changes, after their [`DataCheck`]s (`migrate --allow-narrowing`).
    #[serde(default)]
    pub allow_narrowing: bool,
}

/// The statements of one migration, by how they must run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationPlan {
    /// Enum values to add and commit before anything uses them, where the
    /// dialect needs that ([`Dialect::enum_values_need_own_file`]); elsewhere
    /// they are in `statements`.
    pub enum_values: Vec<String>,
    /// Everything else, in order; one transaction where DDL is transactional.
    pub statements: Vec<String>,
    /// Indexes on existing tables built while writers go on, each outside a
    /// transaction ([`Dialect::online_index_needs_own_file`]); elsewhere
    /// they are in `statements`.
    pub online_indexes: Vec<OnlineIndex>,
    /// What the drops lose: `(what, SELECT COUNT(*) of the rows or values)`.
    pub losses: Vec<(String, String)>,
    /// Rows that must not exist for the narrowing changes to succeed.
    pub checks: Vec<DataCheck>,
    /// Tables and columns no longer declared but kept, in words.
    pub kept: Vec<String>,
    /// What the statements drop: `(table, None)`, or a column of a table.
    pub drops: Vec<(String, Option<ColumnDef>)>,
    /// The schema the statements lead to: `new` plus what was kept.
    pub target: Schema,
}

/// An index built on an existing table while writers go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineIndex {
    pub table: String,
    pub name: String,
    /// [`Dialect::create_index_online`].
    pub sql: String,
}

impl MigrationPlan {
    /// Whether the migration has nothing to run.
    pub fn is_empty(&self) -> bool {
        self.enum_values.is_empty() && self.statements.is_empty() && self.online_indexes.is_empty()
    }
}

/// The statements that take a database from `old` to `new`, additive and
/// automatic changes only ([`DiffOptions::default`]), as one list; `Err`
/// holds one reason per change refused, each saying what to do.
///
/// ```
/// use invect_schema::{DialectKind, Schema, diff_schemas};
/// let empty = Schema::default();
/// let sql = diff_schemas(DialectKind::Sqlite.dialect(), &empty, &empty, "").expect("additive");
/// assert!(sql[0].starts_with("CREATE TABLE \"invect_schema_tables\""));
/// ```
pub fn diff_schemas(
    d: &dyn Dialect,
    old: &Schema,
    new: &Schema,
    prefix: &str,
) -> Result<Vec<String>, Vec<String>> {
    let plan = plan_migration(d, old, new, prefix, DiffOptions::default())?;
    let mut out = plan.enum_values;
    out.extend(plan.statements);
    out.extend(plan.online_indexes.into_iter().map(|i| i.sql));
    Ok(out)
}

/// The migration from `old` to `new` under `options`. Both schemas carry the
/// table prefix already; `prefix` names the record table.
pub fn plan_migration(
    d: &dyn Dialect,
    old: &Schema,
    new: &Schema,
    prefix: &str,
    options: DiffOptions,
) -> Result<MigrationPlan, Vec<String>> {
    if old.tables.is_empty() {
        return Ok(MigrationPlan {
            statements: create_database(d, new, prefix),
            target: new.clone(),
            ..MigrationPlan::default()
        });
    }
    let renames = Renames::between(old, new);
    let aligned = renames.apply(old);
    let mut diff = SchemaDiff {
        d,
        old,
        aligned: &aligned,
        new,
        prefix,
        options,
        reverse: false,
        renames: &renames,
        plan: MigrationPlan {
            target: new.clone(),
            ..MigrationPlan::default()
        },
        reasons: Vec::new(),
        rebuilt: BTreeSet::new(),
    };
    diff.run();
    diff.finish()
}

/// The diff being built: statements so far and reasons for refusing.
struct SchemaDiff<'a> {
    d: &'a dyn Dialect,
    /// The schema migrated from, under its own names.
    old: &'a Schema,
    /// `old` under the new names.
    aligned: &'a Schema,
    new: &'a Schema,
    prefix: &'a str,
    options: DiffOptions,
    /// Writing a down migration: drops and narrowing allowed, no checks.
    reverse: bool,
    renames: &'a Renames,
    plan: MigrationPlan,
    reasons: Vec<String>,
    /// Tables rebuilt by `alter_table`, which recreates their indexes.
    rebuilt: BTreeSet<String>,
}

impl SchemaDiff<'_> {
    fn run(&mut self) {
        self.rename_statements();
        let early = indexes::early(self);
        self.plan.statements.extend(early);
        self.removed_tables();
        self.enums();
        self.new_tables();
        self.changed_tables();
        indexes::late(self);
    }

    fn finish(self) -> Result<MigrationPlan, Vec<String>> {
        if self.reasons.is_empty() {
            Ok(self.plan)
        } else {
            Err(self.reasons)
        }
    }

    /// Table renames (and their records), then column renames, then the
    /// constraints whose names follow table and column names.
    fn rename_statements(&mut self) {
        let d = self.d;
        for (from, to) in &self.renames.tables {
            self.plan.statements.push(d.rename_table(from, to));
            self.plan
                .statements
                .push(rename_record_sql(d, self.prefix, from, to));
        }
        for (table, from, to) in &self.renames.columns {
            self.plan.statements.push(d.rename_column(table, from, to));
        }
        for t in &self.aligned.tables {
            let old_table = self.renames.old_table(&t.def.name);
            for c in t.def.columns.iter() {
                let old_column = self.renames.old_column(&t.def.name, &c.name);
                let mut names = Vec::new();
                if c.references.is_some() {
                    names.push((
                        crate::foreign_key_name(&old_table, &old_column),
                        crate::foreign_key_name(&t.def.name, &c.name),
                    ));
                }
                if d.length_check(c).is_some() {
                    names.push((
                        crate::dialect::check_name(&old_table, &old_column),
                        crate::dialect::check_name(&t.def.name, &c.name),
                    ));
                }
                for (from, to) in names.into_iter().filter(|(a, b)| a != b) {
                    self.plan
                        .statements
                        .extend(d.rename_constraint(&t.def.name, &from, &to));
                }
            }
        }
    }

    /// Tables of `old` no longer declared: dropped (children first) with the
    /// opt-in, else kept as they are.
    fn removed_tables(&mut self) {
        for t in self.aligned.tables.iter().rev() {
            if self.new.table(&t.def.name).is_some() {
                continue;
            }
            let name = &t.def.name;
            if self.options.allow_drop {
                self.plan.drops.push((name.to_string(), None));
                self.plan.statements.push(self.d.drop_table(name));
                self.plan
                    .statements
                    .push(forget_sql(self.d, self.prefix, name));
                self.plan.losses.push((
                    format!("table `{name}` ({})", t.origin),
                    format!("SELECT COUNT(*) FROM {}", self.d.quote(name)),
                ));
            } else {
                self.plan.kept.push(format!(
                    "table `{name}` ({}) is no longer declared; it is kept with its rows \
                     (run with --allow-drop to drop it)",
                    t.origin
                ));
                self.plan.target.tables.push(t.clone());
            }
        }
    }

    /// New enum types, and new values of enum types the last migration had.
    fn enums(&mut self) {
        let old: BTreeMap<&str, &EnumDef> = self
            .aligned
            .enums()
            .into_iter()
            .map(|e| (e.name.as_ref(), e))
            .collect();
        for e in self.new.enums() {
            match old.get(e.name.as_ref()) {
                None => self.plan.statements.extend(self.d.create_enum(e)),
                Some(before) => self.enum_values(before, e),
            }
        }
    }

    /// Adds the values `after` has and `before` lacks; refuses removed ones.
    fn enum_values(&mut self, before: &EnumDef, after: &EnumDef) {
        let removed: Vec<&str> = missing_values(before, after);
        if !removed.is_empty() && !self.reverse {
            self.reasons.push(format!(
                "enum `{}` no longer has the values {}; rows may still hold them: \
                 keep the values, or write that migration by hand (update those rows first)",
                after.name,
                quoted(&removed)
            ));
        }
        let added: Vec<&str> = missing_values(after, before);
        if added.is_empty() {
            return;
        }
        let uses = self.existing_enum_columns(&after.name);
        let sql = self.d.extend_enum(after, &added, &uses);
        if self.d.enum_values_need_own_file() {
            self.plan.enum_values.extend(sql);
        } else {
            self.plan.statements.extend(sql);
        }
    }

    /// Columns of the new schema using enum `name` that already exist
    /// (MySQL redefines each of them with the new values).
    fn existing_enum_columns(&self, name: &str) -> Vec<(&TableDef, &ColumnDef)> {
        let mut uses = Vec::new();
        for t in &self.new.tables {
            let Some(before) = self.aligned.table(&t.def.name) else {
                continue;
            };
            for c in t.def.columns.iter() {
                let is_enum = c.ty.as_enum().is_some_and(|e| e.name == name);
                if is_enum && before.def.column(&c.name).is_some() {
                    uses.push((&t.def, c));
                }
            }
        }
        uses
    }

    /// Tables the last migration did not have, each recorded before it is created.
    fn new_tables(&mut self) {
        for t in &self.new.tables {
            if self.aligned.table(&t.def.name).is_none() {
                self.plan
                    .statements
                    .extend(create_recorded(self.d, self.prefix, t));
            }
        }
    }

    /// Columns added to, removed from or changed in tables both schemas have.
    fn changed_tables(&mut self) {
        for t in &self.new.tables {
            let Some(before) = self.aligned.table(&t.def.name) else {
                continue;
            };
            if before.def.primary_key != t.def.primary_key {
                self.reasons.push(format!(
                    "the primary key of `{}` changed from ({}) to ({}); write that migration by hand",
                    t.def.name,
                    before.def.primary_key.join(", "),
                    t.def.primary_key.join(", ")
                ));
                continue;
            }
            self.changed_table(before, t);
        }
    }

    fn changed_table(&mut self, before: &SchemaTable, t: &SchemaTable) {
        let mut current = before.def.clone();
        for c in t.def.columns.iter() {
            if before.def.column(&c.name).is_none() && self.new_column(&t.def.name, c) {
                current.columns.to_mut().push(c.clone());
            }
        }
        let after = self.after_def(&t.def);
        let mut relaxed = Vec::new();
        let mut dropped = Vec::new();
        for c in before.def.columns.iter() {
            if t.def.column(&c.name).is_some() {
                continue;
            }
            if self.options.allow_drop {
                dropped.push(c);
                self.lose_column(&t.def.name, c);
            } else {
                self.keep_column(&t.def.name, c);
                if !c.nullable {
                    relaxed.push(c);
                }
            }
        }
        if after.columns.len() != t.def.columns.len()
            && let Some(target) = self
                .plan
                .target
                .tables
                .iter_mut()
                .find(|x| x.def.name == t.def.name)
        {
            target.def = after.clone();
            target
                .column_origins
                .resize(after.columns.len(), t.origin.clone());
        }
        let mut changed = Vec::new();
        for c in after.columns.iter() {
            let was = before.def.column(&c.name);
            let relaxed_from = relaxed.iter().find(|w| w.name == c.name).copied();
            if let Some(was) = was.filter(|_| relaxed_from.is_none())
                && t.def.column(&c.name).is_some()
                && self.keep_change(&t.def.name, was, c)
            {
                changed.push(ColumnChange {
                    before: was,
                    after: c,
                    type_changed: type_changed(self.d, &was.ty, &c.ty),
                });
            }
            if let Some(was) = relaxed_from {
                changed.push(ColumnChange {
                    before: was,
                    after: c,
                    type_changed: false,
                });
            }
        }
        if changed.is_empty() && dropped.is_empty() {
            return;
        }
        let defs = self.plan.target.tables.iter().map(|t| &t.def);
        let alter = TableAlter {
            current: &current,
            after: &after,
            changed,
            dropped,
            referenced_by: crate::referencing_tables(defs, &t.def.name),
        };
        self.plan.statements.extend(self.d.alter_table(&alter));
        if self.d.rebuilds_tables() {
            self.rebuilt.insert(t.def.name.to_string());
        }
    }

    /// Table `t` as the migration leaves it: its declared columns, then the
    /// columns it no longer declares but keeps (nullable) without `allow_drop`.
    fn after_def(&self, t: &TableDef) -> TableDef {
        let mut after = t.clone();
        if self.options.allow_drop {
            return after;
        }
        let Some(before) = self.aligned.table(&t.name) else {
            return after;
        };
        let kept: Vec<&ColumnDef> = before
            .def
            .columns
            .iter()
            .filter(|c| t.column(&c.name).is_none())
            .collect();
        for c in &kept {
            let mut loose = (*c).clone();
            loose.nullable = true;
            after.columns.to_mut().push(loose);
        }
        // A kept column keeps its indexes too: nothing of it is touched.
        for i in before.def.indexes.iter() {
            if i.columns.iter().any(|n| kept.iter().any(|c| c.name == *n)) {
                after.indexes.to_mut().push(i.clone());
            }
        }
        after
    }

    /// Whether column `was` → `now` is a change to write; refusals and
    /// checks recorded on the way.
    fn keep_change(&mut self, table: &str, was: &ColumnDef, now: &ColumnDef) -> bool {
        let place = (
            self.renames.old_table(table),
            self.renames.old_column(table, &now.name),
        );
        if was.references != now.references {
            self.reasons.push(format!(
                "column `{table}.{}` changed its foreign key; write that migration by hand, or keep it",
                now.name
            ));
            return false;
        }
        match classify(self.d, was, now, (&place.0, &place.1)) {
            Kind::Same => false,
            Kind::Automatic => true,
            Kind::Unsupported(reason) => {
                self.reasons.push(reason);
                false
            }
            Kind::Narrowing(checks) if self.options.allow_narrowing => {
                if !self.reverse {
                    self.plan.checks.extend(checks);
                }
                true
            }
            Kind::Narrowing(_) => {
                self.reasons.push(format!(
                    "column `{table}.{}` changes from {} to {}, which can refuse rows it holds; \
                     run migrate with --allow-narrowing (its rows are checked first; a NULL \
                     becomes the default where one is declared), or keep the column as it was",
                    now.name,
                    describe(was),
                    describe(now)
                ));
                false
            }
        }
    }

    /// `ALTER TABLE … ADD COLUMN`; `false` (with the reason) when it cannot be
    /// added so. A reverse migration adds such a column as nullable.
    fn new_column(&mut self, table: &str, c: &ColumnDef) -> bool {
        match cannot_add_column(self.d, table, c, None) {
            Some(_) if self.reverse && add_needs_empty_table(self.d, c) => {
                let mut loose = c.clone();
                loose.nullable = true;
                self.plan
                    .statements
                    .extend(self.d.add_column(table, &loose));
                true
            }
            Some(reason) => {
                self.reasons.push(reason);
                false
            }
            None => {
                self.plan.statements.extend(self.d.add_column(table, c));
                true
            }
        }
    }

    fn lose_column(&mut self, table: &str, c: &ColumnDef) {
        self.plan.drops.push((table.to_string(), Some(c.clone())));
        let (t, col) = (
            self.renames.old_table(table),
            self.renames.old_column(table, &c.name),
        );
        self.plan.losses.push((
            format!("column `{t}.{col}`"),
            format!(
                "SELECT COUNT({}) FROM {}",
                self.d.quote(&col),
                self.d.quote(&t)
            ),
        ));
    }

    fn keep_column(&mut self, table: &str, c: &ColumnDef) {
        let how = if c.nullable {
            "kept"
        } else {
            "kept and made nullable, so inserts that leave it out work"
        };
        self.plan.kept.push(format!(
            "column `{table}.{}` is no longer declared; it is {how} (run with --allow-drop to drop it)",
            c.name
        ));
    }
}

/// Values of `a` that `b` lacks, in `a`'s order.
fn missing_values<'e>(a: &'e EnumDef, b: &EnumDef) -> Vec<&'e str> {
    a.values
        .iter()
        .filter(|v| !b.values.contains(v))
        .map(|v| v.as_ref())
        .collect()
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `nullable text`, `NOT NULL number` for messages.
fn describe(c: &ColumnDef) -> String {
    let null = if c.nullable { "nullable" } else { "NOT NULL" };
    format!("{null} {}", c.ty)
}
