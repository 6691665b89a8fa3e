//! `#[derive(InvectEnum)]`: a fieldless enum stored as its variant names.
//! Parses the variants, checks them with invect-schema's `validate_enum`,
//! and quotes the lowered [`EnumDef`] as `ENUM_DEF`.

use std::borrow::Cow;
use std::collections::HashMap;

use invect_schema::validate::validate_enum;
use invect_schema::{EnumDef, SchemaError};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::ctxt::Ctxt;
use crate::tokens::Quoted;
use crate::types::snake_case;

const RENAME_ALL: &[&str] = &[
    "SCREAMING_SNAKE_CASE",
    "snake_case",
    "lowercase",
    "UPPERCASE",
];

/// Entry point of the derive.
pub fn expand(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let mut cx = Ctxt::default();
    let rename_all = parse_rename_all(&mut cx, &input.attrs);
    let mut variants = Vec::new();
    match &input.data {
        Data::Enum(data) => {
            for v in &data.variants {
                if !matches!(v.fields, Fields::Unit) {
                    cx.error_at(
                        &v.fields,
                        "InvectEnum variants cannot hold data; each variant is one stored name",
                    );
                }
                let stored = variant_rename(&mut cx, &v.attrs)
                    .unwrap_or_else(|| apply_rename(rename_all.as_deref(), &v.ident.to_string()));
                variants.push((v.ident.clone(), stored));
            }
        }
        _ => cx.error_at(
            &input.ident,
            "#[derive(InvectEnum)] applies to enums with unit variants only",
        ),
    }
    let def = enum_def(&input.ident, &variants);
    if matches!(input.data, Data::Enum(_)) {
        check_enum(&mut cx, &input.ident, &variants, &def);
    }
    match cx.finish() {
        Ok(()) => generate(&input.ident, &variants, &def),
        Err(e) => fallback(&input, e),
    }
}

/// The enum type as schema metadata: its Rust name in snake_case and the
/// stored names.
fn enum_def(ident: &syn::Ident, variants: &[(syn::Ident, String)]) -> EnumDef {
    EnumDef {
        name: Cow::Owned(snake_case(&ident.to_string())),
        values: variants
            .iter()
            .map(|(_, s)| Cow::Owned(s.clone()))
            .collect(),
    }
}

/// invect-schema's rules on the enum type (a name, at least one value, no
/// empty or repeated value), each error at the variant it is about.
fn check_enum(cx: &mut Ctxt, ident: &syn::Ident, variants: &[(syn::Ident, String)], def: &EnumDef) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for e in validate_enum(def) {
        let site = match &e {
            SchemaError::BadEnum { value: Some(v), .. } => {
                let n = seen.entry(v.clone()).or_default();
                *n += 1;
                // An empty value is reported at each; a repeat from the second on.
                let skip = if v.is_empty() { *n - 1 } else { *n };
                variants
                    .iter()
                    .filter(|(_, s)| s == v)
                    .nth(skip)
                    .map(|(i, _)| i)
            }
            _ => None,
        };
        cx.error_at(site.unwrap_or(ident), e);
    }
}

fn generate(ident: &syn::Ident, variants: &[(syn::Ident, String)], def: &EnumDef) -> TokenStream {
    let s = quote!(::invect_runtime::__private::invect_schema);
    let type_name: &str = &def.name;
    let idents = variants.iter().map(|(i, _)| i).collect::<Vec<_>>();
    let names = variants.iter().map(|(_, s)| s).collect::<Vec<_>>();
    let enum_def = Quoted(def);
    quote! {
        impl ::invect_runtime::InvectEnum for #ident {
            const VARIANTS: &'static [&'static str] = &[#(#names),*];
            const TYPE_NAME: &'static str = #type_name;
            const ENUM_DEF: #s::EnumDef = #enum_def;
            fn as_str(&self) -> &'static str {
                match self { #(Self::#idents => #names,)* }
            }
            fn from_str(s: &str) -> ::core::option::Option<Self> {
                match s { #(#names => ::core::option::Option::Some(Self::#idents),)* _ => ::core::option::Option::None }
            }
        }
        ::invect_runtime::__impl_enum_value!(#ident);
    }
}

/// After an error: the error and a stub impl (bodies never run), so the
/// tables using the enum report nothing more. A generic type gets none.
fn fallback(input: &DeriveInput, err: syn::Error) -> TokenStream {
    let err = err.to_compile_error();
    if !input.generics.params.is_empty() {
        return err;
    }
    let ident = &input.ident;
    let s = quote!(::invect_runtime::__private::invect_schema);
    let type_name = snake_case(&ident.to_string());
    let never = quote!(::core::unreachable!(
        "#[derive(InvectEnum)] reported an error"
    ));
    quote! {
        #err
        impl ::invect_runtime::InvectEnum for #ident {
            const VARIANTS: &'static [&'static str] = &[];
            const TYPE_NAME: &'static str = #type_name;
            const ENUM_DEF: #s::EnumDef = #s::EnumDef {
                name: ::std::borrow::Cow::Borrowed(#type_name),
                values: ::std::borrow::Cow::Borrowed(&[]),
            };
            fn as_str(&self) -> &'static str { #never }
            fn from_str(_: &str) -> ::core::option::Option<Self> { #never }
        }
        ::invect_runtime::__impl_enum_value!(#ident);
    }
}

fn parse_rename_all(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Option<String> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("invect")) {
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let lit: LitStr = meta.value()?.parse()?;
                if RENAME_ALL.contains(&lit.value().as_str()) {
                    out = Some(lit.value());
                } else {
                    cx.error_at(
                        &lit,
                        format!(
                            "unknown rename_all {:?}; expected one of {}",
                            lit.value(),
                            crate::symbol::list(RENAME_ALL)
                        ),
                    );
                }
            } else {
                cx.error_at(
                    &meta.path,
                    "unknown attribute; expected `rename_all = \"...\"`",
                );
            }
            Ok(())
        });
        if let Err(e) = r {
            cx.push(e);
        }
    }
    out
}

fn variant_rename(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Option<String> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("invect")) {
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out = Some(meta.value()?.parse::<LitStr>()?.value());
            } else {
                cx.error_at(&meta.path, "unknown attribute; expected `rename = \"...\"`");
            }
            Ok(())
        });
        if let Err(e) = r {
            cx.push(e);
        }
    }
    out
}

fn apply_rename(rule: Option<&str>, name: &str) -> String {
    match rule {
        Some("SCREAMING_SNAKE_CASE") => snake_case(name).to_uppercase(),
        Some("snake_case") => snake_case(name),
        Some("lowercase") => name.to_lowercase(),
        Some("UPPERCASE") => name.to_uppercase(),
        _ => name.to_string(),
    }
}
