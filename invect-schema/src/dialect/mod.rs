//! DDL rendering. One trait writes the SQL the three dialects share; each
//! dialect is a unit struct in its own file overriding only what differs.

mod conversion;
mod like;
mod mysql;
mod postgres;
mod sqlite;
mod sqlite_rebuild;

pub use conversion::Conversion;
pub use like::{LikeToken, like_literal, like_tokens};
pub use mysql::{MySql, parse_mysql_enum};
pub use postgres::Postgres;
pub use sqlite::Sqlite;
pub use sqlite_rebuild::{rebuild_table, referencing_tables};

use serde::{Deserialize, Serialize};

use crate::merge::Schema;
use crate::model::{ColumnDef, ColumnType, DefaultValue, EnumDef, IndexDef, TableDef};

/// The three supported databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DialectKind {
    Sqlite,
    Postgres,
    Mysql,
}

impl DialectKind {
    pub const ALL: [DialectKind; 3] = [
        DialectKind::Sqlite,
        DialectKind::Postgres,
        DialectKind::Mysql,
    ];

    /// The renderer for this dialect.
    pub fn dialect(self) -> &'static dyn Dialect {
        match self {
            DialectKind::Sqlite => &Sqlite,
            DialectKind::Postgres => &Postgres,
            DialectKind::Mysql => &MySql,
        }
    }

    /// Position in [`DialectKind::ALL`], for per-dialect arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Lower-case name used in file names (`schema.postgres.sql`).
    pub fn as_str(self) -> &'static str {
        match self {
            DialectKind::Sqlite => "sqlite",
            DialectKind::Postgres => "postgres",
            DialectKind::Mysql => "mysql",
        }
    }
}

impl std::fmt::Display for DialectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Writes DDL for one dialect. Default methods hold the shared SQL.
pub trait Dialect: Sync {
    fn kind(&self) -> DialectKind;

    /// The column type for an abstract type.
    fn column_type(&self, ty: &ColumnType) -> String;

    /// The `DEFAULT` expression for `now` / `uuid`, or `None` where the
    /// dialect has no function and the client supplies the value.
    fn function_default(&self, default: &DefaultValue) -> Option<String>;

    /// A quoted identifier.
    fn quote(&self, ident: &str) -> String {
        format!("\"{}\"", ident.replace('"', "\"\""))
    }

    /// A quoted string literal.
    fn string_literal(&self, s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }

