//! Runs invect-schema's rules (`validate_table`, `validate_extension`) on the
//! lowered declaration, the same rules the runtime applies, and reports each
//! problem at the span of the field or attribute it concerns.

use std::collections::HashMap;

use invect_schema::validate::{validate_extension, validate_table};
use invect_schema::{ColumnAttribute, ColumnType, DefaultValue, Origin, SchemaError};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

use crate::ast::{Field, Model};
use crate::ctxt::Ctxt;
use crate::lower::Lowered;

/// Reports every problem the schema rules find in `lowered`, except those
/// that only echo an error already reported (`parsed_cleanly` is false) or
/// that the compiler checks instead.
pub fn check_schema(cx: &mut Ctxt, m: &Model, lowered: &Lowered, parsed_cleanly: bool) {
    let errors = match lowered {
        Lowered::Table(t) => validate_table(t),
        Lowered::Extension(e) => validate_extension(e, &Origin::Core),
    };
    let no_columns = errors
        .iter()
        .any(|e| matches!(e, SchemaError::NoColumns { .. }));
    let mut sites = Sites::new(m);
    for e in &errors {
        if !ignored(e, m, parsed_cleanly, no_columns) {
            cx.push(sites.error(e));
        }
    }
}

/// Problems that are no mistake of their own:
/// - the stand-in of an enum type (the derive checks the real one) and a
///   string default of an enum column (a const assertion checks it against
///   the real variants);
/// - anything about a column whose Rust type is unsupported (reported);
/// - no columns or no primary key after a parse error, and no primary key
///   of a table without columns.
fn ignored(e: &SchemaError, m: &Model, parsed_cleanly: bool, no_columns: bool) -> bool {
    let type_failed = |column: &str| fields_with(m, column).any(|f| f.field_type.is_none());
    match e {
        SchemaError::BadEnum { .. } => true,
        SchemaError::InvalidName { what, .. } => *what == "enum type",
        SchemaError::BadColumn {
            column, attribute, ..
        } => {
            type_failed(column)
                || (*attribute == ColumnAttribute::Default && enum_string_default(m, column))
        }
        SchemaError::NullablePrimaryKey { column, .. }
        | SchemaError::ExtensionNotNull { column, .. } => type_failed(column),
        SchemaError::NoColumns { .. } => !parsed_cleanly,
        SchemaError::NoPrimaryKey { .. } => !parsed_cleanly || no_columns,
        _ => false,
    }
}

fn enum_string_default(m: &Model, column: &str) -> bool {
    fields_with(m, column).any(|f| {
        let def = crate::lower::column_def(f);
        matches!(
            (&def.ty, &def.default),
            (ColumnType::Enum(_), Some(DefaultValue::Str(_)))
        )
    })
}

fn fields_with<'m>(m: &'m Model, column: &str) -> impl Iterator<Item = &'m Field> {
    let column = column.to_string();
    m.fields.iter().filter(move |f| f.column == column)
}

/// Where an error goes: a span, or tokens to underline from first to last.
enum Site {
    Span(Span),
    Tokens(TokenStream),
}

fn tokens(t: &dyn ToTokens) -> Site {
    Site::Tokens(t.to_token_stream())
}

/// Finds the site of each error. Several errors can name one column (a
/// name used three times is two duplicates); the n-th error of a kind goes
/// to the n-th place it can be about, which is the order the rules visit.
struct Sites<'m> {
    m: &'m Model,
    seen: HashMap<(&'static str, String), usize>,
}

impl<'m> Sites<'m> {
    fn new(m: &'m Model) -> Self {
        Sites {
            m,
            seen: HashMap::new(),
        }
    }

    /// How many errors of `kind` about `column` came before this one.
    fn count(&mut self, kind: &'static str, column: &str) -> usize {
        let n = self.seen.entry((kind, column.to_string())).or_default();
        *n += 1;
        *n - 1
    }

    fn error(&mut self, e: &SchemaError) -> syn::Error {
        let (site, message) = self.site(e);
        match site {
            Site::Span(span) => syn::Error::new(span, message),
            Site::Tokens(t) => syn::Error::new_spanned(t, message),
        }
    }

