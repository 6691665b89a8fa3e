//! The data model: tables, columns, abstract types, defaults, keys and indexes.
//!
//! Every type holds `Cow<'static, _>` data so the same definition can live in a
//! `static` (emitted by `#[invect_table]`, no allocation at run time) or be built
//! at run time (merge results, introspection, snapshots read from disk).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// An identifier or other text that is usually `'static`.
pub type Name = Cow<'static, str>;

/// A named enum type and its values, e.g. `flow_run_status`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EnumDef {
    pub name: Name,
    pub values: Cow<'static, [Name]>,
}

/// The abstract column types; DESIGN.md maps each to a dialect.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ColumnType {
    /// Short text: MySQL `VARCHAR(max_length)`, 255 when unset.
    String {
        max_length: Option<u32>,
    },
    /// Long text.
    Text,
    /// 32-bit integer.
    Number,
    /// 64-bit integer.
    BigInt,
    Boolean,
    /// UTC timestamp with millisecond precision.
    Date,
    Json,
    Uuid,
    Enum(EnumDef),
}

impl ColumnType {
    /// The default `VARCHAR` length on MySQL.
    pub const DEFAULT_MAX_LENGTH: u32 = 255;

    /// A plain `string` column (MySQL `VARCHAR(255)`).
    pub const STRING: ColumnType = ColumnType::String { max_length: None };

    /// The abstract name used in messages and `schema.json` (`string`, `enum`...).
    pub fn abstract_name(&self) -> &'static str {
        match self {
            ColumnType::String { .. } => "string",
            ColumnType::Text => "text",
            ColumnType::Number => "number",
            ColumnType::BigInt => "bigint",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Json => "json",
            ColumnType::Uuid => "uuid",
            ColumnType::Enum(_) => "enum",
        }
    }

    /// The same type with `prefix` before an enum type's name.
    pub fn with_prefix(&self, prefix: &str) -> ColumnType {
        match self {
            ColumnType::Enum(e) if !prefix.is_empty() => ColumnType::Enum(EnumDef {
                name: Cow::Owned(format!("{prefix}{}", e.name)),
                values: e.values.clone(),
            }),
            other => other.clone(),
        }
    }

    /// The enum definition when this is an enum column.
    pub fn as_enum(&self) -> Option<&EnumDef> {
        match self {
            ColumnType::Enum(e) => Some(e),
            _ => None,
        }
    }
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnType::String {
                max_length: Some(n),
            } => write!(f, "string({n})"),
            ColumnType::Enum(e) => write!(f, "enum {}", e.name),
            other => f.write_str(other.abstract_name()),
        }
    }
}

/// A column default: a database expression (`now`, `uuid`) or a literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum DefaultValue {
    /// The current UTC timestamp.
    Now,
    /// A new random UUID (client side where the dialect has no function for it).
    Uuid,
    /// A string literal; also an enum variant or JSON text.
    Str(Name),
    Int(i64),
    Bool(bool),
}

impl std::fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DefaultValue::Now => f.write_str("now"),
            DefaultValue::Uuid => f.write_str("uuid"),
            DefaultValue::Str(s) => write!(f, "{s:?}"),
            DefaultValue::Int(i) => write!(f, "{i}"),
            DefaultValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// What happens to referencing rows when the referenced row is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDelete {
    Cascade,
    SetNull,
    Restrict,
    NoAction,
}

impl OnDelete {
    /// The SQL words after `ON DELETE`.
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::SetNull => "SET NULL",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::NoAction => "NO ACTION",
        }
    }
}

/// A single-column foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForeignKey {
    pub table: Name,
    pub column: Name,
    pub on_delete: OnDelete,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ColumnDef {
    pub name: Name,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    pub default: Option<DefaultValue>,
    /// A single-column unique constraint, rendered as a unique index.
    pub unique: bool,
    pub references: Option<ForeignKey>,
    /// The column's earlier name (`#[invect(renamed_from = "…")]`): a
    /// migration or push renames a column of that name instead of adding one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<Name>,
}

