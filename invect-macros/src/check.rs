//! The rules about the Rust declaration itself, which the schema cannot
//! express: attributes that do not fit the field's Rust type, and key or
//! `on_delete` attributes used in the wrong place. One function per rule,
//! the rule in a comment above it. The rules on the table itself (names,
//! duplicate columns, the primary key, defaults, lengths...) are
//! invect-schema's, run by `schema_check.rs`.

use crate::ast::Model;
use crate::ctxt::Ctxt;
use crate::symbol::{ON_DELETE_VALUES, list};
use crate::types::Kind;

/// Runs every rule. After a parse error (a misspelled `primary_key`, a
/// tuple struct) the key rule is skipped: its complaint would only echo it.
pub fn check(cx: &mut Ctxt, m: &Model, parsed_cleanly: bool) {
    if parsed_cleanly {
        check_primary_key_attrs(cx, m);
    }
    check_string_attrs(cx, m);
    check_on_delete(cx, m);
}

/// The key is declared once: one `primary_key` field, or a composite
/// `#[invect_table(primary_key(a, b))]`. Extensions declare none.
fn check_primary_key_attrs(cx: &mut Ctxt, m: &Model) {
    let marked: Vec<_> = m
        .fields
        .iter()
        .filter_map(|f| f.attrs.primary_key)
        .collect();
    if m.attrs.extends.is_some() {
        for span in &marked {
            cx.push(syn::Error::new(
                *span,
                "an extension cannot declare a primary key; the extended table has one",
            ));
        }
        return;
    }
    match (&m.attrs.primary_key, marked.as_slice()) {
        (_, []) | (None, [_]) => {}
        (Some((_, span)), [..]) => {
            cx.push(syn::Error::new(*span, "primary key declared twice: remove `primary_key` from the fields or from #[invect_table]"));
        }
        (None, [_, rest @ ..]) => {
            for span in rest {
                cx.push(syn::Error::new(*span, "second primary key: for a composite key write #[invect_table(primary_key(a, b))] instead"));
            }
        }
    }
}

/// `text` and `max_length` apply only to String fields, and not together.
fn check_string_attrs(cx: &mut Ctxt, m: &Model) {
    for f in &m.fields {
        let Some(ft) = &f.field_type else { continue };
        let is_string = ft.kind == Kind::String;
        if let Some(span) = f.attrs.text.filter(|_| !is_string) {
            cx.push(syn::Error::new(
                span,
                "`text` applies only to String fields",
            ));
        }
        let Some((_, span)) = f.attrs.max_length else {
            continue;
        };
        if !is_string {
            cx.push(syn::Error::new(
                span,
                "`max_length` applies only to String fields",
            ));
        } else if f.attrs.text.is_some() {
            cx.push(syn::Error::new(
                span,
                "`max_length` and `text` exclude each other: text has no length limit",
            ));
        }
    }
}

/// `on_delete` goes with `references` on the same field and is one of
/// `cascade`, `set_null`, `restrict` or `no_action`.
fn check_on_delete(cx: &mut Ctxt, m: &Model) {
    for f in &m.fields {
        let Some((value, span)) = &f.attrs.on_delete else {
            continue;
        };
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
                    list(ON_DELETE_VALUES)
                ),
            ));
        }
    }
}
