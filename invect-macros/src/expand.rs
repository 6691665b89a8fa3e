//! The expansions without `proc_macro` (diesel's `*_inner`), so unit tests
//! can run them: parse → lower → check → generate (or, on an error, the
//! fallback).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Model;
use crate::check::check;
use crate::ctxt::Ctxt;
use crate::fallback::fallback;
use crate::generate::generate;
use crate::lower::lower;
use crate::schema_check::check_schema;

/// `#[invect_table(args)]` on `input`.
pub fn invect_table_inner(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: syn::ItemStruct = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let first: TokenStream = input.clone().into_iter().take(3).collect();
            let err = syn::Error::new_spanned(
                first,
                "#[invect_table] applies to a struct with named fields (one per column)",
            )
            .to_compile_error();
            return quote!(#err #input);
        }
    };
    let mut cx = Ctxt::default();
    let model = Model::from_item(&mut cx, args, item);
    let parsed_cleanly = !cx.has_errors();
    let lowered = lower(&model);
    check(&mut cx, &model, parsed_cleanly);
    check_schema(&mut cx, &model, &lowered, parsed_cleanly);
    match cx.finish() {
        Ok(()) => generate(&model, &lowered),
        Err(err) => fallback(&model, &lowered, err),
    }
}

/// `#[derive(InvectEnum)]` on `input`.
pub fn derive_invect_enum_inner(input: TokenStream) -> TokenStream {
    crate::enums::expand(input)
}