impl ColumnDef {
    /// A NOT NULL column with no default, key or constraint.
    pub const fn new(name: &'static str, ty: ColumnType) -> ColumnDef {
        ColumnDef {
            name: Cow::Borrowed(name),
            ty,
            nullable: false,
            default: None,
            unique: false,
            references: None,
            renamed_from: None,
        }
    }
}

/// An index over one or more columns, in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexDef {
    pub columns: Cow<'static, [Name]>,
    pub unique: bool,
}

impl IndexDef {
    /// The index name: `<table>_<columns>_idx` (`_key` when unique), shortened
    /// with a hash to fit PostgreSQL's 63 bytes.
    pub fn name(&self, table: &str) -> String {
        let suffix = if self.unique { "key" } else { "idx" };
        let cols: Vec<&str> = self.columns.iter().map(|c| c.as_ref()).collect();
        crate::ident::fit_identifier(format!("{table}_{}_{suffix}", cols.join("_")))
    }
}

/// A table: its columns, primary key and indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableDef {
    pub name: Name,
    pub columns: Cow<'static, [ColumnDef]>,
    /// Primary key columns, in order; more than one makes a composite key.
    pub primary_key: Cow<'static, [Name]>,
    /// Declared indexes (single-column `unique` and FK indexes are added by
    /// [`TableDef::effective_indexes`]).
    pub indexes: Cow<'static, [IndexDef]>,
    /// Creation-order hint: lower first, once foreign-key targets are placed.
    pub order: i32,
    /// The table's earlier name (`#[invect_table(renamed_from = "…")]`): a
    /// migration or push renames a table of that name instead of creating one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<Name>,
}

impl TableDef {
    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Every index the table gets: declared ones, one unique index per `unique`
    /// column, and one per foreign-key column that no index or primary key
    /// already leads with (PostgreSQL does not index FK columns by itself).
    pub fn effective_indexes(&self) -> Vec<IndexDef> {
        let mut out: Vec<IndexDef> = self.indexes.to_vec();
        for col in self.columns.iter().filter(|c| c.unique) {
            let single = std::slice::from_ref(&col.name);
            if !out.iter().any(|i| i.unique && i.columns.as_ref() == single) {
                out.push(IndexDef {
                    columns: Cow::Owned(vec![col.name.clone()]),
                    unique: true,
                });
            }
        }
        for col in self.columns.iter().filter(|c| c.references.is_some()) {
            let led = |cols: &[Name]| cols.first() == Some(&col.name);
            if !led(&self.primary_key) && !out.iter().any(|i| led(&i.columns)) {
                out.push(IndexDef {
                    columns: Cow::Owned(vec![col.name.clone()]),
                    unique: false,
                });
            }
        }
        out
    }

    /// The same table with `prefix` before its name, its foreign keys'
    /// targets and its enum types' names.
    pub fn with_prefix(&self, prefix: &str) -> TableDef {
        let mut t = self.clone();
        if prefix.is_empty() {
            return t;
        }
        t.name = Cow::Owned(format!("{prefix}{}", self.name));
        if let Some(old) = &self.renamed_from {
            t.renamed_from = Some(Cow::Owned(format!("{prefix}{old}")));
        }
        for c in t.columns.to_mut() {
            if let Some(fk) = &mut c.references {
                fk.table = Cow::Owned(format!("{prefix}{}", fk.table));
            }
            c.ty = c.ty.with_prefix(prefix);
        }
        t
    }

    /// Enum types used by this table's columns.
    pub fn enums(&self) -> impl Iterator<Item = &EnumDef> {
        self.columns.iter().filter_map(|c| c.ty.as_enum())
    }
}

/// Columns (and indexes) that a plugin adds to an existing table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Extension {
    /// The extended table's name.
    pub table: Name,
    pub columns: Cow<'static, [ColumnDef]>,
    pub indexes: Cow<'static, [IndexDef]>,
}

/// Where a table or column came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Origin {
    Core,
    Plugin(Name),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Core => f.write_str("core"),
            Origin::Plugin(id) => write!(f, "plugin `{id}`"),
        }
    }
}
