//! Lowers a parsed [`Model`] once into invect-schema's own types. The rules
//! (`invect_schema::validate`) check this value, and the static `DEF` the
//! macro emits is this value quoted (see `tokens.rs`).
//!
//! Three parts are only known to the compiler, not to the macro; they get a
//! stand-in here and are quoted as the expression that yields the real value:
//! an enum column's [`EnumDef`] (`<T as InvectEnum>::ENUM_DEF`; here its name
//! and no values), a foreign key's target (`<path as Column>::NAME`; here the
//! path's module and last segment) and an extension's table
//! (`<Target as Table>::NAME`; here the path as written).

use std::borrow::Cow;

use invect_schema::{
    ColumnDef, ColumnType, DefaultValue, EnumDef, Extension, ForeignKey, IndexDef, Name, OnDelete,
    TableDef,
};
use quote::ToTokens;

use crate::ast::{Field, Model};
use crate::attr::DefaultAttr;
use crate::types::{Kind, snake_case, type_ident};

/// The creation-order hint of a table that declares no `order`.
pub const DEFAULT_ORDER: i32 = 1000;

/// The declaration as schema metadata.
#[derive(Debug, Clone, PartialEq)]
pub enum Lowered {
    Table(TableDef),
    Extension(Extension),
}

impl Lowered {
    /// One column per field, in field order (a field whose type is
    /// unsupported gets a `text` stand-in, so indexes stay aligned).
    pub fn columns(&self) -> &[ColumnDef] {
        match self {
            Lowered::Table(t) => &t.columns,
            Lowered::Extension(e) => &e.columns,
        }
    }

    /// The primary key columns; none for an extension.
    pub fn primary_key(&self) -> &[Name] {
        match self {
            Lowered::Table(t) => &t.primary_key,
            Lowered::Extension(_) => &[],
        }
    }

    /// The fields of the primary key, in key order.
    pub fn key_fields<'m>(&self, m: &'m Model) -> Vec<&'m Field> {
        self.primary_key()
            .iter()
            .filter_map(|c| m.fields.iter().find(|f| f.column == *c))
            .collect()
    }
}

/// Builds the table (or extension) that `m` declares.
pub fn lower(m: &Model) -> Lowered {
    let columns: Vec<ColumnDef> = m.fields.iter().map(column_def).collect();
    let indexes = Cow::Owned(indexes(m));
    match &m.attrs.extends {
        Some(target) => Lowered::Extension(Extension {
            table: Cow::Owned(path_text(target)),
            columns: Cow::Owned(columns),
            indexes,
        }),
        None => Lowered::Table(TableDef {
            name: Cow::Owned(m.table.clone()),
            columns: Cow::Owned(columns),
            primary_key: Cow::Owned(primary_key(m)),
            indexes,
            order: m.attrs.order.unwrap_or(DEFAULT_ORDER),
            renamed_from: m.attrs.renamed_from.as_ref().map(|l| Cow::Owned(l.value())),
        }),
    }
}

/// A column named in `primary_key(..)`, `index(..)` or `unique(..)`: the
/// column of the field with that name, else the name itself (a renamed
/// column's name, or a name the rules then report as unknown).
pub fn resolve(m: &Model, ident: &syn::Ident) -> Name {
    match m.field(ident) {
        Some(f) => Cow::Owned(f.column.clone()),
        None => Cow::Owned(ident.to_string()),
    }
}

/// `#[invect_table(primary_key(a, b))]`, else the fields marked `primary_key`.
fn primary_key(m: &Model) -> Vec<Name> {
    match &m.attrs.primary_key {
        Some((idents, _)) => idents.iter().map(|i| resolve(m, i)).collect(),
        None => m
            .fields
            .iter()
            .filter(|f| f.attrs.primary_key.is_some())
            .map(|f| Cow::Owned(f.column.clone()))
            .collect(),
    }
}

