//! One function per compile-time rule, each with the rule above it.

use std::collections::HashMap;

use invect_schema::ident::check_identifier;
use invect_schema::validate::check_default;

use crate::ast::Model;
use crate::ctxt::Ctxt;
use crate::symbol::ON_DELETE_VALUES;
use crate::types::Kind;

/// Runs every rule. After a parse error (a misspelled `primary_key`, a
/// tuple struct) the key rule is skipped: its complaint would only echo it.
pub fn check(cx: &mut Ctxt, m: &Model) {
    let parsed_cleanly = !cx.has_errors();
    check_names(cx, m);
    check_duplicate_columns(cx, m);
    if parsed_cleanly {
        check_primary_key(cx, m);
    }
    check_field_lists(cx, m);
    check_field_attrs(cx, m);
    check_extension_columns(cx, m);
}

/// Table and column names are plain snake_case identifiers of at most 63 bytes.
fn check_names(cx: &mut Ctxt, m: &Model) {
    if m.attrs.extends.is_none()
        && let Err(p) = check_identifier(&m.table)
    {
        let msg = format!("table name `{}` {p}", m.table);
        match &m.attrs.name {
            Some(lit) => cx.error_at(lit, msg),
            None => cx.error_at(&m.item.ident, msg),
        }
    }
    for f in &m.fields {
        if let Err(p) = check_identifier(&f.column) {
            let msg = format!("column name `{}` {p}", f.column);
            match &f.attrs.rename {
                Some(lit) => cx.error_at(lit, msg),
                None => cx.error_at(&f.ident, msg),
            }
        }
    }
}

/// Two fields may not map to one column, also after `rename`.
fn check_duplicate_columns(cx: &mut Ctxt, m: &Model) {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for f in &m.fields {
        if let Some(first) = seen.insert(&f.column, &f.ident) {
            let at: &dyn quote::ToTokens = match &f.attrs.rename {
                Some(lit) => lit,
                None => &f.ident,
            };
            cx.error_at(
                at,
                format!(
                    "duplicate column `{}`: field `{first}` already maps to it; rename one of them",
                    f.column
                ),
            );
        }
    }
}

/// A table has exactly one primary key: one `primary_key` field, or a
/// composite `#[invect_table(primary_key(a, b))]`. Extensions have none.
fn check_primary_key(cx: &mut Ctxt, m: &Model) {
    let marked: Vec<_> = m
        .fields
        .iter()
        .filter_map(|f| f.attrs.primary_key.map(|s| (f, s)))
        .collect();
    if let Some(ext) = &m.attrs.extends {
        for (_, span) in &marked {
            cx.push(syn::Error::new(
                *span,
                "an extension cannot declare a primary key; the extended table has one",
            ));
        }
        let _ = ext;
        return;
    }
    match (&m.attrs.primary_key, marked.as_slice()) {
        (Some(_), []) => {}
        (Some((_, span)), [..]) => {
            cx.push(syn::Error::new(*span, "primary key declared twice: remove `primary_key` from the fields or from #[invect_table]"));
        }
        (None, [_]) => {}
        (None, []) => cx.error_at(
            &m.item.ident,
            format!("table `{}` has no primary key; mark a field #[invect(primary_key)] or declare #[invect_table(primary_key(a, b))]", m.table),
        ),
        (None, [_, rest @ ..]) => {
            for (_, span) in rest {
                cx.push(syn::Error::new(*span, "second primary key: for a composite key write #[invect_table(primary_key(a, b))] instead"));
            }
        }
    }
    for f in m.key_fields() {
        if f.field_type.as_ref().is_some_and(|t| t.nullable) {
            cx.error_at(
                &f.ty,
                "a primary key column cannot be nullable; use the type without Option",
            );
        }
    }
}

/// Names in `primary_key(...)`, `index(...)` and `unique(...)` are fields of the struct.
fn check_field_lists(cx: &mut Ctxt, m: &Model) {
    let key = m.attrs.primary_key.iter().flat_map(|(ids, _)| ids);
    let indexed = m.attrs.indexes.iter().flat_map(|(ids, _)| ids);
    for ident in key.chain(indexed) {
        if m.field(ident).is_none() {
            let names: Vec<String> = m.fields.iter().map(|f| f.ident.to_string()).collect();
            cx.error_at(
                ident,
                format!(
                    "no field named `{ident}`; the fields are {}",
                    names.join(", ")
                ),
            );
        }
    }
}

/// Attributes fit the field's type: `text` and `max_length` only on String,
/// `on_delete` only with `references`, defaults of the column's type.
fn check_field_attrs(cx: &mut Ctxt, m: &Model) {
    for f in &m.fields {
        let Some(ft) = &f.field_type else { continue };
        if let Some(span) = f.attrs.text.filter(|_| ft.kind != Kind::String) {
            cx.push(syn::Error::new(
                span,
                "`text` applies only to String fields",
            ));
        }
        if let Some((n, span)) = f.attrs.max_length {
            if ft.kind != Kind::String {
                cx.push(syn::Error::new(
                    span,
                    "`max_length` applies only to String fields",
                ));
            } else if f.attrs.text.is_some() {
                cx.push(syn::Error::new(
                    span,
                    "`max_length` and `text` exclude each other: text has no length limit",
                ));
            } else if n == 0 || n > invect_schema::validate::MAX_VARCHAR {
                cx.push(syn::Error::new(
                    span,
                    format!(
                        "max_length must be 1 to {}",
                        invect_schema::validate::MAX_VARCHAR
                    ),
                ));
            }
        }
        if let Some((value, span)) = &f.attrs.on_delete {
            if f.attrs.references.is_none() {
                cx.push(syn::Error::new(
                    *span,
                    "`on_delete` needs `references = table::column` on the same field",
                ));
            } else if !ON_DELETE_VALUES.contains(&value.as_str()) {
                cx.push(syn::Error::new(
                    *span,
                    format!(
                        "unknown on_delete `{value}`; expected one of {}",
                        crate::symbol::list(ON_DELETE_VALUES)
                    ),
                ));
            } else if value == "set_null" && !ft.nullable {
                cx.push(syn::Error::new(
                    *span,
                    "on_delete = set_null needs a nullable field (Option<T>)",
                ));
            }
        }
        if let (Some((default, span)), Some(ty)) =
            (&f.attrs.default, crate::generate::column_type(f))
        {
            if ft.kind == Kind::Enum {
                if !matches!(default, crate::attr::DefaultAttr::Str(_)) {
                    cx.push(syn::Error::new(*span, "an enum default is the variant's stored name as a string, e.g. `default = \"PENDING\"`"));
                }
            } else if let Err(msg) = check_default(&ty, &crate::generate::default_value(default)) {
                cx.push(syn::Error::new(*span, msg));
            }
        }
    }
}

/// A column added by `extends` to a table that may have rows must be
/// nullable or have a default.
fn check_extension_columns(cx: &mut Ctxt, m: &Model) {
    if m.attrs.extends.is_none() {
        return;
    }
    for f in &m.fields {
        let nullable = f.field_type.as_ref().is_none_or(|t| t.nullable);
        if !nullable && f.attrs.default.is_none() {
            cx.error_at(
                &f.ty,
                format!(
                    "column `{}` is added to an existing table, whose rows could not get a value: \
                     make it Option<_> or give it #[invect(default = ...)]",
                    f.column
                ),
            );
        }
    }
}