    fn site(&mut self, e: &SchemaError) -> (Site, String) {
        let m = self.m;
        let whole = || tokens(&m.item.ident);
        let field = |n: usize, column: &str| fields_with(m, column).nth(n);
        let site = match e {
            SchemaError::BadRename { .. } => match &m.attrs.renamed_from {
                Some(lit) => tokens(lit),
                None => whole(),
            },
            SchemaError::InvalidName { what: "table", .. } => match &m.attrs.name {
                Some(lit) => tokens(lit),
                None => whole(),
            },
            SchemaError::InvalidName { name, .. } => {
                let n = self.count("name", name);
                field(n, name).map_or_else(whole, column_name_site)
            }
            SchemaError::DuplicateColumn { column, .. } => {
                let n = self.count("duplicate", column);
                field(n + 1, column).map_or_else(whole, column_name_site)
            }
            SchemaError::NullablePrimaryKey { column, .. } => {
                field(0, column).map_or_else(whole, |f| tokens(&f.ty))
            }
            SchemaError::BadColumn {
                column,
                attribute,
                message,
                ..
            } => {
                let n = self.count(attribute_key(*attribute), column);
                let site = field(n, column)
                    .and_then(|f| attribute_span(f, *attribute))
                    .map_or_else(whole, Site::Span);
                // The span already shows the column: the message alone.
                return (site, message.clone());
            }
            SchemaError::ExtensionNotNull { column, .. } => {
                let n = self.count("extension", column);
                let site = field(n, column).map_or_else(whole, |f| tokens(&f.ty));
                return (site, extension_not_null(column));
            }
            SchemaError::UnknownColumn { column, .. } => {
                let n = self.count("unknown", column);
                let site = unknown_idents(m).nth(n).map_or_else(whole, |i| tokens(i));
                let fields: Vec<String> = m.fields.iter().map(|f| f.ident.to_string()).collect();
                return (site, format!("{e}; the fields are {}", fields.join(", ")));
            }
            _ => whole(),
        };
        (site, e.to_string())
    }
}

/// The column's name as written: `rename = "..."`, else the field.
fn column_name_site(f: &Field) -> Site {
    match &f.attrs.rename {
        Some(lit) => tokens(lit),
        None => tokens(&f.ident),
    }
}

fn attribute_key(a: ColumnAttribute) -> &'static str {
    match a {
        ColumnAttribute::Default => crate::symbol::DEFAULT,
        ColumnAttribute::MaxLength => crate::symbol::MAX_LENGTH,
        ColumnAttribute::OnDelete => crate::symbol::ON_DELETE,
        ColumnAttribute::RenamedFrom => crate::symbol::RENAMED_FROM,
        _ => "column",
    }
}

fn attribute_span(f: &Field, a: ColumnAttribute) -> Option<Span> {
    match a {
        ColumnAttribute::Default => f.attrs.default.as_ref().map(|(_, s)| *s),
        ColumnAttribute::MaxLength => f.attrs.max_length.map(|(_, s)| s),
        ColumnAttribute::OnDelete => f.attrs.on_delete.as_ref().map(|(_, s)| *s),
        ColumnAttribute::RenamedFrom => f.attrs.renamed_from.as_ref().map(|l| l.span()),
        _ => None,
    }
}

/// Names in `primary_key(..)`, `index(..)` and `unique(..)` that are neither
/// a field nor a column, in the order the rules visit them.
fn unknown_idents(m: &Model) -> impl Iterator<Item = &syn::Ident> {
    let key = m.attrs.primary_key.iter().flat_map(|(ids, _)| ids);
    let key = key.filter(|_| m.attrs.extends.is_none());
    let listed = m.attrs.indexes.iter().flat_map(|(ids, _)| ids);
    key.chain(listed).filter(move |i| {
        m.field(i).is_none() && !m.fields.iter().any(|f| f.column == i.to_string())
    })
}

/// The schema's message names the plugin and the table, which only the
/// runtime knows; this one says the same about the field.
fn extension_not_null(column: &str) -> String {
    format!(
        "column `{column}` is added to an existing table, whose rows could not get a value: \
         make it Option<_> or give it #[invect(default = ...)]"
    )
}
