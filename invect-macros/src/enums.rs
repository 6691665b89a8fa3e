//! `#[derive(InvectEnum)]`: a fieldless enum stored as its variant names.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::ctxt::Ctxt;
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
            if data.variants.is_empty() {
                cx.error_at(&input.ident, "an InvectEnum needs at least one variant");
            }
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
    let mut seen = std::collections::HashSet::new();
    for (ident, stored) in &variants {
        if !seen.insert(stored.clone()) {
            cx.error_at(
                ident,
                format!("two variants are stored as {stored:?}; rename one"),
            );
        }
    }
    if let Err(e) = cx.finish() {
        return e.to_compile_error();
    }
    generate(&input.ident, &variants)
}

fn generate(ident: &syn::Ident, variants: &[(syn::Ident, String)]) -> TokenStream {
    let type_name = snake_case(&ident.to_string());
    let idents = variants.iter().map(|(i, _)| i).collect::<Vec<_>>();
    let names = variants.iter().map(|(_, s)| s).collect::<Vec<_>>();
    let s = quote!(::invect_runtime::__private::invect_schema);
    quote! {
        impl ::invect_runtime::InvectEnum for #ident {
            const VARIANTS: &'static [&'static str] = &[#(#names),*];
            const TYPE_NAME: &'static str = #type_name;
            const ENUM_DEF: #s::EnumDef = #s::EnumDef {
                name: ::std::borrow::Cow::Borrowed(#type_name),
                values: ::std::borrow::Cow::Borrowed(&[#(::std::borrow::Cow::Borrowed(#names)),*]),
            };
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