/// Declared indexes: `index` on fields, then `index(..)`/`unique(..)` lists.
fn indexes(m: &Model) -> Vec<IndexDef> {
    let single = m.fields.iter().filter(|f| f.attrs.index).map(|f| IndexDef {
        columns: Cow::Owned(vec![Cow::Owned(f.column.clone())]),
        unique: false,
    });
    let listed = m.attrs.indexes.iter().map(|(idents, unique)| IndexDef {
        columns: Cow::Owned(idents.iter().map(|i| resolve(m, i)).collect()),
        unique: *unique,
    });
    single.chain(listed).collect()
}

/// The column a field declares.
pub fn column_def(f: &Field) -> ColumnDef {
    ColumnDef {
        name: Cow::Owned(f.column.clone()),
        ty: column_type(f),
        nullable: f.field_type.as_ref().is_some_and(|t| t.nullable),
        default: f.attrs.default.as_ref().map(|(d, _)| default_value(d)),
        unique: f.attrs.unique,
        references: foreign_key(f),
        renamed_from: f.attrs.renamed_from.as_ref().map(|l| Cow::Owned(l.value())),
    }
}

/// The abstract type; `text` stands in for an unsupported field type.
fn column_type(f: &Field) -> ColumnType {
    let Some(ft) = &f.field_type else {
        return ColumnType::Text;
    };
    match ft.kind {
        Kind::String if f.attrs.text.is_some() => ColumnType::Text,
        Kind::String => ColumnType::String {
            max_length: f.attrs.max_length.map(|(n, _)| n),
        },
        Kind::I32 => ColumnType::Number,
        Kind::I64 => ColumnType::BigInt,
        Kind::Bool => ColumnType::Boolean,
        Kind::DateTime => ColumnType::Date,
        Kind::Uuid => ColumnType::Uuid,
        Kind::Json => ColumnType::Json,
        Kind::Enum => ColumnType::Enum(enum_stand_in(&ft.inner)),
    }
}

/// An enum column's type as far as the macro knows it: the PostgreSQL type
/// name (the Rust name in snake_case) and no values.
pub fn enum_stand_in(ty: &syn::Type) -> EnumDef {
    let name = type_ident(ty)
        .map(|i| snake_case(&i.to_string()))
        .unwrap_or_default();
    EnumDef {
        name: Cow::Owned(name),
        values: Cow::Owned(Vec::new()),
    }
}

pub fn default_value(d: &DefaultAttr) -> DefaultValue {
    match d {
        DefaultAttr::Now => DefaultValue::Now,
        DefaultAttr::Uuid => DefaultValue::Uuid,
        DefaultAttr::Str(s) => DefaultValue::Str(Cow::Owned(s.clone())),
        DefaultAttr::Int(i) => DefaultValue::Int(*i),
        DefaultAttr::Bool(b) => DefaultValue::Bool(*b),
    }
}

/// `references = flows::id` as `flows.id` (the compiler supplies the real
/// names); `on_delete` defaults to `cascade`.
fn foreign_key(f: &Field) -> Option<ForeignKey> {
    let path = f.attrs.references.as_ref()?;
    let mut segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let column = segments.pop().unwrap_or_default();
    Some(ForeignKey {
        table: Cow::Owned(segments.last().cloned().unwrap_or_default()),
        column: Cow::Owned(column),
        on_delete: on_delete(f.attrs.on_delete.as_ref().map(|(v, _)| v.as_str())),
    })
}

/// An unknown value is reported by `check.rs`; it lowers to the default.
pub fn on_delete(value: Option<&str>) -> OnDelete {
    match value {
        Some("set_null") => OnDelete::SetNull,
        Some("restrict") => OnDelete::Restrict,
        Some("no_action") => OnDelete::NoAction,
        _ => OnDelete::Cascade,
    }
}

/// A path as written, without spaces: `crate::Flow`.
pub fn path_text(path: &syn::Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}
