//! Parsing `#[invect_table(...)]` and `#[invect(...)]` into plain values,
//! recording every unknown or duplicate key in the [`Ctxt`].

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::{Ident, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;
use crate::symbol::*;

/// A literal or keyword default as written.
#[derive(Clone)]
pub enum DefaultAttr {
    Now,
    Uuid,
    Str(String),
    Int(i64),
    Bool(bool),
}

/// `#[invect_table(...)]`.
#[derive(Default)]
pub struct TableAttrs {
    pub name: Option<LitStr>,
    pub extends: Option<Path>,
    pub order: Option<i32>,
    pub primary_key: Option<(Vec<Ident>, Span)>,
    pub indexes: Vec<(Vec<Ident>, bool)>,
    /// `renamed_from = "old_name"`: the table's earlier name.
    pub renamed_from: Option<LitStr>,
}

/// `#[invect(...)]` on one field.
#[derive(Default)]
pub struct FieldAttrs {
    pub primary_key: Option<Span>,
    pub unique: bool,
    pub index: bool,
    pub text: Option<Span>,
    pub is_enum: bool,
    pub default: Option<(DefaultAttr, Span)>,
    pub references: Option<Path>,
    pub on_delete: Option<(String, Span)>,
    pub max_length: Option<(u32, Span)>,
    pub rename: Option<LitStr>,
    /// `renamed_from = "old_name"`: the column's earlier name.
    pub renamed_from: Option<LitStr>,
}

fn key(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default()
}

fn unknown(cx: &mut Ctxt, meta: &ParseNestedMeta, valid: &[&str]) -> syn::Result<()> {
    cx.error_at(
        &meta.path,
        format!(
            "unknown attribute `{}`; expected one of {}",
            key(meta),
            list(valid)
        ),
    );
    // Skip a value if there is one so parsing can go on to the next key.
    if meta.input.peek(syn::Token![=]) {
        let _: TokenStream = meta
            .value()?
            .parse::<syn::Expr>()
            .map(quote::ToTokens::into_token_stream)?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|_| Ok(()))?;
    }
    Ok(())
}

fn once<T>(cx: &mut Ctxt, meta: &ParseNestedMeta, slot: &Option<T>) {
    if slot.is_some() {
        cx.error_at(&meta.path, format!("duplicate attribute `{}`", key(meta)));
    }
}

/// Parses the arguments of `#[invect_table(...)]`.
pub fn parse_table(cx: &mut Ctxt, args: TokenStream) -> TableAttrs {
    let mut out = TableAttrs::default();
    let parser = syn::meta::parser(|meta| {
        match key(&meta).as_str() {
            NAME => {
                once(cx, &meta, &out.name);
                out.name = Some(meta.value()?.parse()?);
            }
            EXTENDS => {
                once(cx, &meta, &out.extends);
                out.extends = Some(meta.value()?.parse()?);
            }
            ORDER => {
                once(cx, &meta, &out.order);
                out.order = Some(meta.value()?.parse::<LitInt>()?.base10_parse()?);
            }
            PRIMARY_KEY => {
                once(cx, &meta, &out.primary_key);
                out.primary_key = Some((ident_list(&meta)?, meta.path.span()));
            }
            INDEX | UNIQUE => {
                let unique = key(&meta) == UNIQUE;
                out.indexes.push((ident_list(&meta)?, unique));
            }
            RENAMED_FROM => {
                once(cx, &meta, &out.renamed_from);
                out.renamed_from = Some(meta.value()?.parse()?);
            }
            _ => unknown(cx, &meta, TABLE_KEYS)?,
        }
        Ok(())
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, args) {
        cx.push(e);
    }
    out
}

use syn::spanned::Spanned;

fn ident_list(meta: &ParseNestedMeta) -> syn::Result<Vec<Ident>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let idents = syn::punctuated::Punctuated::<Ident, syn::Token![,]>::parse_terminated(&content)?;
    if idents.is_empty() {
        return Err(syn::Error::new(
            meta.path.span(),
            format!(
                "`{}()` lists no fields; name at least one, e.g. `{}(flow_id, version)`",
                key(meta),
                key(meta)
            ),
        ));
    }
    Ok(idents.into_iter().collect())
}

/// Parses every `#[invect(...)]` on a field.
pub fn parse_field(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("invect")) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            match key(&meta).as_str() {
                PRIMARY_KEY => {
                    once(cx, &meta, &out.primary_key);
                    out.primary_key = Some(span);
                }
                UNIQUE => out.unique = true,
                INDEX => out.index = true,
                TEXT => out.text = Some(span),
                ENUM => out.is_enum = true,
                DEFAULT => {
                    once(cx, &meta, &out.default);
                    out.default = Some(parse_default(meta.value()?)?);
                }
                REFERENCES => {
                    once(cx, &meta, &out.references);
                    out.references = Some(meta.value()?.parse()?);
                }
                ON_DELETE => {
                    once(cx, &meta, &out.on_delete);
                    let ident: Ident = meta.value()?.parse()?;
                    out.on_delete = Some((ident.to_string(), ident.span()));
                }
                MAX_LENGTH => {
                    once(cx, &meta, &out.max_length);
                    let lit: LitInt = meta.value()?.parse()?;
                    out.max_length = Some((lit.base10_parse()?, lit.span()));
                }
                RENAME => {
                    once(cx, &meta, &out.rename);
                    out.rename = Some(meta.value()?.parse()?);
                }
                RENAMED_FROM => {
                    once(cx, &meta, &out.renamed_from);
                    out.renamed_from = Some(meta.value()?.parse()?);
                }
                _ => unknown(cx, &meta, FIELD_KEYS)?,
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.push(e);
        }
    }
    out
}

/// `now`, `uuid`, `"text"`, `42`, `-1`, `true` or `false`.
fn parse_default(input: syn::parse::ParseStream) -> syn::Result<(DefaultAttr, Span)> {
    let expr: syn::Expr = input.parse()?;
    let span = expr.span();
    let value = match &expr {
        syn::Expr::Path(p) if p.path.is_ident("now") => DefaultAttr::Now,
        syn::Expr::Path(p) if p.path.is_ident("uuid") => DefaultAttr::Uuid,
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Str(s) => DefaultAttr::Str(s.value()),
            syn::Lit::Int(i) => DefaultAttr::Int(i.base10_parse()?),
            syn::Lit::Bool(b) => DefaultAttr::Bool(b.value),
            _ => return Err(default_error(span)),
        },
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            }) => DefaultAttr::Int(-i.base10_parse::<i64>()?),
            _ => return Err(default_error(span)),
        },
        _ => return Err(default_error(span)),
    };
    Ok((value, span))
}

fn default_error(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "unsupported default; use `now`, `uuid`, a string literal (also for enum values), an integer, `true` or `false`",
    )
}