    fn bool_literal(&self, b: bool) -> &'static str {
        if b { "TRUE" } else { "FALSE" }
    }

    /// The `DEFAULT` expression for a column, if it gets one in the DDL.
    fn default_expr(&self, default: &DefaultValue, _ty: &ColumnType) -> Option<String> {
        match default {
            DefaultValue::Now | DefaultValue::Uuid => self.function_default(default),
            DefaultValue::Str(s) => Some(self.string_literal(s)),
            DefaultValue::Int(i) => Some(i.to_string()),
            DefaultValue::Bool(b) => Some(self.bool_literal(*b).to_string()),
        }
    }

    /// `"name" TYPE [NOT NULL] [DEFAULT x]`.
    fn column_definition(&self, c: &ColumnDef) -> String {
        let mut sql = format!("{} {}", self.quote(&c.name), self.column_type(&c.ty));
        if !c.nullable {
            sql.push_str(" NOT NULL");
        }
        if let Some(expr) = c.default.as_ref().and_then(|d| self.default_expr(d, &c.ty)) {
            sql.push_str(" DEFAULT ");
            sql.push_str(&expr);
        }
        if let Some(check) = self.length_check(c) {
            sql.push(' ');
            sql.push_str(&check);
        }
        sql
    }

    /// The CHECK holding a `string` column with a declared `max_length` to it
    /// for every writer, where the column type does not (MySQL's `VARCHAR(n)` does).
    fn length_check(&self, c: &ColumnDef) -> Option<String> {
        let ColumnType::String {
            max_length: Some(n),
        } = c.ty
        else {
            return None;
        };
        Some(format!(
            "CHECK ({}({}) <= {n})",
            self.length_function(),
            self.quote(&c.name)
        ))
    }

    /// The function counting a text's characters.
    fn length_function(&self) -> &'static str {
        "char_length"
    }

    /// `CREATE TYPE` for dialects with named enum types.
    fn create_enum(&self, _e: &EnumDef) -> Option<String> {
        None
    }

    /// Statements that add `added` values to enum `e`, whose columns are `uses`.
    fn extend_enum(
        &self,
        _e: &EnumDef,
        _added: &[&str],
        _uses: &[(&TableDef, &ColumnDef)],
    ) -> Vec<String> {
        Vec::new()
    }

    /// Text after the closing parenthesis of `CREATE TABLE`.
    fn table_options(&self) -> &'static str {
        ""
    }

    /// `CREATE TABLE` with columns, primary key and foreign keys (no indexes).
    fn create_table(&self, t: &TableDef) -> String {
        let mut parts: Vec<String> = t
            .columns
            .iter()
            .map(|c| self.column_definition(c))
            .collect();
        parts.push(format!(
            "PRIMARY KEY ({})",
            self.column_list(&t.primary_key)
        ));
        for c in t.columns.iter() {
            if let Some(fk) = &c.references {
                parts.push(self.foreign_key(&t.name, c, fk));
            }
        }
        format!(
            "CREATE TABLE {} (\n  {}\n){}",
            self.quote(&t.name),
            parts.join(",\n  "),
            self.table_options()
        )
    }

    /// `CONSTRAINT "t_c_fkey" FOREIGN KEY ("c") REFERENCES "x" ("id") ON DELETE ...`.
    fn foreign_key(&self, table: &str, c: &ColumnDef, fk: &crate::ForeignKey) -> String {
        format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {}",
            self.quote(&foreign_key_name(table, &c.name)),
            self.quote(&c.name),
            self.quote(&fk.table),
            self.quote(&fk.column),
            fk.on_delete.sql()
        )
    }

    /// `CREATE [UNIQUE] INDEX "name" ON "t" ("a", "b")`.
    fn create_index(&self, table: &str, i: &IndexDef) -> String {
        format!(
            "CREATE {}INDEX {} ON {} ({})",
            if i.unique { "UNIQUE " } else { "" },
            self.quote(&i.name(table)),
            self.quote(table),
            self.column_list(&i.columns)
        )
    }

    /// Statements adding one column to an existing table; the foreign key rides
    /// along as a column constraint (SQLite and PostgreSQL accept that form).
    fn add_column(&self, table: &str, c: &ColumnDef) -> Vec<String> {
        let mut sql = format!(
            "ALTER TABLE {} ADD COLUMN {}",
            self.quote(table),
            self.column_definition(c)
        );
        if let Some(fk) = &c.references {
            sql.push_str(&format!(
                " CONSTRAINT {} REFERENCES {} ({}) ON DELETE {}",
                self.quote(&foreign_key_name(table, &c.name)),
                self.quote(&fk.table),
                self.quote(&fk.column),
                fk.on_delete.sql()
            ));
        }
        vec![sql]
    }

    /// `ALTER TABLE "a" RENAME TO "b"` (the form all three accept).
    fn rename_table(&self, from: &str, to: &str) -> String {
        format!(
            "ALTER TABLE {} RENAME TO {}",
            self.quote(from),
            self.quote(to)
        )
    }

    /// `ALTER TABLE "t" RENAME COLUMN "a" TO "b"` (MySQL 8, MariaDB 10.5.2+).
    fn rename_column(&self, table: &str, from: &str, to: &str) -> String {
        format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            self.quote(table),
            self.quote(from),
            self.quote(to)
        )
    }

    /// Statements giving index `from` of `table` the name `to`; `index` is
    /// its definition under the new names (SQLite can only drop and recreate).
    fn rename_index(&self, _table: &str, from: &str, to: &str, _index: &IndexDef) -> Vec<String> {
        vec![format!(
            "ALTER INDEX {} RENAME TO {}",
            self.quote(from),
            self.quote(to)
        )]
    }

    /// Adoption's conversion of `table.c`, made as `live_type` (enum: its labels),
    /// to its declaration, for types holding every value it does; else `None`.
    fn adopt_conversion(
        &self,
        _: &str,
        _: &ColumnDef,
        _: &str,
        _: Option<&[String]>,
    ) -> Option<Conversion> {
        None
    }

    /// Where a key column changes type only without its foreign keys (MySQL):
    /// the statement dropping foreign key `name` of `table`, re-added after.
    fn drop_foreign_key_to_retype(&self, _table: &str, _name: &str) -> Option<String> {
        None
    }

    /// Adoption's statement giving a whole table what Invect's have (MySQL: charset,
    /// collation), which needs its foreign keys dropped and made again.
    fn adopt_table(&self, _table: &str) -> Option<String> {
        None
    }

    /// Adoption's statement giving `table.c` its declared default in place.
    fn set_default(&self, table: &str, c: &ColumnDef) -> Option<String> {
        let expr = self.default_expr(c.default.as_ref()?, &c.ty)?;
        let (t, col) = (self.quote(table), self.quote(&c.name));
        Some(format!(
            "ALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {expr}"
        ))
    }

    /// The statement renaming a constraint (a foreign key, a length CHECK)
    /// whose name follows its table's and column's, where constraint names
    /// can change in place (PostgreSQL); `None` elsewhere.
    fn rename_constraint(&self, _table: &str, _from: &str, _to: &str) -> Option<String> {
        None
    }

    /// `DROP TYPE` for dialects with named enum types.
    fn drop_enum(&self, _e: &EnumDef) -> Option<String> {
        None
    }

    fn drop_table(&self, table: &str) -> String {
        format!("DROP TABLE {}", self.quote(table))
    }

    /// Drops index `name` of `table`; where the dialect allows, a no-op when
    /// it is gone (a reverse migration may meet an index already dropped).
    fn drop_index(&self, _table: &str, name: &str) -> String {
        format!("DROP INDEX IF EXISTS {}", self.quote(name))
    }

    /// `CREATE INDEX` on a table that exists and may be written meanwhile:
    /// PostgreSQL builds it `CONCURRENTLY` (outside a transaction, see
    /// [`Dialect::online_index_needs_own_file`]), MySQL `ALGORITHM=INPLACE, LOCK=NONE`.
    fn create_index_online(&self, table: &str, i: &IndexDef) -> String {
        self.create_index(table, i)
    }

    /// Drops an index [`Dialect::create_index_online`] built, the same way.
    fn drop_index_online(&self, table: &str, name: &str) -> String {
        self.drop_index(table, name)
    }

    /// Whether [`Dialect::create_index_online`] must run outside a
    /// transaction, hence in a migration file of its own.
    fn online_index_needs_own_file(&self) -> bool {
        false
    }

    /// Whether enum values added by [`Dialect::extend_enum`] must be
    /// committed before a statement uses them (PostgreSQL's "unsafe use of
    /// new value"), hence go in a migration file of their own.
    fn enum_values_need_own_file(&self) -> bool {
        false
    }

    /// The statements making the changes of `alter` to one table in place,
    /// its rows kept: each column's type, nullability and default, and the
    /// columns dropped. PostgreSQL alters each column; MySQL `MODIFY`s it;
    /// SQLite rebuilds the table.
    fn alter_table(&self, alter: &crate::TableAlter) -> Vec<String> {
        let t = &alter.after.name;
        let mut out = Vec::new();
        for change in &alter.changed {
            if change.before.nullable && !change.after.nullable {
                out.extend(self.backfill(t, change.after));
            }
            out.extend(self.alter_column(t, change));
        }
        for c in &alter.dropped {
            out.extend(self.drop_column(t, c));
        }
        out
    }

    /// `UPDATE` giving NULL rows of a column becoming NOT NULL its default.
    fn backfill(&self, table: &str, c: &ColumnDef) -> Option<String> {
        let value = c.default.as_ref()?;
        let expr = self.default_expr(value, &c.ty)?;
        Some(format!(
            "UPDATE {} SET {} = {expr} WHERE {} IS NULL",
            self.quote(table),
            self.quote(&c.name),
            self.quote(&c.name)
        ))
    }

    /// PostgreSQL's per-column `ALTER COLUMN` forms (type with `USING`,
    /// nullability, default); MySQL overrides with one `MODIFY`.
    fn alter_column(&self, table: &str, change: &crate::ColumnChange) -> Vec<String> {
        let (was, now) = (change.before, change.after);
        let alter = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            self.quote(table),
            self.quote(&now.name)
        );
        let mut out = Vec::new();
        if change.type_changed && was.default.is_some() {
            // The old default may not cast to the new type; set again below.
            out.push(format!("{alter} DROP DEFAULT"));
        }
        if change.type_changed {
            let ty = self.column_type(&now.ty);
            let using = self.cast(&self.quote(&now.name), &was.ty, &now.ty);
            out.push(format!("{alter} TYPE {ty} USING {using}"));
        }
        if self.length_check(was) != self.length_check(now) {
            out.extend(self.replace_length_check(table, now));
        }
        if was.default != now.default || change.type_changed {
            match now
                .default
                .as_ref()
                .and_then(|d| self.default_expr(d, &now.ty))
            {
                Some(expr) => out.push(format!("{alter} SET DEFAULT {expr}")),
                None if was.default.is_some() && !change.type_changed => {
                    out.push(format!("{alter} DROP DEFAULT"))
                }
                None => {}
            }
        }
        if was.nullable != now.nullable {
            let verb = if now.nullable { "DROP" } else { "SET" };
            out.push(format!("{alter} {verb} NOT NULL"));
        }
        out
    }

    /// `expr` (of type `from`) converted to `to`, for `ALTER … TYPE … USING`
    /// and a rebuild's copy.
    fn cast(&self, expr: &str, _from: &ColumnType, to: &ColumnType) -> String {
        format!("CAST({expr} AS {})", self.column_type(to))
    }

    /// Statements replacing the length CHECK of a `string` column whose
    /// `max_length` changed (PostgreSQL names a column's CHECK `<table>_<column>_check`).
    fn replace_length_check(&self, table: &str, c: &ColumnDef) -> Vec<String> {
        let name = check_name(table, &c.name);
        let mut out = vec![format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
            self.quote(table),
            self.quote(&name)
        )];
        if let Some(check) = self.length_check(c) {
            out.push(format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {check}",
                self.quote(table),
                self.quote(&name)
            ));
        }
        out
    }

    /// Drops column `c` of `table` (its indexes go with it).
    fn drop_column(&self, table: &str, c: &ColumnDef) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} DROP COLUMN {}",
            self.quote(table),
            self.quote(&c.name)
        )]
    }

    /// Whether [`Dialect::alter_table`] rebuilds the table, recreating its
    /// indexes itself (SQLite).
    fn rebuilds_tables(&self) -> bool {
        false
    }

    /// The condition, over quoted column `col`, of a value that is not a
    /// whole number (rows a `text` → `number` change would fail on).
    fn not_integer(&self, col: &str) -> String {
        format!("{col} !~ '^\\s*-?[0-9]+\\s*$'")
    }

    /// The `n`th (1-based) bind placeholder for a value of type `ty`.
    fn placeholder(&self, _n: usize, _ty: &ColumnType) -> String {
        "?".to_string()
    }

    /// Why this dialect's `ALTER TABLE … ADD COLUMN` cannot add `c` to the
    /// existing table `table`, beyond the rule every dialect shares
    /// (`alter::cannot_add_column`); `None` if it can.
    fn add_column_limit(&self, _table: &str, _c: &ColumnDef) -> Option<String> {
        None
    }

    /// Whether `INSERT ... RETURNING` is available (MySQL 8 has none).
    fn has_returning(&self) -> bool {
        true
    }

    /// `COPY "t" ("a", "b") FROM STDIN (FORMAT binary)`: a bulk load of the
    /// quoted `columns` of `table` in the dialect's binary row format, where
    /// it has one (PostgreSQL); `None` elsewhere.
    fn copy_from_stdin(&self, _table: &str, _columns: &str) -> Option<String> {
        None
    }

    /// Whether a `uuid` default is generated by the client rather than the
    /// database: where there is no function for it, or where the row must be
    /// read back by its key because there is no `RETURNING`.
    fn client_generates_uuid(&self) -> bool {
        self.function_default(&DefaultValue::Uuid).is_none() || !self.has_returning()
    }

    /// The operator and the pattern for a case-sensitive `LIKE` pattern in
    /// Invect's one meaning ([`like_tokens`]); PostgreSQL's and MySQL's `LIKE`
    /// escape with `\` by default, so only a trailing `\` needs escaping.
    fn like(&self, pattern: &str) -> (&'static str, String) {
        let mut out = String::with_capacity(pattern.len() + 2);
        for t in like_tokens(pattern) {
            match t {
                LikeToken::Any => out.push('%'),
                LikeToken::One => out.push('_'),
                LikeToken::Char(c @ ('%' | '_' | '\\')) => {
                    out.push('\\');
                    out.push(c);
                }
                LikeToken::Char(c) => out.push(c),
            }
        }
        (" LIKE ", out)
    }

    /// How a date is written as text the dialect compares with its dates
    /// (chrono format; SQLite's stored form, ISO-8601 elsewhere).
    fn date_text_format(&self) -> &'static str {
        "%Y-%m-%dT%H:%M:%S%.3fZ"
    }

    /// `subject IN (<the elements of the list bound at placeholder>)`, each
    /// element read as column type `ty`: a list of any length as one
    /// parameter. PostgreSQL: a `text[]`, cast; the others: a JSON array.
    fn in_json_list(&self, subject: &str, placeholder: &str, ty: &ColumnType) -> String {
        format!("{subject} = ANY({placeholder}::{}[])", self.column_type(ty))
    }

    /// The left side of a `LIKE` on the quoted column `col`.
    fn like_subject(&self, col: &str) -> String {
        col.to_string()
    }

    /// Words after `ASC`/`DESC` so NULL sorts first ascending and last
    /// descending, as SQLite and MySQL do by themselves.
    fn nulls_order(&self, _desc: bool) -> &'static str {
        ""
    }

    /// The `LIMIT` word that means "no limit", for an `OFFSET` on its own.
    fn unlimited(&self) -> &'static str {
        "-1"
    }

    /// The row-lock clause ending a `SELECT`; empty on SQLite, where a write
    /// transaction holds the whole database.
    fn lock_clause(&self, wait: LockWait) -> &'static str {
        match wait {
            LockWait::Wait => " FOR UPDATE",
            LockWait::SkipLocked => " FOR UPDATE SKIP LOCKED",
            LockWait::NoWait => " FOR UPDATE NOWAIT",
        }
    }

    /// The clause making an `INSERT` an upsert: on a conflict on the quoted
    /// columns `target`, run the assignments `set`, or nothing when `set` is empty.
    fn on_conflict(&self, target: &[String], set: &str) -> String {
        let target = target.join(", ");
        if set.is_empty() {
            format!(" ON CONFLICT ({target}) DO NOTHING")
        } else {
            format!(" ON CONFLICT ({target}) DO UPDATE SET {set}")
        }
    }

    /// The value a conflicting `INSERT` proposed for column `c`.
    fn excluded(&self, c: &str) -> String {
        format!("excluded.{}", self.quote(c))
    }

    /// `expr` as a 64-bit integer (the type of `SUM` differs per dialect).
    fn bigint(&self, expr: &str) -> String {
        format!("CAST({expr} AS BIGINT)")
    }

    /// `"a", "b"`.
    fn column_list(&self, cols: &[crate::Name]) -> String {
        cols.iter()
            .map(|c| self.quote(c))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a row-locking `SELECT` does about rows another transaction locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockWait {
    /// Waits for them.
    Wait,
    /// Leaves them out (`SKIP LOCKED`), for work queues.
    SkipLocked,
    /// Fails at once (`NOWAIT`).
    NoWait,
}

/// The name PostgreSQL gives the CHECK of column `table.column`.
pub fn check_name(table: &str, column: &str) -> String {
    crate::ident::fit_identifier(format!("{table}_{column}_check"))
}

/// The name of the foreign-key constraint on `table.column`.
pub fn foreign_key_name(table: &str, column: &str) -> String {
    crate::ident::fit_identifier(format!("{table}_{column}_fkey"))
}

/// Statements creating one table and its indexes.
pub fn render_table(d: &dyn Dialect, t: &TableDef) -> Vec<String> {
    let mut out = vec![d.create_table(t)];
    out.extend(
        t.effective_indexes()
            .iter()
            .map(|i| d.create_index(&t.name, i)),
    );
    out
}

/// The whole schema's DDL for an empty database, in creation order.
pub fn render_schema(d: &dyn Dialect, schema: &Schema) -> Vec<String> {
    let mut out = render_enums(d, schema);
    for t in &schema.tables {
        out.extend(render_table(d, &t.def));
    }
    out
}

/// The enum types the schema's tables use, for dialects that declare them.
pub fn render_enums(d: &dyn Dialect, schema: &Schema) -> Vec<String> {
    schema
        .enums()
        .into_iter()
        .filter_map(|e| d.create_enum(e))
        .collect()
}

/// The DDL as one script: statements separated by `;` and a blank line.
pub fn render_script(d: &dyn Dialect, schema: &Schema) -> String {
    script_text(&render_schema(d, schema))
}

/// Statements as one script runnable by `sqlite3`, `psql` or `mysql`.
pub fn script_text(statements: &[String]) -> String {
    statements
        .iter()
        .map(|s| format!("{s};\n"))
        .collect::<Vec<_>>()
        .join("\n")
}
